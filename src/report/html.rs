//! `--format html`: one self-contained page (no network, no external assets) to open, print on
//! A4 with page numbers, or read on a phone. Chinese first.
//!
//! The page is `templates/report.html`, rendered by minijinja from a view of plain strings and
//! numbers built here. Auto-escaping is forced to HTML for every template whatever its name
//! (minijinja would otherwise choose by file extension) and the template never uses `|safe`:
//! a ledger title holding `<script>` prints as text. The SVG charts are drawn by the template
//! from coordinates computed here, so their labels are escaped the same way.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{
    adjustment_text, as_f64, deduct_text, evidence_text, grade_text, num, ranking_notes,
    severity_text,
};
use crate::diag::render_location;
use crate::model::assessment::{Assessment, Status};
use crate::model::batch::BatchReport;

const TEMPLATE: &str = include_str!("templates/report.html");
const CHART: &str = include_str!("templates/chart.svg");

pub(crate) fn render_score(a: &Assessment, stamp: Option<&str>) -> String {
    let page = Page {
        generated: stamp.map(String::from),
        title: format!("{} {}年度政务公开考核结果", a.unit, a.ruleset.year),
        batch: None,
        townships: vec![township(a, 0)],
    };
    render(&page)
}

pub(crate) fn render_batch(b: &BatchReport, stamp: Option<&str>) -> String {
    let page = Page {
        generated: stamp.map(String::from),
        title: batch_title(b),
        batch: Some(batch_view(b, None)),
        townships: b
            .assessments
            .iter()
            .enumerate()
            .map(|(i, a)| township(a, i))
            .collect(),
    };
    render(&page)
}

/// A batch too large to lay out every township (`kaohe batch --detail-limit`): the ranking,
/// grades, duplicates, failures and losses, with `note` saying where each township's detail is;
/// no township sections and no per-township chart (38,000 bars would only weigh the page).
pub(crate) fn render_batch_summary(b: &BatchReport, stamp: Option<&str>, note: &str) -> String {
    let page = Page {
        generated: stamp.map(String::from),
        title: batch_title(b),
        batch: Some(batch_view(b, Some(note))),
        townships: Vec::new(),
    };
    render(&page)
}

fn batch_title(b: &BatchReport) -> String {
    match &b.ruleset {
        Some(r) => format!("{}年度政务公开考核排名", r.year),
        None => "政务公开考核排名".to_string(),
    }
}

fn render(page: &Page) -> String {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let rendered = env
        .add_template("chart", CHART)
        .and_then(|_| env.add_template("report.html", TEMPLATE))
        .and_then(|_| env.get_template("report.html"))
        .and_then(|t| t.render(minijinja::value::Serde(page)));
    match rendered {
        Ok(html) => html,
        // A template bug, caught by the tests; still a readable page rather than a panic.
        Err(e) => format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><p>报告生成失败：{}</p></html>\n",
            html_escape::encode_text(&e.to_string())
        ),
    }
}

#[derive(Serialize)]
struct Page {
    /// Only with `--stamp`.
    generated: Option<String>,
    title: String,
    batch: Option<BatchView>,
    townships: Vec<Township>,
}

#[derive(Serialize)]
struct BatchView {
    year: String,
    ruleset: String,
    ruleset_id: String,
    count: usize,
    ranking: Vec<RankRow>,
    grades: Vec<(String, usize)>,
    losses: Vec<LossRow>,
    duplicates: Vec<String>,
    failed: Vec<(String, String)>,
    /// The bar chart of every township's total (not drawn for a summary).
    chart: Option<Chart>,
    /// Set for a summary: why the townships' sections are left out and where to find them.
    summary: Option<String>,
}

#[derive(Serialize)]
struct RankRow {
    rank: u32,
    unit: String,
    bundle: String,
    anchor: String,
    score: String,
    grade: String,
    veto: bool,
    notes: String,
}

#[derive(Serialize)]
struct LossRow {
    id: String,
    name: String,
    lost: String,
    townships: usize,
}

