//! `--format xlsx`: a workbook an evaluator opens in Excel or WPS and prints.
//!
//! Sheets: 总表 (the ranking; for `kaohe score` the one township), 等次统计 and 失分统计 (batch
//! only), one sheet per township with its indicator table, findings and the evidence rows cited,
//! 整改清单 (every deduction a township must fix: per township, each finding that cost points,
//! its evidence and the indicator's 整改 text) and 问题清单 (every data problem with its file,
//! sheet, row and column). Scores are stored as
//! numbers, the header row is frozen and repeated on every printed page, column widths follow
//! the display width of the Chinese text (two columns per character), pages are A4 with page
//! numbers in the footer. The document's date is the evaluation date (else the submission date),
//! never the clock unless `--stamp` asks, so the same inputs give the same bytes.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::{
    adjustment_text, as_f64, evidence_text, finding_text, grade_text, grade_words, num,
    severity_text,
};
use crate::model::assessment::{Adjustment, Assessment, Status, Total};
use crate::model::batch::BatchReport;

/// Excel refuses longer cell text.
const MAX_CELL: usize = 32_000;
const A4: u8 = 9;

pub(crate) fn render_score(a: &Assessment, stamp: Option<&str>) -> Vec<u8> {
    let rows = vec![Summary {
        rank: None,
        assessment: a,
        duplicate: false,
    }];
    build(
        &rows,
        None,
        &format!("{}　{}年度考核结果", a.unit, a.ruleset.year),
        stamp,
    )
    .expect("an XLSX workbook from valid sheet names and cells")
}

pub(crate) fn render_batch(b: &BatchReport, stamp: Option<&str>) -> Vec<u8> {
    let rows: Vec<Summary> = b
        .ranking
        .iter()
        .zip(&b.assessments)
        .map(|(e, a)| Summary {
            rank: Some(e.rank),
            assessment: a,
            duplicate: e.duplicate,
        })
        .collect();
    build(&rows, Some(b), &batch_title(b), stamp)
        .expect("an XLSX workbook from valid sheet names and cells")
}

/// A batch too large to lay out every township (`kaohe batch --detail-limit`): 总表, 等次统计
/// and 失分统计 from what the batch keeps of each township, then 说明 saying where each
/// township's detail is. 总表 is written in rust_xlsxwriter's constant-memory mode (rows go to a
/// temporary file as they are written), so 38,000 townships cost a few MB.
pub(crate) fn render_batch_summary(b: &BatchReport, stamp: Option<&str>, note: &str) -> Vec<u8> {
    summary_book(b, stamp, note).expect("an XLSX workbook from valid sheet names and cells")
}

fn summary_book(b: &BatchReport, stamp: Option<&str>, note: &str) -> Result<Vec<u8>, XlsxError> {
    let title = batch_title(b);
    let styles = Styles::new();
    let mut wb = Workbook::new();
    let dated = b.totals.iter().map(|k| k.dated.as_str()).max();
    set_properties(&mut wb, &title, stamp, dated);
    let lines: Vec<Line> = b
        .ranking
        .iter()
        .zip(&b.totals)
        .map(|(e, k)| Line {
            rank: Some(e.rank),
            unit: &k.unit,
            bundle: &k.bundle,
            total: &k.total,
            veto_label: &k.veto_label,
            adjusted: k
                .adjustments
                .iter()
                .map(|(id, adj)| (id.as_str(), adj))
                .collect(),
            duplicate: e.duplicate,
        })
        .collect();
    let ws = wb.new_worksheet_with_constant_memory();
    wb.push_worksheet(summary_sheet(ws, &lines, Some(b), &styles, &title)?);
    wb.push_worksheet(grades_sheet(b, &styles, &title)?);
    wb.push_worksheet(losses_sheet(b, &styles, &title)?);
    let header = ["说明"];
    let mut ws = sheet(Worksheet::new(), "说明", &header, &styles, &title)?;
    ws.write_string_with_format(1, 0, note, &styles.wrap)?;
    ws.set_portrait();
    ws.set_column_width(0, 100)?;
    wb.push_worksheet(ws);
    wb.save_to_buffer()
}

