//! The steps every command that scores a bundle shares: open it, refuse an output inside it,
//! resolve and compile the rule set, read the calendar, check the year, validate the verdict
//! file, load the evidence. `score`, `batch`, `explain`, `precheck`, `selfreport` and
//! `rules test` all go through here, so a township scores the same whichever command asks.

use crate::diag::{CalendarCode, CliCode};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{cli_error, resolve_rules};
use crate::calendar::Calendar;
use crate::diag::{Fatal, Problem, os_error};
use crate::load::inputs::CalendarFileError;
use crate::load::{OpenBundle, open_bundle, verdicts};
use crate::model::assessment::Assessment;
use crate::model::evidence::Evidence;
use crate::model::ruleset::RuleSet;
use crate::model::verdicts::Verdicts;
use crate::score;

/// Where an evaluator's verdicts come from: a verdict file (`--verdicts`), or the same text
/// received by `kaohe serve` (`label` names it in messages and in the report).
pub(crate) enum VerdictInput {
    File(PathBuf),
    Text { label: String, text: String },
}

/// A bundle loaded with its rule set, calendar and verdicts, ready to score.
pub(crate) struct Loaded {
    /// The rule set as it applies to this bundle (its unit type's points, when they differ).
    pub rules: Arc<RuleSet>,
    pub evidence: Evidence,
    pub calendar: Calendar,
    pub verdicts: Option<Verdicts>,
}

impl Loaded {
    /// The assessment `kaohe score` prints, within the evaluation limits.
    pub(crate) fn score(&self) -> Result<Assessment, Fatal> {
        self.score_as_of(None)
    }

    /// The assessment as of a day (`kaohe precheck`), within the evaluation limits.
    pub(crate) fn score_as_of(
        &self,
        as_of: Option<jiff::civil::Date>,
    ) -> Result<Assessment, Fatal> {
        within_limits(&self.rules, || {
            score::score_as_of(
                &self.rules,
                &self.evidence,
                self.verdicts.as_ref(),
                &self.calendar,
                as_of,
            )
        })
    }
}

/// Run `f` (scoring or tracing one bundle) under the single-bundle limits
/// (`budget::Limits::SINGLE`): a rule that evaluates without end, or builds a value without
/// bound, stops the command with a message naming the rule set and the limit (exit 2) rather
/// than printing a score computed from a half-evaluated rule.
pub(crate) fn within_limits<T>(rules: &RuleSet, f: impl FnOnce() -> T) -> Result<T, Fatal> {
    crate::budget::start(crate::budget::Limits::SINGLE);
    let out = f();
    match crate::budget::stop() {
        None => Ok(out),
        Some(cut) => Err(Fatal::one(Problem::error(
            format!("规则集 {}", rules.id),
            CliCode::EvaluationLimit,
            format!("评分时{}", evaluation_limit_message(cut)),
        ))),
    }
}

/// What a limit hit while evaluating means, in words.
pub(crate) fn evaluation_limit_message(cut: crate::budget::Cut) -> String {
    use crate::budget::{Cut, EVALUATION_STEPS, Limits, MAX_VALUE_LEN};
    match cut {
        Cut::Steps => format!(
            "规则运算超过 {EVALUATION_STEPS} 步的上限，已停止：某条规则的运算量过大（例如嵌套的 range 或对大台账的多重遍历），请用 kaohe rules check 检查规则集"
        ),
        Cut::Size => format!(
            "某条规则用 + 拼出的文字或清单超过 {} MB（{MAX_VALUE_LEN} 个字节或元素）的上限，已停止，请检查规则集",
            MAX_VALUE_LEN >> 20
        ),
        Cut::Time => format!(
            "评分超过时间上限 {} 秒，已停止（材料过大或规则运算过多）",
            Limits::SINGLE.time.as_secs()
        ),
        Cut::Memory => format!(
            "评分超过内存上限 {} MB，已停止（材料过大）",
            Limits::SINGLE.memory_bytes >> 20
        ),
    }
}

/// Open `bundle` and load everything needed to score it. `output` (the `-o` path) is refused
/// when it lies inside the bundle, before anything is read.
pub(crate) fn load(
    input: &super::BundleArgs,
    calendars: &[PathBuf],
    output: Option<&Path>,
) -> Result<Loaded, Fatal> {
    let verdicts = input.verdicts.as_deref();
    let bundle = open_bundle(&input.bundle)?;
    if let Some(out) = output {
        let mut protected: Vec<(&Path, &str)> = vec![(&bundle.root, "材料目录")];
        protected.extend(verdicts.map(|v| (v, "评分文件")));
        protected.extend(calendars.iter().map(|c| (c.as_path(), "日历文件")));
        check_output(out, &protected)?;
    }
    load_opened(
        bundle,
        input.rules.as_deref(),
        verdicts.map(|p| VerdictInput::File(p.to_path_buf())),
        calendars,
    )
}

/// `load` for a bundle already opened (a folder, or a .zip received by `kaohe serve`).
pub(crate) fn load_opened(
    bundle: OpenBundle,
    rules: Option<&str>,
    verdicts: Option<VerdictInput>,
    calendars: &[PathBuf],
) -> Result<Loaded, Fatal> {
    let base = resolve_rules(rules, &bundle.header.ruleset)?;
    let calendar = load_calendar(calendars, &base)?;
    let (unit, evidence, verdicts) = prepare(bundle, &base, verdicts)?;
    let rules = match unit {
        Some(variant) => Arc::clone(variant),
        None => Arc::new(base),
    };
    Ok(Loaded {
        rules,
        evidence,
        calendar,
        verdicts,
    })
}

