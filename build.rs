//! Embeds every shipped rule set (`rules/<id>/`, its YAML files and calendar CSVs) into the binary so that
//! `kaohe score` works outside the source tree.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let rules = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut sets: Vec<(String, Vec<String>)> = Vec::new();
    if let Ok(entries) = fs::read_dir(rules) {
        for entry in entries.flatten() {
            let dir = entry.path();
            if !dir.is_dir() {
                continue;
            }
            let id = entry.file_name().to_string_lossy().into_owned();
            let mut files = Vec::new();
            collect_yaml(&dir, &dir, &mut files);
            files.sort();
            sets.push((id, files));
        }
    }
    sets.sort();
    let mut out = String::from("static BUILTIN_RULESETS: &[(&str, &[(&str, &str)])] = &[\n");
    for (id, files) in &sets {
        writeln!(out, "    ({id:?}, &[").unwrap();
        for file in files {
            let abs = fs::canonicalize(rules.join(id).join(file)).unwrap();
            writeln!(
                out,
                "        ({file:?}, include_str!({:?})),",
                abs.display()
            )
            .unwrap();
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    fs::write(dest, out).unwrap();
}

fn collect_yaml(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            // Rule-set test bundles are not part of the rules.
            if entry.file_name() != "tests" {
                collect_yaml(root, &path, out);
            }
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "csv")
        {
            let rel = path.strip_prefix(root).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
