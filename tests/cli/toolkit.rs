//! The rule authors' toolkit (issue 4): `rules check` on a broken-rule fixture per diagnostic
//! code, `rules test`, `explain`, the generated docs and the JSON Schema.

use std::path::Path;

use super::harness::{assert_messages_chinese, english_in, kaohe};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/rules");

/// Each broken-rule fixture `fixtures/rules/<code>/` and where its one problem is
/// (`file:line:col`; YAML errors have a line only). Worked out by reading each fixture.
const BROKEN: &[(&str, &str)] = &[
    ("alias-conflict", "ruleset.yaml:20:22"),
    ("ambiguous-name", "1.yaml:7:41"),
    ("bad-argument", "1.yaml:10:39"),
    ("compare-null", "1.yaml:7:33"),
    ("costly-expression", "1.yaml:8:15"),
    ("bad-code", "ruleset.yaml:15:11"),
    ("bad-count-max", "ruleset.yaml:18:30"),
    ("bad-date", "1.yaml:10:51"),
    ("bad-id", "1.yaml:2:9"),
    ("bad-level", "1.yaml:11:24"),
    ("cap-over-points", "1.yaml:10:14"),
    ("bad-severity", "ruleset.yaml:18:15"),
    ("calendar-file-invalid", "日历-2026.csv:3"),
    ("calendar-file-missing", "ruleset.yaml:5:11"),
    ("date-outside-year", "ruleset.yaml:12:3"),
    ("duplicate-field", "1.yaml:10:41"),
    ("duplicate-id", "1.yaml:7:9"),
    ("duplicate-key", "1.yaml:5"),
    ("grades-empty", "ruleset.yaml:7:9"),
    ("grades-no-floor", "ruleset.yaml:9:22"),
    ("grades-not-descending", "ruleset.yaml:9:21"),
    ("group-points-mismatch", "ruleset.yaml:13:35"),
    ("ledger-no-columns", "ruleset.yaml:19:7"),
    ("level-over-points", "1.yaml:11:35"),
    ("manual-with-measure", "1.yaml:8:13"),
    ("misplaced-lambda", "1.yaml:10:47"),
    ("name-clash", "1.yaml:7:13"),
    ("no-fields", "1.yaml:10:35"),
    ("points-negative", "ruleset.yaml:6:12"),
    ("points-not-number", "ruleset.yaml:6:12"),
    ("points-precision", "ruleset.yaml:6:12"),
    ("ruleset-file-missing", "ruleset.yaml:13:44"),
    ("ruleset-not-utf8", "1.yaml"),
    ("ruleset-shape", "1.yaml:2:5"),
    ("syntax", "1.yaml:10:33"),
    ("tiers-empty", "1.yaml:11:17"),
    ("tiers-not-monotone", "1.yaml:11:39"),
    ("total-points-mismatch", "ruleset.yaml:5:6"),
    ("type-mismatch", "1.yaml:10:15"),
    ("unknown-column", "1.yaml:7:43"),
    ("unknown-field-type", "ruleset.yaml:17:22"),
    ("unknown-field", "1.yaml:10:42"),
    ("unknown-function", "1.yaml:10:15"),
    ("unknown-grade", "ruleset.yaml:10:13"),
    ("unknown-key", "1.yaml:5:5"),
    ("unknown-method", "1.yaml:9:7"),
    ("unknown-name", "1.yaml:10:21"),
    ("unknown-source", "1.yaml:5:13"),
    ("unquoted-id", "1.yaml:2:9"),
    ("unused-let", "1.yaml:7:7"),
    ("unused-param", "ruleset.yaml:12:3"),
    ("vocabulary-conflict", "ruleset.yaml:21:24"),
    ("wrong-arity", "1.yaml:10:15"),
    // The full-width colon is on line 3; the parser only fails on line 4 (issue 12: headed
    // with the line to fix).
    ("yaml-syntax", "1.yaml:3"),
    ("yaml-too-deep", "1.yaml:5"),
    ("yaml-too-large", "1.yaml:7"),
    ("year-not-in-calendar", "ruleset.yaml:4:7"),
    ("text-names-past-year", "1.yaml:5:5"),
    ("extends-unknown", "ruleset.yaml:2:10"),
    ("extends-chain", "ruleset.yaml:2:10"),
    ("drop-unknown", "ruleset.yaml:4:8"),
    ("override-unknown", "ruleset.yaml:5:3"),
    ("bad-weight", "ruleset.yaml:13:60"),
    ("bad-rounding", "ruleset.yaml:10:44"),
    ("unknown-group", "1.yaml:11:15"),
    ("veto-no-effect", "1.yaml:11:14"),
    ("grading-no-effect", "ruleset.yaml:15:9"),
    ("township-unknown", "township.yaml:3:25"),
    ("bad-unit-type", "ruleset.yaml:6:20"),
    ("bad-unit-points", "1.yaml:4:13"),
    ("unit-points-mismatch", "ruleset.yaml:13:35"),
];

