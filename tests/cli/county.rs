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

/// The names of county-zwgk-2021 a guard looks for in `src/`: its ledgers and their columns, its
/// documents and their fields, its manifest keys (at every depth), its params and shared `let`s.
/// Left out, with the reason: the keys bundle-spec.md fixes for every rule set (单位, 上级单位,
/// 考核年度, 考核指标, 报送日期, 台账, 文档, 文件, and the 文档 key 自查报告 the loader lists
/// without scoring), and ordinary words every message uses (日期, 名称, 类型, 内容, 标题, 链接,
/// 平台, 描述, 序号, 制度, 培训).
fn county_2021_names() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/county-zwgk-2021/ruleset.yaml");
    let y: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root).unwrap()).unwrap();
    let mut names: Vec<String> = Vec::new();
    fn keys(v: &serde_yaml::Value, out: &mut Vec<String>, deep: bool) {
        match v {
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    let k = k.as_str().unwrap_or_default().to_string();
                    if k == "map" || k == "count" {
                        keys(v, out, deep);
                        continue;
                    }
                    out.push(k);
                    if deep {
                        keys(v, out, deep);
                    }
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for i in items {
                    keys(i, out, deep);
                }
            }
            _ => {}
        }
    }
    let ev = &y["evidence"];
    for (name, decl) in ev["ledgers"].as_mapping().unwrap() {
        names.push(name.as_str().unwrap().to_string());
        keys(&decl["required"], &mut names, false);
        keys(&decl["optional"], &mut names, false);
    }
    for (name, decl) in ev["documents"].as_mapping().unwrap() {
        names.push(name.as_str().unwrap().to_string());
        keys(&decl["fields"], &mut names, false);
    }
    keys(&ev["manifest"], &mut names, true);
    keys(&y["params"], &mut names, false);
    keys(&y["let"], &mut names, false);
    const FIXED: [&str; 9] = [
        "单位",
        "上级单位",
        "考核年度",
        "考核指标",
        "报送日期",
        "台账",
        "文档",
        "文件",
        "自查报告",
    ];
    const ORDINARY: [&str; 11] = [
        "日期", "名称", "类型", "内容", "标题", "链接", "平台", "描述", "序号", "制度", "培训",
    ];
    names.retain(|n| {
        !n.is_empty() && !FIXED.contains(&n.as_str()) && !ORDINARY.contains(&n.as_str())
    });
    names.sort();
    names.dedup();
    names
}

