//! What changed between two JSON assessments (`kaohe.assessment/1`): before and after fixes, or
//! one year and the next. Works on what `load::stored` reads back from the JSON contract
//! (`model::stored::Stored`), so assessments written by any kaohe version (or kept for years)
//! compare.

use comfy_table::presets::ASCII_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::assessment::points;
use crate::model::stored::{Scored, Side, Stored, StoredIndicator, Totals};
use crate::report::table::plain;

pub(crate) const SCHEMA: &str = "kaohe.diff/1";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Diff {
    pub schema: &'static str,
    pub a: Side,
    pub b: Side,
    pub total: TotalChange,
    /// Every indicator of A (in A's order), then those only in B (in B's order).
    pub indicators: Vec<IndicatorChange>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TotalChange {
    pub a: Totals,
    pub b: Totals,
    #[serde(serialize_with = "points")]
    pub change: Decimal,
    pub grade_changed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndicatorChange {
    pub id: String,
    pub name: String,
    /// `same`, `changed`, `added` (only in B) or `dropped` (only in A).
    pub change: &'static str,
    pub a: Option<Scored>,
    pub b: Option<Scored>,
    /// B − A; null when the indicator is on one side only.
    #[serde(serialize_with = "opt_points")]
    pub delta: Option<Decimal>,
    /// Finding messages of A that B no longer has.
    pub resolved: Vec<String>,
    /// Finding messages of B that A did not have.
    pub new: Vec<String>,
}

fn opt_points<S: serde::Serializer>(p: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(d) => points(d, s),
        None => s.serialize_none(),
    }
}

/// Findings of `x` whose key `y` does not have (each key counted as often as it occurs).
fn unmatched(x: &[(String, String)], y: &[(String, String)]) -> Vec<String> {
    let mut left: Vec<&str> = y.iter().map(|(k, _)| k.as_str()).collect();
    x.iter()
        .filter(|(k, _)| match left.iter().position(|l| l == k) {
            Some(at) => {
                left.swap_remove(at);
                false
            }
            None => true,
        })
        .map(|(_, m)| m.clone())
        .collect()
}

pub(crate) fn diff(a: &Stored, b: &Stored) -> Diff {
    fn find<'s>(list: &'s [StoredIndicator], id: &str) -> Option<&'s StoredIndicator> {
        list.iter().find(|i| i.id.as_deref() == Some(id))
    }
    fn messages(i: &StoredIndicator) -> Vec<String> {
        i.findings.iter().map(|(_, m)| m.clone()).collect()
    }
    let mut out = Vec::new();
    for x in &a.indicators {
        let id = x.id.clone().unwrap_or_default();
        match find(&b.indicators, &id) {
            Some(y) => {
                let (sa, sb) = (x.scored.clone(), y.scored.clone());
                let resolved = unmatched(&x.findings, &y.findings);
                let new = unmatched(&y.findings, &x.findings);
                let changed = sa.score != sb.score
                    || sa.status != sb.status
                    || sa.max != sb.max
                    || !resolved.is_empty()
                    || !new.is_empty();
                out.push(IndicatorChange {
                    id,
                    name: y.name.clone(),
                    change: if changed { "changed" } else { "same" },
                    delta: Some((sb.score - sa.score).normalize()),
                    a: Some(sa),
                    b: Some(sb),
                    resolved,
                    new,
                });
            }
            None => out.push(IndicatorChange {
                id,
                name: x.name.clone(),
                change: "dropped",
                a: Some(x.scored.clone()),
                b: None,
                delta: None,
                resolved: messages(x),
                new: Vec::new(),
            }),
        }
    }
    for y in &b.indicators {
        let id = y.id.clone().unwrap_or_default();
        if find(&a.indicators, &id).is_none() {
            out.push(IndicatorChange {
                id,
                name: y.name.clone(),
                change: "added",
                a: None,
                b: Some(y.scored.clone()),
                delta: None,
                resolved: Vec::new(),
                new: messages(y),
            });
        }
    }
    let (ta, tb) = (a.totals.clone(), b.totals.clone());
    Diff {
        schema: SCHEMA,
        a: a.side.clone(),
        b: b.side.clone(),
        total: TotalChange {
            change: (tb.score - ta.score).normalize(),
            grade_changed: ta.grade != tb.grade,
            a: ta,
            b: tb,
        },
        indicators: out,
    }
}