/// Codes without a checked-in fixture, and why; each is exercised by a test below instead.
const NO_FIXTURE: &[(&str, &str)] = &[
    (
        "ruleset-unreadable",
        "needs a folder without read permission, which root (CI) reads anyway",
    ),
    ("ruleset-file-too-large", "needs a 4 MiB file"),
];

fn check(dir: &Path) -> (i32, String, String) {
    let out = kaohe()
        .args(["rules", "check"])
        .arg(dir)
        .output()
        .expect("run kaohe");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_broken_rule_fixture_triggers_exactly_its_code_at_its_place() {
    for (code, at) in BROKEN {
        let dir = Path::new(FIXTURES).join(code);
        let (status, _, stderr) = check(&dir);
        assert_eq!(status, 2, "{code}: exit code\n{stderr}");
        let codes: Vec<&str> = stderr
            .lines()
            .filter_map(|l| {
                l.split_once('[')
                    .filter(|(lvl, _)| *lvl == "错误" || *lvl == "警告")
            })
            .filter_map(|(_, rest)| rest.split_once(']').map(|(c, _)| c))
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == code),
            "{code}: expected only [{code}], got {codes:?}\n{stderr}"
        );
        let want = format!("--> {}/{at}", dir.display());
        assert!(
            stderr.lines().any(|l| l.trim() == want),
            "{code}: expected `{want}`\n{stderr}"
        );
        assert!(stderr.contains("  = 帮助："), "{code}: help line\n{stderr}");
        let last = stderr.trim_end().lines().last().unwrap_or("");
        assert!(
            last.starts_with("共 ") && last.contains(" 个问题（错误 ") && last.ends_with(" 个）"),
            "{code}: summary line\n{stderr}"
        );
        if at.contains(':') && at.matches(':').count() == 2 {
            assert!(stderr.contains('^'), "{code}: caret\n{stderr}");
        }
    }
}

/// The registry says which codes have a broken rule set under fixtures/rules/ (rule-set,
/// expression and YAML codes); this table gives each one's position, and no fixture is left
/// out of it.
#[test]
fn every_rule_fixture_of_the_registry_is_in_the_table() {
    use kaohe::diag::{Area, Fixture};
    for area in [Area::Rule, Area::Expr, Area::Yaml] {
        for code in area.codes() {
            let info = code.info().unwrap();
            let fixture = BROKEN.iter().any(|(c, _)| *c == info.code);
            match info.fixture {
                Fixture::Rules => {
                    assert!(fixture, "{}: not in BROKEN", info.code);
                    assert!(
                        Path::new(FIXTURES).join(info.code).is_dir(),
                        "{}",
                        info.code
                    );
                }
                Fixture::Absent(why) => {
                    assert!(
                        !fixture,
                        "{}: has a fixture, yet the registry says {why}",
                        info.code
                    );
                    assert!(
                        NO_FIXTURE.iter().any(|(c, _)| *c == info.code),
                        "{}: exercised by which test?",
                        info.code
                    );
                }
                other => panic!("{}: a rule code with fixture {other:?}", info.code),
            }
        }
    }
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            BROKEN.iter().any(|(code, _)| *code == name),
            "fixtures/rules/{name} is not in the table"
        );
    }
}

#[test]
fn too_large_rule_file_is_reported() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    std::fs::copy(
        Path::new(FIXTURES).join("unused-param/ruleset.yaml"),
        dir.join("ruleset.yaml"),
    )
    .unwrap();
    let mut big = String::from("indicators: []\n");
    while big.len() <= 4 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.join("1.yaml"), big).unwrap();
    let (status, _, stderr) = check(dir);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("错误[ruleset-file-too-large]："),
        "{stderr}"
    );
}

#[test]
fn unknown_rule_set_is_reported() {
    // A path that is not a folder is looked up as a built-in id.
    let (status, _, stderr) = check(Path::new(FIXTURES).join("no-such-rule-set").as_path());
    assert_eq!(status, 2);
    assert!(stderr.contains("unknown-ruleset"), "{stderr}");
}

#[test]
fn shipped_rule_sets_are_clean() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap() {
        let dir = entry.unwrap().path();
        let (status, stdout, stderr) = check(&dir);
        assert_eq!(status, 0, "{}\n{stdout}{stderr}", dir.display());
        assert!(stdout.contains("检查通过"), "{stdout}");
    }
}

const COUNTY_2021: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/county-zwgk-2021");

fn rules_test(dir: &Path) -> (i32, String, String) {
    let out = kaohe()
        .args(["rules", "test"])
        .arg(dir)
        .output()
        .expect("run kaohe");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn county_rule_set_passes_its_own_tests() {
    let (status, stdout, stderr) = rules_test(Path::new(COUNTY_2021));
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("0 个失败"), "{stdout}");
}

