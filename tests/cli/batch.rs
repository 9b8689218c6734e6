//! `kaohe batch` on fixtures/county-2021 (see its README.md for every township's patch and the
//! expected total, worked out from the seed's EXPECTED.md).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

use crate::harness::*;

pub(crate) const COUNTY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/county-2021/bundles");
pub(crate) const VERDICTS: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/county-2021/verdicts");

/// Run `kaohe batch <dir> <extra…>`.
pub(crate) fn batch(dir: &Path, extra: &[&str]) -> Output {
    kaohe()
        .arg("batch")
        .arg(dir)
        .args(extra)
        .output()
        .expect("run kaohe batch")
}

/// The county fixture's batch as JSON (with the verdicts folder); exit code 0.
pub(crate) fn county_json(extra: &[&str]) -> (Value, String) {
    let mut args = vec!["--verdicts-dir", VERDICTS, "--format", "json"];
    args.extend_from_slice(extra);
    let out = batch(Path::new(COUNTY), &args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    (serde_json::from_str(&stdout).expect("batch JSON"), stderr)
}

fn ranking(json: &Value) -> Vec<(u64, String, f64, bool)> {
    json["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rank"].as_u64().unwrap(),
                e["unit"].as_str().unwrap().to_string(),
                num(&e["score"]),
                e["veto"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// A temporary batch folder holding copies of the seed under the given folder names, each with
/// its 单位 replaced.
fn seeds(bundles: &[(&str, &str)]) -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("county");
    for (folder, unit) in bundles {
        let d = dir.join(folder);
        copy_dir(Path::new(SEED), &d);
        let y = d.join("bundle.yaml");
        let text = fs::read_to_string(&y).unwrap();
        fs::write(
            &y,
            text.replacen("单位: xx镇\n", &format!("单位: {unit}\n"), 1),
        )
        .unwrap();
    }
    (tmp, dir)
}

#[test]
fn county_ranking_ties_veto_and_failed_bundle() {
    let (json, stderr) = county_json(&[]);
    assert_eq!(json["schema"], "kaohe.batch/1");
    // xx镇 95.5 + 3.4 verdict 2 + 调整 3.2 3.5→4 (+0.5) = 98; 安平镇 = seed 95.5;
    // 李家镇, 张村镇 6.1 late: 95.5 − 3 = 92.5 (shared rank 3, li < zhang); 东湖镇 − 3 − 4 =
    // 88.5 → rank 5; 白云镇 veto (95.5 − 6 = 89.5) ranks after every non-vetoed one → 6.
    assert_eq!(
        ranking(&json),
        vec![
            (1, "xx镇".into(), 98.0, false),
            (2, "安平镇".into(), 95.5, false),
            (3, "李家镇".into(), 92.5, false),
            (3, "张村镇".into(), 92.5, false),
            (5, "东湖镇".into(), 88.5, false),
            (6, "白云镇".into(), 89.5, true),
        ]
    );
    assert_eq!(json["ranking"][0]["provisional"], false);
    assert_eq!(json["ranking"][1]["provisional"], true);
    assert_eq!(json["ranking"][0]["adjusted"], serde_json::json!(["3.2"]));
    assert_eq!(json["ranking"][5]["grade"], "不合格");
    // Grades in the rule set's order: 优秀 98, 95.5, 92.5, 92.5; 良好 88.5; 不合格 (veto).
    assert_eq!(
        json["grades"],
        serde_json::json!({"优秀": 4, "良好": 1, "合格": 0, "不合格": 1})
    );
    assert_eq!(
        serde_json::to_string(&json["grades"]).unwrap(),
        r#"{"优秀":4,"良好":1,"合格":0,"不合格":1}"#,
        "grades keep the rule set's order"
    );
    // The broken bundle is listed with its error; the others were scored.
    let failed = json["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["bundle"], "破损材料-2021");
    assert!(
        failed[0]["error"].as_str().unwrap().contains("单位"),
        "{failed:?}"
    );
    assert!(stderr.contains("破损材料-2021"), "{stderr}");
    // Assessments in ranking order, each the PRODUCT.md assessment.
    let units: Vec<&str> = json["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit"].as_str().unwrap())
        .collect();
    assert_eq!(
        units,
        vec!["xx镇", "安平镇", "李家镇", "张村镇", "东湖镇", "白云镇"]
    );
    assert_eq!(json["assessments"][0]["schema"], "kaohe.assessment/1");
}

#[test]
fn losses_add_up_points_per_indicator() {
    let (json, _) = county_json(&[]);
    let losses = json["losses"].as_array().unwrap();
    let find = |id: &str| {
        losses
            .iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no loss for {id}: {losses:?}"))
    };
    // 1.4: the seed loses 1.5 and every township keeps it: 6 × 1.5 = 9, 6 townships.
    assert!(close(num(&find("1.4")["points_lost"]), 9.0));
    assert_eq!(find("1.4")["townships"], 6);
    // 6.1: 李家镇, 张村镇, 东湖镇 lose 3 each = 9.
    assert!(close(num(&find("6.1")["points_lost"]), 9.0));
    assert_eq!(find("6.1")["townships"], 3);
    // 3.2: 0.5 each except xx镇, adjusted to full points: 5 × 0.5 = 2.5.
    assert!(close(num(&find("3.2")["points_lost"]), 2.5));
    assert_eq!(find("3.2")["townships"], 5);
    // Most points first; bonus items (not earned ≠ lost) and pending 3.4 are not losses.
    let lost: Vec<f64> = losses.iter().map(|l| num(&l["points_lost"])).collect();
    assert!(lost.windows(2).all(|w| w[0] >= w[1]), "{lost:?}");
    assert!(
        losses
            .iter()
            .all(|l| l["id"] != "B1" && l["id"] != "B2" && l["id"] != "3.4")
    );
}

#[test]
fn a_township_scores_the_same_alone_and_in_the_batch() {
    let (json, _) = county_json(&[]);
    let alone = kaohe()
        .arg("score")
        .arg(Path::new(COUNTY).join("xx镇-2021"))
        .arg("--verdicts")
        .arg(Path::new(VERDICTS).join("xx镇-2021.yaml"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(alone.status.code(), Some(0));
    let alone: Value = serde_json::from_slice(&alone.stdout).unwrap();
    let mut in_batch = json["assessments"][0].clone();
    // The verdict file is cited by the path it was given with; everything else is identical.
    let strip = |v: &mut Value| {
        v["evidence"]
            .as_array_mut()
            .unwrap()
            .retain(|e| !e["file"].as_str().unwrap().ends_with("xx镇-2021.yaml"));
    };
    let mut alone = alone;
    strip(&mut alone);
    strip(&mut in_batch);
    assert_eq!(alone, in_batch);
}

#[test]
fn serial_and_parallel_runs_give_the_same_bytes() {
    let tmp = TempDir::new().unwrap();
    for ext in ["json", "html", "xlsx", "csv", "md", "txt"] {
        let mut outputs = Vec::new();
        for jobs in ["1", "4"] {
            let out = tmp.path().join(format!("county-j{jobs}.{ext}"));
            let o = batch(
                Path::new(COUNTY),
                &[
                    "--verdicts-dir",
                    VERDICTS,
                    "-j",
                    jobs,
                    "-o",
                    out.to_str().unwrap(),
                ],
            );
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            outputs.push(fs::read(&out).unwrap());
        }
        assert!(outputs[0].len() > 100, "{ext} report is empty");
        assert!(outputs[0] == outputs[1], "{ext}: -j 1 and -j 4 differ");
    }
}

#[test]
fn duplicate_units_are_flagged() {
    let (_tmp, dir) = seeds(&[("a-2021", "甲镇"), ("b-2021", "甲镇"), ("c-2021", "乙镇")]);
    let out = batch(&dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["duplicates"],
        serde_json::json!([{"unit": "甲镇", "bundles": ["a-2021", "b-2021"]}])
    );
    let flagged: Vec<(&str, bool)> = json["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["bundle"].as_str().unwrap(), e["duplicate"] == true))
        .collect();
    // All three score 95.5 (the seed): one rank, pinyin order 甲 (jia) < 乙 (yi).
    assert_eq!(
        flagged,
        vec![("a-2021", true), ("b-2021", true), ("c-2021", false)]
    );
    assert!(
        json["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["rank"] == 1)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("甲镇") && stderr.contains("2 份材料"),
        "{stderr}"
    );
}

#[test]
fn fail_under_exits_1_when_any_township_is_below() {
    // 白云镇 89.5 < 90 → 1; nobody is below 85 → 0.
    let o = batch(
        Path::new(COUNTY),
        &["--verdicts-dir", VERDICTS, "--fail-under", "90"],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = batch(
        Path::new(COUNTY),
        &["--verdicts-dir", VERDICTS, "--fail-under", "85"],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = batch(Path::new(COUNTY), &["--fail-under", "九十"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn nothing_scorable_exits_2_and_still_lists_the_failures() {
    let (_tmp, dir) = seeds(&[("a-2021", "甲镇")]);
    let y = dir.join("a-2021/bundle.yaml");
    fs::write(&y, "单位: [\n").unwrap();
    fs::create_dir_all(dir.join("empty-folder")).unwrap();
    let out = batch(&dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed: Vec<&str> = json["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bundle"].as_str().unwrap())
        .collect();
    // A folder without bundle.yaml is reported, not skipped.
    assert_eq!(failed, vec!["a-2021", "empty-folder"]);
}

#[test]
fn missing_folder_is_refused() {
    let out = batch(Path::new("/nonexistent/county"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是文件夹"));
}

#[test]
fn output_inside_a_bundle_is_refused() {
    let (_tmp, dir) = seeds(&[("a-2021", "甲镇")]);
    let inside = dir.join("a-2021/排名.html");
    let out = batch(&dir, &["-o", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!inside.exists());
    // Beside the bundles, in the batch folder itself, is fine.
    let beside = dir.join("排名.html");
    let out = batch(&dir, &["-o", beside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(beside.exists());
}

#[test]
fn rules_override_names_each_bundle_that_declared_another() {
    let (_tmp, dir) = seeds(&[("a-2021", "甲镇")]);
    let y = dir.join("a-2021/bundle.yaml");
    let text = fs::read_to_string(&y).unwrap();
    fs::write(
        &y,
        text.replace("考核指标: county-zwgk-2021", "考核指标: other-2021"),
    )
    .unwrap();
    // Without --rules, the only bundle's unknown id stops the batch (nothing to score with).
    let out = batch(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/county-zwgk-2021");
    let out = batch(&dir, &["--rules", rules, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a-2021") && stderr.contains("other-2021"),
        "{stderr}"
    );
}

#[test]
fn one_township_declaring_another_rule_set_fails_alone() {
    let (_tmp, dir) = seeds(&[("a-2021", "甲镇"), ("b-2021", "乙镇"), ("c-2021", "丙镇")]);
    let y = dir.join("a-2021/bundle.yaml");
    let text = fs::read_to_string(&y).unwrap();
    fs::write(
        &y,
        text.replace("考核指标: county-zwgk-2021", "考核指标: county-zwgk-2O21"),
    )
    .unwrap();
    // Two of three declare county-zwgk-2021: the batch uses it and lists a-2021 as failed.
    let out = batch(&dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ranking"].as_array().unwrap().len(), 2);
    assert_eq!(json["failed"][0]["bundle"], "a-2021");
    assert!(
        json["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("county-zwgk-2O21")
    );
}

#[test]
fn a_zip_in_the_batch_folder_counts_as_a_bundle() {
    let (_tmp, dir) = seeds(&[("a-2021", "甲镇")]);
    // Not a real archive: whether zip bundles are read yet or not, it must be listed (scored or
    // failed with its reason), never skipped; and other files are ignored.
    fs::write(dir.join("b-2021.zip"), b"PK\x05\x06").unwrap();
    fs::write(dir.join("说明.txt"), "not a bundle").unwrap();
    let out = batch(&dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<&str> = json["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["failed"].as_array().unwrap())
        .map(|e| e["bundle"].as_str().unwrap().trim_end_matches(".zip"))
        .collect();
    names.sort();
    assert_eq!(names, vec!["a-2021", "b-2021"]);
}

/// Zip `dir` as `<name>/…` members (a zipped bundle folder, as townships hand them in).
pub(crate) fn zip_folder(dir: &Path, name: &str, to: &Path) {
    use std::io::Write;
    fn add(w: &mut zip::ZipWriter<fs::File>, base: &Path, dir: &Path, prefix: &str) {
        let opts =
            zip::write::SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let rel = e
                .path()
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if e.file_type().unwrap().is_dir() {
                add(w, base, &e.path(), prefix);
            } else {
                w.start_file(format!("{prefix}/{rel}"), opts).unwrap();
                w.write_all(&fs::read(e.path()).unwrap()).unwrap();
            }
        }
    }
    let mut w = zip::ZipWriter::new(fs::File::create(to).unwrap());
    add(&mut w, dir, dir, name);
    w.finish().unwrap();
}

#[test]
fn a_zipped_bundle_scores_like_its_folder_with_its_verdict_file() {
    let (_tmp, dir) = seeds(&[("安平镇-2021", "安平镇")]);
    zip_folder(
        &Path::new(COUNTY).join("xx镇-2021"),
        "xx镇-2021",
        &dir.join("xx镇-2021.zip"),
    );
    let out = batch(&dir, &["--verdicts-dir", VERDICTS, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    // xx镇 from the zip with verdicts/xx镇-2021.yaml: 98 (as in the folder batch), first.
    assert_eq!(json["ranking"][0]["unit"], "xx镇");
    assert!(close(num(&json["ranking"][0]["score"]), 98.0));
    assert_eq!(json["ranking"][0]["adjusted"], serde_json::json!(["3.2"]));
    assert_eq!(json["failed"], serde_json::json!([]));
}

/// Issue 11: every batch format, streamed, gives the same bytes on one thread and on two, and
/// the JSON is exactly the pretty-printed `kaohe.batch/1` document (re-printing the parsed text
/// changes nothing), though its assessments went through a scratch file on the way.
#[test]
fn streamed_batch_formats_are_the_same_on_one_and_two_threads() {
    let tmp = TempDir::new().unwrap();
    for ext in ["json", "jsonl", "html", "xlsx", "csv", "md", "txt"] {
        let mut outputs = Vec::new();
        for jobs in ["1", "2"] {
            let out = tmp.path().join(format!("county-j{jobs}.{ext}"));
            let o = batch(
                Path::new(COUNTY),
                &[
                    "--verdicts-dir",
                    VERDICTS,
                    "-j",
                    jobs,
                    "-o",
                    out.to_str().unwrap(),
                ],
            );
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            outputs.push(fs::read(&out).unwrap());
        }
        assert!(outputs[0].len() > 100, "{ext} report is empty");
        assert!(outputs[0] == outputs[1], "{ext}: -j 1 and -j 2 differ");
        if ext == "json" {
            let text = String::from_utf8(outputs[0].clone()).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_string_pretty(&v).unwrap() + "\n", text);
            // 6 townships scored (破损材料-2021 fails), so 6 assessments in ranking order.
            let units: Vec<&str> = v["assessments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["bundle"].as_str().unwrap())
                .collect();
            let ranked: Vec<&str> = v["ranking"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["bundle"].as_str().unwrap())
                .collect();
            assert_eq!(units.len(), 6);
            assert_eq!(units, ranked);
        }
        // No temporary file is left beside the report.
        let left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}

/// `--format jsonl`: one assessment per line in the bundles' name order (the same assessment
/// `kaohe score --format json` gives), then the summary without `assessments`.
#[test]
fn json_lines_give_one_assessment_per_line_then_the_summary() {
    let out = batch(
        Path::new(COUNTY),
        &["--verdicts-dir", VERDICTS, "--format", "jsonl"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    // 7 bundles, 破损材料-2021 cannot be scored: 6 assessment lines + 1 summary line.
    assert_eq!(lines.len(), 7);
    let bundles: Vec<&str> = lines[..6]
        .iter()
        .map(|a| a["bundle"].as_str().unwrap())
        .collect();
    let mut sorted = bundles.clone();
    sorted.sort();
    assert_eq!(bundles, sorted, "name order");
    assert!(
        lines[..6]
            .iter()
            .all(|a| a["schema"] == "kaohe.assessment/1")
    );
    let summary = &lines[6];
    assert_eq!(summary["schema"], "kaohe.batch/1");
    assert!(summary.get("assessments").is_none());
    assert_eq!(summary["ranking"].as_array().unwrap().len(), 6);
    assert_eq!(summary["failed"][0]["bundle"], "破损材料-2021");
    // The same assessment as `kaohe score` (the batch's verdicts folder applies to xx镇 only).
    let alone = kaohe()
        .args([
            "score",
            &format!("{COUNTY}/安平镇-2021"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let alone: Value = serde_json::from_slice(&alone.stdout).unwrap();
    let line = lines[..6]
        .iter()
        .find(|a| a["bundle"] == "安平镇-2021")
        .unwrap();
    assert_eq!(&alone, line);
}

/// A bundle past the per-bundle memory limit is cut off and listed as failed; the others are
/// scored as usual. The seed with a 60,000-row 主动公开 ledger holds far more than 8 MB once
/// loaded (each row is 7 cells); the seed itself holds far less.
#[test]
fn a_bundle_over_the_memory_limit_is_cut_off_and_listed_as_failed() {
    let (_tmp, dir) = seeds(&[("a-small", "小镇"), ("b-huge", "大镇")]);
    let mut csv = format!("{PROACTIVE_HEADER}\n");
    for i in 1..=60_000 {
        csv.push_str(&format!(
            "{i},关于第{i}号事项的通知,政府文件,XX-2021-{i:05},2021-03-01,2021-03-05,财政\n"
        ));
    }
    fs::write(dir.join("b-huge/台账/主动公开台账.csv"), csv).unwrap();
    let out = batch(&dir, &["--format", "json", "--limit-memory", "8"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ranking"].as_array().unwrap().len(), 1);
    assert_eq!(v["ranking"][0]["bundle"], "a-small");
    assert_eq!(v["failed"][0]["bundle"], "b-huge");
    let error = v["failed"][0]["error"].as_str().unwrap();
    assert!(error.contains("内存上限 8 MB"), "{error}");
}

/// A bundle past the per-bundle time limit is cut off the same way (a limit of 0 seconds cuts
/// every bundle: nothing is scored, exit code 2, each listed).
#[test]
fn a_bundle_over_the_time_limit_is_listed_as_failed() {
    let (_tmp, dir) = seeds(&[("a", "甲镇")]);
    let out = batch(&dir, &["--format", "json", "--limit-seconds", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = v["failed"][0]["error"].as_str().unwrap();
    assert!(error.contains("时间上限 0 秒"), "{error}");
}

/// Issue 11: above `--detail-limit` bundles, XLSX and HTML summarize (ranking, grades, losses,
/// failures) and say where each township's detail is, so their memory does not grow with the
/// batch; at or below it they are the full reports, byte for byte. The county has 7 bundles
/// (6 scored, 破损材料-2021 failed), so `--detail-limit 6` summarizes and 7 does not.
#[test]
fn xlsx_and_html_summarize_above_the_detail_limit() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let tmp = TempDir::new().unwrap();
    let run = |ext: &str, limit: Option<&str>| {
        let out = tmp
            .path()
            .join(format!("county-{}.{ext}", limit.unwrap_or("default")));
        let mut args = vec!["--verdicts-dir", VERDICTS, "-o", out.to_str().unwrap()];
        if let Some(l) = limit {
            args.extend(["--detail-limit", l]);
        }
        let o = batch(Path::new(COUNTY), &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        out
    };
    let note = "本批次共 7 份材料，超过逐一列出明细的上限 6 份";

    // At the limit: the full reports, the same bytes as without the option.
    for ext in ["html", "xlsx"] {
        let full = fs::read(run(ext, None)).unwrap();
        assert!(full == fs::read(run(ext, Some("7"))).unwrap(), "{ext}");
    }

    // HTML above the limit: the ranking without links, grades, the failed bundle and losses;
    // no township section and no chart of every township.
    let page = fs::read_to_string(run("html", Some("6"))).unwrap();
    assert!(page.contains(note), "{page}");
    assert!(page.contains("kaohe score"));
    assert!(!page.contains("<section class=\"township"));
    assert!(!page.contains("href=\"#t1\""));
    assert!(!page.contains("各单位总分"));
    // Rank 1 xx镇 98, the tie 李家镇/张村镇 at 92.5 (rank 3 twice), 白云镇 vetoed last (6).
    for row in [
        "<td class=\"n\">1</td><td class=\"nm\">xx镇</td><td class=\"n\">98</td>",
        "<td class=\"n\">3</td><td class=\"nm\">李家镇</td><td class=\"n\">92.5</td>",
        "<td class=\"n\">3</td><td class=\"nm\">张村镇</td><td class=\"n\">92.5</td>",
        "<td class=\"n\">6</td><td class=\"nm\">白云镇</td><td class=\"n\">89.5</td>",
    ] {
        assert!(page.contains(row), "{row}");
    }
    assert!(page.contains("破损材料-2021"));
    // 1.4 cost the county 9 points over 6 townships (as in the full report's 失分统计).
    assert!(page.contains("<tr><td>1.4</td>"));

    // XLSX above the limit: 总表 cell for cell as in the full workbook, 等次统计, 失分统计, and
    // 说明 with the note; no township sheet and no 问题清单.
    let full_path = run("xlsx", None);
    let mut full: Xlsx<_> = open_workbook(&full_path).unwrap();
    let mut small: Xlsx<_> = open_workbook(run("xlsx", Some("6"))).unwrap();
    assert_eq!(
        small.sheet_names(),
        vec!["总表", "等次统计", "失分统计", "说明"]
    );
    for sheet in ["总表", "等次统计", "失分统计"] {
        let a = full.worksheet_range(sheet).unwrap();
        let b = small.worksheet_range(sheet).unwrap();
        assert_eq!(a.get_size(), b.get_size(), "{sheet}");
        assert!(a.cells().eq(b.cells()), "{sheet} differs");
    }
    let summary = small.worksheet_range("总表").unwrap();
    assert_eq!(
        summary.get_value((1, 1)),
        Some(&Data::String("xx镇".into()))
    );
    assert_eq!(summary.get_value((1, 3)), Some(&Data::Float(98.0)));
    let about = small.worksheet_range("说明").unwrap();
    let text = about.get_value((1, 0)).unwrap().to_string();
    assert!(text.contains(note), "{text}");
}
