//! A loaded evidence bundle: no IO here, just what the loader found, typed by the rule set's
//! evidence declaration.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use jiff::civil::Date;

use crate::diag::Problem;
use crate::expr::Files;
use crate::value::{Doc, Record, Rows, Table, Value};

/// The four required manifest keys plus 上级单位.
#[derive(Clone, Debug)]
pub struct ManifestHeader {
    pub unit: String,
    pub parent: Option<String>,
    pub year: i32,
    pub ruleset: String,
    pub submitted: Date,
}

/// A usable ledger: every required column was found once in the header.
#[derive(Debug)]
pub struct Ledger {
    /// The manifest key under `台账` (e.g. `主动公开`).
    pub name: String,
    /// Path relative to the bundle, `/`-separated.
    pub file: String,
    /// Worksheet name for XLSX/XLS.
    pub sheet: Option<String>,
    /// Declared columns (required, then optional) in declaration order; `cells` follow it.
    pub columns: Vec<String>,
    /// Which declared optional columns were absent from the file.
    pub absent: Vec<String>,
    pub rows: Vec<LedgerRow>,
    index: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct LedgerRow {
    /// Row number as a spreadsheet shows it (header on row 1 → first data row 2).
    pub number: u32,
    /// One value per declared column, typed; empty or unreadable cells are `Null`.
    pub cells: Vec<Value>,
}

impl Ledger {
    pub fn new(
        name: String,
        file: String,
        sheet: Option<String>,
        columns: Vec<String>,
        absent: Vec<String>,
        rows: Vec<LedgerRow>,
    ) -> Self {
        let index = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        Ledger {
            name,
            file,
            sheet,
            columns,
            absent,
            rows,
            index,
        }
    }

    pub fn column_index(&self, column: &str) -> Option<usize> {
        self.index.get(column).copied()
    }
}

/// A document named under `文档` whose file exists in the bundle.
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub file: String,
    /// Text for text checks (comments/script/style and tags removed, entities decoded, every
    /// whitespace character removed); `None` when the type is not readable (.pdf, images).
    pub text: Option<String>,
    /// Tables in document order (GFM pipe tables and HTML tables, a .txt's or .pdf's
    /// plain-text table); empty when unreadable.
    pub tables: Vec<Table>,
    /// The document's lines as indicators.md "标题的认定" defines them per format (md/txt
    /// lines, HTML blocks with inline tags removed, .docx paragraphs, PDF text lines), entities
    /// decoded, trimmed, empty ones dropped; empty when unreadable.
    pub lines: Vec<String>,
    /// The manifest fields of the entry (发布日期, 链接, ...), typed.
    pub fields: Vec<(Arc<str>, Value)>,
}

impl Rows for Ledger {
    fn file(&self) -> &str {
        &self.file
    }
    fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }
    fn number(&self, index: usize) -> u32 {
        self.rows[index].number
    }
    fn column_at(&self, position: usize) -> Option<&str> {
        self.columns.get(position).map(String::as_str)
    }
    fn column_index(&self, name: &str) -> Option<usize> {
        Ledger::column_index(self, name)
    }
    fn cell_at(&self, index: usize, position: usize) -> Option<&Value> {
        self.rows.get(index)?.cells.get(position)
    }
}

impl Doc for Document {
    fn file(&self) -> &str {
        &self.file
    }
    fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
    fn lines(&self) -> &[String] {
        &self.lines
    }
    fn tables(&self) -> &[Table] {
        &self.tables
    }
    fn field(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v)
    }
}

/// What became of a path the manifest names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// A regular file inside the bundle, read and hashed.
    Ok { sha256: String },
    /// Not there.
    Missing,
    /// Absolute, leaves the bundle via `..` or a symlink: never opened.
    Refused,
    /// A folder, FIFO, device... where a file should be.
    NotAFile,
    /// Could not be read (permissions, IO error).
    Unreadable,
}

impl FileStatus {
    pub fn is_ok(&self) -> bool {
        matches!(self, FileStatus::Ok { .. })
    }

    /// The JSON `status` word for a non-ok file.
    pub fn word(&self) -> &'static str {
        match self {
            FileStatus::Ok { .. } => "ok",
            FileStatus::Missing => "missing",
            FileStatus::Refused => "refused",
            FileStatus::NotAFile => "not-a-file",
            FileStatus::Unreadable => "unreadable",
        }
    }
}

