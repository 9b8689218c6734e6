//! `kaohe score`: one bundle, one assessment.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use clap::Args;
use rust_decimal::Decimal;

use super::{cli_error, resolve_rules};
use crate::calendar::Calendar;
use crate::diag::{Fatal, Problem};
use crate::load::{OpenBundle, open_bundle, verdicts};
use crate::model::assessment::Assessment;
use crate::model::ruleset::RuleSet;
use crate::report::{Format, Options};
use crate::score;

#[derive(Args)]
pub struct ScoreArgs {
    /// The evidence bundle: a folder with bundle.yaml.
    bundle: PathBuf,
    /// A rule-set folder (when one exists at that path) or a built-in rule-set id; overrides
    /// the bundle's 考核指标.
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// The evaluator's verdict file (人工评分 and 调整).
    #[arg(long, value_name = "FILE")]
    verdicts: Option<PathBuf>,
    /// Output format; without it, `-o`'s extension decides (.json .csv .md .html .xlsx), else
    /// table.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output (never inside the bundle).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// An extra holiday calendar (date,kind,festival CSV) adding years or local days.
    #[arg(long, value_name = "FILE")]
    calendar: Vec<PathBuf>,
    /// Exit with code 1 when the total score is below this.
    #[arg(long, value_name = "SCORE")]
    fail_under: Option<String>,
    /// Add when the report was made (UTC). Without it the same inputs give the same bytes.
    #[arg(long)]
    stamp: bool,
}

/// Refuse an output path inside the bundle: kaohe never writes into a bundle.
pub(super) fn check_output(output: &Path, bundle_root: &Path) -> Result<(), Fatal> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = parent.canonicalize().map_err(|e| {
        cli_error(
            "output-unwritable",
            format!("输出目录 {} 不可用：{e}", parent.display()),
        )
    })?;
    let target = match output.file_name() {
        Some(name) => parent.join(name),
        None => parent,
    };
    let target = target.canonicalize().unwrap_or(target);
    if target.starts_with(bundle_root) {
        return Err(cli_error(
            "output-inside-bundle",
            format!(
                "输出文件 {} 位于材料目录内；kaohe 不向报送材料写入任何文件，请换一个位置",
                output.display()
            ),
        ));
    }
    Ok(())
}

pub fn run(args: &ScoreArgs) -> Result<ExitCode, Fatal> {
    let fail_under = parse_fail_under(args.fail_under.as_deref())?;
    let format = pick_format(args.format, args.output.as_deref());
    refuse_binary_to_terminal(format, args.output.as_deref())?;

    let bundle = open_bundle(&args.bundle)?;
    if let Some(out) = &args.output {
        check_output(out, &bundle.root)?;
    }
    let rules = resolve_rules(args.rules.as_deref(), &bundle.header.ruleset)?;
    let calendar = load_calendar(&args.calendar)?;
    let assessment = score_bundle(bundle, &rules, args.verdicts.as_deref(), &calendar)?;

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

// ------------------------------------------------------------------ shared with `kaohe batch`

/// Score one opened bundle against a compiled rule set: the year check, the verdict file, the
/// evidence, the scorer. `kaohe score` and `kaohe batch` both go through here, so a township
/// scores the same alone and in a batch.
pub(super) fn score_bundle(
    bundle: OpenBundle,
    rules: &RuleSet,
    verdicts: Option<&Path>,
    calendar: &Calendar,
) -> Result<Assessment, Fatal> {
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
    let verdicts = verdicts
        .map(|path| verdicts::load(path, rules, &bundle.header.unit))
        .transpose()?;
    let evidence = bundle.load(&rules.evidence);
    Ok(score::score(rules, &evidence, verdicts.as_ref(), calendar))
}

/// The clock, read only for `--stamp`.
pub(super) fn stamp(wanted: bool) -> Option<String> {
    wanted.then(|| {
        jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    })
}

/// The built-in holiday calendar plus any `--calendar` files.
pub(super) fn load_calendar(files: &[PathBuf]) -> Result<Calendar, Fatal> {
    let mut calendar = Calendar::builtin();
    for file in files {
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
    Ok(calendar)
}

pub(super) fn parse_fail_under(raw: Option<&str>) -> Result<Option<Decimal>, Fatal> {
    raw.map(|s| {
        Decimal::from_str(s.trim()).map_err(|_| {
            cli_error(
                "bad-fail-under",
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
            "binary-to-terminal",
            format!(
                "{} 是二进制文件，不能输出到终端；请用 -o 报告.{} 写入文件（或重定向到文件）",
                format.name(),
                format.extension()
            ),
        ));
    }
    Ok(())
}

/// Write the report to `-o FILE`, else to standard output.
pub(super) fn emit(bytes: &[u8], output: Option<&Path>) -> Result<(), Fatal> {
    match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| {
            cli_error(
                "output-unwritable",
                format!("无法写入 {}：{e}", path.display()),
            )
        }),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (kaohe … | head) is not an error worth a panic.
            let _ = out.write_all(bytes);
            let _ = out.flush();
            Ok(())
        }
    }
}
