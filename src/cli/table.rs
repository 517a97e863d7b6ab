//! Plain-text tables for the CLI: a check's answer, the payer list, the scenario table.
use std::fmt::Write;

use payer_core::{Amounts, EligibilityResponse, NetworkBenefits};
use rust_decimal::Decimal;
use serde_json::Value;

/// Rows of cells, printed with each column as wide as its widest cell.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|cell| (*cell).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|cell| cell.chars().count())
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (index, (cell, width)) in row.iter().zip(&widths).enumerate().take(columns) {
                if index + 1 == columns {
                    line.push_str(cell);
                } else {
                    let _ = write!(line, "{cell:<width$}  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A check's answer: the summary lines, a benefits table per service type and network, and the errors.
pub(crate) fn check_answer(response: &EligibilityResponse, meta: &Value) -> String {
    let coverage = &response.coverage;
    let mut out = String::new();
    let status = serde_json::to_value(coverage.status)
        .ok()
        .and_then(|value| value.as_str().map(str::to_uppercase))
        .unwrap_or_default();
    let _ = writeln!(out, "coverage      {status}");
    if let Some(plan) = &coverage.plan_name {
        let _ = writeln!(out, "plan          {plan}");
    }
    if coverage.plan_begin.is_some() || coverage.plan_end.is_some() {
        let date =
            |date: Option<chrono::NaiveDate>| date.map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "plan dates    {} .. {}",
            date(coverage.plan_begin),
            date(coverage.plan_end)
        );
    }
    if let Some(payer) = response
        .payer
        .as_ref()
        .and_then(|payer| payer.name.as_ref())
    {
        let _ = writeln!(out, "payer         {payer}");
    }
    let _ = writeln!(out, "control #     {}", response.control_number);
    if let Some(trace) = meta.get("traceId").and_then(Value::as_str) {
        let _ = writeln!(out, "trace id      {trace}");
    }
    if let Some(cache) = meta.get("cache") {
        let hit = cache.get("hit").and_then(Value::as_bool).unwrap_or(false);
        let age = cache.get("ageSeconds").and_then(Value::as_u64);
        let line = match (hit, age) {
            (true, Some(age)) => format!("hit ({age} s old)"),
            (true, None) => "hit".to_owned(),
            (false, _) => "miss".to_owned(),
        };
        let _ = writeln!(out, "cache         {line}");
    }
    if let Some(latency) = meta.get("payerLatencyMs").and_then(Value::as_u64) {
        let _ = writeln!(out, "payer latency {latency} ms");
    }

    if !coverage.services.is_empty() {
        let mut table = Table::new(&[
            "service",
            "network",
            "active",
            "auth",
            "copay",
            "coins",
            "deductible ind (left/total)",
            "deductible fam",
            "out-of-pocket ind",
            "out-of-pocket fam",
        ]);
        for service in &coverage.services {
            let name = match &service.service_type {
                Some(name) => format!("{} {}", service.service_type_code, name),
                None => service.service_type_code.to_string(),
            };
            for (network, benefits) in [
                ("in", &service.in_network),
                ("out", &service.out_of_network),
            ] {
                if network == "out" && is_empty(benefits) {
                    continue;
                }
                table.row(vec![
                    name.clone(),
                    network.to_owned(),
                    yes_no(service.active),
                    yes_no(service.authorization_required),
                    money(benefits.copay.as_ref()),
                    benefits
                        .coinsurance_percent
                        .map(|percent| format!("{percent}%"))
                        .unwrap_or_default(),
                    amounts(&benefits.deductible.individual),
                    amounts(&benefits.deductible.family),
                    amounts(&benefits.out_of_pocket.individual),
                    amounts(&benefits.out_of_pocket.family),
                ]);
            }
        }
        out.push('\n');
        out.push_str(&table.render());
    }

    if !response.errors.is_empty() {
        out.push_str("\nerrors\n");
        let mut table = Table::new(&["code", "description", "location", "follow-up", "retryable"]);
        for error in &response.errors {
            table.row(vec![
                error.code.clone(),
                error.description.clone(),
                error.location.clone(),
                error.followup_action.clone().unwrap_or_default(),
                yes_no(Some(error.retryable)),
            ]);
        }
        out.push_str(&table.render());
    }
    if let Some(x12) = &response.x12 {
        let _ = write!(out, "\nx12\n{x12}\n");
    }
    out
}

fn is_empty(benefits: &NetworkBenefits) -> bool {
    benefits == &NetworkBenefits::default()
}

fn yes_no(flag: Option<bool>) -> String {
    match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
    .to_owned()
}

fn money(amount: Option<&Decimal>) -> String {
    amount
        .map(|value| format!("${value:.2}"))
        .unwrap_or_default()
}

fn amounts(amounts: &Amounts) -> String {
    match (&amounts.remaining, &amounts.total) {
        (None, None) => String::new(),
        (remaining, total) => format!("{} / {}", money(remaining.as_ref()), money(total.as_ref())),
    }
}