#[derive(Serialize)]
struct Township {
    anchor: String,
    unit: String,
    bundle: String,
    year: i16,
    ruleset: String,
    ruleset_id: String,
    sha: String,
    submitted: String,
    evaluator: String,
    evaluated: String,
    score: String,
    base: String,
    bonus: String,
    max: String,
    grade: String,
    veto: bool,
    pending: Vec<String>,
    adjustments: Vec<String>,
    /// How parts, vetoes and grading rules formed the total and grade.
    grading: Vec<String>,
    groups: Vec<GroupView>,
    chart: Chart,
    problems: Vec<ProblemRow>,
    evidence: Vec<(String, String)>,
}

#[derive(Serialize)]
struct GroupView {
    name: String,
    rows: Vec<IndicatorRow>,
}

#[derive(Serialize)]
struct IndicatorRow {
    id: String,
    name: String,
    max: String,
    score: String,
    computed: Option<String>,
    status: &'static str,
    class: &'static str,
    adjustment: Option<String>,
    findings: Vec<FindingRow>,
}

#[derive(Serialize)]
struct FindingRow {
    message: String,
    deduct: String,
    capped: bool,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct ProblemRow {
    level: &'static str,
    location: String,
    message: String,
}

/// A horizontal bar chart, laid out here in SVG user units; the template draws it.
#[derive(Serialize)]
struct Chart {
    title: String,
    width: u32,
    height: u32,
    label_width: u32,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    value: String,
    y: u32,
    w: u32,
    text_x: u32,
    class: &'static str,
}

const CHART_WIDTH: u32 = 640;
const LABEL_WIDTH: u32 = 200;
const BAR_AREA: u32 = 380;
const ROW: u32 = 24;

fn chart(title: &str, items: Vec<(String, Decimal, &'static str)>, scale_max: Decimal) -> Chart {
    let scale = as_f64(scale_max).max(1.0);
    let bars = items
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, class))| {
            let w = ((as_f64(value).max(0.0) / scale) * f64::from(BAR_AREA)).round() as u32;
            Bar {
                label,
                value: num(value),
                y: i as u32 * ROW + 8,
                w,
                text_x: LABEL_WIDTH + w + 6,
                class,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        title: title.to_string(),
        width: CHART_WIDTH,
        height: bars.len() as u32 * ROW + 16,
        label_width: LABEL_WIDTH,
        bars,
    }
}

fn anchor(i: usize) -> String {
    format!("t{}", i + 1)
}

fn batch_view(b: &BatchReport, summary: Option<&str>) -> BatchView {
    let ranking = b
        .ranking
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let notes = ranking_notes(e);
            RankRow {
                rank: e.rank,
                unit: e.unit.clone(),
                bundle: e.bundle.clone(),
                anchor: anchor(i),
                score: num(e.score),
                grade: e.grade.clone(),
                veto: e.veto,
                notes: notes.join("；"),
            }
        })
        .collect();
    let chart = summary.is_none().then(|| {
        let scale = b
            .assessments
            .iter()
            .map(|a| a.total.max.max(a.total.score))
            .max()
            .unwrap_or(Decimal::ONE_HUNDRED);
        let bars = b
            .ranking
            .iter()
            .map(|e| {
                let label = format!("{}. {}", e.rank, e.unit);
                (label, e.score, if e.veto { "veto" } else { "score" })
            })
            .collect();
        chart("各单位总分", bars, scale)
    });
    BatchView {
        year: b
            .ruleset
            .as_ref()
            .map(|r| r.year.to_string())
            .unwrap_or_default(),
        ruleset: b
            .ruleset
            .as_ref()
            .map(|r| r.title.clone())
            .unwrap_or_default(),
        ruleset_id: b.ruleset.as_ref().map(|r| r.id.clone()).unwrap_or_default(),
        count: b.ranking.len(),
        ranking,
        grades: b.grades.clone(),
        losses: b
            .losses
            .iter()
            .map(|l| LossRow {
                id: l.id.clone(),
                name: l.name.clone(),
                lost: num(l.points_lost),
                townships: l.townships,
            })
            .collect(),
        duplicates: b
            .duplicates
            .iter()
            .map(|d| {
                format!(
                    "单位「{}」有 {} 份材料：{}",
                    d.unit,
                    d.bundles.len(),
                    d.bundles.join("、")
                )
            })
            .collect(),
        failed: b
            .failed
            .iter()
            .map(|f| (f.bundle.clone(), f.error.clone()))
            .collect(),
        chart,
        summary: summary.map(String::from),
    }
}

