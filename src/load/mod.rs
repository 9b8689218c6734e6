//! The only module that opens files: bundles (a folder or a .zip), the manifest, ledgers,
//! documents, rule sets and verdict files.
//!
//! Public contract (keep these signatures):
//! - `open_bundle(path) -> Result<OpenBundle, Fatal>` reads and checks `bundle.yaml` far enough
//!   to know the four required keys (exit 2 when they are missing or malformed);
//! - `OpenBundle::load(self, &EvidenceDecl) -> Evidence` reads everything else the rule set
//!   declares; it never fails: every problem becomes a `Problem` in `Evidence::problems`.
//!
//! The pipeline, one file each: `fs` (path safety, read once, SHA-256) → `decode` (bytes →
//! text) → `yaml` (position-aware tree) → `manifest` (header, typed keys, 台账/文档 entries) →
//! `ledger` (rows → typed `Ledger`) and `document` (text and `tables`).

// Problems are returned by value on cold error paths (a bad manifest stops the run once), so the
// size of `Problem` in `Result::Err` does not matter; boxing would only obscure the API.
#![allow(clippy::result_large_err)]

pub mod decode;
pub mod document;
pub mod docx;
pub mod fs;
pub mod guard;
pub(crate) mod inputs;
pub mod ledger;
pub mod lines;
pub mod manifest;
pub mod pdf;
pub mod rules;
pub(crate) mod stored;
pub mod tables;
pub mod values;
pub mod verdicts;
pub mod xlsx;
pub mod yaml;
pub mod yaml_de;
pub mod zip;

#[cfg(test)]
mod tests;

use crate::diag::DataCode;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{self, Fatal, Problem};
use crate::model::evidence::{Evidence, FileStatus, ManifestHeader};
use crate::model::schema::EvidenceDecl;
use crate::value::{Record, Value};

use fs::{BundleFs, Fetched};
use manifest::{FIXED_KEYS, MANIFEST, Typer};
use yaml::Node;

/// A bundle whose manifest header has been read.
pub struct OpenBundle {
    /// The folder (or zip) name, e.g. `xx镇-2021`.
    pub name: String,
    /// The folder on disk (for refusing `-o` paths inside it).
    pub root: PathBuf,
    pub header: ManifestHeader,
    fs: BundleFs,
    manifest: Node,
    manifest_sha256: String,
}

fn fatal(code: DataCode, file: &str, message: impl Into<String>) -> Fatal {
    Fatal::one(Problem::error(file, code, message))
}

pub fn open_bundle(path: &Path) -> Result<OpenBundle, Fatal> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        // Only a path that is not there is "not found"; a folder kaohe may not read is said so.
        let what = if e.kind() == std::io::ErrorKind::NotFound {
            "找不到报送材料"
        } else {
            "无法打开报送材料"
        };
        fatal(
            DataCode::BundleNotFound,
            &shown,
            format!("{what}「{shown}」：{}", crate::diag::os_error(&e)),
        )
    })?;
    let (name, root, bfs) = if meta.is_file() {
        let is_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if !is_zip {
            return Err(fatal(
                DataCode::BundleNotFolder,
                &shown,
                "报送材料应是一个文件夹（内含 bundle.yaml）或 .zip 文件",
            ));
        }
        open_zip(path, &shown, meta.len())?
    } else {
        open_folder(path, &shown, &meta)?
    };
    read_manifest(name, root, bfs)
}

/// Read and check `bundle.yaml` from a bundle's file source.
fn read_manifest(name: String, root: PathBuf, mut bfs: BundleFs) -> Result<OpenBundle, Fatal> {
    let (_, fetched) = bfs.fetch(MANIFEST);
    let bytes = match (&fetched.status, &fetched.bytes) {
        (FileStatus::Ok { .. }, Some(b)) => b.clone(),
        (FileStatus::Missing, _) => {
            return Err(fatal(
                DataCode::ManifestMissing,
                MANIFEST,
                format!("报送材料「{name}」中没有 bundle.yaml：每份报送材料都要有这个清单文件"),
            ));
        }
        _ => {
            return Err(fatal(
                DataCode::ManifestUnreadable,
                MANIFEST,
                format!("无法读取 bundle.yaml：{}", fetched.reason),
            ));
        }
    };
    let manifest_sha256 = match &fetched.status {
        FileStatus::Ok { sha256 } => sha256.clone(),
        _ => String::new(),
    };
    let text = decode::decode(&bytes, None, false)
        .map_err(|m| {
            fatal(
                DataCode::BadEncoding,
                MANIFEST,
                format!("bundle.yaml {m}：{}", decode::SAVE_AS_HINT),
            )
        })?
        .text;
    let manifest = yaml::parse(&text, MANIFEST).map_err(Fatal::one)?;
    let header = manifest::read_header(&manifest)?;
    Ok(OpenBundle {
        name,
        root,
        header,
        fs: bfs,
        manifest,
        manifest_sha256,
    })
}

