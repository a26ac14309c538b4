//! `ban`, `unban`, `lock`, `unlock`, `delete` (to be written).

use crate::connect::{Connection, Global};
use crate::error::CliError;

/// Which bulk action.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// Ban.
    Ban,
    /// Unban.
    Unban,
    /// Lock.
    Lock,
    /// Unlock.
    Unlock,
    /// Delete.
    Delete,
}

/// Options of the bulk actions.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs a bulk action.
pub async fn run(
    _action: Action,
    _args: Args,
    _connection: &Connection,
    _global: &Global,
) -> Result<(), CliError> {
    Err(CliError::Failed("not written yet".to_owned()))
}
