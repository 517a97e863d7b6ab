//! The seam between the gateway and the payers: the normalized eligibility model and the adapter trait.
//!
//! - [`phi`]: [`Phi`], the wrapper that keeps member data out of `Debug` and `Display`.
//! - [`request`]: [`EligibilityRequest`], one validated inquiry, as every transport receives it.
//! - [`response`]: [`EligibilityResponse`], one payer's answer in the normalized ("medical network eligibility v3") shape.
//! - [`benefit`]: [`BenefitInformation`], one EB segment with its 2110 loop (the bulk of a response).
//! - [`coverage`]: [`Coverage`], the summary a person wants (active, copay, deductible left, auth required).
//! - [`error`]: [`AdapterError`], what can go wrong talking to a payer, whose fault it is and whether a retry can help.
//! - [`text`]: [`Text`], the inline string of the response model's codes, names and amounts.
//! - [`text_list`]: [`TextList`], a list of `Text`s with one held inline (EB03 service types).
//! - [`adapter`]: [`PayerAdapter`], the one trait every transport implements.
//!
//! This crate knows nothing of HTTP servers, caches, rate limiters or metrics: those wrap adapters in the gateway.
//! It is deliberately small so that every adapter crate and the X12 codec can depend on it without pulling in a runtime.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod adapter;
pub mod benefit;
pub mod coverage;
pub mod error;
pub mod phi;
pub mod request;
pub mod response;
pub mod text;
pub mod text_list;

pub use adapter::{ExchangeInfo, PayerAdapter, PayerReply};
pub use benefit::{
    AdditionalInformation, BenefitDetails, BenefitInformation, MessageText, ProcedureIdentifier,
    RelatedEntity, ServiceDelivery,
};
pub use coverage::{
    Accumulator, Amounts, Coverage, CoverageStatus, NetworkBenefits, ServiceCoverage,
};
pub use error::{AdapterError, FaultSide};
pub use phi::Phi;
pub use request::{
    DateOfService, EligibilityRequest, Encounter, Gender, Member, ProcedureCode, Provider,
};
pub use response::{
    Address, Communication, Contact, DateInformation, EligibilityResponse, PayerErrorInfo,
    PayerInfo, PlanInformation, PlanStatus, ProviderInfo, Reference, ResponseMember, Warning,
};
pub use text::Text;
pub use text_list::TextList;