/// Every indicator of county-zwgk-2021 has a case where it passes and one where it loses.
#[test]
fn county_tests_cover_every_indicator_pass_and_loss() {
    let out = kaohe()
        .args(["rules", "show", COUNTY_2021])
        .output()
        .unwrap();
    let show = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pass = std::collections::BTreeSet::new();
    let mut loss = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(Path::new(COUNTY_2021).join("tests")).unwrap() {
        let expected = entry.unwrap().path().join("expected.yaml");
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
        for (id, e) in doc["indicators"].as_mapping().unwrap() {
            let id = id.as_str().unwrap().to_string();
            match e["status"].as_str() {
                Some("pass") => pass.insert(id),
                Some("partial" | "gap" | "missing" | "veto") => loss.insert(id),
                _ => false,
            };
        }
    }
    let ids: Vec<&str> = show
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(ids.len(), 30, "{show}");
    for id in ids {
        assert!(pass.contains(id), "no case where {id} passes");
        assert!(loss.contains(id), "no case where {id} loses points");
    }
}

#[test]
fn a_wrong_expectation_is_shown_and_fails() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path().join("rules");
    copy_tree(Path::new(COUNTY_2021), &dir);
    let expected = dir.join("tests/seed/expected.yaml");
    let text = std::fs::read_to_string(&expected).unwrap();
    let text = text.replace(
        "\"1.6\": {score: 3, status: partial}",
        "\"1.6\": {score: 4, status: pass}",
    );
    std::fs::write(&expected, text).unwrap();
    let (status, stdout, _) = rules_test(&dir);
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains("失败  seed"), "{stdout}");
    assert!(
        stdout.contains("1.6 政府文件公开时效 得分：期望 4，实为 3"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1.6 政府文件公开时效 状态：期望 pass，实为 partial"),
        "{stdout}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn explain(bundle: &str, id: &str, extra: &[&str]) -> String {
    let out = kaohe()
        .arg("explain")
        .arg(Path::new(COUNTY_2021).join("tests").join(bundle))
        .arg(id)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Terminal text: no East-Asian ambiguous-width characters.
    use unicode_width::UnicodeWidthChar;
    for c in stdout.chars() {
        assert_eq!(
            c.width(),
            c.width_cjk(),
            "ambiguous-width {c:?} in\n{stdout}"
        );
    }
    stdout
}

#[test]
fn explain_shows_the_arithmetic_and_the_rows() {
    // seed 1.6: row 57 is 21 working days late → 4 − 1 × 1 = 3 (EXPECTED.md)
    let out = explain("seed", "1.6", &[]);
    assert!(out.contains("得分：3 / 4（部分达标）"), "{out}");
    assert!(out.contains("算式：4 - 1 x 1 = 3：第57行"), "{out}");
    assert!(out.contains("台账/主动公开台账.csv 第57行"), "{out}");
    assert!(out.contains("整改："), "{out}");
    // partial 1.6: rows 17 and 18 → 4 − 1 × 2 = 2
    let out = explain("partial", "1.6", &[]);
    assert!(out.contains("算式：4 - 1 x 2 = 2：第17行、第18行"), "{out}");
}

#[test]
fn explain_tiers_missing_manual_veto() {
    // partial 1.3: 12 工作动态 reach the 12 tier → 1.5
    let out = explain("partial", "1.3", &[]);
    assert!(out.contains("测量值 12，达到 12 档，得 1.5 分"), "{out}");
    let out = explain("nothing-handed-in", "2.1", &[]);
    assert!(out.contains("2 - 2 = 0：缺材料，依申请公开登记簿"), "{out}");
    let out = explain("nothing-handed-in", "3.5", &[]);
    assert!(out.contains("一票否决"), "{out}");
    let out = explain("seed", "3.4", &[]);
    assert!(out.contains("待评分"), "{out}");
    let verdicts = Path::new(COUNTY_2021).join("tests/partial/verdicts.yaml");
    let out = explain(
        "partial",
        "3.4",
        &["--verdicts", verdicts.to_str().unwrap()],
    );
    assert!(out.contains("评分人评定 1.5"), "{out}");
}

#[test]
fn explain_unknown_indicator_lists_the_ids() {
    let out = kaohe()
        .arg("explain")
        .arg(Path::new(COUNTY_2021).join("tests/seed"))
        .arg("9.9")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("没有指标「9.9」") && stderr.contains("1.1、1.2"),
        "{stderr}"
    );
}

// ------------------------------------------------------------------ JSON Schema

