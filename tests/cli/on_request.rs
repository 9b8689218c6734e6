//! 二、依申请公开: 2.1–2.4.
//! Working-day counts (data/cn-holidays.csv): see proactive.rs for the 2021 festivals. 2022: 01-01..
//! 01-03 off (Sat–Mon), 01-29 (Sat) and 01-30 (Sun) worked, 01-31..02-06 off.
//! The seed's 报送日期 is 2022-02-15.

use crate::harness::*;

// ------------------------------------------------------------------ 2.1 登记簿

#[test]
fn t2_1_pass_header_only() {
    // seed: header, no data rows → 2
    Bundle::seed().score().expect("2.1", 2.0, "pass");
}

#[test]
fn t2_1_missing_when_not_submitted() {
    let b = Bundle::seed();
    b.edit("  依申请: 台账/依申请公开登记簿.csv\n", "");
    // not submitted → 缺材料 for 2.1, 2.2, 2.3 (and 6.3, which needs it)
    let r = b.score();
    r.expect("2.1", 0.0, "missing");
    r.expect("2.2", 0.0, "missing");
    r.expect("2.3", 0.0, "missing");
    r.expect("6.3", 0.0, "missing");
}

#[test]
fn t2_1_missing_when_header_lacks_a_column() {
    let b = Bundle::seed();
    // 是否延期 missing from the header → unusable → 缺材料
    b.on_request_ledger("序号,收件日期,答复日期,办理结果\n");
    let r = b.score();
    r.expect("2.1", 0.0, "missing");
    r.expect("2.2", 0.0, "missing");
}

#[test]
fn t2_1_missing_when_file_absent() {
    let b = Bundle::seed();
    b.remove("台账/依申请公开登记簿.csv");
    b.score().expect("2.1", 0.0, "missing");
}

// ------------------------------------------------------------------ 2.2 答复时限

#[test]
fn t2_2_pass_national_day_20_workdays() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "2021-09-24",
        "",
        "否",
        "2021-10-27",
        "予以公开",
    )]));
    // 09-24 → 10-27: 09-26 Sun 调休 (1), 09-27..09-30 (2–5), 10-08 (6), 10-09 Sat 调休 (7),
    // 10-11..10-27 (8–20) → 20 ≤ 20 → on time → 6
    b.score().expect("2.2", 6.0, "pass");
}

#[test]
fn t2_2_late_national_day_21_workdays() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "2021-09-24",
        "",
        "否",
        "2021-10-28",
        "予以公开",
    )]));
    // 10-28 is the 21st working day → 21 > 20 → 逾期 → 6 − 3 = 3
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    assert_eq!(r.cited_rows("2.2"), vec![2]);
}

#[test]
fn t2_2_extension_40_workdays_across_spring_festival() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2021-02-01", "", "是", "2021-04-01", "予以公开"), // row 2
        ("2021-02-01", "", "是", "2021-04-02", "予以公开"), // row 3
    ]));
    // 02-01 → 03-04 = 20 working days (02-07 Sun and 02-20 Sat worked, 02-11..02-17 off);
    // 03-05, 03-08..03-12, 03-15..03-19, 03-22..03-26, 03-29..03-31 = 21–39, 04-01 = 40.
    // row 2: 40 ≤ 40 (是否延期=是) → ok; row 3: 04-02 = 41 > 40 → 逾期 → 6 − 3 = 3
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    assert_eq!(r.cited_rows("2.2"), vec![3]);
}

#[test]
fn t2_2_consultation_days_extend_the_limit() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2021-09-24", "5", "否", "2021-11-03", "予以公开"), // row 2
        ("2021-09-24", "5", "否", "2021-11-04", "予以公开"), // row 3
    ]));
    // limit 20 + 5 = 25. From 09-24: 10-27 = 20, 10-28 = 21, 10-29 = 22, 11-01 = 23,
    // 11-02 = 24, 11-03 = 25, 11-04 = 26. row 2: 25 ≤ 25 ok; row 3: 26 > 25 → −3 → 3
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    assert_eq!(r.cited_rows("2.2"), vec![3]);
}

#[test]
fn t2_2_unanswered_due_on_submission_day_is_pending() {
    let b = Bundle::seed();
    b.edit("报送日期: 2022-02-15", "报送日期: 2022-01-28");
    b.on_request_ledger(&on_request_rows(&[("2021-12-30", "", "否", "", "")]));
    // due = 20th working day after 2021-12-30: 12-31 (1), 2022-01-01..01-03 off, 01-04..01-07
    // (2–5), 01-10..01-14 (6–10), 01-17..01-21 (11–15), 01-24..01-28 (16–20) → 2022-01-28.
    // Due date = 报送日期 → 办理中, not 逾期 → 6
    b.score().expect("2.2", 6.0, "pass");
}