fn township(a: &Assessment, i: usize) -> Township {
    let mut groups: Vec<GroupView> = Vec::new();
    // Points lost per group, in the rule set's order of groups (bonus groups are not losses).
    let mut lost: BTreeMap<usize, (String, Decimal)> = BTreeMap::new();
    for ind in &a.indicators {
        if groups.last().is_none_or(|g| g.name != ind.group) {
            groups.push(GroupView {
                name: ind.group.clone(),
                rows: Vec::new(),
            });
        }
        if !ind.bonus && !matches!(ind.status, Status::Manual | Status::Na) {
            let pos = groups.len() - 1;
            let entry = lost
                .entry(pos)
                .or_insert_with(|| (ind.group.clone(), Decimal::ZERO));
            entry.1 += ind.max - ind.score;
        }
        let row = IndicatorRow {
            id: ind.id.clone(),
            name: ind.name.clone(),
            max: num(ind.max),
            score: if ind.status == Status::Manual {
                "待评分".to_string()
            } else {
                num(ind.score)
            },
            computed: ind.adjusted.as_ref().map(|adj| num(adj.from)),
            status: ind.status.label(),
            class: match ind.status {
                Status::Pass => "pass",
                Status::Partial => "partial",
                Status::Manual | Status::Na => "manual",
                Status::Gap | Status::Missing | Status::Veto => "gap",
            },
            adjustment: adjustment_text(ind),
            findings: ind
                .findings
                .iter()
                .map(|f| FindingRow {
                    message: f.message.clone(),
                    deduct: deduct_text(f.deduct),
                    capped: f.capped,
                    evidence: evidence_text(&f.evidence),
                })
                .collect(),
        };
        if let Some(g) = groups.last_mut() {
            g.rows.push(row);
        }
    }
    let group_max = a
        .indicators
        .iter()
        .filter(|i| !i.bonus)
        .fold(BTreeMap::<&str, Decimal>::new(), |mut m, i| {
            *m.entry(i.group.as_str()).or_default() += i.max;
            m
        })
        .into_values()
        .max()
        .unwrap_or(Decimal::ONE);
    let bars = lost
        .into_values()
        .map(|(name, l)| (name, l, if l > Decimal::ZERO { "lost" } else { "none" }))
        .collect();
    let t = &a.total;
    Township {
        anchor: anchor(i),
        unit: a.unit.clone(),
        bundle: a.bundle.clone(),
        year: a.ruleset.year,
        ruleset: a.ruleset.title.clone(),
        ruleset_id: a.ruleset.id.clone(),
        sha: a.ruleset.sha256.chars().take(12).collect(),
        submitted: a.provenance.submitted.clone(),
        evaluator: a.provenance.evaluator.clone().unwrap_or_default(),
        evaluated: a.provenance.evaluated.clone().unwrap_or_default(),
        score: num(t.score),
        base: num(t.base),
        bonus: num(t.bonus),
        max: num(t.max),
        grade: grade_text(a),
        veto: t.veto,
        pending: a
            .indicators
            .iter()
            .filter(|i| i.status == Status::Manual)
            .map(|i| format!("{} {}", i.id, i.name))
            .collect(),
        grading: super::grading_lines(a),
        adjustments: a
            .indicators
            .iter()
            .filter_map(|i| adjustment_text(i).map(|s| format!("{} {}：{s}", i.id, i.name)))
            .collect(),
        groups,
        chart: chart("各类指标失分", bars, group_max),
        problems: a
            .problems
            .iter()
            .map(|p| ProblemRow {
                level: severity_text(p),
                location: render_location(p),
                message: p.message.clone(),
            })
            .collect(),
        evidence: a
            .evidence
            .iter()
            .map(|e| {
                let state = match (&e.sha256, e.status) {
                    (Some(sha), _) => sha.chars().take(16).collect(),
                    (None, Some(status)) => status.to_string(),
                    (None, None) => String::new(),
                };
                (e.file.clone(), state)
            })
            .collect(),
    }
}