fn batch_title(b: &BatchReport) -> String {
    match &b.ruleset {
        Some(r) => format!("{}年度考核排名　{}", r.year, r.title),
        None => "考核排名".to_string(),
    }
}

/// One line of 总表: from a township's assessment, or from what a large batch keeps of it.
struct Line<'a> {
    rank: Option<u32>,
    unit: &'a str,
    bundle: &'a str,
    total: &'a Total,
    veto_label: &'a str,
    /// Indicators the evaluator adjusted, in the rule set's order.
    adjusted: Vec<(&'a str, &'a Adjustment)>,
    duplicate: bool,
}

impl<'a> Line<'a> {
    fn of(s: &Summary<'a>) -> Line<'a> {
        let a = s.assessment;
        Line {
            rank: s.rank,
            unit: &a.unit,
            bundle: &a.bundle,
            total: &a.total,
            veto_label: a.veto_label(),
            adjusted: a
                .indicators
                .iter()
                .filter_map(|i| i.adjusted.as_ref().map(|adj| (i.id.as_str(), adj)))
                .collect(),
            duplicate: s.duplicate,
        }
    }
}

struct Summary<'a> {
    rank: Option<u32>,
    assessment: &'a Assessment,
    duplicate: bool,
}

/// Column widths that fit the widest text (by display width), within limits.
struct Widths(Vec<usize>);

impl Widths {
    fn new(header: &[&str]) -> Self {
        Widths(header.iter().map(|h| h.width()).collect())
    }
    fn see(&mut self, col: usize, text: &str) {
        let w = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        if col >= self.0.len() {
            self.0.resize(col + 1, 0);
        }
        self.0[col] = self.0[col].max(w);
    }
    fn apply(&self, ws: &mut Worksheet, max: &[usize]) -> Result<(), XlsxError> {
        for (col, w) in self.0.iter().enumerate() {
            let cap = max.get(col).copied().unwrap_or(40);
            ws.set_column_width(col as u16, ((*w).min(cap) + 2) as f64)?;
        }
        Ok(())
    }
}

struct Styles {
    header: Format,
    text: Format,
    wrap: Format,
    number: Format,
    bold: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_background_color(0xD9E1F2)
                .set_align(FormatAlign::Center),
            text: base.clone(),
            wrap: base.clone().set_text_wrap(),
            number: base.clone().set_align(FormatAlign::Right),
            bold: base.set_bold(),
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CELL {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_CELL).collect();
    out.push_str("\n（内容过长已截断，完整内容见 JSON 报告）");
    out
}

/// A sheet (new, or in constant-memory mode) set up for A4 printing with its header row frozen and repeated.
fn sheet(
    mut ws: Worksheet,
    name: &str,
    header: &[&str],
    styles: &Styles,
    title: &str,
) -> Result<Worksheet, XlsxError> {
    ws.set_name(name)?;
    for (col, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &styles.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_header(format!("&C{}", title.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(ws)
}

/// A sheet name Excel accepts (no []:*?/\, at most 31 characters), unique in the workbook.
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let clean = if clean.is_empty() {
        "单位".to_string()
    } else {
        clean
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("（{n}）")
        };
        let keep = 31 - suffix.chars().count();
        let name: String = clean.chars().take(keep).collect::<String>() + &suffix;
        if !taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            taken.push(name.clone());
            return name;
        }
        n += 1;
    }
}

/// The document's date: `--stamp`, else the latest evaluation date (else submission date) of
/// the townships (`dated`, YYYY-MM-DD), else 2000-01-01, so the same inputs give the same bytes.
fn set_properties(wb: &mut Workbook, title: &str, stamp: Option<&str>, dated: Option<&str>) {
    let date = stamp
        .and_then(|s| ExcelDateTime::parse_from_str(s).ok())
        .or_else(|| dated.and_then(excel_date))
        .unwrap_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid date"));
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("kaohe")
            .set_creation_datetime(&date),
    );
}

