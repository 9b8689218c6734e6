//! 一、政府信息与政务公开: 1.1–1.8.
//! Calendar facts used below (data/cn-holidays.csv, 2021): 2021-01-01 is a Friday.
//! 春节: 02-11 (Thu) … 02-17 (Wed) off; 02-07 (Sun) and 02-20 (Sat) are working days.
//! 清明: 04-03 … 04-05 off. 中秋: 09-19 … 09-21 off, 09-18 (Sat) worked.
//! 国庆: 10-01 (Fri) … 10-07 off; 09-26 (Sun) and 10-09 (Sat) are working days.

use crate::harness::*;

// ------------------------------------------------------------------ 1.1 机构职能

#[test]
fn t1_1_pass_one_in_year_row() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("机构职能", "2021-12-30", "2021-12-31"),
        ("工作动态", "2021-03-01", "2021-03-01"),
    ]));
    // 1 row of 机构职能 with 发布日期 2021-12-31 (last day of the year) ≥ 1 → 2
    b.score().expect("1.1", 2.0, "pass");
}

#[test]
fn t1_1_gap_only_out_of_year_rows() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("机构职能", "2020-12-30", "2020-12-31"), // 2020: not in year
        ("机构职能", "2022-01-01", "2022-01-04"), // 2022: not in year
        ("工作动态", "2021-03-01", "2021-03-01"),
    ]));
    // 0 in-year 机构职能 rows → 0, evidence present → gap
    let r = b.score();
    r.expect("1.1", 0.0, "gap");
    assert_eq!(
        r.findings("1.1").len(),
        1,
        "all-or-nothing: one finding with the whole 2"
    );
}

#[test]
fn t1_1_missing_without_ledger() {
    let b = Bundle::seed();
    b.edit("  主动公开: 台账/主动公开台账.csv\n", "");
    // 台账.主动公开 absent → 缺材料, 0, one finding carrying 2
    b.score().expect("1.1", 0.0, "missing");
}

#[test]
fn t1_1_missing_when_required_column_absent() {
    let b = Bundle::seed();
    // No 索引号 column: the ledger is unusable → 缺材料 for every indicator that needs it.
    b.proactive_ledger(
        "序号,标题,栏目,成文日期,发布日期\n1,机构职能说明,机构职能,2021-01-04,2021-01-05\n",
    );
    let r = b.score();
    r.expect("1.1", 0.0, "missing");
    r.expect("3.1", 0.0, "missing");
    assert!(
        r.problems()
            .iter()
            .any(|p| p["file"] == "台账/主动公开台账.csv"
                && p["message"].as_str().unwrap_or("").contains("索引号")
                || p["column"] == "索引号"),
        "a problem names the file and the missing column 索引号: {:#?}",
        r.problems()
    );
}

// ------------------------------------------------------------------ 1.2 领导成员和分工

#[test]
fn t1_2_pass() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[(
        "领导成员和分工",
        "2021-06-01",
        "2021-06-02",
    )]));
    // 1 row ≥ 1 → 2
    b.score().expect("1.2", 2.0, "pass");
}

#[test]
fn t1_2_gap_wrong_column_name() {
    let b = Bundle::seed();
    // 栏目 compared as written after trimming: "领导名单" is not "领导成员和分工" (the rule set
    // maps 领导信息 and 领导分工, not 领导名单: a list of names has no 分工; docs/decisions.md).
    b.proactive_ledger(&proactive_rows(&[
        ("领导名单", "2021-06-01", "2021-06-02"),
        ("机构职能", "2021-06-01", "2021-06-02"),
    ]));
    // 0 rows → 0 gap
    b.score().expect("1.2", 0.0, "gap");
}

#[test]
fn t1_2_pass_after_trimming_spaces() {
    let b = Bundle::seed();
    // Leading/trailing spaces (incl. full-width U+3000) are trimmed before comparing 栏目.
    b.proactive_ledger(&proactive_rows(&[(
        "\u{3000}领导成员和分工 ",
        "2021-06-01",
        "2021-06-02",
    )]));
    b.score().expect("1.2", 2.0, "pass");
}

// ------------------------------------------------------------------ 1.3 工作动态数量

#[test]
fn t1_3_pass_24() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("工作动态", 24));
    // n = 24 ≥ 24 → 3
    b.score().expect("1.3", 3.0, "pass");
}

