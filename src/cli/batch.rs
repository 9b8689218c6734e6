//! `kaohe batch`: score every township bundle in a folder, rank them, report.
//!
//! Bundles are opened and scored in parallel (rayon), each to its own `Result`: a bundle that
//! cannot be scored is listed with its error and the others go on. Results are collected in the
//! order of the bundles' names and ranked by the pure `crate::batch`, so the output is the same
//! bytes whether the batch ran on one thread or many.

use crate::diag::CliCode;
use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::CalendarArgs;
use super::output::Staged;
use super::pipeline::{VerdictInput, check_output, emit, load_calendar, score_bundle};
use super::score::{parse_fail_under, pick_format, refuse_binary_to_terminal, stamp};
use super::{cli_error, resolve_rules, rule_files, warn};
use crate::batch;
use crate::budget::{self, Limits};
use crate::calendar::Calendar;
use crate::diag::{Fatal, render_location};
use crate::load::inputs::{self, Entry, unused_verdict_files, verdict_file};
use crate::load::rules as rule_loader;
use crate::load::{OpenBundle, open_bundle};
use crate::model::assessment::Assessment;
use crate::model::batch::{BatchReport, Failed};
use crate::model::ruleset::RuleSet;
use crate::report::{Format, Options, html, json, md, stamp_suffix, xlsx};

#[derive(Args)]
pub(crate) struct BatchArgs {
    /// 存放各乡镇报送材料的文件夹：每个子文件夹（或 .zip）是一份材料
    dir: PathBuf,
    /// 规则集目录（该路径存在时）或内置规则集编号；不写时统一使用多数材料声明的考核指标
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// 评分文件所在文件夹：「材料文件夹名.yaml」或「单位名.yaml」是该材料的评分文件
    #[arg(long, value_name = "DIR")]
    verdicts_dir: Option<PathBuf>,
    /// 输出格式；不写时按 -o 文件的扩展名（.json .csv .md .html .xlsx），否则为表格
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// 把报告写入文件 FILE 而不是屏幕（不得位于材料目录内）
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    calendar: CalendarArgs,
    /// 任一乡镇总分低于此分数时以退出码 1 结束
    #[arg(long, value_name = "SCORE")]
    fail_under: Option<String>,
    /// 在报告中注明生成时间（UTC）；不加时同样的输入得到完全相同的输出
    #[arg(long)]
    stamp: bool,
    /// 同时评分的材料份数（默认每个 CPU 核一份；1 为逐份评分）；结果与份数无关
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// 单份材料的评分时间上限（秒）：超时的材料停止评分，列为无法评分，其余照常。
    #[arg(long, value_name = "秒", default_value_t = 60)]
    limit_seconds: u64,
    /// 单份材料的内存上限（MB）：超出的材料停止评分，列为无法评分，其余照常。
    #[arg(long, value_name = "MB", default_value_t = 2048)]
    limit_memory: u64,
    /// XLSX、HTML 报告逐一列出各单位评分明细的材料份数上限：超过时只列排名、等次统计和失分统计，
    /// 内存和文件大小不随材料份数增长（各单位明细见 JSON 或 JSON Lines 输出）
    #[arg(long, value_name = "N", default_value_t = DETAIL_LIMIT)]
    detail_limit: usize,
}

/// Up to this many bundles, XLSX and HTML lay out every township (a county's or a city's
/// townships; about 0.2 MB of memory each while the batch runs); above it they summarize.
const DETAIL_LIMIT: usize = 300;

/// Bundles scored in parallel between two in-order hand-overs: enough to keep every core busy,
/// few enough that only this many assessments are ever held at once.
const CHUNK: usize = 64;

