//! Rule expressions, compiled and evaluated: the input (UTF-8) becomes a shared `let` of the
//! built-in county-zwgk-2021 (`fz: <input>`), the whole rule set is compiled, and when it
//! compiles the seed bundle (fixtures/xx-town-2021, loaded once) is scored under the
//! evaluation budget (`kaohe::budget`), as `kaohe score` does: every shared `let` is evaluated,
//! so the expression runs against real ledgers, documents and the manifest.
//!
//! The budget here: 10,000,000 steps (a tenth of `EVALUATION_STEPS`, so a costly input takes
//! well under a second and the fuzzer keeps its pace), 1 GiB, 15 s — below libFuzzer's
//! `-timeout=20`, so a timeout is an evaluation that does not poll the budget.
#![no_main]
use kaohe::budget::{self, Limits};
use kaohe::calendar::Calendar;
use kaohe::load::rules::{RuleFiles, compile};
use kaohe::model::evidence::Evidence;
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

#[global_allocator]
static ALLOC: budget::CountingAlloc = budget::CountingAlloc;

thread_local! {
    static SEED: (RuleFiles, Evidence) = {
        let files = RuleFiles::builtin("county-zwgk-2021").unwrap();
        let rules = compile(&files).unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/xx-town-2021");
        let bundle = kaohe::load::open_bundle(std::path::Path::new(dir)).unwrap();
        let evidence = bundle.load(&rules.evidence);
        (files, evidence)
    };
}

/// The input as a YAML double-quoted scalar (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{85}' || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    SEED.with(|(files, evidence)| {
        let mut files = files.clone();
        let Some(ruleset) = files.files.get_mut("ruleset.yaml") else {
            return;
        };
        let Some(at) = ruleset.find("\nlet:\n") else {
            return;
        };
        ruleset.insert_str(at + "\nlet:\n".len(), &format!("  fz: {}\n", quoted(src)));
        let Ok(rules) = compile(&files) else {
            return;
        };
        budget::start(Limits {
            time: Duration::from_secs(15),
            memory_bytes: 1 << 30,
            steps: 10_000_000,
        });
        let a = kaohe::score::score(&rules, evidence, None, &Calendar::builtin());
        let _ = budget::stop();
        let _ = kaohe::report::json::render(&a);
    });
});
