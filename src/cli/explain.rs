//! `kaohe explain`: why one indicator of one bundle got its score.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{cli_error, pipeline};
use crate::diag::Fatal;
use crate::report;
use crate::score;

#[derive(Args)]
pub struct ExplainArgs {
    /// The evidence bundle: a folder with bundle.yaml.
    bundle: PathBuf,
    /// The indicator id, e.g. 1.6.
    id: String,
    /// A rule-set folder or a built-in id; overrides the bundle's 考核指标.
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// The evaluator's verdict file (人工评分 and 调整).
    #[arg(long, value_name = "FILE")]
    verdicts: Option<PathBuf>,
    /// An extra holiday calendar (date,kind,festival CSV), as for `kaohe score`.
    #[arg(long, value_name = "FILE")]
    calendar: Vec<PathBuf>,
}

pub fn run(args: &ExplainArgs) -> Result<ExitCode, Fatal> {
    let loaded = pipeline::load(
        &args.bundle,
        args.rules.as_deref(),
        args.verdicts.as_deref(),
        &args.calendar,
        None,
    )?;
    let rules = &loaded.rules;
    let Some(indicator) = rules.indicator(args.id.trim()) else {
        let ids: Vec<&str> = rules.indicators.iter().map(|i| i.id.as_str()).collect();
        return Err(cli_error(
            "unknown-indicator",
            format!(
                "规则集 {} 中没有指标「{}」；指标编号：{}",
                rules.id,
                args.id,
                ids.join("、")
            ),
        ));
    };
    let assessment = loaded.score();
    let result = assessment
        .indicators
        .iter()
        .find(|r| r.id == indicator.id)
        .expect("every indicator is scored");
    let trace = score::trace::trace(rules, indicator, &loaded.evidence, &loaded.calendar);
    print!(
        "{}",
        report::explain::render(rules, indicator, result, &trace, &assessment)
    );
    Ok(ExitCode::SUCCESS)
}
