//! 三、公开平台: 3.1–3.5 (3.4 through the evaluator's verdict file).

use crate::harness::*;

// ------------------------------------------------------------------ 3.1 信息公开数量

#[test]
fn t3_1_pass_60() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("工作动态", 60));
    // n = 60 ≥ 60 → 4
    b.score().expect("3.1", 4.0, "pass");
}

#[test]
fn t3_1_partial_59_plus_one_out_of_year() {
    let b = Bundle::seed();
    let csv =
        proactive_rows_many("工作动态", 59) + "60,去年条目,工作动态,T-60,2020-12-30,2020-12-31,\n";
    b.proactive_ledger(&csv);
    // 59 in-year (the 2020 row does not count) → 40 ≤ 59 < 60 → 2
    b.score().expect("3.1", 2.0, "partial");
}

#[test]
fn t3_1_partial_40() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("会议通知", 40));
    // 40 ≤ 40 < 60 → 2
    b.score().expect("3.1", 2.0, "partial");
}

#[test]
fn t3_1_gap_39() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("会议通知", 39));
    // 39 < 40 → 0
    b.score().expect("3.1", 0.0, "gap");
}

// ------------------------------------------------------------------ 3.2 目录要素完整

#[test]
fn t3_2_pass_complete() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_many("工作动态", 5));
    // every row has 标题, 栏目, 索引号, 发布日期 → 4
    b.score().expect("3.2", 4.0, "pass");
}

#[test]
fn t3_2_partial_missing_elements() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows_full(&[
        [
            "正常条目",
            "工作动态",
            "A-1",
            "2021-03-01",
            "2021-03-02",
            "",
        ], // row 2 ok
        ["无索引号", "工作动态", "", "2021-03-01", "2021-03-02", ""], // row 3 −0.5
        ["无发布日期", "工作动态", "A-3", "2021-03-01", "", ""], // row 4 −0.5 (empty 发布日期 counts)
        ["", "工作动态", "", "2021-03-01", "2021-03-02", ""],    // row 5 −0.5 once (two missing)
        [
            "去年无索引号",
            "工作动态",
            "",
            "2020-12-01",
            "2020-12-30",
            "",
        ], // row 6: 2020, not counted
        ["坏日期", "工作动态", "A-7", "2021-03-01", "2021-13-01", ""], // row 7 unreadable → empty → −0.5
        [
            "占位索引号",
            "工作动态",
            "—",
            "2021-03-01",
            "2021-03-02",
            "",
        ], // row 8 placeholder → empty → −0.5
    ]));
    // 5 rows × 0.5 = 2.5 → 4 − 2.5 = 1.5
    let r = b.score();
    r.expect("3.2", 1.5, "partial");
    assert_eq!(r.cited_rows("3.2"), vec![3, 4, 5, 7, 8]);
    // the unreadable date is a data problem naming file, row 7 and column 发布日期
    assert!(
        r.problems()
            .iter()
            .any(|p| p["file"] == "台账/主动公开台账.csv"
                && p["row"] == 7
                && p["column"] == "发布日期"),
        "{:#?}",
        r.problems()
    );
}

#[test]
fn t3_2_capped_after_eight_rows() {
    let b = Bundle::seed();
    let rows: Vec<[&str; 6]> = (0..9)
        .map(|_| ["无索引号", "工作动态", "", "2021-03-01", "2021-03-02", ""])
        .collect();
    b.proactive_ledger(&proactive_rows_full(&rows));
    // 9 × 0.5 = 4.5 > 4 → 0: eight findings carry 0.5, the ninth is capped with 0
    let r = b.score();
    r.expect("3.2", 0.0, "gap");
    let f = r.findings("3.2");
    assert_eq!(f.len(), 9);
    assert_eq!(f[8]["capped"], true);
    assert!(close(num(&f[8]["deduct"]), 0.0));
    assert!(f[..8].iter().all(|x| close(num(&x["deduct"]), 0.5)));
}

// ------------------------------------------------------------------ 3.3 自查数据一致

#[test]
fn t3_3_pass_seed_and_unreported_category_not_compared() {
    let b = Bundle::seed();
    b.edit("    会议通知: 14\n", "");
    // 总数 69 = 69; the other six declared categories match; 会议通知 not declared → not compared → 4
    b.score().expect("3.3", 4.0, "pass");
}

