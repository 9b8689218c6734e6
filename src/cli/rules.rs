//! `kaohe rules …`: check and show rule sets.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;

use super::pipeline::{self, emit};
use super::rule_files;
use crate::calendar::Calendar;
use crate::diag::{CliCode, Code, Fatal, render_location, render_snippet};
use crate::load::open_bundle;
use crate::load::rules::TestCase;
use crate::load::rules::{self as rule_loader, compile};
use crate::model::assessment::{Assessment, Status};
use crate::model::ruleset::RuleSet;
use crate::report::table::plain;

#[derive(Subcommand)]
pub(super) enum RulesCommand {
    /// 全面检查规则集，逐条列出问题及其文件、行、列
    Check {
        /// 规则集目录或内置规则集编号
        #[arg(value_name = "DIR|ID")]
        ruleset: String,
    },
    /// 对规则集的测试材料（DIR/tests/用例/）评分，列出与 expected.yaml 的每处不同；退出码 0 全部通过，1 有用例不通过，2 无法运行
    Test {
        /// 规则集目录（其 tests/ 文件夹存放测试用例）
        #[arg(value_name = "DIR")]
        ruleset: String,
        /// 只运行名称包含此文字的用例
        #[arg(long)]
        case: Option<String>,
    },
    /// 列出表达式语言的内置函数（Markdown，同 docs/functions.md）
    Functions,
    /// 按类别列出 kaohe 的全部诊断代码（Markdown，同 docs/diagnostics.md），或说明某一代码的含义和处理办法
    Codes {
        /// 诊断代码，如 unused-param
        code: Option<String>,
    },
    /// 输出规则文件（ruleset.yaml 和指标文件）的 JSON Schema，供编辑器使用
    Schema,
    /// 显示指标树：分值、评分方法、依据、考核内容和整改办法
    Show {
        /// 规则集目录或内置规则集编号
        #[arg(value_name = "DIR|ID")]
        ruleset: String,
    },
}

pub(super) fn run(cmd: &RulesCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        RulesCommand::Check { ruleset } => check(ruleset),
        RulesCommand::Functions => {
            emit(crate::expr::functions::markdown().as_bytes(), None)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Codes { code: None } => {
            emit(crate::report::rules::codes_markdown().as_bytes(), None)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Codes { code: Some(code) } => {
            let found = Code::lookup(code);
            if found.is_empty() {
                return Err(super::cli_error(
                    CliCode::UnknownCode,
                    format!("没有诊断代码「{code}」；全部代码：kaohe rules codes"),
                ));
            }
            let text: String = found
                .iter()
                .map(crate::report::rules::code_text)
                .collect::<Vec<_>>()
                .join("\n");
            emit(text.as_bytes(), None)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Schema => {
            emit(
                format!("{}\n", crate::report::rules::schema_json()).as_bytes(),
                None,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Test { ruleset, case } => test(ruleset, case.as_deref()),
        RulesCommand::Show { ruleset } => {
            let files = rule_files(ruleset)?;
            let rules = compile(&files)?;
            let overlay = rule_loader::overlay_summary(&files);
            let text = crate::report::rules::render(&rules, overlay.as_ref());
            emit(text.as_bytes(), None)?;
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
                let _ = writeln!(err, "{}", render_snippet(p, None));
            }
            let _ = writeln!(err, "{}", problem_count(&fatal.problems));
            return Ok(ExitCode::from(2));
        }
    };
    let checked = rule_loader::check(&files);
    // Each file's lines, indexed once for all its problems.
    let mut lines_of: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    for p in &checked.problems {
        let source_line = p.line.and_then(|line| {
            let lines = match lines_of.entry(p.file.as_str()) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(files.source_of(&p.file)?.lines().collect())
                }
            };
            lines.get(line.checked_sub(1)? as usize).copied()
        });
        let _ = writeln!(err, "{}", render_snippet(p, source_line));
    }
    if let Some(rules) = &checked.rules {
        let summary = format!(
            "规则集 {}（{}）：{} 个指标，{}\n",
            rules.id,
            rules.title,
            rules.indicators.len(),
            if checked.problems.is_empty() {
                "检查通过".to_string()
            } else {
                format!("{} 个警告", checked.problems.len())
            }
        );
        emit(summary.as_bytes(), None)?;
    }
    if checked.problems.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        let _ = writeln!(err, "{}", problem_count(&checked.problems));
        Ok(ExitCode::from(2))
    }
}

/// The last line of `rules check`: 共 3 个问题（错误 2 个，警告 1 个）.
fn problem_count(problems: &[crate::diag::Problem]) -> String {
    let errors = problems
        .iter()
        .filter(|p| p.severity == crate::diag::Severity::Error)
        .count();
    format!(
        "共 {} 个问题（错误 {errors} 个，警告 {} 个）",
        problems.len(),
        problems.len() - errors
    )
}

