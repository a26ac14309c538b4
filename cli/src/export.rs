//! `export` (to be written).

use crate::connect::{Connection, Global};
use crate::error::CliError;

/// Options of `export`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `export`.
pub async fn run(_args: Args, _connection: &Connection, _global: &Global) -> Result<(), CliError> {
    Err(CliError::Failed("export is not written yet".to_owned()))
}