#[test]
fn t1_3_partial_23() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("工作动态", 23));
    // 12 ≤ 23 < 24 → 1.5
    b.score().expect("1.3", 1.5, "partial");
}

#[test]
fn t1_3_partial_12() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("工作动态", 12));
    // 12 ≤ 12 < 24 → 1.5
    b.score().expect("1.3", 1.5, "partial");
}

#[test]
fn t1_3_gap_11() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("工作动态", 11));
    // 11 < 12 → 0
    b.score().expect("1.3", 0.0, "gap");
}

// ------------------------------------------------------------------ 1.4 工作动态更新频率

/// Every 14 days from 2021-01-14: 01-14 … 12-30 (26 dates).
const FORTNIGHTLY: [&str; 26] = [
    "2021-01-14",
    "2021-01-28",
    "2021-02-11",
    "2021-02-25",
    "2021-03-11",
    "2021-03-25",
    "2021-04-08",
    "2021-04-22",
    "2021-05-06",
    "2021-05-20",
    "2021-06-03",
    "2021-06-17",
    "2021-07-01",
    "2021-07-15",
    "2021-07-29",
    "2021-08-12",
    "2021-08-26",
    "2021-09-09",
    "2021-09-23",
    "2021-10-07",
    "2021-10-21",
    "2021-11-04",
    "2021-11-18",
    "2021-12-02",
    "2021-12-16",
    "2021-12-30",
];

fn dynamics(dates: &[&str]) -> String {
    let rows: Vec<(&str, &str, &str)> = dates.iter().map(|d| ("工作动态", *d, *d)).collect();
    proactive_rows(&rows)
}

#[test]
fn t1_4_pass_every_fourteen_days() {
    let b = Bundle::seed();
    let mut dates = FORTNIGHTLY.to_vec();
    dates.push("2021-05-06"); // a duplicate date counts once
    b.proactive_ledger(&dynamics(&dates));
    // gaps: 01-01→01-14 = 13; then 14 each; 12-30→12-31 = 1. g ≤ 14 → ⌊(g−1)/14⌋ = 0 → 3
    b.score().expect("1.4", 3.0, "pass");
}

#[test]
fn t1_4_partial_28_day_gap() {
    let b = Bundle::seed();
    let dates: Vec<&str> = FORTNIGHTLY
        .iter()
        .copied()
        .filter(|d| *d != "2021-07-15")
        .collect();
    b.proactive_ledger(&dynamics(&dates));
    // 07-01→07-29 = 28 days → ⌊27/14⌋ = 1 断更 → −0.5 → 2.5
    let r = b.score();
    r.expect("1.4", 2.5, "partial");
    assert_eq!(r.findings("1.4").len(), 1, "one 断更 gap, one finding");
}

#[test]
fn t1_4_partial_30_day_gap() {
    let b = Bundle::seed();
    let mut dates: Vec<&str> = FORTNIGHTLY
        .iter()
        .copied()
        .filter(|d| *d != "2021-07-15" && *d != "2021-07-29")
        .collect();
    dates.push("2021-07-31");
    b.proactive_ledger(&dynamics(&dates));
    // 07-01→07-31 = 30 days → ⌊29/14⌋ = 2 断更 → −1; 07-31→08-12 = 12 → 0. 3 − 1 = 2
    b.score().expect("1.4", 2.0, "partial");
}

#[test]
fn t1_4_partial_15_and_56_day_gaps() {
    let b = Bundle::seed();
    // Replace 01-14 by 01-16: 01-01→01-16 = 15 days → ⌊14/14⌋ = 1 断更; 01-16→01-28 = 12 → 0.
    // Drop 07-15, 07-29 and 08-12: 07-01→08-26 = 30 (rest of July) + 26 = 56 days
    // → ⌊55/14⌋ = 3 断更. Total 1 + 3 = 4 断更 × 0.5 = 2 → 3 − 2 = 1
    let mut dates: Vec<&str> = FORTNIGHTLY
        .iter()
        .copied()
        .filter(|d| !["2021-01-14", "2021-07-15", "2021-07-29", "2021-08-12"].contains(d))
        .collect();
    dates.push("2021-01-16");
    b.proactive_ledger(&dynamics(&dates));
    b.score().expect("1.4", 1.0, "partial");
}