fn schema() -> serde_json::Value {
    let out = kaohe().args(["rules", "schema"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

/// A small validator for the keywords the schema uses (enough to prove the schema accepts the
/// shipped rule files and rejects a misspelt key).
fn valid(schema: &serde_json::Value, root: &serde_json::Value, v: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    let Some(s) = schema.as_object() else {
        return true;
    };
    if let Some(r) = s.get("$ref").and_then(J::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return valid(&root["$defs"][name], root, v);
    }
    if let Some(any) = s.get("anyOf").and_then(J::as_array)
        && !any.iter().any(|sub| valid(sub, root, v))
    {
        return false;
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        return false;
    }
    if let Some(e) = s.get("enum").and_then(J::as_array)
        && !e.contains(v)
    {
        return false;
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            J::String(t) => vec![t.as_str()],
            J::Array(ts) => ts.iter().filter_map(J::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            _ => false,
        });
        if !ok {
            return false;
        }
    }
    if let Some(obj) = v.as_object() {
        if let Some(req) = s.get("required").and_then(J::as_array)
            && !req
                .iter()
                .all(|k| obj.contains_key(k.as_str().unwrap_or_default()))
        {
            return false;
        }
        let props = s.get("properties").and_then(J::as_object);
        for (k, val) in obj {
            let sub = match props.and_then(|p| p.get(k)) {
                Some(sub) => sub,
                None => match s.get("additionalProperties") {
                    Some(J::Bool(false)) => return false,
                    Some(sub @ J::Object(_)) => sub,
                    _ => continue,
                },
            };
            if !valid(sub, root, val) {
                return false;
            }
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(sub) = s.get("items")
            && !items.iter().all(|i| valid(sub, root, i))
        {
            return false;
        }
        if let Some(min) = s.get("minItems").and_then(J::as_u64)
            && (items.len() as u64) < min
        {
            return false;
        }
    }
    true
}

fn yaml_as_json(path: &Path) -> serde_json::Value {
    let y: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_value(y).unwrap()
}

#[test]
fn schema_accepts_every_shipped_rule_file_and_rejects_a_typo() {
    let schema = schema();
    let mut checked = 0;
    for set in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap() {
        for file in std::fs::read_dir(set.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                assert!(
                    valid(&schema, &schema, &yaml_as_json(&path)),
                    "{} does not fit the schema",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 9);
    let typo = yaml_as_json(&Path::new(FIXTURES).join("unknown-key/1.yaml"));
    assert!(!valid(&schema, &schema, &typo));
    let fine = yaml_as_json(&Path::new(FIXTURES).join("unused-param/1.yaml"));
    assert!(valid(&schema, &schema, &fine));
}

// ------------------------------------------------------------------ generated docs

fn generated(args: &[&str]) -> String {
    let out = kaohe().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

/// docs/functions.md and docs/diagnostics.md are generated from the registries; regenerate
/// with `cargo run -- rules functions > docs/functions.md` (and `rules codes`).
#[test]
fn generated_docs_are_up_to_date() {
    for (args, file) in [
        (["rules", "functions"], "docs/functions.md"),
        (["rules", "codes"], "docs/diagnostics.md"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == generated(&args),
            "{file} is stale: run `cargo run -- {} > {file}`",
            args.join(" ")
        );
    }
}

// ------------------------------------------------------------------ tutorial

const TUTORIAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docs/tutorial/village-cwgk-2021"
);

/// Every file docs/tutorial.md shows (after a `<!-- file: … -->` marker) is exactly the file in
/// the tutorial's rule set, and that rule set passes `rules check` and `rules test`.
#[test]
fn tutorial_rule_set_is_the_one_shown_and_passes_check_and_test() {
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tutorial.md")).unwrap();
    let mut shown = 0;
    for part in md.split("<!-- file: ").skip(1) {
        let (name, rest) = part.split_once(" -->").unwrap();
        let body = rest.split_once("```").unwrap().1;
        let body = body.split_once('\n').unwrap().1;
        let body = &body[..body.find("```").unwrap()];
        let file = std::fs::read_to_string(Path::new(TUTORIAL).join(name)).unwrap();
        assert_eq!(body, file, "docs/tutorial.md shows {name} differently");
        shown += 1;
    }
    assert!(shown >= 5);
    let (status, stdout, stderr) = check(Path::new(TUTORIAL));
    assert_eq!(status, 0, "{stdout}{stderr}");
    let (status, stdout, stderr) = rules_test(Path::new(TUTORIAL));
    assert_eq!(status, 0, "{stdout}{stderr}");
}

// ------------------------------------------------------------------ overlays

const COUNTY_2022: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/county-zwgk-2022");

#[test]
fn county_2022_overlay_passes_its_own_tests() {
    let (status, stdout, stderr) = rules_test(Path::new(COUNTY_2022));
    assert_eq!(status, 0, "{stdout}{stderr}");
    // Built in as well: a 2022 bundle is scored without --rules.
    let out = kaohe()
        .args(["score", "--format", "json"])
        .arg(Path::new(COUNTY_2022).join("tests/partial"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ruleset"]["id"], "county-zwgk-2022");
    assert_eq!(json["ruleset"]["year"], 2022);
}

/// An overlay folder next to nothing: it extends the built-in county-zwgk-2021.
fn overlay(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::TempDir::new().unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    tmp
}

const HEAD: &str = "extends: county-zwgk-2021\nid: county-zwgk-2021-local\n";

#[test]
fn overlay_budgets_are_rechecked() {
    // 1.1 from 2 to 3 points: group 一's indicators add up to 21, not its 20.
    let dir = overlay(&[(
        "ruleset.yaml",
        &format!("{HEAD}indicators:\n  \"1.1\":\n    points: 3\n"),
    )]);
    let (status, _, stderr) = check(dir.path());
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("错误[group-points-mismatch]："), "{stderr}");
    assert!(
        stderr.contains("--> <内置>/county-zwgk-2021/ruleset.yaml:"),
        "{stderr}"
    );
    // Moving a point from 1.2 to 1.1 keeps every budget. (A new message that no longer read
    // `others` would leave that let unused: a warning, exit 2.)
    let dir = overlay(&[(
        "ruleset.yaml",
        &format!(
            "{HEAD}indicators:\n  \"1.1\":\n    points: 3\n  \"1.2\":\n    points: 1\n    method:\n      all:\n        message: 未公开领导成员和分工（另有{{count(others)}}条不在年度内）\n"
        ),
    )]);
    let (status, stdout, stderr) = check(dir.path());
    assert_eq!(status, 0, "{stdout}{stderr}");
}

#[test]
fn overlay_problem_points_at_the_overlay_line() {
    let dir = overlay(&[(
        "ruleset.yaml",
        &format!(
            "{HEAD}indicators:\n  \"1.3\":\n    let:\n      rows: 台账.主动公开.filter(r => r.栏木 == \"工作动态\")\n"
        ),
    )]);
    let (status, _, stderr) = check(dir.path());
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("错误[unknown-column]："), "{stderr}");
    // line 6, the column of `栏木`: 6 spaces, `rows: ` (7–12), `台账.主动公开.filter(r => r.`
    // (13–34), so 栏 is column 35.
    let want = format!("--> {}/ruleset.yaml:6:35", dir.path().display());
    assert!(stderr.lines().any(|l| l.trim() == want), "{want}\n{stderr}");
}

#[test]
fn overlay_drops_adds_and_shows_where_values_come_from() {
    // Drop 1.7 (2 points) and add 1.9 (2 points) to group 一: budgets still hold.
    let dir = overlay(&[
        (
            "ruleset.yaml",
            &format!(
                "{HEAD}params:\n  政府文件时限: 15\ndrop: [\"1.7\"]\ngroups:\n  - {{id: \"一\", file: 1-local.yaml}}\n"
            ),
        ),
        (
            "1-local.yaml",
            "indicators:\n  - id: \"1.9\"\n    name: 政策解读\n    points: 2\n    source: 台账.主动公开\n    let:\n      rows: 台账.主动公开.filter(r => r.栏目 == \"政策解读\" and in_year(r.发布日期))\n    method:\n      all:\n        pass: count(rows) >= 1\n        message: 没有政策解读\n",
        ),
    ]);
    let (status, stdout, stderr) = check(dir.path());
    assert_eq!(status, 0, "{stdout}{stderr}");
    let out = kaohe()
        .args(["rules", "show"])
        .arg(dir.path())
        .output()
        .unwrap();
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(show.contains("扩展自 county-zwgk-2021"), "{show}");
    assert!(show.contains("删去指标：1.7"), "{show}");
    assert!(show.contains("政府文件时限 = 15（本规则集）"), "{show}");
    assert!(
        show.contains("答复时限 = 20（继承 county-zwgk-2021）"),
        "{show}"
    );
    assert!(show.contains("1.9 政策解读（2分）"), "{show}");
    assert!(show.contains("来源：本规则集新增"), "{show}");
    assert!(!show.contains("1.7 建议提案办理结果"), "{show}");
    // The seed has no 政策解读 row → 1.9 scores 0; 1.7 is gone.
    let out = kaohe()
        .args(["score", "--format", "json", super::harness::SEED, "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"1.9") && !ids.contains(&"1.7"), "{ids:?}");
}

/// The text of the fenced block after `<!-- output: {name} -->` in docs/tutorial.md.
fn tutorial_output(name: &str) -> String {
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tutorial.md")).unwrap();
    let marker = format!("<!-- output: {name} -->");
    let after = md.split_once(&marker).unwrap().1;
    let body = after.split_once("```\n").unwrap().1;
    body[..body.find("```").unwrap()].to_string()
}

/// The outputs the tutorial shows are what kaohe prints (run from the repository root, as the
/// tutorial's commands are written).
#[test]
fn tutorial_outputs_are_real() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = kaohe()
        .current_dir(root)
        .args([
            "explain",
            "docs/tutorial/village-cwgk-2021/tests/gaps",
            "1.1",
            "--rules",
            "docs/tutorial/village-cwgk-2021",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        tutorial_output("explain")
    );

    // The same rule set with `r.日期` on line 28, in the same relative folder.
    let tmp = tempfile::TempDir::new().unwrap();
    let copy = tmp.path().join("docs/tutorial/village-cwgk-2021");
    copy_tree(Path::new(TUTORIAL), &copy);
    let file = copy.join("1-content.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[27] = lines[27].replace("r.发布日期", "r.日期");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = kaohe()
        .current_dir(tmp.path())
        .args(["rules", "check", "docs/tutorial/village-cwgk-2021"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = tutorial_output("check with r.日期");
    assert!(
        stderr.starts_with(&shown),
        "tutorial shows\n{shown}\nkaohe prints\n{stderr}"
    );
}

#[test]
fn explain_shows_data_problems_of_the_cited_rows() {
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("b");
    copy_tree(&Path::new(COUNTY_2021).join("tests/partial"), &bundle);
    let ledger = bundle.join("台账/依申请公开登记簿.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    // Row 3's 答复日期 becomes unreadable: 2.2 counts it as unanswered (−3) and says why.
    std::fs::write(
        &ledger,
        text.replace("2021-05-12,同意公开", "2021-13-12,同意公开"),
    )
    .unwrap();
    let out = kaohe()
        .arg("explain")
        .arg(&bundle)
        .arg("2.2")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 6 − 3 × 2 = 0: row 2 late, row 3 without a usable reply date
    assert!(
        stdout.contains("算式：6 - 3 x 2 = 0：第2行、第3行"),
        "{stdout}"
    );
    assert!(stdout.contains("相关数据问题："), "{stdout}");
    assert!(
        stdout.contains("台账/依申请公开登记簿.csv 第3行 列「答复日期」 值「2021-13-12」"),
        "{stdout}"
    );
}

#[test]
fn overlay_adds_a_group() {
    // A new bonus group (bonus points are outside max, so no other budget changes).
    let dir = overlay(&[
        (
            "ruleset.yaml",
            &format!(
                "{HEAD}groups:\n  - {{id: 加分2, name: 加分项（二）, points: 1, bonus: true, file: 9-extra.yaml}}\n"
            ),
        ),
        (
            "9-extra.yaml",
            "indicators:\n  - id: \"B3\"\n    name: 政务开放日\n    points: 1\n    method:\n      all:\n        pass: present(单位)\n        message: 未举办\n",
        ),
    ]);
    let (status, stdout, stderr) = check(dir.path());
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("31 个指标"), "{stdout}");
    let out = kaohe()
        .args(["rules", "show"])
        .arg(dir.path())
        .output()
        .unwrap();
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(show.contains("加分项（二）（1分）（本规则集）"), "{show}");
    assert!(show.contains("B3 政务开放日（1分）"), "{show}");
    // An error in the new file names that file.
    let bad = overlay(&[
        (
            "ruleset.yaml",
            &format!(
                "{HEAD}groups:\n  - {{id: 加分2, name: 加分项（二）, points: 1, bonus: true, file: 9-extra.yaml}}\n"
            ),
        ),
        (
            "9-extra.yaml",
            "indicators:\n  - id: \"B3\"\n    name: 政务开放日\n    points: 1\n    method:\n      all:\n        pass: present(单位名称)\n        message: 未举办\n",
        ),
    ]);
    let (status, _, stderr) = check(bad.path());
    assert_eq!(status, 2);
    let want = format!("--> {}/9-extra.yaml:7:23", bad.path().display());
    assert!(stderr.lines().any(|l| l.trim() == want), "{want}\n{stderr}");
}

/// A rule set can add a year to the working-day calendar (`calendar:` in ruleset.yaml): a 2030
/// rule set whose calendar makes 2030-01-02 a holiday. 成文 2030-01-01 (Tue) → 发布 2030-01-03
/// (Thu): working days after 01-01 are 01-03 only (01-02 is the declared holiday) → 1 ≤ 1,
/// on time, 2 points. With a 2030 calendar that declares only 10-01, 01-02 is a working day:
/// 01-02 and 01-03 → 2 > 1, late → 0 points. Without any 2030 calendar the rule set is refused
/// (`year-not-in-calendar`, exit 2).
#[test]
fn a_rule_set_calendar_adds_a_year() {
    let tmp = tempfile::TempDir::new().unwrap();
    let rules = tmp.path().join("rules-2030");
    std::fs::create_dir_all(&rules).unwrap();
    let ruleset = |calendar: &str| {
        format!(
            "id: county-test-2030\ntitle: 2030年测试规则集\nyear: 2030\n{calendar}max: 2\nbonus_cap: 0\n\
             grades:\n  - {{name: 合格, min: 1}}\n  - {{name: 不合格, min: 0}}\n\
             groups:\n  - {{id: \"一\", name: 一、测试, points: 2, file: 1.yaml}}\n\
             evidence:\n  ledgers:\n    主动公开:\n      required: {{标题: text, 成文日期: date, 发布日期: date}}\n"
        )
    };
    std::fs::write(
        rules.join("1.yaml"),
        "indicators:\n  - id: \"1.1\"\n    name: 时效\n    points: 2\n    source: 台账.主动公开\n    requires:\n      - {need: 台账.主动公开, what: 主动公开台账}\n    method:\n      deduct:\n        items: 台账.主动公开.filter(r => not (workdays(r.成文日期, r.发布日期) <= 1))\n        each: 2\n        message: \"{it.标题}逾期\"\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("日历-2030.csv"),
        "date,kind,festival\n2030-01-02,holiday,测试\n",
    )
    .unwrap();
    let bundle = tmp.path().join("zz镇-2030");
    std::fs::create_dir_all(bundle.join("台账")).unwrap();
    std::fs::write(
        bundle.join("bundle.yaml"),
        "单位: zz镇\n考核年度: 2030\n考核指标: county-test-2030\n报送日期: 2031-01-20\n台账:\n  主动公开: 台账/主动公开.csv\n",
    )
    .unwrap();
    std::fs::write(
        bundle.join("台账/主动公开.csv"),
        "标题,成文日期,发布日期\n通知,2030-01-01,2030-01-03\n",
    )
    .unwrap();
    let score = |bundle: &Path, rules: &Path| -> serde_json::Value {
        let out = kaohe()
            .args(["score", "--format", "json", "--rules"])
            .arg(rules)
            .arg(bundle)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };

    std::fs::write(
        rules.join("ruleset.yaml"),
        ruleset("calendar: 日历-2030.csv\n"),
    )
    .unwrap();
    let check = kaohe()
        .args(["rules", "check"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let a = score(&bundle, &rules);
    assert_eq!(a["indicators"][0]["score"], 2, "{a}");

    std::fs::write(
        rules.join("日历-2030.csv"),
        "date,kind,festival\n2030-10-01,holiday,国庆节\n",
    )
    .unwrap();
    let a = score(&bundle, &rules);
    assert_eq!(a["indicators"][0]["score"], 0, "{a}");

    std::fs::write(rules.join("ruleset.yaml"), ruleset("")).unwrap();
    let out = kaohe()
        .args(["score", "--rules"])
        .arg(&rules)
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2030"));
}

/// A copy of the `syntax` fixture with `pass:` (line 10 of 1.yaml) written as `pass`, and
/// `ruleset.yaml` edited by `edit`; `bom` puts a UTF-8 byte-order mark before 1.yaml.
fn broken(pass: &str, edit: (&str, &str), bom: bool) -> (tempfile::TempDir, String) {
    let tmp = tempfile::TempDir::new().unwrap();
    let from = Path::new(FIXTURES).join("syntax");
    let ruleset = std::fs::read_to_string(from.join("ruleset.yaml")).unwrap();
    assert!(ruleset.contains(edit.0), "{}", edit.0);
    std::fs::write(
        tmp.path().join("ruleset.yaml"),
        ruleset.replacen(edit.0, edit.1, 1),
    )
    .unwrap();
    let one = std::fs::read_to_string(from.join("1.yaml"))
        .unwrap()
        .replace("pass: count(rows >= 最少条数", &format!("pass: {pass}"));
    let one = if bom { format!("\u{feff}{one}") } else { one };
    std::fs::write(tmp.path().join("1.yaml"), one).unwrap();
    let (status, _, stderr) = check(tmp.path());
    assert_eq!(status, 2, "{stderr}");
    assert_messages_chinese(&stderr);
    (tmp, stderr)
}

/// `rules check` speaks plain Chinese for every kind of mistake: expression checker, YAML
/// parser, shapes serde reads; a byte-order mark changes no position (issue 12, issue 15).
#[test]
fn rules_check_speaks_plain_chinese() {
    let none = ("", "");
    // An expression the parser rejects: the token it found, in Chinese.
    let (_t, err) = broken("count(rows) >= >= 1", none, false);
    assert!(
        err.contains("错误[syntax]：这里应为一个值，实为`>=`"),
        "{err}"
    );
    // The whole condition has the wrong type: both types in words.
    let (_t, err) = broken("count(rows) + 1", none, false);
    assert!(
        err.contains("表达式应为真假值（bool），实为数字（number）：count(rows) + 1"),
        "{err}"
    );
    // An unknown function, with the one spelled alike.
    let (_t, err) = broken("cuont(rows) >= 1", none, false);
    assert!(
        err.contains("错误[unknown-function]：没有名为「cuont」的函数：是否为「count」？"),
        "{err}"
    );
    // YAML: an unclosed quote; the parser only says the indentation is wrong.
    let (t, err) = broken("\"count(rows) >= 1", none, false);
    assert!(err.contains("错误[yaml-syntax]：YAML 格式错误："), "{err}");
    assert!(
        err.contains("第10行的值以 \" 开头，到行尾没有配对的 \""),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {}/1.yaml:10:15", t.path().display())),
        "{err}"
    );
    // Shapes: a list where an expression goes (quote it), a year in words, a grade as text.
    let (_t, err) = broken("[1, 2]", none, false);
    assert!(err.contains("应为文字，实为列表"), "{err}");
    assert!(err.contains("请把整个表达式加引号"), "{err}");
    let (_t, err) = broken("count(rows) >= 1", ("year: 2021", "year: 二〇二一"), false);
    assert!(
        err.contains("错误[ruleset-shape]：year：应为整数，实为文字「二〇二一」"),
        "{err}"
    );
    let (_t, err) = broken(
        "count(rows) >= 1",
        ("  - {name: 合格, min: 60}", "  - 合格"),
        false,
    );
    assert!(
        err.contains("错误[ruleset-shape]：grades[0]：应为映射，实为文字「合格」"),
        "{err}"
    );
    // A byte-order mark (Notepad's UTF-8) is not a character of line 1: the syntax fixture's
    // position is unchanged.
    let (t, err) = broken("count(rows >= 最少条数", none, true);
    assert!(
        err.contains(&format!("--> {}/1.yaml:10:33", t.path().display())),
        "{err}"
    );
}

/// Every broken-rule fixture's messages and help lines are plain Chinese.
#[test]
fn every_broken_rule_fixture_speaks_plain_chinese() {
    for (code, _) in BROKEN {
        let (_, _, stderr) = check(&Path::new(FIXTURES).join(code));
        assert_messages_chinese(&stderr);
    }
    let out = kaohe().args(["rules", "codes"]).output().unwrap();
    let codes = String::from_utf8(out.stdout).unwrap();
    for line in codes.lines().filter(|l| l.starts_with("| `")) {
        assert!(english_in(line).is_none(), "{line}");
    }
    // The JSON Schema's descriptions show in an editor beside the keys.
    let out = kaohe().args(["rules", "schema"]).output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    fn descriptions(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("description" | "title", serde_json::Value::String(s)) => {
                            out.push(s.clone())
                        }
                        _ => descriptions(x, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| descriptions(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    descriptions(&schema, &mut all);
    assert!(all.len() > 20, "{all:?}");
    for d in all {
        assert!(english_in(&d).is_none(), "{d}");
    }
}

/// The carets of `rules check` underline the whole bad token — a name, a Chinese column name
/// (two columns of width per character), a key, a whole expression — and an expression written
/// as a block scalar (`|`, `>`) is pointed at exactly, on its own line and column.
#[test]
fn carets_underline_the_whole_token_and_block_scalars_are_exact() {
    let carets = |stderr: &str, source: &str| -> String {
        let lines: Vec<&str> = stderr.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.ends_with(source))
            .unwrap_or_else(|| panic!("no line {source:?} in\n{stderr}"));
        lines[i + 1].to_string()
    };
    // `cuont` at 1.yaml:10:15 (8 spaces, `pass: `): five carets under it.
    let (_, _, err) = check(&Path::new(FIXTURES).join("unknown-function"));
    let src = "pass: cuont(rows) >= 最少条数";
    assert_eq!(
        carets(&err, src),
        format!("   | {}^^^^^", " ".repeat(14)),
        "{err}"
    );
    // `成文日期` (4 characters, display width 8) at 1.yaml:7:43.
    let (_, _, err) = check(&Path::new(FIXTURES).join("unknown-column"));
    let line = err
        .lines()
        .find(|l| l.contains("r.成文日期"))
        .unwrap_or_else(|| panic!("{err}"));
    let caret_line = carets(&err, line);
    assert!(caret_line.ends_with(" ^^^^^^^^"), "{err}");
    // An unknown key: the whole key `meausre`, at 1.yaml:5:5.
    let (_, _, err) = check(&Path::new(FIXTURES).join("unknown-key"));
    assert_eq!(
        carets(&err, "meausre: 拼错的键"),
        format!("  | {}^^^^^^^", " ".repeat(4)),
        "{err}"
    );
    // The whole expression of the wrong type: `count(rows) + 1` is 15 characters.
    let (_t, err) = broken("count(rows) + 1", ("", ""), false);
    assert_eq!(
        carets(&err, "pass: count(rows) + 1"),
        format!("   | {}{}", " ".repeat(14), "^".repeat(15)),
        "{err}"
    );
    // A literal block scalar: `cuont` is on the block's second line (12), after 12 spaces
    // and `and ` (column 17).
    let (t, err) = broken(
        "|\n          count(rows) >= 1\n            and cuont(rows) > 0",
        ("", ""),
        false,
    );
    assert!(
        err.contains(&format!("--> {}/1.yaml:12:17", t.path().display())),
        "{err}"
    );
    assert_eq!(
        carets(&err, "and cuont(rows) > 0"),
        format!("   | {}^^^^^", " ".repeat(16)),
        "{err}"
    );
    // A folded block scalar (`>-`): its lines are joined by spaces in the value, and `cuont`
    // is still found on line 12.
    let (t, err) = broken(
        ">-\n          count(rows) >= 1\n            and cuont(rows) > 0",
        ("", ""),
        false,
    );
    assert!(
        err.contains(&format!("--> {}/1.yaml:12:17", t.path().display())),
        "{err}"
    );
}
