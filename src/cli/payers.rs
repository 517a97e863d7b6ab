//! `eligibility-gateway payers`: the payer registry of a configuration.
use std::process::ExitCode;

use super::table::Table;
use super::{init_quiet_logging, load_settings, print_out, ConfigArg};
use crate::registry::PayerRegistry;

/// Arguments of `payers`.
#[derive(Debug, clap::Args)]
pub struct PayersArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON (as `GET /v1/payers` answers) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only the payers whose id, name or alias matches.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

/// Loads the configuration and prints its payers.
pub async fn run(args: PayersArgs) -> anyhow::Result<ExitCode> {
    init_quiet_logging()?;
    let settings = load_settings(args.config.config.as_deref())?;
    let registry = PayerRegistry::from_settings(&settings);
    let views: Vec<_> = match args.search.as_deref() {
        Some(search) => registry
            .search(search)
            .into_iter()
            .map(|entry| entry.view())
            .collect(),
        None => registry.list().iter().map(|entry| entry.view()).collect(),
    };
    if args.json {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "payers": views }))?;
        print_out(&format!(
            "{json}
"
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(&[
        "id",
        "name",
        "aliases",
        "transport",
        "types/270",
        "timeout",
        "rate",
    ]);
    for view in &views {
        table.row(vec![
            view.id.clone(),
            view.name.clone(),
            view.aliases.join(", "),
            view.transport.clone(),
            view.max_service_types_per_inquiry.to_string(),
            format!("{} ms", view.timeout_ms),
            format!(
                "{}/s burst {} max {} in flight",
                view.rate_limit.requests_per_second,
                view.rate_limit.burst,
                view.rate_limit.max_concurrency
            ),
        ]);
    }
    print_out(&table.render())?;
    Ok(ExitCode::SUCCESS)
}
