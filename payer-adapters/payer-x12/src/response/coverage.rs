//! [`summarize`]: the coverage answer a person wants, computed from a normalized response's benefits.
//!
//! It reads only [`EligibilityResponse`] fields, so any transport's normalized answer (271 or JSON) can be
//! summarized the same way. The rules, where the 271 leaves room:
//!
//! - **Whose benefits**: the dependent's (2110D) when the response carries any, else all of them: a 271
//!   about a dependent may also list the subscriber's own benefits, which are not the patient's (they stay in
//!   `benefitsInformation` and `planStatus`, which list every EB).
//! - **Status**: the EB01 `1`-`8` entries for service type `30` decide (an EB without EB03 is about `30`); when
//!   none is about `30`, all of them do. Any `1`-`5` is active, else any `6`-`8` inactive. With no such entry,
//!   a response carrying AAA errors (at any level) is rejected, anything else unknown.
//! - **Plan name**: EB05 of the first active entry (for `30` first), else the REF\*18 plan description.
//! - **Plan dates**: the first usable of DTP `346`/`347` (plan begin/end), `291` (plan, a date or a range),
//!   `356`/`357` (eligibility begin/end), `307` (eligibility), from the subscriber/dependent loop, then from
//!   the active `30` benefit's own DTPs. A response about a dependent (with any 2100D date or 2110D benefit)
//!   takes the dependent's 2100D dates first: the subscriber's 2100C ones are another person's, and serve
//!   only when the dependent's loop has none usable.
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
    BenefitInformation, Coverage, CoverageStatus, DateInformation, EligibilityResponse, PlanStatus,
    ServiceCoverage, Text,
};

use super::service_index::ServiceIndex;

mod service;

use service::{push_service, Eb, ServiceBuilder, Slots, EMPTY_SLOTS};

const HEALTH_PLAN: &str = "30";
/// The loop of a dependent's plan dates.
const DEPENDENT_DATES: &str = "2100D";

/// Summarizes a normalized response; see the module docs for the rules.
pub fn summarize(response: &EligibilityResponse) -> Coverage {
    summarize_with_status(response).0
}

/// [`summarize`], and the plan status entries of the response (one per EB01 `1`-`8`), found in the same pass.
pub(super) fn summarize_with_status(response: &EligibilityResponse) -> (Coverage, Vec<PlanStatus>) {
    // Most responses speak of a few dozen service types at most: one allocation, no growth (each growth would
    // copy every entry so far).
    let capacity = response.benefits_information.len().min(32);
    let mut summary = Summary {
        services: Vec::with_capacity(capacity),
        slots: Vec::with_capacity(capacity),
        ..Summary::default()
    };
    // The patient's benefits only: a response that carries a dependent's (2110D) is about the dependent, and
    // the subscriber's own (2110C) would mix another person's status and amounts into the answer.
    let for_dependent = response.benefits_information.iter().any(is_dependents);
    for (at, benefit) in response.benefits_information.iter().enumerate() {
        let patients = !for_dependent || is_dependents(benefit);
        summary.add(at, benefit, patients);
    }
    let status = summary
        .status_entries
        .iter()
        .filter_map(|&at| response.benefits_information.get(at))
        .map(plan_status)
        .collect();
    (summary.finish(response), status)
}

/// The plan status entry of an EB whose EB01 is `1`-`8`.
fn plan_status(b: &BenefitInformation) -> PlanStatus {
    PlanStatus {
        status_code: b.code.clone(),
        status: b.name.clone().unwrap_or_else(|| b.code.clone()),
        plan_details: b.plan_coverage.clone(),
        service_type_codes: b.service_type_codes.clone(),
    }
}

/// The coverage summary being built, one benefit at a time, in one pass over the benefits.
#[derive(Default)]
struct Summary {
    /// One entry per service type, in the order first seen.
    services: Vec<ServiceCoverage>,
    /// How good the amounts filed in each entry of `services` are.
    slots: Vec<Slots>,
    index: ServiceIndex,
    /// The status entries (EB01 `1`-`8`) about service type `30`.
    plan: StatusEntries,
    /// Every status entry.
    all: StatusEntries,
    /// The first benefit with an active EB01 and a plan name (EB05).
    first_named_active: Option<usize>,
    /// The positions of the status entries.
    status_entries: Vec<usize>,
}

/// What the status entries of one kind say, by position in the benefit list.
#[derive(Default, Clone, Copy)]
struct StatusEntries {
    any: bool,
    first_active: Option<usize>,
    any_inactive: bool,
}

impl StatusEntries {
    fn see(&mut self, at: usize, active: bool) {
        self.any = true;
        if active {
            self.first_active.get_or_insert(at);
        } else {
            self.any_inactive = true;
        }
    }
}

