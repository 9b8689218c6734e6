//! `kaohe precheck`: the township's ranked to-do list before it hands its bundle in.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::score::check_output;
use super::{cli_error, resolve_rules};
use crate::calendar::Calendar;
use crate::dates;
use crate::diag::{Fatal, Problem};
use crate::load::{OpenBundle, open_bundle, verdicts};
use crate::model::evidence::Evidence;
use crate::model::ruleset::RuleSet;
use crate::model::verdicts::Verdicts;
use crate::precheck;
use crate::report::precheck::PrecheckFormat;
use crate::score;

#[derive(Args)]
pub struct PrecheckArgs {
    /// The evidence bundle: a folder with bundle.yaml.
    bundle: PathBuf,
    /// A rule-set folder or a built-in rule-set id; overrides the bundle's 考核指标.
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// The evaluator's verdict file (人工评分 and 调整), when there is one.
    #[arg(long, value_name = "FILE")]
    verdicts: Option<PathBuf>,
    /// Output format; without it, `-o`'s extension decides (.json, .md), else table.
    #[arg(long, value_enum)]
    format: Option<PrecheckFormat>,
    /// Write to FILE instead of standard output (never inside the bundle).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Count periods and deadlines as of this day (default: the bundle's 报送日期, or today
    /// when that is later). Before the year end, months and quarters not yet begun are not gaps.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// An extra holiday calendar (date,kind,festival CSV) adding years or local days.
    #[arg(long, value_name = "FILE")]
    calendar: Vec<PathBuf>,
}

/// A bundle loaded with its rule set, calendar and verdicts: what `precheck` and `selfreport`
/// start from (the same steps as `score`).
pub(super) struct Loaded {
    pub rules: RuleSet,
    pub evidence: Evidence,
    pub calendar: Calendar,
    pub verdicts: Option<Verdicts>,
}

pub(super) fn load(
    bundle: &Path,
    rules: Option<&str>,
    verdicts_file: Option<&Path>,
    calendars: &[PathBuf],
    output: Option<&Path>,
) -> Result<Loaded, Fatal> {
    let bundle: OpenBundle = open_bundle(bundle)?;
    if let Some(out) = output {
        check_output(out, &bundle.root)?;
    }
    let rules = resolve_rules(rules, &bundle.header.ruleset)?;
    if bundle.header.year != i32::from(rules.year) {
        return Err(Fatal::one(Problem::error(
            "bundle.yaml",
            "year-mismatch",
            format!(
                "材料的考核年度为 {}，而规则集 {} 的年度为 {}；请核对 bundle.yaml 的 考核年度 或改用对应年度的规则集",
                bundle.header.year, rules.id, rules.year
            ),
        )));
    }
    let mut calendar = Calendar::builtin();
    for file in calendars {
        let text = std::fs::read_to_string(file).map_err(|e| {
            cli_error(
                "calendar-unreadable",
                format!("无法读取日历文件 {}：{e}", file.display()),
            )
        })?;
        let extra = Calendar::parse_csv(&text, &file.display().to_string())
            .map_err(|problems| Fatal { problems })?;
        calendar.merge(extra);
    }
    let unit = bundle.header.unit.clone();
    let verdicts = verdicts_file
        .map(|path| verdicts::load(path, &rules, &unit))
        .transpose()?;
    let evidence = bundle.load(&rules.evidence);
    Ok(Loaded {
        rules,
        evidence,
        calendar,
        verdicts,
    })
}

/// Write to `-o FILE` or standard output.
pub(super) fn emit(output: Option<&Path>, text: &str) -> Result<(), Fatal> {
    match output {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| {
            cli_error(
                "output-unwritable",
                format!("无法写入 {}：{e}", path.display()),
            )
        }),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (kaohe … | head) is not an error worth a panic.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

fn parse_as_of(s: &str) -> Result<Date, Fatal> {
    dates::parse_date(s).ok_or_else(|| {
        cli_error(
            "bad-as-of",
            format!("--as-of 应为日期（如 2021-11-15），实为「{s}」"),
        )
    })
}

/// Today by the system clock in China Standard Time (UTC+8, where every county using kaohe
/// is): the only clock kaohe reads, and only when `--as-of` is not given.
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from((secs + 8 * 3600) / 86_400).unwrap_or(0);
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(jiff::civil::date(1970, 1, 1))
}

pub fn run(args: &PrecheckArgs) -> Result<ExitCode, Fatal> {
    let explicit = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let loaded = load(
        &args.bundle,
        args.rules.as_deref(),
        args.verdicts.as_deref(),
        &args.calendar,
        args.output.as_deref(),
    )?;
    let submitted = loaded.evidence.header.submitted;
    let as_of = explicit.unwrap_or_else(|| submitted.max(today()));
    let assessment = score::score_as_of(
        &loaded.rules,
        &loaded.evidence,
        loaded.verdicts.as_ref(),
        &loaded.calendar,
        Some(as_of),
    );
    let report = precheck::precheck(
        &assessment,
        &loaded.rules,
        &loaded.evidence,
        &loaded.calendar,
        as_of,
    );
    let format = args
        .format
        .or_else(|| {
            args.output
                .as_deref()
                .and_then(PrecheckFormat::from_extension)
        })
        .unwrap_or(PrecheckFormat::Table);
    emit(args.output.as_deref(), &format.render(&report))?;
    Ok(ExitCode::SUCCESS)
}
