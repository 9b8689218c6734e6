//! Rule sets: the first byte picks one file of the built-in county-zwgk-2021, the rest
//! replaces its text; the whole set is compiled (YAML, expressions, checks, budgets).
#![no_main]
use kaohe::load::rules::{RuleFiles, compile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut files = RuleFiles::builtin("county-zwgk-2021").unwrap();
    let names: Vec<String> = files.files.keys().cloned().collect();
    let name = &names[sel as usize % names.len()];
    files.files.insert(name.clone(), text.to_string());
    let _ = compile(&files);
});
