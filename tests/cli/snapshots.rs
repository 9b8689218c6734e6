//! Whole reports of `kaohe score` on the seed township, one snapshot per output format
//! (`tests/cli/snapshots/*.snap`, committed), so that a changed byte anywhere in a report shows
//! up in review. The numbers themselves are checked by hand elsewhere (seed.rs, EXPECTED.md);
//! these pin everything else: wording, order, layout, escaping.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test cli snapshots` (or
//! `cargo insta review`), then read the diff of the `.snap` files before committing them.
//! The outputs hold no date (no `--stamp`) and no machine path (the bundle is named relative to
//! the repository), so they are the same on every machine.

use std::path::Path;
use std::process::Output;

use calamine::{Data, Reader, Xlsx, open_workbook};
use tempfile::TempDir;

use crate::harness::kaohe;

/// `kaohe score fixtures/xx-town-2021 ARGS…`, run from the repository root.
fn score(args: &[&str]) -> Output {
    let o = kaohe()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["score", "fixtures/xx-town-2021"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn text(format: &str) -> String {
    String::from_utf8(score(&["--format", format]).stdout).unwrap()
}

#[test]
fn snapshot_table() {
    insta::assert_snapshot!("score_table", text("table"));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("score_json", text("json"));
}

#[test]
fn snapshot_jsonl() {
    insta::assert_snapshot!("score_jsonl", text("jsonl"));
}

#[test]
fn snapshot_csv() {
    // The BOM (for Excel) is part of the bytes: shown as \u{feff} so the snapshot says so.
    insta::assert_snapshot!("score_csv", text("csv").replace('\u{feff}', "\\u{feff}"));
}

#[test]
fn snapshot_md() {
    insta::assert_snapshot!("score_md", text("md"));
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!("score_html", text("html"));
}

/// The workbook as text: each sheet, then each non-empty cell as `A1 = value` (with its type
/// when it is not text), in row order.
#[test]
fn snapshot_xlsx() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("seed.xlsx");
    score(&["-o", out.to_str().unwrap()]);
    insta::assert_snapshot!("score_xlsx", xlsx_cells(&out));
}

fn xlsx_cells(path: &Path) -> String {
    use std::fmt::Write;
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = String::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        let _ = writeln!(out, "== {sheet}");
        let (top, left) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_name(left as usize + c), top as usize + r + 1);
                let shown = match cell {
                    Data::Empty => continue,
                    Data::String(s) => s.replace('\n', "\\n"),
                    Data::Float(f) => format!("{f} (number)"),
                    Data::Int(i) => format!("{i} (number)"),
                    Data::Bool(b) => format!("{b} (bool)"),
                    other => format!("{other} ({other:?})"),
                };
                let _ = writeln!(out, "{at} = {shown}");
            }
        }
    }
    out
}

/// 0 → A, 25 → Z, 26 → AA.
fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap()
}
