//! `eligibility-gateway x12 parse|build`: the codec on files.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use payer_core::{Coverage, CoverageStatus, EligibilityResponse};
use payer_x12::envelope::{InterchangeHeader, Usage};
use payer_x12::{Reply, X12Error};
use serde_json::{json, Value};

use super::{print_err, print_out, read_input};
use crate::routes::eligibility::{parse_body, today};

/// The `x12` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum X12Command {
    /// Decode a payer's reply (271, 999 or TA1) into the normalized response shape.
    ///
    /// Prints one JSON object per line: one per 271 transaction set (per subscriber), with `coverage` and
    /// `errors`; a 999/TA1 rejection prints one object with `coverage.status` `rejected` and the errors; a
    /// plain acknowledgment prints `{"acknowledged":true}`. On a decoding error, prints a JSON error
    /// (naming the segment and position, never content) on stderr and exits with 1.
    Parse {
        /// The X12 file, or `-` for stdin.
        #[arg(value_name = "FILE|-")]
        file: PathBuf,
    },
    /// Build the 270 for an API request (JSON in the `POST /v1/eligibility` shape).
    ///
    /// The request is validated exactly as the API validates it (errors on stderr in the API's error shape,
    /// exit code 1), then encoded in a test envelope (ISA15 `T`, sender `GATEWAY`, receiver the payer id,
    /// control numbers from the request's controlNumber) with a line break after each segment.
    Build {
        /// The request file, or `-` for stdin.
        #[arg(value_name = "REQUEST.json")]
        file: PathBuf,
        /// The interchange receiver id (ISA08, at most 15 characters); default: the request's payer id.
        #[arg(long)]
        receiver_id: Option<String>,
    },
}

/// Runs an `x12` subcommand.
pub fn run(command: X12Command) -> anyhow::Result<ExitCode> {
    match command {
        X12Command::Parse { file } => parse(&read_input(&file)?),
        X12Command::Build { file, receiver_id } => build(&read_input(&file)?, receiver_id),
    }
}

fn parse(input: &[u8]) -> anyhow::Result<ExitCode> {
    let reply = match payer_x12::decode(input) {
        Ok(reply) => reply,
        Err(error) => {
            print_err(&format!("{}\n", decode_error(&error)))?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut lines = String::new();
    match reply {
        Reply::Eligibility(responses) => {
            for response in responses {
                lines.push_str(&serde_json::to_string(&response)?);
                lines.push('\n');
            }
        }
        Reply::Rejected(errors) => {
            let response = EligibilityResponse {
                errors,
                coverage: Coverage {
                    status: CoverageStatus::Rejected,
                    ..Coverage::default()
                },
                ..EligibilityResponse::default()
            };
            lines.push_str(&serde_json::to_string(&response)?);
            lines.push('\n');
        }
        Reply::Acknowledged => lines.push_str("{\"acknowledged\":true}\n"),
    }
    print_out(&lines)?;
    Ok(ExitCode::SUCCESS)
}

/// A decoding error as JSON: message, segment id and position; never element content.
fn decode_error(error: &X12Error) -> Value {
    json!({
        "error": {
            "code": "x12_decode_error",
            "message": error.to_string(),
            "segment": error.segment,
            "position": error.position,
        }
    })
}

fn build(input: &[u8], receiver_id: Option<String>) -> anyhow::Result<ExitCode> {
    let body: Value = serde_json::from_slice(input).context("the request is not JSON")?;
    let request = match parse_body(body, today()) {
        Ok(request) => request,
        Err(error) => {
            print_err(&format!("{}\n", json!({ "error": error.detail() })))?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let control_number: u32 = request
        .control_number
        .parse()
        .context("the control number is not a number")?;
    let receiver = receiver_id.unwrap_or_else(|| request.payer_id.clone());
    let mut header = InterchangeHeader::new(
        "GATEWAY",
        receiver,
        control_number,
        chrono::Local::now().naive_local(),
    );
    header.usage = Usage::Test;
    header.line_breaks = true;
    match payer_x12::inquiry::encode_270(&request, &header) {
        Ok(x12) => {
            print_out(&x12)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            let body =
                json!({ "error": { "code": "x12_encode_error", "message": error.to_string() } });
            print_err(&format!("{body}\n"))?;
            Ok(ExitCode::FAILURE)
        }
    }
}