fn excel_date(date: &str) -> Option<ExcelDateTime> {
    let mut parts = date.split('-').map(|p| p.parse::<u16>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ExcelDateTime::from_ymd(y, m as u8, d as u8).ok()
}

fn build(
    rows: &[Summary],
    batch: Option<&BatchReport>,
    title: &str,
    stamp: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    let dated = rows
        .iter()
        .map(|s| crate::model::batch::dated(s.assessment))
        .max();
    set_properties(&mut wb, title, stamp, dated);
    let mut taken = vec![
        "总表".to_string(),
        "等次统计".to_string(),
        "失分统计".to_string(),
        "整改清单".to_string(),
        "问题清单".to_string(),
    ];

    let lines: Vec<Line> = rows.iter().map(Line::of).collect();
    wb.push_worksheet(summary_sheet(
        Worksheet::new(),
        &lines,
        batch,
        &styles,
        title,
    )?);
    if let Some(b) = batch {
        wb.push_worksheet(grades_sheet(b, &styles, title)?);
        wb.push_worksheet(losses_sheet(b, &styles, title)?);
    }
    for s in rows {
        let name = sheet_name(&s.assessment.unit, &mut taken);
        wb.push_worksheet(township_sheet(s.assessment, &name, &styles)?);
    }
    wb.push_worksheet(fixes_sheet(rows, &styles, title)?);
    wb.push_worksheet(problems_sheet(rows, &styles, title)?);
    wb.save_to_buffer()
}

const SUMMARY: [&str; 11] = [
    "名次",
    "单位",
    "材料",
    "总分",
    "基本分",
    "加分",
    "满分",
    "等次",
    "否决",
    "评分人调整",
    "备注",
];

fn summary_sheet(
    ws: Worksheet,
    rows: &[Line],
    batch: Option<&BatchReport>,
    st: &Styles,
    title: &str,
) -> Result<Worksheet, XlsxError> {
    let mut ws = sheet(ws, "总表", &SUMMARY, st, title)?;
    let mut w = Widths::new(&SUMMARY);
    let mut r = 1u32;
    for s in rows {
        match s.rank {
            Some(rank) => ws.write_number_with_format(r, 0, rank, &st.number)?,
            None => ws.write_string_with_format(r, 0, "", &st.text)?,
        };
        let adjusted: Vec<String> = s
            .adjusted
            .iter()
            .map(|(id, adj)| {
                format!(
                    "{} 计算{}→调整{}（{}，{}）",
                    id,
                    num(adj.from),
                    num(adj.to),
                    adj.reason,
                    adj.by
                )
            })
            .collect();
        let mut notes = Vec::new();
        if s.total.provisional {
            notes.push("暂定：有待评分项".to_string());
        }
        if s.duplicate {
            notes.push("单位重复".to_string());
        }
        let texts = [
            (1, s.unit.to_string()),
            (2, s.bundle.to_string()),
            (7, grade_words(s.total, s.veto_label)),
            (8, if s.total.veto { "是" } else { "否" }.to_string()),
            (9, adjusted.join("\n")),
            (10, notes.join("；")),
        ];
        for (col, t) in texts {
            ws.write_string_with_format(
                r,
                col,
                clip(&t),
                if col == 9 { &st.wrap } else { &st.text },
            )?;
            w.see(col as usize, &t);
        }
        for (col, v) in [
            (3, s.total.score),
            (4, s.total.base),
            (5, s.total.bonus),
            (6, s.total.max),
        ] {
            ws.write_number_with_format(r, col, as_f64(v), &st.number)?;
        }
        r += 1;
    }
    if let Some(b) = batch {
        for f in &b.failed {
            ws.write_string_with_format(r, 0, "", &st.text)?;
            ws.write_string_with_format(r, 2, clip(&f.bundle), &st.text)?;
            let note = format!("无法评分：{}", f.error);
            ws.write_string_with_format(r, 10, clip(&note), &st.wrap)?;
            w.see(2, &f.bundle);
            w.see(10, &note);
            r += 1;
        }
    }
    w.apply(&mut ws, &[4, 16, 20, 6, 6, 6, 6, 14, 4, 36, 30])?;
    Ok(ws)
}

fn grades_sheet(b: &BatchReport, st: &Styles, title: &str) -> Result<Worksheet, XlsxError> {
    let header = ["等次", "单位数"];
    let mut ws = sheet(Worksheet::new(), "等次统计", &header, st, title)?;
    let mut w = Widths::new(&header);
    for (i, (g, n)) in b.grades.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, g, &st.text)?;
        ws.write_number_with_format(r, 1, *n as f64, &st.number)?;
        w.see(0, g);
    }
    ws.set_portrait();
    w.apply(&mut ws, &[20, 8])?;
    Ok(ws)
}

