//! `kaohe batch`: score every township bundle in a folder, rank them, report.
//!
//! Bundles are opened and scored in parallel (rayon), each to its own `Result`: a bundle that
//! cannot be scored is listed with its error and the others go on. Results are collected in the
//! order of the bundles' names and ranked by the pure `crate::batch`, so the output is the same
//! bytes whether the batch ran on one thread or many.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::pipeline::{check_output, emit, load_calendar, score_bundle};
use super::score::{parse_fail_under, pick_format, refuse_binary_to_terminal, stamp};
use super::{cli_error, resolve_rules, rule_files, warn};
use crate::batch::{self, Failed};
use crate::diag::{Fatal, render_location};
use crate::load::open_bundle;
use crate::load::rules as rule_loader;
use crate::model::assessment::Assessment;
use crate::report::{Format, Options};

#[derive(Args)]
pub struct BatchArgs {
    /// A folder of township bundles: each sub-folder holding a bundle.yaml (or a .zip of one).
    dir: PathBuf,
    /// A rule-set folder (when one exists at that path) or a built-in rule-set id; without it,
    /// the 考核指标 most bundles declare is used for all.
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// A folder of verdict files: `<folder name>.yaml` is the verdict file of that bundle.
    #[arg(long, value_name = "DIR")]
    verdicts_dir: Option<PathBuf>,
    /// Output format; without it, `-o`'s extension decides (.json .csv .md .html .xlsx), else
    /// table.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output (never inside a bundle).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// An extra holiday calendar (date,kind,festival CSV) adding years or local days.
    #[arg(long, value_name = "FILE")]
    calendar: Vec<PathBuf>,
    /// Exit with code 1 when any township's total score is below this.
    #[arg(long, value_name = "SCORE")]
    fail_under: Option<String>,
    /// Add when the report was made (UTC). Without it the same inputs give the same bytes.
    #[arg(long)]
    stamp: bool,
    /// How many bundles to score at once (default: one per CPU core; 1 = one after another).
    /// The output is the same whatever the number.
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
}

/// One entry of the batch folder: its name (folder or zip) and path.
struct Entry {
    name: String,
    path: PathBuf,
}

/// The bundles in DIR, by name: folders (other than hidden ones and the verdicts folder) and
/// `.zip` files. A folder without bundle.yaml is kept, so that it is reported, not skipped.
fn list_bundles(dir: &Path, skip: Option<&Path>) -> Result<Vec<Entry>, Fatal> {
    let read = std::fs::read_dir(dir).map_err(|e| {
        cli_error(
            "batch-dir-unreadable",
            format!("无法读取材料文件夹 {}：{e}", dir.display()),
        )
    })?;
    let skip = skip.and_then(|p| p.canonicalize().ok());
    let mut entries = Vec::new();
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Following links: a link to a bundle folder is a bundle; a link that loops or points
        // nowhere is named, never skipped in silence.
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                let why = match e.raw_os_error() {
                    Some(40) => "符号链接循环",
                    _ if e.kind() == std::io::ErrorKind::NotFound => "链接指向的文件不存在",
                    _ if e.kind() == std::io::ErrorKind::PermissionDenied => "没有访问权限",
                    _ => "无法读取",
                };
                super::warn(&format!("跳过 {}：{why}", path.display()));
                continue;
            }
        };
        let is_dir = meta.is_dir();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let is_zip = meta.is_file() && ext == "zip";
        if !is_dir && !is_zip {
            if ["rar", "7z", "tar", "gz", "tgz", "bz2", "xz"].contains(&ext.as_str()) {
                super::warn(&format!(
                    "跳过 {}：.{ext} 压缩包无法读取，报送材料只收文件夹或 .zip 文件；请解压后放入文件夹，或重新压缩为 .zip",
                    path.display()
                ));
            } else {
                super::warn(&format!(
                    "跳过 {}：不是报送材料（报送材料是含 bundle.yaml 的文件夹或 .zip 文件）",
                    path.display()
                ));
            }
            continue;
        }
        if skip.is_some() && path.canonicalize().ok() == skip {
            continue;
        }
        entries.push(Entry { name, path });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// The verdict file of a bundle, when the verdicts folder has one.
