//! Issue 10 item 5: the rule set is the only place that knows a county. precheck, selfreport and
//! init read what they need from the rule set's `township:` section; every command opens a job
//! (rules with their full calendar, evidence, verdicts) the same way.

use std::path::Path;

use crate::harness::*;

/// A 2030 rule set whose own calendar (`calendar: 日历-2030.csv`) makes 2030-01-02 a holiday,
/// with one indicator: 成文日期 → 发布日期 within 1 working day, else −2.
fn rules_2030(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("ruleset.yaml"),
        "id: county-test-2030\ntitle: 2030年测试规则集\nyear: 2030\ncalendar: 日历-2030.csv\nmax: 2\nbonus_cap: 0\n\
         grades:\n  - {name: 合格, min: 1}\n  - {name: 不合格, min: 0}\n\
         groups:\n  - {id: \"一\", name: 一、测试, points: 2, file: 1.yaml}\n\
         evidence:\n  ledgers:\n    收文:\n      required: {标题: text, 成文日期: date, 发布日期: date}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("1.yaml"),
        "indicators:\n  - id: \"1.1\"\n    name: 时效\n    points: 2\n    source: 台账.收文\n    requires:\n      - {need: 台账.收文, what: 收文台账}\n    method:\n      deduct:\n        items: 台账.收文.filter(r => not (workdays(r.成文日期, r.发布日期) <= 1))\n        each: 2\n        message: \"{it.标题}逾期\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("日历-2030.csv"),
        "date,kind,festival\n2030-01-02,holiday,测试\n",
    )
    .unwrap();
}

/// A bundle of the 2030 rule set: one row 成文 2030-01-01 (Tue) → 发布 2030-01-03 (Thu).
fn bundle_2030(dir: &Path) {
    std::fs::create_dir_all(dir.join("台账")).unwrap();
    std::fs::write(
        dir.join("bundle.yaml"),
        "单位: zz镇\n考核年度: 2030\n考核指标: county-test-2030\n报送日期: 2031-01-20\n台账:\n  收文: 台账/收文.csv\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("台账/收文.csv"),
        "标题,成文日期,发布日期\n通知,2030-01-01,2030-01-03\n",
    )
    .unwrap();
}

/// `rules test` scores its cases with the rule set's own calendar, as `score` does: 01-02 is the
/// rule set's holiday, so the working days after 01-01 up to 01-03 are 01-03 only → 1 ≤ 1, on
/// time, 2 points. (Without the rule set's calendar 2030 is unknown and the row counts as late:
/// 0 points — what `rules test` used to report while `score` said 2.)
#[test]
fn rules_test_uses_the_rule_sets_calendar() {
    let tmp = tempfile::TempDir::new().unwrap();
    let rules = tmp.path().join("rules-2030");
    rules_2030(&rules);
    let case = rules.join("tests/on-time");
    bundle_2030(&case);
    std::fs::write(
        case.join("expected.yaml"),
        "description: 2030-01-02 为规则集日历中的假日\nindicators:\n  \"1.1\": {score: 2, status: pass}\n",
    )
    .unwrap();

    let score = kaohe()
        .args(["score", "--format", "json", "--rules"])
        .arg(&rules)
        .arg(&case)
        .output()
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&score.stdout).unwrap();
    assert_eq!(a["indicators"][0]["score"], 2, "{a}");

    let test = kaohe()
        .args(["rules", "test"])
        .arg(&rules)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert_eq!(test.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("1 个通过"), "{stdout}");
}
