//! Report formats. Each renders the same `Assessment` (for `kaohe score`) or `BatchReport` (for
//! `kaohe batch`); none recomputes a score.
pub(crate) mod batch_table;
pub(crate) mod csv;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod md;
pub(crate) mod precheck;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod selfreport;
pub(crate) mod table;
pub(crate) mod xlsx;

use std::path::Path;

use rust_decimal::Decimal;

use crate::model::assessment::{Assessment, IndicatorResult};
use crate::model::batch::BatchReport;

/// One registry of output formats: name, file extension, renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// 文本表格：逐项得分和问题
    Table,
    /// JSON：评分结果（kaohe.assessment/1）或批量结果（kaohe.batch/1），见 kaohe schema
    Json,
    /// JSON Lines：每行一份评分结果（批量时按材料名顺序边评边写），批量最后一行为汇总
    Jsonl,
    /// CSV（带 BOM 的 UTF-8，Excel、WPS 可直接打开）
    Csv,
    /// Markdown 表格
    Md,
    /// Excel 工作簿：总表、各乡镇分表、问题清单（须用 -o）
    Xlsx,
    /// 网页：可直接打开、A4 打印或在手机上阅读
    Html,
}

impl Format {
    pub(crate) const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Md,
        Format::Xlsx,
        Format::Html,
    ];

    /// The name `--format` takes.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    /// The extension `-o FILE` is recognised by (the first) and written with.
    pub(crate) fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Table => &["txt"],
            Format::Json => &["json"],
            Format::Jsonl => &["jsonl", "ndjson"],
            Format::Csv => &["csv"],
            Format::Md => &["md", "markdown"],
            Format::Xlsx => &["xlsx"],
            Format::Html => &["html", "htm"],
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        self.extensions()[0]
    }

    /// Bytes that must not go to a terminal.
    pub(crate) fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// The format `-o FILE` implies by its extension, when no `--format` is given.
    pub(crate) fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }

    /// Render one township's assessment.
    pub(crate) fn render_score(self, assessment: &Assessment, opts: &Options) -> Vec<u8> {
        let stamp = opts.stamp.as_deref();
        match self {
            Format::Table => stamped(table::render(assessment, opts.color), stamp),
            Format::Json => json::render_stamped(assessment, stamp).into_bytes(),
            Format::Jsonl => json::line(assessment).into_bytes(),
            Format::Csv => csv::render_score(assessment),
            Format::Md => stamped(md::render_score(assessment), stamp),
            Format::Xlsx => xlsx::render_score(assessment, stamp),
            Format::Html => html::render_score(assessment, stamp).into_bytes(),
        }
    }

    /// Render a county's batch.
    pub(crate) fn render_batch(self, batch: &BatchReport, opts: &Options) -> Vec<u8> {
        let stamp = opts.stamp.as_deref();
        match self {
            Format::Table => stamped(batch_table::render(batch, opts.color), stamp),
            Format::Json => json::render_stamped(batch, stamp).into_bytes(),
            Format::Jsonl => {
                let mut out: String = batch.assessments.iter().map(json::line).collect();
                out.push_str(&json::summary_line(batch, stamp));
                out.into_bytes()
            }
            Format::Csv => csv::render_batch(batch),
            Format::Md => stamped(md::render_batch(batch), stamp),
            Format::Xlsx => xlsx::render_batch(batch, stamp),
            Format::Html => html::render_batch(batch, stamp).into_bytes(),
        }
    }
}

/// What a report may add to what it renders.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// Colour for a terminal (table only).
    pub color: bool,
    /// When the report was made, `YYYY-MM-DDTHH:MM:SSZ`, only with `--stamp`: without it the same
    /// inputs give the same bytes. CSV has no place for it and leaves it out.
    pub stamp: Option<String>,
}

/// What `--stamp` adds at the end of a text report (table, Markdown).
pub(crate) fn stamp_suffix(stamp: Option<&str>) -> String {
    stamp.map_or_else(String::new, |s| format!("\n生成时间：{s}\n"))
}

fn stamped(mut text: String, stamp: Option<&str>) -> Vec<u8> {
    if let Some(stamp) = stamp {
        text.push_str(&format!("\n生成时间：{stamp}\n"));
    }
    text.into_bytes()
}

// ------------------------------------------------------------------ shared wording

/// Points as people write them: 2, 1.5, 0.25.
pub(crate) fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Points as a spreadsheet number (exact for two decimals).
pub(crate) fn as_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// The score as every report shows it: `-` for a pending manual indicator, and for an adjusted
/// one the evaluator's score beside the computed one.
pub(crate) fn score_text(ind: &IndicatorResult) -> String {
    use crate::model::assessment::Status;
    match (ind.status, &ind.adjusted) {
        (Status::Manual, _) => "-".to_string(),
        (_, Some(adj)) => format!("{}（原{}）", num(adj.to), num(adj.from)),
        _ => num(ind.score),
    }
}