impl Summary {
    /// Adds the benefit at position `at` of the response's benefit list: to the plan status entries, and to
    /// the summary when it is the patient's (`patients`).
    fn add(&mut self, at: usize, benefit: &BenefitInformation, patients: bool) {
        let code = benefit.code.as_str();
        let active = is_active(code);
        let tells_status = active || is_inactive(code);
        if tells_status {
            self.status_entries.push(at);
        }
        if !patients {
            return;
        }
        if tells_status {
            self.all.see(at, active);
            if is_about_the_plan(benefit) {
                self.plan.see(at, active);
            }
        }
        if active && self.first_named_active.is_none() && benefit.plan_coverage.is_some() {
            self.first_named_active = Some(at);
        }
        let eb = Eb::of(benefit);
        if benefit.service_type_codes.is_empty() {
            self.add_to(HEALTH_PLAN, &eb);
        }
        for code in &benefit.service_type_codes {
            self.add_to(code, &eb);
        }
    }

    fn add_to(&mut self, code: &str, eb: &Eb<'_>) {
        let (services, slots) = (&mut self.services, &mut self.slots);
        let at = self.index.position(code, || {
            push_service(services, code);
            slots.push(EMPTY_SLOTS);
            services.len() - 1
        });
        if let (Some(coverage), Some(slots)) = (self.services.get_mut(at), self.slots.get_mut(at)) {
            ServiceBuilder { coverage, slots }.add(eb);
        }
    }

    /// The summary of `response`, whose benefits are the ones added.
    fn finish(mut self, response: &EligibilityResponse) -> Coverage {
        let benefits = &response.benefits_information;
        let deciding = if self.plan.any { self.plan } else { self.all };
        let active = deciding.first_active.and_then(|at| benefits.get(at));
        let status = if active.is_some() {
            CoverageStatus::Active
        } else if deciding.any_inactive {
            CoverageStatus::Inactive
        } else if !response.errors.is_empty() {
            CoverageStatus::Rejected
        } else {
            CoverageStatus::Unknown
        };
        let plan_name = active
            .and_then(|b| b.plan_coverage.clone())
            .or_else(|| {
                self.first_named_active
                    .and_then(|at| benefits.get(at))
                    .and_then(|b| b.plan_coverage.clone())
            })
            .or_else(|| {
                response
                    .plan_information
                    .as_ref()
                    .and_then(|p| p.plan_description.as_deref())
                    .map(Text::new)
            });
        // Only a response about a dependent has 2100D dates, so trying them first is the dependent rule.
        let dates = &response.plan_date_information;
        let (plan_begin, plan_end) = plan_dates(dates.iter().filter(|d| {
            d.loop_id
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(DEPENDENT_DATES))
        }))
        .or_else(|| plan_dates(dates.iter()))
        .or_else(|| active.and_then(|b| plan_dates(b.details().benefits_date_information.iter())))
        .unwrap_or_default();
        Coverage {
            status,
            plan_name,
            plan_begin,
            plan_end,
            services: {
                for (coverage, slots) in self.services.iter_mut().zip(&mut self.slots) {
                    ServiceBuilder { coverage, slots }.finish();
                }
                self.services
            },
        }
    }
}

fn is_active(code: &str) -> bool {
    matches!(code, "1" | "2" | "3" | "4" | "5")
}

fn is_inactive(code: &str) -> bool {
    matches!(code, "6" | "7" | "8")
}

// The comparisons below are byte-string patterns, which compile to a length check and a load or two: the same
// comparisons as `==` on strings called `memcmp` once per benefit.

/// Whether a benefit is a dependent's (loop 2110D).
fn is_dependents(b: &BenefitInformation) -> bool {
    matches!(b.loop_id.as_bytes(), b"2110D")
}

/// Whether a benefit is about the health plan as a whole (service type `30`, or none).
fn is_about_the_plan(b: &BenefitInformation) -> bool {
    b.service_type_codes.is_empty()
        || b.service_type_codes
            .iter()
            .any(|c| matches!(c.as_bytes(), b"30"))
}

fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y%m%d").ok()
}

/// Plan begin and end from DTPs, by the precedence in the module docs; `None` when no DTP gives either.
fn plan_dates<'a>(
    dates: impl Iterator<Item = &'a DateInformation> + Clone,
) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let find = |q: &str| dates.clone().find(|d| d.qualifier_code == q);
    let start = |d: &DateInformation| parse_date(&d.date);
    let end = |d: &DateInformation| d.end_date.as_deref().and_then(parse_date);
    let pairs: [(&str, &str); 2] = [("346", "347"), ("356", "357")];
    for (ranged, (begin_q, end_q)) in [("291", pairs[0]), ("307", pairs[1])] {
        let begin = find(begin_q).and_then(start);
        let finish = find(end_q).and_then(start);
        if begin.is_some() || finish.is_some() {
            return Some((begin, finish));
        }
        if let Some(d) = find(ranged) {
            if start(d).is_some() {
                return Some((start(d), end(d)));
            }
        }
    }
    None
}