/// The bundles in DIR, by name (`load::inputs::list_bundles`); each entry skipped is said on
/// stderr (提示).
pub(crate) fn list_bundles(dir: &Path, skip: Option<&Path>) -> Result<Vec<Entry>, Fatal> {
    let listing = inputs::list_bundles(dir, skip).map_err(|e| {
        cli_error(
            CliCode::BatchDirUnreadable,
            format!(
                "无法读取材料文件夹 {}：{}",
                dir.display(),
                crate::diag::os_error(&e)
            ),
        )
    })?;
    for why in &listing.skipped {
        warn(why);
    }
    Ok(listing.entries)
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
            CliCode::InternalError,
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
    if let Ok(style) = ProgressStyle::with_template(
        "评分中 {bar:30} {pos}/{len}　每秒 {per_sec}　已用 {elapsed}　预计剩余 {eta} {msg}",
    ) {
        // ASCII bar characters: block shades are East-Asian ambiguous width (see report/table.rs).
        bar.set_style(style.progress_chars("#>-"));
    }
    bar
}

pub(crate) fn run(args: &BatchArgs) -> Result<ExitCode, Fatal> {
    let fail_under = parse_fail_under(args.fail_under.as_deref())?;
    let format = pick_format(args.format, args.output.as_deref());
    refuse_binary_to_terminal(format, args.output.as_deref())?;
    if !args.dir.is_dir() {
        return Err(cli_error(
            CliCode::BatchDirNotFolder,
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
            CliCode::VerdictsDirNotFolder,
            format!("评分文件夹 {} 不存在或不是文件夹", v.display()),
        ));
    }
    // One bundle's own folder is not a folder of bundles: its 台账/ and 材料/ would each be
    // reported as a bundle without bundle.yaml.
    if args.dir.join("bundle.yaml").is_file() {
        return Err(cli_error(
            CliCode::BatchDirIsBundle,
            format!(
                "{dir} 本身就是一份报送材料（其中有 bundle.yaml）：评一份材料请用 kaohe score {dir}；kaohe batch 要的是存放各乡镇材料的上级文件夹",
                dir = args.dir.display()
            ),
        ));
    }
    let entries = list_bundles(&args.dir, args.verdicts_dir.as_deref())?;
    if entries.is_empty() {
        return Err(cli_error(
            CliCode::BatchEmpty,
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
        .map_err(|_| {
            cli_error(
                CliCode::ThreadPool,
                "无法启动并行评分：系统无法再创建线程".to_string(),
            )
        })?;
    let limits = Limits {
        time: Duration::from_secs(args.limit_seconds),
        memory_bytes: usize::try_from(args.limit_memory.saturating_mul(1 << 20))
            .unwrap_or(usize::MAX),
        steps: budget::EVALUATION_STEPS,
    };

    // Phase 1: read every manifest header (cheap), to know which rule set the batch uses. Only
    // the declared id is kept; phase 2 opens each bundle again when its turn comes, so a
    // national batch never holds 38,000 open bundles.
    let declared: Vec<Option<(String, String)>> = pool.install(|| {
        entries
            .par_iter()
            .map(|e| {
                guard(|| open_bundle(&e.path))
                    .ok()
                    .map(|b| (b.header.ruleset, b.header.unit))
            })
            .collect()
    });
    // A bundle's verdict file is named after its folder or its 单位; a file no bundle uses is
    // named in a warning (it would otherwise vanish with its 3.4 score and 调整).
    let verdict_files: Vec<Option<PathBuf>> = entries
        .iter()
        .zip(&declared)
        .map(|(e, d)| {
            let unit = d.as_ref().map(|(_, unit)| unit.as_str());
            verdict_file(args.verdicts_dir.as_deref(), &e.name, unit)
        })
        .collect();
    let first_declared = majority(declared.iter().flatten().map(|(id, _)| id.as_str()));
    drop(declared);

    let mut warnings = match &args.verdicts_dir {
        Some(dir) => {
            let used: Vec<PathBuf> = verdict_files.iter().flatten().cloned().collect();
            unused_verdict_files(dir, &used)
        }
        None => Vec::new(),
    };
    let mut failed = Vec::new();
    let mut tally = batch::Tally::new(&[]);
    let summary_note = (matches!(format, Format::Xlsx | Format::Html)
        && entries.len() > args.detail_limit)
        .then(|| summary_note(entries.len(), args.detail_limit));
    let mut sink = Sink::new(format, args.output.as_deref(), summary_note)?;
    let bar = progress(entries.len());
    match first_declared {
        None => {
            for e in &entries {
                if let Err(fatal) = guard(|| open_bundle(&e.path)) {
                    failed.push(Failed {
                        bundle: e.name.clone(),
                        error: describe(&fatal),
                    });
                }
            }
        }
        Some(declared) => {
            // With --rules every bundle is scored against it, and each whose 考核指标 differs is
            // named once (as `kaohe score` does); without it, the 考核指标 most bundles declare
            // decides, so one township's typo fails that township, not the county.
            let (rules, calendar) =
                batch_rules(args.rules.as_deref(), &declared, &args.calendar.calendar)?;
            tally = batch::Tally::new(&grade_names(&rules));
            // Phase 2: score a chunk in parallel, hand the results over in the bundles' order
            // (so the output is the same on any number of threads), keep only what ranking
            // needs, spool or stream the rest, go on with the next chunk.
            for (chunk, verdicts) in entries.chunks(CHUNK).zip(verdict_files.chunks(CHUNK)) {
                let scored: Vec<(Result<Scored, Failed>, Option<String>)> = pool.install(|| {
                    chunk
                        .par_iter()
                        .zip(verdicts)
                        .map(|(e, verdicts)| {
                            let out = score_entry(
                                e,
                                verdicts.as_deref(),
                                args,
                                &rules,
                                &calendar,
                                limits,
                                &sink,
                            );
                            bar.inc(1);
                            out
                        })
                        .collect()
                });
                for (result, note) in scored {
                    warnings.extend(note);
                    match result {
                        Ok(mut s) => {
                            sink.take(&mut s)?;
                            tally.add_counted(s.counted);
                        }
                        Err(f) => failed.push(f),
                    }
                }
            }
        }
    }
    bar.finish_and_clear();

    let scored = tally.len();
    let (mut report, positions) = tally.finish(failed);

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
    sink.finish(&mut report, &positions, &opts)?;

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

/// One scored township, reduced on the thread that scored it: what the tally keeps, and what
/// the output format needs of the whole assessment (its rendered text, or the assessment
/// itself for a format that lays out every township).
struct Scored {
    counted: batch::Counted,
    rendered: Option<String>,
    full: Option<Assessment>,
}

/// Open, load and score one bundle within its limits.
fn score_entry(
    e: &Entry,
    verdicts: Option<&Path>,
    args: &BatchArgs,
    rules: &RuleSet,
    calendar: &Calendar,
    limits: Limits,
    sink: &Sink,
) -> (Result<Scored, Failed>, Option<String>) {
    budget::start(limits);
    let (result, note) = score_opened(
        &e.name,
        guard(|| open_bundle(&e.path)),
        verdicts.map(|p| VerdictInput::File(p.to_path_buf())),
        rules,
        args.rules.is_some(),
        calendar,
    );
    let result = match (result, budget::stop()) {
        (_, Some(cut)) => Err(cli_error(CliCode::BundleLimit, limit_message(cut, args))),
        (r, None) => r,
    };
    let result = result
        .map(|a| Scored {
            counted: batch::Counted::of(&a),
            rendered: sink.render(&a),
            full: sink.keeps_assessments().then_some(a),
        })
        .map_err(|fatal| Failed {
            bundle: e.name.clone(),
            error: describe(&fatal),
        });
    (result, note)
}

/// The batch's rule set (`--rules`, else the 考核指标 most bundles declare) and calendar.
fn batch_rules(
    rules_spec: Option<&str>,
    declared: &str,
    calendars: &[PathBuf],
) -> Result<(RuleSet, Calendar), Fatal> {
    let rules = match rules_spec {
        Some(spec) => rule_loader::compile(&rule_files(spec)?)?,
        None => resolve_rules(None, declared)?,
    };
    let calendar = load_calendar(calendars, &rules)?;
    Ok((rules, calendar))
}

/// The rule set's grade bands, highest first, then its veto grade when that is not one of them.
fn grade_names(rules: &RuleSet) -> Vec<String> {
    let mut names: Vec<String> = rules.grades.iter().map(|g| g.name.clone()).collect();
    if !names.contains(&rules.veto_grade) {
        names.push(rules.veto_grade.clone());
    }
    names
}

/// Score one bundle of a batch: the one place a batch decides about a bundle whose 考核指标
/// differs from the batch's (with `--rules`, `forced`, it is scored and named in a note;
/// without, it fails alone), for `kaohe batch` and the ranking of `kaohe serve`.
fn score_opened(
    name: &str,
    opened: Result<OpenBundle, Fatal>,
    verdicts: Option<VerdictInput>,
    rules: &RuleSet,
    forced: bool,
    calendar: &Calendar,
) -> (Result<Assessment, Fatal>, Option<String>) {
    let mut note = None;
    let result = opened.and_then(|b| {
        if b.header.ruleset != rules.id {
            if !forced {
                return Err(cli_error(
                    CliCode::BatchMixedRulesets,
                    format!(
                        "考核指标为 {}，而本批次按多数材料所写的 {} 评分；请核对考核指标，或用 --rules 指定",
                        b.header.ruleset, rules.id
                    ),
                ));
            }
            note = Some(format!(
                "材料 {} 的考核指标为 {}，按 --rules 所指的 {} 评分",
                name, b.header.ruleset, rules.id
            ));
        }
        guard(|| score_bundle(b, rules, verdicts, calendar))
    });
    (result, note)
}

/// One bundle `kaohe serve` ranks: already opened (a stored upload), with its verdicts.
pub(crate) struct Item {
    pub name: String,
    pub opened: Result<OpenBundle, Fatal>,
    pub verdicts: Option<VerdictInput>,
}

/// Rank a county's bundles held by `kaohe serve` (tens, not thousands: every assessment is
/// kept for the HTML and XLSX reports), with the same rule-set choice, scoring and ranking as
/// `kaohe batch`.
pub(crate) fn score_items(
    items: Vec<Item>,
    rules_spec: Option<&str>,
    pool: &rayon::ThreadPool,
) -> Result<BatchReport, Fatal> {
    let declared = majority(
        items
            .iter()
            .filter_map(|i| i.opened.as_ref().ok())
            .map(|b| b.header.ruleset.as_str()),
    );
    let mut failed = Vec::new();
    let Some(declared) = declared else {
        for item in items {
            if let Err(fatal) = item.opened {
                failed.push(Failed {
                    bundle: item.name,
                    error: describe(&fatal),
                });
            }
        }
        return Ok(batch::Tally::new(&[]).finish(failed).0);
    };
    let (rules, calendar) = batch_rules(rules_spec, &declared, &[])?;
    let mut tally = batch::Tally::new(&grade_names(&rules));
    let scored: Vec<(String, Result<Assessment, Fatal>)> = pool.install(|| {
        items
            .into_par_iter()
            .map(|item| {
                let (result, _) = score_opened(
                    &item.name,
                    item.opened,
                    item.verdicts,
                    &rules,
                    rules_spec.is_some(),
                    &calendar,
                );
                (item.name, result)
            })
            .collect()
    });
    let mut assessments = Vec::new();
    for (name, result) in scored {
        match result {
            Ok(a) => {
                tally.add(&a);
                assessments.push(Some(a));
            }
            Err(fatal) => failed.push(Failed {
                bundle: name,
                error: describe(&fatal),
            }),
        }
    }
    let (mut report, positions) = tally.finish(failed);
    report.assessments = positions
        .iter()
        .filter_map(|&i| assessments.get_mut(i).and_then(Option::take))
        .collect();
    Ok(report)
}

/// What a summarizing XLSX or HTML says about the townships it leaves out.
fn summary_note(bundles: usize, limit: usize) -> String {
    format!(
        "本批次共 {bundles} 份材料，超过逐一列出明细的上限 {limit} 份（--detail-limit）：为控制内存和文件大小，本报告只列排名、等次统计和失分统计，不逐一列出各单位的评分明细。某一单位的明细可用 kaohe score 该单位的材料文件夹 -o 单位.html（或 .xlsx）生成；全部单位的明细见 kaohe batch 同一文件夹 --format json（或 --format jsonl）的输出。"
    )
}

fn limit_message(cut: budget::Cut, args: &BatchArgs) -> String {
    match cut {
        budget::Cut::Time => format!(
            "评分超过单份材料时间上限 {} 秒，已停止（材料过大或规则运算过多；可用 --limit-seconds 放宽）",
            args.limit_seconds
        ),
        budget::Cut::Memory => format!(
            "评分超过单份材料内存上限 {} MB，已停止（材料过大；可用 --limit-memory 放宽）",
            args.limit_memory
        ),
        other => super::pipeline::evaluation_limit_message(other),
    }
}

/// Where the batch's report goes while bundles are scored: what each format keeps of a
/// township, and how the report is written at the end. Only XLSX and HTML (which lay out every
/// township) keep whole assessments, up to `--detail-limit` bundles; above it they summarize
/// from the ranking data. JSON and Markdown spool each township's text to a scratch file and
/// copy it back in ranking order; JSON Lines writes each line as it comes; table and CSV list
/// the ranking only.
struct Sink {
    format: Format,
    output: Option<PathBuf>,
    keep: bool,
    /// The report file being written (JSON Lines) through its temporary file.
    staged: Option<Staged>,
    /// JSON Lines to standard output.
    stdout: bool,
    /// JSON: the scratch file and each township's (offset, length) in it, in name order.
    spool: Option<Spool>,
    assessments: Vec<Assessment>,
    /// XLSX or HTML of a batch above `--detail-limit`: the note its summary carries.
    summary: Option<String>,
}

impl Sink {
    fn new(format: Format, output: Option<&Path>, summary: Option<String>) -> Result<Sink, Fatal> {
        let keep = matches!(format, Format::Xlsx | Format::Html) && summary.is_none();
        let mut sink = Sink {
            format,
            output: output.map(Path::to_path_buf),
            keep,
            staged: None,
            stdout: false,
            spool: None,
            assessments: Vec::new(),
            summary,
        };
        match format {
            Format::Jsonl => match output {
                Some(path) => sink.staged = Some(Staged::report(path)?),
                None => sink.stdout = true,
            },
            Format::Json | Format::Md => {
                let dir = match output.and_then(Path::parent) {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    Some(_) => PathBuf::from("."),
                    None => std::env::temp_dir(),
                };
                sink.spool = Some((Staged::scratch(&dir, "batch")?, Vec::new(), 0));
            }
            _ => {}
        }
        Ok(sink)
    }

    fn keeps_assessments(&self) -> bool {
        self.keep
    }

    /// The text of one township this format writes before the end (on the scoring thread).
    fn render(&self, a: &Assessment) -> Option<String> {
        match self.format {
            Format::Json => Some(json::batch_item(a)),
            Format::Md => Some(md::batch_item(a)),
            Format::Jsonl => Some(json::line(a)),
            _ => None,
        }
    }

    /// Take one township's output, in the bundles' name order.
    fn take(&mut self, s: &mut Scored) -> Result<(), Fatal> {
        if let Some(a) = s.full.take() {
            self.assessments.push(a);
        }
        if let Some(text) = &s.rendered {
            if let Some((file, items, at)) = &mut self.spool {
                file.write_all(text.as_bytes())?;
                items.push((*at, text.len()));
                *at += text.len() as u64;
            } else if let Some(staged) = &mut self.staged {
                staged.write_all(text.as_bytes())?;
            } else if self.stdout {
                let mut out = std::io::stdout().lock();
                // A closed pipe (kaohe … | head) is not an error worth a panic.
                let _ = out.write_all(text.as_bytes());
            }
        }
        Ok(())
    }

    /// Write the report: `positions` gives, in ranking order, each township's position in the
    /// order they were taken.
    fn finish(
        mut self,
        report: &mut BatchReport,
        positions: &[usize],
        opts: &Options,
    ) -> Result<(), Fatal> {
        let stamp = opts.stamp.as_deref();
        match self.format {
            Format::Json | Format::Md => {
                let (mut spool, items, _) = self.spool.take().expect("JSON and Markdown spool");
                spool.flush()?;
                // The document around the townships' texts, and what goes between two.
                let (head, sep, tail) = if self.format == Format::Json {
                    let (head, tail) = json::batch_frame(report, stamp, positions.len());
                    (head, ",\n", tail)
                } else {
                    (md::render_batch(report), "", stamp_suffix(stamp))
                };
                let mut out = Out::open(self.output.as_deref())?;
                out.write(head.as_bytes())?;
                let mut file = File::open(spool.path()).map_err(|e| spool_error(&e))?;
                let mut buf = Vec::new();
                for (n, &i) in positions.iter().enumerate() {
                    let (at, len) = items[i];
                    buf.resize(len, 0);
                    file.seek(SeekFrom::Start(at))
                        .and_then(|_| file.read_exact(&mut buf))
                        .map_err(|e| spool_error(&e))?;
                    if n > 0 {
                        out.write(sep.as_bytes())?;
                    }
                    out.write(&buf)?;
                }
                out.write(tail.as_bytes())?;
                out.commit()
            }
            Format::Jsonl => {
                let line = json::summary_line(report, stamp);
                match self.staged.take() {
                    Some(mut staged) => {
                        staged.write_all(line.as_bytes())?;
                        staged.commit()
                    }
                    None => emit(line.as_bytes(), None),
                }
            }
            Format::Xlsx | Format::Html if self.summary.is_some() => {
                let note = self.summary.as_deref().unwrap_or_default();
                let bytes = if self.format == Format::Xlsx {
                    xlsx::render_batch_summary(report, stamp, note)
                } else {
                    html::render_batch_summary(report, stamp, note).into_bytes()
                };
                emit(&bytes, self.output.as_deref())
            }
            _ => {
                if self.keep {
                    let mut slots: Vec<Option<Assessment>> =
                        self.assessments.drain(..).map(Some).collect();
                    report.assessments = positions
                        .iter()
                        .map(|&i| slots[i].take().expect("each township ranked once"))
                        .collect();
                }
                emit(
                    &self.format.render_batch(report, opts),
                    self.output.as_deref(),
                )
            }
        }
    }
}

fn spool_error(e: &std::io::Error) -> Fatal {
    cli_error(
        CliCode::OutputUnwritable,
        format!(
            "无法读写临时文件（用于汇总大批量结果）：{}",
            crate::diag::os_error(e)
        ),
    )
}

/// JSON: the scratch file, each township's (offset, length) in it in name order, and its
/// length so far.
type Spool = (Staged, Vec<(u64, usize)>, u64);

/// The report's destination: `-o FILE` through its temporary file, else standard output.
enum Out {
    File(Staged),
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
}

impl Out {
    fn open(path: Option<&Path>) -> Result<Out, Fatal> {
        Ok(match path {
            Some(p) => Out::File(Staged::report(p)?),
            None => Out::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout().lock(),
            )),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Fatal> {
        match self {
            Out::File(f) => f.write_all(bytes),
            Out::Stdout(w) => {
                // A closed pipe (kaohe … | head) is not an error worth a panic.
                let _ = w.write_all(bytes);
                Ok(())
            }
        }
    }

    fn commit(self) -> Result<(), Fatal> {
        match self {
            Out::File(f) => f.commit(),
            Out::Stdout(mut w) => {
                let _ = w.flush();
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_fails_one_bundle_not_the_batch() {
        let out: Result<(), Fatal> = guard(|| panic!("boom"));
        let fatal = out.unwrap_err();
        assert_eq!(fatal.problems[0].code, CliCode::InternalError);
        assert!(fatal.problems[0].message.contains("boom"));
    }

    #[test]
    fn majority_rule_set_with_first_seen_on_a_tie() {
        assert_eq!(majority(["a", "b", "b"].into_iter()), Some("b".into()));
        assert_eq!(majority(["a", "b"].into_iter()), Some("a".into()));
        assert_eq!(majority(std::iter::empty()), None);
    }
}
