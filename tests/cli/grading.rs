//! Parts, vetoes with a scope, grading rules and rounding (issues 10 and 17), end to end on the
//! example rule set rules/city-sc-2022 (the Sichuan-style 130-point table). Expected figures
//! are worked out from the table's text (arithmetic beside each assertion).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::harness::kaohe;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules/city-sc-2022/tests")
        .join(name)
}

fn score_json(bundle: &Path, extra: &[&str]) -> Value {
    let out = kaohe()
        .args(["score", "--format", "json"])
        .arg(bundle)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn example_rule_set_checks_and_its_cases_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/city-sc-2022");
    let out = kaohe().args(["rules", "check"]).arg(&dir).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kaohe().args(["rules", "test"]).arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("共 5 个用例：5 个通过，0 个失败"),
        "{stdout}"
    );
}

#[test]
fn rescaled_part_and_bonus_gate_are_in_the_json_with_their_figures() {
    let a = score_json(&case("no-service"), &[]);
    // 2.3 does not apply: status na, no findings.
    let ind = |id: &str| {
        a["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(ind("2.3")["status"], "na");
    assert!(ind("2.3")["findings"].as_array().unwrap().is_empty());
    let part = a["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "网站")
        .unwrap()
        .clone();
    // applicable 15 + 11.25 = 26.25; sum 10 + 8.25 = 18.25; 18.25 × 35 ÷ 26.25 = 24.333… → 24.33
    assert_eq!(part["applicable"], 26.25);
    assert_eq!(part["sum"], 18.25);
    assert_eq!(part["score"], 24.33);
    assert_eq!(part["rescaled"], true);
    let rules = a["total"]["rules"].as_array().unwrap();
    let gate = rules.iter().find(|r| r["id"] == "加分门槛").unwrap();
    assert_eq!(gate["applied"], true);
    // 24.33 + 15 = 39.33 < 44: the bonus of 20 becomes 0.
    assert_eq!(gate["effect"], "加分 20 改为 0");
    assert!(
        gate["message"].as_str().unwrap().contains("39.33"),
        "{gate}"
    );
    let fig = |n: &str| {
        gate["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == n)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(fig("部分.网站.得分"), 24.33);
    assert_eq!(fig("部分.新媒体.得分"), 15);
    // Never a veto.
    assert_eq!(a["total"]["veto"], false);
    assert!(a["total"].get("vetoes").is_none());
}

#[test]
fn website_veto_zeroes_its_part_and_findings_still_add_up() {
    let a = score_json(&case("website-veto"), &[]);
    for ind in a["indicators"].as_array().unwrap() {
        let lost: f64 = ind["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["deduct"].as_f64().unwrap())
            .sum();
        let (max, score) = (ind["max"].as_f64().unwrap(), ind["score"].as_f64().unwrap());
        assert!(
            (max - score - lost).abs() < 1e-9,
            "{}: {max} - {score} != {lost}",
            ind["id"]
        );
    }
    let i22 = a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "2.2")
        .unwrap();
    // 2.2 scored its full 11.25; the part's veto takes all of it in one finding.
    assert_eq!(
        i22["findings"][0]["message"],
        "单项否决（2.1 网站内容更新）：二、政府网站不得分"
    );
    assert_eq!(i22["findings"][0]["deduct"], 11.25);
    let vetoes = a["total"]["vetoes"].as_array().unwrap();
    assert_eq!(vetoes[0]["indicator"], "1.1");
    assert_eq!(vetoes[0]["label"], "一票否决");
    assert_eq!(vetoes[0]["keeps_score"], true);
    assert_eq!(vetoes[1]["label"], "单项否决");
    assert_eq!(vetoes[1]["zeroed"][0], "二、政府网站");
    // 1.1 keeps its 5 points although it is vetoed.
    let i11 = a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "1.1")
        .unwrap();
    assert_eq!(
        (i11["status"].as_str(), i11["score"].as_f64()),
        (Some("veto"), Some(5.0))
    );
}

#[test]
fn every_report_shows_parts_and_rules_and_the_batch_notes_them() {
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["md", "csv", "html"] {
        let out = tmp.path().join(format!("r.{ext}"));
        let st = kaohe()
            .arg("score")
            .arg(case("no-service"))
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(st.status.code(), Some(0));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("二、政府网站：24.33分"), "{ext}: {text}");
        assert!(text.contains("等次规则 加分门槛"), "{ext}");
    }
    let table = kaohe()
        .arg("score")
        .arg(case("website-veto"))
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("单项否决：2.1（二、政府网站不得分，等次为不合格）"),
        "{table}"
    );
    // Batch: the 单项否决 label and the applied rules are in the ranking notes.
    let dir = tmp.path().join("batch");
    for name in ["no-service", "website-veto"] {
        super::harness::copy_dir(&case(name), &dir.join(name));
    }
    let out = kaohe()
        .arg("batch")
        .arg(&dir)
        .arg("--rules")
        .arg("city-sc-2022")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("一票否决"), "{text}");
    assert!(text.contains("等次规则：加分门槛"), "{text}");
}

#[test]
fn rules_show_and_explain_say_how_parts_and_grade_are_formed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/city-sc-2022");
    let show = kaohe().args(["rules", "show"]).arg(&dir).output().unwrap();
    let show = String::from_utf8_lossy(&show.stdout);
    assert!(
        show.contains("取舍：部分得分、总分四舍五入到0.01"),
        "{show}"
    );
    assert!(
        show.contains("二、政府网站（35分，按适用指标的分值折算）"),
        "{show}"
    );
    assert!(
        show.contains("含单项否决：二、政府网站不得分，等次为不合格"),
        "{show}"
    );
    assert!(
        show.contains("含一票否决：保留本项得分，等次为不合格"),
        "{show}"
    );
    assert!(show.contains("加分门槛：当 "), "{show}");
    let explain = kaohe()
        .arg("explain")
        .arg(case("no-service"))
        .arg("2.3")
        .output()
        .unwrap();
    let explain = String::from_utf8_lossy(&explain.stdout);
    assert!(explain.contains("不适用：本单位不计此项"), "{explain}");
    // 18.25 × 35 ÷ 26.25 = 24.33 (rounded per part to 0.01)
    assert!(
        explain.contains("所在部分：二、政府网站：24.33分"),
        "{explain}"
    );
    assert!(
        explain.contains("等次规则 加分门槛：政府网站和政务新媒体两部分合计39.33分"),
        "{explain}"
    );
}

