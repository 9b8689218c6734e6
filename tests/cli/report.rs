//! 六、政府信息公开工作年度报告: 6.1–6.3.

use crate::harness::*;

const NDBG_LINE: &str = "  年度报告: {文件: 材料/年度报告.md, 发布日期: 2022-01-25, 链接: http://www.xx.gov.cn/xxgk/xxz/ndbg/2021.html}";
const NDBG: &str = "材料/年度报告.md";

fn with_date(b: &Bundle, date: &str) {
    b.edit(
        NDBG_LINE,
        &format!("  年度报告: {{文件: 材料/年度报告.md, 发布日期: {date}, 链接: http://www.xx.gov.cn/ndbg}}"),
    );
}

// ------------------------------------------------------------------ 6.1 按时发布

#[test]
fn t6_1_pass_on_deadline() {
    let b = Bundle::seed();
    with_date(&b, "2022-01-31");
    // 2022-01-31 is not later than 2022-01-31 → 6
    b.score().expect("6.1", 6.0, "pass");
}

#[test]
fn t6_1_pass_chinese_date() {
    let b = Bundle::seed();
    with_date(&b, "\"2022年1月20日\"");
    // 2022-01-20 ≤ 2022-01-31 → 6
    b.score().expect("6.1", 6.0, "pass");
}

#[test]
fn t6_1_partial_late() {
    let b = Bundle::seed();
    with_date(&b, "2022-02-01");
    // later than 2022-01-31 → 3 (one finding carrying 3)
    let r = b.score();
    r.expect("6.1", 3.0, "partial");
    assert_eq!(r.findings("6.1").len(), 1);
}

#[test]
fn t6_1_too_early_is_a_problem_but_scored_as_written() {
    let b = Bundle::seed();
    with_date(&b, "2021-06-30");
    // earlier than 2021-12-31 → data problem; scored as written: ≤ 2022-01-31 → 6
    let r = b.score();
    r.expect("6.1", 6.0, "pass");
    assert!(
        r.has_problem_code("annual-report-too-early"),
        "{:#?}",
        r.problems()
    );
}

#[test]
fn t6_1_year_end_is_not_too_early() {
    let b = Bundle::seed();
    with_date(&b, "2021-12-31");
    // 2021-12-31 is not earlier than 2021-12-31 → no problem; 6
    let r = b.score();
    r.expect("6.1", 6.0, "pass");
    assert!(!r.has_problem_code("annual-report-too-early"));
}

#[test]
fn t6_1_missing_without_date() {
    let b = Bundle::seed();
    b.edit(NDBG_LINE, "  年度报告: {文件: 材料/年度报告.md}");
    // no readable 发布日期 → 缺材料 for 6.1; 6.2 and 6.3 read the document → 6 each
    let r = b.score();
    r.expect("6.1", 0.0, "missing");
    r.expect("6.2", 6.0, "pass");
    r.expect("6.3", 6.0, "pass");
}

#[test]
fn t6_1_missing_with_unreadable_date() {
    let b = Bundle::seed();
    with_date(&b, "20220125");
    // 20220125 is not a date → data problem, empty → 缺材料
    b.score().expect("6.1", 0.0, "missing");
}

#[test]
fn t6_1_missing_when_file_absent() {
    let b = Bundle::seed();
    b.remove(NDBG);
    // file does not exist → 缺材料 for 6.1, 6.2, 6.3
    let r = b.score();
    r.expect("6.1", 0.0, "missing");
    r.expect("6.2", 0.0, "missing");
    r.expect("6.3", 0.0, "missing");
}

#[test]
fn t6_1_pdf_report_still_dated() {
    let b = Bundle::seed();
    b.write("材料/年度报告.pdf", "%PDF-1.4\n%%EOF\n");
    b.edit("{文件: 材料/年度报告.md,", "{文件: 材料/年度报告.PDF,");
    b.remove(NDBG);
    std::fs::rename(b.path("材料/年度报告.pdf"), b.path("材料/年度报告.PDF")).unwrap();
    // present but unreadable (.PDF, any case): 6.1 decided by 发布日期 2022-01-25 → 6;
    // 6.2 and 6.3 → 缺材料 (已报送但无法读取), 0
    let r = b.score();
    r.expect("6.1", 6.0, "pass");
    r.expect("6.2", 0.0, "missing");
    r.expect("6.3", 0.0, "missing");
}