fn status_label(s: &str) -> &str {
    match s {
        "pass" => "达标",
        "partial" => "部分达标",
        "gap" => "未达标",
        "missing" => "缺材料",
        "manual" => "待评分",
        "veto" => "否决",
        "na" => "不适用",
        other => other,
    }
}

fn signed(d: Decimal) -> String {
    let d = d.normalize();
    if d > Decimal::ZERO {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

fn show(s: &Option<Scored>) -> String {
    match s {
        Some(s) if s.status == "manual" => format!("-/{} 待评分", s.max),
        Some(s) => format!("{}/{} {}", s.score, s.max, status_label(&s.status)),
        None => "（无）".to_string(),
    }
}

pub(crate) fn render_json(d: &Diff) -> String {
    let mut s =
        serde_json::to_string_pretty(d).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The table: changed, added and dropped indicators (unchanged ones are counted, not listed),
/// then the totals.
pub(crate) fn render_table(d: &Diff) -> String {
    let mut out = String::new();
    let who = |s: &Side| {
        format!(
            "{}（{}，{}{}）",
            s.unit,
            s.ruleset,
            s.bundle,
            s.submitted
                .as_deref()
                .map(|d| format!("，报送{d}"))
                .unwrap_or_default()
        )
    };
    out.push_str(&format!("A：{}\nB：{}\n", who(&d.a), who(&d.b)));
    if d.a.ruleset != d.b.ruleset {
        out.push_str("注意：两次评分所用规则集不同，指标和分值可能不可直接比较。\n");
    }
    let mut table = Table::new();
    table
        .load_style(ASCII_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(140)
        .force_no_tty()
        .set_header(["编号", "指标", "A", "B", "变化", "说明"]);
    let mut same = 0;
    for c in &d.indicators {
        if c.change == "same" {
            same += 1;
            continue;
        }
        let change = match (c.change, c.delta) {
            ("added", _) => "新增".to_string(),
            ("dropped", _) => "删除".to_string(),
            (_, Some(delta)) if delta != Decimal::ZERO => signed(delta),
            _ => "0".to_string(),
        };
        let mut notes: Vec<String> = c.resolved.iter().map(|m| format!("已解决：{m}")).collect();
        notes.extend(c.new.iter().map(|m| format!("新问题：{m}")));
        table.add_row(vec![
            Cell::new(&c.id),
            Cell::new(plain(&c.name)),
            Cell::new(show(&c.a)),
            Cell::new(show(&c.b)),
            Cell::new(change).set_alignment(CellAlignment::Right),
            Cell::new(plain(&notes.join("\n"))),
        ]);
    }
    if same == d.indicators.len() {
        out.push_str("各指标得分和问题均无变化。\n");
    } else {
        out.push_str(&table.to_string());
        out.push('\n');
        if same > 0 {
            out.push_str(&format!("另有{same}项指标无变化。\n"));
        }
    }
    let t = &d.total;
    let grade = |x: &Totals| format!("{}{}", x.grade, if x.provisional { "（暂定）" } else { "" });
    out.push_str(&format!(
        "\n总分：{} -> {}（{}）　基本分 {} -> {}　加分 {} -> {}\n等次：{} -> {}{}\n",
        t.a.score,
        t.b.score,
        signed(t.change),
        t.a.base,
        t.b.base,
        t.a.bonus,
        t.b.bonus,
        grade(&t.a),
        grade(&t.b),
        if t.grade_changed {
            "（等次变化）"
        } else {
            ""
        }
    ));
    plain(&out)
}