fn losses_sheet(b: &BatchReport, st: &Styles, title: &str) -> Result<Worksheet, XlsxError> {
    let header = ["编号", "指标", "分组", "累计失分", "失分单位数"];
    let mut ws = sheet(Worksheet::new(), "失分统计", &header, st, title)?;
    let mut w = Widths::new(&header);
    for (i, l) in b.losses.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, t) in [(0, &l.id), (1, &l.name), (2, &l.group)] {
            ws.write_string_with_format(r, col, t, &st.text)?;
            w.see(col as usize, t);
        }
        ws.write_number_with_format(r, 3, as_f64(l.points_lost), &st.number)?;
        ws.write_number_with_format(r, 4, l.townships as f64, &st.number)?;
    }
    w.apply(&mut ws, &[6, 24, 30, 8, 10])?;
    Ok(ws)
}

const TOWNSHIP: [&str; 10] = [
    "编号",
    "分组",
    "指标",
    "分值",
    "得分",
    "状态",
    "计算得分",
    "评分人调整",
    "问题（扣分）",
    "依据（文件与行）",
];

fn township_sheet(a: &Assessment, name: &str, st: &Styles) -> Result<Worksheet, XlsxError> {
    let title = format!("{}　{}年度考核结果", a.unit, a.ruleset.year);
    let mut ws = sheet(Worksheet::new(), name, &TOWNSHIP, st, &title)?;
    let mut w = Widths::new(&TOWNSHIP);
    let mut r = 1u32;
    for ind in &a.indicators {
        let findings: Vec<String> = ind.findings.iter().map(finding_text).collect();
        let evidence = evidence_text(ind.findings.iter().flat_map(|f| &f.evidence));
        let texts = [
            (0, ind.id.clone(), &st.text),
            (1, ind.group.clone(), &st.wrap),
            (2, ind.name.clone(), &st.wrap),
            (5, ind.status.label().to_string(), &st.text),
            (7, adjustment_text(ind).unwrap_or_default(), &st.wrap),
            (8, findings.join("\n"), &st.wrap),
            (9, evidence.join("\n"), &st.wrap),
        ];
        for (col, t, f) in texts {
            ws.write_string_with_format(r, col, clip(&t), f)?;
            w.see(col as usize, &t);
        }
        ws.write_number_with_format(r, 3, as_f64(ind.max), &st.number)?;
        if ind.status == Status::Manual {
            ws.write_string_with_format(r, 4, "待评分", &st.text)?;
        } else {
            ws.write_number_with_format(r, 4, as_f64(ind.score), &st.number)?;
        }
        match &ind.adjusted {
            Some(adj) => ws.write_number_with_format(r, 6, as_f64(adj.from), &st.number)?,
            None => ws.write_string_with_format(r, 6, "", &st.text)?,
        };
        r += 1;
    }
    // Totals and provenance below the table, label in 指标, value in 分值/得分.
    let t = &a.total;
    r += 1;
    ws.write_string_with_format(r, 0, "合计", &st.bold)?;
    ws.write_string_with_format(r, 2, "总分（基本分＋加分）", &st.bold)?;
    ws.write_number_with_format(r, 3, as_f64(t.max), &st.number)?;
    ws.write_number_with_format(r, 4, as_f64(t.score), &st.number)?;
    ws.write_string_with_format(r, 5, grade_text(a), &st.bold)?;
    for (label, v) in [("基本分", t.base), ("加分", t.bonus)] {
        r += 1;
        ws.write_string_with_format(r, 2, label, &st.text)?;
        ws.write_number_with_format(r, 4, as_f64(v), &st.number)?;
    }
    for line in super::grading_lines(a) {
        r += 1;
        ws.write_string_with_format(r, 2, line, &st.wrap)?;
    }
    let mut facts = vec![
        ("单位", a.unit.clone()),
        ("材料", a.bundle.clone()),
        ("报送日期", a.provenance.submitted.clone()),
        ("规则集", format!("{}（{}）", a.ruleset.title, a.ruleset.id)),
    ];
    if let Some(by) = &a.provenance.evaluator {
        facts.push(("评分人", by.clone()));
        facts.push((
            "评分日期",
            a.provenance.evaluated.clone().unwrap_or_default(),
        ));
    }
    for (label, v) in facts {
        r += 1;
        ws.write_string_with_format(r, 2, label, &st.text)?;
        ws.write_string(r, 3, clip(&v))?;
    }
    // About 175 columns in all: A4 landscape, one page wide, prints at roughly 75 %.
    w.apply(&mut ws, &[5, 14, 16, 4, 6, 8, 8, 24, 48, 24])?;
    Ok(ws)
}

