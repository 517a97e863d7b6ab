//! [`summarize`]: the coverage answer a person wants, computed from a normalized response's benefits.
//!
//! It reads only [`EligibilityResponse`] fields, so any transport's normalized answer (271 or JSON) can be
//! summarized the same way. The rules, where the 271 leaves room:
//!
//! - **Status**: the EB01 `1`-`8` entries for service type `30` decide (an EB without EB03 is about `30`); when
//!   none is about `30`, all of them do. Any `1`-`5` is active, else any `6`-`8` inactive. With no such entry,
//!   a response carrying AAA errors (at any level) is rejected, anything else unknown.
//! - **Plan name**: EB05 of the first active entry (for `30` first), else the REF\*18 plan description.
//! - **Plan dates**: the first usable of DTP `346`/`347` (plan begin/end), `291` (plan, a date or a range),
//!   `356`/`357` (eligibility begin/end), `307` (eligibility), from the subscriber/dependent loop, then from
//!   the active `30` benefit's own DTPs.
//! - **Per service type** (EB03, or `30` when absent): EB01 `1`-`5` marks it active, `6`-`8` and `I` not covered;
//!   EB11 `Y`/`N` sets `authorizationRequired` (`Y` wins; `U` or absent leaves it unknown); amounts go
//!   to the network of EB12: `Y` in network, `N` out of network, `W` both. With no EB12 (or `U`) the amount
//!   is filed in network, since payers that omit EB12 mostly describe their in-network benefits; the raw
//!   `benefitsInformation` entry keeps the missing indicator for anyone who needs to know.
//! - **Copay** (`B`, EB07) and **coinsurance** (`A`, EB08 fraction times 100; a value above 1 is taken as a
//!   percent already): the first one seen per network.
//! - **Deductible** (`C`) and **out of pocket** (`G`), by EB02: `IND`, `EMP`, `SPO` or absent are individual,
//!   every level covering several people (`FAM`, `ESP`, `ECH`, `SPC`, `DEP`, `CHD`) family. By EB06:
//!   `29` (remaining) and `33` (lifetime remaining) fill `remaining`; `24` (year to date) is the amount used,
//!   from which `remaining` is derived when the payer sent a total but no remaining; every other period
//!   (`21`-`23`, `25`-`28`, `32`, `34`-`36`, or none) is a `total`, a lifetime total (`32`) giving way to a
//!   plan-period one. The first amount wins otherwise.
use chrono::NaiveDate;
use payer_core::{
    Accumulator, Amounts, BenefitInformation, Coverage, CoverageStatus, DateInformation,
    EligibilityResponse, NetworkBenefits, ServiceCoverage, Text,
};
use rust_decimal::Decimal;

use super::service_index::ServiceIndex;
use crate::codes;

const HEALTH_PLAN: &str = "30";

/// Summarizes a normalized response; see the module docs for the rules.
pub fn summarize(response: &EligibilityResponse) -> Coverage {
    let benefits = &response.benefits_information;
    let status_entries = || benefits.iter().filter(|b| is_status(&b.code));
    let any_for_plan = status_entries().any(|b| is_about(b, HEALTH_PLAN));
    let deciding = || status_entries().filter(move |b| !any_for_plan || is_about(b, HEALTH_PLAN));
    let active = deciding().find(|b| is_active(&b.code));
    let status = if active.is_some() {
        CoverageStatus::Active
    } else if deciding().any(|b| is_inactive(&b.code)) {
        CoverageStatus::Inactive
    } else if !response.errors.is_empty() {
        CoverageStatus::Rejected
    } else {
        CoverageStatus::Unknown
    };
    let plan_name = active
        .and_then(|b| b.plan_coverage.clone())
        .or_else(|| {
            benefits
                .iter()
                .filter(|b| is_active(&b.code))
                .find_map(|b| b.plan_coverage.clone())
        })
        .or_else(|| {
            response
                .plan_information
                .as_ref()
                .and_then(|p| p.plan_description.as_deref())
                .map(Text::new)
        });
    let (mut plan_begin, mut plan_end) = plan_dates(&response.plan_date_information);
    if plan_begin.is_none() && plan_end.is_none() {
        if let Some(b) = active {
            (plan_begin, plan_end) = plan_dates(&b.benefits_date_information);
        }
    }
    // Most responses speak of a few dozen service types at most: one allocation, no growth (each growth would
    // copy every builder so far).
    let mut services: Vec<ServiceBuilder> = Vec::with_capacity(benefits.len().min(32));
    let mut index = ServiceIndex::default();
    for benefit in benefits {
        let codes = benefit.service_type_codes.iter().map(Text::as_str);
        let codes = codes.chain(benefit.service_type_codes.is_empty().then_some(HEALTH_PLAN));
        for code in codes {
            let at = index.position(code, || {
                services.push(ServiceBuilder::new(code));
                services.len() - 1
            });
            if let Some(service) = services.get_mut(at) {
                service.add(benefit);
            }
        }
    }
    Coverage {
        status,
        plan_name,
        plan_begin,
        plan_end,
        services: services.into_iter().map(ServiceBuilder::finish).collect(),
    }
}

fn is_status(code: &str) -> bool {
    is_active(code) || is_inactive(code)
}

fn is_active(code: &str) -> bool {
    matches!(code, "1" | "2" | "3" | "4" | "5")
}

fn is_inactive(code: &str) -> bool {
    matches!(code, "6" | "7" | "8")
}

