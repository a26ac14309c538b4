//! `count`, `get`, `list` (to be written).

use crate::connect::{Connection, Global};
use crate::error::CliError;
use crate::filters::UserFilters;

/// Options of `count`.
#[derive(clap::Args, Debug)]
pub struct CountArgs {
    #[command(flatten)]
    filters: UserFilters,
}

/// Options of `get`.
#[derive(clap::Args, Debug)]
pub struct GetArgs {}

/// Options of `list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {}

/// Runs `count`: prints the number of matching users.
pub async fn count(
    args: CountArgs,
    connection: &Connection,
    _global: &Global,
) -> Result<(), CliError> {
    let count = args.filters.count(&connection.client).send().await?;
    println!("{}", count.total_count);
    Ok(())
}

/// Runs `get`.
pub async fn get(
    _args: GetArgs,
    _connection: &Connection,
    _global: &Global,
) -> Result<(), CliError> {
    Err(CliError::Failed("not written yet".to_owned()))
}

/// Runs `list`.
pub async fn list(
    _args: ListArgs,
    _connection: &Connection,
    _global: &Global,
) -> Result<(), CliError> {
    Err(CliError::Failed("not written yet".to_owned()))
}