// ------------------------------------------------------------------ 6.2 格式规范

#[test]
fn t6_2_pass_headings_with_spaces() {
    let b = Bundle::seed();
    let text = annual_report(&[], Some([Some(0), Some(0), Some(0), Some(0)]))
        .replace("总体情况", "总 体　情 况") // whitespace (incl. U+3000) is removed from a line
        .replace("## 五、", "## **五、**");
    b.write(NDBG, &text);
    // all six headings found after removing whitespace and emphasis markers → 6
    b.score().expect("6.2", 6.0, "pass");
}

#[test]
fn t6_2_heading_split_over_two_lines_is_no_heading() {
    let b = Bundle::seed();
    let text = annual_report(&[], Some([Some(0), Some(0), Some(0), Some(0)]))
        .replace("其他需要报告的事项", "其他需要\n报告的事项");
    b.write(NDBG, &text);
    // In .md each line is a line: "六、其他需要" is not the heading 其他需要报告的事项,
    // whose name now appears on no line → 6 − 1 = 5
    let r = b.score();
    r.expect("6.2", 5.0, "partial");
    let message = r.findings("6.2")[0]["message"].as_str().unwrap();
    assert!(message.contains("其他需要报告的事项"), "{message}");
    // the numbered line that names the part's key words is quoted as the near miss
    assert!(message.contains("“六、其他需要”不算"), "{message}");
}

#[test]
fn t6_2_partial_two_missing() {
    let b = Bundle::seed();
    b.write(
        NDBG,
        &annual_report(
            &["行政复议", "其他需要报告"],
            Some([Some(0), Some(0), Some(0), Some(0)]),
        ),
    );
    // 2 headings missing × 1 → 6 − 2 = 4
    let r = b.score();
    r.expect("6.2", 4.0, "partial");
    assert_eq!(r.findings("6.2").len(), 2);
}

#[test]
fn t6_2_gap_no_headings() {
    let b = Bundle::seed();
    b.write(NDBG, "# 2021年工作情况\n\n今年我镇政务公开工作成效明显。\n");
    // 6 missing × 1 → 0 (document present → gap)
    b.score().expect("6.2", 0.0, "gap");
}

// ------------------------------------------------------------------ 6.3 表三数据

fn two_applications(b: &Bundle) {
    b.ysq(&ysq(&[
        ("2021-03-01", "", "否", "2021-03-10", "予以公开"),
        ("2021-05-06", "", "否", "2021-05-20", "部分公开"),
        ("2020-12-01", "", "否", "2020-12-10", "予以公开"), // 2020: not 本年新收
    ]));
}

#[test]
fn t6_3_pass_matching_table() {
    let b = Bundle::seed();
    two_applications(&b);
    b.write(
        NDBG,
        &annual_report(&[], Some([Some(2), Some(0), Some(2), Some(0)])),
    );
    // (a) 新收 2 = 2 in-year applications → 3; (b) 2 + 0 = 2 + 0 → 3 → 6
    b.score().expect("6.3", 6.0, "pass");
}

#[test]
fn t6_3_partial_new_count_differs() {
    let b = Bundle::seed();
    two_applications(&b);
    b.write(
        NDBG,
        &annual_report(&[], Some([Some(3), Some(0), Some(3), Some(0)])),
    );
    // (a) 3 ≠ 2 → 0; (b) 3 + 0 = 3 + 0 → 3 → 3
    let r = b.score();
    r.expect("6.3", 3.0, "partial");
    assert_eq!(r.findings("6.3").len(), 1);
}

#[test]
fn t6_3_partial_balance_broken() {
    let b = Bundle::seed();
    two_applications(&b);
    b.write(
        NDBG,
        &annual_report(&[], Some([Some(2), Some(1), Some(2), Some(0)])),
    );
    // (a) 2 = 2 → 3; (b) 2 + 1 = 3 ≠ 2 + 0 = 2 → 0 → 3
    b.score().expect("6.3", 3.0, "partial");
}

