//! `kaohe explain`: why one indicator got its score, in plain Chinese — the rule (basis, what
//! is measured, how points are given), the arithmetic, and the evidence of every finding.
//! Renders the assessment's numbers; never decides a score itself.

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::diag::{Problem, render_location};
use crate::model::assessment::{Assessment, EvidenceRef, Finding, IndicatorResult, Status};
use crate::model::ruleset::{Indicator, Method, RuleSet, VetoScope};
use crate::model::trace::Trace;
use crate::report::num;
use crate::report::table::plain;
use crate::value::Value;

/// At most this many elements of a list are spelled out.
const SHOW_ITEMS: usize = 12;

/// `problems`: the bundle's data problems; those on a file and row a finding cites are shown.
pub(crate) fn render(
    rules: &RuleSet,
    ind: &Indicator,
    r: &IndicatorResult,
    trace: &Trace,
    a: &Assessment,
) -> String {
    let problems = &a.problems;
    let mut out = String::new();
    let _ = writeln!(out, "{} {}（{}）", r.id, r.name, r.group);
    let score = if r.status == Status::Manual {
        "待评分".to_string()
    } else {
        num(r.score)
    };
    let _ = writeln!(
        out,
        "得分：{score} / {}（{}）{}",
        num(r.max),
        r.status.label(),
        if r.bonus { "，加分项" } else { "" }
    );
    if let (Some(t), Some(u)) = (rules.unit_value(), &rules.unit_type) {
        let _ = writeln!(
            out,
            "单位类型：{t}（bundle.yaml 的「{}」；本项分值、档位和等次线按{t}计）",
            u.field
        );
    }
    for (label, text) in [("依据", &ind.basis), ("口径", &ind.measure)] {
        if !text.is_empty() {
            let _ = writeln!(out, "{label}：{text}");
        }
    }
    let _ = writeln!(out, "计分：{}", method_text(rules, ind));
    let _ = writeln!(out, "算式：{}", arithmetic(ind, r, trace));
    part_context(&mut out, rules, ind, a);

    if !trace.lets.is_empty() {
        let _ = writeln!(out, "所用数据：");
        for (name, value) in &trace.lets {
            match record_table(value) {
                Some(table) => {
                    let _ = write!(out, "  {name} = {}项：\n{table}", list_len(value));
                }
                None => {
                    let _ = writeln!(out, "  {name} = {}", summarize(value));
                }
            }
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(out, "扣分明细：");
        for (i, f) in r.findings.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, finding_line(f));
        }
    }
    if let Some(adj) = &r.adjusted {
        let _ = writeln!(
            out,
            "评分人调整：{} 改为 {}（{}，{}）",
            num(adj.from),
            num(adj.to),
            adj.reason,
            adj.by
        );
    }
    let cited: Vec<&EvidenceRef> = r.findings.iter().flat_map(|f| &f.evidence).collect();
    let related: Vec<&Problem> = problems
        .iter()
        .filter(|p| {
            p.row.is_some()
                && cited
                    .iter()
                    .any(|e| e.file == p.file && e.sheet == p.sheet && e.row == p.row)
        })
        .collect();
    if !related.is_empty() {
        let _ = writeln!(out, "相关数据问题：");
        for p in related {
            let _ = writeln!(out, "  {}：{}", render_location(p), p.message);
        }
    }
    if r.score < r.max && !ind.fix.is_empty() {
        let _ = writeln!(out, "整改：{}", ind.fix);
    }
    plain(&out)
}

