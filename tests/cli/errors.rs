//! Runs that cannot be scored exit with code 2 and write no report.

use std::process::Output;

use crate::harness::*;

fn assert_exit_2(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        !stdout.contains("\"indicators\""),
        "no partial report on exit 2:\n{stdout}"
    );
    format!("{stdout}\n{stderr}")
}

#[test]
fn exit_2_without_manifest() {
    let b = Bundle::seed();
    b.remove("bundle.yaml");
    assert_exit_2(&b.run(&[]));
}

#[test]
fn exit_2_when_bundle_path_does_not_exist() {
    let b = Bundle::seed();
    let out = kaohe()
        .arg("score")
        .arg(b.outside().join("no-such-bundle"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_exit_2(&out);
}

#[test]
fn exit_2_unknown_ruleset() {
    let b = Bundle::seed();
    b.edit("考核指标: county-zwgk-2021", "考核指标: county-zwgk-2099");
    let text = assert_exit_2(&b.run(&[]));
    assert!(
        text.contains("county-zwgk-2099"),
        "the message names the unknown id:\n{text}"
    );
}

#[test]
fn exit_2_year_mismatch_names_both_years() {
    let b = Bundle::seed();
    b.edit("考核年度: 2021", "考核年度: 2022");
    let text = assert_exit_2(&b.run(&[]));
    assert!(
        text.contains("2022") && text.contains("2021"),
        "names both years:\n{text}"
    );
}

#[test]
fn exit_2_malformed_yaml() {
    let b = Bundle::seed();
    b.edit("单位: xx镇", "单位: [xx镇");
    assert_exit_2(&b.run(&[]));
}

#[test]
fn exit_2_missing_required_key() {
    let b = Bundle::seed();
    b.edit("报送日期: 2022-02-15\n", "");
    assert_exit_2(&b.run(&[]));
}

const HEAD: &str = "评分人: 王某\n评分日期: 2022-02-20\n";

fn verdict_run(yaml: &str) -> Output {
    let b = Bundle::seed();
    let v = b.write_verdicts(yaml);
    b.run(&["--verdicts", v.to_str().unwrap()])
}

#[test]
fn exit_2_verdict_score_above_max() {
    // 3.4 is worth 2: a verdict of 3 is outside 0..2
    assert_exit_2(&verdict_run(&format!(
        "{HEAD}评分:\n  \"3.4\": {{得分: 3, 说明: 超出分值}}\n"
    )));
}

#[test]
fn exit_2_verdict_three_decimals() {
    assert_exit_2(&verdict_run(&format!(
        "{HEAD}评分:\n  \"3.4\": {{得分: 1.255, 说明: 三位小数}}\n"
    )));
}

#[test]
fn exit_2_verdict_for_a_computed_indicator() {
    // 2.4 is not a manual indicator: it cannot be under 评分
    assert_exit_2(&verdict_run(&format!(
        "{HEAD}评分:\n  \"2.4\": {{得分: 2, 说明: 不是人工评分项}}\n"
    )));
}

#[test]
fn exit_2_adjustment_without_reason() {
    assert_exit_2(&verdict_run(&format!(
        "{HEAD}调整:\n  \"2.4\": {{得分: 2}}\n"
    )));
}

#[test]
fn exit_2_adjustment_of_unknown_indicator() {
    assert_exit_2(&verdict_run(&format!(
        "{HEAD}调整:\n  \"9.9\": {{得分: 1, 理由: 无此指标}}\n"
    )));
}

#[test]
fn exit_2_verdict_for_another_unit() {
    assert_exit_2(&verdict_run(&format!(
        "{HEAD}单位: yy乡\n评分:\n  \"3.4\": {{得分: 1, 说明: 别的乡镇}}\n"
    )));
}

#[test]
fn exit_2_verdict_without_evaluator() {
    assert_exit_2(&verdict_run(
        "评分日期: 2022-02-20\n评分:\n  \"3.4\": {得分: 1, 说明: 无评分人}\n",
    ));
}

#[test]
fn refused_path_is_not_a_failure() {
    // A manifest path outside the bundle is a problem, not a failure: exit 0 and a report.
    let b = Bundle::seed();
    b.edit(
        "    文件: 材料/领导小组通知.pdf\n",
        "    文件: /etc/passwd\n",
    );
    let r = b.score();
    // absolute path refused → the file does not count → 7.1 −2 → 2
    r.expect("7.1", 2.0, "partial");
    assert!(
        !r.stdout.contains("root:x:0:0"),
        "a refused path is never opened"
    );
}