/// What `prepare` returns: the unit type's compilation (when the rule set has them), the
/// evidence, the verdicts.
pub(crate) type Prepared<'r> = (Option<&'r Arc<RuleSet>>, Evidence, Option<Verdicts>);

/// For an opened bundle and a compiled rule set: the year check, the evidence, the rule set's
/// compilation for the bundle's unit type (`Some` when its points depend on one), the verdict
/// file (checked against that compilation's points).
pub(crate) fn prepare(
    bundle: OpenBundle,
    base: &RuleSet,
    verdicts: Option<VerdictInput>,
) -> Result<Prepared<'_>, Fatal> {
    let rules = base;
    if bundle.header.year != i32::from(rules.year) {
        return Err(Fatal::one(Problem::error(
            "bundle.yaml",
            CliCode::YearMismatch,
            format!(
                "材料的考核年度为 {}，而规则集 {} 的年度为 {}；请核对 bundle.yaml 的 考核年度 或改用对应年度的规则集",
                bundle.header.year, rules.id, rules.year
            ),
        )));
    }
    let unit_name = bundle.header.unit.clone();
    let evidence = bundle.load(&rules.evidence);
    let variant = rules.for_unit(&evidence).map_err(Fatal::one)?;
    let rules: &RuleSet = variant.map_or(rules, |v| v);
    let unit = &unit_name;
    let verdicts = verdicts
        .map(|input| match input {
            VerdictInput::File(path) => verdicts::load(&path, rules, unit),
            VerdictInput::Text { label, text } => {
                verdicts::parse(&label, text.into_bytes(), rules, unit)
            }
        })
        .transpose()?;
    Ok((variant, evidence, verdicts))
}

/// Score one opened bundle against an already compiled rule set (`kaohe batch`).
pub(crate) fn score_bundle(
    bundle: OpenBundle,
    rules: &RuleSet,
    verdicts: Option<VerdictInput>,
    calendar: &Calendar,
) -> Result<Assessment, Fatal> {
    let (variant, evidence, verdicts) = prepare(bundle, rules, verdicts)?;
    let rules: &RuleSet = variant.map_or(rules, |v| v);
    Ok(score::score(rules, &evidence, verdicts.as_ref(), calendar))
}

/// The built-in holiday calendar, plus the rule set's own (`calendar:`), plus any `--calendar`
/// files, later ones winning on the same date.
pub(crate) fn load_calendar(files: &[PathBuf], rules: &RuleSet) -> Result<Calendar, Fatal> {
    let mut calendar = Calendar::builtin();
    calendar.merge(rules.calendar.clone());
    for file in files {
        let extra = crate::load::inputs::read_calendar(file).map_err(|e| match e {
            CalendarFileError::Unreadable(e) => cli_error(
                CalendarCode::Unreadable,
                format!(
                    "无法读取日历文件 {}：{}",
                    file.display(),
                    crate::diag::os_error(&e)
                ),
            ),
            CalendarFileError::Invalid(problems) => Fatal { problems },
        })?;
        calendar.merge(extra);
    }
    Ok(calendar)
}

/// Refuse an `-o` path that would write into an input: a path inside (or equal to) one of the
/// `protected` paths (a bundle folder or zip, the verdict file, a calendar file), a symlink
/// (a dangling one may point into a bundle; kaohe does not follow links to write), or an
/// existing file with more than one hard link (it may be a ledger of a bundle under another
/// name). kaohe never writes into a bundle or an input.
pub(crate) fn check_output(output: &Path, protected: &[(&Path, &str)]) -> Result<(), Fatal> {
    let refuse = |why: String| {
        Err(cli_error(
            CliCode::OutputInsideBundle,
            format!(
                "输出文件 {} {why}；kaohe 不改写报送材料或任何输入文件，请换一个位置",
                output.display()
            ),
        ))
    };
    if let Ok(meta) = std::fs::symlink_metadata(output) {
        if meta.file_type().is_symlink() {
            return refuse("是一个符号链接（kaohe 不通过链接写入）".to_string());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if meta.is_file() && meta.nlink() > 1 {
                return refuse(format!(
                    "已存在且有{}个硬链接，可能是报送材料中的文件",
                    meta.nlink()
                ));
            }
        }
    }
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = parent.canonicalize().map_err(|e| {
        cli_error(
            CliCode::OutputUnwritable,
            format!(
                "输出目录 {} 不可用：{}",
                parent.display(),
                crate::diag::os_error(&e)
            ),
        )
    })?;
    let target = match output.file_name() {
        Some(name) => parent.join(name),
        None => parent,
    };
    let target = target.canonicalize().unwrap_or(target);
    for (path, what) in protected {
        let Ok(path) = path.canonicalize() else {
            continue;
        };
        if target.starts_with(&path) {
            return refuse(if target == path {
                format!("就是{what} {}", path.display())
            } else {
                format!("位于{what} {} 内", path.display())
            });
        }
    }
    Ok(())
}

/// Write the report to `-o FILE`, else to standard output. A write that fails (disk full,
/// `> /dev/full`) is an error (exit 2); a closed pipe (`kaohe … | head`) is not: the reader
/// chose to stop, so kaohe stops quietly (docs/decisions.md, issue 12).
pub(crate) fn emit(bytes: &[u8], output: Option<&Path>) -> Result<(), Fatal> {
    match output {
        Some(path) => super::output::write_file(path, bytes),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Fatal::one(Problem::error(
                        "标准输出",
                        CliCode::OutputUnwritable,
                        format!("写入失败：{}", os_error(&e)),
                    )))
                }
                _ => Ok(()),
            }
        }
    }
}
