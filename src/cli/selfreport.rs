//! `kaohe selfreport`: a draft 自查报告 (Markdown) whose figures come from the bundle's own
//! ledgers, with 存在问题 and 下一步改进措施 from the assessment.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::pipeline::{emit, load};
use crate::diag::Fatal;
use crate::report::selfreport;

#[derive(Args)]
pub struct SelfreportArgs {
    /// The evidence bundle: a folder with bundle.yaml.
    bundle: PathBuf,
    /// A rule-set folder or a built-in rule-set id; overrides the bundle's 考核指标.
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// The evaluator's verdict file, when there is one.
    #[arg(long, value_name = "FILE")]
    verdicts: Option<PathBuf>,
    /// Write the draft to FILE (Markdown) instead of standard output (never inside the bundle).
    #[arg(short = 'o', long = "output", value_name = "FILE.md")]
    output: Option<PathBuf>,
    /// An extra holiday calendar (date,kind,festival CSV) adding years or local days.
    #[arg(long, value_name = "FILE")]
    calendar: Vec<PathBuf>,
}

pub fn run(args: &SelfreportArgs) -> Result<ExitCode, Fatal> {
    let loaded = load(
        &args.bundle,
        args.rules.as_deref(),
        args.verdicts.as_deref(),
        &args.calendar,
        args.output.as_deref(),
    )?;
    let assessment = loaded.score();
    let text = selfreport::render(
        &assessment,
        &loaded.rules,
        &loaded.evidence,
        &loaded.calendar,
    );
    emit(text.as_bytes(), args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
