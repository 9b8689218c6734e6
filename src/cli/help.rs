//! The command line in Chinese: help texts, clap's own argument errors, shell completions and the
//! man page, all from the one clap definition in `cli/mod.rs`.
//!
//! clap prints English headings ("Usage:", "Options:") and errors ("error: unexpected
//! argument"). `command()` gives every (sub)command a Chinese help template, headings and
//! `-h`/`-V` flags; `print_clap_error` renders clap's errors from their kind and context in
//! Chinese, in the same `kaohe: 错误：` form as every other error, exit code 2.

use std::io::Write;
use std::process::ExitCode;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Args, CommandFactory, ValueEnum};

use super::Cli;
use crate::diag::Fatal;

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The whole command line, localised: what is parsed, and what completions and the man page
/// are generated from.
pub(super) fn command() -> clap::Command {
    let cmd = localise(Cli::command()).disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("显示版本")
            .help_heading("选项"),
    );
    cmd.after_help(
        "详细说明：kaohe 命令 --help；文档：docs/（随源代码提供）。\n退出码：0 评分完成；1 总分低于 --fail-under；2 无法评分或命令有误。",
    )
}

fn localise(cmd: clap::Command) -> clap::Command {
    cmd.help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助（-h 简要，--help 详细）"),
        )
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
        .mut_subcommands(localise)
}

/// clap's fixed English words inside rendered help and usage lines.
fn chinese(text: &str) -> String {
    text.replace("[OPTIONS]", "[选项]")
        .replace("命令:\n", "命令：\n")
        .replace("参数:\n", "参数：\n")
        .replace("选项:\n", "选项：\n")
        .replace("[default: ", "[默认：")
        .replace("[possible values: ", "[可选：")
        .replace("Possible values:", "可选值：")
        .replace("[aliases: ", "[别名：")
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(StyledStr::to_string).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

fn one(e: &clap::Error, kind: ContextKind) -> String {
    strings(e, kind).join("、")
}

/// The Chinese sentence for one clap error.
fn message(e: &clap::Error) -> String {
    let arg = one(e, ContextKind::InvalidArg);
    let value = one(e, ContextKind::InvalidValue);
    let mut m = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::InvalidSubcommand => {
            format!("没有命令「{}」", one(e, ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("不认识的参数「{arg}」"),
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 缺少值"),
        ErrorKind::InvalidValue => {
            let valid = strings(e, ContextKind::ValidValue);
            let mut m = format!("参数 {arg} 的值「{value}」无效");
            if !valid.is_empty() {
                m.push_str(&format!("；可选：{}", valid.join("、")));
            }
            m
        }
        ErrorKind::ValueValidation => match std::error::Error::source(e) {
            Some(_) => format!("参数 {arg} 的值「{value}」无效"),
            None => format!("参数 {arg} 的值无效"),
        },
        ErrorKind::ArgumentConflict => format!(
            "参数 {arg} 不能与 {} 同时使用",
            one(e, ContextKind::PriorArg)
        ),
        ErrorKind::NoEquals => format!("参数 {arg} 的值须用等号连接，如 {arg}=值"),
        ErrorKind::TooManyValues => format!("参数 {arg} 的值过多：「{value}」"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值个数不对")
        }
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文字".to_string(),
        _ => "命令行有误".to_string(),
    };
    let suggested = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .flat_map(|k| strings(e, k))
    .collect::<Vec<_>>();
    if !suggested.is_empty() {
        m.push_str(&format!("；是否为 {}？", suggested.join("、")));
    }
    if e.kind() == ErrorKind::UnknownArgument && arg.starts_with('-') && suggested.is_empty() {
        m.push_str("（若是以 - 开头的值，请写在 -- 之后）");
    }
    m
}

/// Print a clap outcome: help and version to standard output (exit 0), errors in Chinese to
/// standard error with the usage line (exit 2).
pub(super) fn print_clap_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let mut text = chinese(&e.render().to_string());
            if !text.ends_with('\n') {
                text.push('\n');
            }
            return match super::pipeline::emit(text.as_bytes(), None) {
                Ok(()) => ExitCode::SUCCESS,
                Err(fatal) => {
                    super::print_fatal(&fatal);
                    ExitCode::from(2)
                }
            };
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{}", chinese(&e.render().to_string()));
            return ExitCode::from(2);
        }
        _ => {}
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "kaohe: 错误：命令行：{}", message(e));
    let usage = one(e, ContextKind::Usage);
    let usage = usage.trim_start_matches("Usage:").trim();
    if !usage.is_empty() {
        let _ = writeln!(err, "用法：{}", chinese(usage));
    }
    let _ = writeln!(err, "详细说明：加 --help");
    ExitCode::from(2)
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Args)]
pub(super) struct CompletionsArgs {
    /// 命令行外壳（shell）
    shell: Shell,
}

/// `kaohe completions SHELL`: the completion script, generated from the command definition.
pub(super) fn completions(args: &CompletionsArgs) -> Result<ExitCode, Fatal> {
    use clap_complete::{Shell as S, generate};
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut bytes = Vec::new();
    generate(shell, &mut command(), "kaohe", &mut bytes);
    super::pipeline::emit(&bytes, None)?;
    Ok(ExitCode::SUCCESS)
}

/// `kaohe manpage`: kaohe(1) in roff, generated from the command definition, with one section
/// per command.
pub(super) fn manpage() -> Result<ExitCode, Fatal> {
    let cmd = command();
    let mut bytes = Vec::new();
    let render =
        |cmd: &clap::Command, out: &mut Vec<u8>| clap_mangen::Man::new(cmd.clone()).render(out);
    let _ = render(&cmd, &mut bytes);
    for sub in cmd.get_subcommands() {
        let sub = sub.clone().bin_name(format!("kaohe {}", sub.get_name()));
        let man = clap_mangen::Man::new(sub);
        let _ = man.render_name_section(&mut bytes);
        let _ = man.render_synopsis_section(&mut bytes);
        let _ = man.render_description_section(&mut bytes);
        let _ = man.render_options_section(&mut bytes);
    }
    super::pipeline::emit(&bytes, None)?;
    Ok(ExitCode::SUCCESS)
}
