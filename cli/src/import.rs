//! `import` (to be written).

use crate::connect::{Connection, Global};
use crate::error::CliError;

/// Options of `import`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `import`.
pub async fn run(_args: Args, _connection: &Connection, _global: &Global) -> Result<(), CliError> {
    Err(CliError::Failed("import is not written yet".to_owned()))
}