/// A source file's code without comments (`//` to the end of the line, outside string literals).
fn without_comments(src: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        let mut in_str = false;
        let mut escaped = false;
        let mut cut = line.len();
        let b = line.as_bytes();
        for i in 0..b.len() {
            let c = b[i];
            if in_str {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_str = false;
                }
            } else if c == b'"' {
                in_str = true;
            } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
                cut = i;
                break;
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// Issue 10: the rule set is the only place that knows a county. No ledger, column, document,
/// manifest key, param or shared `let` name of county-zwgk-2021 appears in the code of `src/`
/// outside tests (test modules, `src/load/tests.rs`, `src/load/testdata/`) and comments. The
/// one exemption: the examples of the function registry (`rules functions`, docs/functions.md),
/// which show the language on the sample table as docs/tutorial.md does.
#[test]
fn no_name_of_the_2021_table_in_src() {
    let names = county_2021_names();
    assert!(names.len() > 40, "{names:?}");
    for must in [
        "主动公开",
        "依申请",
        "收件日期",
        "年报截止",
        "年度报告",
        "组织保障",
        "栏目",
    ] {
        assert!(names.iter().any(|n| n == must), "{must} in {names:?}");
    }
    let mut hits = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("testdata") {
                    stack.push(path);
                }
                continue;
            }
            // `tests.rs` files are test modules (`#[cfg(test)] mod tests;`).
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap();
            // Test modules come last in a file (clippy: items_after_test_module).
            let code = src
                .match_indices("#[cfg(test)]\n")
                .find(|(i, m)| {
                    let next = src[i + m.len()..].lines().next().unwrap_or_default();
                    next.contains("mod ") && !next.contains("fn ")
                })
                .map_or(&src[..], |(i, _)| &src[..i]);
            let code = without_comments(code);
            let functions = path.ends_with("expr/functions.rs");
            let lines: Vec<&str> = code.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                // The registry's example: the last argument of `f!(…)`, a lone string line
                // followed by the macro's closing `),`.
                if functions
                    && line.trim_start().starts_with('"')
                    && lines.get(i + 1).is_some_and(|l| l.trim() == "),")
                {
                    continue;
                }
                // 栏目对照 is a key of the bundle format itself, not a name of the table.
                let line = line.replace("栏目对照", "");
                for n in &names {
                    if line.contains(n.as_str()) {
                        hits.push(format!(
                            "{}:{}: {n}: {}",
                            path.display(),
                            i + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "names of the 2021 table in src/:\n{}",
        hits.join("\n")
    );
}

/// A second, small rule set (甲县 2021) that shares no name with county-zwgk-2021: a ledger
/// 收文 (时效 1.1, 4 points, −2 per row published more than 5 working days after it was
/// written), a document 年报 (1.3, 2 points, handed in or not) and a manifest key 负责人.
/// `full` adds a ledger 来信 (1.2, 2 points, −2 per letter unanswered past 10 working days)
/// and a `township:` file; without it the rule set has no application ledger and no
/// `township:` at all.
fn small_rules(dir: &Path, full: bool) {
    std::fs::create_dir_all(dir).unwrap();
    let (points, letters, township) = if full {
        (
            8,
            "    来信:\n      required: {收到日期: date, 答复日期: date}\n",
            "township: 乡镇.yaml\nparams:\n  年报期限: 2022-01-31\n  报送期限: 2022-02-20\n",
        )
    } else {
        (6, "", "")
    };
    std::fs::write(
        dir.join("ruleset.yaml"),
        format!(
            "id: jia-2021\ntitle: 甲县2021年度测试指标\nyear: 2021\nmax: {points}\nbonus_cap: 0\n{township}\
             grades:\n  - {{name: 合格, min: 4}}\n  - {{name: 不合格, min: 0}}\n\
             groups:\n  - {{id: \"一\", name: 一、办文, points: {points}, file: 1.yaml}}\n\
             evidence:\n  ledgers:\n    收文:\n      required: {{标题: text, 成文日期: date, 发布日期: date}}\n{letters}\
             \x20 documents:\n    年报: {{title: 年度工作报告}}\n  manifest:\n    负责人: text\n"
        ),
    )
    .unwrap();
    let mut indicators = String::from(
        "indicators:\n  - id: \"1.1\"\n    name: 时效\n    points: 4\n    source: 台账.收文\n    requires:\n      - {need: 台账.收文, what: 收文台账}\n    method:\n      deduct:\n        items: 台账.收文.filter(r => not (workdays(r.成文日期, r.发布日期) <= 5))\n        each: 2\n        message: \"{it.标题}逾期\"\n        cite: it\n",
    );
    if full {
        indicators.push_str("  - id: \"1.2\"\n    name: 来信答复\n    points: 2\n    source: 台账.来信\n    requires:\n      - {need: 台账.来信, what: 来信登记}\n    method:\n      deduct:\n        items: 台账.来信.filter(r => not present(r.答复日期) and not (add_workdays(r.收到日期, 10) >= 报送日期))\n        each: 2\n        message: \"{it}未答复\"\n        cite: it\n");
    }
    indicators.push_str("  - id: \"1.3\"\n    name: 年报\n    points: 2\n    source: 文档.年报\n    requires:\n      - {need: 文档.年报, what: 年度工作报告（文档.年报）}\n    method:\n      all:\n        pass: \"true\"\n        message: 未报送年报\n");
    std::fs::write(dir.join("1.yaml"), indicators).unwrap();
    if full {
        std::fs::write(
            dir.join("乡镇.yaml"),
            "submit_by: 报送期限\n\
             applications:\n  title: 未答复的来信\n  indicators: [\"1.2\"]\n  rows: 台账.来信 ?? []\n  received: it.收到日期\n  replied: present(it.答复日期)\n  limit: \"10\"\n\
             deadlines:\n  - {document: 年报, by: 年报期限, what: 年报公开截止日期}\n\
             periods:\n  - {indicators: [\"1.1\"], rows: 台账.收文, date: it.发布日期, every: month, what: 收文发布}\n\
             hints:\n  负责人: 办文负责人姓名\n\
             selfreport:\n  \"一\":\n    - when: present(路径.台账.收文)\n      say: \"{考核年度}年度收文{count(台账.收文)}件（{路径.台账.收文}）。\"\n      else: 未报送收文台账。\n",
        )
        .unwrap();
    }
}

/// A bundle of 甲县: 收文 rows a (on time), b (2021-03-01 → 03-15: 03-02..05 and 03-08..12 and
/// 03-15 = 10 working days > 5, late) and c; 来信 rows 2 (answered) and 3 (received 2021-12-01,
/// no answer); no 年报.
fn small_bundle(dir: &Path) {
    std::fs::create_dir_all(dir.join("台账")).unwrap();
    std::fs::write(
        dir.join("bundle.yaml"),
        "单位: 甲镇\n考核年度: 2021\n考核指标: jia-2021\n报送日期: 2022-01-20\n负责人: 王某\n台账:\n  收文: 台账/收文.csv\n  来信: 台账/来信.csv\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("台账/收文.csv"),
        "标题,成文日期,发布日期\na,2021-01-04,2021-01-05\nb,2021-03-01,2021-03-15\nc,2021-12-01,2021-12-02\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("台账/来信.csv"),
        "收到日期,答复日期\n2021-11-01,2021-11-05\n2021-12-01,\n",
    )
    .unwrap();
}

fn run_ok(args: &[&std::ffi::OsStr]) -> String {
    let out = kaohe().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// precheck, selfreport and init on a rule set without an application ledger and without any
/// `township:`: they run (exit 0), list what they can, and claim nothing the rule set does not
/// declare (no applications section, no deadlines, hints by type).
#[test]
fn township_commands_work_on_a_rule_set_that_declares_nothing_for_them() {
    let tmp = tempfile::TempDir::new().unwrap();
    let rules = tmp.path().join("jia");
    small_rules(&rules, false);
    let bundle = tmp.path().join("甲镇-2021");
    small_bundle(&bundle);
    let check = kaohe()
        .args(["rules", "check"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let os = |s: &str| std::ffi::OsString::from(s);
    let pre = run_ok(&[
        &os("precheck"),
        bundle.as_os_str(),
        &os("--rules"),
        rules.as_os_str(),
        &os("--as-of"),
        &os("2021-12-10"),
    ]);
    // 1.1 loses 2 (row b), 1.3 loses 2 (no 年报): 失分合计 4; no applications section.
    assert!(pre.contains("失分合计 4 分（2项指标）"), "{pre}");
    assert!(pre.contains("一、会失分的指标"), "{pre}");
    assert!(pre.contains("二、缺少的材料"), "{pre}");
    assert!(!pre.contains("申请") && !pre.contains("截止"), "{pre}");

    let draft = run_ok(&[
        &os("selfreport"),
        bundle.as_os_str(),
        &os("--rules"),
        rules.as_os_str(),
    ]);
    // 4 − 2 + 0 = 2 of 6.
    assert!(
        draft.contains("1.1 时效2分（满分4分，部分达标）"),
        "{draft}"
    );
    assert!(draft.contains("基本分2分"), "{draft}");

    let new = tmp.path().join("乙镇-2021");
    run_ok(&[
        &os("init"),
        new.as_os_str(),
        &os("--rules"),
        rules.as_os_str(),
        &os("--unit"),
        &os("乙镇"),
    ]);
    let manifest = std::fs::read_to_string(new.join("bundle.yaml")).unwrap();
    // No hint: the key is described by its type; no submit_by: 1月31日 of the next year.
    assert!(manifest.contains("# 文字\n负责人:"), "{manifest}");
    assert!(manifest.contains("报送日期: 2022-01-31"), "{manifest}");
    assert!(new.join("台账/收文.csv").is_file());
}

/// The same table with its `township:` file: the applications come from 来信 (not a 2021
/// name), the deadline from 年报期限, the months from 1.1's rows, the draft's figures and the
/// template's hints and 报送日期 from the file.
#[test]
fn township_commands_read_what_the_rule_set_declares() {
    let tmp = tempfile::TempDir::new().unwrap();
    let rules = tmp.path().join("jia");
    small_rules(&rules, true);
    let bundle = tmp.path().join("甲镇-2021");
    small_bundle(&bundle);
    let check = kaohe()
        .args(["rules", "check"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let os = |s: &str| std::ffi::OsString::from(s);
    let pre = run_ok(&[
        &os("precheck"),
        bundle.as_os_str(),
        &os("--rules"),
        rules.as_os_str(),
        &os("--as-of"),
        &os("2021-12-10"),
    ]);
    // Row 3 received 2021-12-01 (Wed): 10 working days → 12-02, 12-03, 12-06..10, 12-13..15
    // → due 2021-12-15, after the as-of day: open. Row 2 was answered: not listed.
    assert!(pre.contains("未答复的来信"), "{pre}");
    assert!(
        pre.contains(
            "台账/来信.csv 第3行：2021-12-01收到，答复期限10个工作日，届满日2021-12-15，办理中"
        ),
        "{pre}"
    );
    assert!(!pre.contains("第2行："), "{pre}");
    // 1.2 loses 2 (due 12-15 < 报送日期 2022-01-20), recoverable by answering before 12-15.
    assert!(
        pre.contains("在期限届满日前答复尚未答复的申请：第3行（2021-12-15前）"),
        "{pre}"
    );
    // 年报 due 2022-01-31: 21 days left in December after the 10th + 31 = 52.
    assert!(
        pre.contains("年报公开截止日期：2022-01-31（距截止还有52天）"),
        "{pre}"
    );
    // Months of 2021 up to December with no 收文 row: rows in 1, 3 and 12 → 2, 4–11.
    assert!(
        pre.contains("2021年没有收文发布的月份：2、4、5、6、7、8、9、10、11月"),
        "{pre}"
    );

    let draft = run_ok(&[
        &os("selfreport"),
        bundle.as_os_str(),
        &os("--rules"),
        rules.as_os_str(),
    ]);
    assert!(
        draft.contains("2021年度收文3件（台账/收文.csv）。"),
        "{draft}"
    );

    let new = tmp.path().join("乙镇-2021");
    run_ok(&[
        &os("init"),
        new.as_os_str(),
        &os("--rules"),
        rules.as_os_str(),
        &os("--unit"),
        &os("乙镇"),
    ]);
    let manifest = std::fs::read_to_string(new.join("bundle.yaml")).unwrap();
    assert!(manifest.contains("# 办文负责人姓名\n负责人:"), "{manifest}");
    assert!(manifest.contains("报送日期: 2022-02-20"), "{manifest}");
}

/// Issue 12: `selfreport` counts a 制度 as established only when its file is in the bundle, as
/// 7.3 scores it. The seed lists 7 制度, each with its file: 7 named. Without
/// 材料/制度/预公开制度.txt: 6 established, and 预公开制度 named as not counted.
#[test]
fn selfreport_does_not_claim_a_rule_whose_file_is_missing() {
    let b = Bundle::seed();
    let run = |b: &Bundle| {
        let out = kaohe().arg("selfreport").arg(&b.dir).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let draft = run(&b);
    assert!(draft.contains("预公开制度等7项制度；2021年度"), "{draft}");
    assert!(!draft.contains("不在报送材料中"), "{draft}");
    b.remove("材料/制度/预公开制度.txt");
    let draft = run(&b);
    assert!(
        draft.contains("责任追究制度等6项制度；预公开制度的文件不在报送材料中，未计入已建立的制度"),
        "{draft}"
    );
}

/// Issue 12: without `--as-of`, a bundle handed in on 2022-02-15 is pre-checked as of that day
/// (not today, years later): periods over the whole year, deadlines measured to 02-15.
#[test]
fn precheck_of_a_past_bundle_is_as_of_its_submission_day() {
    let out = kaohe()
        .args(["precheck", SEED, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["as_of"], "2022-02-15");
    assert_eq!(p["submitted"], "2022-02-15");
}

/// Issue 12: `init` never guesses 单位 from the folder name, and without `--rules` takes the
/// built-in rule set of the year in the folder's name.
#[test]
fn init_needs_a_unit_and_finds_the_rule_set_by_year() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path().join("新建文件夹-2021");
    let out = kaohe().arg("init").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("请用 --unit 写明单位名称"), "{err}");
    assert!(!dir.exists());

    let out = kaohe()
        .arg("init")
        .arg(&dir)
        .args(["--unit", "丙镇"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = std::fs::read_to_string(dir.join("bundle.yaml")).unwrap();
    assert!(manifest.contains("单位: 丙镇\n"), "{manifest}");
    assert!(
        manifest.contains("考核指标: county-zwgk-2021\n"),
        "{manifest}"
    );

    // No year in the name: which rule set is meant cannot be known.
    let other = tmp.path().join("丁镇");
    let out = kaohe()
        .arg("init")
        .arg(&other)
        .args(["--unit", "丁镇"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("请用 --rules 指定规则集") && err.contains("county-zwgk-2021"),
        "{err}"
    );
    assert!(!other.exists());
}

/// Issue 12: `explain` says how points are given in words, not in the rule's expressions.
#[test]
fn explain_scoring_line_is_in_words() {
    for (id, want) in [
        ("1.1", "计分：达到口径要求得2分，否则0分"),
        (
            "1.3",
            "计分：分档：测量值达到24得3分；测量值达到12得1.5分，否则0分",
        ),
        (
            "1.4",
            "计分：每项按口径所定分值扣分（见扣分明细），扣完为止（共3分）",
        ),
    ] {
        let out = kaohe().args(["explain", SEED, id]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text.lines().find(|l| l.starts_with("计分：")).unwrap();
        assert_eq!(line, want);
        assert!(!text.contains("count(") && !text.contains("=>"), "{text}");
    }
}

/// Issue 12: `-o` with a name promising a format the command does not write is refused (exit 2,
/// a Chinese message naming the file), and nothing is written.
#[test]
fn output_names_promising_another_format_are_refused() {
    let tmp = tempfile::TempDir::new().unwrap();
    for (cmd, file, words) in [
        ("selfreport", "自查.docx", "只能写成 .md 或 .txt 文件"),
        (
            "precheck",
            "预检.xlsx",
            "只能写成 .txt（文本）、.md 或 .json 文件",
        ),
        (
            "precheck",
            "预检.html",
            "只能写成 .txt（文本）、.md 或 .json 文件",
        ),
    ] {
        let path = tmp.path().join(file);
        let out = kaohe().args([cmd, SEED, "-o"]).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd} -o {file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words) && err.contains(file), "{err}");
        assert!(!path.exists(), "{file} written");
    }
    // The formats they do write still work.
    for (cmd, file) in [("selfreport", "自查.md"), ("precheck", "预检.json")] {
        let path = tmp.path().join(file);
        let out = kaohe().args([cmd, SEED, "-o"]).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd} -o {file}");
        assert!(path.is_file());
    }
}
