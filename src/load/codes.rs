//! Every problem code the loader emits, with its severity and what it means: one registry so
//! codes stay unique, kebab-case and documented (STYLE.md habit 1).

use crate::diag::Severity::{self, Error, Warning};

/// Notices that say how a ledger was read (an alias, a township's mapping, an HTML table saved
/// as .xls): every report shows them, even one that lists no other problems (CSV).
pub const READING_NOTES: &[&str] = &[
    "column-alias",
    "column-mapping",
    "value-vocabulary",
    "value-mapping",
    "ledger-read-as-html",
    "ledger-read-as-text",
];

/// (code, usual severity, one sentence). Fatal codes stop the run (exit 2).
pub const CODES: &[(&str, Severity, &str)] = &[
    // Opening the bundle (fatal).
    (
        "bundle-not-found",
        Error,
        "fatal: the BUNDLE path does not exist",
    ),
    (
        "bundle-not-folder",
        Error,
        "fatal: the BUNDLE is neither a folder nor a .zip",
    ),
    (
        "bundle-unreadable",
        Error,
        "fatal: the bundle folder cannot be read",
    ),
    (
        "manifest-missing",
        Error,
        "fatal: the folder has no bundle.yaml",
    ),
    (
        "manifest-unreadable",
        Error,
        "fatal: bundle.yaml is not a readable regular file inside the folder",
    ),
    (
        "manifest-not-mapping",
        Error,
        "fatal: bundle.yaml is empty or not a mapping",
    ),
    (
        "missing-required-key",
        Error,
        "fatal: 单位, 考核年度, 考核指标 or 报送日期 is missing or empty",
    ),
    (
        "bad-required-key",
        Error,
        "fatal: 单位, 考核年度, 考核指标 or 报送日期 cannot be read",
    ),
    (
        "unit-type-missing",
        Error,
        "fatal: the rule set gives points by unit type (`unit_type:`) and bundle.yaml does not say the unit's type",
    ),
    (
        "unit-type-unknown",
        Error,
        "fatal: bundle.yaml's unit type is not one of the values the rule set's `unit_type:` lists",
    ),
    // YAML (fatal for bundle.yaml).
    (
        "yaml-syntax",
        Error,
        "malformed YAML, with hints for a full-width colon or tab indentation",
    ),
    (
        "yaml-too-large",
        Error,
        "aliases expand the document past 2,000,000 nodes",
    ),
    (
        "yaml-too-deep",
        Error,
        "mappings and lists nest deeper than 128 levels",
    ),
    (
        "duplicate-key",
        Error,
        "the same key twice in one mapping (both lines named)",
    ),
    // Manifest values.
    (
        "wrong-shape",
        Error,
        "a manifest value of the wrong shape; the key counts as absent",
    ),
    (
        "unknown-key",
        Warning,
        "a manifest key the rule set does not declare",
    ),
    (
        "unknown-ledger",
        Warning,
        "a ledger under 台账 the rule set does not use (still hashed)",
    ),
    (
        "unknown-document",
        Warning,
        "a document under 文档 the rule set does not use (still hashed)",
    ),
    (
        "missing-file-key",
        Warning,
        "a 文档 entry without 文件: treated as not handed in",
    ),
    (
        "bad-encoding-label",
        Error,
        "编码: names an encoding we do not read; the ledger is unusable",
    ),
    // Files.
    (
        "file-missing",
        Warning,
        "a path the manifest names does not exist",
    ),
    (
        "path-refused",
        Error,
        "a path is absolute, leaves the bundle or links outside it; never opened",
    ),
    (
        "not-a-file",
        Error,
        "a folder, FIFO or device where a file should be",
    ),
    (
        "file-unreadable",
        Error,
        "a regular file that cannot be read",
    ),
    (
        "bad-encoding",
        Error,
        "a file is not UTF-8, UTF-16 with BOM or GBK/GB18030 (or not the forced encoding)",
    ),
    // Ledgers.
    (
        "corrupt-file",
        Error,
        "文件已损坏: a workbook, .docx or zip member that cannot be parsed (or whose parser panicked), or that would inflate past the size cap",
    ),
    (
        "sheet-missing",
        Error,
        "the workbook has no worksheet named by 工作表:; the ledger is unusable",
    ),
    (
        "unsupported-ledger-format",
        Error,
        "a ledger file type other than CSV/TSV/TXT/XLSX",
    ),
    (
        "csv-error",
        Error,
        "the CSV cannot be parsed; the ledger is unusable",
    ),
    ("empty-ledger", Error, "the ledger has no rows"),
    (
        "missing-column",
        Error,
        "a required column is not in the header; the ledger is unusable",
    ),
    (
        "duplicate-column",
        Error,
        "a column twice in the header (unusable when required; warning when optional)",
    ),
    (
        "ambiguous-header",
        Error,
        "a header cell names two columns (by name, rule-set alias or 列名对照); the ledger is unusable",
    ),
    (
        "mapping-unknown-column",
        Error,
        "bundle.yaml's 列名对照 maps a header to a column the ledger does not have; the ledger is unusable",
    ),
    (
        "mapping-unused",
        Warning,
        "a 列名对照 entry whose header is not in the ledger's header row, or a 栏目对照 when the rule set declares no vocabulary",
    ),
    (
        "mapping-overridden",
        Warning,
        "a 栏目对照 entry for a value the rule set's vocabulary already maps otherwise; not applied",
    ),
    (
        "ledger-read-as-html",
        Warning,
        "提示: an .xls file that is really an HTML table, read as that table (error when it holds no table)",
    ),
    (
        "ledger-read-as-text",
        Warning,
        "提示: an .xls file that is really tab-separated text, read as text",
    ),
    (
        "absent-column-read",
        Warning,
        "an optional column an indicator reads is not in the ledger (every row reads it as empty)",
    ),
    (
        "column-alias",
        Warning,
        "提示: a header read as a declared column by the rule set's alias (once per ledger and column)",
    ),
    (
        "column-mapping",
        Warning,
        "提示: a header read as a declared column by the township's 列名对照 (once per ledger and column)",
    ),
    (
        "value-vocabulary",
        Warning,
        "提示: a value counted as another by the rule set's vocabulary (once per ledger and value)",
    ),
    (
        "value-mapping",
        Warning,
        "提示: a value counted as another by the township's 栏目对照 (once per ledger and value)",
    ),
    (
        "rows-above-header",
        Warning,
        "rows above the header (a title) were ignored",
    ),
    ("totals-row", Warning, "a 合计/总计/小计 row was skipped"),
    (
        "extra-cells",
        Warning,
        "cells beyond the header were ignored (once per ledger)",
    ),
    (
        "file-too-large",
        Error,
        "a ledger file is over 64 MiB: hashed, its content not read; the ledger is unusable",
    ),
    (
        "ledger-too-large",
        Error,
        "a CSV ledger holds more than 5,000,000 non-empty cells; the ledger is unusable",
    ),
    (
        "many-bad-cells",
        Error,
        "a column has more than 200 unreadable cells; the rest are counted, not listed",
    ),
    (
        "formula-without-value",
        Warning,
        "an XLSX formula cell has no saved result; it reads as empty",
    ),
    (
        "empty-document",
        Warning,
        "a readable document (.docx) holds no text and no table at all",
    ),
    (
        "same-file-twice",
        Warning,
        "two manifest entries with different paths name one file (a symbolic link or ..)",
    ),
    (
        "table-too-large",
        Error,
        "a document's (or HTML ledger's) tables exceed the cell cap (all tables of the file together); the rest was not read",
    ),
    (
        "cells-outside-sheet",
        Warning,
        "XLSX cells beyond Excel's 1,048,576 x 16,384 grid were ignored",
    ),
    (
        "bad-date",
        Error,
        "a value that is not a date; counts as empty",
    ),
    (
        "bad-count",
        Error,
        "a value that is not a non-negative whole number; counts as empty",
    ),
    (
        "bad-decimal",
        Error,
        "a value declared `decimal` that is not a number; counts as empty",
    ),
    (
        "count-above-max",
        Error,
        "a count above its declared maximum; counts as empty",
    ),
    (
        "bad-flag",
        Error,
        "a flag that is neither 是 nor 否; counts as 否",
    ),
    // Documents.
    (
        "unreadable-document",
        Warning,
        "已报送但无法读取: a document type whose text is not read (.pdf, images)",
    ),
    (
        "table-cell-unreadable",
        Error,
        "a table cell an equation reads (6.3's Table 3) is neither empty, a placeholder nor a whole number; the equations that need it do not hold",
    ),
];

