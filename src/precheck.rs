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
//! Everything it knows about the county's table comes from the rule set's `township:`
//! (docs/rules.md#township): which rows are applications and when their replies fall due,
//! which documents have a publication deadline, which indicators count rows per month or
//! quarter. A rule set without them gets the to-do list, missing evidence and data problems.

use std::collections::BTreeSet;

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::calendar::Calendar;
use crate::expr::{EvalCtx, Vars};
use crate::model::assessment::{Assessment, EvidenceRef, IndicatorResult, Status};
use crate::model::evidence::Evidence;
use crate::model::precheck::{
    Application, KeyDate, MissingEvidence, Precheck, Recovery, SCHEMA, Todo,
};
use crate::model::ruleset::{Deadline, Every, Period, RuleSet, Source};
use crate::score::township;
use crate::value::Value;

/// Build the pre-check from an assessment scored as of `as_of` (`score::score_as_of`).
pub(crate) fn precheck(
    assessment: &Assessment,
    rules: &RuleSet,
    evidence: &Evidence,
    calendar: &Calendar,
    as_of: Date,
) -> Precheck {
    let submitted = evidence.header.submitted;
    let ctx = township::context(rules, evidence, calendar);
    let vars = township::vars(rules, evidence, &ctx, Some(as_of));
    let applications = pending_applications(rules, evidence, calendar, as_of, &ctx, &vars);
    let deadlines: Vec<(&Deadline, Option<Date>, Option<Date>)> = rules
        .township
        .deadlines
        .iter()
        .map(|d| {
            let by = d.by.eval(&ctx, &vars).as_date();
            let done = d.done.as_ref().and_then(|e| e.eval(&ctx, &vars).as_date());
            (d, by, done)
        })
        .collect();

    let mut todo = Vec::new();
    let mut bonus = Vec::new();
    for ind in &assessment.indicators {
        let lost = ind.max - ind.score;
        // 不适用: nothing to lose or win.
        if (lost <= Decimal::ZERO && ind.status != Status::Manual) || ind.status == Status::Na {
            continue;
        }
        let source = rules.indicator(&ind.id).map(|i| &i.source);
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
                rules,
                (&ctx, &vars),
                evidence,
                &applications,
                &deadlines,
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
        .filter_map(|t| recovery(t, rules, &applications, &deadlines, as_of, submitted))
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
        applications_title: rules
            .township
            .applications
            .as_ref()
            .map(|a| a.title.clone()),
        applications,
        missing: missing_evidence(assessment),
        problems: assessment.problems.clone(),
        recoverable_total: recoverable_total.normalize(),
        recoverable,
    }
}

fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

fn evidence_ref(v: &Value) -> Option<EvidenceRef> {
    match v {
        Value::Row(r) => Some(EvidenceRef {
            file: r.ledger.file().to_string(),
            sheet: r.ledger.sheet().map(str::to_string),
            row: Some(r.number()),
        }),
        _ => None,
    }
}