#[test]
fn t2_2_unanswered_past_due_is_late() {
    let b = Bundle::seed();
    b.edit("报送日期: 2022-02-15", "报送日期: 2022-01-29");
    b.on_request_ledger(&on_request_rows(&[("2021-12-30", "", "否", "", "")]));
    // due 2022-01-28 (above) is earlier than 报送日期 2022-01-29 → 逾期 → 3
    b.score().expect("2.2", 3.0, "partial");
}

#[test]
fn t2_2_empty_receipt_date_counts_as_late() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "",
        "",
        "否",
        "2021-05-10",
        "予以公开",
    )]));
    // 收件日期 empty (row not empty) → counts in the year and as 逾期 → 6 − 3 = 3
    b.score().expect("2.2", 3.0, "partial");
}

#[test]
fn t2_2_reply_before_receipt_is_no_reply() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "2021-06-10",
        "",
        "否",
        "2021-06-01",
        "已办结",
    )]));
    // 答复 before 收件 → data problem, treated as no reply; due = 20th working day after
    // 06-10 (06-12..06-14 端午 off) = 2021-07-09, earlier than 报送 2022-02-15 → 逾期 → 3.
    // 2.3: not an answered application → its 办理结果 is not checked → 2
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    r.expect("2.3", 2.0, "pass");
    assert!(
        r.has_problem_code("reply-before-receipt"),
        "{:#?}",
        r.problems()
    );
}

#[test]
fn t2_2_reply_after_submission_is_no_reply() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "2021-12-01",
        "",
        "否",
        "2027-01-05",
        "予以公开",
    )]));
    // 答复 2027-01-05 after 报送 2022-02-15 → data problem (value names 2027), no reply;
    // due = 20th working day after 12-01: 12-02, 12-03, 12-06..12-10, 12-13..12-17,
    // 12-20..12-24, 12-27, 12-28, 12-29 → 2021-12-29 < 报送 → 逾期 → 3
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    assert!(
        r.has_problem_code("reply-after-submission"),
        "{:#?}",
        r.problems()
    );
    assert!(!r.problems_mentioning("2027").is_empty());
}

#[test]
fn t2_2_uncovered_calendar_year_is_a_problem_and_late() {
    let b = Bundle::seed();
    b.edit("报送日期: 2022-02-15", "报送日期: 2027-03-01");
    b.on_request_ledger(&on_request_rows(&[(
        "2021-12-01",
        "",
        "否",
        "2027-01-05",
        "予以公开",
    )]));
    // 答复 2027-01-05 ≤ 报送 2027-03-01 → an effective reply; 工作日间隔 needs 2027, which the
    // calendar (2019–2026) lacks → data problem naming 2027 on row 2 → 逾期 → 3
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    let p = r.problems_mentioning("2027");
    assert!(
        p.iter()
            .any(|p| p["row"] == 2 && p["file"] == "台账/依申请公开登记簿.csv"),
        "{:#?}",
        r.problems()
    );
}

#[test]
fn t2_2_out_of_year_application_ignored() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2020-12-20", "", "否", "", ""),
        ("2022-01-05", "", "否", "", ""),
    ]));
    // 收件 2020 and 2022 are not in the year → no in-year applications → 6
    b.score().expect("2.2", 6.0, "pass");
}

#[test]
fn t2_2_bad_extension_flag_counts_as_no() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "2021-02-01",
        "",
        "延期",
        "2021-03-05",
        "予以公开",
    )]));
    // 是否延期 "延期" is not 是/否 → data problem, counts as 否 → limit 20; 03-05 = 21 > 20 → 3
    let r = b.score();
    r.expect("2.2", 3.0, "partial");
    assert!(
        !r.problems_mentioning("延期").is_empty()
            || r.problems().iter().any(|p| p["column"] == "是否延期")
    );
}

#[test]
fn t2_2_capped_three_late() {
    let b = Bundle::seed();
    let late = ("2021-09-24", "", "否", "2021-12-01", "予以公开");
    b.on_request_ledger(&on_request_rows(&[late, late, late]));
    // 3 × 3 = 9 > 6 → 0; the first two carry 3 each, the third is capped
    let r = b.score();
    r.expect("2.2", 0.0, "gap");
    let f = r.findings("2.2");
    assert_eq!(f.len(), 3);
    assert_eq!(f[2]["capped"], true);
    assert!(close(num(&f[2]["deduct"]), 0.0));
}

