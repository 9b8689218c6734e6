//! `--format md`: Markdown for a wiki, an issue or a message. Text from the evidence is escaped
//! (`<` `>` `&` as entities, Markdown punctuation with a backslash, line breaks as `<br>`), so a
//! ledger title holding `<script>` or `|` shows as written and never breaks the table.

use super::{
    adjustment_text, deduct_text, evidence_text, grade_text, num, score_text, severity_text,
};
use crate::diag::render_location;
use crate::model::assessment::Assessment;
use crate::model::batch::BatchReport;

/// Escape text for a Markdown table cell or paragraph.
pub(crate) fn esc(s: &str) -> String {
    let s = crate::text::show_invisible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn render_score(a: &Assessment) -> String {
    let mut out = String::new();
    township(&mut out, a, "#");
    out
}

fn township(out: &mut String, a: &Assessment, h: &str) {
    out.push_str(&format!(
        "{h} {}　{}年度考核结果\n\n",
        esc(&a.unit),
        a.ruleset.year
    ));
    out.push_str(&format!(
        "- 规则集：{}（{}）\n- 材料：{}　报送日期：{}\n",
        esc(&a.ruleset.title),
        esc(&a.ruleset.id),
        esc(&a.bundle),
        a.provenance.submitted
    ));
    if let Some(t) = &a.unit_type {
        out.push_str(&format!("- 单位类型：{}（分值按此类型计）\n", esc(t)));
    }
    if let Some(by) = &a.provenance.evaluator {
        out.push_str(&format!(
            "- 评分人：{}　评分日期：{}\n",
            esc(by),
            a.provenance.evaluated.as_deref().unwrap_or("")
        ));
    }
    let t = &a.total;
    out.push_str(&format!(
        "- **总分 {}**（基本分 {} + 加分 {}，满分 {}）　等次：**{}**\n\n",
        num(t.score),
        num(t.base),
        num(t.bonus),
        num(t.max),
        esc(&grade_text(a))
    ));
    let grading = super::grading_lines(a);
    if !grading.is_empty() {
        out.push_str("总分和等次的形成：\n\n");
        for line in &grading {
            out.push_str(&format!("- {}\n", esc(line)));
        }
        out.push('\n');
    }

    out.push_str("| 编号 | 指标 | 分值 | 得分 | 状态 | 问题与依据 |\n|---|---|--:|--:|---|---|\n");
    let mut group = "";
    for ind in &a.indicators {
        if ind.group != group {
            group = &ind.group;
            out.push_str(&format!("| | **{}** | | | | |\n", esc(group)));
        }
        let mut notes: Vec<String> = Vec::new();
        if let Some(adj) = adjustment_text(ind) {
            notes.push(format!("**评分人调整**：{}", esc(&adj)));
        }
        for f in &ind.findings {
            let capped = if f.capped {
                "，已达扣分上限"
            } else {
                ""
            };
            let ev = evidence_text(&f.evidence);
            let ev = if ev.is_empty() {
                String::new()
            } else {
                format!("〔{}〕", esc(&ev.join("；")))
            };
            notes.push(format!(
                "{}（{}{capped}）{ev}",
                esc(&f.message),
                deduct_text(f.deduct)
            ));
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            esc(&ind.id),
            esc(&ind.name),
            num(ind.max),
            esc(&score_text(ind)),
            ind.status.label(),
            notes.join("<br>")
        ));
    }
    out.push('\n');
    if a.problems.is_empty() {
        out.push_str("数据问题：无\n\n");
    } else {
        out.push_str(&format!(
            "{h}# 数据问题\n\n| 级别 | 位置 | 问题 |\n|---|---|---|\n"
        ));
        for p in &a.problems {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                severity_text(p),
                esc(&render_location(p)),
                esc(&p.message)
            ));
        }
        out.push('\n');
    }
}

pub(crate) fn render_batch(b: &BatchReport) -> String {
    let mut out = String::new();
    match &b.ruleset {
        Some(r) => out.push_str(&format!(
            "# {}年度考核排名\n\n- 规则集：{}（{}）\n- 参评单位 {} 个",
            r.year,
            esc(&r.title),
            esc(&r.id),
            b.ranking.len()
        )),
        None => out.push_str("# 考核排名\n\n- 参评单位 0 个"),
    }
    if !b.failed.is_empty() {
        out.push_str(&format!("，无法评分 {} 个", b.failed.len()));
    }
    out.push_str("\n\n| 名次 | 单位 | 材料 | 总分 | 等次 | 备注 |\n|--:|---|---|--:|---|---|\n");
    for e in &b.ranking {
        let mut notes = Vec::new();
        if e.veto {
            notes.push(e.veto_label.clone());
        }
        if !e.rules.is_empty() {
            notes.push(format!("等次规则：{}", e.rules.join("；")));
        }
        if e.provisional {
            notes.push("暂定".to_string());
        }
        if !e.adjusted.is_empty() {
            notes.push(format!("含评分人调整：{}", e.adjusted.join("、")));
        }
        if e.duplicate {
            notes.push("单位重复".to_string());
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            e.rank,
            esc(&e.unit),
            esc(&e.bundle),
            num(e.score),
            esc(&e.grade),
            esc(&notes.join("；"))
        ));
    }
    let grades: Vec<String> = b
        .grades
        .iter()
        .map(|(g, n)| format!("{} {n} 个", esc(g)))
        .collect();
    out.push_str(&format!("\n等次：{}\n\n", grades.join("，")));
    if !b.losses.is_empty() {
        out.push_str(
            "## 失分最多的指标\n\n| 编号 | 指标 | 累计失分 | 失分单位数 |\n|---|---|--:|--:|\n",
        );
        for l in &b.losses {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                esc(&l.id),
                esc(&l.name),
                num(l.points_lost),
                l.townships
            ));
        }
        out.push('\n');
    }
    for d in &b.duplicates {
        out.push_str(&format!(
            "> 注意：单位「{}」有 {} 份材料（{}），请核对。\n\n",
            esc(&d.unit),
            d.bundles.len(),
            esc(&d.bundles.join("、"))
        ));
    }
    if !b.failed.is_empty() {
        out.push_str("## 无法评分的材料\n\n");
        for f in &b.failed {
            out.push_str(&format!("- {}：{}\n", esc(&f.bundle), esc(&f.error)));
        }
        out.push('\n');
    }
    for a in &b.assessments {
        township(&mut out, a, "##");
    }
    out
}

/// One township's section of the batch document, as `render_batch` writes it after the
/// summary (a national batch spools these and copies them back in ranking order).
pub(crate) fn batch_item(a: &Assessment) -> String {
    let mut out = String::new();
    township(&mut out, a, "##");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_html_and_table_breakers() {
        assert_eq!(
            esc("<script>a|b</script>"),
            "&lt;script&gt;a\\|b&lt;/script&gt;"
        );
        assert_eq!(esc("一\n二"), "一<br>二");
    }
}
