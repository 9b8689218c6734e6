//! `kaohe precheck`: the township's ranked to-do list before it hands its bundle in.

use crate::diag::CliCode;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::cli_error;
use super::pipeline::{self, emit};
use super::{BundleArgs, CalendarArgs};
use crate::dates;
use crate::diag::Fatal;
use crate::precheck;
use crate::report::precheck::PrecheckFormat;

#[derive(Args)]
#[command(mut_args(super::reword(&[
    ("rules", "规则集目录或内置规则集编号；代替材料中的考核指标"),
    ("verdicts", "评分人的评分文件（人工评分和调整），如有"),
])))]
pub(super) struct PrecheckArgs {
    #[command(flatten)]
    input: BundleArgs,
    /// 输出格式；不写时按 -o 文件的扩展名（.json .md），否则为文本
    #[arg(long, value_enum)]
    format: Option<PrecheckFormat>,
    /// 写入文件 FILE 而不是屏幕（不得位于材料目录内）
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// 以这一天为准计算期数和期限（默认为今天，但不晚于材料的报送日期）；年底前尚未开始的月份、季度不算缺漏
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    calendar: CalendarArgs,
}

fn parse_as_of(s: &str) -> Result<Date, Fatal> {
    dates::parse_date(s).ok_or_else(|| {
        cli_error(
            CliCode::BadAsOf,
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

/// The format `-o FILE` asks for by its extension; an extension precheck cannot write (.xlsx,
/// .html, .docx, …) is refused rather than filled with text.
fn output_format(output: Option<&std::path::Path>) -> Result<Option<PrecheckFormat>, Fatal> {
    let Some(path) = output else {
        return Ok(None);
    };
    match path.extension() {
        None => Ok(None),
        Some(ext) => PrecheckFormat::from_extension(path).map(Some).ok_or_else(|| {
            cli_error(
                CliCode::OutputFormatUnsupported,
                format!(
                    "预检结果只能写成 .txt（文本）、.md 或 .json 文件，无法写成「.{}」文件：{}；请改用这些扩展名之一",
                    ext.to_string_lossy(),
                    path.display()
                ),
            )
        }),
    }
}

pub(super) fn run(args: &PrecheckArgs) -> Result<ExitCode, Fatal> {
    let explicit = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let by_extension = output_format(args.output.as_deref())?;
    let loaded = pipeline::load(&args.input, &args.calendar.calendar, args.output.as_deref())?;
    let submitted = loaded.evidence.header.submitted;
    // A bundle is pre-checked as of today while it is being prepared, and as of the day it was
    // handed in once that has passed: a 2021 bundle opened in 2026 is not "1,500 days late".
    let as_of = explicit.unwrap_or_else(|| submitted.min(today()));
    let assessment = loaded.score_as_of(Some(as_of))?;
    let report = precheck::precheck(
        &assessment,
        &loaded.rules,
        &loaded.evidence,
        &loaded.calendar,
        as_of,
    );
    let format = args
        .format
        .or(by_extension)
        .unwrap_or(PrecheckFormat::Table);
    emit(format.render(&report).as_bytes(), args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
