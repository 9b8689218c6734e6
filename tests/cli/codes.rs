//! Every diagnostic code of the one registry (`kaohe::diag::Code`) has its fixture, and every
//! fixture reports its code through the command line: a broken rule set (tests/cli/toolkit.rs
//! checks those, with positions), a bundle of the malformed corpus scored with
//! `--format json`, or a command line. The code is read where a user or a program sees it:
//! `problems[].code` in the JSON report, or `错误[code]` on standard error.

use std::path::Path;

use kaohe::diag::{Area, Code, Fixture};

use crate::harness::*;
use crate::hostile::{run_limited, setup};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What kaohe printed: the JSON report's problems (when stdout is one) and standard error.
fn seen(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems = serde_json::from_str::<serde_json::Value>(&stdout)
        .map(|j| j["problems"].to_string())
        .unwrap_or_default();
    format!("{problems}\n{stderr}")
}

fn reports(seen: &str, code: &str) -> bool {
    seen.contains(&format!("\"code\":\"{code}\"")) || seen.contains(&format!("[{code}]"))
}

#[test]
fn every_code_has_a_fixture_that_reports_it() {
    let mut failures = Vec::new();
    for code in Code::all() {
        let info = code.info().expect("registered");
        let out = match info.fixture {
            Fixture::Rules => {
                // Run (with positions) by toolkit::every_broken_rule_fixture_triggers_….
                let dir = Path::new(ROOT).join("fixtures/rules").join(info.code);
                assert!(dir.is_dir(), "{}: no {}", info.code, dir.display());
                continue;
            }
            Fixture::Absent(why) => {
                assert!(
                    !why.is_empty(),
                    "{}: say why there is no fixture",
                    info.code
                );
                continue;
            }
            Fixture::Bundle(case) => {
                let case_dir = Path::new(ROOT).join("fixtures/malformed").join(case);
                assert!(
                    case_dir.is_dir(),
                    "{}: no {}",
                    info.code,
                    case_dir.display()
                );
                let tmp = tempfile::TempDir::new().unwrap();
                let bundle = tmp.path().join("xx镇-2021");
                copy_dir(&case_dir.join("bundle"), &bundle);
                setup(case, &bundle);
                let mut cmd = kaohe();
                cmd.arg("score").arg(&bundle).args(["--format", "json"]);
                if case_dir.join("verdicts.yaml").is_file() {
                    cmd.arg("--verdicts").arg(case_dir.join("verdicts.yaml"));
                }
                run_limited(&mut cmd, info.code)
            }
            Fixture::Command(args) => {
                let mut cmd = kaohe();
                cmd.current_dir(ROOT).args(args);
                run_limited(&mut cmd, info.code)
            }
        };
        let seen = seen(&out);
        // What the user reads is plain Chinese: each problem's message in the JSON report and
        // every line on standard error.
        let messages = serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .ok()
            .and_then(|j| j["problems"].as_array().cloned())
            .unwrap_or_default();
        for m in messages.iter().filter_map(|p| p["message"].as_str()) {
            if let Some(phrase) = english_in(m) {
                failures.push(format!("{}: English «{phrase}» in {m}", info.code));
            }
        }
        for line in String::from_utf8_lossy(&out.stderr).lines() {
            if let Some(phrase) = english_in(line) {
                failures.push(format!("{}: English «{phrase}» in {line}", info.code));
            }
        }
        if !reports(&seen, info.code) {
            failures.push(format!(
                "{} ({:?}): not reported\n{seen}",
                info.code, info.fixture
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn codes_are_unique_within_an_area_and_kebab_case() {
    for area in Area::ALL {
        let mut seen = std::collections::BTreeSet::new();
        for code in area.codes() {
            let info = code.info().unwrap();
            assert!(seen.insert(info.code), "{}: twice in {area:?}", info.code);
            assert!(
                kaohe::diag::code::is_kebab(info.code)
                    || !info.code.contains('-')
                        && info.code.chars().all(|c| c.is_ascii_lowercase()),
                "{}",
                info.code
            );
            assert!(info.summary.ends_with('。'), "{}: one sentence", info.code);
            assert!(
                !info.help.is_empty() && !info.help.contains('\n'),
                "{}",
                info.code
            );
        }
    }
}

/// `kaohe rules codes` lists every code, area by area, in Chinese; docs/diagnostics.md is its
/// output.
#[test]
fn rules_codes_lists_every_code_and_matches_the_docs() {
    let out = kaohe().args(["rules", "codes"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for area in Area::ALL {
        assert!(text.contains(&format!("## {}", area.title())), "{area:?}");
    }
    for code in Code::all() {
        assert!(text.contains(&format!("| `{}` |", code.as_str())), "{code}");
    }
    // Data problems and command-line codes are listed too.
    for c in [
        "sheet-missing",
        "year-mismatch",
        "batch-empty",
        "verdicts-no-reason",
        "calendar-conflict",
    ] {
        assert!(text.contains(&format!("| `{c}` |")), "{c}");
    }
    let docs = std::fs::read_to_string(Path::new(ROOT).join("docs/diagnostics.md")).unwrap();
    assert_eq!(
        docs, text,
        "regenerate: cargo run -- rules codes > docs/diagnostics.md"
    );
}

/// One code in Chinese: its area, severity, what is wrong, what to do, where to see it; a
/// string that names a code in two areas shows both.
#[test]
fn rules_codes_explains_one_code() {
    let out = kaohe()
        .args(["rules", "codes", "bad-date"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("bad-date（表达式与消息模板（kaohe rules check），错误）"),
        "{text}"
    );
    assert!(
        text.contains("bad-date（报送材料（问题清单 problems[]），错误）"),
        "{text}"
    );
    assert!(text.contains("帮助：把日期写成 YYYY-MM-DD"), "{text}");
    let out = kaohe()
        .args(["rules", "codes", "year-mismatch"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("示例：kaohe score fixtures/xx-town-2021 --rules county-zwgk-2022"),
        "{text}"
    );
    let out = kaohe()
        .args(["rules", "codes", "no-such-code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("kaohe: 错误[unknown-code]：命令行：没有诊断代码「no-such-code」"),
        "{err}"
    );
}
