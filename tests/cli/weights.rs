//! Issue 17 items 1, 3 and 4 and issue 10 item 1, end to end on fixtures/weights-rules: weighted
//! parts (网上测评80% + 现场考核20%), rescaling at the top and per part, where and how scores are
//! rounded (indicator, part, total; 0.01 or 0.5; half-up or half-even), and a veto that keeps
//! the indicator's score in every format. Each variant is an overlay written by the test that
//! changes only `rounding:` or `rescale:`; every expected figure is worked out by hand.
//!
//! The ratings: 网上测评 87.865 (indicator 1, 100 points, weight 0.8); 现场考核 76.25 of 80
//! (2.1) plus 便民服务 20 (2.2, 不适用 when 无便民服务: 是), weight 0.2.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::harness::{Report, copy_dir, kaohe};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/weights-rules");

fn case(name: &str) -> PathBuf {
    Path::new(RULES).join("tests").join(name)
}

/// An overlay of fixture-weights that adds `yaml` (its `rounding:`, `rescale:` or groups).
fn overlay(tmp: &TempDir, name: &str, yaml: &str) -> PathBuf {
    let dir = tmp.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ruleset.yaml"),
        format!("extends: {RULES}\nid: fixture-weights-{name}\n{yaml}\n"),
    )
    .unwrap();
    let out = kaohe().args(["rules", "check"]).arg(&dir).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn score(bundle: &Path, rules: &Path, format: &str) -> std::process::Output {
    kaohe()
        .arg("score")
        .arg(bundle)
        .arg("--rules")
        .arg(rules)
        .args(["--format", format])
        .output()
        .unwrap()
}

fn json(bundle: &Path, rules: &Path) -> Report {
    Report::from_output(score(bundle, rules, "json"))
}

fn part(r: &Report, id: &str) -> serde_json::Value {
    r.json["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no part {id}"))
        .clone()
}

fn base(r: &Report) -> f64 {
    r.total()["base"].as_f64().unwrap()
}

#[test]
fn weighted_parts_and_the_default_rounding() {
    let out = kaohe().args(["rules", "test", RULES]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("共 3 个用例：3 个通过，0 个失败"),
        "{stdout}"
    );
    let r = json(&case("default"), Path::new(RULES));
    // Not rounded per indicator or part: 87.865 stays.
    r.expect("1", 87.865, "partial");
    let web = part(&r, "网上");
    assert_eq!(
        (web["score"].as_f64(), web["weight"].as_f64()),
        (Some(87.865), Some(0.8))
    );
    let site = part(&r, "现场");
    // 76.25 + 20 = 96.25, weight 0.2.
    assert_eq!(site["score"].as_f64(), Some(96.25));
    // 87.865 × 0.8 + 96.25 × 0.2 = 70.292 + 19.25 = 89.542 → 89.54 (the total, 0.01, half-up).
    assert_eq!(base(&r), 89.54);
    assert_eq!(r.total()["grade"], "良好");
    // Every report: the parts with their weights and what they add to the total.
    let table = String::from_utf8_lossy(&score(&case("default"), Path::new(RULES), "table").stdout)
        .into_owned();
    // 87.865 × 0.8 = 70.292; 96.25 × 0.2 = 19.25.
    assert!(
        table.contains("一、网上测评：87.865分（满分100；权重0.8，计入总分70.292）"),
        "{table}"
    );
    assert!(table.contains("总分 89.54（满分 100）"), "{table}");
}