/// One sentence for an evaluator's 调整: computed score, adjusted score, reason, evaluator.
pub(crate) fn adjustment_text(ind: &IndicatorResult) -> Option<String> {
    ind.adjusted.as_ref().map(|adj| {
        format!(
            "计算得分 {}，调整为 {}；理由：{}；评分人：{}",
            num(adj.from),
            num(adj.to),
            adj.reason,
            adj.by
        )
    })
}

/// 总分 with （暂定） and the veto, as one line.
pub(crate) fn grade_text(a: &Assessment) -> String {
    grade_words(&a.total, a.veto_label())
}

/// `grade_text` from a township's totals and veto label (what a large batch keeps of it).
pub(crate) fn grade_words(t: &crate::model::assessment::Total, veto_label: &str) -> String {
    let mut s = t.grade.clone();
    if t.provisional {
        s.push_str("（暂定）");
    }
    if t.veto {
        s.push_str(&format!("（{veto_label}）"));
    }
    s
}

/// How the parts, vetoes and grading rules formed the total and grade, one sentence each, for
/// every report (empty for a rule set that does not grade by parts and had no scoped veto).
pub(crate) fn grading_lines(a: &Assessment) -> Vec<String> {
    let mut lines = Vec::new();
    for p in &a.parts {
        let mut s = format!("{}：{}分（满分{}", p.name, num(p.score), num(p.max));
        if p.rescaled {
            s.push_str(&format!(
                "；适用指标满分{}，得分{}，按适用分值折算为{}×{}÷{}",
                num(p.applicable),
                num(p.sum),
                num(p.sum),
                num(p.max),
                num(p.applicable)
            ));
        }
        // Rounded per part (`rounding: {where: part}`): the indicators' sum, then the score.
        if !p.rescaled && p.zeroed_by.is_none() && p.sum != p.score {
            s.push_str(&format!("；指标合计{}，取舍为{}", num(p.sum), num(p.score)));
        }
        if p.weight != Decimal::ONE {
            s.push_str(&format!(
                "；权重{}，计入总分{}",
                num(p.weight),
                num(p.score * p.weight)
            ));
        }
        if let Some(by) = &p.zeroed_by {
            s.push_str(&format!("；因{by}否决不得分"));
        }
        if p.bonus {
            s.push_str("；加分项");
        }
        s.push('）');
        lines.push(s);
    }
    // A plain veto (its own indicator, the grade) is said by every report already.
    for v in a
        .total
        .vetoes
        .iter()
        .filter(|v| !v.zeroed.is_empty() || v.keeps_score)
    {
        let mut effects = Vec::new();
        if !v.zeroed.is_empty() {
            effects.push(format!("{}不得分", v.zeroed.join("、")));
        }
        if v.keeps_score {
            effects.push("保留该指标得分".to_string());
        }
        if let Some(g) = &v.grade {
            effects.push(format!("等次为{g}"));
        }
        lines.push(format!(
            "{}：{}（{}）",
            v.label,
            v.indicator,
            effects.join("，")
        ));
    }
    for r in &a.total.rules {
        let figures: Vec<String> = r
            .figures
            .iter()
            .map(|f| format!("{} = {}", f.name, f.value))
            .collect();
        let head = if r.applied {
            format!("等次规则 {}：{}（{}", r.id, r.message, r.effect)
        } else {
            // What it would have done, said as such: not an effect on this unit.
            format!("等次规则 {}：未触发（触发时{}", r.id, r.effect)
        };
        let mut s = head;
        if !figures.is_empty() {
            s.push_str(&format!("；{}", figures.join("，")));
        }
        s.push('）');
        lines.push(s);
    }
    lines
}

/// What a ranking row needs said beside its score: veto, provisional, adjustments, duplicates.
pub(crate) fn ranking_notes(e: &crate::model::batch::RankEntry) -> Vec<String> {
    let mut notes = Vec::new();
    if e.veto {
        notes.push(e.veto_label.clone());
    }
    if !e.rules.is_empty() {
        notes.push(format!("等次规则：{}", e.rules.join("；")));
    }
    if e.provisional {
        notes.push("暂定（有待评分项）".to_string());
    }
    if !e.adjusted.is_empty() {
        notes.push(format!("含评分人调整：{}", e.adjusted.join("、")));
    }
    if e.duplicate {
        notes.push("单位重复，请核对".to_string());
    }
    notes
}

