//! The command line: the only place that prints and decides exit codes. One file per
//! command; each returns an exit code or a `Fatal` that `run` prints (exit code 2).
//!
//! Exit codes (PRODUCT.md): 0 scored; 1 a total below `--fail-under`; 2 could not score.

pub(crate) mod batch;
mod diff;
mod explain;
mod help;
mod init;
mod output;
pub(crate) mod pipeline;
mod precheck;
mod rules;
mod schema;
mod score;
mod selfreport;
mod serve;

use crate::diag::CliCode;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, FromArgMatches, Parser, Subcommand};

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
    /// 为一份报送材料评分（含 bundle.yaml 的文件夹或其 .zip）
    Score(score::ScoreArgs),
    /// 为文件夹中各乡镇的报送材料逐一评分、排名并出报告
    Batch(batch::BatchArgs),
    /// 规则集（考核指标）：检查、测试、查看
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// 说明某一指标的得分：规则、计算过程和依据
    Explain(explain::ExplainArgs),
    /// 报送前自查：列出失分指标（失分多的在前）和整改办法
    Precheck(precheck::PrecheckArgs),
    /// 按规则集新建报送材料框架（bundle.yaml、台账、材料/）
    Init(init::InitArgs),
    /// 根据台账起草自查报告
    Selfreport(selfreport::SelfreportArgs),
    /// 比较两次评分结果（JSON）：整改前后或两个年度
    Diff(diff::DiffArgs),
    /// 在浏览器中使用的评分服务：本机的一个材料文件夹，或全县的评分服务（--data）
    Serve(serve::ServeArgs),
    /// 全县评分服务的账号（kaohe serve --data）
    #[command(subcommand)]
    Users(serve::UsersCommand),
    /// 起草一份材料的评分文件模板（人工评分和调整，格式见 docs/verdicts.md）
    Verdicts(schema::VerdictsArgs),
    /// 输出 JSON 输出或评分文件的 JSON Schema（说明见 docs/json.md）
    Schema(schema::SchemaArgs),
    /// 输出命令行补全脚本（bash、zsh、fish、powershell）
    Completions(help::CompletionsArgs),
    /// 输出 kaohe 的 man 手册页（roff 格式）
    Manpage,
}

/// The bundle a command reads and the rule set and verdicts it is scored with: the first
/// arguments of `score`, `explain`, `precheck` and `selfreport`. A command whose help says more
/// (or less) overrides it with `#[command(mut_arg(…))]`.
#[derive(Args)]
pub(crate) struct BundleArgs {
    /// 报送材料：含 bundle.yaml 的文件夹（或其 .zip）
    pub(crate) bundle: PathBuf,
    /// 规则集目录（该路径存在时）或内置规则集编号；代替材料中的考核指标
    #[arg(long, value_name = "DIR|ID")]
    pub(crate) rules: Option<String>,
    /// 评分人的评分文件（人工评分和调整）
    #[arg(long, value_name = "FILE")]
    pub(crate) verdicts: Option<PathBuf>,
}

/// `--calendar` of every command that scores (`score`, `batch`, `explain`, `precheck`,
/// `selfreport`).
#[derive(Args)]
pub(crate) struct CalendarArgs {
    /// 补充节假日日历（CSV：date,kind,festival），增加年份或本地假日
    #[arg(long, value_name = "FILE")]
    pub(crate) calendar: Vec<PathBuf>,
}

/// Rewords the help of shared arguments for one command (`#[command(mut_args(reword(…)))]`),
/// in place: `mut_arg` would move the argument to the end, reordering completions.
pub(crate) fn reword(
    texts: &'static [(&'static str, &'static str)],
) -> impl FnMut(clap::Arg) -> clap::Arg {
    move |a| match texts.iter().find(|(id, _)| a.get_id() == *id) {
        Some((_, help)) => a.help(*help),
        None => a,
    }
}

/// Parse arguments, run, and turn the outcome into an exit code.
pub fn run() -> ExitCode {
    let cli = match help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return help::print_clap_error(&e),
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
        Command::Serve(args) => serve::run(&args),
        Command::Users(cmd) => serve::users(&cmd),
        Command::Verdicts(args) => schema::template(&args),
        Command::Schema(args) => schema::schema(&args),
        Command::Completions(args) => help::completions(&args),
        Command::Manpage => help::manpage(),
    };
    outcome.unwrap_or_else(|fatal| {
        print_fatal(&fatal);
        ExitCode::from(2)
    })
}

pub(crate) fn print_fatal(fatal: &Fatal) {
    let mut err = std::io::stderr().lock();
    for p in &fatal.problems {
        // The code names the registry entry: `kaohe rules codes CODE` says what to do.
        let line = format!(
            "kaohe: 错误[{}]：{}：{}",
            p.code,
            render_location(p),
            p.message
        );
        let _ = writeln!(err, "{}", crate::text::show_invisible(&line));
    }
}

pub(crate) fn warn(message: &str) {
    eprintln!("kaohe: 提示：{}", crate::text::show_invisible(message));
}

pub(crate) fn cli_error(code: impl Into<crate::diag::Code>, message: String) -> Fatal {
    Fatal::one(Problem::error("命令行", code, message))
}

/// Find and compile the rule set: `--rules` (folder first, then built-in id), else the bundle's
/// 考核指标 among the built-in ones. A `rules/` folder in the working directory is never used
/// implicitly.
pub(crate) fn resolve_rules(requested: Option<&str>, declared: &str) -> Result<RuleSet, Fatal> {
    let files = match requested {
        Some(r) => rule_files(r)?,
        None => RuleFiles::builtin(declared).ok_or_else(|| {
            // Nothing on the command line named it: the bundle's manifest did.
            Fatal::one(
                Problem::error(
                    "bundle.yaml",
                    CliCode::UnknownRuleset,
                    format!(
                        "考核指标「{declared}」不是已知的规则集；内置规则集：{}。请改正 bundle.yaml 的考核指标，或用 --rules 指定规则集目录",
                        RuleFiles::builtin_ids().join("、")
                    ),
                )
                .key("考核指标".to_string()),
            )
        })?,
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
        CliCode::UnknownRuleset,
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
