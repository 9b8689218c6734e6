//! Issue 12 through the command line: help and argument errors in Chinese, OS and YAML errors
//! translated, write errors exit 2, completions and man page, `diff` matching findings by stable
//! keys, verdict files named after the township, `batch` on one bundle, ids in any case, and
//! errors blamed on the right file and line.

use std::fs;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use crate::batch::batch;
use crate::harness::*;

fn run(args: &[&str]) -> Output {
    kaohe().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Nothing of clap's or the OS's English reaches the user.
fn no_english(text: &str) {
    for word in [
        "Usage:",
        "error:",
        "Options:",
        "Arguments:",
        "Commands:",
        "Print help",
        "os error",
        "No such file",
        "For more information",
        "mapping values",
    ] {
        assert!(!text.contains(word), "English {word:?} in:\n{text}");
    }
}

// ------------------------------------------------------------------ help and argument errors

#[test]
fn help_is_chinese() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("用法：kaohe <命令>"), "{text}");
    assert!(text.contains("命令："));
    assert!(text.contains("为一份报送材料评分"));
    assert!(text.contains("显示版本"));
    no_english(&text);

    let o = run(&["score", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("用法：kaohe score [选项] <BUNDLE>"), "{text}");
    assert!(text.contains("参数："));
    assert!(text.contains("选项："));
    assert!(text.contains("评分人的评分文件"));
    assert!(text.contains("可选值："));
    no_english(&text);

    for sub in [
        "batch",
        "rules",
        "explain",
        "precheck",
        "init",
        "selfreport",
        "diff",
    ] {
        let o = run(&[sub, "-h"]);
        assert_eq!(o.status.code(), Some(0), "{sub} -h");
        no_english(&stdout(&o));
    }
}

#[test]
fn argument_errors_are_chinese_exit_2() {
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["score"],
            &["缺少必需的参数：<BUNDLE>", "用法：kaohe score"],
        ),
        (
            &["scroe", "x"],
            &["没有命令「scroe」", "是否为 ", "score？"],
        ),
        (
            &["score", "x", "--formt", "json"],
            &["不认识的参数「--formt」", "是否为 --format？"],
        ),
        (
            &["score", "x", "--format", "pdf"],
            &["值「pdf」无效", "可选：table、json"],
        ),
        (&["batch", "x", "-j", "many"], &["值「many」无效"]),
    ];
    for (args, wants) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("kaohe: 错误：命令行："), "{args:?}: {err}");
        for want in wants {
            assert!(err.contains(want), "{args:?}: {want:?} in {err}");
        }
        no_english(&err);
    }
}

// ------------------------------------------------------------------ OS errors, write errors

