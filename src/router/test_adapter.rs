//! An in-test payer adapter that counts calls, records the service types of each, and notes calls dropped
//! before they finished; for the router's unit tests only.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use payer_core::{
    AdapterError, BenefitInformation, EligibilityRequest, EligibilityResponse, ExchangeInfo,
    PayerAdapter, PayerErrorInfo, PayerReply, PlanStatus,
};

#[derive(Clone)]
pub(super) enum Mode {
    /// Active coverage with a copay per requested service type.
    Answer,
    /// An AAA rejection.
    Reject { code: &'static str, retryable: bool },
    /// A transport failure when this service type is in the inquiry.
    FailOn(&'static str),
}

/// Counts calls, records the service types of each, and notes calls that were dropped before finishing.
#[derive(Clone)]
pub(super) struct CountingAdapter {
    pub(super) id: String,
    pub(super) mode: Mode,
    pub(super) latency: Duration,
    pub(super) calls: Arc<AtomicUsize>,
    pub(super) finished: Arc<AtomicUsize>,
    pub(super) dropped: Arc<AtomicUsize>,
    pub(super) seen: Arc<Mutex<Vec<Vec<String>>>>,
}

struct DropGuard(Arc<AtomicUsize>, bool);

impl Drop for DropGuard {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl CountingAdapter {
    pub(super) fn new(id: &str, mode: Mode, latency: Duration) -> CountingAdapter {
        CountingAdapter {
            id: id.into(),
            mode,
            latency,
            calls: Arc::default(),
            finished: Arc::default(),
            dropped: Arc::default(),
            seen: Arc::default(),
        }
    }

    pub(super) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl PayerAdapter for CountingAdapter {
    fn payer_id(&self) -> &str {
        &self.id
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let number = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let codes = request.encounter.service_type_codes.clone();
        self.seen.lock().unwrap().push(codes.clone());
        let mut guard = DropGuard(self.dropped.clone(), false);
        tokio::time::sleep(self.latency).await;
        guard.1 = true;
        self.finished.fetch_add(1, Ordering::SeqCst);
        let mut response = EligibilityResponse {
            control_number: request.control_number.clone(),
            ..EligibilityResponse::default()
        };
        match &self.mode {
            Mode::FailOn(code) if codes.iter().any(|c| c == code) => {
                return Err(AdapterError::Connect("refused".into()));
            }
            Mode::Answer | Mode::FailOn(_) => {
                // Every 271 repeats the plan-level active coverage, as real payers do.
                let plan = BenefitInformation {
                    code: "1".into(),
                    service_type_codes: ["30"].into(),
                    ..Default::default()
                };
                response.benefits_information.push(plan);
                response.plan_status.push(PlanStatus {
                    status_code: "1".into(),
                    status: "Active Coverage".into(),
                    plan_details: None,
                    service_type_codes: ["30"].into(),
                });
                for code in &codes {
                    response.benefits_information.push(BenefitInformation {
                        code: "B".into(),
                        service_type_codes: [code].into(),
                        benefit_amount: Some("25".into()),
                        in_plan_network_indicator_code: Some("Y".into()),
                        ..Default::default()
                    });
                }
            }
            Mode::Reject { code, retryable } => response.errors.push(PayerErrorInfo {
                code: (*code).into(),
                description: "rejected".into(),
                location: "2100C".into(),
                retryable: *retryable,
                ..Default::default()
            }),
        }
        response.coverage = payer_x12::response::summarize(&response);
        Ok(PayerReply {
            response,
            exchange: ExchangeInfo {
                interchange_control_number: Some(format!("{number:09}")),
                raw: Some(format!("ISA*RAW{number}~")),
                ..ExchangeInfo::default()
            },
        })
    }
}