pub fn is_known(code: &str) -> bool {
    CODES.iter().any(|(c, _, _)| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for (code, _, doc) in CODES {
            assert!(seen.insert(*code), "duplicate {code}");
            assert!(
                code.split('-').all(|part| !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{code}"
            );
            assert!(!doc.is_empty());
        }
    }

    /// Every kebab-case string literal in the loader's sources is a registered code (or one of
    /// the few other kebab-case literals, such as encoding labels).
    #[test]
    fn every_emitted_code_is_registered() {
        const NOT_CODES: [&str; 5] = [
            "utf-8",
            "utf-16",
            "utf-16le",
            "utf-16be",
            "county-zwgk-2021",
        ];
        let sources = [
            include_str!("mod.rs"),
            include_str!("fs.rs"),
            include_str!("decode.rs"),
            include_str!("xlsx.rs"),
            include_str!("docx.rs"),
            include_str!("zip.rs"),
            include_str!("yaml.rs"),
            include_str!("manifest.rs"),
            include_str!("values.rs"),
            include_str!("ledger.rs"),
            include_str!("document.rs"),
            include_str!("tables.rs"),
        ];
        for src in sources {
            for lit in src.split('"').skip(1).step_by(2) {
                let kebab = lit.contains('-')
                    && lit.as_bytes()[0].is_ascii_lowercase()
                    && lit.split('-').all(|p| {
                        !p.is_empty()
                            && p.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    });
                if kebab && !NOT_CODES.contains(&lit) {
                    assert!(is_known(lit), "unregistered code {lit}");
                }
            }
        }
    }
}