#[test]
fn os_errors_are_plain_chinese_with_the_file_named() {
    let o = run(&["score", "/nonexistent/xx镇-2021"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("/nonexistent/xx镇-2021"), "{err}");
    assert!(err.contains("文件或文件夹不存在"), "{err}");
    no_english(&err);

    let o = run(&["score", SEED, "--verdicts", "/nonexistent/v.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("/nonexistent/v.yaml") && err.contains("文件或文件夹不存在"),
        "{err}"
    );
    no_english(&err);

    let o = run(&["diff", "/nonexistent/a.json", "/nonexistent/b.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("/nonexistent/a.json") && err.contains("文件或文件夹不存在"),
        "{err}"
    );
    no_english(&err);
}

/// The libraries' own errors (zip, JSON) are said in Chinese inside the message that names the
/// file, never in the library's English.
#[test]
fn library_errors_are_chinese() {
    // The detector the tests rely on does see English.
    assert_eq!(
        english_in("不是 JSON：expected value at line 1 column 1").as_deref(),
        Some("expected value")
    );
    let tmp = TempDir::new().unwrap();
    let zip = tmp.path().join("xx镇.zip");
    fs::write(&zip, "not a zip").unwrap();
    let o = run(&["score", zip.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("无法读取报送材料压缩包：不是有效的 zip 文件，或文件已损坏"),
        "{err}"
    );
    assert_messages_chinese(&err);

    let json = tmp.path().join("a.json");
    fs::write(&json, "{\"schema\": ").unwrap();
    let o = run(&["diff", json.to_str().unwrap(), json.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // `{"schema": ` is 11 characters: the text ends at column 11 of line 1.
    assert!(
        err.contains("不是 JSON：JSON 在第1行第11列意外结束（文件不完整）"),
        "{err}"
    );
    assert_messages_chinese(&err);
}

/// `> /dev/full`: the table cannot be written, so the run failed (exit 2), not "scored".
#[test]
fn write_errors_exit_2() {
    assert!(Path::new("/dev/full").exists(), "Linux has /dev/full");
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        vec!["score", SEED],
        vec!["score", SEED, "--format", "json"],
        vec!["rules", "show", "county-zwgk-2021"],
        vec!["explain", SEED, "4.1"],
        vec!["completions", "bash"],
        vec!["--help"],
    ] {
        let o = kaohe()
            .args(&args)
            .stdout(Stdio::from(full()))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("标准输出：写入失败：磁盘空间已满"),
            "{args:?}: {err}"
        );
    }
    // A closed pipe (`kaohe … | head -1`) is the reader's choice, not a failure.
    let mut child = kaohe()
        .args(["score", SEED])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("没有这个文件夹/xx.json");
    let o = run(&["score", SEED, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("没有这个文件夹") && err.contains("文件或文件夹不存在"),
        "{err}"
    );
    no_english(&err);
}

// ------------------------------------------------------------------ completions, man page

#[test]
fn completions_and_man_page_come_from_the_cli() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let text = stdout(&o);
        for word in ["score", "batch", "verdicts-dir", "fail-under", "selfreport"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("可选：bash、zsh、fish、powershell"));

    let o = run(&["manpage"]);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.contains(".TH kaohe 1"), "roff title");
    assert!(man.contains("按县级考核指标为乡镇政务公开报送材料评分"));
    for option in [
        "verdicts\\-dir",
        "fail\\-under",
        "kaohe score",
        "kaohe batch",
    ] {
        assert!(man.contains(option), "man page lacks {option}");
    }
}

// ------------------------------------------------------------------ diff by stable keys

/// The seed's 公报 ledger without the rows of the given issues (期数 "2021年第N期").
fn gazette_without(b: &Bundle, drop: &[u32]) {
    let file = "台账/政府公报发放台账.csv";
    let text = b.read(file);
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            !drop
                .iter()
                .any(|n| l.starts_with(&format!("2021年第{n}期,")))
        })
        .collect();
    b.write(file, &(kept.join("\n") + "\n"));
}

fn assessment_json(b: &Bundle, to: &Path) {
    let o = b.run(&["-o", to.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Issues 2–7 are dropped from the seed's 公报 ledger (the seed already lacks 8). Before: 2–8
/// missing, 7 findings "没有第N期……（已登记期号：1、9、10、11、12）", 5 − 7 × 0.5 = 1.5. After the
/// township registers issue 8: 2–7 missing, 6 findings whose bracket now also lists 8,
/// 5 − 6 × 0.5 = 2. One finding is resolved and none is new, though every message changed.
#[test]
fn diff_matches_findings_by_stable_keys_not_text() {
    let b = Bundle::seed();
    gazette_without(&b, &[2, 3, 4, 5, 6, 7]);
    let before = b.outside().join("before.json");
    assessment_json(&b, &before);
    let file = "台账/政府公报发放台账.csv";
    let mut text = b.read(file);
    text.push_str("2021年第8期,2021-08-25,2,镇便民服务中心政务公开查阅点,李晓梅\n");
    b.write(file, &text);
    let after = b.outside().join("after.json");
    assessment_json(&b, &after);

    let o = run(&[
        "diff",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    let g = d["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "4.1")
        .unwrap();
    assert_eq!(num(&g["a"]["score"]), 1.5); // 5 − 7 × 0.5
    assert_eq!(num(&g["b"]["score"]), 2.0); // 5 − 6 × 0.5
    assert_eq!(num(&g["delta"]), 0.5);
    let resolved = g["resolved"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert!(resolved[0].as_str().unwrap().contains("第8期"));
    assert_eq!(g["new"].as_array().unwrap().len(), 0, "{g}");

    // Each finding carries its key in the assessment: the missing issue number.
    let a: Value = serde_json::from_slice(&fs::read(&before).unwrap()).unwrap();
    let keys: Vec<&str> = a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "4.1")
        .unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "deduct:2", "deduct:3", "deduct:4", "deduct:5", "deduct:6", "deduct:7", "deduct:8"
        ]
    );
}

// ------------------------------------------------------------------ batch: verdict names, one bundle

/// A batch folder with the seed bundle as `xx镇-2021/` and a verdicts folder beside it.
fn seed_batch(verdicts: &[(&str, &str)]) -> (TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = TempDir::new().unwrap();
    let bundles = tmp.path().join("bundles");
    copy_dir(Path::new(SEED), &bundles.join("xx镇-2021"));
    let vd = tmp.path().join("verdicts");
    fs::create_dir_all(&vd).unwrap();
    for (name, text) in verdicts {
        fs::write(vd.join(name), text).unwrap();
    }
    (tmp, bundles, vd)
}

const XX_VERDICTS: &str = "评分人: 王某\n评分日期: 2022-02-20\n单位: xx镇\n考核指标: county-zwgk-2021\n评分:\n  \"3.4\": {得分: 1.5, 说明: 抽查10条，2条内容不完整}\n";

/// `xx镇.yaml` (the township's name) is xx镇's verdict file: 3.4 (manual, 2 points, pending
/// without a verdict) gets the evaluator's 1.5. A file that matches no bundle is named on stderr
/// instead of being ignored without a word.
#[test]
fn verdict_file_named_after_the_township_is_used() {
    let (_tmp, bundles, vd) =
        seed_batch(&[("xx镇.yaml", XX_VERDICTS), ("西山镇.yaml", XX_VERDICTS)]);
    let o = batch(
        &bundles,
        &["--verdicts-dir", vd.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = &v["assessments"][0];
    let i34 = a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "3.4")
        .unwrap();
    assert_eq!(num(&i34["score"]), 1.5);
    let err = stderr(&o);
    assert!(err.contains("西山镇.yaml 没有用上"), "{err}");
    assert!(!err.contains("xx镇.yaml 没有用上"), "{err}");
}

#[test]
fn batch_on_one_bundle_says_so() {
    let o = batch(Path::new(SEED), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("本身就是一份报送材料"), "{err}");
    assert!(err.contains("kaohe score"), "{err}");
    assert!(
        !err.contains("台账"),
        "台账/ is not treated as a bundle: {err}"
    );
    assert!(o.stdout.is_empty());
}

// ------------------------------------------------------------------ ids, misplaced messages

#[test]
fn indicator_ids_are_not_case_sensitive() {
    let o = run(&["explain", SEED, "b1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("B1 政务新媒体"), "{}", stdout(&o));

    // 调整 of "b1": the seed's B1 scores 1 of 2; the evaluator raises it to 2, so the bonus is
    // 1 + 1 = 2 and the adjustment is recorded under B1.
    let b = Bundle::seed();
    let r = b.score_with_verdicts(
        "评分人: 王某\n评分日期: 2022-02-20\n单位: xx镇\n考核指标: county-zwgk-2021\n调整:\n  b1: {得分: 2, 理由: 复核新媒体台账}\n",
    );
    let b1 = r.indicator("B1");
    assert_eq!(num(&b1["score"]), 2.0);
    assert!(b1["adjusted"].is_object(), "{b1}");

    // Two spellings of one id are one id written twice.
    let v = b.write_verdicts(
        "评分人: 王某\n评分日期: 2022-02-20\n单位: xx镇\n考核指标: county-zwgk-2021\n调整:\n  b1: {得分: 2, 理由: 甲}\n  B1: {得分: 0, 理由: 乙}\n",
    );
    let o = b.run(&["--verdicts", v.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("写了不止一次"), "{}", stderr(&o));
}

#[test]
fn unknown_rule_set_in_bundle_yaml_is_blamed_on_bundle_yaml() {
    let b = Bundle::seed();
    b.edit("county-zwgk-2021", "county-zwgk-2099");
    let o = b.run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("kaohe: 错误[unknown-ruleset]：bundle.yaml 键 考核指标："),
        "{err}"
    );
    assert!(
        err.contains("county-zwgk-2099") && err.contains("county-zwgk-2021"),
        "{err}"
    );
    assert!(!err.contains("命令行"), "{err}");
}

/// The full-width colon is on line 3; the parser only notices on line 4. The message is headed
/// with line 3, the line to fix, and is Chinese throughout.
#[test]
fn full_width_colon_is_headed_with_its_own_line() {
    let b = Bundle::seed();
    let text = b.read("bundle.yaml");
    let line = text
        .lines()
        .position(|l| l.starts_with("考核指标:"))
        .unwrap()
        + 1;
    b.edit("考核指标: ", "考核指标：");
    let o = b.run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!("kaohe: 错误[yaml-syntax]：bundle.yaml:{line}：")),
        "line {line}: {err}"
    );
    assert!(err.contains(&format!("第{line}行用了全角冒号")), "{err}");
    no_english(&err);
}

#[test]
fn yaml_parser_errors_are_chinese() {
    let b = Bundle::seed();
    b.append("附注: \"没有闭合\n");
    let o = b.run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("YAML 格式错误") && err.contains("引号没有闭合"),
        "{err}"
    );
    no_english(&err);
}

// ------------------------------------------------------------------ verdict template, schemas

/// `kaohe verdicts` drafts the verdict file; filled in (评分人, 评分日期, 3.4's 得分 1.5) it
/// scores 3.4 at 1.5 of 2. Handed in unfilled it is an error, not a score of nothing.
#[test]
fn verdict_template_fills_in_and_scores() {
    let b = Bundle::seed();
    let o = run(&["verdicts", b.dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let template = stdout(&o);
    assert!(template.contains("单位: xx镇"));
    assert!(template.contains("考核指标: county-zwgk-2021"));
    assert!(template.contains("3.4 内容质量抽查（2分，人工评分）"));

    let v = b.write_verdicts(&template);
    let o = b.run(&["--verdicts", v.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unfilled template is not a verdict"
    );
    assert!(stderr(&o).contains("评分人"), "{}", stderr(&o));

    let filled = template
        .replace("评分人:            # 填写评分人姓名", "评分人: 王某")
        .replace("评分日期:          # 如 2022-02-15", "评分日期: 2022-02-20")
        .replace("{得分: , 说明: }", "{得分: 1.5, 说明: 抽查10条，2条不完整}");
    let r = b.score_with_verdicts(&filled);
    assert_eq!(num(&r.indicator("3.4")["score"]), 1.5);
}

/// Every field kaohe writes is described by its schema, with the right JSON type.
fn described(value: &Value, schema: &Value, root: &Value, path: &str) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &root["$defs"][name]
        }
        None => schema,
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let sub = schema["properties"]
                    .get(k)
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
                    .unwrap_or_else(|| panic!("{path}.{k} is not in the schema"));
                described(v, sub, root, &format!("{path}.{k}"));
            }
        }
        Value::Array(items) => {
            for v in items {
                described(v, &schema["items"], root, &format!("{path}[]"));
            }
        }
        Value::Number(_) => assert!(
            allows(schema, "number") || allows(schema, "integer"),
            "{path}: number, schema says {schema}"
        ),
        Value::String(_) => assert!(
            allows(schema, "string")
                || schema.get("enum").is_some()
                || schema.get("const").is_some(),
            "{path}: string, schema says {schema}"
        ),
        Value::Bool(_) => assert!(
            allows(schema, "boolean"),
            "{path}: bool, schema says {schema}"
        ),
        Value::Null => assert!(allows(schema, "null"), "{path}: null, schema says {schema}"),
    }
}

/// The schema's `type` is `t` or a list holding `t`.
fn allows(schema: &Value, t: &str) -> bool {
    schema["type"] == t
        || schema["type"]
            .as_array()
            .is_some_and(|a| a.contains(&Value::from(t)))
}

fn schema_of(name: &str) -> Value {
    let o = run(&["schema", name]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn schemas_describe_every_field_written() {
    let assessment = schema_of("assessment");
    assert_eq!(
        assessment["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    // The seed with the county's verdicts (adjusted, verdict, evaluator) and --stamp.
    let o = kaohe()
        .args(["score", SEED, "--format", "json", "--stamp", "--verdicts"])
        .arg(Path::new(crate::batch::VERDICTS).join("xx镇-2021.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a: Value = serde_json::from_slice(&o.stdout).unwrap();
    described(&a, &assessment, &assessment, "");

    let batch_schema = schema_of("batch");
    let o = batch(
        Path::new(crate::batch::COUNTY),
        &[
            "--verdicts-dir",
            crate::batch::VERDICTS,
            "--format",
            "json",
            "--stamp",
        ],
    );
    let b: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !b["failed"].as_array().unwrap().is_empty(),
        "the county has a broken bundle"
    );
    described(&b, &batch_schema, &batch_schema, "");

    // The verdict file (YAML) read as data: every key the county's file uses is described.
    let verdicts = schema_of("verdicts");
    let text =
        fs::read_to_string(Path::new(crate::batch::VERDICTS).join("xx镇-2021.yaml")).unwrap();
    for key in ["评分人", "评分日期", "单位", "考核指标", "评分", "调整"] {
        assert!(text.contains(&format!("{key}:")));
        assert!(verdicts["properties"].get(key).is_some(), "{key}");
    }
    assert!(stdout(&run(&["schema", "rules"])).contains("indicators"));
}

// ------------------------------------------------------------------ 4.1 期数 without a number

/// 期号 = the last run of digits in 期数 (indicators.md 4.1). "2021年第五期" has none after the
/// year: the row counts for no issue (seed: 8 missing → 5 and 8 missing, 5 − 2 × 0.5 = 4), and a
/// data problem names the row, the column and the value instead of dropping it silently.
#[test]
fn gazette_issue_in_chinese_numerals_is_a_data_problem() {
    let b = Bundle::seed();
    let file = "台账/政府公报发放台账.csv";
    let text = b.read(file);
    let row = text
        .lines()
        .position(|l| l.starts_with("2021年第5期,"))
        .unwrap()
        + 1;
    b.write(file, &text.replace("2021年第5期,", "2021年第五期,"));
    let r = b.score();
    r.expect("4.1", 4.0, "partial"); // 5 − 2 × 0.5
    let p: Vec<&Value> = r
        .problems()
        .iter()
        .filter(|p| p["code"] == "issue-number-unreadable")
        .collect();
    assert_eq!(p.len(), 1, "{:?}", r.problems());
    assert_eq!(p[0]["row"], row as u64);
    assert_eq!(p[0]["column"], "期数");
    assert_eq!(p[0]["value"], "2021年第五期");

    // The seed itself (digits everywhere) has no such problem.
    let seed = Bundle::seed().score();
    assert!(!seed.has_problem_code("issue-number-unreadable"));
}

// ------------------------------------------------------------------ a ledger path typo

/// 台帐 for 台账: the ledger is not found (every indicator that needs it is 缺材料), and the
/// message names the file that was surely meant.
#[test]
fn ledger_path_typo_suggests_the_file_meant() {
    let b = Bundle::seed();
    b.edit(
        "主动公开: 台账/主动公开台账.csv",
        "主动公开: 台帐/主动公开台账.csv",
    );
    let r = b.score();
    r.expect("1.1", 0.0, "missing");
    let p = r.problems_mentioning("台帐/主动公开台账.csv");
    assert_eq!(p.len(), 1, "{:?}", r.problems());
    assert!(
        p[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("是否为 台账/主动公开台账.csv？"),
        "{}",
        p[0]["message"]
    );
    // A path nothing resembles gets no guess.
    let b = Bundle::seed();
    b.edit(
        "主动公开: 台账/主动公开台账.csv",
        "主动公开: 别处/完全不同的名字.xlsx",
    );
    let r = b.score();
    let p = r.problems_mentioning("别处/完全不同的名字.xlsx");
    assert_eq!(p.len(), 1);
    assert!(
        !p[0]["message"].as_str().unwrap().contains("是否为"),
        "{}",
        p[0]["message"]
    );
}

/// README and every document under docs/ link only to files inside the repository that exist
/// (a user gets the repository and nothing beside it), never to ../shared or the web; README
/// states the platforms.
#[test]
fn docs_link_only_inside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root_real = fs::canonicalize(root).unwrap();
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    let mut links = 0;
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        assert!(
            !text.contains("../shared") && !text.contains("shared/PRODUCT"),
            "{} points to shared/, which users never get",
            f.display()
        );
        for (at, _) in text.match_indices("](") {
            let target = &text[at + 2..];
            let Some(end) = target.find(')') else {
                continue;
            };
            let target = target[..end].split('#').next().unwrap();
            if target.is_empty() {
                continue; // a link inside the same page
            }
            assert!(
                !target.contains("://"),
                "{}: a link leaves the repository: {target}",
                f.display()
            );
            let resolved = f.parent().unwrap().join(target);
            let real = fs::canonicalize(&resolved).unwrap_or_else(|e| {
                panic!(
                    "{}: link to {target} that does not exist ({e})",
                    f.display()
                )
            });
            assert!(
                real.starts_with(&root_real),
                "{}: {target} is outside the repository",
                f.display()
            );
            links += 1;
        }
    }
    assert!(links > 20, "the docs link to each other ({links} links)");
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    for platform in ["Linux", "统信UOS", "麒麟"] {
        assert!(
            readme.contains(platform),
            "README states the platform {platform}"
        );
    }
    for doc in [
        "docs/bundle.md",
        "docs/verdicts.md",
        "docs/json.md",
        "docs/install.md",
    ] {
        assert!(readme.contains(doc), "README links {doc}");
    }
}
