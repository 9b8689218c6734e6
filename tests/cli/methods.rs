//! Issues 10 and 17 (indicator and language level), end to end: clause caps in `deduct`
//! (two ledgers cited by one indicator, items beyond a clause cap listed as capped), the
//! `award` method, `applies_when` (不适用 in every format), a `decimal` ledger column and
//! `round` with a step — on the small rule set fixtures/methods-rules/.

use std::path::Path;

use tempfile::TempDir;

use super::harness::{Report, kaohe};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/methods-rules");

/// A bundle for fixture-methods: 主动公开 rows (标题, 索引号), 测评 rows (项目, 得分), and the
/// manifest's 无重点领域职责 and 表彰.
fn bundle(
    tmp: &TempDir,
    proactive: &[(&str, &str)],
    cp: &[(&str, &str)],
    na: bool,
    awards: &[&str],
) -> std::path::PathBuf {
    let dir = tmp.path().join("甲镇-2021");
    std::fs::create_dir_all(dir.join("台账")).unwrap();
    let mut csv = String::from("标题,索引号,发布日期\n");
    for (t, i) in proactive {
        csv.push_str(&format!("{t},{i},2021-05-01\n"));
    }
    std::fs::write(dir.join("台账/主动公开.csv"), csv).unwrap();
    let mut csv = String::from("项目,得分\n");
    for (p, s) in cp {
        csv.push_str(&format!("{p},{s}\n"));
    }
    std::fs::write(dir.join("台账/测评.csv"), csv).unwrap();
    let mut y = String::from(
        "单位: 甲镇\n考核年度: 2021\n考核指标: fixture-methods\n报送日期: 2022-01-10\n台账:\n  主动公开: 台账/主动公开.csv\n  测评: 台账/测评.csv\n",
    );
    y.push_str(&format!(
        "无重点领域职责: {}\n",
        if na { "是" } else { "否" }
    ));
    y.push_str("表彰:\n");
    for (i, level) in awards.iter().enumerate() {
        y.push_str(&format!(
            "  - {{日期: 2021-0{}-01, 级别: {level}}}\n",
            i + 3
        ));
    }
    std::fs::write(dir.join("bundle.yaml"), y).unwrap();
    dir
}

fn score(dir: &Path, format: &str) -> std::process::Output {
    kaohe()
        .arg("score")
        .arg(dir)
        .args(["--rules", RULES, "--format", format])
        .output()
        .unwrap()
}

/// The total of a fixture-methods assessment (max 10).
fn total(r: &Report, base: f64, bonus: f64, score: f64, grade: &str) {
    let t = r.total();
    assert_eq!(t["base"].as_f64(), Some(base), "{t}");
    assert_eq!(t["bonus"].as_f64(), Some(bonus), "{t}");
    assert_eq!(t["score"].as_f64(), Some(score), "{t}");
    assert_eq!(t["max"], 10, "{t}");
    assert_eq!(t["grade"], grade, "{t}");
}

fn losing(tmp: &TempDir) -> std::path::PathBuf {
    bundle(
        tmp,
        &[
            ("通知A", "001"),
            ("通知B", ""),
            ("通知C", "无"),
            ("通知D", ""),
        ],
        &[("网站", "87.45"), ("新媒体", "55"), ("公开栏", "72.5")],
        true,
        &["领导小组", "领导小组"],
    )
}

#[test]
fn clause_caps_award_and_not_applicable_lose_points() {
    let tmp = TempDir::new().unwrap();
    let dir = losing(&tmp);
    let r = Report::from_output(score(&dir, "json"));
    // 1.1: clause 1 — B, C, D lack 索引号 (无 reads as empty): 0.5 + 0.5 = the cap 1, D is
    // listed with 0 and capped; clause 2 — 新媒体 55 < 60: 1. 4 − 1 − 1 = 2.
    let i = r.expect("1.1", 2.0, "partial");
    let f = i["findings"].as_array().unwrap();
    let deducts: Vec<f64> = f.iter().map(|x| x["deduct"].as_f64().unwrap()).collect();
    assert_eq!(deducts, [0.5, 0.5, 0.0, 1.0]);
    assert_eq!(f[2]["capped"], true);
    assert!(f[1].get("capped").is_none());
    assert_eq!(f[2]["message"], "通知D：缺索引号");
    // One indicator cites rows of two ledgers: 主动公开 row 5 (通知D) and 测评 row 3 (新媒体).
    assert_eq!(f[2]["evidence"][0]["file"], "台账/主动公开.csv");
    assert_eq!(f[2]["evidence"][0]["row"], 5);
    assert_eq!(f[3]["evidence"][0]["file"], "台账/测评.csv");
    assert_eq!(f[3]["evidence"][0]["row"], 3);
    assert_eq!(f[3]["message"], "新媒体：测评得分55，低于60分");
    // 1.2: 无重点领域职责 是 → 不适用: no points either way, no findings.
    let i = r.expect("1.2", 0.0, "na");
    // Its points stay in max (what it would be worth) but count in no sum.
    assert_eq!(i["max"], 3);
    assert!(i["findings"].as_array().unwrap().is_empty());
    // 1.3: (87.45 + 55 + 72.5) / 3 = 214.95 / 3 = 71.65 → ≥60 → 1 of 3.
    let i = r.expect("1.3", 1.0, "partial");
    assert_eq!(i["findings"][0]["message"], "测评平均分71.65，未达90分");
    // B1: two 领导小组 awards, each 1, clause cap 1 → 1 of 3; the finding carries 2.
    let i = r.expect("B1", 1.0, "partial");
    assert_eq!(i["findings"][0]["deduct"], 2);
    assert_eq!(
        i["findings"][0]["message"],
        "年度内表彰加分合计1分，未满3分"
    );
    // base 2 + 0 + 1 = 3; bonus 1; 4 < 6 → 不合格.
    total(&r, 3.0, 1.0, 4.0, "不合格");
}

