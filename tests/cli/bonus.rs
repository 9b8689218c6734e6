//! 加分项: B1, B2, and the shared cap of 5.

use crate::harness::*;

const NEW_MEDIA_FILE: &str = "台账/新媒体发布台账.csv";

fn posts(dates: &[&str]) -> String {
    let mut s = String::from("平台,发布日期,标题,链接\n");
    for (i, d) in dates.iter().enumerate() {
        s.push_str(&format!(
            "微信公众号,{d},推文{i},https://example.invalid/{i}\n"
        ));
    }
    s
}

const TWELVE: [&str; 12] = [
    "2021-01-31",
    "2021-02-01",
    "2021-03-15",
    "2021-04-15",
    "2021-05-15",
    "2021-06-15",
    "2021-07-15",
    "2021-08-15",
    "2021-09-15",
    "2021-10-15",
    "2021-11-15",
    "2021-12-31",
];

fn promotions(b: &Bundle, items: &[(&str, &str)]) {
    let mut y = String::from("经验推广:\n");
    for (i, (date, file)) in items.iter().enumerate() {
        y.push_str(&format!(
            "  - {{日期: {date}, 刊发单位: 县政务公开办, 标题: 经验交流{i}, 文件: {file}}}\n"
        ));
    }
    b.append(&y);
}

// ------------------------------------------------------------------ B1 政务新媒体

#[test]
fn b1_pass_twelve_months() {
    let b = Bundle::seed();
    b.write(NEW_MEDIA_FILE, &posts(&TWELVE));
    // months 1..12 all have posts → m = 12 → 2
    b.score().expect("B1", 2.0, "pass");
}

#[test]
fn b1_partial_seed_ten_months() {
    // seed: months 1–5, 7–10, 12 → m = 10 → 6 ≤ 10 < 12 → 1
    Bundle::seed().score().expect("B1", 1.0, "partial");
}

#[test]
fn b1_partial_six_months() {
    let b = Bundle::seed();
    b.write(
        NEW_MEDIA_FILE,
        &posts(&[
            "2021-01-05",
            "2021-01-25",
            "2021-03-05",
            "2021-05-05",
            "2021-07-05",
            "2021-09-05",
            "2021-11-05",
            "2022-01-05",
        ]),
    );
    // months 1, 3, 5, 7, 9, 11 (2022-01 not in year) → m = 6 → 1
    b.score().expect("B1", 1.0, "partial");
}

#[test]
fn b1_gap_five_months() {
    let b = Bundle::seed();
    b.write(
        NEW_MEDIA_FILE,
        &posts(&[
            "2021-01-05",
            "2021-03-05",
            "2021-05-05",
            "2021-07-05",
            "2021-09-05",
            "2020-11-05",
        ]),
    );
    // m = 5 < 6 → 0
    b.score().expect("B1", 0.0, "gap");
}

#[test]
fn b1_gap_ledger_absent_is_not_missing() {
    let b = Bundle::seed();
    b.edit("  新媒体发布: 台账/新媒体发布台账.csv\n", "");
    // not submitted → 0, not 缺材料
    b.score().expect("B1", 0.0, "gap");
}

// ------------------------------------------------------------------ B2 经验推广

#[test]
fn b2_pass_three_distinct_files_of_four() {
    let b = Bundle::seed();
    for f in ["a", "b", "c", "d"] {
        b.write(&format!("材料/推广/{f}.pdf"), "%PDF-1.4\n");
    }
    promotions(
        &b,
        &[
            ("2021-03-01", "材料/推广/a.pdf"),
            ("2021-06-01", "材料/推广/b.pdf"),
            ("2021-09-01", "材料/推广/c.pdf"),
            ("2021-12-01", "材料/推广/d.pdf"),
        ],
    );
    // 4 distinct existing files in year → 1 each, at most 3 → 3
    b.score().expect("B2", 3.0, "pass");
}

#[test]
fn b2_partial_duplicates_old_and_missing_files() {
    let b = Bundle::seed();
    for f in ["a", "b", "old"] {
        b.write(&format!("材料/推广/{f}.pdf"), "%PDF-1.4\n");
    }
    promotions(
        &b,
        &[
            ("2021-03-01", "材料/推广/a.pdf"),
            ("2021-04-01", "材料/推广/a.pdf"), // same file again → counts once
            ("2021-06-01", "材料/推广/b.pdf"),
            ("2020-12-01", "材料/推广/old.pdf"), // 2020 → not counted
            ("2021-09-01", "材料/推广/none.pdf"), // file not in the bundle → not counted
        ],
    );
    // distinct existing in-year files: a, b → 2 → 2
    b.score().expect("B2", 2.0, "partial");
}

#[test]
fn b2_gap_none() {
    // seed has no 经验推广 → 0
    Bundle::seed().score().expect("B2", 0.0, "gap");
}

// ------------------------------------------------------------------ the cap

#[test]
fn bonus_reaches_the_cap() {
    let b = Bundle::seed();
    b.write(NEW_MEDIA_FILE, &posts(&TWELVE));
    for f in ["a", "b", "c"] {
        b.write(&format!("材料/推广/{f}.pdf"), "%PDF-1.4\n");
    }
    promotions(
        &b,
        &[
            ("2021-03-01", "材料/推广/a.pdf"),
            ("2021-06-01", "材料/推广/b.pdf"),
            ("2021-09-01", "材料/推广/c.pdf"),
        ],
    );
    // B1 2 + B2 3 = 5 → min(5, 5) = 5 (B1 and B2 at their maximum cannot exceed the cap of 5)
    // base stays 94.5 (bonus never counts as points lost); score 94.5 + 5 = 99.5 → 优秀
    let r = b.score();
    r.expect("B1", 2.0, "pass");
    r.expect("B2", 3.0, "pass");
    r.expect_total(94.5, 5.0, 99.5, "优秀");
    assert_eq!(r.indicator("B1")["bonus"], true);
    assert_eq!(r.indicator("B2")["bonus"], true);
}

#[test]
fn bonus_below_the_cap() {
    let b = Bundle::seed();
    for f in ["a", "b", "c"] {
        b.write(&format!("材料/推广/{f}.pdf"), "%PDF-1.4\n");
    }
    promotions(
        &b,
        &[
            ("2021-03-01", "材料/推广/a.pdf"),
            ("2021-06-01", "材料/推广/b.pdf"),
            ("2021-09-01", "材料/推广/c.pdf"),
        ],
    );
    // B1 1 (seed, 10 months) + B2 3 = 4 ≤ 5 → bonus 4; score 94.5 + 4 = 98.5
    b.score().expect_total(94.5, 4.0, 98.5, "优秀");
}