/// The rule set's applications (`township.applications.rows`) without a valid reply
/// (`replied`), each with its due date: `limit` working days after `received`.
fn pending_applications(
    rules: &RuleSet,
    evidence: &Evidence,
    calendar: &Calendar,
    as_of: Date,
    ctx: &EvalCtx,
    vars: &Vars,
) -> Vec<Application> {
    let Some(decl) = &rules.township.applications else {
        return Vec::new();
    };
    let submitted = evidence.header.submitted;
    let rows = decl.rows.eval(ctx, vars);
    let mut vars = vars.clone();
    let mut out = Vec::new();
    for item in rows.as_list().unwrap_or_default() {
        let Some(evidence_ref) = evidence_ref(item) else {
            continue;
        };
        vars.set("it", item.clone());
        if decl.replied.eval(ctx, &vars).as_bool() == Some(true) {
            continue;
        }
        let received = decl.received.eval(ctx, &vars).as_date();
        let limit = decl
            .limit
            .eval(ctx, &vars)
            .as_num()
            .and_then(|n| n.trunc().to_u32())
            .unwrap_or(0);
        let app = match received {
            None => Application {
                evidence: evidence_ref,
                received: None,
                limit,
                due: None,
                state: "overdue",
                deducted: true,
                note: "没有收到申请的日期，无法证明按时答复，按逾期计".to_string(),
            },
            Some(r) => match calendar.add_workdays(r, i64::from(limit)) {
                Err(missing) => Application {
                    evidence: evidence_ref,
                    received: Some(r.to_string()),
                    limit,
                    due: None,
                    state: "unknown",
                    // An uncomputable due date counts as overdue.
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

/// The deadline of the document an indicator is scored from, when the rule set gives one.
fn deadline_of<'d>(
    source: Option<&Source>,
    deadlines: &'d [(&'d Deadline, Option<Date>, Option<Date>)],
) -> Option<&'d (&'d Deadline, Option<Date>, Option<Date>)> {
    match source {
        Some(Source::Document(doc)) => deadlines.iter().find(|(d, _, _)| &d.document == doc),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn key_dates(
    ind: &IndicatorResult,
    source: Option<&Source>,
    rules: &RuleSet,
    (ctx, vars): (&EvalCtx, &Vars),
    evidence: &Evidence,
    applications: &[Application],
    deadlines: &[(&Deadline, Option<Date>, Option<Date>)],
    as_of: Date,
) -> Vec<KeyDate> {
    let mut dates = Vec::new();
    if let Some((d, by, done)) = deadline_of(source, deadlines) {
        if let Some(by) = by {
            let n = days_between(as_of, *by);
            let note = if n >= 0 {
                format!("距截止还有{n}天")
            } else {
                format!("已过截止日期{}天", -n)
            };
            dates.push(KeyDate {
                what: d.what.clone(),
                date: Some(by.to_string()),
                note,
            });
        }
        if let Some(done) = done {
            dates.push(KeyDate {
                what: d.done_what.clone(),
                date: Some(done.to_string()),
                note: if *done > as_of {
                    "尚未到该日期".to_string()
                } else {
                    "已发布".to_string()
                },
            });
        }
    }
    let applies = rules
        .township
        .applications
        .as_ref()
        .is_some_and(|a| a.indicators.contains(&ind.id));
    if applies {
        for app in applications {
            dates.push(KeyDate {
                what: format!(
                    "第{}行申请（{}收到）答复期限{}个工作日的届满日",
                    app.evidence.row.unwrap_or_default(),
                    app.received.as_deref().unwrap_or("日期不详"),
                    app.limit
                ),
                date: app.due.clone(),
                note: app.note.clone(),
            });
        }
    }
    if ind.status != Status::Missing {
        for period in &rules.township.periods {
            if period.indicators.contains(&ind.id)
                && let Some(d) = periods_without(period, ctx, vars, evidence, as_of)
            {
                dates.push(d);
            }
        }
    }
    dates
}

/// The months or quarters of the year, up to the as-of day's, in which none of a period's rows
/// (`township.periods`) is dated; none when the rows are null (a ledger not handed in).
fn periods_without(
    period: &Period,
    ctx: &EvalCtx,
    vars: &Vars,
    evidence: &Evidence,
    as_of: Date,
) -> Option<KeyDate> {
    let year = evidence.header.year;
    let per_year: i8 = match period.every {
        Every::Month => 12,
        Every::Quarter => 4,
    };
    let of = |d: Date| match period.every {
        Every::Month => d.month(),
        Every::Quarter => (d.month() - 1) / 3 + 1,
    };
    let last = match i32::from(as_of.year()).cmp(&year) {
        std::cmp::Ordering::Greater => per_year,
        std::cmp::Ordering::Equal => of(as_of),
        std::cmp::Ordering::Less => return None,
    };
    // Null rows: the ledger was not handed in; its months are not the point then.
    let rows = period.rows.eval(ctx, vars);
    if rows.is_null() {
        return None;
    }
    let mut vars = vars.clone();
    let mut covered: BTreeSet<i8> = BTreeSet::new();
    for item in rows.as_list().unwrap_or_default() {
        vars.set("it", item.clone());
        if let Some(d) = period.date.eval(ctx, &vars).as_date()
            && i32::from(d.year()) == year
        {
            covered.insert(of(d));
        }
    }
    let empty: Vec<i8> = (1..=last).filter(|p| !covered.contains(p)).collect();
    if empty.is_empty() {
        return None;
    }
    let (unit, note) = match period.every {
        Every::Month => (
            "月份",
            format!(
                "{}月",
                empty
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        ),
        Every::Quarter => (
            "季度",
            empty
                .iter()
                .map(|q| format!("第{q}季度（{}-{}月）", (q - 1) * 3 + 1, q * 3))
                .collect::<Vec<_>>()
                .join("、"),
        ),
    };
    Some(KeyDate {
        what: format!("{year}年没有{}的{unit}", period.what),
        date: None,
        note,
    })
}
fn recovery(
    t: &Todo,
    rules: &RuleSet,
    applications: &[Application],
    deadlines: &[(&Deadline, Option<Date>, Option<Date>)],
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
    if let Some((d, deadline, done)) = deadline_of(Some(&indicator.source), deadlines) {
        let report_open = deadline.is_none_or(|d| as_of <= d);
        let by = match deadline {
            Some(d) if report_open => d.to_string(),
            _ => by_submission.clone(),
        };
        let unpublished = done.is_none_or(|d| d > as_of);
        if t.status == Status::Missing {
            // Past the deadline a late document still earns its content checks, but not the
            // indicators that score being on time (`on_time`): claim none of those.
            if !report_open && d.on_time.contains(&t.id) {
                return None;
            }
            let what = what_missing(t);
            return Some(make(
                t.at_stake,
                format!("报送{}（{what}）；{}", d.document, t.fix),
                by,
            ));
        }
        if report_open && unpublished {
            return Some(make(
                t.at_stake,
                format!("在截止日期前发布的{}中改正：{}", d.document, t.fix),
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
    let replies = rules
        .township
        .applications
        .as_ref()
        .is_some_and(|a| a.indicators.contains(&t.id));
    if replies {
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
        return Some(make(
            points,
            format!("在期限届满日前答复尚未答复的申请：{}", rows.join("、")),
            last.unwrap_or(by_submission),
        ));
    }
    match &indicator.source {
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