#[test]
fn rounding_per_indicator_half_up_and_half_even() {
    let tmp = TempDir::new().unwrap();
    let up = overlay(
        &tmp,
        "up",
        "rounding: {where: [indicator, total], step: 0.01, rule: half-up}",
    );
    let r = json(&case("default"), &up);
    // explain: the arithmetic before rounding, then the rounding step.
    let out = kaohe()
        .arg("explain")
        .arg(case("default"))
        .arg("1")
        .arg("--rules")
        .arg(&up)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("算式：100 - 12.135 = 87.865：第2行；得分87.865按四舍五入保留到0.01为87.87"),
        "{text}"
    );
    // 87.865 to 0.01, half-up: the tie goes up → 87.87; the difference is a finding of −0.005.
    let i1 = r.expect("1", 87.87, "partial");
    assert!(
        i1["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["key"] == "rounding" && f["deduct"].as_f64() == Some(-0.005)),
        "{i1}"
    );
    // 87.87 × 0.8 + 96.25 × 0.2 = 70.296 + 19.25 = 89.546 → 89.55.
    assert_eq!(base(&r), 89.55);

    let even = overlay(
        &tmp,
        "even",
        "rounding: {where: [indicator, total], step: 0.01, rule: half-even}",
    );
    let r = json(&case("default"), &even);
    // 87.865 half-even: 6 is even → 87.86.
    r.expect("1", 87.86, "partial");
    // 87.86 × 0.8 + 19.25 = 70.288 + 19.25 = 89.538 → 89.54.
    assert_eq!(base(&r), 89.54);

    // Only per indicator: the total is not rounded again (89.546 stays).
    let only = overlay(&tmp, "only", "rounding: {where: indicator}");
    assert_eq!(base(&json(&case("default"), &only)), 89.546);
}

#[test]
fn rounding_per_part_to_half_points() {
    let tmp = TempDir::new().unwrap();
    let up = overlay(
        &tmp,
        "part-up",
        "rounding: {where: part, step: 0.5, rule: half-up}",
    );
    let r = json(&case("default"), &up);
    // Indicators keep their scores.
    r.expect("1", 87.865, "partial");
    // 87.865 ÷ 0.5 = 175.73 → 176 → 88; 96.25 ÷ 0.5 = 192.5, a tie, up → 193 → 96.5.
    assert_eq!(part(&r, "网上")["score"].as_f64(), Some(88.0));
    assert_eq!(part(&r, "现场")["score"].as_f64(), Some(96.5));
    // 88 × 0.8 + 96.5 × 0.2 = 70.4 + 19.3 = 89.7 (the total is not rounded: where is part).
    assert_eq!(base(&r), 89.7);
    // The same figures in every report.
    for format in ["table", "md", "csv", "html"] {
        let out = score(&case("default"), &up, format);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(
                "二、现场考核：96.5分（满分100；指标合计96.25，取舍为96.5；权重0.2，计入总分19.3）"
            ),
            "{format}: {text}"
        );
        assert!(text.contains("89.7"), "{format}: {text}");
    }

    let even = overlay(
        &tmp,
        "part-even",
        "rounding: {where: part, step: 0.5, rule: half-even}",
    );
    let r = json(&case("default"), &even);
    // 192.5 half-even → 192 → 96; 88 as before.
    assert_eq!(part(&r, "现场")["score"].as_f64(), Some(96.0));
    // 70.4 + 96 × 0.2 = 70.4 + 19.2 = 89.6.
    assert_eq!(base(&r), 89.6);

    let total = overlay(
        &tmp,
        "total-half",
        "rounding: {where: total, step: 0.5, rule: half-even}",
    );
    // 89.542 ÷ 0.5 = 179.084 → 179 → 89.5.
    assert_eq!(base(&json(&case("default"), &total)), 89.5);
    let show = kaohe().args(["rules", "show"]).arg(&even).output().unwrap();
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(show.contains("取舍：部分得分四舍六入五成双到0.5"), "{show}");
}

#[test]
fn rescaling_at_the_top_and_per_part() {
    let tmp = TempDir::new().unwrap();
    // As written nothing rescales: 87.865 × 0.8 + 76.25 × 0.2 = 70.292 + 15.25 = 85.542 → 85.54.
    assert_eq!(base(&json(&case("no-service"), Path::new(RULES))), 85.54);

    let top = overlay(&tmp, "top", "rescale: applicable");
    let r = json(&case("no-service"), &top);
    r.expect("2.2", 0.0, "na");
    // Applicable: 100 × 0.8 + 80 × 0.2 = 96; 85.542 × 100 ÷ 96 = 89.10625 → 89.11.
    assert_eq!(base(&r), 89.11);
    assert_eq!(part(&r, "现场")["applicable"].as_f64(), Some(80.0));
    // With every indicator applicable the top rescale changes nothing: 89.54.
    assert_eq!(base(&json(&case("default"), &top)), 89.54);
    let show = kaohe().args(["rules", "show"]).arg(&top).output().unwrap();
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.contains("基本分按适用指标的分值折算到满分 100"),
        "{show}"
    );

    let per_part = overlay(
        &tmp,
        "per-part",
        "groups:\n  - {id: 现场, rescale: applicable}",
    );
    let r = json(&case("no-service"), &per_part);
    // 现场: 76.25 × 100 ÷ 80 = 95.3125; 70.292 + 95.3125 × 0.2 = 70.292 + 19.0625 = 89.3545
    // → 89.35.
    let site = part(&r, "现场");
    assert_eq!(site["score"].as_f64(), Some(95.3125));
    assert_eq!(site["rescaled"], true);
    assert_eq!(base(&r), 89.35);
}

