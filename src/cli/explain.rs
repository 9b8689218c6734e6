//! `kaohe explain`: why one indicator of one bundle got its score.

use crate::diag::CliCode;
use std::process::ExitCode;

use clap::Args;

use super::{BundleArgs, CalendarArgs, cli_error, pipeline};
use crate::diag::Fatal;
use crate::report;
use crate::score;

#[derive(Args)]
#[command(mut_args(super::reword(&[
    ("rules", "规则集目录或内置规则集编号；代替材料中的考核指标"),
    ("calendar", "补充节假日日历（CSV：date,kind,festival），同 kaohe score"),
])))]
pub(super) struct ExplainArgs {
    #[command(flatten)]
    input: BundleArgs,
    /// 指标编号，如 1.6
    id: String,
    #[command(flatten)]
    calendar: CalendarArgs,
}

pub(super) fn run(args: &ExplainArgs) -> Result<ExitCode, Fatal> {
    let loaded = pipeline::load(&args.input, &args.calendar.calendar, None)?;
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