/// For a rule set that grades by parts: the indicator's part, and the grading rules that read
/// the indicator or its part, with their figures.
fn part_context(out: &mut String, rules: &RuleSet, ind: &Indicator, a: &Assessment) {
    let group = &rules.groups[ind.group];
    let lines = crate::report::grading_lines(a);
    if let Some(line) = lines
        .iter()
        .find(|l| l.starts_with(&format!("{}：", group.name)))
    {
        let _ = writeln!(out, "所在部分：{line}");
    }
    let reads = |name: &str| {
        name.starts_with(&format!("部分.{}.", group.id))
            || name.starts_with(&format!("部分[\"{}\"]", group.id))
            || name.starts_with(&format!("指标[\"{}\"]", ind.id))
    };
    for r in a
        .total
        .rules
        .iter()
        .filter(|r| r.figures.iter().any(|f| reads(&f.name)))
    {
        let head = format!("等次规则 {}：", r.id);
        if let Some(line) = lines.iter().find(|l| l.starts_with(&head)) {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// How the method turns a measure into points, in words.
fn method_text(rules: &RuleSet, ind: &Indicator) -> String {
    let veto = ind
        .veto
        .as_ref()
        .map(|v| format!("；出现否决情形时{}", v.describe(rules)))
        .unwrap_or_default();
    let applies = ind
        .applies_when
        .as_ref()
        .map(|a| format!("；仅当 {} 时适用，否则不适用（不计分）", a.source()))
        .unwrap_or_default();
    if ind.points_by_unit && ind.points.is_zero() {
        return format!(
            "{}单位不计此项（本项按单位类型定分值，对{}为0分）",
            rules.unit_value().unwrap_or_default(),
            rules.unit_value().unwrap_or_default()
        );
    }
    let text = match &ind.method {
        // In words only: the condition and the measure are what 口径 describes; the
        // expressions behind them are the rule author's (`kaohe rules show`).
        Method::All { .. } => format!("达到口径要求得{}分，否则0分", num(ind.points)),
        Method::Tiers { levels, .. } => {
            let tiers: Vec<String> = levels
                .iter()
                .map(|l| format!("测量值达到{}得{}分", num(l.min), num(l.points)))
                .collect();
            format!("分档：{}，否则0分", tiers.join("；"))
        }
        Method::Deduct { clauses } => format!(
            "{}，扣完为止（共{}分）",
            clauses_text(clauses, "扣"),
            num(ind.points)
        ),
        Method::Award { clauses, .. } => format!(
            "{}，合计最高{}分",
            clauses_text(clauses, "加"),
            num(ind.points)
        ),
        Method::Manual => format!("评分人在0至{}分内评定", num(ind.points)),
    };
    format!("{text}{veto}{applies}")
}

/// `每项扣0.5分，最高扣2分；每项扣1分` for the clauses of deduct (`verb` 扣) or award (加).
pub(crate) fn clauses_text(clauses: &[crate::model::ruleset::Clause], verb: &str) -> String {
    let parts: Vec<String> = clauses
        .iter()
        .map(|c| {
            let each = match constant(c.each.source()) {
                Some(e) => format!("每项{verb}{}分", num(e)),
                None => format!("每项按口径所定分值{verb}分（见{verb}分明细）"),
            };
            match c.cap {
                Some(cap) => format!("{each}，最高{verb}{}分", num(cap)),
                None => each,
            }
        })
        .collect();
    parts.join("；")
}

fn constant(src: &str) -> Option<Decimal> {
    Decimal::from_str(src.trim()).ok()
}

/// The arithmetic from the points to the score, with what each step stands for.
fn arithmetic(ind: &Indicator, r: &IndicatorResult, trace: &Trace) -> String {
    let max = num(r.max);
    match r.status {
        Status::Na if ind.points_by_unit && ind.points.is_zero() => {
            return "不适用：本项对本单位的单位类型为0分，不计分".to_string();
        }
        Status::Na => {
            return format!(
                "不适用：本单位不计此项（适用条件 {} 不成立），满分 {} 分不计入所在部分",
                ind.applies_when.as_ref().map_or("", |e| e.source()),
                num(ind.points)
            );
        }
        Status::Manual => return "待评分人评分（以 --verdicts 提供评分文件）".to_string(),
        Status::Missing => {
            let what = r
                .findings
                .first()
                .map(|f| f.message.trim_start_matches("缺材料："))
                .unwrap_or_default();
            return format!("{max} - {max} = 0：缺材料，{what}");
        }
        Status::Veto
            if !ind
                .veto
                .as_ref()
                .is_some_and(|v| v.scope == VetoScope::None) =>
        {
            let label = ind.veto.as_ref().map_or("一票否决", |v| v.label.as_str());
            return format!(
                "{max} - {max} = 0：{label}（{}），等次为否决等次",
                r.findings
                    .first()
                    .map(|f| f.message.trim_start_matches(&format!("{label}：")))
                    .unwrap_or("")
            );
        }
        _ => {}
    }
    if let Some(verdict) = &r.verdict {
        return format!("评分人评定 {}（{verdict}）", num(r.score));
    }
    // Computed findings, without an evaluator's adjustment line or the rounding step (said
    // after the arithmetic: `…；得分87.865按四舍五入保留到0.01为87.87`).
    let rounding = r.findings.iter().find(|f| f.key == "rounding");
    // A part zeroed by another indicator's veto: said after the indicator's own arithmetic.
    let zeroed = r.findings.iter().find(|f| f.key.starts_with("veto-group:"));
    let computed: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| {
            !f.message.starts_with("评分人调整")
                && f.key != "rounding"
                && !f.key.starts_with("veto-group:")
        })
        .collect();
    let computed_score = r.adjusted.as_ref().map_or(r.score, |a| a.from)
        + rounding.map_or(Decimal::ZERO, |f| f.deduct)
        + zeroed.map_or(Decimal::ZERO, |f| f.deduct);
    let mut line = match &ind.method {
        Method::Tiers { levels, .. } => {
            let m = trace
                .measure
                .as_ref()
                .map_or_else(|| "空".to_string(), Value::to_string);
            let reached = trace
                .measure
                .as_ref()
                .and_then(Value::as_num)
                .and_then(|m| levels.iter().find(|l| m >= l.min));
            match reached {
                Some(l) => format!(
                    "测量值 {m}，达到 {} 档，得 {} 分",
                    num(l.min),
                    num(computed_score)
                ),
                None => format!("测量值 {m}，未达到任何一档，得 0 分"),
            }
        }
        Method::All { .. } if computed.is_empty() => format!("达标条件成立，得 {max} 分"),
        Method::All { .. } => format!("达标条件不成立：{max} - {max} = 0"),
        Method::Deduct { clauses } => {
            // One clause without a cap reads as `4 - 1 x 2 = 2`; several as a sum.
            let each = match clauses.as_slice() {
                [one] if one.cap.is_none() => one.each.source(),
                _ => "",
            };
            deduct_line(r.max, computed_score, &computed, each)
        }
        Method::Award { .. } => match computed.first() {
            None => format!("加满 {max} 分"),
            Some(f) => format!(
                "{max} - {} = {}：{}",
                num(f.deduct),
                num(computed_score),
                f.message
            ),
        },
        Method::Manual => String::new(),
    };
    // A zero_when finding carries the whole indicator and cites no row.
    if ind.zero_when.is_some()
        && r.status == Status::Gap
        && !matches!(ind.method, Method::All { .. })
        && let [only] = computed.as_slice()
        && only.deduct == r.max
        && !only.capped
        && only.evidence.iter().all(|e| e.row.is_none())
    {
        line = format!("{max} - {max} = 0：{}", only.message);
    }
    if let Some(f) = rounding {
        line.push_str(&format!("；{}", f.message));
    }
    if let Some(f) = zeroed {
        line.push_str(&format!(
            "；{}，{} - {} = 0",
            f.message,
            num(f.deduct),
            num(f.deduct)
        ));
    }
    if let Some(adj) = &r.adjusted {
        line.push_str(&format!("；评分人调整为 {}（{}）", num(adj.to), adj.reason));
    }
    line
}

fn deduct_line(max: Decimal, score: Decimal, findings: &[&Finding], each: &str) -> String {
    let m = num(max);
    if findings.is_empty() {
        return format!("没有扣分项，得 {m} 分");
    }
    let charged: Vec<&&Finding> = findings.iter().filter(|f| !f.deduct.is_zero()).collect();
    let cited = cited_rows(findings);
    let suffix = if cited.is_empty() {
        format!("{}项", findings.len())
    } else {
        cited
    };
    match constant(each) {
        Some(e) if findings.iter().all(|f| !f.capped) => format!(
            "{m} - {} x {} = {}：{suffix}",
            num(e),
            findings.len(),
            num(score)
        ),
        Some(e) => format!(
            "{m} - {} x {} = {}，扣完为止，得 {}：{suffix}",
            num(e),
            findings.len(),
            num(max - e * Decimal::from(findings.len())),
            num(score)
        ),
        None => {
            let parts: Vec<String> = charged.iter().map(|f| num(f.deduct)).collect();
            let capped = if findings.iter().any(|f| f.capped) {
                "（扣完为止）"
            } else {
                ""
            };
            let sum = if parts.len() == 1 {
                parts.join("")
            } else {
                format!("({})", parts.join(" + "))
            };
            format!("{m} - {sum} = {}{capped}：{suffix}", num(score))
        }
    }
}

/// `第17行、第23行` for the rows the findings cite (one per finding, in order).
fn cited_rows(findings: &[&Finding]) -> String {
    let rows: Vec<String> = findings
        .iter()
        .filter_map(|f| f.evidence.iter().find_map(|e| e.row))
        .map(|r| format!("第{r}行"))
        .collect();
    if rows.len() != findings.len() {
        return String::new();
    }
    rows.join("、")
}

fn finding_line(f: &Finding) -> String {
    let deduct = if f.deduct.is_zero() && f.capped {
        "不再扣分（已扣完）".to_string()
    } else if f.deduct < Decimal::ZERO {
        format!("加{}分", num(-f.deduct))
    } else if f.capped {
        format!("扣{}分（扣完为止）", num(f.deduct))
    } else {
        format!("{}分", crate::report::deduct_text(f.deduct))
    };
    let refs = crate::report::evidence_text(&f.evidence);
    let refs = if refs.is_empty() {
        String::new()
    } else {
        format!("（证据：{}）", refs.join("；"))
    };
    format!("{deduct}：{}{refs}", f.message)
}

/// At most this many records of a list are printed as table lines.
const SHOW_RECORDS: usize = 80;

fn list_len(v: &Value) -> usize {
    v.as_list().map_or(0, <[Value]>::len)
}

/// A non-empty list of records that all have the same fields, as an aligned table (a header
/// of field names, one line per record): how Table 3 as read, its equations and the heading
/// lines found per part are shown. `None` for any other value.
fn record_table(v: &Value) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    let items = v.as_list().filter(|l| !l.is_empty())?;
    let records: Vec<&crate::value::Record> = items
        .iter()
        .map(|i| match i {
            Value::Record(r) => Some(&**r),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let names: Vec<&str> = records[0].fields.iter().map(|(k, _)| &**k).collect();
    if records.iter().any(|r| {
        r.fields.len() != names.len() || r.fields.iter().zip(&names).any(|((k, _), n)| &**k != *n)
    }) {
        return None;
    }
    // Cells as printed (ambiguous-width characters replaced), so the columns line up.
    let mut rows: Vec<Vec<String>> = vec![names.iter().map(|n| plain(n)).collect()];
    for r in records.iter().take(SHOW_RECORDS) {
        rows.push(r.fields.iter().map(|(_, v)| plain(&cell(v))).collect());
    }
    let widths: Vec<usize> = (0..names.len())
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::from("    ");
        for (c, text) in row.iter().enumerate() {
            line.push_str(text);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - text.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if records.len() > SHOW_RECORDS {
        let _ = writeln!(out, "    ...（共{}项）", records.len());
    }
    Some(out)
}

/// One table cell: the value as messages print it, lists of texts separated by " | ", none
/// shown as "—", long texts cut.
fn cell(v: &Value) -> String {
    match v {
        Value::List(items) if items.is_empty() => "—".to_string(),
        Value::List(items) => items.iter().map(short).collect::<Vec<_>>().join(" | "),
        other => short(other),
    }
}

/// A value as the reader needs it: lists by count and their first elements.
fn summarize(v: &Value) -> String {
    match v {
        Value::List(items) => {
            let shown: Vec<String> = items.iter().take(SHOW_ITEMS).map(short).collect();
            let more = if items.len() > SHOW_ITEMS {
                format!("...（共{}项）", items.len())
            } else {
                String::new()
            };
            if items.is_empty() {
                "0项（空）".to_string()
            } else {
                format!("{}项：{}{more}", items.len(), shown.join("、"))
            }
        }
        Value::Table(_) => "表格（已找到）".to_string(),
        Value::Null => "空".to_string(),
        // A ratio such as 439 ÷ 480 − 1 has 28 decimals: shown to 4, marked as approximate.
        Value::Num(n) if n.normalize().scale() > 4 => {
            format!("约{}", n.round_dp(4).normalize())
        }
        other => short(other),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
