//! The simulated health plan: its name, the services it covers and what each costs the member.
//!
//! Every number the sandbox returns comes from the constants here, so tests and the README can quote them.
//! All amounts are whole dollars; percents are whole percent (the 271 carries them as fractions, `.2`).

/// The plan's name (EB05 of the active coverage, REF*18 description).
pub const PLAN_NAME: &str = "SANDBOX GOLD PPO 2000";
/// EB04 insurance type: `PR`, preferred provider organization.
pub const INSURANCE_TYPE: &str = "PR";
/// REF*6P group number (2100C) and its description.
pub const GROUP_NUMBER: &str = "SBX100200";
/// REF*6P description.
pub const GROUP_NAME: &str = "SANDBOX EMPLOYER GROUP";
/// REF*18 plan number.
pub const PLAN_NUMBER: &str = "GOLDPPO2000";

/// Payer contact (2100A PER): provider services telephone.
pub const PAYER_PHONE: &str = "8005550100";
/// Payer contact (2100A PER): web site.
pub const PAYER_URL: &str = "WWW.SANDBOX-PAYER.EXAMPLE";

/// The primary care provider named in the 2120C loop of the active coverage (NM1*P3).
pub const PCP_LAST_NAME: &str = "WELBY";
/// Given name of the primary care provider.
pub const PCP_FIRST_NAME: &str = "MARCUS";
/// NPI of the primary care provider (valid check digit).
pub const PCP_NPI: &str = "1987654328";
/// Telephone of the primary care provider.
pub const PCP_PHONE: &str = "8005550111";

/// The utilization management organization of the auth-required scenario (NM1*X3).
pub const UM_NAME: &str = "SANDBOX UTILIZATION MANAGEMENT";
/// Its telephone.
pub const UM_PHONE: &str = "8005550122";

/// The pharmacy benefit manager of the carve-out scenario (2120C NM1*PR).
pub const PBM_NAME: &str = "SANDBOX PHARMACY BENEFITS";
/// Its BIN, sent as the NM109 payer identifier (qualifier PI), as X12 RFI 1922 recommends for the RxBIN.
pub const PBM_BIN: &str = "610999";
/// Its processor control number (2110C REF*N6).
pub const PBM_PCN: &str = "SBXRX";
/// The pharmacy group (2110C REF*6P).
pub const PBM_GROUP: &str = "SBXRXGRP01";
/// Its help desk telephone.
pub const PBM_PHONE: &str = "8005550199";

/// Service types listed as covered in the full answer to service type 30, in this order.
pub const COVERED: [&str; 14] = [
    "1", "2", "33", "35", "47", "48", "50", "62", "86", "88", "98", "AL", "MH", "UC",
];
/// Service types that need prior authorization in the auth-required scenario.
pub const AUTH_REQUIRED: [&str; 4] = ["2", "48", "62", "MH"];
/// Pharmacy service types, carved out to the PBM in the pharmacy scenario.
pub const PHARMACY: [&str; 5] = ["88", "89", "90", "91", "92"];

/// What one service costs the member, in and out of network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostShare {
    /// Per-visit copay in network, dollars.
    pub copay_in: Option<u32>,
    /// Per-visit copay out of network, dollars.
    pub copay_out: Option<u32>,
    /// Coinsurance in network, percent.
    pub coinsurance_in: Option<u32>,
    /// Coinsurance out of network, percent.
    pub coinsurance_out: Option<u32>,
}

/// The cost share of a service type; services not listed pay the plan's general 20 % / 40 % coinsurance.
pub fn cost_share(service_type: &str) -> CostShare {
    let (copay_in, copay_out, coinsurance_in, coinsurance_out) = match service_type {
        "33" => (Some(30), Some(60), None, None),
        "35" => (None, None, Some(20), Some(50)),
        "48" => (Some(250), None, None, Some(40)),
        "86" => (Some(250), Some(250), None, None),
        "88" | "89" | "90" | "91" | "92" => (Some(10), None, None, Some(50)),
        "98" => (Some(25), Some(50), None, None),
        "AL" => (Some(15), Some(40), None, None),
        "MH" => (Some(25), Some(50), None, None),
        "UC" => (Some(50), Some(100), None, None),
        _ => (None, None, Some(20), Some(40)),
    };
    CostShare {
        copay_in,
        copay_out,
        coinsurance_in,
        coinsurance_out,
    }
}

/// A deductible or out-of-pocket maximum: totals and what remains, per coverage level and network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accumulators {
    /// In network: individual (total, remaining), family (total, remaining), dollars.
    pub in_network: [(u32, u32); 2],
    /// Out of network: individual (total, remaining), family (total, remaining), dollars.
    pub out_of_network: [(u32, u32); 2],
}

/// The deductible of the active member: $1,200 of $2,000 left in network.
pub const DEDUCTIBLE: Accumulators = Accumulators {
    in_network: [(2_000, 1_200), (4_000, 3_100)],
    out_of_network: [(4_000, 3_400), (8_000, 7_100)],
};

/// The deductible of the deductible-met member: nothing left individually, in or out of network.
pub const DEDUCTIBLE_MET: Accumulators = Accumulators {
    in_network: [(2_000, 0), (4_000, 1_350)],
    out_of_network: [(4_000, 0), (8_000, 2_600)],
};

/// The out-of-pocket maximum of the active member.
pub const OUT_OF_POCKET: Accumulators = Accumulators {
    in_network: [(6_000, 4_850), (12_000, 10_350)],
    out_of_network: [(12_000, 11_400), (24_000, 23_100)],
};

/// The out-of-pocket maximum of the deductible-met member (the deductible paid counts toward it).
pub const OUT_OF_POCKET_MET: Accumulators = Accumulators {
    in_network: [(6_000, 3_650), (12_000, 8_900)],
    out_of_network: [(12_000, 8_000), (24_000, 18_900)],
};
