//! The second fixture, yy乡 (fixtures/yy-township-2021): a weaker township; per-indicator
//! arithmetic in its EXPECTED.md.

use std::path::Path;

use crate::harness::*;

const SECOND_TOWNSHIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/yy-township-2021");

fn second_township() -> Report {
    // Scored in place: the engine never writes into a bundle folder.
    Report::from_output(
        kaohe()
            .arg("score")
            .arg(Path::new(SECOND_TOWNSHIP))
            .args(["--format", "json"])
            .output()
            .unwrap(),
    )
}

const SECOND_TOWNSHIP_SCORES: &[(&str, f64, &str)] = &[
    ("1.1", 0.0, "gap"),     // only a 2020 机构职能 row
    ("1.2", 2.0, "pass"),    // row 10
    ("1.3", 1.5, "partial"), // 13 工作动态: 12 ≤ 13 < 24
    ("1.4", 0.0, "gap"),     // 16 断更 × 0.5 = 8 > 3
    ("1.5", 1.5, "partial"), // Q4 missing
    ("1.6", 2.0, "partial"), // row 13: 23 working days; row 21: 成文日期 empty
    ("1.7", 1.0, "partial"), // 承办 1, 公开 0
    ("1.8", 1.0, "partial"), // 社会救助, 农田水利 → k = 2
    ("2.1", 2.0, "pass"),
    ("2.2", 3.0, "partial"), // row 2: 25 working days > 20
    ("2.3", 1.0, "partial"), // row 3: 已答复
    ("2.4", 1.0, "partial"), // no phone
    ("3.1", 0.0, "gap"),     // 20 < 40
    ("3.2", 2.5, "partial"), // rows 9, 17 (索引号), 25 (发布日期)
    ("3.3", 2.0, "partial"), // 总数 25 ≠ 20, 会议通知 4 ≠ 3
    ("3.4", 0.0, "manual"),
    ("3.5", 4.0, "partial"), // one 一般表述错误
    ("4.1", 4.0, "partial"), // 第11, 12期 received in 2022
    ("5.1", 2.5, "partial"), // 1 套
    ("6.1", 3.0, "partial"), // 2022-02-10 > 2022-01-31
    ("6.2", 5.0, "partial"), // 其他需要报告的事项 missing
    ("6.3", 3.0, "partial"), // (a) 2 = 2; (b) 2 + 0 ≠ 1 + 0
    ("7.1", 2.0, "partial"), // 乡党委副书记
    ("7.2", 2.0, "partial"), // 专职人员 []
    ("7.3", 2.0, "partial"), // 4 kinds missing
    ("7.4", 2.0, "pass"),
    ("7.5", 0.0, "gap"),
    ("7.6", 0.0, "gap"),
    ("B1", 0.0, "gap"),
    ("B2", 1.0, "partial"),
];

#[test]
fn second_township_every_indicator() {
    let r = second_township();
    for (id, score, status) in SECOND_TOWNSHIP_SCORES {
        r.expect(id, *score, status);
    }
}

#[test]
fn second_township_total_and_grade() {
    let r = second_township();
    // base 9 + 7 + 8.5 + 4 + 2.5 + 11 + 8 = 50; bonus min(5, 0 + 1) = 1; 51 < 60 → 不合格
    r.expect_total(50.0, 1.0, 51.0, "不合格");
    assert_eq!(r.total()["veto"], false);
    assert_eq!(r.total()["provisional"], true);
    assert_eq!(r.json["unit"], "yy乡");
}

#[test]
fn second_township_rows_follow_the_title_row() {
    let r = second_township();
    // title on row 1, header on row 2: the late and undated 政府文件 are rows 13 and 21
    assert_eq!(r.cited_rows("1.6"), vec![13, 21]);
    assert_eq!(r.cited_rows("3.2"), vec![9, 17, 25]);
    assert_eq!(r.cited_rows("2.2"), vec![2]);
    assert_eq!(r.cited_rows("2.3"), vec![3]);
    // 1.4: twelve gaps over 14 days; once 3 points are used up the rest are capped
    let f = r.findings("1.4");
    assert_eq!(f.len(), 12);
    assert!(f.last().unwrap()["capped"] == true);
}

#[test]
fn second_township_personal_data_never_in_output() {
    let r = second_township();
    for secret in [
        "司马青衫",
        "上官红叶",
        "13800138000",
        "13900139000",
        "土地调整方案",
        "低保评审名单",
    ] {
        assert!(!r.stdout.contains(secret), "{secret} leaked");
    }
}