#[test]
fn t3_3_partial_three_mismatches() {
    let b = Bundle::seed();
    b.edit("  主动公开总数: 69", "  主动公开总数: 70");
    b.edit("    工作动态: 40", "    工作动态: 41");
    b.edit(
        "    信息公开场所: 1\n",
        "    信息公开场所: 1\n    政策解读: 3\n",
    );
    // 总数 70 ≠ 69 (−1); 工作动态 41 ≠ 40 (−1); 政策解读 3 ≠ 0 (no such 栏目 → 0) (−1) → 4 − 3 = 1
    let r = b.score();
    r.expect("3.3", 1.0, "partial");
    assert_eq!(r.findings("3.3").len(), 3);
}

#[test]
fn t3_3_capped_five_mismatches() {
    let b = Bundle::seed();
    b.edit("  主动公开总数: 69", "  主动公开总数: 70");
    b.edit("    机构职能: 2", "    机构职能: 3");
    b.edit("    领导成员和分工: 1", "    领导成员和分工: 2");
    b.edit("    工作动态: 40", "    工作动态: 41");
    b.edit("    会议通知: 14", "    会议通知: 15");
    // 5 mismatches × 1 = 5 > 4 → 0; the fifth finding is capped
    let r = b.score();
    r.expect("3.3", 0.0, "gap");
    let f = r.findings("3.3");
    assert_eq!(f.len(), 5);
    assert_eq!(f.iter().filter(|x| x["capped"] == true).count(), 1);
}

#[test]
fn t3_3_counts_only_in_year_rows() {
    let b = Bundle::seed();
    b.proactive_ledger(&proactive_rows(&[
        ("工作动态", "2021-03-01", "2021-03-02"),
        ("工作动态", "2020-12-30", "2020-12-31"),
        ("机构职能", "2021-03-01", "2021-03-02"),
    ]));
    b.edit(
        "  主动公开总数: 69\n  分类数量:\n    机构职能: 2\n    领导成员和分工: 1\n    工作动态: 40\n    会议通知: 14\n    政府文件: 10\n    计划总结: 1\n    信息公开场所: 1\n",
        "  主动公开总数: 2\n  分类数量:\n    工作动态: 2\n    机构职能: 1\n",
    );
    // in-year: 2 rows (总数 2 ok), 工作动态 1 (declared 2 → −1), 机构职能 1 ok → 4 − 1 = 3
    b.score().expect("3.3", 3.0, "partial");
}

#[test]
fn t3_3_missing_without_declared_total() {
    let b = Bundle::seed();
    b.edit("  主动公开总数: 69\n", "");
    // 主动公开总数 not filled → 缺材料, 0
    b.score().expect("3.3", 0.0, "missing");
}

// ------------------------------------------------------------------ 3.4 内容质量抽查 (manual)

const VERDICT_HEAD: &str =
    "评分人: 王某\n评分日期: 2022-02-20\n单位: xx镇\n考核指标: county-zwgk-2021\n";

#[test]
fn t3_4_pending_without_verdict() {
    let r = Bundle::seed().score();
    // no verdict → 0, 待评分, the total is provisional
    r.expect("3.4", 0.0, "manual");
    assert_eq!(r.total()["provisional"], true);
}

#[test]
fn t3_4_partial_verdict() {
    let b = Bundle::seed();
    let r = b.score_with_verdicts(&format!(
        "{VERDICT_HEAD}评分:\n  3.4: {{得分: 1.5, 说明: 抽查10条，2条索引号不规范}}\n"
    ));
    // verdict 1.5 of 2 → partial; nothing pending → not provisional
    r.expect("3.4", 1.5, "partial");
    assert_eq!(r.total()["provisional"], false);
    // seed base 94.5 + 1.5 = 96; bonus 1; score 97 → 优秀
    r.expect_total(96.0, 1.0, 97.0, "优秀");
}

#[test]
fn t3_4_zero_verdict_is_a_real_score() {
    let b = Bundle::seed();
    let r = b.score_with_verdicts(&format!(
        "{VERDICT_HEAD}评分:\n  \"3.4\": {{得分: 0, 说明: 多条信息内容不准确}}\n"
    ));
    // verdict 0 → gap (a real score, not pending)
    r.expect("3.4", 0.0, "gap");
    assert_eq!(r.total()["provisional"], false);
}

