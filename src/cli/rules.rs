//! `kaohe rules …`: check and show rule sets.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;

use super::rule_files;
use crate::diag::{Fatal, render_snippet};
use crate::load::rules::compile;

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

/// `kaohe rules check`: every problem at once, each with a caret under the spot.
fn check(spec: &str) -> Result<ExitCode, Fatal> {
    let files = rule_files(spec)?;
    Ok(match compile(&files) {
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
                let _ = writeln!(err, "{}", render_snippet(p, source));
            }
            let _ = writeln!(err, "共 {} 个问题", fatal.problems.len());
            ExitCode::from(2)
        }
    })
}
