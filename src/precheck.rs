//! The township's pre-check: an assessment scored as of a day → a ranked to-do list. Pure: no
//! IO, no clock (the CLI picks the as-of day).
//!
//! What it adds to the assessment, never recomputing a score:
//! - every indicator that loses points, largest first, with its findings, fix text and the
//!   dates that matter (annual-report deadline, reply due dates, months with no publication);
//! - missing evidence, data problems;
//! - the points still recoverable honestly before the submission date: missing documents and
//!   records, the annual report before its deadline, replies to pending applications. Rows are
//!   never added to a past year's ledger, so indicators counted from ledger rows are not
//!   recoverable.
//!
//! The ledger and column names read here (台账.依申请 收件日期/答复日期/是否延期/征求意见工作日,
//! 发布日期, 栏目, 文档.年度报告) are those of bundle-spec.md, the bundle contract; the deadlines
//! come from the rule set's params (年报截止, 答复时限, 延期答复时限) when it has them.

use std::collections::BTreeSet;

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::diag::Problem;
use crate::expr::value::Value;
use crate::model::assessment::{
    Assessment, EvidenceRef, Finding, IndicatorResult, RulesetInfo, Status, Total, points,
};
use crate::model::evidence::Evidence;
use crate::model::ruleset::{RuleSet, Source};

pub const SCHEMA: &str = "kaohe.precheck/1";

/// The ledger of applications (bundle-spec.md), whose pending rows have due dates.
const APPLICATIONS: &str = "依申请";
/// The document whose publication has a deadline (param 年报截止).
const ANNUAL_REPORT: &str = "年度报告";

#[derive(Debug, Clone, Serialize)]
pub struct Precheck {
    pub schema: &'static str,
    pub ruleset: RulesetInfo,
    pub unit: String,
    pub bundle: String,
    /// The day periods are counted up to and deadlines are measured from.
    pub as_of: String,
    /// The bundle's 报送日期.
    pub submitted: String,
    pub total: Total,
    /// Points lost on the base score: `total.max − total.base`, and the sum of `todo[].at_stake`.
    #[serde(serialize_with = "points")]
    pub at_stake: Decimal,
    /// Base indicators that lose points, largest first (rule-set order among equals).
    pub todo: Vec<Todo>,
    /// Bonus indicators not at full points (加分 never counts as points lost).
    pub bonus: Vec<Todo>,
    /// In-year applications without a (valid) reply, with their due dates.
    pub applications: Vec<Application>,
    pub missing: Vec<MissingEvidence>,
    pub problems: Vec<Problem>,
    #[serde(serialize_with = "points")]
    pub recoverable_total: Decimal,
    pub recoverable: Vec<Recovery>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Todo {
    pub id: String,
    pub name: String,
    pub group: String,
    #[serde(serialize_with = "points")]
    pub max: Decimal,
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    #[serde(serialize_with = "points")]
    pub at_stake: Decimal,
    pub status: Status,
    pub findings: Vec<Finding>,
    pub fix: String,
    pub dates: Vec<KeyDate>,
}

/// A date that matters for an indicator; `date` is null when it cannot be known (a year the
/// working-day calendar does not cover), and `note` says why.
#[derive(Debug, Clone, Serialize)]
pub struct KeyDate {
    pub what: String,
    pub date: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub evidence: EvidenceRef,
    pub received: Option<String>,
    /// 答复期限 in working days (20, 40 when extended, plus 征求意见工作日).
    pub limit: u32,
    /// The limit-th working day after 收件日期; null when unknown.
    pub due: Option<String>,
    /// `overdue` (due before the as-of day, or no 收件日期), `open`, or `unknown`.
    pub state: &'static str,
    /// Whether `score` deducts it: the due date falls before 报送日期.
    pub deducted: bool,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissingEvidence {
    /// The indicators scored 缺材料 because of it (empty for a named file no indicator needs).
    pub indicators: Vec<String>,
    pub what: String,
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "points")]
    pub points: Decimal,
    pub action: String,
    /// The last day it can be done.
    pub by: String,
}

