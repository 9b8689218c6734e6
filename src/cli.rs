//! The command line: the only place that prints and decides exit codes.
//!
//! Exit codes (PRODUCT.md): 0 scored; 1 a total below `--fail-under`; 2 could not score.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};
use rust_decimal::Decimal;

use crate::calendar::Calendar;
use crate::diag::{Fatal, Problem, render_location};
use crate::load::rules::{self, RuleFiles};
use crate::load::{open_bundle, verdicts};
use crate::model::ruleset::RuleSet;
use crate::report::Format;
use crate::score;

#[derive(Parser)]
#[command(
    name = "kaohe",
    version,
    about = "kaohe（考核）：按县级考核指标为乡镇政务公开报送材料评分",
    long_about = "kaohe（考核）：按县级考核指标为乡镇政务公开报送材料评分，逐项给出得分、扣分理由和所依据的台账行。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score one evidence bundle (a folder holding bundle.yaml).
    Score(ScoreArgs),
    /// Work with rule sets.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Check a rule set completely and show every problem with file:line:column.
    Check {
        /// A rule-set folder or a built-in id.
        #[arg(value_name = "DIR|ID")]
        ruleset: String,
    },
    /// Show the indicator tree: points, method, basis, what is measured and how to fix a gap.
    Show {
        /// A rule-set folder or a built-in id.
        #[arg(value_name = "DIR|ID")]
        ruleset: String,
    },
}

#[derive(Args)]
struct ScoreArgs {
    /// The evidence bundle: a folder with bundle.yaml.
    bundle: PathBuf,
    /// A rule-set folder (when one exists at that path) or a built-in rule-set id; overrides
    /// the bundle's 考核指标.
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// The evaluator's verdict file (人工评分 and 调整).
    #[arg(long, value_name = "FILE")]
    verdicts: Option<PathBuf>,
    /// Output format; without it, `-o`'s extension decides (.json), else table.
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
}

/// Parse arguments, run, and turn the outcome into an exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Score(args) => match score_command(&args) {
            Ok(code) => code,
            Err(fatal) => {
                print_fatal(&fatal);
                ExitCode::from(2)
            }
        },
        Command::Rules(RulesCommand::Check { ruleset }) => rules_check(&ruleset),
        Command::Rules(RulesCommand::Show { ruleset }) => {
            match rule_files(&ruleset).and_then(|f| rules::compile(&f)) {
                Ok(rules) => {
                    print!("{}", crate::report::rules::render(&rules));
                    ExitCode::SUCCESS
                }
                Err(fatal) => {
                    print_fatal(&fatal);
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn print_fatal(fatal: &Fatal) {
    let mut err = std::io::stderr().lock();
    for p in &fatal.problems {
        let _ = writeln!(err, "kaohe: 错误：{}：{}", render_location(p), p.message);
    }
}

fn warn(message: &str) {
    eprintln!("kaohe: 提示：{message}");
}

fn cli_error(code: &'static str, message: String) -> Fatal {
    Fatal::one(Problem::error("命令行", code, message))
}

/// Find and compile the rule set: `--rules` (folder first, then built-in id), else the bundle's
/// 考核指标 among the built-in ones. A `rules/` folder in the working directory is never used
/// implicitly.
fn resolve_rules(requested: Option<&str>, declared: &str) -> Result<RuleSet, Fatal> {
    let files = match requested {
        Some(r) => rule_files(r)?,
        None => RuleFiles::builtin(declared).ok_or_else(|| unknown_ruleset(declared))?,
    };
    let rules = rules::compile(&files)?;
    if rules.id != declared {
        warn(&format!(
            "所用规则集为 {}，与材料 bundle.yaml 中的考核指标 {declared} 不同",
            rules.id
        ));
    }
    Ok(rules)
}

fn unknown_ruleset(id: &str) -> Fatal {
    cli_error(
        "unknown-ruleset",
        format!(
            "未知的规则集「{id}」；内置规则集：{}；也可用 --rules 指定规则集目录",
            RuleFiles::builtin_ids().join("、")
        ),
    )
}

fn rule_files(spec: &str) -> Result<RuleFiles, Fatal> {
    if Path::new(spec).is_dir() {
        RuleFiles::from_dir(Path::new(spec))
    } else {
        RuleFiles::builtin(spec).ok_or_else(|| unknown_ruleset(spec))
    }
}

/// `kaohe rules check`: every problem at once, each with a caret under the spot.
fn rules_check(spec: &str) -> ExitCode {
    let files = match rule_files(spec) {
        Ok(f) => f,
        Err(fatal) => {
            print_fatal(&fatal);
            return ExitCode::from(2);
        }
    };
    match rules::compile(&files) {
        Ok(rules) => {
            println!(
                "规则集 {}（{}）：{} 个指标，检查通过",
                rules.id,
                rules.title,
                rules.indicators.len()
            );
            ExitCode::SUCCESS
        }
        Err(fatal) => {
            let mut err = std::io::stderr().lock();
            for p in &fatal.problems {
                let source = files.source_of(&p.file);
                let _ = writeln!(err, "{}", crate::diag::render_snippet(p, source));
            }
            let _ = writeln!(err, "共 {} 个问题", fatal.problems.len());
            ExitCode::from(2)
        }
    }
}

/// Refuse an output path inside the bundle: kaohe never writes into a bundle.
fn check_output(output: &Path, bundle_root: &Path) -> Result<(), Fatal> {
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

fn score_command(args: &ScoreArgs) -> Result<ExitCode, Fatal> {
    let fail_under = args
        .fail_under
        .as_deref()
        .map(|s| {
            Decimal::from_str(s.trim()).map_err(|_| {
                cli_error(
                    "bad-fail-under",
                    format!("--fail-under 应为数字，实为「{s}」"),
                )
            })
        })
        .transpose()?;

    let bundle = open_bundle(&args.bundle)?;
    if let Some(out) = &args.output {
        check_output(out, &bundle.root)?;
    }
    let rules = resolve_rules(args.rules.as_deref(), &bundle.header.ruleset)?;
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
    for file in &args.calendar {
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
    let verdicts = args
        .verdicts
        .as_deref()
        .map(|path| verdicts::load(path, &rules, &unit))
        .transpose()?;

    let evidence = bundle.load(&rules.evidence);
    let assessment = score::score(&rules, &evidence, verdicts.as_ref(), &calendar);

    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_extension))
        .unwrap_or(Format::Table);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && format == Format::Table && std::env::var_os("NO_COLOR").is_none();
    let text = format.render(&assessment, color);
    match &args.output {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| {
            cli_error(
                "output-unwritable",
                format!("无法写入 {}：{e}", path.display()),
            )
        })?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (kaohe … | head) is not an error worth a panic.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }

    if let Some(threshold) = fail_under
        && assessment.total.score < threshold
    {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