/// A finding as one sentence with its deduction: `message（扣1，已达扣分上限）`.
pub(crate) fn finding_text(f: &crate::model::assessment::Finding) -> String {
    let capped = if f.capped {
        "，已达扣分上限"
    } else {
        ""
    };
    format!("{}（{}{capped}）", f.message, deduct_text(f.deduct))
}

/// `扣0.5`, or `加0.5` for an evaluator's adjustment that raised a score.
pub(crate) fn deduct_text(deduct: Decimal) -> String {
    if deduct < Decimal::ZERO {
        format!("加{}", num(-deduct))
    } else {
        format!("扣{}", num(deduct))
    }
}

/// Evidence as a reader wants it, folded the way a clerk would write it: one item per file
/// (and sheet), in the order first cited, its rows sorted and runs written as ranges —
/// `台账/新媒体发布台账.csv 第2至13、15行`, not the path once per row. A file cited without a
/// row is the file alone. Every report format uses this one fold; `--format json` keeps each
/// reference.
pub(crate) fn evidence_text<'a>(
    refs: impl IntoIterator<Item = &'a crate::model::assessment::EvidenceRef>,
) -> Vec<String> {
    // (file, sheet) in first-cited order, with the rows cited.
    type FileRows<'r> = ((&'r str, Option<&'r str>), Vec<u32>);
    let mut files: Vec<FileRows> = Vec::new();
    for r in refs {
        let key = (r.file.as_str(), r.sheet.as_deref());
        let pos = match files.iter().position(|(k, _)| *k == key) {
            Some(p) => p,
            None => {
                files.push((key, Vec::new()));
                files.len() - 1
            }
        };
        if let Some(row) = r.row {
            files[pos].1.push(row);
        }
    }
    files
        .into_iter()
        .map(|((file, sheet), mut rows)| {
            let mut s = file.to_string();
            if let Some(sheet) = sheet {
                s.push_str(&format!("［{sheet}］"));
            }
            rows.sort_unstable();
            rows.dedup();
            if !rows.is_empty() {
                s.push_str(&format!(" 第{}行", row_ranges(&rows)));
            }
            s
        })
        .collect()
}

/// Sorted, distinct row numbers as `2至13、15、17至18`.
fn row_ranges(rows: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            rows[i].to_string()
        } else {
            format!("{}至{}", rows[i], rows[j])
        });
        i = j + 1;
    }
    parts.join("、")
}

/// Problem severity in Chinese.
pub(crate) fn severity_text(p: &crate::diag::Problem) -> &'static str {
    match p.severity {
        crate::diag::Severity::Error => "错误",
        crate::diag::Severity::Warning => "提示",
    }
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The Chinese numeral of a 0-based index: 0 → 一, 9 → 十, 10 → 十一 (section and group headings).
pub(crate) fn numeral(i: usize) -> String {
    match i {
        0..=9 => NUMERALS[i].to_string(),
        10..=18 => format!("十{}", NUMERALS[i - 10]),
        19 => "二十".to_string(),
        _ => (i + 1).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn at(file: &str, row: Option<u32>) -> crate::model::assessment::EvidenceRef {
        crate::model::assessment::EvidenceRef {
            file: file.to_string(),
            sheet: None,
            row,
        }
    }

    #[test]
    fn evidence_is_folded_by_file_with_row_ranges() {
        let refs = [
            at("台账/b.csv", Some(15)),
            at("台账/a.csv", Some(3)),
            at("台账/b.csv", Some(2)),
            at("台账/b.csv", Some(3)),
            at("台账/b.csv", Some(4)),
            at("台账/b.csv", Some(4)),
            at("材料/c.pdf", None),
            at("台账/b.csv", Some(17)),
            at("台账/b.csv", Some(18)),
        ];
        assert_eq!(
            evidence_text(&refs),
            [
                "台账/b.csv 第2至4、15、17至18行",
                "台账/a.csv 第3行",
                "材料/c.pdf"
            ]
        );
        assert!(evidence_text(&[]).is_empty());
    }

    #[test]
    fn format_registry_names_and_extensions_are_unique() {
        let mut names = HashSet::new();
        let mut exts = HashSet::new();
        for f in Format::ALL {
            assert!(names.insert(f.name()), "duplicate name {}", f.name());
            assert_eq!(
                f.name(),
                f.name().to_ascii_lowercase(),
                "format names are lower case"
            );
            for e in f.extensions() {
                assert!(exts.insert(*e), "duplicate extension {e}");
            }
            let path = format!("报告.{}", f.extension().to_ascii_uppercase());
            assert_eq!(Format::from_extension(Path::new(&path)), Some(f));
            // The clap name matches the registry name.
            use clap::ValueEnum;
            assert_eq!(f.to_possible_value().unwrap().get_name(), f.name());
        }
        assert_eq!(Format::from_extension(Path::new("x.pdf")), None);
    }
}