/// A bundle folder: its name, canonical path and file source.
fn open_folder(
    path: &Path,
    shown: &str,
    meta: &std::fs::Metadata,
) -> Result<(String, PathBuf, BundleFs), Fatal> {
    if !meta.is_dir() {
        return Err(fatal(
            DataCode::BundleNotFolder,
            shown,
            "报送材料应是一个文件夹（内含 bundle.yaml）",
        ));
    }
    let root = std::fs::canonicalize(path).map_err(|e| {
        fatal(
            DataCode::BundleUnreadable,
            shown,
            format!("无法读取报送材料文件夹：{}", crate::diag::os_error(&e)),
        )
    })?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown.to_string());
    Ok((name, root.clone(), BundleFs::new(root)))
}

/// The largest .zip bundle we read into memory (also what `kaohe serve` accepts as an upload).
pub const MAX_ZIP_BUNDLE: u64 = 512 * 1024 * 1024;

/// A bundle handed in as a .zip, read in place: its name is the folder inside the archive
/// (or the archive's own name when bundle.yaml is at its top level).
fn open_zip(path: &Path, shown: &str, len: u64) -> Result<(String, PathBuf, BundleFs), Fatal> {
    if len > MAX_ZIP_BUNDLE {
        return Err(fatal(
            DataCode::BundleUnreadable,
            shown,
            format!(
                "报送材料压缩包过大（{}MiB，上限{}MiB）",
                len / (1024 * 1024),
                MAX_ZIP_BUNDLE / (1024 * 1024)
            ),
        ));
    }
    let unreadable = |e: String| {
        fatal(
            DataCode::BundleUnreadable,
            shown,
            format!("无法读取报送材料压缩包：{e}"),
        )
    };
    let root = std::fs::canonicalize(path).map_err(|e| unreadable(crate::diag::os_error(&e)))?;
    let bytes = std::fs::read(&root).map_err(|e| unreadable(crate::diag::os_error(&e)))?;
    let stem = root
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown.to_string());
    zip_source(bytes, root, &stem, shown)
}

fn zip_source(
    bytes: Vec<u8>,
    root: PathBuf,
    stem: &str,
    shown: &str,
) -> Result<(String, PathBuf, BundleFs), Fatal> {
    let (zb, prefix) = zip::ZipBundle::open(bytes).map_err(|e| {
        fatal(
            DataCode::BundleUnreadable,
            shown,
            format!("无法读取报送材料压缩包：{e}"),
        )
    })?;
    let name = if prefix.is_empty() {
        stem.to_string()
    } else {
        prefix
    };
    Ok((name, root.clone(), BundleFs::zip(root, zb)))
}

/// A bundle handed in as the bytes of a .zip (no file on disk): what `open_bundle` does for a
/// `.zip` path. Used by the fuzz targets, which must not touch the file system.
pub fn open_zip_bytes(bytes: Vec<u8>, name: &str) -> Result<OpenBundle, Fatal> {
    let (name, root, bfs) = zip_source(bytes, PathBuf::from(name), name, name)?;
    read_manifest(name, root, bfs)
}

