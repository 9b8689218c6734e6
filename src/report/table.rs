//! The default output: one row per indicator, Chinese labels, aligned for CJK width, then the
//! total, grade and data problems.
//!
//! Terminals draw East-Asian *ambiguous*-width characters (— … × ① “ ” and box-drawing lines)
//! at one or two columns depending on their font, which breaks alignment; so the table uses
//! ASCII borders and every text is passed through `plain` first.

use comfy_table::presets::ASCII_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};
use unicode_width::UnicodeWidthChar;

use crate::diag::{Severity, render_location};
use crate::model::assessment::{Assessment, Status};
use crate::report::{num, score_text};

/// Width used when the output is not a terminal, so files and pipes get the same bytes.
const DEFAULT_WIDTH: u16 = 140;

/// `color` is true only when writing to a terminal: then the table fits the terminal's width.
pub(crate) fn render(a: &Assessment, color: bool) -> String {
    render_with_width(a, color, (!color).then_some(DEFAULT_WIDTH))
}

/// `width: None` lets the table take the terminal's width.
pub(crate) fn render_with_width(a: &Assessment, color: bool, width: Option<u16>) -> String {
    let mut out = String::new();
    out.push_str(&plain(&format!(
        "{}{}　{}年度　{}\n规则集：{}（{}）　材料：{}　报送日期：{}\n",
        a.unit,
        a.unit_type
            .as_ref()
            .map(|t| format!("（{t}）"))
            .unwrap_or_default(),
        a.ruleset.year,
        a.ruleset.title,
        a.ruleset.id,
        &a.ruleset.sha256[..a.ruleset.sha256.len().min(12)],
        a.bundle,
        a.provenance.submitted
    )));
    if let Some(by) = &a.provenance.evaluator {
        out.push_str(&plain(&format!(
            "评分人：{by}　评分日期：{}\n",
            a.provenance.evaluated.as_deref().unwrap_or("")
        )));
    }

    let mut table = Table::new();
    table
        .load_style(ASCII_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["编号", "指标", "分值", "得分", "状态", "主要问题"]);
    if let Some(width) = width {
        table.set_width(width);
    }
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let mut group = "";
    for ind in &a.indicators {
        if ind.group != group {
            group = &ind.group;
            table.add_row(vec![
                Cell::new(""),
                Cell::new(plain(group)),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
            ]);
        }
        let mut status = Cell::new(ind.status.label());
        if color {
            status = status.fg(match ind.status {
                Status::Pass => Color::Green,
                Status::Partial | Status::Manual => Color::Yellow,
                Status::Na => Color::Grey,
                Status::Gap | Status::Missing | Status::Veto => Color::Red,
            });
        }
        let score = score_text(ind);
        table.add_row(vec![
            Cell::new(&ind.id),
            Cell::new(plain(&ind.name)),
            Cell::new(num(ind.max)).set_alignment(CellAlignment::Right),
            Cell::new(score).set_alignment(CellAlignment::Right),
            status,
            Cell::new(plain(&main_finding(ind))),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    let t = &a.total;
    let provisional = if t.provisional { "（暂定）" } else { "" };
    out.push_str(&format!(
        "\n基本分 {} + 加分 {} = 总分 {}（满分 {}）　等次：{}{}\n",
        num(t.base),
        num(t.bonus),
        num(t.score),
        num(t.max),
        t.grade,
        provisional
    ));
    if t.veto {
        let ids: Vec<&str> = a
            .indicators
            .iter()
            .filter(|i| i.status == Status::Veto)
            .map(|i| i.id.as_str())
            .collect();
        out.push_str(&format!(
            "触发否决项（{}），等次为{}。\n",
            ids.join("、"),
            t.grade
        ));
    }
    for line in super::grading_lines(a) {
        out.push_str(&plain(&format!("{line}\n")));
    }
    for ind in &a.indicators {
        if let Some(text) = super::adjustment_text(ind) {
            out.push_str(&plain(&format!(
                "评分人调整：{} {}：{text}\n",
                ind.id, ind.name
            )));
        }
    }
    let pending: Vec<String> = a
        .indicators
        .iter()
        .filter(|i| i.status == Status::Manual)
        .map(|i| format!("{} {}", i.id, i.name))
        .collect();
    if !pending.is_empty() {
        out.push_str(&plain(&format!(
            "待评分：{}（评分人以 --verdicts 提供评分后，等次不再为暂定）\n",
            pending.join("、")
        )));
    }

    if a.problems.is_empty() {
        out.push_str("\n数据问题：无\n");
    } else {
        let errors = a
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        out.push_str(&format!(
            "\n数据问题（错误 {errors} 条，提示 {} 条）：\n",
            a.problems.len() - errors
        ));
        for p in &a.problems {
            let level = match p.severity {
                Severity::Error => "错误",
                Severity::Warning => "提示",
            };
            out.push_str(&plain(&format!(
                "  {level} {}：{}\n",
                render_location(p),
                p.message
            )));
        }
    }
    out
}

/// The finding a reader needs first, and how many more there are.
fn main_finding(ind: &crate::model::assessment::IndicatorResult) -> String {
    match ind.status {
        Status::Manual => return "待评分人评分".to_string(),
        Status::Pass if ind.findings.is_empty() => return String::new(),
        _ => {}
    }
    // The evaluator's word comes first; the computed findings stay in the JSON and explain.
    if let Some(adj) = &ind.adjusted {
        return format!("评分人调整为{}：{}", num(adj.to), adj.reason);
    }
    let Some(first) = ind.findings.first() else {
        return String::new();
    };
    let mut s = first.message.clone();
    // A finding about one row names it; one citing many rows (a count) does not pick one.
    if let [only] = first.evidence.as_slice()
        && let Some(row) = only.row
        && !s.contains(&format!("第{row}行"))
    {
        s = format!("第{row}行：{s}");
    }
    if ind.findings.len() > 1 {
        s.push_str(&format!("（另{}处）", ind.findings.len() - 1));
    }
    s
}

/// Replace East-Asian ambiguous-width characters with unambiguous equivalents.
pub(crate) fn plain(s: &str) -> String {
    let s = crate::text::show_invisible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let ambiguous = c.width() != c.width_cjk();
        if !ambiguous {
            out.push(c);
            continue;
        }
        match c {
            '—' | '–' | '─' => out.push('-'),
            '…' => out.push_str("..."),
            '×' => out.push('x'),
            '÷' => out.push('/'),
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '“' | '”' | '"' => out.push('"'),
            '‘' | '’' => out.push('\''),
            '·' | '•' => out.push('.'),
            '°' => out.push('度'),
            '±' => out.push_str("+/-"),
            '≤' => out.push_str("<="),
            '≥' => out.push_str(">="),
            '①'..='⑳' => out.push_str(&format!("({})", c as u32 - '①' as u32 + 1)),
            _ => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::plain;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn plain_leaves_no_ambiguous_width() {
        let s = plain("政府文件—逾期…×2①“引号”→·");
        assert_eq!(s.width(), s.width_cjk(), "{s}");
        assert_eq!(plain("已达标（暂定）：第3行"), "已达标（暂定）：第3行");
    }
}