fn verdict_file(dir: Option<&Path>, bundle_name: &str) -> Option<PathBuf> {
    let dir = dir?;
    let stem = bundle_name
        .strip_suffix(".zip")
        .or_else(|| bundle_name.strip_suffix(".ZIP"))
        .unwrap_or(bundle_name);
    ["yaml", "yml"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .find(|p| p.is_file())
}

/// A fatal error of one bundle, as one line for the report.
fn describe(fatal: &Fatal) -> String {
    fatal
        .problems
        .iter()
        .map(|p| format!("{}：{}", render_location(p), p.message))
        .collect::<Vec<_>>()
        .join("；")
}

/// Run one bundle's step so that a bug it triggers (a panic) fails that bundle, not the batch:
/// rayon would otherwise carry the panic to the whole run.
fn guard<T>(step: impl FnOnce() -> Result<T, Fatal>) -> Result<T, Fatal> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(cli_error(
            "internal-error",
            format!("kaohe 内部错误，此份材料未能评分（请把材料和这条消息报告给开发者）：{what}"),
        ))
    })
}

/// The rule-set id most bundles declare; on a tie, the one met first (bundles in name order).
fn majority<'a>(ids: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for id in ids {
        match counts.iter_mut().find(|(c, _)| *c == id) {
            Some((_, n)) => *n += 1,
            None => counts.push((id, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(id, _)| id.to_string())
}

fn progress(len: usize) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    if let Ok(style) = ProgressStyle::with_template("评分中 {bar:30} {pos}/{len} {msg}") {
        // ASCII bar characters: block shades are East-Asian ambiguous width (see report/table.rs).
        bar.set_style(style.progress_chars("#>-"));
    }
    bar
}