/// Build the pre-check from an assessment scored as of `as_of` (`score::score_as_of`).
pub fn precheck(
    assessment: &Assessment,
    rules: &RuleSet,
    evidence: &Evidence,
    calendar: &Calendar,
    as_of: Date,
) -> Precheck {
    let submitted = evidence.header.submitted;
    let applications = pending_applications(rules, evidence, calendar, as_of);
    let deadline = param_date(rules, "年报截止");

    let mut todo = Vec::new();
    let mut bonus = Vec::new();
    for ind in &assessment.indicators {
        let lost = ind.max - ind.score;
        if lost <= Decimal::ZERO && ind.status != Status::Manual {
            continue;
        }
        let rule = rules.indicator(&ind.id);
        let source = rule.map(|i| &i.source);
        let measure = rule.map_or("", |i| i.measure.as_str());
        let item = Todo {
            id: ind.id.clone(),
            name: ind.name.clone(),
            group: ind.group.clone(),
            max: ind.max,
            score: ind.score,
            at_stake: lost.normalize(),
            status: ind.status,
            findings: ind.findings.clone(),
            fix: ind.fix.clone(),
            dates: key_dates(
                ind,
                source,
                measure,
                evidence,
                &applications,
                deadline,
                as_of,
            ),
        };
        if ind.bonus {
            bonus.push(item);
        } else {
            todo.push(item);
        }
    }
    // Stable: equal stakes keep the rule-set order.
    todo.sort_by_key(|t| std::cmp::Reverse(t.at_stake));
    bonus.sort_by_key(|t| std::cmp::Reverse(t.at_stake));
    let at_stake: Decimal = todo.iter().map(|t| t.at_stake).sum();

    let recoverable: Vec<Recovery> = todo
        .iter()
        .filter_map(|t| {
            recovery(
                t,
                rules,
                evidence,
                &applications,
                deadline,
                as_of,
                submitted,
            )
        })
        .collect();
    let recoverable_total = recoverable.iter().map(|r| r.points).sum::<Decimal>();

    Precheck {
        schema: SCHEMA,
        ruleset: assessment.ruleset.clone(),
        unit: assessment.unit.clone(),
        bundle: assessment.bundle.clone(),
        as_of: as_of.to_string(),
        submitted: submitted.to_string(),
        total: assessment.total.clone(),
        at_stake: at_stake.normalize(),
        todo,
        bonus,
        applications,
        missing: missing_evidence(assessment),
        problems: assessment.problems.clone(),
        recoverable_total: recoverable_total.normalize(),
        recoverable,
    }
}

fn param<'a>(rules: &'a RuleSet, name: &str) -> Option<&'a Value> {
    rules.params.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn param_date(rules: &RuleSet, name: &str) -> Option<Date> {
    param(rules, name).and_then(Value::as_date)
}

fn param_days(rules: &RuleSet, name: &str, default: u32) -> u32 {
    param(rules, name)
        .and_then(Value::as_num)
        .and_then(|n| n.trunc().to_u32())
        .unwrap_or(default)
}

fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// In-year applications (or with an empty 收件日期) without a valid reply: a reply dated
/// before receipt or after 报送日期 is no reply (indicators.md 2.2).
fn pending_applications(
    rules: &RuleSet,
    evidence: &Evidence,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Application> {
    let Some(ledger) = evidence.ledgers.get(APPLICATIONS) else {
        return Vec::new();
    };
    let year = i32::from(rules.year);
    let submitted = evidence.header.submitted;
    let normal = param_days(rules, "答复时限", 20);
    let extended = param_days(rules, "延期答复时限", 40);
    let mut out = Vec::new();
    for (i, row) in ledger.rows.iter().enumerate() {
        let received = ledger.cell(i, "收件日期").as_date();
        if received.is_some_and(|d| i32::from(d.year()) != year) {
            continue;
        }
        let reply = ledger.cell(i, "答复日期").as_date();
        let valid = matches!((received, reply), (Some(r), Some(a)) if a >= r && a <= submitted);
        if valid {
            continue;
        }
        let extra = ledger
            .cell(i, "征求意见工作日")
            .as_num()
            .and_then(|n| n.trunc().to_u32())
            .unwrap_or(0);
        let base = if ledger.cell(i, "是否延期").as_bool() == Some(true) {
            extended
        } else {
            normal
        };
        let limit = base + extra;
        let evidence_ref = EvidenceRef {
            file: ledger.file.clone(),
            sheet: ledger.sheet.clone(),
            row: Some(row.number),
        };
        let app = match received {
            None => Application {
                evidence: evidence_ref,
                received: None,
                limit,
                due: None,
                state: "overdue",
                deducted: true,
                note: "收件日期为空，无法证明按时答复，按逾期计".to_string(),
            },
            Some(r) => match calendar.add_workdays(r, i64::from(limit)) {
                Err(missing) => Application {
                    evidence: evidence_ref,
                    received: Some(r.to_string()),
                    limit,
                    due: None,
                    state: "unknown",
                    // 2.2 counts an uncomputable due date as overdue.
                    deducted: true,
                    note: format!(
                        "期限届满日未知：工作日日历未覆盖{}年，请以 --calendar 补充该年的节假日安排",
                        missing.0
                    ),
                },
                Ok(due) => {
                    let overdue = due < as_of;
                    let note = if overdue {
                        format!("已于{due}届满，未答复")
                    } else {
                        match calendar.workdays_between(as_of, due) {
                            Ok(0) => "今日届满，请当日答复".to_string(),
                            Ok(n) => format!("距届满还有{n}个工作日，请在{due}前答复"),
                            Err(_) => format!("请在{due}前答复"),
                        }
                    };
                    Application {
                        evidence: evidence_ref,
                        received: Some(r.to_string()),
                        limit,
                        due: Some(due.to_string()),
                        state: if overdue { "overdue" } else { "open" },
                        deducted: due < submitted,
                        note,
                    }
                }
            },
        };
        out.push(app);
    }
    out
}

fn key_dates(
    ind: &IndicatorResult,
    source: Option<&Source>,
    measure: &str,
    evidence: &Evidence,
    applications: &[Application],
    deadline: Option<Date>,
    as_of: Date,
) -> Vec<KeyDate> {
    let mut dates = Vec::new();
    match source {
        Some(Source::Document(doc)) if doc == ANNUAL_REPORT => {
            if let Some(deadline) = deadline {
                let n = days_between(as_of, deadline);
                let note = if n >= 0 {
                    format!("距截止还有{n}天")
                } else {
                    format!("已过截止日期{}天", -n)
                };
                dates.push(KeyDate {
                    what: "年度报告公开截止日期".to_string(),
                    date: Some(deadline.to_string()),
                    note,
                });
            }
            if let Some(published) = report_date(evidence) {
                dates.push(KeyDate {
                    what: "年度报告填报的发布日期".to_string(),
                    date: Some(published.to_string()),
                    note: if published > as_of {
                        "尚未到发布日期".to_string()
                    } else {
                        "已发布".to_string()
                    },
                });
            }
        }
        Some(Source::Ledger(ledger)) if ledger == APPLICATIONS => {
            for app in applications {
                dates.push(KeyDate {
                    what: format!(
                        "第{}行申请（收件日期{}）答复期限{}个工作日的届满日",
                        app.evidence.row.unwrap_or_default(),
                        app.received.as_deref().unwrap_or("空"),
                        app.limit
                    ),
                    date: app.due.clone(),
                    note: app.note.clone(),
                });
            }
        }
        Some(Source::Ledger(ledger)) => {
            if let Some(d) = months_without(ind, ledger, evidence, as_of) {
                dates.push(d);
            } else if let Some(d) = quarters_without(ind, measure, ledger, evidence, as_of) {
                dates.push(d);
            }
        }
        _ => {}
    }
    dates
}

fn report_date(evidence: &Evidence) -> Option<Date> {
    let doc = evidence.documents.get(ANNUAL_REPORT)?;
    doc.fields
        .iter()
        .find(|(k, _)| &**k == "发布日期")
        .and_then(|(_, v)| v.as_date())
}

/// The months of the year (up to the as-of day) with no row like those the findings cite: of
/// the same 栏目 when the ledger has one (工作动态), else any row (新媒体发布). Only for ledgers
/// with a 发布日期 column, and only when the cited rows share one 栏目.
fn months_without(
    ind: &IndicatorResult,
    ledger_name: &str,
    evidence: &Evidence,
    as_of: Date,
) -> Option<KeyDate> {
    let ledger = evidence.ledgers.get(ledger_name)?;
    ledger.column_index("发布日期")?;
    // A finding about one row (a late document, a missing element) is not about periods.
    if ind.findings.iter().all(|f| f.evidence.len() <= 1) {
        return None;
    }
    let year = evidence.header.year;
    let cited: BTreeSet<u32> = ind
        .findings
        .iter()
        .flat_map(|f| &f.evidence)
        .filter(|e| e.file == ledger.file)
        .filter_map(|e| e.row)
        .collect();
    let has_column = ledger.column_index("栏目").is_some();
    let rows: Vec<usize> = (0..ledger.rows.len()).collect();
    let column_value = |i: usize| ledger.cell(i, "栏目").as_text().map(str::to_string);
    let filter: Option<String> = if has_column {
        let values: BTreeSet<Option<String>> = rows
            .iter()
            .filter(|&&i| cited.contains(&ledger.rows[i].number))
            .map(|&i| column_value(i))
            .collect();
        match values.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(v)] => Some(v.clone()),
            _ => return None,
        }
    } else if ind.status == Status::Missing {
        return None;
    } else {
        None
    };
    let last_month = if i32::from(as_of.year()) > year {
        12
    } else if i32::from(as_of.year()) == year {
        as_of.month()
    } else {
        return None;
    };
    let published: BTreeSet<i8> = rows
        .iter()
        .filter(|&&i| filter.is_none() || column_value(i) == filter)
        .filter_map(|&i| ledger.cell(i, "发布日期").as_date())
        .filter(|d| i32::from(d.year()) == year)
        .map(|d| d.month())
        .collect();
    let empty: Vec<String> = (1..=last_month)
        .filter(|m| !published.contains(m))
        .map(|m| m.to_string())
        .collect();
    if empty.is_empty() {
        return None;
    }
    let what = match &filter {
        Some(v) => format!("{year}年没有“{v}”栏目发布的月份"),
        None => format!("{year}年没有发布的月份"),
    };
    Some(KeyDate {
        what,
        date: None,
        note: format!("{}月", empty.join("、")),
    })
}