#[test]
fn t6_3_gap_both_parts_fail() {
    let b = Bundle::seed();
    two_applications(&b);
    b.write(
        NDBG,
        &annual_report(&[], Some([Some(1), Some(0), Some(4), Some(0)])),
    );
    // (a) 1 ≠ 2 → 0; (b) 1 + 0 ≠ 4 + 0 → 0 → 0 (document present → gap)
    let r = b.score();
    r.expect("6.3", 0.0, "gap");
    assert_eq!(r.findings("6.3").len(), 2);
}

#[test]
fn t6_3_partial_row_missing_only_affects_b() {
    let b = Bundle::seed();
    two_applications(&b);
    b.write(
        NDBG,
        &annual_report(&[], Some([Some(2), Some(0), Some(2), None])),
    );
    // 结转下年度 row not found: (a) only needs 本年新收: 2 = 2 → 3; (b) needs all four → 0 → 3
    b.score().expect("6.3", 3.0, "partial");
}

#[test]
fn t6_3_gap_no_table_three() {
    let b = Bundle::seed();
    b.write(NDBG, &annual_report(&[], None));
    // no table with a 本年新收 row → 0, 未达标 (gap), not 缺材料; 6.2 unaffected (6)
    let r = b.score();
    r.expect("6.3", 0.0, "gap");
    r.expect("6.2", 6.0, "pass");
}

#[test]
fn t6_3_empty_receipt_date_counts_as_new() {
    let b = Bundle::seed();
    b.ysq(&ysq(&[
        ("2021-03-01", "", "否", "2021-03-10", "予以公开"),
        ("", "", "否", "2021-03-10", "予以公开"), // empty 收件日期 counts as received in 2021
    ]));
    b.write(
        NDBG,
        &annual_report(&[], Some([Some(2), Some(0), Some(2), Some(0)])),
    );
    // 登记簿 in-year = 2 (incl. the empty-date row) = 新收 2 → 3; 2 + 0 = 2 + 0 → 3 → 6
    b.score().expect("6.3", 6.0, "pass");
}

#[test]
fn t6_3_html_table_with_spans() {
    let b = Bundle::seed();
    two_applications(&b);
    let html = r#"<html><head><meta charset="utf-8"></head><body>
<h2>一、总体情况</h2><p>略。</p>
<h2>二、主动公开政府信息情况</h2><p>略。</p>
<h2>三、收到和处理政府信息公开申请情况</h2>
<table>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
<tr><td colspan="3">二、上年结转政府信息公开申请数量</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
<tr><td colspan="2">（二）部分公开</td><td>&nbsp;</td><td>无</td><td>-</td><td>—</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="2">（七）总计</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
<tr><td colspan="3">四、结转下年度继续办理</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
<h2>四、政府信息公开行政复议、行政诉讼情况</h2><p>无。</p>
<h2>五、存在的主要问题及改进情况</h2><p>略。</p>
<h2>六、其他需要报告的事项</h2><p>无。</p>
</body></html>"#;
    b.write("材料/年度报告.html", html);
    b.edit("{文件: 材料/年度报告.md,", "{文件: 材料/年度报告.html,");
    // (a) 本年新收 2 = 2 → 3; (b) every column: 2 + 1 = 2 + 1 (自然人, 总计), 0 + 0 = 0 + 0
    // (others); (七)总计 = (一) 2 + (二) 0 (&nbsp;, 无, -, — count 0); each row's 总计 =
    // its 自然人 → 3 → 6. 6.2: six headings → 6
    let r = b.score();
    r.expect("6.3", 6.0, "pass");
    r.expect("6.2", 6.0, "pass");
}

#[test]
fn t6_3_missing_without_register() {
    let b = Bundle::seed();
    b.edit("  依申请: 台账/依申请公开登记簿.csv\n", "");
    // 台账.依申请 absent → 缺材料
    b.score().expect("6.3", 0.0, "missing");
}

