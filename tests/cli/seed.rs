//! The seed township as handed in, and whole-bundle totals and grades.
//! Per-indicator arithmetic for the seed: fixtures/xx-town-2021/EXPECTED.md.

use crate::harness::*;

/// Every indicator of the seed, as computed by hand in EXPECTED.md.
const SEED_SCORES: &[(&str, f64, &str)] = &[
    ("1.1", 2.0, "pass"),    // 机构职能 2 rows ≥ 1
    ("1.2", 2.0, "pass"),    // 领导成员和分工 1 row ≥ 1
    ("1.3", 3.0, "pass"),    // 工作动态 40 ≥ 24
    ("1.4", 1.5, "partial"), // gaps 20 d (1 断更) + 31 d (2 断更) = 3 × 0.5 → 3 − 1.5
    ("1.5", 2.0, "pass"),    // 会议通知 in all four quarters
    ("1.6", 3.0, "partial"), // row 57: 2021-09-24 → 2021-10-28 = 21 working days > 20 → −1
    ("1.7", 2.0, "pass"),    // 承办 2, 公开 2
    ("1.8", 2.0, "pass"),    // k = 5 domains ≥ 3
    ("2.1", 2.0, "pass"),    // 登记簿 with header, no rows
    ("2.2", 6.0, "pass"),    // no applications
    ("2.3", 2.0, "pass"),    // no replied applications
    ("2.4", 2.0, "pass"),    // 受理机构 + 通信地址 + 联系电话
    ("3.1", 4.0, "pass"),    // 69 ≥ 60
    ("3.2", 3.5, "partial"), // row 55 without 索引号 → −0.5
    ("3.3", 4.0, "pass"),    // 69 and all 7 categories match
    ("3.4", 0.0, "manual"),  // no verdict
    ("3.5", 6.0, "pass"),    // 安全事件 []
    ("4.1", 4.5, "partial"), // 第8期 missing → −0.5
    ("5.1", 5.0, "pass"),    // 2 + 1 = 3 套 ≥ 2
    ("6.1", 6.0, "pass"),    // 2022-01-25 ≤ 2022-01-31
    ("6.2", 6.0, "pass"),    // six headings
    ("6.3", 6.0, "pass"),    // 新收 0 = 0; 0 + 0 = 0 + 0
    ("7.1", 4.0, "pass"),    // 镇长, file exists
    ("7.2", 4.0, "pass"),    // 党政办 + 李晓梅
    ("7.3", 6.0, "pass"),    // six kinds, files exist
    ("7.4", 2.0, "pass"),    // 培训 2021-06-10
    ("7.5", 2.0, "pass"),    // 计划总结 row 70
    ("7.6", 2.0, "pass"),    // 读网检查责任人 李晓梅
    ("B1", 1.0, "partial"),  // 10 months: 6 ≤ m < 12 → 1
    ("B2", 0.0, "gap"),      // no 经验推广
];

#[test]
fn seed_every_indicator() {
    let r = Bundle::seed().score();
    for (id, score, status) in SEED_SCORES {
        r.expect(id, *score, status);
    }
    // All 30 indicators, in rule-set order.
    let ids: Vec<&str> = r.json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = SEED_SCORES.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(ids, expected);
}

#[test]
fn seed_total_and_grade() {
    let r = Bundle::seed().score();
    // base = 17.5 (一) + 12 (二) + 17.5 (三, 3.4 pending) + 4.5 (四) + 5 (五) + 18 (六) + 20 (七) = 94.5
    // bonus = min(5, B1 1 + B2 0) = 1; score = 95.5 ≥ 90 → 优秀
    r.expect_total(94.5, 1.0, 95.5, "优秀");
    assert_eq!(r.total()["veto"], false);
    // 3.4 has no verdict → provisional, and the grade carries no 暂定.
    assert_eq!(r.total()["provisional"], true);
    assert_eq!(r.json["ruleset"]["id"], "county-zwgk-2021");
    assert_eq!(r.json["ruleset"]["year"], 2021);
    assert_eq!(r.json["unit"], "xx镇");
}

#[test]
fn seed_findings_cite_rows() {
    let r = Bundle::seed().score();
    // 1.6: the late 政府文件 is row 57 of 主动公开台账.csv.
    let f = &r.findings("1.6")[0];
    assert!(close(num(&f["deduct"]), 1.0));
    assert_eq!(f["evidence"][0]["file"], "台账/主动公开台账.csv");
    assert_eq!(f["evidence"][0]["row"], 57);
    // 3.2: row 55 has no 索引号.
    assert_eq!(r.cited_rows("3.2"), vec![55]);
    // 1.4: two 断更 gaps → two findings carrying 0.5 and 1.
    let mut d: Vec<f64> = r
        .findings("1.4")
        .iter()
        .map(|f| num(&f["deduct"]))
        .collect();
    d.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(d, vec![0.5, 1.0]);
    // 4.1: one missing issue (第8期).
    assert_eq!(r.findings("4.1").len(), 1);
}

