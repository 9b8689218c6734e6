//! The seed's ledger saved the way Excel/WPS on Chinese Windows save it must score the same.
//! Seed values (EXPECTED.md): 1.3 3 (40 工作动态), 1.6 3 (row 57 late), 3.1 4 (69 rows),
//! 3.2 3.5 (row 55 without 索引号), 3.3 4.

use crate::harness::*;

const ZD: &str = "台账/主动公开台账.csv";

fn assert_seed_ledger_scores(r: &Report) {
    r.expect("1.3", 3.0, "pass");
    r.expect("1.6", 3.0, "partial");
    r.expect("3.1", 4.0, "pass");
    r.expect("3.2", 3.5, "partial");
    r.expect("3.3", 4.0, "pass");
    assert_eq!(r.cited_rows("1.6"), vec![57]);
}

#[test]
fn gbk_csv_scores_like_utf8() {
    let b = Bundle::seed();
    let text = b.read(ZD);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "the seed ledger is GBK-encodable");
    std::fs::write(b.path(ZD), &bytes).unwrap();
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn utf8_bom_csv_scores_like_utf8() {
    let b = Bundle::seed();
    let text = b.read(ZD);
    b.write(ZD, &format!("\u{feff}{text}"));
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn utf16_tab_separated_scores_like_utf8() {
    // Excel's "Unicode 文本": UTF-16LE with a BOM, tab-separated.
    let b = Bundle::seed();
    let text = b.read(ZD).replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(b.path(ZD), &bytes).unwrap();
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn crlf_and_reordered_columns_score_like_the_seed() {
    // Columns are found by header name; order does not matter; CRLF line ends are fine.
    let b = Bundle::seed();
    let text = b.read(ZD);
    let mut out = String::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split(',').collect();
        // 序号,标题,栏目,索引号,成文日期,发布日期,领域,链接 → 发布日期,栏目,标题,索引号,成文日期,领域,链接,序号
        let order = [5, 2, 1, 3, 4, 6, 7, 0];
        let v: Vec<&str> = order.iter().map(|&i| cells[i]).collect();
        out.push_str(&v.join(","));
        out.push_str("\r\n");
    }
    b.write(ZD, &out);
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn windows_backslash_paths_in_manifest() {
    let b = Bundle::seed();
    b.edit(
        "  主动公开: 台账/主动公开台账.csv",
        "  主动公开: 台账\\主动公开台账.csv",
    );
    b.edit(
        "    文件: 材料/领导小组通知.pdf",
        "    文件: 材料\\领导小组通知.pdf",
    );
    // `\` means `/`: same ledger, and the 领导小组 file exists → 7.1 4
    let r = b.score();
    assert_seed_ledger_scores(&r);
    r.expect("7.1", 4.0, "pass");
}
