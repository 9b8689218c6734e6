//! stub
use crate::diag::Fatal;
use clap::Args;
use std::process::ExitCode;
#[derive(Args)]
pub struct InitArgs {}
pub fn run(_args: &InitArgs) -> Result<ExitCode, Fatal> {
    Ok(ExitCode::SUCCESS)
}