/// Everything read from one bundle.
#[derive(Debug)]
pub struct Evidence {
    /// The folder (or zip) name, e.g. `xx镇-2021`.
    pub bundle: String,
    pub header: ManifestHeader,
    /// The declared manifest keys (自查申报, 组织保障, ...) as a `Value::Record`; an absent or
    /// malformed key is `Null`.
    pub manifest: Value,
    /// Usable ledgers by manifest name. An unusable or absent ledger is not here.
    pub ledgers: BTreeMap<String, Arc<Ledger>>,
    /// Documents whose file exists, by manifest name.
    pub documents: BTreeMap<String, Arc<Document>>,
    /// Every path the manifest names (normalised, `/`-separated, relative to the bundle), plus
    /// `bundle.yaml`; the key is the path as written after normalisation.
    pub files: BTreeMap<String, FileStatus>,
    pub problems: Vec<Problem>,
    /// YAML line of each manifest key path (`组织保障.制度[2].文件`, 1-based list indexes), so a
    /// problem found later about a manifest value can name its line.
    pub key_lines: BTreeMap<String, u32>,
    /// `台账.主动公开` / `文档.年度报告` → the normalised path the manifest names, also when the
    /// file is missing, refused or unusable (so 缺材料 findings can cite it).
    pub named_paths: BTreeMap<String, String>,
    /// Manifest list key path (`安全事件`, `组织保障.制度`) → the 1-based place in bundle.yaml of
    /// each item the list value holds (empty or malformed items are dropped from the value).
    pub list_items: BTreeMap<String, Vec<usize>>,
}

impl Evidence {
    /// The path the manifest gives for `台账.X` / `文档.X`, when it names one.
    pub fn manifest_path(&self, section: &str, name: &str) -> Option<String> {
        self.named_paths.get(&format!("{section}.{name}")).cloned()
    }

    /// Where a record of a manifest list is written: its list's key path and its 1-based
    /// place in bundle.yaml (`("安全事件", 3)` for the third item as written, though an empty
    /// item above it was dropped from the value). `None` for a record not from a manifest list.
    pub fn manifest_item(&self, record: &Arc<Record>) -> Option<(String, usize)> {
        type Items = BTreeMap<String, Vec<usize>>;
        fn written(items: &Items, path: &str, kept: usize) -> Option<usize> {
            items.get(path)?.get(kept).copied()
        }
        // One path buffer, extended on the way down and cut back on the way up: the search
        // visits the whole manifest, and a string per step was most of its cost.
        fn find(
            items: &Items,
            v: &Value,
            path: &mut String,
            target: &Arc<Record>,
        ) -> Option<(String, usize)> {
            match v {
                Value::List(list) => {
                    for (i, it) in list.iter().enumerate() {
                        let Some(at) = written(items, path, i) else {
                            continue;
                        };
                        if let Value::Record(r) = it
                            && Arc::ptr_eq(r, target)
                        {
                            return Some((path.clone(), at));
                        }
                        let len = path.len();
                        let _ = write!(path, "[{at}]");
                        let found = find(items, it, path, target);
                        path.truncate(len);
                        if found.is_some() {
                            return found;
                        }
                    }
                    None
                }
                Value::Record(r) => {
                    for (k, v) in &r.fields {
                        let len = path.len();
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(k);
                        let found = find(items, v, path, target);
                        path.truncate(len);
                        if found.is_some() {
                            return found;
                        }
                    }
                    None
                }
                _ => None,
            }
        }
        find(&self.list_items, &self.manifest, &mut String::new(), record)
    }

    /// "文件存在于材料中": the path lies inside the bundle, is a regular file, was not refused.
    pub fn file_exists(&self, path: &str) -> bool {
        let path = normalize_manifest_path(path);
        self.files.get(&path).is_some_and(FileStatus::is_ok)
    }
}

impl Files for Evidence {
    fn file_exists(&self, path: &str) -> bool {
        Evidence::file_exists(self, path)
    }
}

/// Manifest paths may use `\`; they mean `/`. Leading `./` is dropped.
pub fn normalize_manifest_path(path: &str) -> String {
    let p = path.trim().replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if p.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}