const FIXES: [&str; 10] = [
    "单位",
    "编号",
    "指标",
    "分值",
    "得分",
    "失分",
    "问题",
    "扣分",
    "依据（文件与行）",
    "整改办法",
];

/// 整改清单: what each township must put right. One row per finding that cost points (its
/// deduction, evidence and the indicator's 整改 text), for every indicator of the base score
/// that ended below its points; an indicator that lost points with no such finding (a veto, a
/// missing part) gets one row with its whole loss. Bonus items are not deductions, and an
/// indicator still waiting for the evaluator (待评分) has lost nothing yet; an indicator the
/// evaluator raised to full points has nothing left to fix.
fn fixes_sheet(rows: &[Summary], st: &Styles, title: &str) -> Result<Worksheet, XlsxError> {
    let mut ws = sheet(Worksheet::new(), "整改清单", &FIXES, st, title)?;
    let mut w = Widths::new(&FIXES);
    let mut r = 1u32;
    for s in rows {
        let a = s.assessment;
        for ind in &a.indicators {
            if ind.bonus
                || matches!(ind.status, Status::Manual | Status::Na)
                || ind.score >= ind.max
            {
                continue;
            }
            let lost = ind.max - ind.score;
            let costly: Vec<&crate::model::assessment::Finding> = ind
                .findings
                .iter()
                .filter(|f| f.deduct > rust_decimal::Decimal::ZERO)
                .collect();
            // (problem, deduction, evidence) per row.
            let items: Vec<(String, rust_decimal::Decimal, Vec<String>)> = if costly.is_empty() {
                let problem = if ind.findings.is_empty() {
                    ind.status.label().to_string()
                } else {
                    ind.findings
                        .iter()
                        .map(|f| f.message.clone())
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let evidence = evidence_text(ind.findings.iter().flat_map(|f| &f.evidence));
                vec![(problem, lost, evidence)]
            } else {
                costly
                    .iter()
                    .map(|f| {
                        let capped = if f.capped {
                            "（已达扣分上限）"
                        } else {
                            ""
                        };
                        (
                            format!("{}{capped}", f.message),
                            f.deduct,
                            evidence_text(&f.evidence),
                        )
                    })
                    .collect()
            };
            for (problem, deduct, evidence) in items {
                let evidence = evidence.join("\n");
                let texts = [
                    (0, &a.unit, &st.text),
                    (1, &ind.id, &st.text),
                    (2, &ind.name, &st.wrap),
                    (6, &problem, &st.wrap),
                    (8, &evidence, &st.wrap),
                    (9, &ind.fix, &st.wrap),
                ];
                for (col, t, f) in texts {
                    ws.write_string_with_format(r, col, clip(t), f)?;
                    w.see(col as usize, t);
                }
                for (col, v) in [(3, ind.max), (4, ind.score), (5, lost), (7, deduct)] {
                    ws.write_number_with_format(r, col, as_f64(v), &st.number)?;
                }
                r += 1;
            }
        }
    }
    if r == 1 {
        ws.write_string_with_format(1, 0, "无扣分，无需整改", &st.text)?;
        r = 2;
    }
    ws.autofilter(0, 0, r - 1, (FIXES.len() - 1) as u16)?;
    w.apply(&mut ws, &[12, 5, 14, 4, 4, 4, 48, 4, 30, 48])?;
    Ok(ws)
}

/// No code column: the codes are English identifiers for programs (kept in `--format json`);
/// the Chinese 问题 says the same, as the text report does.
const PROBLEMS: [&str; 10] = [
    "单位",
    "材料",
    "级别",
    "文件",
    "工作表",
    "行",
    "列",
    "键",
    "值",
    "问题",
];

fn problems_sheet(rows: &[Summary], st: &Styles, title: &str) -> Result<Worksheet, XlsxError> {
    let mut ws = sheet(Worksheet::new(), "问题清单", &PROBLEMS, st, title)?;
    let mut w = Widths::new(&PROBLEMS);
    let mut r = 1u32;
    for s in rows {
        let a = s.assessment;
        for p in &a.problems {
            let texts = [
                (0, a.unit.clone()),
                (1, a.bundle.clone()),
                (2, severity_text(p).to_string()),
                (3, p.file.clone()),
                (4, p.sheet.clone().unwrap_or_default()),
                (6, p.column.clone().unwrap_or_default()),
                (7, p.key.clone().unwrap_or_default()),
                (8, p.value.clone().unwrap_or_default()),
                (9, p.message.clone()),
            ];
            for (col, t) in texts {
                let f = if col == 9 || col == 8 {
                    &st.wrap
                } else {
                    &st.text
                };
                ws.write_string_with_format(r, col, clip(&t), f)?;
                w.see(col as usize, &t);
            }
            match p.row {
                Some(row) => ws.write_number_with_format(r, 5, row, &st.number)?,
                None => ws.write_string_with_format(r, 5, "", &st.text)?,
            };
            r += 1;
        }
    }
    ws.autofilter(
        0,
        0,
        r.saturating_sub(1).max(1),
        (PROBLEMS.len() - 1) as u16,
    )?;
    w.apply(&mut ws, &[16, 24, 4, 30, 12, 6, 12, 24, 24, 60])?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = vec!["总表".to_string()];
        assert_eq!(sheet_name("甲镇", &mut taken), "甲镇");
        assert_eq!(sheet_name("甲镇", &mut taken), "甲镇（2）");
        assert_eq!(sheet_name("总表", &mut taken), "总表（2）");
        assert_eq!(sheet_name("a/b[c]", &mut taken), "abc");
        let long = "很".repeat(40);
        let n = sheet_name(&long, &mut taken);
        assert_eq!(n.chars().count(), 31);
        let n2 = sheet_name(&long, &mut taken);
        assert_eq!(n2.chars().count(), 31);
        assert!(n2.ends_with("（2）"));
    }
}