fn is_about(b: &BenefitInformation, service: &str) -> bool {
    b.service_type_codes.is_empty() && service == HEALTH_PLAN
        || b.service_type_codes.iter().any(|c| c == service)
}

fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y%m%d").ok()
}

/// Plan begin and end from DTPs, by the precedence in the module docs.
fn plan_dates(dates: &[DateInformation]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let find = |q: &str| dates.iter().find(|d| d.qualifier_code == q);
    let start = |d: &DateInformation| parse_date(&d.date);
    let end = |d: &DateInformation| d.end_date.as_deref().and_then(parse_date);
    let pairs: [(&str, &str); 2] = [("346", "347"), ("356", "357")];
    for (ranged, (begin_q, end_q)) in [("291", pairs[0]), ("307", pairs[1])] {
        let begin = find(begin_q).and_then(start);
        let finish = find(end_q).and_then(start);
        if begin.is_some() || finish.is_some() {
            return (begin, finish);
        }
        if let Some(d) = find(ranged) {
            if start(d).is_some() {
                return (start(d), end(d));
            }
        }
    }
    (None, None)
}

struct ServiceBuilder {
    coverage: ServiceCoverage,
    /// Per network, kind (deductible, out of pocket) and level (individual, family).
    slots: [Slot; 8],
}

/// How good the amounts filed so far are (lower is better), and the year-to-date amount used.
#[derive(Clone, Copy)]
struct Slot {
    total_rank: u8,
    remaining_rank: u8,
    used: Option<Decimal>,
}

impl ServiceBuilder {
    fn new(code: &str) -> Self {
        let (service_type_code, service_type) = match codes::service_type_text(code) {
            Some((code, name)) => (code, Some(name)),
            None => (Text::new(code), None),
        };
        ServiceBuilder {
            coverage: ServiceCoverage {
                service_type_code,
                service_type,
                ..ServiceCoverage::default()
            },
            slots: [Slot {
                total_rank: u8::MAX,
                remaining_rank: u8::MAX,
                used: None,
            }; 8],
        }
    }

    fn add(&mut self, b: &BenefitInformation) {
        let c = &mut self.coverage;
        let code = b.code.as_str();
        if is_active(code) {
            c.active = Some(true);
        } else if (is_inactive(code) || code == "I") && c.active.is_none() {
            c.active = Some(false);
        }
        match b.auth_or_cert_indicator.as_deref() {
            Some("Y") => c.authorization_required = Some(true),
            Some("N") if c.authorization_required.is_none() => {
                c.authorization_required = Some(false)
            }
            _ => {}
        }
        let networks: &[usize] = match b.in_plan_network_indicator_code.as_deref() {
            Some("N") => &[1],
            Some("W") => &[0, 1],
            _ => &[0],
        };
        for &net in networks {
            self.add_amounts(net, b);
        }
    }

    fn add_amounts(&mut self, net: usize, b: &BenefitInformation) {
        let network = network(&mut self.coverage, net);
        let amount = || b.benefit_amount.as_deref().and_then(parse_decimal);
        match b.code.as_str() {
            "B" if network.copay.is_none() => network.copay = amount(),
            "A" if network.coinsurance_percent.is_none() => {
                network.coinsurance_percent = b.benefit_percent.as_deref().and_then(percent);
            }
            "C" | "G" => {
                let Some(value) = amount() else { return };
                let kind = usize::from(b.code == "G");
                let family = b
                    .coverage_level_code
                    .as_deref()
                    .is_some_and(codes::is_family_coverage_level);
                let amounts = amounts(network, kind, family);
                if let Some(slot) = self.slots.get_mut(net * 4 + kind * 2 + usize::from(family)) {
                    file_amount(amounts, slot, b.time_qualifier_code.as_deref(), value);
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> ServiceCoverage {
        for (i, slot) in self.slots.iter().enumerate() {
            let amounts = amounts(network(&mut self.coverage, i / 4), (i / 2) % 2, i % 2 == 1);
            if let (None, Some(total), Some(used)) = (amounts.remaining, amounts.total, slot.used) {
                amounts.remaining = Some((total - used).max(Decimal::ZERO));
            }
        }
        self.coverage
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

/// A number in the plain form most payers send (`2500`, `12.50`, `.2`: up to 18 digits and at most one point),
/// split at its point; `None` for anything else (a sign, an exponent, too many digits).
fn plain_number(v: &str) -> Option<(&str, &str)> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = int.len() + frac.len();
    let all_digits = int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    ((1..=18).contains(&digits) && all_digits).then_some((int, frac))
}

/// Parses a number as X12 sends it. The plain form is read without the general parser, to the same value and
/// scale; anything else goes through it.
fn parse_decimal(v: &str) -> Option<Decimal> {
    let Some((int, frac)) = plain_number(v) else {
        return v.parse().ok();
    };
    let mantissa = int
        .bytes()
        .chain(frac.bytes())
        .fold(0i64, |m, b| m * 10 + i64::from(b - b'0'));
    Decimal::try_new(mantissa, u32::try_from(frac.len()).ok()?).ok()
}

/// Whether [`parse_decimal`] reads `v`, without building the number when it is plain.
pub(super) fn is_decimal(v: &str) -> bool {
    plain_number(v).is_some() || v.parse::<Decimal>().is_ok()
}

/// EB08 as a percent: `.2` is 20; a value above 1 is taken to be a percent already.
fn percent(v: &str) -> Option<Decimal> {
    let fraction = parse_decimal(v)?;
    Some(if fraction > Decimal::ONE {
        fraction
    } else {
        (fraction * Decimal::ONE_HUNDRED).normalize()
    })
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
