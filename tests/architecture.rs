//! The module boundaries of docs/architecture.md, checked against the code.
//!
//! 1. Arrows: every `crate::X` a top-level module of `src/` names (in `use` or in a path) must
//!    be in that module's row of the table under `<!-- arrows: module | may name -->` in
//!    docs/architecture.md, and every arrow of the table must still be used, so the picture
//!    stays exact. Test modules (`tests.rs`, and a file's trailing `#[cfg(test)] mod tests`)
//!    are left out: they may build the real host's data to test a lower layer with.
//! 2. Only `load` reads input files: `cli` opens no file for reading and lists no folder,
//!    except where `CLI_READS` says why.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// `cli` calls that read input (files, folders, their metadata). `output.rs` writes reports
/// (and reads back nothing of the user's); the rest must go through `load`.
const READS: &[&str] = &[
    "fs::read(",
    "fs::read_to_string(",
    "fs::read_dir(",
    "File::open(",
    "fs::metadata(",
];

/// Where `cli` still reads, each with its reason. Every entry is (file under src/cli, call).
const CLI_READS: &[(&str, &str, &str)] = &[
    // `kaohe batch -o` spools each township's rendered text to a scratch file of its own and
    // copies it into the output: the command's own output, not an input.
    ("batch.rs", "File::open(", "reads back its own spool file"),
    // `kaohe init` refuses to write into a folder that is not empty: the output's place.
    (
        "init.rs",
        "fs::read_dir(",
        "checks that the folder it creates is empty",
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules: `src/x.rs` and `src/x/`, without lib.rs and main.rs.
fn modules() -> BTreeSet<String> {
    fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            (p.is_dir() || p.extension().is_some_and(|e| e == "rs")).then_some(name)
        })
        .filter(|n| n != "lib" && n != "main")
        .collect()
}

/// The code of a file as the build sees it outside tests: comments removed (line comments
/// outside string literals), and everything from a trailing `#[cfg(test)]` + `mod tests` on.
fn code(text: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .get(i + 1)
                .is_some_and(|n| n.trim_start().starts_with("mod tests"))
        {
            break;
        }
        out.push_str(strip_comment(line));
        out.push('\n');
    }
    out
}

fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// The top-level names after each `crate::` (`crate::a::b` → a; `crate::{a::x, b}` → a, b).
fn named(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        // `$crate::` is a macro's own crate, not an arrow.
        let before = &rest[..at];
        rest = &rest[at + "crate::".len()..];
        if before.ends_with('$') || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                    _ if depth == 1 => item.push(c),
                    _ => {}
                }
            }
            items.push(item);
            for item in items {
                let head: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() {
                    out.push(head);
                }
            }
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(head);
        }
    }
    out
}

/// module → the modules its row in docs/architecture.md lets it name.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let start = doc
        .find("<!-- arrows: module | may name -->")
        .expect("docs/architecture.md has the arrows table");
    let mut out = BTreeMap::new();
    for line in doc[start..].lines().skip(1) {
        if !line.starts_with('|') {
            if out.is_empty() {
                continue;
            }
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() < 2 || !cells[0].starts_with('`') {
            continue;
        }
        let targets: BTreeSet<String> = cells[1]
            .split(',')
            .map(|t| t.trim().trim_matches('`').to_string())
            .filter(|t| !t.is_empty() && t != "—")
            .collect();
        for m in cells[0].split(',') {
            out.insert(m.trim().trim_matches('`').to_string(), targets.clone());
        }
    }
    out
}

#[test]
fn arrows_between_modules_are_the_documented_ones() {
    let modules = modules();
    let allowed = allowed();
    let undocumented: Vec<&String> = modules
        .iter()
        .filter(|m| !allowed.contains_key(*m))
        .collect();
    assert!(
        undocumented.is_empty(),
        "docs/architecture.md's arrows table has no row for {undocumented:?}"
    );
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    // module → target → files naming it
    let mut used: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(src()).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if !modules.contains(&top) || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = fs::read_to_string(file).unwrap();
        for target in named(&code(&text)) {
            if target != top && modules.contains(&target) {
                used.entry(top.clone())
                    .or_default()
                    .entry(target)
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    let mut wrong = Vec::new();
    for (module, targets) in &used {
        for (target, files) in targets {
            if !allowed[module].contains(target) {
                wrong.push(format!("{module} → {target} (in {files:?})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows that docs/architecture.md does not allow (move the code, or change the picture \
         and its table together):\n{}",
        wrong.join("\n")
    );
    let mut stale = Vec::new();
    for (module, targets) in &allowed {
        for target in targets {
            if !used.get(module).is_some_and(|t| t.contains_key(target)) {
                stale.push(format!("{module} → {target}"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/architecture.md allows arrows no code uses any more (remove them):\n{}",
        stale.join("\n")
    );
}

#[test]
fn only_load_reads_input_files() {
    let mut files = Vec::new();
    rust_files(&src().join("cli"), &mut files);
    let mut found = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(src().join("cli"))
            .unwrap()
            .display()
            .to_string();
        if rel == "output.rs" || rel.ends_with("tests.rs") {
            continue;
        }
        let code = code(&fs::read_to_string(file).unwrap());
        for call in READS {
            if code.contains(call) && !CLI_READS.iter().any(|(f, c, _)| *f == rel && c == call) {
                found.push(format!("src/cli/{rel}: {call}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "cli reads input itself; only load opens input files:\n{}",
        found.join("\n")
    );
    for (file, call, why) in CLI_READS {
        let text = fs::read_to_string(src().join("cli").join(file)).unwrap();
        assert!(
            code(&text).contains(call),
            "CLI_READS lists {file}: {call} ({why}), which the code no longer does: remove it"
        );
    }
}

/// The scanner itself, on what it must and must not count.
#[test]
fn the_scanner_reads_paths_groups_and_skips_comments() {
    let text = "use crate::model::x;\nuse crate::{load::y, score};\n// crate::report\nlet s = \"a // b\"; crate::expr::f();\n$crate::diag\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    let names = named(&code(text));
    assert_eq!(names, ["model", "load", "score", "expr"]);
}