impl OpenBundle {
    pub fn load(self, decl: &EvidenceDecl) -> Evidence {
        let OpenBundle {
            name,
            header,
            fs: mut bfs,
            manifest: root,
            manifest_sha256,
            ..
        } = self;
        let mut problems = Vec::new();
        let mut files = BTreeMap::new();
        files.insert(
            MANIFEST.to_string(),
            FileStatus::Ok {
                sha256: manifest_sha256,
            },
        );
        let mut key_lines = BTreeMap::new();
        yaml::collect_key_lines(&root, "", &mut key_lines);

        let mut typer = Typer {
            problems: &mut problems,
            files: Vec::new(),
            list_items: BTreeMap::new(),
        };

        // Top-level keys: fixed, declared, or unknown.
        if let Some(entries) = root.as_map() {
            for (k, v) in entries {
                let key = k.key_text();
                if key == "上级单位" && !v.is_null() && v.as_scalar().is_none() {
                    typer.wrong_shape(v, &crate::model::schema::FieldType::Text, "上级单位");
                } else if !FIXED_KEYS.contains(&key.as_str())
                    && !decl.manifest.iter().any(|(n, _)| *n == key)
                {
                    typer.unknown_key(k, &key, "键");
                }
            }
        }
        let fields = decl
            .manifest
            .iter()
            .map(|(key, ty)| {
                let v = match root.get(key) {
                    Some(node) => typer.value(node, ty, key),
                    None => Value::Null,
                };
                (Arc::from(key.as_str()), v)
            })
            .collect();
        let manifest = Value::Record(Arc::new(Record { fields }));

        let mut ledger_entries = manifest::ledger_entries(root.get("台账"), decl, &mut typer);
        // The township's own 列名对照 / 栏目对照, shown in every report when used.
        let (column_maps, value_map) = manifest::mappings(&root, decl, &mut typer);
        for e in &mut ledger_entries {
            if let Some((_, m)) = column_maps.iter().find(|(l, _)| *l == e.name) {
                e.opts.columns = m.clone();
            }
            e.opts.values = value_map.clone();
        }
        let document_entries = manifest::document_entries(root.get("文档"), decl, &mut typer);
        let file_refs = std::mem::take(&mut typer.files);
        let list_items = std::mem::take(&mut typer.list_items);
        drop(typer);

        let mut named_paths = BTreeMap::new();
        // Every manifest path met: (key, line, as written, normalised, a readable file).
        let mut named: Vec<(String, u32, String, String, bool)> = Vec::new();
        let mut ledgers = BTreeMap::new();
        for e in ledger_entries {
            let (path, fetched) = bfs.fetch(&e.path);
            named_paths.insert(format!("台账.{}", e.name), path.clone());
            note_file(
                &bfs,
                &mut files,
                &mut problems,
                &mut named,
                &e.key,
                e.line,
                &e.path,
                &path,
                &fetched,
            );
            if fetched.status.is_ok() && fetched.bytes.is_none() {
                problems.push(Problem::error(
                    &path,
                    DataCode::FileTooLarge,
                    format!("{}：台账无法使用", fetched.reason),
                ));
                continue;
            }
            let (Some(ld), Some(bytes)) = (decl.ledger(&e.name), fetched.bytes.as_ref()) else {
                continue;
            };
            if e.bad_encoding {
                continue;
            }
            let ext = fs::extension(&path);
            if let Some(ledger) =
                ledger::read_ledger(ld, &path, &ext, bytes, &e.opts, &mut problems)
            {
                ledgers.insert(e.name.clone(), Arc::new(ledger));
            }
        }

        let mut documents = BTreeMap::new();
        for e in document_entries {
            let (path, fetched) = bfs.fetch(&e.path);
            named_paths.insert(format!("文档.{}", e.name), path.clone());
            note_file(
                &bfs,
                &mut files,
                &mut problems,
                &mut named,
                &e.key,
                e.line,
                &e.path,
                &path,
                &fetched,
            );
            if !e.declared {
                continue;
            }
            if let Some(bytes) = fetched.bytes.as_ref() {
                let doc = document::read_document(&e.name, &path, bytes, e.fields, &mut problems);
                documents.insert(e.name.clone(), Arc::new(doc));
            } else if fetched.status.is_ok() {
                // Present but too large to read: 已报送但无法读取, its other fields still count.
                problems.push(Problem::warning(
                    &path,
                    DataCode::UnreadableDocument,
                    format!("已报送但无法读取：{}", fetched.reason),
                ));
                let doc = crate::model::evidence::Document {
                    name: e.name.clone(),
                    file: path.clone(),
                    text: None,
                    tables: Vec::new(),
                    lines: Vec::new(),
                    fields: e.fields,
                };
                documents.insert(e.name.clone(), Arc::new(doc));
            }
        }

        for f in file_refs {
            let (path, fetched) = bfs.fetch_hash(&f.raw);
            note_file(
                &bfs,
                &mut files,
                &mut problems,
                &mut named,
                &f.key,
                f.line,
                &f.raw,
                &path,
                &fetched,
            );
        }

        same_file_twice(&bfs, &named, &mut problems);
        diag::finish(&mut problems);
        Evidence {
            bundle: name,
            header,
            manifest,
            ledgers,
            documents,
            files,
            problems,
            key_lines,
            named_paths,
            list_items,
        }
    }
}

