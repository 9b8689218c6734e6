//! `kaohe explain`: why one indicator of one bundle got its score.

use crate::diag::CliCode;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{cli_error, pipeline};
use crate::diag::Fatal;
use crate::report;
use crate::score;

#[derive(Args)]
pub struct ExplainArgs {
    /// 报送材料：含 bundle.yaml 的文件夹（或其 .zip）
    bundle: PathBuf,
    /// 指标编号，如 1.6
    id: String,
    /// 规则集目录或内置规则集编号；代替材料中的考核指标
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// 评分人的评分文件（人工评分和调整）
    #[arg(long, value_name = "FILE")]
    verdicts: Option<PathBuf>,
    /// 补充节假日日历（CSV：date,kind,festival），同 kaohe score
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
            CliCode::UnknownIndicator,
            format!(
                "规则集 {} 中没有指标「{}」；指标编号：{}",
                rules.id,
                args.id,
                ids.join("、")
            ),
        ));
    };
    let assessment = loaded.score()?;
    let result = assessment
        .indicators
        .iter()
        .find(|r| r.id == indicator.id)
        .expect("every indicator is scored");
    let trace = super::pipeline::within_limits(rules, || {
        score::trace::trace(rules, indicator, &loaded.evidence, &loaded.calendar)
    })?;
    let text = report::explain::render(rules, indicator, result, &trace, &assessment);
    super::pipeline::emit(text.as_bytes(), None)?;
    Ok(ExitCode::SUCCESS)
}