#[test]
fn a_veto_that_keeps_the_score_in_every_format() {
    let bundle = case("criticised");
    let rules = Path::new(RULES);
    let r = json(&bundle, rules);
    // The 单项否决 takes nothing: 1 keeps 87.865, its veto finding deducts 0.
    let i1 = r.expect("1", 87.865, "veto");
    let veto = &i1["findings"][0];
    assert_eq!(
        (veto["message"].as_str(), veto["deduct"].as_f64()),
        (Some("单项否决：受到通报批评"), Some(0.0))
    );
    // The total is the default case's 89.54; the grade is capped at 不合格.
    let t = r.total();
    assert_eq!(t["base"].as_f64(), Some(89.54));
    assert_eq!((&t["grade"], &t["veto"]), (&"不合格".into(), &true.into()));
    assert_eq!(t["vetoes"][0]["keeps_score"], true);
    for format in ["table", "md", "csv", "html"] {
        let out = score(&bundle, rules, format);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("87.865"), "{format}: {text}");
        assert!(text.contains("否决"), "{format}: {text}");
        assert!(text.contains("单项否决"), "{format}: {text}");
        assert!(text.contains("不合格"), "{format}: {text}");
        assert!(text.contains("89.54"), "{format}: {text}");
    }
    let tmp = TempDir::new().unwrap();
    let xlsx = tmp.path().join("r.xlsx");
    let out = kaohe()
        .arg("score")
        .arg(&bundle)
        .arg("--rules")
        .arg(rules)
        .arg("-o")
        .arg(&xlsx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    use calamine::{DataType, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let found = book.worksheets().iter().any(|(_, range)| {
        range.rows().any(|row| {
            row.iter().any(|c| *c == "网上测评得分")
                && row.iter().any(|c| c.as_f64() == Some(87.865))
                && row.iter().any(|c| *c == "否决")
        })
    });
    assert!(found, "xlsx has no row 1 with 87.865 and 否决");
    // explain says the score is kept.
    let out = kaohe()
        .arg("explain")
        .arg(&bundle)
        .arg("1")
        .arg("--rules")
        .arg(rules)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("得分：87.865 / 100（否决）"), "{text}");
    assert!(
        text.contains("单项否决：保留本项得分，等次为不合格"),
        "{text}"
    );
    // A batch ranks it last although its total is the highest.
    let dir = tmp.path().join("批量");
    copy_dir(&bundle, &dir.join("甲镇"));
    copy_dir(&case("no-service"), &dir.join("乙镇"));
    std::fs::write(
        dir.join("乙镇/bundle.yaml"),
        std::fs::read_to_string(dir.join("乙镇/bundle.yaml"))
            .unwrap()
            .replace("单位: 甲镇", "单位: 乙镇"),
    )
    .unwrap();
    let out = kaohe()
        .arg("batch")
        .arg(&dir)
        .arg("--rules")
        .arg(rules)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let (a, b) = (text.find("乙镇").unwrap(), text.find("甲镇").unwrap());
    assert!(b > a, "{text}");
}

#[test]
fn a_bare_true_where_an_expression_goes_says_to_quote_it() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("rules");
    copy_dir(Path::new(RULES), &dir);
    let file = dir.join("2.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("pass: \"true\"", "pass: true")).unwrap();
    let out = kaohe().args(["rules", "check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // `        pass: true`: the value `true` starts at column 15.
    assert!(err.contains("2.yaml:23:15"), "{err}");
    assert!(
        err.contains("all.pass：应为文字，实为真假值「true」"),
        "{err}"
    );
    assert!(err.contains("请加引号，如 pass: \"true\""), "{err}");
}