/// Two manifest entries whose paths differ but name one file (a symbolic link, or `..`): one
/// document would count as two (two 制度, a ledger read as two ledgers) without anything in
/// bundle.yaml showing it. Each later entry gets a warning naming the first, both as written.
/// The same path written twice is visible in bundle.yaml itself and is not flagged.
fn same_file_twice(
    bfs: &BundleFs,
    named: &[(String, u32, String, String, bool)],
    problems: &mut Vec<Problem>,
) {
    let mut first: HashMap<String, &(String, u32, String, String, bool)> = HashMap::new();
    for entry in named {
        let (key, line, raw, path, ok) = entry;
        if !ok {
            continue;
        }
        let Some(id) = bfs.identity(raw) else {
            continue;
        };
        match first.get(&id) {
            None => {
                first.insert(id, entry);
            }
            Some((key0, line0, raw0, path0, _)) if path0 != path => {
                problems.push(
                    Problem::warning(
                        MANIFEST,
                        DataCode::SameFileTwice,
                        format!(
                            "{key} 的文件「{raw}」与第{line0}行 {key0} 的文件「{raw0}」是同一个文件（经符号链接或 .. 指向同一处）：同一份材料不能当作两份，请核对是否报错了文件"
                        ),
                    )
                    .key(key)
                    .line(*line)
                    .value(raw),
                );
            }
            Some(_) => {}
        }
    }
}

/// Record what became of a manifest path (its status in `files`, the path in `named` for the
/// same-file-twice check), with a problem when it is not a readable file.
// The bundle's file system is needed only to suggest the file a missing path probably meant.
#[allow(clippy::too_many_arguments)]
fn note_file(
    bfs: &BundleFs,
    files: &mut BTreeMap<String, FileStatus>,
    problems: &mut Vec<Problem>,
    named: &mut Vec<(String, u32, String, String, bool)>,
    key: &str,
    line: u32,
    raw: &str,
    path: &str,
    fetched: &Fetched,
) {
    files.insert(path.to_string(), fetched.status.clone());
    named.push((
        key.to_string(),
        line,
        raw.to_string(),
        path.to_string(),
        fetched.status.is_ok(),
    ));
    let problem = match &fetched.status {
        FileStatus::Ok { .. } => return,
        FileStatus::Missing => Problem::warning(
            MANIFEST,
            DataCode::FileMissing,
            match bfs.suggest(raw) {
                Some(near) => {
                    format!("{key} 指向的文件「{raw}」不存在，按未报送处理；是否为 {near}？")
                }
                None => format!("{key} 指向的文件「{raw}」不存在，按未报送处理"),
            },
        ),
        FileStatus::Refused => Problem::error(
            MANIFEST,
            DataCode::PathRefused,
            format!(
                "{key} 的路径「{raw}」被拒绝（{}），未打开，按未报送处理：路径应在报送材料文件夹之内",
                fetched.reason
            ),
        ),
        FileStatus::NotAFile => Problem::error(
            MANIFEST,
            DataCode::NotAFile,
            format!("{key} 指向「{raw}」，{}，按未报送处理", fetched.reason),
        ),
        FileStatus::Unreadable => Problem::error(
            MANIFEST,
            DataCode::FileUnreadable,
            format!("{key} 指向的文件「{raw}」{}，按未报送处理", fetched.reason),
        ),
    };
    problems.push(problem.key(key).line(line).value(raw));
}
