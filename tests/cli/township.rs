//! The township side (issue 6): `precheck`, `init`, `selfreport`, `diff`. Expected numbers are
//! worked out by hand from indicators.md (arithmetic beside each assertion).

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::harness::*;

const SECOND_TOWNSHIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/yy-township-2021");

fn run(args: &[&str]) -> Output {
    kaohe().args(args).output().expect("run kaohe")
}

fn ok_stdout(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit 0 expected\nstderr:\n{}\nstdout:\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn json(args: &[&str]) -> Value {
    let stdout = ok_stdout(&run(args));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON: {e}\n{stdout}"))
}

fn precheck(dir: &Path, as_of: &str) -> Value {
    json(&[
        "precheck",
        dir.to_str().unwrap(),
        "--as-of",
        as_of,
        "--format",
        "json",
    ])
}

fn todo<'a>(p: &'a Value, id: &str) -> Option<&'a Value> {
    p["todo"].as_array().unwrap().iter().find(|t| t["id"] == id)
}

fn recovery<'a>(p: &'a Value, id: &str) -> Option<&'a Value> {
    p["recoverable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
}

/// Points at stake add up to what `score` deducts from the base (max − base), and are sorted.
fn assert_adds_up(dir: &Path, as_of: &str) {
    let score = json(&["score", dir.to_str().unwrap(), "--format", "json"]);
    let p = precheck(dir, as_of);
    let deducted = num(&score["total"]["max"]) - num(&score["total"]["base"]);
    let stakes: Vec<f64> = p["todo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| num(&t["at_stake"]))
        .collect();
    let sum: f64 = stakes.iter().sum();
    assert!(
        close(sum, deducted),
        "todo sums to {sum}, score deducts {deducted}"
    );
    assert!(close(num(&p["at_stake"]), deducted));
    assert!(
        stakes.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {stakes:?}"
    );
}

#[test]
fn precheck_points_add_up_to_the_score_deduction() {
    // Seed: 1.4 1.5 + 1.6 1 + 3.2 0.5 + 4.1 0.5 + 3.4 pending 2 = 5.5 = 100 − 94.5.
    assert_adds_up(Path::new(SEED), "2022-02-15");
    // yy: 100 − 50 = 50 (EXPECTED.md).
    assert_adds_up(Path::new(SECOND_TOWNSHIP), "2022-02-15");
    let p = precheck(Path::new(SEED), "2022-02-15");
    assert!(close(num(&p["at_stake"]), 5.5));
    // 3.4 (2, pending) comes first, then 1.4 (1.5), 1.6 (1), then 3.2 and 4.1 in rule order.
    let ids: Vec<&str> = p["todo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["3.4", "1.4", "1.6", "3.2", "4.1"]);
    // Bonus indicators are listed apart and never counted as points lost.
    assert!(
        p["bonus"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "B1")
    );
    // Nothing in the seed can be recovered honestly: all its losses are counted from 2021 rows.
    assert!(close(num(&p["recoverable_total"]), 0.0));
}

#[test]
fn precheck_text_and_md_are_deterministic() {
    for format in ["table", "md", "json"] {
        let args = [
            "precheck",
            SECOND_TOWNSHIP,
            "--as-of",
            "2022-01-10",
            "--format",
            format,
        ];
        let a = ok_stdout(&run(&args));
        let b = ok_stdout(&run(&args));
        assert_eq!(a, b, "{format} output differs between runs");
    }
    let text = ok_stdout(&run(&[
        "precheck",
        SECOND_TOWNSHIP,
        "--as-of",
        "2022-01-10",
    ]));
    assert!(text.contains("一、会失分的指标"), "{text}");
    assert!(text.contains("六、报送前可如实挽回的分数"), "{text}");
    for c in ['—', '…', '×', '①'] {
        assert!(!text.contains(c), "ambiguous-width {c} in table output");
    }
    let md = ok_stdout(&run(&[
        "precheck",
        SECOND_TOWNSHIP,
        "--as-of",
        "2022-01-10",
        "--format",
        "md",
    ]));
    assert!(md.starts_with("# yy乡"), "{md}");
}

#[test]
fn precheck_annual_report_before_its_deadline_is_recoverable() {
    // yy: 年度报告 dated 2022-02-10 (late, 6.1 = 3), 6.2 = 5, 6.3 = 3. On 2022-01-10 it is not
    // yet published and the deadline 2022-01-31 is 21 days away: 3 + 1 + 3 recoverable.
    let p = precheck(Path::new(SECOND_TOWNSHIP), "2022-01-10");
    for (id, pts) in [("6.1", 3.0), ("6.2", 1.0), ("6.3", 3.0)] {
        let r = recovery(&p, id).unwrap_or_else(|| panic!("{id} recoverable"));
        assert!(close(num(&r["points"]), pts), "{id}: {r}");
        assert_eq!(r["by"], "2022-01-31");
    }
    let dates = &todo(&p, "6.1").unwrap()["dates"];
    assert_eq!(dates[0]["date"], "2022-01-31");
    assert_eq!(dates[0]["note"], "距截止还有21天"); // Jan 10 → Jan 31
    // After the deadline, a published report is not recoverable.
    let late = precheck(Path::new(SECOND_TOWNSHIP), "2022-02-15");
    assert!(recovery(&late, "6.1").is_none());
    assert!(recovery(&late, "6.2").is_none());
    // Rows of the past year are never "recoverable": 3.1 (20 rows < 40) stays lost.
    assert!(recovery(&p, "3.1").is_none());
    assert!(recovery(&p, "1.4").is_none());
    // A 一般表述错误 (3.5) cannot be undone either.
    assert!(recovery(&p, "3.5").is_none());
}

#[test]
fn precheck_pending_application_due_date_in_working_days() {
    let b = Bundle::seed();
    // Received Tue 2021-12-28, no reply, 20 working days: Dec 29–31 (3), 2022-01-01..03 元旦,
    // Jan 4–7 (7), 10–14 (12), 17–21 (17), 24, 25, 26 (20) → due 2022-01-26, before 报送日期
    // 2022-02-15, so `score` deducts 3 (2.2 = 3).
    b.on_request_ledger(&on_request_rows(&[("2021-12-28", "", "否", "", "")]));
    b.score().expect("2.2", 3.0, "partial");
    let p = precheck(&b.dir, "2022-01-10");
    let apps = p["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["due"], "2022-01-26");
    assert_eq!(apps[0]["state"], "open");
    assert_eq!(apps[0]["deducted"], true);
    assert_eq!(apps[0]["evidence"]["row"], 2);
    let r = recovery(&p, "2.2").expect("reply before the due date recovers 2.2");
    assert!(close(num(&r["points"]), 3.0));
    assert_eq!(r["by"], "2022-01-26");
    // After the due date it is overdue and no longer recoverable.
    let later = precheck(&b.dir, "2022-01-27");
    assert_eq!(later["applications"][0]["state"], "overdue");
    assert!(recovery(&later, "2.2").is_none());
    // No personal data of the applicant in any format.
    for format in ["table", "md", "json"] {
        let out = ok_stdout(&run(&[
            "precheck",
            b.dir.to_str().unwrap(),
            "--as-of",
            "2022-01-10",
            "--format",
            format,
        ]));
        assert!(!out.contains("欧阳明月"), "{format}");
        assert!(!out.contains("13912345671"), "{format}");
    }
}

#[test]
fn precheck_due_date_in_an_uncovered_year_is_unknown() {
    // A 2026 rule set (the calendar covers 2019–2026): an application received 2026-12-20
    // is due in 2027, which the calendar does not cover.
    let b = Bundle::seed();
    let rules = b.outside().join("rules-2026");
    fs::create_dir_all(&rules).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/county-zwgk-2021");
    for entry in fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            continue; // the rule set's own test bundles
        }
        let text = fs::read_to_string(entry.path()).unwrap();
        let text = if entry.file_name() == "ruleset.yaml" {
            text.replace("year: 2021", "year: 2026")
        } else {
            text
        };
        fs::write(rules.join(entry.file_name()), text).unwrap();
    }
    b.edit("考核年度: 2021", "考核年度: 2026")
        .edit("报送日期: 2022-02-15", "报送日期: 2027-02-15");
    b.on_request_ledger(&on_request_rows(&[("2026-12-20", "", "否", "", "")]));
    let p = json(&[
        "precheck",
        b.dir.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--as-of",
        "2026-12-25",
        "--format",
        "json",
    ]);
    let app = &p["applications"][0];
    assert_eq!(app["due"], Value::Null, "{app}");
    assert_eq!(app["state"], "unknown");
    assert!(app["note"].as_str().unwrap().contains("2027"), "{app}");
}

#[test]
fn precheck_as_of_clips_periods_not_yet_begun() {
    let b = Bundle::seed();
    // 工作动态 every 10 days from 01-05 (day 5) to 11-01 (day 305); 会议通知 in Q1–Q3 only.
    let mut rows: Vec<(String, String)> = Vec::new();
    let start = 4; // 2021-01-05 is day-of-year 5; index from Jan 1 = 4
    let mut doy = start;
    while doy <= 304 {
        let d = date_of(doy);
        rows.push(("工作动态".into(), d));
        doy += 10;
    }
    for d in ["2021-02-10", "2021-05-10", "2021-08-10"] {
        rows.push(("会议通知".into(), d.into()));
    }
    let v: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(l, d)| (l.as_str(), d.as_str(), d.as_str()))
        .collect();
    b.proactive_ledger(&proactive_rows(&v));
    // Gazette: drop 第12期 → score misses 8 and 12.
    let gz = b.read("台账/政府公报发放台账.csv");
    let gz: String = gz
        .lines()
        .filter(|l| !l.starts_with("2021年第12期"))
        .map(|l| format!("{l}\n"))
        .collect();
    b.write("台账/政府公报发放台账.csv", &gz);

    let s = b.score();
    // 1.4: gaps 4, 10 × 30, then 11-01 → 12-31 = 60 days: ⌊59/14⌋ = 4 断更 → 3 − 2 = 1.
    s.expect("1.4", 1.0, "partial");
    // 1.5: Q4 missing → 2 − 0.5.
    s.expect("1.5", 1.5, "partial");
    // 4.1: 8 and 12 missing → 5 − 1.
    s.expect("4.1", 4.0, "partial");

    // As of 2021-11-15: the last gap is 11-01 → 11-15 = 14 days (no 断更); Q4 has begun, so
    // it is still missing; issues 11 and 12 are not yet due (n < 11), so only 8 is missing.
    let p = precheck(&b.dir, "2021-11-15");
    assert!(todo(&p, "1.4").is_none(), "{}", p["todo"]);
    let q = todo(&p, "1.5").unwrap();
    assert!(close(num(&q["at_stake"]), 0.5));
    assert_eq!(q["dates"][0]["note"], "第4季度（10-12月）", "{q}");
    assert!(close(num(&todo(&p, "4.1").unwrap()["at_stake"]), 0.5));
    // As of 2021-09-15 Q4 has not begun: 1.5 is full.
    let p = precheck(&b.dir, "2021-09-15");
    assert!(todo(&p, "1.5").is_none(), "{}", p["todo"]);
    // The default (no --as-of) is 报送日期 or today when later: never before the year end, so
    // nothing is clipped and the stakes equal the score's deductions.
    let d = json(&["precheck", b.dir.to_str().unwrap(), "--format", "json"]);
    assert!(close(num(&todo(&d, "1.4").unwrap()["at_stake"]), 2.0));
}

