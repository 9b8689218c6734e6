//! 四、政府公报 (4.1) and 五、向查阅场所提供公开资料 (5.1).

use crate::harness::*;

const GAZETTE_FILE: &str = "台账/政府公报发放台账.csv";
const GAZETTE_HEADER: &str = "期数,接收日期,份数,放置地点,签收人\n";
const CY: &str = "台账/查阅场所报送记录.csv";
const CY_HEADER: &str = "报送日期,接收单位,套数,内容\n";

fn gazette(rows: &[(&str, &str)]) -> String {
    let mut s = String::from(GAZETTE_HEADER);
    for (qs, d) in rows {
        s.push_str(&format!("{qs},{d},2,查阅点,李晓梅\n"));
    }
    s
}

// ------------------------------------------------------------------ 4.1 公报发放台账

#[test]
fn t4_1_pass_all_twelve() {
    let b = Bundle::seed();
    let rows: Vec<(String, String)> = (1..=12)
        .map(|n| (format!("2021年第{n}期"), format!("2021-{n:02}-20")))
        .collect();
    let v: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    b.write(GAZETTE_FILE, &gazette(&v));
    // issues 1..12 all received in 2021 → 0 missing → 5
    b.score().expect("4.1", 5.0, "pass");
}

#[test]
fn t4_1_partial_seed_missing_issue_8() {
    // seed: 第1–7, 9–12期 → 第8期 missing → −0.5 → 4.5
    let r = Bundle::seed().score();
    r.expect("4.1", 4.5, "partial");
    assert_eq!(r.findings("4.1").len(), 1);
}

#[test]
fn t4_1_partial_received_next_year_and_number_forms() {
    let b = Bundle::seed();
    b.write(
        GAZETTE_FILE,
        &gazette(&[
            ("2021年第1期", "2021-01-20"),
            ("第2期", "2021-02-20"),
            ("2021年第３期", "2021-03-20"), // full-width digit 3
            ("2021-4", "2021-04-20"),
            ("2021年第5期", "2021-05-20"),
            ("2021年第5期", "2021-05-21"), // duplicate: still only issue 5
            ("2021年第6期", "2021-06-20"),
            ("2021年第7期", "2021-07-20"),
            ("2021年第8期", "2021-08-20"),
            ("2021年第9期", "2021-09-20"),
            ("2021年第10期", "2021-10-20"),
            ("2021年第11期", "2021-11-20"),
            ("2021年第12期", "2022-01-05"), // received in 2022 → not counted
        ]),
    );
    // issue = last number: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 received in 2021; 12 missing
    // → 1 × 0.5 → 4.5
    b.score().expect("4.1", 4.5, "partial");
}

#[test]
fn t4_1_capped_header_only() {
    let b = Bundle::seed();
    b.write(GAZETTE_FILE, GAZETTE_HEADER);
    // 12 missing × 0.5 = 6 > 5 → 0: ten findings carry 0.5, the 11th and 12th are capped
    let r = b.score();
    r.expect("4.1", 0.0, "gap");
    let f = r.findings("4.1");
    assert_eq!(f.len(), 12);
    assert_eq!(f.iter().filter(|x| x["capped"] == true).count(), 2);
}

#[test]
fn t4_1_missing_without_ledger() {
    let b = Bundle::seed();
    b.edit("  公报发放: 台账/政府公报发放台账.csv\n", "");
    // not submitted → 缺材料, 0
    b.score().expect("4.1", 0.0, "missing");
}

// ------------------------------------------------------------------ 5.1 报送公开资料

#[test]
fn t5_1_pass_seed() {
    // 2 + 1 = 3 套 ≥ 2 → 5
    Bundle::seed().score().expect("5.1", 5.0, "pass");
}

#[test]
fn t5_1_pass_two_sets_one_row() {
    let b = Bundle::seed();
    b.write(CY, &format!("{CY_HEADER}2021-12-31,县档案馆,2,全年汇编\n"));
    // s = 2 → 5
    b.score().expect("5.1", 5.0, "pass");
}

#[test]
fn t5_1_partial_one_set() {
    let b = Bundle::seed();
    b.write(
        CY,
        &format!("{CY_HEADER}2021-05-01,县政务公开办公室,两套,上半年汇编\n2021-06-01,县图书馆,1,半年汇编\n2022-01-10,县档案馆,3,全年汇编\n"),
    );
    // row 2 "两套" is not a number → data problem, empty; row 4 is 2022 → s = 1 → 2.5
    let r = b.score();
    r.expect("5.1", 2.5, "partial");
    assert!(
        r.problems()
            .iter()
            .any(|p| p["file"] == CY && p["row"] == 2),
        "{:#?}",
        r.problems()
    );
}

#[test]
fn t5_1_gap_none_in_year() {
    let b = Bundle::seed();
    b.write(CY, &format!("{CY_HEADER}2022-01-10,县档案馆,3,全年汇编\n"));
    // s = 0 → 0 (records submitted → gap, not 缺材料)
    b.score().expect("5.1", 0.0, "gap");
}

#[test]
fn t5_1_missing_without_ledger() {
    let b = Bundle::seed();
    b.edit("  查阅场所报送: 台账/查阅场所报送记录.csv\n", "");
    b.score().expect("5.1", 0.0, "missing");
}
