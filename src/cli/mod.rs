//! The command line: the only place that prints and decides exit codes. One file per
//! command; each returns an exit code or a `Fatal` that `run` prints (exit code 2).
//!
//! Exit codes (PRODUCT.md): 0 scored; 1 a total below `--fail-under`; 2 could not score.

mod batch;
mod diff;
mod explain;
mod init;
mod pipeline;
mod precheck;
mod rules;
mod score;
mod selfreport;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::{Fatal, Problem, render_location};
use crate::load::rules::{self as rule_loader, RuleFiles};
use crate::model::ruleset::RuleSet;

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
    Score(score::ScoreArgs),
    /// Score every township bundle in a folder, rank them, and report.
    Batch(batch::BatchArgs),
    /// Work with rule sets: check, show.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Explain one indicator's score: the rule, the arithmetic and the evidence.
    Explain(explain::ExplainArgs),
    /// Pre-check a bundle: indicators that lose points, largest first, and what to fix.
    Precheck(precheck::PrecheckArgs),
    /// Create a bundle skeleton (bundle.yaml, ledgers, 材料/) from a rule set.
    Init(init::InitArgs),
    /// Draft the 自查报告 (self-inspection report) from a bundle's ledgers.
    Selfreport(selfreport::SelfreportArgs),
    /// Compare two JSON assessments (before/after fixes, or two years).
    Diff(diff::DiffArgs),
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
    let outcome = match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Batch(args) => batch::run(&args),
        Command::Rules(cmd) => rules::run(&cmd),
        Command::Explain(args) => explain::run(&args),
        Command::Precheck(args) => precheck::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Selfreport(args) => selfreport::run(&args),
        Command::Diff(args) => diff::run(&args),
    };
    outcome.unwrap_or_else(|fatal| {
        print_fatal(&fatal);
        ExitCode::from(2)
    })
}

pub(crate) fn print_fatal(fatal: &Fatal) {
    let mut err = std::io::stderr().lock();
    for p in &fatal.problems {
        let line = format!("kaohe: 错误：{}：{}", render_location(p), p.message);
        let _ = writeln!(err, "{}", crate::text::show_invisible(&line));
    }
}

pub(crate) fn warn(message: &str) {
    eprintln!("kaohe: 提示：{}", crate::text::show_invisible(message));
}

pub(crate) fn cli_error(code: &'static str, message: String) -> Fatal {
    Fatal::one(Problem::error("命令行", code, message))
}

/// Find and compile the rule set: `--rules` (folder first, then built-in id), else the bundle's
/// 考核指标 among the built-in ones. A `rules/` folder in the working directory is never used
/// implicitly.
pub(crate) fn resolve_rules(requested: Option<&str>, declared: &str) -> Result<RuleSet, Fatal> {
    let files = match requested {
        Some(r) => rule_files(r)?,
        None => RuleFiles::builtin(declared).ok_or_else(|| unknown_ruleset(declared))?,
    };
    let rules = rule_loader::compile(&files)?;
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

pub(crate) fn rule_files(spec: &str) -> Result<RuleFiles, Fatal> {
    if Path::new(spec).is_dir() {
        RuleFiles::from_dir(Path::new(spec))
    } else {
        RuleFiles::builtin(spec).ok_or_else(|| unknown_ruleset(spec))
    }
}
