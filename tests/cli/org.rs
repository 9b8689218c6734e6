//! 七、组织保障: 7.1–7.6.

use crate::harness::*;

const LEADER: &str = "    组长职务: 镇长\n";
const LEADER_FILE: &str = "    文件: 材料/领导小组通知.pdf\n";
const GROUP: &str =
    "  领导小组:\n    组长: 张思强\n    组长职务: 镇长\n    文件: 材料/领导小组通知.pdf\n";

fn title(t: &str) -> Bundle {
    let b = Bundle::seed();
    b.edit(LEADER, &format!("    组长职务: {t}\n"));
    b
}

// ------------------------------------------------------------------ 7.1 领导小组

#[test]
fn t7_1_pass_titles_of_principal_leaders() {
    // 去掉末尾括号后 ends with 书记/镇长/乡长/办事处主任 and no 副 → 4
    for t in [
        "镇长（代）",
        "党委书记",
        "镇党委书记",
        "街道办事处主任",
        "乡长",
        "镇长(代理)",
    ] {
        title(t).score().expect("7.1", 4.0, "pass");
    }
}

#[test]
fn t7_1_partial_titles_not_principal() {
    // 副镇长 (contains 副), 党委副书记 (contains 副), 党政办主任 (ends with 主任, not 办事处主任),
    // 组长 (none of the endings) → −2 → 2
    for t in ["副镇长", "党委副书记", "党政办主任", "组长"] {
        title(t).score().expect("7.1", 2.0, "partial");
    }
}

#[test]
fn t7_1_partial_file_missing() {
    let b = Bundle::seed();
    b.edit(LEADER_FILE, "    文件: 材料/不存在的通知.pdf\n");
    // title ok; file does not exist in the bundle → −2 → 2
    b.score().expect("7.1", 2.0, "partial");
}

#[test]
fn t7_1_partial_file_outside_bundle_is_refused() {
    let b = Bundle::seed();
    std::fs::write(b.outside().join("领导小组通知.pdf"), "%PDF-1.4\n").unwrap();
    b.edit(LEADER_FILE, "    文件: ../领导小组通知.pdf\n");
    // the path leaves the bundle → refused (a problem, exit 0), counts as missing → −2 → 2
    let r = b.score();
    r.expect("7.1", 2.0, "partial");
    assert!(
        r.problems()
            .iter()
            .any(|p| p["message"].as_str().unwrap_or("").contains("领导小组")
                || p["key"].as_str().unwrap_or("").contains("领导小组")
                || p["value"].as_str().unwrap_or("").contains("领导小组通知")),
        "the refused path is reported: {:#?}",
        r.problems()
    );
}

#[test]
fn t7_1_gap_both_wrong() {
    let b = title("副镇长");
    b.edit(LEADER_FILE, "");
    // −2 (副) −2 (no file) → 0; the group exists, so 未达标 (gap)
    b.score().expect("7.1", 0.0, "gap");
}

#[test]
fn t7_1_gap_no_group() {
    let b = Bundle::seed();
    b.edit(GROUP, "");
    // 未成立 → 0 (gap, never 缺材料)
    b.score().expect("7.1", 0.0, "gap");
}

// ------------------------------------------------------------------ 7.2 工作机构和专人

#[test]
fn t7_2_pass_seed() {
    // 党政办 (2) + 1 专职人员 (2) → 4
    Bundle::seed().score().expect("7.2", 4.0, "pass");
}

#[test]
fn t7_2_partial_no_staff() {
    let b = Bundle::seed();
    b.edit("  专职人员: [李晓梅]\n", "  专职人员: []\n");
    // no 专职人员 → −2 → 2
    b.score().expect("7.2", 2.0, "partial");
}

#[test]
fn t7_2_partial_no_office_single_staff_value() {
    let b = Bundle::seed();
    b.edit("  工作机构: 党政办\n", "");
    b.edit("  专职人员: [李晓梅]\n", "  专职人员: 李晓梅\n");
    // no 工作机构 → −2; a single value reads as a one-element list → staff ok → 2
    b.score().expect("7.2", 2.0, "partial");
}

#[test]
fn t7_2_gap_neither() {
    let b = Bundle::seed();
    b.edit("  工作机构: 党政办\n", "  工作机构: 无\n");
    b.edit("  专职人员: [李晓梅]\n", "");
    // 工作机构 placeholder 无 = empty (−2), no 专职人员 (−2) → 0 (gap)
    b.score().expect("7.2", 0.0, "gap");
}

// ------------------------------------------------------------------ 7.3 制度建设