#[test]
fn t2_2_personal_data_never_in_output() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[(
        "2021-09-24",
        "",
        "否",
        "2021-10-28",
        "予以公开",
    )]));
    let out = b.run(&[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"2.2\""), "a report was written");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in ["欧阳明月", "13912345671", "李家村征地补偿明细"] {
        assert!(!stdout.contains(secret), "{secret} leaked into stdout");
        assert!(!stderr.contains(secret), "{secret} leaked into stderr");
    }
    // the default table format must not show them either
    let out = kaohe().arg("score").arg(&b.dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.is_empty());
    for secret in ["欧阳明月", "13912345671", "李家村征地补偿明细"] {
        assert!(!table.contains(secret), "{secret} leaked into the table");
    }
}

// ------------------------------------------------------------------ 2.3 办理结果规范

#[test]
fn t2_3_pass_standard_results() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2021-03-01", "", "否", "2021-03-10", "予以公开"),
        (
            "2021-03-01",
            "",
            "否",
            "2021-03-10",
            "部分公开（涉及第三方隐私）",
        ),
        (
            "2021-03-01",
            "",
            "否",
            "2021-03-10",
            "无法提供：本机关不掌握",
        ),
        ("2021-03-01", "", "否", "", "办理中"), // not answered → not checked
        ("2020-11-02", "", "否", "2020-11-10", "已答复"), // 2020 → not checked
    ]));
    // 3 answered in-year rows, all start with one of the six → 2
    b.score().expect("2.3", 2.0, "pass");
}

#[test]
fn t2_3_partial_one_nonstandard() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2021-03-01", "", "否", "2021-03-10", "予以公开"),
        ("2021-03-01", "", "否", "2021-03-10", "已答复"), // row 3: not one of the six
    ]));
    // 1 × 1 → 2 − 1 = 1
    let r = b.score();
    r.expect("2.3", 1.0, "partial");
    assert_eq!(r.cited_rows("2.3"), vec![3]);
}

#[test]
fn t2_3_capped_empty_and_nonstandard() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2021-03-01", "", "否", "2021-03-10", "已答复"), // −1
        ("2021-03-01", "", "否", "2021-03-10", ""),       // empty 办理结果 → −1
        ("2021-03-01", "", "否", "2021-03-10", "同意公开"), // −1 → capped
    ]));
    // 3 × 1 = 3 > 2 → 0; third finding capped
    let r = b.score();
    r.expect("2.3", 0.0, "gap");
    assert_eq!(r.findings("2.3")[2]["capped"], true);
}

// ------------------------------------------------------------------ 2.4 公开指南

const GUIDE: &str = "材料/政府信息公开指南.html";

#[test]
fn t2_4_pass_alternative_words() {
    let b = Bundle::seed();
    b.write(GUIDE, "<html><body><p>工作机构：党政办</p><p>办公地址：人民路1号</p><p>办公<b>电话</b>：0551-1234567</p></body></html>");
    // 工作机构 (受理机构), 办公地址 (通信地址), 办公电话 across a tag (tags removed) → 0 missing → 2
    b.score().expect("2.4", 2.0, "pass");
}

#[test]
fn t2_4_partial_address_missing() {
    let b = Bundle::seed();
    b.write(GUIDE, "<html><body><p>受理机构：党政办</p><!-- 通信地址：待补 --><p>咨询电话：0551-1234567</p></body></html>");
    // 通信地址 only inside an HTML comment (removed) → 1 missing → 2 − 1 = 1
    b.score().expect("2.4", 1.0, "partial");
}

#[test]
fn t2_4_gap_only_in_script() {
    let b = Bundle::seed();
    b.write(
        GUIDE,
        "<html><head><script>var a = '受理机构 通信地址 联系电话';</script><style>.x{}</style></head><body><p>本指南正在修订。</p></body></html>",
    );
    // words only inside <script> (removed) → 3 missing × 1 = 3 > 2 → 0 (document present → gap)
    b.score().expect("2.4", 0.0, "gap");
}

#[test]
fn t2_4_missing_when_pdf() {
    let b = Bundle::seed();
    b.write("材料/政府信息公开指南.pdf", "%PDF-1.4\n%%EOF\n");
    b.edit(
        "{文件: 材料/政府信息公开指南.html}",
        "{文件: 材料/政府信息公开指南.pdf}",
    );
    // present but not readable → 已报送但无法读取 → 缺材料, 0
    b.score().expect("2.4", 0.0, "missing");
}

#[test]
fn t2_4_missing_when_not_submitted() {
    let b = Bundle::seed();
    b.edit("  公开指南: {文件: 材料/政府信息公开指南.html}\n", "");
    b.score().expect("2.4", 0.0, "missing");
}

#[test]
fn t2_4_missing_when_file_absent() {
    let b = Bundle::seed();
    b.remove(GUIDE);
    b.score().expect("2.4", 0.0, "missing");
}
