//! A draft 自查报告 (self-inspection report) in Markdown, in the shape of the county's usual
//! report: 一、指标自查情况 group by group, 二、存在问题, 三、下一步改进措施.
//!
//! Scores, statuses, problems and fixes come from the `Assessment` (never recomputed). The
//! paragraphs with figures under each group are the rule set's (`township.selfreport`),
//! evaluated against the bundle: each names the ledger or manifest key it was counted from, so
//! the township can check every number against its own ledger. A rule set without them gets
//! the scores, problems and fixes.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::model::assessment::{Assessment, Status};
use crate::model::ruleset::{Indicator, RuleSet};
use crate::report::{num, numeral};

/// `sentences`: the rule set's paragraphs as evaluated for the bundle, (group index, text)
/// (`score::township::selfreport`).
pub(crate) fn render(a: &Assessment, rules: &RuleSet, sentences: &[(usize, String)]) -> String {
    let year = rules.year;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}{}年度政务公开工作自查报告（草稿）\n",
        a.unit, year
    );
    let _ = writeln!(
        out,
        "根据《{}》的要求，{}对照考核指标逐项开展了{}年度政务公开工作自查。现将自查情况报告如下：\n",
        rules.title, a.unit, year
    );
    let _ = writeln!(
        out,
        "> 本草稿由 kaohe selfreport 根据报送材料「{}」生成（规则集 {}），文中数字均取自括号所注的台账或清单，请核对、补充后定稿。\n",
        a.bundle, rules.id
    );

    out.push_str("## 一、指标自查情况\n\n");
    for (gi, group) in rules.groups.iter().enumerate() {
        let indicators: Vec<&Indicator> =
            rules.indicators.iter().filter(|i| i.group == gi).collect();
        let name = group
            .name
            .split_once('、')
            .map_or(group.name.as_str(), |(_, n)| n);
        let _ = writeln!(out, "### （{}）{}\n", numeral(gi), name);
        for (_, text) in sentences.iter().filter(|(g, _)| *g == gi) {
            let _ = writeln!(out, "{text}\n");
        }
        let results: Vec<String> = a
            .indicators
            .iter()
            .filter(|r| indicators.iter().any(|i| i.id == r.id))
            .map(|r| match r.status {
                Status::Manual => format!("{} {}（{}分，待考核组评定）", r.id, r.name, num(r.max)),
                _ => format!(
                    "{} {}{}分（满分{}分，{}）",
                    r.id,
                    r.name,
                    num(r.score),
                    num(r.max),
                    r.status.label()
                ),
            })
            .collect();
        if !results.is_empty() {
            let _ = writeln!(out, "对照考核指标自查：{}。\n", results.join("；"));
        }
    }
    let t = &a.total;
    let _ = writeln!(
        out,
        "自查得分：基本分{}分，加分{}分，合计{}分（满分{}分），自评等次{}{}。\n",
        num(t.base),
        num(t.bonus),
        num(t.score),
        num(t.max),
        t.grade,
        if t.provisional {
            "（暂定，待考核组评定人工评分项）"
        } else {
            ""
        }
    );

    out.push_str("## 二、存在问题\n\n");
    let problems: Vec<_> = a
        .indicators
        .iter()
        .filter(|r| !r.bonus && !matches!(r.status, Status::Pass | Status::Manual | Status::Na))
        .collect();
    if problems.is_empty() {
        out.push_str("对照考核指标自查，未发现失分问题。\n\n");
    }
    for (i, r) in problems.iter().enumerate() {
        let found: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.deduct > Decimal::ZERO)
            .map(|f| f.message.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{}. {}（{} {}，失{}分）：{}。\n",
            i + 1,
            r.group
                .split_once('、')
                .map_or(r.group.as_str(), |(_, n)| n),
            r.id,
            r.name,
            num(r.max - r.score),
            found.join("；")
        );
    }
    let data_errors = a
        .problems
        .iter()
        .filter(|p| p.severity == crate::diag::Severity::Error)
        .count();
    if data_errors > 0 {
        let _ = writeln!(
            out,
            "此外，报送材料中有{data_errors}处数据错误（如日期、数字无法识别），需逐一更正。\n"
        );
    }

    out.push_str("## 三、下一步改进措施\n\n");
    let mut fixes: Vec<&str> = Vec::new();
    for r in &problems {
        if !r.fix.is_empty() && !fixes.contains(&r.fix.as_str()) {
            fixes.push(&r.fix);
        }
    }
    if fixes.is_empty() {
        out.push_str("继续按考核指标要求做好政务公开各项工作。\n\n");
    }
    for (i, fix) in fixes.iter().enumerate() {
        let _ = writeln!(out, "{}是{}\n", numeral(i), fix);
    }

    out.push_str("## 附：数据来源\n\n");
    for e in &a.evidence {
        let hash = e
            .sha256
            .as_deref()
            .map(|h| format!("SHA-256 {}", &h[..h.len().min(12)]))
            .unwrap_or_else(|| format!("未报送（{}）", e.status.unwrap_or("missing")));
        let _ = writeln!(out, "- {}：{}", e.file, hash);
    }
    out
}
