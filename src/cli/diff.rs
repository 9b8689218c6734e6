//! stub
use crate::diag::Fatal;
use clap::Args;
use std::process::ExitCode;
#[derive(Args)]
pub struct DiffArgs {}
pub fn run(_args: &DiffArgs) -> Result<ExitCode, Fatal> {
    Ok(ExitCode::SUCCESS)
}