#[test]
fn t1_4_capped_single_date() {
    let b = Bundle::seed();
    b.proactive_ledger(&dynamics(&["2021-07-01"]));
    // gaps: 01-01→07-01 = 181 → ⌊180/14⌋ = 12 (−6); 07-01→12-31 = 183 → ⌊182/14⌋ = 13 (−6.5)
    // total −12.5, 扣完为止 at 3 → 0 (evidence present → gap); deductions add up to 3
    let r = b.score();
    r.expect("1.4", 0.0, "gap");
    let f = r.findings("1.4");
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[1]["capped"], true,
        "the second gap comes after the points are used up"
    );
    assert!(close(num(&f[1]["deduct"]), 0.0));
}

#[test]
fn t1_4_gap_no_dynamics() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[("机构职能", "2021-01-04", "2021-01-05")]));
    // n = 0 → 0 (未达标)
    b.score().expect("1.4", 0.0, "gap");
}

// ------------------------------------------------------------------ 1.5 会议通知

#[test]
fn t1_5_pass_quarter_boundaries() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("会议通知", "2021-03-30", "2021-03-31"), // Q1 (last day)
        ("会议通知", "2021-03-31", "2021-04-01"), // Q2 (first day)
        ("会议通知", "2021-09-29", "2021-09-30"), // Q3
        ("会议通知", "2021-12-30", "2021-12-31"), // Q4
    ]));
    // 4 quarters covered → 2
    b.score().expect("1.5", 2.0, "pass");
}

#[test]
fn t1_5_partial_two_quarters_missing() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("会议通知", "2020-12-14", "2020-12-15"), // 2020: ignored
        ("会议通知", "2021-03-30", "2021-03-31"), // Q1
        ("会议通知", "2021-07-01", "2021-07-01"), // Q3
        ("工作动态", "2021-05-10", "2021-05-10"), // not 会议通知
        ("工作动态", "2021-11-10", "2021-11-10"),
    ]));
    // Q2 and Q4 missing → 2 × 0.5 = 1 → 2 − 1 = 1
    let r = b.score();
    r.expect("1.5", 1.0, "partial");
    assert_eq!(
        r.findings("1.5").len(),
        2,
        "one finding per missing quarter"
    );
}

#[test]
fn t1_5_gap_no_meetings() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[("工作动态", "2021-05-10", "2021-05-10")]));
    // 4 quarters missing → 4 × 0.5 = 2 → 0
    b.score().expect("1.5", 0.0, "gap");
}

// ------------------------------------------------------------------ 1.6 政府文件公开时效

#[test]
fn t1_6_pass_spring_festival_20_workdays() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[("政府文件", "2021-02-01", "2021-03-04")]));
    // 成文 02-01 (Mon). Working days after it: 02-02..02-05 (1–4), 02-07 Sun 调休 (5),
    // 02-08..02-10 (6–8), 02-11..02-17 off, 02-18, 02-19 (9, 10), 02-20 Sat 调休 (11),
    // 02-22..02-26 (12–16), 03-01..03-04 (17–20) → 20 ≤ 20 → on time → 4
    b.score().expect("1.6", 4.0, "pass");
}

#[test]
fn t1_6_late_spring_festival_21_workdays() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[("政府文件", "2021-02-01", "2021-03-05")]));
    // as above, 03-05 (Fri) is the 21st working day → 21 > 20 → −1 → 3
    // (counting weekdays only, ignoring the holiday, would wrongly give 24)
    b.score().expect("1.6", 3.0, "partial");
}

#[test]
fn t1_6_pass_national_day_20_workdays() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[("政府文件", "2021-09-24", "2021-10-27")]));
    // 成文 09-24 (Fri): 09-26 Sun 调休 (1), 09-27..09-30 (2–5), 10-01..10-07 off, 10-08 (6),
    // 10-09 Sat 调休 (7), 10-11..10-15 (8–12), 10-18..10-22 (13–17), 10-25..10-27 (18–20)
    // → 20 ≤ 20 → 4
    b.score().expect("1.6", 4.0, "pass");
}

#[test]
fn t1_6_late_national_day_21_workdays() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("政府文件", "2021-09-24", "2021-10-28"),
        ("政府文件", "2021-09-24", "2021-10-27"),
    ]));
    // row 2: 10-28 is the 21st working day → −1; row 3: 20 → ok. 4 − 1 = 3
    let r = b.score();
    r.expect("1.6", 3.0, "partial");
    assert_eq!(r.cited_rows("1.6"), vec![2]);
}