/// The quarters of the year (up to the as-of day's) with no row of the 栏目 an indicator's
/// measure names (栏目为“会议通知”), for an indicator measured by quarters that loses points.
fn quarters_without(
    ind: &IndicatorResult,
    measure: &str,
    ledger_name: &str,
    evidence: &Evidence,
    as_of: Date,
) -> Option<KeyDate> {
    if !measure.contains("季度") || ind.status == Status::Missing {
        return None;
    }
    let column = measure
        .split_once("栏目为“")
        .and_then(|(_, rest)| rest.split_once('”'))
        .map(|(name, _)| name.to_string())?;
    let ledger = evidence.ledgers.get(ledger_name)?;
    ledger.column_index("发布日期")?;
    ledger.column_index("栏目")?;
    let year = evidence.header.year;
    let last_quarter = match i32::from(as_of.year()).cmp(&year) {
        std::cmp::Ordering::Greater => 4,
        std::cmp::Ordering::Equal => (as_of.month() - 1) / 3 + 1,
        std::cmp::Ordering::Less => return None,
    };
    let covered: BTreeSet<i8> = (0..ledger.rows.len())
        .filter(|&i| ledger.cell(i, "栏目").as_text() == Some(column.as_str()))
        .filter_map(|i| ledger.cell(i, "发布日期").as_date())
        .filter(|d| i32::from(d.year()) == year)
        .map(|d| (d.month() - 1) / 3 + 1)
        .collect();
    let empty: Vec<String> = (1..=last_quarter)
        .filter(|q| !covered.contains(q))
        .map(|q| format!("第{q}季度（{}-{}月）", (q - 1) * 3 + 1, q * 3))
        .collect();
    if empty.is_empty() {
        return None;
    }
    Some(KeyDate {
        what: format!("{year}年没有“{column}”栏目发布的季度"),
        date: None,
        note: empty.join("、"),
    })
}

