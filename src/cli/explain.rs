//! `kaohe explain`: why one indicator of one bundle got its score.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{cli_error, resolve_rules};
use crate::diag::{Fatal, Problem};
use crate::load::{open_bundle, verdicts};
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
    let bundle = open_bundle(&args.bundle)?;
    let rules = resolve_rules(args.rules.as_deref(), &bundle.header.ruleset)?;
    if bundle.header.year != i32::from(rules.year) {
        return Err(Fatal::one(Problem::error(
            "bundle.yaml",
            "year-mismatch",
            format!(
                "材料的考核年度为 {}，而规则集 {} 的年度为 {}",
                bundle.header.year, rules.id, rules.year
            ),
        )));
    }
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
    let verdicts = args
        .verdicts
        .as_deref()
        .map(|p| verdicts::load(p, &rules, &bundle.header.unit))
        .transpose()?;
    let calendar = super::score::load_calendar(&args.calendar)?;
    let evidence = bundle.load(&rules.evidence);
    let assessment = score::score(&rules, &evidence, verdicts.as_ref(), &calendar);
    let result = assessment
        .indicators
        .iter()
        .find(|r| r.id == indicator.id)
        .expect("every indicator is scored");
    let trace = score::trace::trace(&rules, indicator, &evidence, &calendar);
    print!(
        "{}",
        report::explain::render(indicator, result, &trace, &assessment.problems)
    );
    Ok(ExitCode::SUCCESS)
}
