//! `eligibility-gateway keys`: make API keys and the hashes the configuration holds.
use std::process::ExitCode;

use super::print_out;

/// What to do with keys.
#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Print a new random API key and its SHA-256, with the `[[auth.keys]]` entry to paste into the
    /// configuration. Give the key to the client; keep only the hash.
    New(NewKeyArgs),
    /// Print the SHA-256 of a key read from standard input (for a key made elsewhere).
    Hash,
}

/// Arguments of `keys new`.
#[derive(Debug, clap::Args)]
pub struct NewKeyArgs {
    /// The key's id (who made a check, in the audit trail and logs).
    #[arg(long, default_value = "client")]
    pub id: String,
    /// The client's name.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Checks per minute for this client; 0 means no quota.
    #[arg(long, default_value_t = 0)]
    pub quota_per_minute: u32,
}

/// Runs `keys`.
pub fn run(command: KeysCommand) -> anyhow::Result<ExitCode> {
    match command {
        KeysCommand::New(args) => {
            let (key, hash) = crate::auth::new_key();
            let name = args.name.replace(['"', '\\'], "");
            print_out(&format!(
                "key: {key}\nsha256: {hash}\n\n[[auth.keys]]\nid = \"{}\"\nname = \"{name}\"\nsha256 = \"{hash}\"\nquota_per_minute = {}\n",
                args.id.replace(['"', '\\'], ""),
                args.quota_per_minute
            ))?;
        }
        KeysCommand::Hash => {
            let input = super::read_input(std::path::Path::new("-"))?;
            let key = String::from_utf8(input)
                .map_err(|_| anyhow::anyhow!("the key on standard input is not UTF-8"))?;
            if key.trim().is_empty() {
                anyhow::bail!("no key on standard input");
            }
            print_out(&format!("{}\n", crate::auth::key_hash(&key)))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
