//! One service type's entry of the coverage summary: a benefit's amounts filed by network, kind and level,
//! by the rules in the parent module's docs.
use payer_core::{
    Accumulator, Amounts, BenefitInformation, NetworkBenefits, ServiceCoverage, Text,
};
use rust_decimal::Decimal;

use super::{is_active, is_inactive};
use crate::codes;
use crate::response::number::{parse_decimal, percent};

/// The parts of one benefit that the summary reads, read once for all of its service types.
pub(super) struct Eb<'a> {
    code: &'a str,
    auth: Option<&'a str>,
    /// The networks its amounts go to (0 in network, 1 out of network), by EB12.
    networks: &'static [usize],
    amount: Option<&'a str>,
    percent: Option<&'a str>,
    level: Option<&'a str>,
    period: Option<&'a str>,
}

impl<'a> Eb<'a> {
    pub(super) fn of(b: &'a BenefitInformation) -> Self {
        Eb {
            code: b.code.as_str(),
            auth: b.auth_or_cert_indicator.as_deref(),
            networks: match b.in_plan_network_indicator_code.as_deref() {
                Some("N") => &[1],
                Some("W") => &[0, 1],
                _ => &[0],
            },
            amount: b.benefit_amount.as_deref(),
            percent: b.benefit_percent.as_deref(),
            level: b.coverage_level_code.as_deref(),
            period: b.time_qualifier_code.as_deref(),
        }
    }
}

/// The amounts of one service type being filed: its summary entry and how good what it holds is.
pub(super) struct ServiceBuilder<'s> {
    pub(super) coverage: &'s mut ServiceCoverage,
    pub(super) slots: &'s mut Slots,
}

/// Per network, kind (deductible, out of pocket) and level (individual, family).
pub(super) type Slots = [Slot; 8];

/// How good the amounts filed so far are (lower is better), and the year-to-date amount used.
#[derive(Clone, Copy)]
pub(super) struct Slot {
    total_rank: u8,
    remaining_rank: u8,
    used: Option<Decimal>,
}

impl Slot {
    pub(super) const EMPTY: Slot = Slot {
        total_rank: u8::MAX,
        remaining_rank: u8::MAX,
        used: None,
    };
}

/// No amounts filed, for every network, kind and level.
pub(super) const EMPTY_SLOTS: Slots = [Slot::EMPTY; 8];

/// No amounts.
const NO_AMOUNTS: Amounts = Amounts {
    total: None,
    remaining: None,
};

/// No benefits in a network.
const NO_BENEFITS: NetworkBenefits = NetworkBenefits {
    copay: None,
    coinsurance_percent: None,
    deductible: Accumulator {
        individual: NO_AMOUNTS,
        family: NO_AMOUNTS,
    },
    out_of_pocket: Accumulator {
        individual: NO_AMOUNTS,
        family: NO_AMOUNTS,
    },
};

/// An unnamed summary entry with nothing in it.
const EMPTY_SERVICE: ServiceCoverage = ServiceCoverage {
    service_type_code: Text::EMPTY,
    service_type: None,
    active: None,
    authorization_required: None,
    in_network: NO_BENEFITS,
    out_of_network: NO_BENEFITS,
};

/// Appends the summary entry of a service type not seen before. The entry is copied into the list from a
/// constant and named there: one built on the stack and copied in was read back with wide loads right after
/// its narrow stores, a store-forwarding stall on every new service type.
pub(super) fn push_service(services: &mut Vec<ServiceCoverage>, code: &str) {
    let (service_type_code, service_type) = match codes::service_type_text(code) {
        Some((code, name)) => (code, Some(name)),
        None => (Text::new(code), None),
    };
    let entry = services.push_mut(EMPTY_SERVICE);
    entry.service_type_code = service_type_code;
    entry.service_type = service_type;
}

impl ServiceBuilder<'_> {
    pub(super) fn add(&mut self, b: &Eb<'_>) {
        let c = &mut *self.coverage;
        if is_active(b.code) {
            c.active = Some(true);
        } else if (is_inactive(b.code) || b.code == "I") && c.active.is_none() {
            c.active = Some(false);
        }
        match b.auth {
            Some("Y") => c.authorization_required = Some(true),
            Some("N") if c.authorization_required.is_none() => {
                c.authorization_required = Some(false)
            }
            _ => {}
        }
        for &net in b.networks {
            self.add_amounts(net, b);
        }
    }

    fn add_amounts(&mut self, net: usize, b: &Eb<'_>) {
        let network = network(self.coverage, net);
        let amount = || b.amount.and_then(parse_decimal);
        match b.code {
            "B" if network.copay.is_none() => network.copay = amount(),
            "A" if network.coinsurance_percent.is_none() => {
                network.coinsurance_percent = b.percent.and_then(percent);
            }
            "C" | "G" => {
                let Some(value) = amount() else { return };
                let kind = usize::from(b.code == "G");
                let family = b.level.is_some_and(codes::is_family_coverage_level);
                let amounts = amounts(network, kind, family);
                if let Some(slot) = self.slots.get_mut(net * 4 + kind * 2 + usize::from(family)) {
                    file_amount(amounts, slot, b.period, value);
                }
            }
            _ => {}
        }
    }

    /// Derives what remains from the amount used, where the payer sent a total but no remaining.
    pub(super) fn finish(self) {
        for (i, slot) in self.slots.iter().enumerate() {
            let Some(used) = slot.used else { continue };
            let amounts = amounts(network(self.coverage, i / 4), (i / 2) % 2, i % 2 == 1);
            if let (None, Some(total)) = (amounts.remaining, amounts.total) {
                amounts.remaining = Some((total - used).max(Decimal::ZERO));
            }
        }
    }
}

fn network(c: &mut ServiceCoverage, net: usize) -> &mut NetworkBenefits {
    if net == 0 {
        &mut c.in_network
    } else {
        &mut c.out_of_network
    }
}

fn amounts(network: &mut NetworkBenefits, kind: usize, family: bool) -> &mut Amounts {
    let accumulator: &mut Accumulator = if kind == 0 {
        &mut network.deductible
    } else {
        &mut network.out_of_pocket
    };
    if family {
        &mut accumulator.family
    } else {
        &mut accumulator.individual
    }
}

/// Files one deductible or out-of-pocket amount by its EB06 period (see the module docs).
fn file_amount(amounts: &mut Amounts, slot: &mut Slot, period: Option<&str>, value: Decimal) {
    match period {
        Some("29") | Some("33") => {
            let rank = u8::from(period == Some("33"));
            if rank < slot.remaining_rank {
                slot.remaining_rank = rank;
                amounts.remaining = Some(value);
            }
        }
        Some("24") => {
            slot.used.get_or_insert(value);
        }
        _ => {
            let rank = u8::from(period == Some("32"));
            if rank < slot.total_rank {
                slot.total_rank = rank;
                amounts.total = Some(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_service_starts_as_the_default_one() {
        assert_eq!(EMPTY_SERVICE, ServiceCoverage::default());
    }
}