#[test]
fn seed_with_verdict_two() {
    let r = Bundle::seed().score_with_verdicts(
        "评分人: 王某\n评分日期: 2022-02-20\n单位: xx镇\n考核指标: county-zwgk-2021\n评分:\n  \"3.4\": {得分: 2, 说明: 抽查10条，内容准确规范}\n",
    );
    r.expect("3.4", 2.0, "pass");
    // base 94.5 + 2 = 96.5; bonus 1; score 97.5 → 优秀; nothing pending.
    r.expect_total(96.5, 1.0, 97.5, "优秀");
    assert_eq!(r.total()["provisional"], false);
}

#[test]
fn grade_bands_follow_total_score_including_bonus() {
    // Without 年度报告: 6.1, 6.2, 6.3 are 缺材料 → 94.5 − 18 = 76.5; + bonus 1 = 77.5 → 良好.
    let b = Bundle::seed();
    b.edit(
        "  年度报告: {文件: 材料/年度报告.md, 发布日期: 2022-01-25, 链接: http://www.xx.gov.cn/xxgk/xxz/ndbg/2021.html}\n",
        "",
    );
    let r = b.score();
    r.expect("6.1", 0.0, "missing");
    r.expect("6.2", 0.0, "missing");
    r.expect("6.3", 0.0, "missing");
    r.expect_total(76.5, 1.0, 77.5, "良好");

    // Also without 公开指南: 2.4 缺材料 → 76.5 − 2 = 74.5; + bonus 1 = 75.5 ≥ 75 → 良好.
    b.edit("  公开指南: {文件: 材料/政府信息公开指南.html}\n", "");
    let r = b.score();
    r.expect("2.4", 0.0, "missing");
    r.expect_total(74.5, 1.0, 75.5, "良好");

    // Also without the 新媒体 ledger: B1 0 (not 缺材料) → bonus 0 → 74.5 < 75 → 合格.
    b.edit("  新媒体发布: 台账/新媒体发布台账.csv\n", "");
    let r = b.score();
    r.expect("B1", 0.0, "gap");
    r.expect_total(74.5, 0.0, 74.5, "合格");
}

#[test]
fn grade_below_sixty_is_fail() {
    // Seed without 主动公开 ledger: 缺材料 for 1.1–1.6, 1.8, 3.1, 3.2, 3.3, 7.5.
    // Lost: 1.1 2 + 1.2 2 + 1.3 3 + 1.4 1.5 + 1.5 2 + 1.6 3 + 1.8 2 + 3.1 4 + 3.2 3.5 + 3.3 4
    //       + 7.5 2 = 29 → base 94.5 − 29 = 65.5.
    // Also without 年度报告 (−18) → 47.5; bonus 1 → 48.5 < 60 → 不合格.
    let b = Bundle::seed();
    b.edit("  主动公开: 台账/主动公开台账.csv\n", "");
    b.edit(
        "  年度报告: {文件: 材料/年度报告.md, 发布日期: 2022-01-25, 链接: http://www.xx.gov.cn/xxgk/xxz/ndbg/2021.html}\n",
        "",
    );
    let r = b.score();
    for id in [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.8", "3.1", "3.2", "3.3", "7.5",
    ] {
        r.expect(id, 0.0, "missing");
        // A 缺材料 indicator has one finding naming what is missing.
        assert_eq!(r.findings(id).len(), 1, "{id}: one 缺材料 finding");
    }
    r.expect_total(47.5, 1.0, 48.5, "不合格");
    assert_eq!(r.total()["veto"], false);
}

#[test]
fn veto_forces_fail_grade() {
    // A 泄密 event in 2021: 3.5 vetoed (0 points, status veto), grade 不合格 regardless of score.
    // base 94.5 − 6 = 88.5; bonus 1; score 89.5 (would be 良好) → 不合格.
    let b = Bundle::seed();
    b.edit(
        "安全事件: []",
        "安全事件:\n  - {日期: 2021-08-03, 类型: 泄密, 描述: 网站误发含内部文号的工作通知}",
    );
    let r = b.score();
    r.expect("3.5", 0.0, "veto");
    r.expect_total(88.5, 1.0, 89.5, "不合格");
    assert_eq!(r.total()["veto"], true);
}

#[test]
fn explicit_rules_folder_gives_the_same_result() {
    // --rules naming the shipped folder scores exactly like the built-in rule set.
    let b = Bundle::seed();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/county-zwgk-2021");
    let r = Report::from_output(b.run(&["--rules", dir]));
    r.expect_total(94.5, 1.0, 95.5, "优秀");
}

#[test]
fn deterministic_output() {
    let b = Bundle::seed();
    let a = b.run(&[]);
    let c = b.run(&[]);
    assert_eq!(a.status.code(), Some(0));
    assert!(!a.stdout.is_empty(), "a JSON report on stdout");
    assert_eq!(a.stdout, c.stdout, "same inputs give the same bytes");
}

/// The table README.md shows is what the first set-up command prints, byte for byte; when a
/// change to the rules or the table moves it, regenerate the block from
/// `cargo run -- score fixtures/xx-town-2021`.
#[test]
fn readme_shows_what_the_seed_command_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("What the first command prints:\n\n```\n")
        .expect("README has the seed table")
        + "What the first command prints:\n\n```\n".len();
    let end = start + readme[start..].find("```").expect("closing fence");
    let out = kaohe().arg("score").arg(SEED).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        &readme[start..end],
        String::from_utf8(out.stdout).unwrap(),
        "README.md's seed table is stale: run `bash scripts/update-readme`"
    );
}