pub fn run(args: &BatchArgs) -> Result<ExitCode, Fatal> {
    let fail_under = parse_fail_under(args.fail_under.as_deref())?;
    let format = pick_format(args.format, args.output.as_deref());
    refuse_binary_to_terminal(format, args.output.as_deref())?;
    if !args.dir.is_dir() {
        return Err(cli_error(
            "batch-dir-not-folder",
            format!(
                "{} 不是文件夹：kaohe batch 需要一个存放各乡镇报送材料的文件夹",
                args.dir.display()
            ),
        ));
    }
    if let Some(v) = &args.verdicts_dir
        && !v.is_dir()
    {
        return Err(cli_error(
            "verdicts-dir-not-folder",
            format!("评分文件夹 {} 不存在或不是文件夹", v.display()),
        ));
    }
    let entries = list_bundles(&args.dir, args.verdicts_dir.as_deref())?;
    if entries.is_empty() {
        return Err(cli_error(
            "batch-empty",
            format!(
                "{} 中没有报送材料（每份材料是一个含 bundle.yaml 的文件夹或 .zip 文件）",
                args.dir.display()
            ),
        ));
    }
    if let Some(out) = &args.output {
        // Every bundle of the batch, folder or zip, and the evaluator's verdicts.
        let mut protected: Vec<(&Path, &str)> =
            entries.iter().map(|e| (e.path.as_path(), "材料")).collect();
        protected.extend(args.verdicts_dir.as_deref().map(|v| (v, "评分文件夹")));
        check_output(out, &protected)?;
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| cli_error("thread-pool", format!("无法启动并行评分：{e}")))?;
    let bar = progress(entries.len());

    // Phase 1: read every manifest header (cheap), to know which rule set the batch uses.
    let opened: Vec<_> = pool.install(|| {
        entries
            .par_iter()
            .map(|e| guard(|| open_bundle(&e.path)))
            .collect()
    });
    let first_declared = majority(
        opened
            .iter()
            .filter_map(|o| o.as_ref().ok())
            .map(|b| b.header.ruleset.as_str()),
    );

    let mut warnings = Vec::new();
    let mut outcomes: Vec<Result<Assessment, Failed>> = Vec::with_capacity(entries.len());
    let mut grade_names = Vec::new();
    match first_declared {
        None => {
            for (e, o) in entries.iter().zip(opened) {
                if let Err(fatal) = o {
                    outcomes.push(Err(Failed {
                        bundle: e.name.clone(),
                        error: describe(&fatal),
                    }));
                }
            }
        }
        Some(declared) => {
            // With --rules every bundle is scored against it, and each whose 考核指标 differs is
            // named once (as `kaohe score` does); without it, the 考核指标 most bundles declare
            // decides, so one township's typo fails that township, not the county.
            let rules = match args.rules.as_deref() {
                Some(spec) => rule_loader::compile(&rule_files(spec)?)?,
                None => resolve_rules(None, &declared)?,
            };
            let calendar = load_calendar(&args.calendar, &rules)?;
            grade_names = rules.grades.iter().map(|g| g.name.clone()).collect();
            if !grade_names.contains(&rules.veto_grade) {
                grade_names.push(rules.veto_grade.clone());
            }
            // Phase 2: score in parallel, one Result per bundle, in the bundles' order.
            let jobs: Vec<_> = entries.iter().zip(opened).collect();
            let scored: Vec<(Result<Assessment, Failed>, Option<String>)> = pool.install(|| {
                jobs.into_par_iter()
                    .map(|(e, opened)| {
                        let mut note = None;
                        let result = opened.and_then(|b| {
                            if b.header.ruleset != rules.id {
                                if args.rules.is_none() {
                                    return Err(cli_error(
                                        "batch-mixed-rulesets",
                                        format!(
                                            "考核指标为 {}，而本批次按多数材料所写的 {} 评分；请核对考核指标，或用 --rules 指定",
                                            b.header.ruleset, rules.id
                                        ),
                                    ));
                                }
                                note = Some(format!(
                                    "材料 {} 的考核指标为 {}，按 --rules 所指的 {} 评分",
                                    e.name, b.header.ruleset, rules.id
                                ));
                            }
                            let verdicts = verdict_file(args.verdicts_dir.as_deref(), &e.name);
                            guard(|| score_bundle(b, &rules, verdicts.as_deref(), &calendar))
                        });
                        bar.inc(1);
                        let result = result.map_err(|fatal| Failed {
                            bundle: e.name.clone(),
                            error: describe(&fatal),
                        });
                        (result, note)
                    })
                    .collect()
            });
            for (result, note) in scored {
                outcomes.push(result);
                warnings.extend(note);
            }
        }
    }
    bar.finish_and_clear();

    let mut assessments = Vec::new();
    let mut failed = Vec::new();
    for o in outcomes {
        match o {
            Ok(a) => assessments.push(a),
            Err(f) => failed.push(f),
        }
    }
    let scored = assessments.len();
    let report = batch::summarize(assessments, failed, &grade_names);

    for w in &warnings {
        warn(w);
    }
    for d in &report.duplicates {
        warn(&format!(
            "单位「{}」有 {} 份材料（{}），排名中已标注，请核对",
            d.unit,
            d.bundles.len(),
            d.bundles.join("、")
        ));
    }
    for f in &report.failed {
        eprintln!("kaohe: 错误：材料 {} 无法评分：{}", f.bundle, f.error);
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && format == Format::Table && std::env::var_os("NO_COLOR").is_none();
    let opts = Options {
        color,
        stamp: stamp(args.stamp),
    };
    emit(&format.render_batch(&report, &opts), args.output.as_deref())?;

    if scored == 0 {
        eprintln!("kaohe: 错误：没有一份材料能够评分");
        return Ok(ExitCode::from(2));
    }
    if let Some(threshold) = fail_under
        && report.ranking.iter().any(|e| e.score < threshold)
    {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_fails_one_bundle_not_the_batch() {
        let out: Result<(), Fatal> = guard(|| panic!("boom"));
        let fatal = out.unwrap_err();
        assert_eq!(fatal.problems[0].code, "internal-error");
        assert!(fatal.problems[0].message.contains("boom"));
    }

    #[test]
    fn majority_rule_set_with_first_seen_on_a_tie() {
        assert_eq!(majority(["a", "b", "b"].into_iter()), Some("b".into()));
        assert_eq!(majority(["a", "b"].into_iter()), Some("a".into()));
        assert_eq!(majority(std::iter::empty()), None);
    }
}