/// `kaohe rules test`: score every case and compare with what it expects.
fn test(spec: &str, only: Option<&str>) -> Result<ExitCode, Fatal> {
    let dir = std::path::Path::new(spec);
    if !dir.is_dir() {
        return Err(super::cli_error(
            CliCode::TestsNeedFolder,
            format!(
                "「{spec}」不是规则集目录：内置规则集不带测试用例，请给出规则集目录（如 rules/{spec}）"
            ),
        ));
    }
    let rules = compile(&rule_files(spec)?)?;
    let cases = rule_loader::test_cases(dir)?;
    // The same calendar `score` uses: built-in + the rule set's own `calendar:`.
    let calendar = pipeline::load_calendar(&[], &rules)?;
    // Collected, then written at once, so a failed write is an error (exit 2).
    let mut out = String::new();
    let _ = writeln!(out, "规则集 {}：{}", rules.id, dir.display());
    let (mut passed, mut failed) = (0, 0);
    for case in cases
        .iter()
        .filter(|c| only.is_none_or(|o| c.name.contains(o)))
    {
        let differences = match run_case(&rules, case, &calendar) {
            Ok(d) => d,
            Err(fatal) => fatal
                .problems
                .iter()
                .map(|p| format!("无法评分：{}：{}", render_location(p), p.message))
                .collect(),
        };
        if differences.is_empty() {
            passed += 1;
            let _ = writeln!(
                out,
                "  通过  {}（{} 项）{}",
                case.name,
                case.indicators.len(),
                if case.description.is_empty() {
                    String::new()
                } else {
                    format!("：{}", case.description)
                }
            );
        } else {
            failed += 1;
            let _ = writeln!(out, "  失败  {}", case.name);
            for d in differences {
                let _ = writeln!(out, "        {}", plain(&d));
            }
        }
    }
    let _ = writeln!(
        out,
        "共 {} 个用例：{passed} 个通过，{failed} 个失败",
        passed + failed
    );
    emit(out.as_bytes(), None)?;
    Ok(if failed == 0 && passed > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Score one case through the pipeline every command uses (year check, verdicts, evidence)
/// and list how the assessment differs from what the case expects.
fn run_case(rules: &RuleSet, case: &TestCase, calendar: &Calendar) -> Result<Vec<String>, Fatal> {
    let bundle = open_bundle(&case.dir)?;
    let verdicts = case.verdicts.clone().map(pipeline::VerdictInput::File);
    let assessment = pipeline::within_limits(rules, || {
        pipeline::score_bundle(bundle, rules, verdicts, calendar)
    })??;
    Ok(differences(case, &assessment))
}

fn differences(case: &TestCase, a: &Assessment) -> Vec<String> {
    let mut out = Vec::new();
    for (id, score, status) in &case.indicators {
        let Some(got) = a.indicators.iter().find(|i| &i.id == id) else {
            out.push(format!("{id}：规则集中没有这个指标"));
            continue;
        };
        if let Some(want) = score {
            // A pending manual indicator has no score yet (its `score` field is 0).
            let got_score = (got.status != Status::Manual).then_some(got.score);
            if got_score != Some(*want) {
                out.push(format!(
                    "{id} {} 得分：期望 {}，实为 {}",
                    got.name,
                    want.normalize(),
                    got_score.map_or("待评分".to_string(), |g| g.normalize().to_string())
                ));
            }
        }
        if let Some(want) = status {
            let got_word = status_word(got.status);
            if want != got_word && want != got.status.label() {
                out.push(format!(
                    "{id} {} 状态：期望 {want}，实为 {got_word}（{}）",
                    got.name,
                    got.status.label()
                ));
            }
        }
    }
    for (id, want) in &case.parts {
        match a.parts.iter().find(|p| &p.id == id) {
            None => out.push(format!(
                "部分 {id}：评分结果中没有这个部分（规则集未按部分评定？）"
            )),
            Some(p) if p.score != *want => out.push(format!(
                "部分 {id} {} 得分：期望 {}，实为 {}",
                p.name,
                want.normalize(),
                p.score.normalize()
            )),
            Some(_) => {}
        }
    }
    for (id, want) in &case.grading {
        match a.total.rules.iter().find(|r| &r.id == id) {
            None => out.push(format!("等次规则 {id}：规则集中没有这条规则")),
            Some(r) if r.applied != *want => out.push(format!(
                "等次规则 {id}：期望{}，实为{}",
                if *want { "触发" } else { "不触发" },
                if r.applied { "触发" } else { "不触发" }
            )),
            Some(_) => {}
        }
    }
    for (field, want) in &case.total {
        let t = &a.total;
        let got = match field.as_str() {
            "base" => t.base.normalize().to_string(),
            "bonus" => t.bonus.normalize().to_string(),
            "score" => t.score.normalize().to_string(),
            "grade" => t.grade.clone(),
            "veto" => t.veto.to_string(),
            _ => t.provisional.to_string(),
        };
        let want = match rule_loader::yaml_decimal(want) {
            Some(d) if field != "grade" => d.normalize().to_string(),
            _ => match want {
                serde_yaml::Value::Bool(b) => b.to_string(),
                serde_yaml::Value::String(s) => s.clone(),
                other => format!("{other:?}"),
            },
        };
        if got != want {
            out.push(format!("总分 {field}：期望 {want}，实为 {got}"));
        }
    }
    out
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Partial => "partial",
        Status::Gap => "gap",
        Status::Missing => "missing",
        Status::Manual => "manual",
        Status::Veto => "veto",
        Status::Na => "na",
    }
}