#[test]
fn clause_caps_award_and_applicable_indicator_hold() {
    let tmp = TempDir::new().unwrap();
    let dir = bundle(
        &tmp,
        &[("通知A", "001"), ("通知B", "002")],
        &[("网站", "87.45"), ("新媒体", "91"), ("公开栏", "95.5")],
        false,
        &["市政府", "领导小组"],
    );
    let r = Report::from_output(score(&dir, "json"));
    r.expect("1.1", 4.0, "pass");
    // Applicable (否) and 2 rows in the year → 3.
    r.expect("1.2", 3.0, "pass");
    // (87.45 + 91 + 95.5) / 3 = 273.95 / 3 = 91.3166… → 91.32 ≥ 90 → 3.
    r.expect("1.3", 3.0, "pass");
    // 市政府 2 + 领导小组 1 = 3 → full.
    r.expect("B1", 3.0, "pass");
    total(&r, 10.0, 3.0, 13.0, "合格");
}

#[test]
fn not_applicable_shows_in_every_format() {
    let tmp = TempDir::new().unwrap();
    let dir = losing(&tmp);
    for format in ["table", "csv", "md", "html"] {
        let out = score(&dir, format);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("不适用"), "{format}:\n{text}");
    }
    let xlsx = tmp.path().join("r.xlsx");
    let out = kaohe()
        .arg("score")
        .arg(&dir)
        .args(["--rules", RULES, "-o"])
        .arg(&xlsx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let found = book
        .worksheets()
        .iter()
        .any(|(_, range)| range.rows().any(|row| row.iter().any(|c| *c == "不适用")));
    assert!(found, "xlsx has no 不适用 cell");
    let out = kaohe()
        .arg("explain")
        .arg(&dir)
        .args(["1.2", "--rules", RULES])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("（不适用）"), "{text}");
    assert!(text.contains("仅当 not 无重点领域职责 时适用"), "{text}");
    // explain of clause caps: the method and every finding, the capped one said so.
    let out = kaohe()
        .arg("explain")
        .arg(&dir)
        .args(["1.1", "--rules", RULES])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("计分：每项扣0.5分，最高扣1分；每项扣1分，扣完为止（共4分）"),
        "{text}"
    );
    assert!(text.contains("4 - (0.5 + 0.5 + 1) = 2"), "{text}");
    assert!(
        text.contains("不再扣分（已扣完）：通知D：缺索引号"),
        "{text}"
    );
    // batch: the bundle in a folder of bundles.
    let out = kaohe()
        .arg("batch")
        .arg(tmp.path())
        .args(["--rules", RULES, "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"status\": \"na\"") || text.contains("\"status\":\"na\""),
        "{text}"
    );
}

#[test]
fn decimal_column_reads_exactly_and_reports_an_unreadable_value() {
    let tmp = TempDir::new().unwrap();
    let dir = bundle(
        &tmp,
        &[("通知A", "001")],
        &[("网站", "87.45"), ("新媒体", "良好")],
        false,
        &[],
    );
    let r = Report::from_output(score(&dir, "json"));
    // 良好 is not a number: a data problem naming file, row, column and value; the cell is
    // empty, so the average is 87.45 / 2 (sum skips null, count counts rows) = 43.725 → 43.73
    // → below 60 → 0.
    let p = r.json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "bad-decimal")
        .expect("bad-decimal problem");
    assert_eq!(p["file"], "台账/测评.csv");
    assert_eq!(p["row"], 3);
    assert_eq!(p["column"], "得分");
    assert_eq!(p["value"], "良好");
    let i = r.expect("1.3", 0.0, "gap");
    assert_eq!(i["findings"][0]["message"], "测评平均分43.73，未达90分");
}
