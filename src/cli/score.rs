//! `kaohe score`: one bundle, one assessment.

use crate::diag::CliCode;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use clap::Args;
use rust_decimal::Decimal;

use super::pipeline::{self, emit};
use super::{BundleArgs, CalendarArgs, cli_error};
use crate::diag::Fatal;
use crate::report::{Format, Options};

#[derive(Args)]
pub(super) struct ScoreArgs {
    #[command(flatten)]
    input: BundleArgs,
    /// 输出格式；不写时按 -o 文件的扩展名（.json .csv .md .html .xlsx），否则为表格
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// 把报告写入文件 FILE 而不是屏幕（不得位于材料目录内）
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    calendar: CalendarArgs,
    /// 总分低于此分数时以退出码 1 结束
    #[arg(long, value_name = "SCORE")]
    fail_under: Option<String>,
    /// 在报告中注明生成时间（UTC）；不加时同样的输入得到完全相同的输出
    #[arg(long)]
    stamp: bool,
}

pub(super) fn run(args: &ScoreArgs) -> Result<ExitCode, Fatal> {
    let fail_under = parse_fail_under(args.fail_under.as_deref())?;
    let format = pick_format(args.format, args.output.as_deref());
    refuse_binary_to_terminal(format, args.output.as_deref())?;

    let loaded = pipeline::load(&args.input, &args.calendar.calendar, args.output.as_deref())?;
    let assessment = loaded.score()?;

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && format == Format::Table && std::env::var_os("NO_COLOR").is_none();
    let opts = Options {
        color,
        stamp: stamp(args.stamp),
    };
    emit(
        &format.render_score(&assessment, &opts),
        args.output.as_deref(),
    )?;

    if let Some(threshold) = fail_under
        && assessment.total.score < threshold
    {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The clock, read only for `--stamp`.
pub(super) fn stamp(wanted: bool) -> Option<String> {
    wanted.then(|| {
        jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    })
}

pub(super) fn parse_fail_under(raw: Option<&str>) -> Result<Option<Decimal>, Fatal> {
    raw.map(|s| {
        Decimal::from_str(s.trim()).map_err(|_| {
            cli_error(
                CliCode::BadFailUnder,
                format!("--fail-under 应为数字，实为「{s}」"),
            )
        })
    })
    .transpose()
}

/// `--format`, else the extension of `-o FILE`, else the table.
pub(super) fn pick_format(format: Option<Format>, output: Option<&Path>) -> Format {
    format
        .or_else(|| output.and_then(Format::from_extension))
        .unwrap_or(Format::Table)
}

/// A workbook is bytes for a file, not for a terminal: ask for `-o` instead of printing them.
pub(super) fn refuse_binary_to_terminal(
    format: Format,
    output: Option<&Path>,
) -> Result<(), Fatal> {
    if format.is_binary() && output.is_none() && std::io::stdout().is_terminal() {
        return Err(cli_error(
            CliCode::BinaryToTerminal,
            format!(
                "{} 是二进制文件，不能输出到终端；请用 -o 报告.{} 写入文件（或重定向到文件）",
                format.name(),
                format.extension()
            ),
        ));
    }
    Ok(())
}