fn recovery(
    t: &Todo,
    rules: &RuleSet,
    evidence: &Evidence,
    applications: &[Application],
    deadline: Option<Date>,
    as_of: Date,
    submitted: Date,
) -> Option<Recovery> {
    let indicator = rules.indicator(&t.id)?;
    let by_submission = submitted.max(as_of).to_string();
    let make = |points: Decimal, action: String, by: String| Recovery {
        id: t.id.clone(),
        name: t.name.clone(),
        points: points.normalize(),
        action,
        by,
    };
    if t.status == Status::Manual || t.status == Status::Veto || indicator.veto.is_some() {
        return None;
    }
    let report_open = deadline.is_none_or(|d| as_of <= d);
    if let Source::Document(doc) = &indicator.source
        && doc == ANNUAL_REPORT
    {
        let by = match deadline {
            Some(d) if report_open => d.to_string(),
            _ => by_submission.clone(),
        };
        let unpublished = report_date(evidence).is_none_or(|d| d > as_of);
        if t.status == Status::Missing {
            // Past the deadline a late report still earns the content checks, but not the
            // indicator about its 发布日期 (按时发布): claim none of that one.
            if !report_open
                && indicator
                    .requires
                    .iter()
                    .any(|r| r.what.contains("发布日期"))
            {
                return None;
            }
            let what = what_missing(t);
            return Some(make(
                t.at_stake,
                format!("报送年度报告（{what}）；{}", t.fix),
                by,
            ));
        }
        if report_open && unpublished {
            return Some(make(
                t.at_stake,
                format!("在截止日期前发布的年度报告中改正：{}", t.fix),
                by,
            ));
        }
        return None;
    }
    if t.status == Status::Missing {
        return Some(make(
            t.at_stake,
            format!(
                "补报{}（仅限确实已有的材料和记录，不得补登往年台账）",
                what_missing(t)
            ),
            by_submission,
        ));
    }
    match &indicator.source {
        Source::Ledger(ledger) if ledger == APPLICATIONS => {
            // Only deductions for applications still open at the as-of day: a reply before the
            // due date removes them.
            let mut points = Decimal::ZERO;
            let mut rows = Vec::new();
            let mut last: Option<String> = None;
            for f in &t.findings {
                let open = applications
                    .iter()
                    .find(|a| a.state == "open" && f.evidence.contains(&a.evidence));
                if let Some(app) = open {
                    points += f.deduct;
                    rows.push(format!(
                        "第{}行（{}前）",
                        app.evidence.row.unwrap_or_default(),
                        app.due.as_deref().unwrap_or("")
                    ));
                    last = last.max(app.due.clone());
                }
            }
            if points <= Decimal::ZERO {
                return None;
            }
            Some(make(
                points,
                format!("在期限届满日前答复尚未答复的申请：{}", rows.join("、")),
                last.unwrap_or(by_submission),
            ))
        }
        // Counted from rows of the year under assessment: rows are never added afterwards.
        Source::Ledger(_) => None,
        Source::Document(_) => Some(make(
            t.at_stake,
            format!("修订后报送：{}", t.fix),
            by_submission,
        )),
        Source::Manifest => Some(make(
            t.at_stake,
            format!(
                "补报或更正 bundle.yaml 所列材料（仅限确实已有的材料和记录）：{}",
                t.fix
            ),
            by_submission,
        )),
    }
}

/// What a 缺材料 finding says is missing.
fn what_missing(t: &Todo) -> String {
    t.findings
        .first()
        .map(|f| {
            f.message
                .strip_prefix("缺材料：")
                .unwrap_or(&f.message)
                .to_string()
        })
        .unwrap_or_default()
}

fn missing_evidence(a: &Assessment) -> Vec<MissingEvidence> {
    let mut out: Vec<MissingEvidence> = Vec::new();
    for ind in &a.indicators {
        if ind.status != Status::Missing {
            continue;
        }
        let Some(f) = ind.findings.first() else {
            continue;
        };
        let what = f
            .message
            .strip_prefix("缺材料：")
            .unwrap_or(&f.message)
            .to_string();
        let file = f.evidence.first().map(|e| e.file.clone());
        if let Some(m) = out.iter_mut().find(|m| m.what == what && m.file == file) {
            m.indicators.push(ind.id.clone());
            continue;
        }
        let status = file.as_ref().and_then(|file| {
            a.evidence
                .iter()
                .find(|e| &e.file == file)
                .and_then(|e| e.status)
        });
        out.push(MissingEvidence {
            indicators: vec![ind.id.clone()],
            what,
            file,
            status,
        });
    }
    for e in &a.evidence {
        if let Some(status) = e.status
            && !out
                .iter()
                .any(|m| m.file.as_deref() == Some(e.file.as_str()))
        {
            out.push(MissingEvidence {
                indicators: Vec::new(),
                what: "清单所列文件".to_string(),
                file: Some(e.file.clone()),
                status: Some(status),
            });
        }
    }
    out
}
