//! Splitting a check into the inquiries a payer accepts, and merging their answers into one.
//!
//! Some payers take one service type per 270 (or a few); a client asking for `30, 88, 98` to such a payer
//! gets three 270s sent at once, and one answer that reads as if the payer had taken all three together.
use std::num::NonZeroUsize;

use payer_core::{EligibilityRequest, EligibilityResponse, PayerReply};

/// The inquiries to send: the service types in chunks of at most `max_per_inquiry`, in the client's order.
/// A procedure-code inquiry (no service types) is sent as is.
pub fn split(
    inquiry: &EligibilityRequest,
    max_per_inquiry: NonZeroUsize,
) -> Vec<EligibilityRequest> {
    let codes = &inquiry.encounter.service_type_codes;
    if codes.len() <= max_per_inquiry.get() {
        return vec![inquiry.clone()];
    }
    codes
        .chunks(max_per_inquiry.get())
        .map(|chunk| {
            let mut part = inquiry.clone();
            part.encounter.service_type_codes = chunk.to_vec();
            part
        })
        .collect()
}

/// Merges the answers to the chunks of one check, in chunk order.
///
/// - Lists (plan status, benefits, plan dates, errors, warnings, dependents) are concatenated, dropping exact
///   repeats: each 271 of a split check usually repeats the plan-level `EB*1*...*30` and the plan dates.
/// - Single-valued parts (subscriber, payer, provider, plan information, control number) come from the first
///   answer that has them.
/// - `coverage` is recomputed from the merged lists with the codec's `summarize`, so it reads exactly as if one
///   271 had carried everything. A single answer is returned untouched.
/// - `x12` holds the raw payloads, one per line, in chunk order.
pub fn merge(replies: Vec<PayerReply>) -> EligibilityResponse {
    let mut raws: Vec<String> = Vec::with_capacity(replies.len());
    let count = replies.len();
    let mut merged: Option<EligibilityResponse> = None;
    for reply in replies {
        let PayerReply {
            mut response,
            exchange,
        } = reply;
        if let Some(raw) = exchange.raw.or_else(|| response.x12.take()) {
            raws.push(raw);
        }
        response.x12 = None;
        merged = Some(match merged {
            None => response,
            Some(mut base) => {
                absorb(&mut base, response);
                base
            }
        });
    }
    let mut merged = merged.unwrap_or_default();
    if count > 1 {
        merged.coverage = payer_x12::response::summarize(&merged);
    }
    merged.x12 = (!raws.is_empty()).then(|| raws.join("\n"));
    merged
}

fn absorb(base: &mut EligibilityResponse, other: EligibilityResponse) {
    if base.control_number.is_empty() {
        base.control_number = other.control_number;
    }
    if base.trading_partner_service_id.is_none() {
        base.trading_partner_service_id = other.trading_partner_service_id;
    }
    if base.provider.is_none() {
        base.provider = other.provider;
    }
    if base.subscriber.is_none() {
        base.subscriber = other.subscriber;
    }
    if base.payer.is_none() {
        base.payer = other.payer;
    }
    if base.plan_information.is_none() {
        base.plan_information = other.plan_information;
    }
    extend_unique(&mut base.dependents, other.dependents);
    extend_unique(&mut base.plan_date_information, other.plan_date_information);
    extend_unique(&mut base.plan_status, other.plan_status);
    extend_unique(&mut base.benefits_information, other.benefits_information);
    extend_unique(&mut base.errors, other.errors);
    extend_unique(&mut base.warnings, other.warnings);
}

/// Appends the items of `more` that `list` does not already hold. Lists are a few dozen entries, so the
/// quadratic scan costs less than hashing would.
fn extend_unique<T: PartialEq>(list: &mut Vec<T>, more: Vec<T>) {
    for item in more {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}