#[test]
fn t1_6_empty_chengwen_and_publish_before_chengwen() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("政府文件", "", "2021-05-10"),           // row 2: 成文日期 empty → −1
        ("政府文件", "2021-05-20", "2021-05-10"), // row 3: 发布 before 成文 → −1
        ("政府文件", "2021-05-06", "2021-05-10"), // row 4: 2 working days → ok
        ("政府文件", "2020-10-09", "2020-12-31"), // row 5: 发布 2020 → not in year
    ]));
    // 4 − 2 = 2
    let r = b.score();
    r.expect("1.6", 2.0, "partial");
    assert_eq!(r.cited_rows("1.6"), vec![2, 3]);
}

#[test]
fn t1_6_capped_after_four() {
    let b = Bundle::seed();
    let late = ("政府文件", "2021-01-04", "2021-12-01");
    b.proactive_ledger(&proactive_rows(&[late, late, late, late, late]));
    // 5 late rows × 1 = 5 > 4: the first four carry 1 each, the fifth is listed, capped, deduct 0
    let r = b.score();
    r.expect("1.6", 0.0, "gap");
    let f = r.findings("1.6");
    assert_eq!(f.len(), 5);
    let capped: Vec<&serde_json::Value> = f.iter().filter(|x| x["capped"] == true).collect();
    assert_eq!(capped.len(), 1);
    assert!(close(num(&capped[0]["deduct"]), 0.0));
}

#[test]
fn t1_6_gap_no_government_documents() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("工作动态", "2021-05-10", "2021-05-10"),
        ("政府文件", "2020-11-02", "2020-11-03"),
    ]));
    // no in-year 政府文件 → 0 (未达标)
    b.score().expect("1.6", 0.0, "gap");
}

#[test]
fn t1_6_uncovered_calendar_year_is_a_problem_and_late() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("政府文件", "2018-12-20", "2021-01-10"),
        ("政府文件", "2021-05-06", "2021-05-10"),
    ]));
    // row 2 needs working days of 2018, which the calendar (2019–2026) does not cover:
    // a data problem naming 2018 on that row, and the row counts as 逾期 → 4 − 1 = 3
    let r = b.score();
    r.expect("1.6", 3.0, "partial");
    let p = r.problems_mentioning("2018");
    assert!(
        p.iter()
            .any(|p| p["row"] == 2 && p["file"] == "台账/主动公开台账.csv"),
        "a problem on row 2 names 2018: {:#?}",
        r.problems()
    );
}

#[test]
fn t1_6_title_row_above_header_keeps_sheet_row_numbers() {
    let b = Bundle::seed();
    let csv = format!(
        "xx镇政府信息主动公开台账,,,,,,\n{}",
        proactive_rows(&[
            ("政府文件", "2021-05-06", "2021-05-10"),
            ("政府文件", "2021-09-24", "2021-10-28")
        ])
    );
    b.proactive_ledger(&csv);
    // title on row 1, header row 2, data rows 3 and 4; the late one (21 working days) is row 4
    let r = b.score();
    r.expect("1.6", 3.0, "partial");
    assert_eq!(r.cited_rows("1.6"), vec![4]);
}

#[test]
fn t1_6_chinese_date_spellings() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("政府文件", "2021年9月24日", "2021/10/27"),
        ("政府文件", "2021.2.1", "2021年3月5号"),
    ]));
    // row 2 = 09-24 → 10-27: 20 → ok; row 3 = 02-01 → 03-05: 21 → −1 → 3
    let r = b.score();
    r.expect("1.6", 3.0, "partial");
    assert_eq!(r.cited_rows("1.6"), vec![3]);
}

// ------------------------------------------------------------------ 1.7 建议提案办理结果

const JYTA: &str = "  承办数量: 2\n  已公开办理结果: 2\n";

#[test]
fn t1_7_pass_seed() {
    // 承办 2, 公开 2 → n − m = 0 → 2
    Bundle::seed().score().expect("1.7", 2.0, "pass");
}

#[test]
fn t1_7_partial_one_unpublished() {
    let b = Bundle::seed();
    b.edit(JYTA, "  承办数量: 3\n  已公开办理结果: 2\n");
    // n − m = 1 → −1 → 1
    b.score().expect("1.7", 1.0, "partial");
}

