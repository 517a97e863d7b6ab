//! `eligibility-gateway check`: one check from flags or a JSON file, over HTTP or in process.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use payer_core::EligibilityResponse;
use serde_json::{json, Map, Value};

use super::{
    init_quiet_logging, load_settings, print_err, print_out, read_input, table, ConfigArg,
};
use crate::error::ApiError;
use crate::router::{CheckRequest, Router};
use crate::routes::eligibility::{parse_body, today, CheckBody};
use crate::telemetry::TraceId;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// A running gateway to ask (`http://127.0.0.1:8080`); without it the check runs in process.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Print the answer as JSON (the API's response body) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Include the payer's raw 271 in the answer (`x12`). It holds member data.
    #[arg(long)]
    pub x12: bool,
    /// The deadline in milliseconds (default: the configured default, 20 s).
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// The request as a JSON file in the API's shape (`-` for stdin); flags below then fill what it lacks.
    #[arg(long, value_name = "REQUEST.json")]
    pub file: Option<PathBuf>,
    /// The payer id or alias (`tradingPartnerServiceId`).
    #[arg(long, value_name = "ID")]
    pub payer: Option<String>,
    /// The subscriber's member id.
    #[arg(long)]
    pub member_id: Option<String>,
    /// The subscriber's first name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// The subscriber's last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// The subscriber's date of birth, YYYYMMDD.
    #[arg(long, value_name = "YYYYMMDD")]
    pub dob: Option<String>,
    /// The subscriber's gender: M, F or U.
    #[arg(long)]
    pub gender: Option<String>,
    /// The provider's NPI.
    #[arg(long)]
    pub npi: Option<String>,
    /// The provider organization's name.
    #[arg(long, value_name = "NAME")]
    pub provider_name: Option<String>,
    /// A service type code to ask about; repeat the flag or separate with commas (default 30).
    #[arg(long = "service-type", value_name = "CODE", value_delimiter = ',')]
    pub service_types: Vec<String>,
    /// The date of service, YYYYMMDD (default today).
    #[arg(long, value_name = "YYYYMMDD")]
    pub date: Option<String>,
    /// A procedure code to ask about instead of service types (with --procedure-qualifier).
    #[arg(long)]
    pub procedure_code: Option<String>,
    /// The procedure code's qualifier: HC, CJ, AD, N4, ID, IV, ZZ.
    #[arg(long)]
    pub procedure_qualifier: Option<String>,
}

/// What came back: an answer, or an error in the API's shape.
enum Outcome {
    Answered { body: Value, rejected: bool },
    Failed(Value),
}

/// Builds the request, runs it, prints the answer.
pub async fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    init_quiet_logging()?;
    let request = build_request(&args)?;
    let outcome = match &args.url {
        Some(url) => over_http(url, &args, request).await?,
        None => in_process(&args, request).await?,
    };
    match outcome {
        Outcome::Answered { body, rejected } => {
            if args.json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&body)?))?;
            } else {
                let response: EligibilityResponse = serde_json::from_value(body.clone())
                    .context("the answer is not a normalized eligibility response")?;
                let meta = body.get("meta").cloned().unwrap_or(Value::Null);
                print_out(&table::check_answer(&response, &meta))?;
            }
            Ok(if rejected {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Outcome::Failed(body) => {
            print_err(&format!("{}\n", serde_json::to_string_pretty(&body)?))?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The request body: the file's JSON (if any), with each given flag set over it.
fn build_request(args: &CheckArgs) -> anyhow::Result<Value> {
    let mut request = match &args.file {
        Some(path) => {
            let bytes = read_input(path)?;
            serde_json::from_slice::<Value>(&bytes)
                .with_context(|| format!("{} is not JSON", path.display()))?
        }
        None => json!({}),
    };
    let root = request
        .as_object_mut()
        .context("the request file must hold a JSON object")?;
    set(root, "tradingPartnerServiceId", &args.payer);
    with_object(root, "provider", |provider| {
        set(provider, "npi", &args.npi);
        set(provider, "organizationName", &args.provider_name);
    });
    with_object(root, "subscriber", |subscriber| {
        set(subscriber, "memberId", &args.member_id);
        set(subscriber, "firstName", &args.first_name);
        set(subscriber, "lastName", &args.last_name);
        set(subscriber, "dateOfBirth", &args.dob);
        set(subscriber, "gender", &args.gender);
    });
    with_object(root, "encounter", |encounter| {
        if !args.service_types.is_empty() {
            encounter.insert("serviceTypeCodes".to_owned(), json!(args.service_types));
        }
        set(encounter, "dateOfService", &args.date);
        set(encounter, "procedureCode", &args.procedure_code);
        set(
            encounter,
            "productOrServiceIDQualifier",
            &args.procedure_qualifier,
        );
    });
    Ok(request)
}

fn set(object: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), Value::String(value.clone()));
    }
}