// ------------------------------------------------------------------ 6.2/6.3 as real reports are written (issue 9)

#[test]
fn t6_2_opening_sentence_naming_all_parts_is_not_six_headings() {
    let b = Bundle::seed();
    let text = annual_report(&["行政复议"], Some([Some(0), Some(0), Some(0), Some(0)])).replacen(
        "\n\n",
        "\n\n本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项六个部分组成。\n\n",
        1,
    );
    b.write(NDBG, &text);
    // The sentence names all six parts but is no heading; part 四 has no heading line → 6 − 1 = 5
    let r = b.score();
    r.expect("6.2", 5.0, "partial");
    let message = r.findings("6.2")[0]["message"].as_str().unwrap();
    assert!(
        message.contains("政府信息公开行政复议、行政诉讼情况"),
        "{message}"
    );
}

#[test]
fn t6_2_improvement_measures_is_a_near_miss() {
    let b = Bundle::seed();
    let text = annual_report(&[], Some([Some(0), Some(0), Some(0), Some(0)])).replace(
        "五、存在的主要问题及改进情况",
        "五、存在的主要问题及改进措施",
    );
    b.write(NDBG, &text);
    // "存在的主要问题及改进措施" is not the name 存在的主要问题及改进情况 → 6 − 1 = 5, the line quoted
    let r = b.score();
    r.expect("6.2", 5.0, "partial");
    let message = r.findings("6.2")[0]["message"].as_str().unwrap();
    assert!(
        message.contains("“五、存在的主要问题及改进措施”不算"),
        "{message}"
    );
}

#[test]
fn t6_3_stray_one_in_a_non_total_column() {
    let b = Bundle::seed();
    two_applications(&b);
    let text = annual_report(&[], Some([Some(2), Some(0), Some(2), Some(0)])).replace(
        "| 三、本年度办理结果 | （七）总计 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        "| 三、本年度办理结果 | （七）总计 | 2 | 0 | 0 | 0 | 0 | 1 | 2 |",
    );
    b.write(NDBG, &text);
    // (a) 2 = 2 → 3. (b): the 其他 column of (七)总计 holds 1: ① 其他 0+0 = 0 ≠ 1+0 = 1;
    // ② 其他 1 ≠ result rows 0; ③ (七)总计 row 2 ≠ 2+0+0+0+0+1 = 3 → three equations fail → 0
    // → 6 − 3 = 3
    let r = b.score();
    r.expect("6.3", 3.0, "partial");
    let message = r.findings("6.3")[0]["message"].as_str().unwrap();
    assert!(message.contains("3处不成立"), "{message}");
    assert!(message.contains("其他列：0+0=0，1+0=1"), "{message}");
    assert!(message.contains("2+0+0+0+0+1=3"), "{message}");
}

#[test]
fn t6_3_unreadable_cell_is_a_data_problem() {
    let b = Bundle::seed();
    two_applications(&b);
    let text = annual_report(&[], Some([Some(2), Some(0), Some(2), Some(0)])).replace(
        "| 二、上年结转政府信息公开申请数量 |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| 二、上年结转政府信息公开申请数量 |  | 0件 | 0 | 0 | 0 | 0 | 0 | 0 |",
    );
    assert!(text.contains("0件"));
    b.write(NDBG, &text);
    // (a) 2 = 2 → 3; (b) the 自然人 cell of 上年结转 is unreadable: ① 自然人 and ③ 上年结转 do
    // not hold → 0 → 3; the cell is a data problem naming file, row and column
    let r = b.score();
    r.expect("6.3", 3.0, "partial");
    let p = r.problems_mentioning("0件");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0]["code"], "table-cell-unreadable");
    assert_eq!(p[0]["file"], NDBG);
    assert_eq!(p[0]["column"], "自然人");
    assert_eq!(p[0]["row"], 3); // table row 3: header, 本年新收, 上年结转
    let message = r.findings("6.3")[0]["message"].as_str().unwrap();
    assert!(message.contains("无法读取"), "{message}");
}