#[test]
fn t1_7_capped_three_unpublished() {
    let b = Bundle::seed();
    b.edit(JYTA, "  承办数量: 3\n  已公开办理结果: 0\n");
    // n − m = 3 × 1 = 3 > 2 → 0; the third is capped
    let r = b.score();
    r.expect("1.7", 0.0, "gap");
    assert_eq!(r.findings("1.7").len(), 3);
    assert_eq!(r.findings("1.7")[2]["capped"], true);
}

#[test]
fn t1_7_pass_none_handled() {
    let b = Bundle::seed();
    b.edit(JYTA, "  承办数量: 0\n  已公开办理结果: 0\n");
    // n = 0 → 2
    b.score().expect("1.7", 2.0, "pass");
}

#[test]
fn t1_7_pass_more_published_than_handled() {
    let b = Bundle::seed();
    b.edit(JYTA, "  承办数量: 2\n  已公开办理结果: 5\n");
    // m > n counts as m = n → 0 missing → 2
    b.score().expect("1.7", 2.0, "pass");
}

#[test]
fn t1_7_missing_when_a_figure_is_absent() {
    let b = Bundle::seed();
    b.edit(JYTA, "  承办数量: 2\n");
    // 已公开办理结果 not filled → 缺材料, 0
    b.score().expect("1.7", 0.0, "missing");
}

#[test]
fn t1_7_missing_when_a_figure_is_unreadable() {
    let b = Bundle::seed();
    b.edit(JYTA, "  承办数量: 两件\n  已公开办理结果: 2\n");
    // 承办数量 is not a number → data problem, treated as empty → 缺材料
    b.score().expect("1.7", 0.0, "missing");
}

// ------------------------------------------------------------------ 1.8 重点领域信息

#[test]
fn t1_8_pass_three_domains_with_separators() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_full(&[
        [
            "低保公示",
            "工作动态",
            "A-1",
            "2021-03-01",
            "2021-03-02",
            "\"社会救助/房屋征收,筹资筹劳\"",
        ],
        [
            "征地公告",
            "政府文件",
            "A-2",
            "2021-03-01",
            "2021-03-02",
            "社会救助",
        ],
    ]));
    // row 2 splits on / and , → 社会救助, 房屋征收, 筹资筹劳; row 3 repeats 社会救助 → k = 3 → 2
    b.score().expect("1.8", 2.0, "pass");
}

#[test]
fn t1_8_partial_two_domains() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_full(&[
        [
            "水利",
            "工作动态",
            "A-1",
            "2021-03-01",
            "2021-03-02",
            "农田水利；土地征收",
        ],
        [
            "振兴",
            "工作动态",
            "A-2",
            "2021-03-01",
            "2021-03-02",
            "农业农村政策（乡村振兴）",
        ],
        [
            "宅基地",
            "工作动态",
            "A-3",
            "2020-03-01",
            "2020-03-02",
            "宅基地审核",
        ],
        [
            "其他",
            "工作动态",
            "A-4",
            "2021-03-01",
            "2021-03-02",
            "乡村振兴",
        ],
    ]));
    // row 2 → 农田水利, 土地征收 (split on ；); row 3 "农业农村政策（乡村振兴）" is not equal to
    // a domain; row 4 is 2020; row 5 not a domain → k = 2 → 1
    b.score().expect("1.8", 1.0, "partial");
}

#[test]
fn t1_8_gap_one_domain() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_full(&[[
        "救助",
        "工作动态",
        "A-1",
        "2021-03-01",
        "2021-03-02",
        "社会救助、社会救助",
    ]]));
    // k = 1 < 2 → 0
    b.score().expect("1.8", 0.0, "gap");
}

#[test]
fn t1_8_gap_without_domain_column() {
    let b = Bundle::seed();
    b.proactive_ledger(
        "序号,标题,栏目,索引号,成文日期,发布日期\n1,某条目,工作动态,A-1,2021-03-01,2021-03-02\n",
    );
    // no 领域 column → k = 0 → 0 (未达标, the ledger itself is usable)
    let r = b.score();
    r.expect("1.8", 0.0, "gap");
    r.expect("3.1", 0.0, "gap"); // 1 < 40 → 0, the ledger is usable
}