#[test]
fn t3_4_adjustment_is_shown() {
    let b = Bundle::seed();
    b.write(
        "材料/政府信息公开指南.html",
        "<p>受理机构：党政办</p><p>联系电话：0551-1234567</p><p>通迅地址：人民路1号</p>",
    );
    // computed 2.4: 通信地址 missing ("通迅" is a typo, not an accepted word) → 2 − 1 = 1
    assert!(close(num(&b.score().indicator("2.4")["score"]), 1.0));
    let r = b.score_with_verdicts(&format!(
        "{VERDICT_HEAD}评分:\n  \"3.4\": {{得分: 2, 说明: 抽查无误}}\n调整:\n  \"2.4\": {{得分: 2, 理由: 指南写“通迅地址”，视同通信地址}}\n"
    ));
    let ind = r.indicator("2.4");
    assert!(close(num(&ind["score"]), 2.0));
    assert!(close(num(&ind["adjusted"]["from"]), 1.0));
    assert!(close(num(&ind["adjusted"]["to"]), 2.0));
    assert_eq!(ind["adjusted"]["by"], "王某");
}

// ------------------------------------------------------------------ 3.5 平台安全

#[test]
fn t3_5_pass_no_events_and_old_event() {
    let b = Bundle::seed();
    b.edit(
        "安全事件: []",
        "安全事件:\n  - {日期: 2020-12-20, 类型: 泄密, 描述: 去年的事件}",
    );
    // the only event is dated 2020 → not in the year → no events → 6, no veto
    let r = b.score();
    r.expect("3.5", 6.0, "pass");
    assert_eq!(r.total()["veto"], false);
}

#[test]
fn t3_5_pass_when_omitted() {
    let b = Bundle::seed();
    b.edit("安全事件: []\n", "");
    // key omitted → no events → 6
    b.score().expect("3.5", 6.0, "pass");
}

#[test]
fn t3_5_partial_one_minor_error() {
    let b = Bundle::seed();
    b.edit(
        "安全事件: []",
        "安全事件:\n  - {日期: 2021-05-03, 类型: 一般表述错误, 描述: 动态信息中日期写错}",
    );
    // 1 × 2 → 6 − 2 = 4
    b.score().expect("3.5", 4.0, "partial");
}

#[test]
fn t3_5_capped_four_minor_errors() {
    let b = Bundle::seed();
    b.edit(
        "安全事件: []",
        "安全事件:\n  - {日期: 2021-05-03, 类型: 一般表述错误, 描述: 一}\n  - {日期: 2021-06-03, 类型: 一般表述错误, 描述: 二}\n  - {类型: 一般表述错误, 描述: 三（日期为空也计入）}\n  - {日期: 2021-08-03, 类型: 一般表述错误, 描述: 四}",
    );
    // 4 × 2 = 8 > 6 → 0 (the empty-date event counts); the fourth is capped
    let r = b.score();
    r.expect("3.5", 0.0, "gap");
    let f = r.findings("3.5");
    assert_eq!(f.len(), 4);
    assert_eq!(f.iter().filter(|x| x["capped"] == true).count(), 1);
    assert_eq!(r.total()["veto"], false);
}

#[test]
fn t3_5_veto_with_empty_date() {
    let b = Bundle::seed();
    b.edit(
        "安全事件: []",
        "安全事件:\n  - {类型: 安全攻击, 描述: 网站被篡改（日期未填）}",
    );
    // empty date counts in the year; 安全攻击 → 一票否决: 0, veto, grade 不合格
    let r = b.score();
    r.expect("3.5", 0.0, "veto");
    assert_eq!(r.total()["veto"], true);
    assert_eq!(r.total()["grade"], "不合格");
}

#[test]
fn t3_5_unknown_type_is_a_problem_only() {
    let b = Bundle::seed();
    b.edit(
        "安全事件: []",
        "安全事件:\n  - {日期: 2021-05-03, 类型: 系统故障, 描述: 平台停机半天}\n  - {日期: 2021-06-03, 描述: 类型未填}",
    );
    // 类型 not one of the five, or empty → data problems, neither deducted nor vetoed → 6
    let r = b.score();
    r.expect("3.5", 6.0, "pass");
    assert_eq!(r.total()["veto"], false);
    let p: Vec<_> = r
        .problems()
        .iter()
        .filter(|p| p["code"] == "incident-type-unknown")
        .collect();
    assert_eq!(p.len(), 2, "{:#?}", r.problems());
    assert!(p.iter().all(|p| p["file"] == "bundle.yaml"));
}
