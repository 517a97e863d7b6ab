//! `eligibility-gateway scenarios`: the sandbox payer's scenario table.
use std::process::ExitCode;

use payer_sandbox::Scenario;
use serde_json::json;

use super::print_out;
use super::table::Table;

/// Arguments of `scenarios`.
#[derive(Debug, clap::Args)]
pub struct ScenariosArgs {
    /// Print JSON (one object per scenario, in an array) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Prints every scenario: member ID prefix, name, the HTTP status a client sees, and what the payer answers.
pub fn run(args: ScenariosArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        let scenarios: Vec<_> = Scenario::ALL
            .iter()
            .map(|scenario| {
                json!({
                    "name": scenario.name(),
                    "memberIdPrefix": scenario.prefix(),
                    "httpStatus": scenario.expected_http_status(),
                    "description": scenario.description(),
                })
            })
            .collect();
        print_out(&format!("{}\n", serde_json::to_string_pretty(&scenarios)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(&["member id prefix", "scenario", "status", "answer"]);
    for scenario in Scenario::ALL {
        table.row(vec![
            format!("{}...", scenario.prefix()),
            scenario.name().to_owned(),
            scenario.expected_http_status().to_string(),
            scenario.description().to_owned(),
        ]);
    }
    print_out(&format!(
        "{}\nAny other member id (or none: a search by name and date of birth) gets the active scenario.\n",
        table.render()
    ))?;
    Ok(ExitCode::SUCCESS)
}
