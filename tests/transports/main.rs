//! Integration tests of the real payer transports: the `eligibility-gateway` binary started as the gateway
//! (`serve`, with the payer templates of `config/payers/examples/`) and as the counterpart (`sandbox-payer`),
//! both on free ports, talking x12-core-soap, x12-core-mime, x12-http and chc-json over real HTTP.
//!
//! - `scenarios`: every sandbox scenario through each transport (status and key fields).
//! - `faults`: bad counterparts (credentials, SOAP fault, missing envelope field, not X12, TA1, reset,
//!   timeout, oversize, HTTP 500, AAA 42) and the normalized error each gives, within its deadline.
//! - `inquiries`: the 270s (and JSON requests) the gateway sends, captured by the sandbox payer, field by
//!   field.
//! - `schema`: SOAP envelopes both ways against the CAQH CORE XSD (xmllint).
//! - `counterpart`: the sandbox payer's own checks and refusals.
//! - `startup`: settings errors on both sides; the default `serve` needs no secret.
mod counterpart;
mod faults;
mod helpers;
mod inquiries;
mod scenarios;
mod schema;
mod startup;
