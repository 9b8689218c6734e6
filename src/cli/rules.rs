//! `kaohe rules …`: check and show rule sets.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;

use super::rule_files;
use crate::diag::{Fatal, render_snippet};
use crate::load::rules::{self as rule_loader, compile};

#[derive(Subcommand)]
pub enum RulesCommand {
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

pub fn run(cmd: &RulesCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        RulesCommand::Check { ruleset } => check(ruleset),
        RulesCommand::Show { ruleset } => {
            let rules = compile(&rule_files(ruleset)?)?;
            print!("{}", crate::report::rules::render(&rules));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `kaohe rules check`: every problem at once, each with a caret under the spot and a help
/// line from the registry. Exit 0 clean, 2 with any error or warning.
fn check(spec: &str) -> Result<ExitCode, Fatal> {
    let mut err = std::io::stderr().lock();
    let files = match rule_files(spec) {
        Ok(files) => files,
        Err(fatal) => {
            // Unreadable files, not UTF-8, no ruleset.yaml: shown like every other problem.
            for p in &fatal.problems {
                let _ = write!(err, "{}", render_snippet(p, None));
                if let Some(code) = rule_loader::rule_code(p.code) {
                    let _ = writeln!(err, "  = help: {}", code.help);
                }
                let _ = writeln!(err);
            }
            let _ = writeln!(err, "共 {} 个问题", fatal.problems.len());
            return Ok(ExitCode::from(2));
        }
    };
    let checked = rule_loader::check(&files);
    for p in &checked.problems {
        let source = files.source_of(&p.file);
        let _ = write!(err, "{}", render_snippet(p, source));
        if let Some(code) = rule_loader::rule_code(p.code) {
            let _ = writeln!(err, "  = help: {}", code.help);
        }
        let _ = writeln!(err);
    }
    if let Some(rules) = &checked.rules {
        println!(
            "规则集 {}（{}）：{} 个指标，{}",
            rules.id,
            rules.title,
            rules.indicators.len(),
            if checked.problems.is_empty() {
                "检查通过".to_string()
            } else {
                format!("{} 个警告", checked.problems.len())
            }
        );
    }
    if checked.problems.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        let _ = writeln!(err, "共 {} 个问题", checked.problems.len());
        Ok(ExitCode::from(2))
    }
}
