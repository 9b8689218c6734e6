//! `--format csv`: UTF-8 with a byte-order mark, so Excel and WPS on Chinese Windows open the
//! Chinese text correctly (without it they guess GBK and show mojibake). One header row, one
//! row per indicator (score) or per township (batch); multi-line cells are quoted.

use super::{adjustment_text, evidence_text, finding_text, grade_text, num};
use crate::model::assessment::{Assessment, Status};
use crate::model::batch::BatchReport;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn write(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        for row in rows {
            // Writing to a Vec cannot fail.
            let _ = w.write_record(row);
        }
        let _ = w.flush();
    }
    out
}

/// Text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote
/// mark, so a ledger title cannot become a formula in the evaluator's Excel.
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{s}"),
        _ => s.to_string(),
    }
}

pub(crate) fn render_score(a: &Assessment) -> Vec<u8> {
    let mut rows = vec![
        [
            "单位",
            "编号",
            "分组",
            "指标",
            "分值",
            "得分",
            "状态",
            "计算得分",
            "调整说明",
            "问题",
            "依据",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for ind in &a.indicators {
        let score = if ind.status == Status::Manual {
            String::new()
        } else {
            num(ind.score)
        };
        let findings: Vec<String> = ind.findings.iter().map(finding_text).collect();
        let evidence = evidence_text(ind.findings.iter().flat_map(|f| &f.evidence));
        rows.push(vec![
            cell(&a.unit),
            ind.id.clone(),
            cell(&ind.group),
            cell(&ind.name),
            num(ind.max),
            score,
            ind.status.label().to_string(),
            ind.adjusted
                .as_ref()
                .map(|adj| num(adj.from))
                .unwrap_or_default(),
            adjustment_text(ind).unwrap_or_default(),
            cell(&findings.join("\n")),
            cell(&evidence.join("\n")),
        ]);
    }
    let t = &a.total;
    rows.push(vec![
        cell(&a.unit),
        "合计".to_string(),
        String::new(),
        format!("基本分 {} + 加分 {}", num(t.base), num(t.bonus)),
        num(t.max),
        num(t.score),
        grade_text(a),
        String::new(),
        String::new(),
        cell(&super::grading_lines(a).join("\n")),
        String::new(),
    ]);
    // How ledgers were read (aliases, mappings, HTML saved as .xls): one more row, so an
    // evaluator reading only this file still sees it.
    let notes: Vec<&crate::diag::Problem> = a
        .problems
        .iter()
        .filter(|p| matches!(p.code, crate::diag::Code::Data(c) if c.is_reading_note()))
        .collect();
    if !notes.is_empty() {
        let mut files: Vec<&str> = notes.iter().map(|p| p.file.as_str()).collect();
        files.dedup();
        rows.push(vec![
            cell(&a.unit),
            "读取说明".to_string(),
            String::new(),
            "台账的读取方式（列名别名、列名对照、栏目对照等）".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            cell(
                &notes
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            cell(&files.join("\n")),
        ]);
    }
    write(rows)
}

pub(crate) fn render_batch(b: &BatchReport) -> Vec<u8> {
    let mut rows = vec![
        [
            "名次",
            "单位",
            "材料",
            "总分",
            "基本分",
            "加分",
            "等次",
            "否决",
            "暂定",
            "调整",
            "备注",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (e, a) in b.ranking.iter().zip(&b.totals) {
        let yes = |v: bool| if v { "是" } else { "否" }.to_string();
        let adjusted: Vec<String> = a
            .adjustments
            .iter()
            .map(|(id, adj)| format!("{} {}→{}（{}）", id, num(adj.from), num(adj.to), adj.reason))
            .collect();
        rows.push(vec![
            e.rank.to_string(),
            cell(&e.unit),
            cell(&e.bundle),
            num(e.score),
            num(a.total.base),
            num(a.total.bonus),
            e.grade.clone(),
            yes(e.veto),
            yes(e.provisional),
            cell(&adjusted.join("\n")),
            if e.duplicate { "单位重复" } else { "" }.to_string(),
        ]);
    }
    for f in &b.failed {
        let mut row = vec![String::new(); 11];
        row[2] = cell(&f.bundle);
        row[10] = cell(&format!("无法评分：{}", f.error));
        rows.push(row);
    }
    write(rows)
}
