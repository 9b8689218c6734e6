//! `kaohe batch` default output: the ranking, townships per grade, the indicators that cost the
//! county the most points, duplicate 单位 and bundles that could not be scored.

use comfy_table::presets::ASCII_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

use super::table::plain;
use super::{num, ranking_notes};
use crate::model::batch::BatchReport;

const WIDTH: u16 = 140;

pub(crate) fn render(b: &BatchReport, color: bool) -> String {
    let mut out = String::new();
    if let Some(r) = &b.ruleset {
        out.push_str(&plain(&format!(
            "{}年度　{}\n规则集：{}（{}）　参评单位 {} 个",
            r.year,
            r.title,
            r.id,
            &r.sha256[..r.sha256.len().min(12)],
            b.ranking.len()
        )));
        if !b.failed.is_empty() {
            out.push_str(&format!("，无法评分 {} 个", b.failed.len()));
        }
        out.push('\n');
    }

    let mut table = new_table(color);
    table.set_header(["名次", "单位", "材料", "总分", "等次", "备注"]);
    for e in &b.ranking {
        let notes = ranking_notes(e);
        let mut grade = Cell::new(plain(&e.grade));
        if color && e.veto {
            grade = grade.fg(Color::Red);
        }
        table.add_row(vec![
            Cell::new(e.rank).set_alignment(CellAlignment::Right),
            Cell::new(plain(&e.unit)),
            Cell::new(plain(&e.bundle)),
            Cell::new(num(e.score)).set_alignment(CellAlignment::Right),
            grade,
            Cell::new(plain(&notes.join("；"))),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    let grades: Vec<String> = b
        .grades
        .iter()
        .map(|(g, n)| format!("{g} {n} 个"))
        .collect();
    out.push_str(&plain(&format!("\n等次：{}\n", grades.join("，"))));

    if !b.losses.is_empty() {
        out.push_str("\n失分最多的指标（需加强培训）：\n");
        let mut t = new_table(color);
        t.set_header(["编号", "指标", "累计失分", "失分单位数"]);
        for l in b.losses.iter().take(10) {
            t.add_row(vec![
                Cell::new(&l.id),
                Cell::new(plain(&l.name)),
                Cell::new(num(l.points_lost)).set_alignment(CellAlignment::Right),
                Cell::new(l.townships).set_alignment(CellAlignment::Right),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }

    for d in &b.duplicates {
        out.push_str(&plain(&format!(
            "\n注意：单位「{}」有 {} 份材料（{}），请核对\n",
            d.unit,
            d.bundles.len(),
            d.bundles.join("、")
        )));
    }
    if !b.failed.is_empty() {
        out.push_str("\n无法评分的材料：\n");
        for f in &b.failed {
            out.push_str(&plain(&format!("  {}：{}\n", f.bundle, f.error)));
        }
    }
    out
}

fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(ASCII_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}