#[test]
fn precheck_as_of_counts_new_media_months_not_yet_begun() {
    // Seed 新媒体发布: months 1–5, 7–10 and 12 (June and November missing): 10 → B1 = 1.
    let b = Bundle::seed();
    b.score().expect("B1", 1.0, "partial");
    // As of 2021-10-31: months 1–10 have begun, 9 of them published (June missing), plus the
    // 2 not begun = 11 < 12 → still 1 point (the December rows are not counted twice).
    let p = precheck(&b.dir, "2021-10-31");
    let b1 = p["bonus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "B1");
    assert!(close(num(&b1.expect("B1 still short")["score"]), 1.0));
    // With a June post: months 1–10 all covered + 2 not begun = 12 → 2 points, B1 not listed.
    let mut nm = b.read("台账/新媒体发布台账.csv");
    nm.push_str("“xx镇发布”微信公众号,2021-06-18,端午安全提示,https://mp.weixin.qq.com/s/x\n");
    b.write("台账/新媒体发布台账.csv", &nm);
    // The full year still misses November: 11 months → 1.
    b.score().expect("B1", 1.0, "partial");
    let p = precheck(&b.dir, "2021-10-31");
    assert!(
        p["bonus"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != "B1")
    );
    // A bad --as-of is refused (exit 2).
    let out = run(&["precheck", b.dir.to_str().unwrap(), "--as-of", "2021/13/01"]);
    assert_eq!(out.status.code(), Some(2));
}

/// 2021-01-01 plus `n` days, as YYYY-MM-DD.
fn date_of(n: u32) -> String {
    let lens = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = n;
    let mut m = 0;
    while d >= lens[m] {
        d -= lens[m];
        m += 1;
    }
    format!("2021-{:02}-{:02}", m + 1, d + 1)
}

#[test]
fn init_skeleton_scores_and_shows_what_is_missing() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path().join("zz镇-2021");
    let out = run(&[
        "init",
        dir.to_str().unwrap(),
        "--rules",
        "county-zwgk-2021",
        "--unit",
        "zz镇",
    ]);
    ok_stdout(&out);
    let manifest = fs::read_to_string(dir.join("bundle.yaml")).unwrap();
    // 单位 from --unit; 考核指标 and 考核年度 from the rule set; 报送日期 from its
    // `township.submit_by` (年报截止).
    for line in [
        "单位: zz镇\n",
        "考核年度: 2021\n",
        "考核指标: county-zwgk-2021\n",
        "报送日期: 2022-01-31\n",
    ] {
        assert!(manifest.contains(line), "{line:?} in\n{manifest}");
    }
    for key in [
        "自查申报:",
        "组织保障:",
        "建议提案:",
        "安全事件:",
        "经验推广:",
        "台账:",
        "文档:",
    ] {
        assert!(manifest.contains(key), "{key}");
    }
    assert!(manifest.contains("# "), "commented");
    // Ledgers: UTF-8 with BOM, the declared header.
    let csv = fs::read(dir.join("台账/依申请公开登记簿.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let header = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        header.starts_with("收件日期,答复日期,是否延期,办理结果"),
        "{header}"
    );
    assert!(dir.join("材料/制度").is_dir());

    // The fresh skeleton scores (exit 0): ledgers are present with no rows, documents missing.
    let json = json(&["score", dir.to_str().unwrap(), "--format", "json"]);
    let status = |id: &str| {
        json["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("2.1"), "pass"); // an empty 登记簿 with its header is enough
    assert_eq!(status("6.1"), "missing"); // no annual report yet
    assert_eq!(status("2.4"), "missing"); // no guide yet
    assert_eq!(status("1.1"), "gap"); // no rows
    assert_eq!(json["unit"], "zz镇");
    // And the pre-check lists the missing documents.
    let p = precheck(&dir, "2022-01-10");
    let missing = p["missing"].to_string();
    assert!(missing.contains("材料/年度报告.md"), "{missing}");
    // Its stakes add up to what `score` deducts, and the draft report renders.
    assert_adds_up(&dir, "2022-01-10");
    let draft = ok_stdout(&run(&["selfreport", dir.to_str().unwrap()]));
    assert!(draft.contains("2021年度没有登记接收政府公报"), "{draft}");

    // --unit overrides; an existing non-empty folder is refused (exit 2) and left untouched.
    let again = run(&["init", dir.to_str().unwrap(), "--unit", "别的镇"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(dir.join("bundle.yaml")).unwrap(),
        manifest
    );
    let other = tmp.path().join("其他");
    ok_stdout(&run(&[
        "init",
        other.to_str().unwrap(),
        "--unit",
        "yy乡",
        "--rules",
        "county-zwgk-2021",
    ]));
    assert!(
        fs::read_to_string(other.join("bundle.yaml"))
            .unwrap()
            .contains("单位: yy乡\n")
    );
}

#[test]
fn selfreport_figures_match_the_seed_ledgers() {
    let b = Bundle::seed();
    let out_file = b.outside().join("自查报告.md");
    ok_stdout(&run(&[
        "selfreport",
        b.dir.to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]));
    let text = fs::read_to_string(&out_file).unwrap();
    // 69 in-year rows of 主动公开; by 栏目 2/1/40/14/10/1/1 (the self-report's own figures,
    // in the order of 自查申报.分类数量); 2 + 1 = 3 sets to the reading site; the annual report
    // dated 2022-01-25; no applications.
    for needle in [
        "主动公开信息共69条，其中机构职能2条、领导成员和分工1条、工作动态40条、会议通知14条、政府文件10条、计划总结1条、信息公开场所1条（台账/主动公开台账.csv",
        "报送主动公开政府信息资料共3套",
        "于2022-01-25公开发布",
        "2021年度未收到政府信息公开申请",
        "自查申报的主动公开总数和各栏目数量与主动公开台账一致",
        "## 一、指标自查情况",
        "### （一）政府信息与政务公开",
        "## 二、存在问题",
        "## 三、下一步改进措施",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
    // 存在问题 from the gaps (1.6 row 57), 改进措施 from the fix texts.
    assert!(text.contains("第57行"), "{text}");
    assert!(
        text.contains("一是工作动态栏目每两周至少更新一次"),
        "{text}"
    );
    // Stdout gives the same bytes.
    let stdout = ok_stdout(&run(&["selfreport", b.dir.to_str().unwrap()]));
    assert_eq!(stdout, text);

    // The figures follow the ledger: drop row 2 (a 工作动态 item) → 68 and 39, and the
    // declared 69 / 40 no longer match.
    let ledger = b.read("台账/主动公开台账.csv");
    let kept: String = ledger
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    b.proactive_ledger(&kept);
    let text = ok_stdout(&run(&["selfreport", b.dir.to_str().unwrap()]));
    assert!(text.contains("主动公开信息共68条"), "{text}");
    assert!(text.contains("工作动态39条"), "{text}");
    assert!(
        text.contains("总数申报69条、台账68条；工作动态申报40条、台账39条"),
        "{text}"
    );

    // Never inside the bundle.
    let inside = b.path("自查报告草稿.md");
    let refused = run(&[
        "selfreport",
        b.dir.to_str().unwrap(),
        "-o",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!inside.exists());
}

#[test]
fn selfreport_counts_applications_without_personal_data() {
    let b = Bundle::seed();
    b.on_request_ledger(&on_request_rows(&[
        ("2021-03-01", "", "否", "2021-03-10", "予以公开"),
        (
            "2021-04-01",
            "",
            "是",
            "2021-05-20",
            "部分公开（涉及个人隐私）",
        ),
        ("2021-12-28", "", "否", "", ""),
    ]));
    let text = ok_stdout(&run(&["selfreport", b.dir.to_str().unwrap()]));
    assert!(
        text.contains("收到政府信息公开申请3件，已答复2件（予以公开1件、部分公开1件），延期答复1件，截至报送日期2022-02-15尚未答复1件"),
        "{text}"
    );
    assert!(!text.contains("欧阳明月"));
    assert!(!text.contains("征地补偿"));
}

#[test]
fn diff_shows_the_effect_of_a_fix() {
    let b = Bundle::seed();
    let before = b.outside().join("before.json");
    let after = b.outside().join("after.json");
    let score_to = |path: &Path| {
        ok_stdout(&run(&[
            "score",
            b.dir.to_str().unwrap(),
            "-o",
            path.to_str().unwrap(),
        ]));
    };
    score_to(&before);
    // The fix: the 第8期 gazette was received after all and is now registered.
    let mut gz = b.read("台账/政府公报发放台账.csv");
    gz.push_str("2021年第8期,2021-08-23,2,镇便民服务中心政务公开查阅点,李晓梅\n");
    b.write("台账/政府公报发放台账.csv", &gz);
    score_to(&after);

    let d = json(&[
        "diff",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(d["schema"], "kaohe.diff/1");
    let ind = |id: &str| {
        d["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    // 4.1: 4.5 (第8期 missing) → 5, partial → pass; everything else unchanged.
    let g = ind("4.1");
    assert_eq!(g["change"], "changed");
    assert!(close(num(&g["delta"]), 0.5));
    assert_eq!(g["a"]["status"], "partial");
    assert_eq!(g["b"]["status"], "pass");
    assert!(g["resolved"][0].as_str().unwrap().contains("第8期"));
    let changed: Vec<&Value> = d["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["change"] != "same")
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    // Total 95.5 → 96 (base 94.5 → 95), grade 优秀 both times.
    assert!(close(num(&d["total"]["a"]["score"]), 95.5));
    assert!(close(num(&d["total"]["b"]["score"]), 96.0));
    assert!(close(num(&d["total"]["change"]), 0.5));
    assert_eq!(d["total"]["grade_changed"], false);

    let table = ok_stdout(&run(&[
        "diff",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
    ]));
    assert!(table.contains("4.1"), "{table}");
    assert!(table.contains("+0.5"), "{table}");
    assert!(table.contains("总分：95.5 -> 96（+0.5）"), "{table}");
    assert!(table.contains("另有29项指标无变化"), "{table}");

    // Indicators added or dropped (another year's rule set): drop 7.6 from A, add X1 to B.
    let mut a: Value = serde_json::from_str(&fs::read_to_string(&before).unwrap()).unwrap();
    let mut bj: Value = serde_json::from_str(&fs::read_to_string(&after).unwrap()).unwrap();
    a["indicators"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["id"] != "7.6");
    let mut extra = bj["indicators"][0].clone();
    extra["id"] = "X1".into();
    extra["name"] = "新指标".into();
    bj["indicators"].as_array_mut().unwrap().push(extra);
    let mut gone = a["indicators"][0].clone();
    gone["id"] = "Z9".into();
    a["indicators"].as_array_mut().unwrap().push(gone);
    let pa = b.outside().join("a2.json");
    let pb = b.outside().join("b2.json");
    fs::write(&pa, a.to_string()).unwrap();
    fs::write(&pb, bj.to_string()).unwrap();
    let d = json(&[
        "diff",
        pa.to_str().unwrap(),
        pb.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let change = |id: &str| {
        d["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()["change"]
            .clone()
    };
    assert_eq!(change("7.6"), "added");
    assert_eq!(change("X1"), "added");
    assert_eq!(change("Z9"), "dropped");

    // Not an assessment: exit 2.
    let bad = b.outside().join("bad.json");
    fs::write(&bad, "{\"schema\": \"kaohe.precheck/1\"}").unwrap();
    let out = run(&["diff", bad.to_str().unwrap(), after.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn precheck_missing_annual_report_and_missing_evidence() {
    let b = Bundle::seed();
    b.remove("材料/年度报告.md");
    // Before the deadline: 6.1, 6.2 and 6.3 (6 each, 缺材料) can all still be earned by
    // publishing the report by 2022-01-31.
    let p = precheck(&b.dir, "2022-01-10");
    for id in ["6.1", "6.2", "6.3"] {
        assert_eq!(todo(&p, id).unwrap()["status"], "missing");
        let r = recovery(&p, id).unwrap_or_else(|| panic!("{id}"));
        assert!(close(num(&r["points"]), 6.0));
        assert_eq!(r["by"], "2022-01-31");
    }
    let missing = p["missing"].as_array().unwrap();
    assert!(
        missing.iter().any(|m| m["file"] == "材料/年度报告.md"
            && m["status"] == "missing"
            && m["indicators"]
                .as_array()
                .unwrap()
                .contains(&Value::from("6.1"))),
        "{missing:?}"
    );
    // Past the deadline a late report cannot earn 按时发布 (6.1); the content checks remain.
    let p = precheck(&b.dir, "2022-02-15");
    assert!(recovery(&p, "6.1").is_none());
    assert_eq!(recovery(&p, "6.2").unwrap()["by"], "2022-02-15");
    // Stakes still add up to the score's deduction.
    assert_adds_up(&b.dir, "2022-02-15");
}