#[test]
fn an_indicator_that_does_not_apply_is_no_loss_in_precheck_or_selfreport() {
    let pre = kaohe()
        .arg("precheck")
        .arg(case("no-service"))
        .output()
        .unwrap();
    let pre = String::from_utf8_lossy(&pre.stdout);
    assert!(!pre.contains("2.3 办事服务"), "{pre}");
    let draft = kaohe()
        .arg("selfreport")
        .arg(case("no-service"))
        .output()
        .unwrap();
    let draft = String::from_utf8_lossy(&draft.stdout);
    let problems = draft.split("## 二、存在问题").nth(1).unwrap_or_default();
    assert!(!problems.contains("办事服务"), "{draft}");
}

#[test]
fn a_rule_that_did_not_fire_says_what_it_would_have_done() {
    let out = kaohe().arg("score").arg(case("full")).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    // full: 网站 35 + 新媒体 20 = 55 ≥ 44, so the gate did not fire and the bonus stays.
    assert!(
        table.contains("等次规则 加分门槛：未触发（触发时加分改为 0；"),
        "{table}"
    );
    assert!(
        table.contains("等次规则 网站底线：未触发（触发时等次不高于不合格；"),
        "{table}"
    );
}

#[test]
fn explain_of_an_indicator_in_a_vetoed_part_adds_up() {
    let out = kaohe()
        .arg("explain")
        .arg(case("website-veto"))
        .arg("2.3")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // 2.3: 8.75 − 2 × 1 overdue = 6.75 of its own; the 单项否决 of 2.1 takes those 6.75.
    assert!(
        text.contains(
            "算式：8.75 - 2 x 1 = 6.75：第3行；单项否决（2.1 网站内容更新）：二、政府网站不得分，6.75 - 6.75 = 0"
        ),
        "{text}"
    );
}
