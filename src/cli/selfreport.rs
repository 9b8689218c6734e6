//! stub
use crate::diag::Fatal;
use clap::Args;
use std::process::ExitCode;
#[derive(Args)]
pub struct SelfreportArgs {}
pub fn run(_args: &SelfreportArgs) -> Result<ExitCode, Fatal> {
    Ok(ExitCode::SUCCESS)
}
