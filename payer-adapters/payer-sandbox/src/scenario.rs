//! The scenario table: which simulated answer a member ID gets.
//!
//! A scenario is chosen by the prefix of the subscriber's member ID, compared without regard to case, so any
//! number of distinct members share a scenario (`ACT0001`, `act-778`, `ACT9F2C` are all "active"): a load test
//! can spread its checks over many members and miss the cache while every answer stays predictable.
//! A member ID that starts with no listed prefix, and an inquiry with no member ID at all (a search by name and
//! date of birth), get [`Scenario::Active`]: the sandbox behaves like a payer that finds everybody, which is what
//! a new user trying the gateway expects. The prefixes are chosen so that none is a prefix of another.

/// One simulated payer behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// Active coverage with the full benefit set (copays, coinsurance, deductibles, out-of-pocket, PCP).
    Active,
    /// Coverage ended before the date of service (EB*6).
    Inactive,
    /// The subscriber's dependent, with its own benefits (2000D / 2110D).
    Dependent,
    /// Active, with the individual deductible met (remaining 0).
    DeductibleMet,
    /// Active, with prior authorization required (EB11 `Y`) for inpatient, imaging, surgery and mental health.
    AuthRequired,
    /// Active medical coverage; pharmacy (service types 88-92) carved out to a pharmacy benefit manager.
    PharmacyCarveOut,
    /// The member is not found: AAA 72 "invalid/missing subscriber/insured ID" in 2100C.
    InvalidMember,
    /// The payer cannot answer now: AAA 42 "unable to respond at current time" in 2100A (retryable).
    PayerUnavailable,
    /// A 271 whose bytes are corrupt (truncated mid-segment); the decoder must reject it.
    Malformed,
    /// A 999 acknowledgment rejecting the 270's transaction set.
    Rejected999,
    /// The active answer, after the configured slow delay.
    Slow,
    /// No answer within any deadline (the configured timeout delay, 60 s by default).
    Timeout,
}

impl Scenario {
    /// Every scenario, in the order of the documentation table.
    pub const ALL: [Scenario; 12] = [
        Scenario::Active,
        Scenario::Inactive,
        Scenario::Dependent,
        Scenario::DeductibleMet,
        Scenario::AuthRequired,
        Scenario::PharmacyCarveOut,
        Scenario::InvalidMember,
        Scenario::PayerUnavailable,
        Scenario::Malformed,
        Scenario::Rejected999,
        Scenario::Slow,
        Scenario::Timeout,
    ];

    /// The position in [`Scenario::ALL`] (the declaration order).
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The member ID prefix that selects this scenario (upper case; matching ignores case).
    pub fn prefix(self) -> &'static str {
        match self {
            Scenario::Active => "ACT",
            Scenario::Inactive => "INA",
            Scenario::Dependent => "DEP",
            Scenario::DeductibleMet => "DED",
            Scenario::AuthRequired => "AUTH",
            Scenario::PharmacyCarveOut => "RX",
            Scenario::InvalidMember => "INV",
            Scenario::PayerUnavailable => "UNA",
            Scenario::Malformed => "MAL",
            Scenario::Rejected999 => "REJ",
            Scenario::Slow => "SLOW",
            Scenario::Timeout => "TIME",
        }
    }

    /// A short stable name (kebab case), for tables, metrics and test names.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Active => "active",
            Scenario::Inactive => "inactive",
            Scenario::Dependent => "dependent",
            Scenario::DeductibleMet => "deductible-met",
            Scenario::AuthRequired => "auth-required",
            Scenario::PharmacyCarveOut => "pharmacy-carve-out",
            Scenario::InvalidMember => "invalid-member",
            Scenario::PayerUnavailable => "payer-unavailable",
            Scenario::Malformed => "malformed-271",
            Scenario::Rejected999 => "999-rejection",
            Scenario::Slow => "slow",
            Scenario::Timeout => "timeout",
        }
    }

    /// One line saying what the payer answers.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Active => {
                "271 active coverage (EB*1) with copays, coinsurance, deductible and out-of-pocket (in and out of \
                 network, individual and family), plan dates, group number and primary care provider"
            }
            Scenario::Inactive => "271 inactive coverage (EB*6): the plan ended before the date of service",
            Scenario::Dependent => {
                "271 with the subscriber and a dependent (2000D) carrying its own active benefits (2110D); the \
                 request's first dependent, or a made-up child when none is given"
            }
            Scenario::DeductibleMet => "271 active coverage whose individual in-network deductible remaining is 0",
            Scenario::AuthRequired => {
                "271 active coverage with EB11=Y (authorization required) for inpatient (48), imaging (62), \
                 surgery (2) and mental health (MH), and the utilization management organization (NM1*X3)"
            }
            Scenario::PharmacyCarveOut => {
                "271 active medical coverage; pharmacy (88-92) as EB*R naming the pharmacy benefit manager \
                 (LS/LE NM1*PR with its BIN) with RX PCN and group references"
            }
            Scenario::InvalidMember => "271 with AAA 72 (follow-up C) at 2100C: invalid or missing member ID (not retryable)",
            Scenario::PayerUnavailable => {
                "271 with AAA 42 (follow-up R) at 2100A: unable to respond at current time (retryable)"
            }
            Scenario::Malformed => "271 truncated in the middle of a segment: the decoder rejects it (502)",
            Scenario::Rejected999 => "999 with IK5*R and AK9*R rejecting the 270's transaction set",
            Scenario::Slow => "the active answer after the configured slow delay (default 3 s)",
            Scenario::Timeout => "no answer within any deadline (waits the configured timeout delay, default 60 s)",
        }
    }

    /// The HTTP status a gateway client should see for this scenario with no cache hit and a deadline longer
    /// than the scenario's delay (for `Slow`) or shorter than it (for `Timeout`).
    pub fn expected_http_status(self) -> u16 {
        match self {
            Scenario::Active
            | Scenario::Inactive
            | Scenario::Dependent
            | Scenario::DeductibleMet
            | Scenario::AuthRequired
            | Scenario::PharmacyCarveOut
            | Scenario::Slow => 200,
            Scenario::InvalidMember | Scenario::Rejected999 => 422,
            Scenario::Malformed => 502,
            // Only retryable AAA (42): the payer is unavailable now (503 with Retry-After), not the inquiry wrong.
            Scenario::PayerUnavailable => 503,
            Scenario::Timeout => 504,
        }
    }
}

/// The scenario for a member ID; see the module docs for the default.
pub fn scenario_for(member_id: &str) -> Scenario {
    let id = member_id.trim().as_bytes();
    Scenario::ALL
        .into_iter()
        .find(|scenario| {
            let prefix = scenario.prefix().as_bytes();
            id.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        })
        .unwrap_or(Scenario::Active)
}

/// The scenario for an inquiry: by the subscriber's member ID, [`Scenario::Active`] when it has none.
pub fn scenario_for_request(request: &payer_core::EligibilityRequest) -> Scenario {
    request
        .subscriber
        .member_id
        .as_ref()
        .map_or(Scenario::Active, |id| scenario_for(id.expose()))
}