#[test]
fn t7_3_pass_combined_and_review_names() {
    let b = Bundle::seed();
    b.edit(
        "    - {名称: 信息公开保密审查制度, 文件: 材料/制度/信息公开保密审查制度.txt}\n    - {名称: 信息公开监督检查制度, 文件: 材料/制度/信息公开监督检查制度.txt}\n",
        "    - {名称: 信息公开保密审查和监督检查制度, 文件: 材料/制度/信息公开保密审查制度.txt}\n",
    );
    b.edit(
        "{名称: 信息公开审批制度, 文件: 材料/制度/信息公开审批制度.txt}",
        "{名称: 信息发布审核制度, 文件: 材料/制度/信息公开审批制度.txt}",
    );
    // one 制度 satisfies 保密审查 and 监督检查; 审核 satisfies the review kind → 6 kinds → 6
    b.score().expect("7.3", 6.0, "pass");
}

#[test]
fn t7_3_partial_one_kind_absent() {
    let b = Bundle::seed();
    b.edit(
        "    - {名称: 责任追究制度, 文件: 材料/制度/责任追究制度.txt}\n",
        "",
    );
    // 责任追究 missing → −1 → 5
    b.score().expect("7.3", 5.0, "partial");
}

#[test]
fn t7_3_partial_files_missing() {
    let b = Bundle::seed();
    b.remove("材料/制度/信息公开保密审查制度.txt");
    b.edit(
        "{名称: 依申请受理机制, 文件: 材料/制度/依申请受理机制.txt}",
        "{名称: 依申请受理机制}",
    );
    // 保密审查 file absent → does not count (−1); 依申请 without 文件 → does not count (−1) → 4
    b.score().expect("7.3", 4.0, "partial");
}

#[test]
fn t7_3_gap_no_systems() {
    let b = Bundle::seed();
    let text = b.read("bundle.yaml");
    let start = text.find("  制度:\n").unwrap();
    let end = text.find("  培训:\n").unwrap();
    b.write(
        "bundle.yaml",
        &format!("{}{}", &text[..start], &text[end..]),
    );
    // no 制度 → 6 kinds missing × 1 → 0 (gap)
    let r = b.score();
    r.expect("7.3", 0.0, "gap");
    assert_eq!(r.findings("7.3").len(), 6);
}

// ------------------------------------------------------------------ 7.4 业务培训

const TRAINING: &str =
    "    - {日期: 2021-06-10, 内容: 政务公开业务培训, 文件: 材料/培训/2021-06-10培训签到表.pdf}\n";

#[test]
fn t7_4_pass_seed() {
    // 培训 2021-06-10 in year → 2
    Bundle::seed().score().expect("7.4", 2.0, "pass");
}

#[test]
fn t7_4_gap_only_last_year() {
    let b = Bundle::seed();
    b.edit(TRAINING, "    - {日期: 2020-12-20, 内容: 政务公开业务培训, 文件: 材料/培训/2021-06-10培训签到表.pdf}\n");
    // 0 in-year records → 0
    b.score().expect("7.4", 0.0, "gap");
}

#[test]
fn t7_4_gap_key_absent() {
    let b = Bundle::seed();
    b.edit(&format!("  培训:\n{TRAINING}"), "");
    b.score().expect("7.4", 0.0, "gap");
}

// ------------------------------------------------------------------ 7.5 年度工作计划

#[test]
fn t7_5_pass() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[("计划总结", "2021-01-05", "2021-01-06")]));
    // 1 row ≥ 1 → 2
    b.score().expect("7.5", 2.0, "pass");
}

#[test]
fn t7_5_gap_plan_published_next_year() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("计划总结", "2022-01-05", "2022-01-06"),
        ("工作动态", "2021-03-01", "2021-03-01"),
    ]));
    // 2022 → not in year → 0
    b.score().expect("7.5", 0.0, "gap");
}

#[test]
fn t7_5_missing_without_ledger() {
    let b = Bundle::seed();
    b.edit("  主动公开: 台账/主动公开台账.csv\n", "");
    b.score().expect("7.5", 0.0, "missing");
}

// ------------------------------------------------------------------ 7.6 读网检查

#[test]
fn t7_6_pass_seed() {
    Bundle::seed().score().expect("7.6", 2.0, "pass");
}

#[test]
fn t7_6_gap_absent() {
    let b = Bundle::seed();
    b.edit("  读网检查责任人: 李晓梅\n", "");
    // not named → 0
    b.score().expect("7.6", 0.0, "gap");
}

#[test]
fn t7_6_gap_placeholder() {
    let b = Bundle::seed();
    b.edit("  读网检查责任人: 李晓梅\n", "  读网检查责任人: \"/\"\n");
    // "/" is a placeholder → empty → not named → 0
    b.score().expect("7.6", 0.0, "gap");
}