/// Edits the object at `key` (created when absent or not an object); an object left empty is not added.
fn with_object(
    parent: &mut Map<String, Value>,
    key: &str,
    edit: impl FnOnce(&mut Map<String, Value>),
) {
    let mut object = match parent.remove(key) {
        Some(Value::Object(object)) => object,
        _ => Map::new(),
    };
    edit(&mut object);
    if !object.is_empty() {
        parent.insert(key.to_owned(), Value::Object(object));
    }
}

async fn over_http(url: &str, args: &CheckArgs, request: Value) -> anyhow::Result<Outcome> {
    let endpoint = format!("{}/v1/eligibility", url.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(args.timeout_ms.unwrap_or(20_000)) + Duration::from_secs(5))
        .build()
        .context("could not build the HTTP client")?;
    let mut call = client.post(&endpoint).json(&request);
    if args.x12 {
        call = call.query(&[("x12", "true")]);
    }
    if let Some(millis) = args.timeout_ms {
        call = call.header("X-Request-Timeout-Ms", millis.to_string());
    }
    let response = call
        .send()
        .await
        .with_context(|| format!("could not reach {endpoint}"))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .with_context(|| format!("{endpoint} answered HTTP {status} without a JSON body"))?;
    let is_answer = body.get("coverage").is_some();
    Ok(if status.is_success() {
        Outcome::Answered {
            body,
            rejected: false,
        }
    } else if is_answer {
        Outcome::Answered {
            body,
            rejected: true,
        }
    } else {
        Outcome::Failed(body)
    })
}

async fn in_process(args: &CheckArgs, request: Value) -> anyhow::Result<Outcome> {
    let settings = load_settings(args.config.config.as_deref())?;
    let inquiry = match parse_body(request, today()) {
        Ok(inquiry) => inquiry,
        Err(error) => return Ok(Outcome::Failed(error_body(&error))),
    };
    let deadline = args
        .timeout_ms
        .map(Duration::from_millis)
        .unwrap_or(settings.server.default_deadline)
        .min(settings.server.max_deadline);
    let router = Router::build(&settings)
        .await
        .context("could not build the payer router")?;
    let deadline_at = tokio::time::Instant::now() + deadline;
    let result = tokio::time::timeout_at(
        deadline_at,
        router.check(CheckRequest {
            inquiry,
            deadline: deadline_at,
            include_x12: args.x12,
            trace_id: TraceId::generate().0,
        }),
    )
    .await
    .unwrap_or(Err(crate::router::CheckError::DeadlineExceeded));
    let outcome = match result {
        Ok(answer) => {
            let body = CheckBody {
                response: answer.response.into_response()?,
                meta: answer.meta,
            };
            match ApiError::check_answer(body) {
                Ok(body) => Outcome::Answered {
                    body: serde_json::to_value(&body)?,
                    rejected: false,
                },
                Err(ApiError::PayerRejectedAnswer { answer, .. }) => Outcome::Answered {
                    body: serde_json::to_value(&answer)?,
                    rejected: true,
                },
                Err(error) => Outcome::Failed(error_body(&error)),
            }
        }
        Err(error) => Outcome::Failed(error_body(&ApiError::from_check(error, args.x12))),
    };
    Ok(outcome)
}

/// The body the API would answer for this error.
fn error_body(error: &ApiError) -> Value {
    json!({ "error": error.detail() })
}
