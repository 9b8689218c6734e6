//! Inputs beside bundles and rule sets: the folder `kaohe batch` scores (its bundles, its
//! verdict files) and `--calendar` files. Reads only; what it finds is data for `cli` to act on
//! and print.

use std::path::{Path, PathBuf};

use crate::calendar::Calendar;
use crate::diag::Problem;

/// One entry of the batch folder: its name (folder or zip) and path.
pub(crate) struct Entry {
    pub name: String,
    pub path: PathBuf,
}

/// The batch folder's bundles, and the entries skipped, each with why (in Chinese).
pub(crate) struct Listing {
    pub entries: Vec<Entry>,
    pub skipped: Vec<String>,
}

/// The bundles in DIR, by name: folders (other than hidden ones and the verdicts folder) and
/// `.zip` files. A folder without bundle.yaml is kept, so that it is reported, not skipped.
pub(crate) fn list_bundles(dir: &Path, skip: Option<&Path>) -> std::io::Result<Listing> {
    let read = std::fs::read_dir(dir)?;
    let mut skipped = Vec::new();
    let skip = skip.and_then(|p| p.canonicalize().ok());
    let mut entries = Vec::new();
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Following links: a link to a bundle folder is a bundle; a link that loops or points
        // nowhere is named, never skipped in silence.
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                let why = match e.raw_os_error() {
                    Some(40) => "符号链接循环",
                    _ if e.kind() == std::io::ErrorKind::NotFound => "链接指向的文件不存在",
                    _ if e.kind() == std::io::ErrorKind::PermissionDenied => "没有访问权限",
                    _ => "无法读取",
                };
                skipped.push(format!("跳过 {}：{why}", path.display()));
                continue;
            }
        };
        let is_dir = meta.is_dir();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let is_zip = meta.is_file() && ext == "zip";
        if !is_dir && !is_zip {
            if ["rar", "7z", "tar", "gz", "tgz", "bz2", "xz"].contains(&ext.as_str()) {
                skipped.push(format!(
                    "跳过 {}：.{ext} 压缩包无法读取，报送材料只收文件夹或 .zip 文件；请解压后放入文件夹，或重新压缩为 .zip",
                    path.display()
                ));
            } else {
                skipped.push(format!(
                    "跳过 {}：不是报送材料（报送材料是含 bundle.yaml 的文件夹或 .zip 文件）",
                    path.display()
                ));
            }
            continue;
        }
        if skip.is_some() && path.canonicalize().ok() == skip {
            continue;
        }
        entries.push(Entry { name, path });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Listing { entries, skipped })
}

/// The verdict file of a bundle, when the verdicts folder has one: named after the bundle's
/// folder (`xx镇-2021.yaml`), else after its township (`xx镇.yaml`, the name an evaluator
/// naturally gives it).
pub(crate) fn verdict_file(
    dir: Option<&Path>,
    bundle_name: &str,
    unit: Option<&str>,
) -> Option<PathBuf> {
    let dir = dir?;
    let stem = bundle_name
        .strip_suffix(".zip")
        .or_else(|| bundle_name.strip_suffix(".ZIP"))
        .unwrap_or(bundle_name);
    [Some(stem), unit]
        .into_iter()
        .flatten()
        .flat_map(|name| ["yaml", "yml"].map(|ext| dir.join(format!("{name}.{ext}"))))
        .find(|p| p.is_file())
}

/// Verdict files no bundle uses: each would otherwise be ignored without a word, and with it
/// the 3.4 score and the 调整 it records.
pub(crate) fn unused_verdict_files(dir: &Path, used: &[PathBuf]) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut unused: Vec<String> = read
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")
                })
                && !used.contains(p)
        })
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    unused.sort();
    unused
        .into_iter()
        .map(|name| {
            format!(
                "评分文件 {} 没有用上：没有哪份材料的文件夹名或单位与「{}」相同（评分文件应命名为 材料文件夹名.yaml 或 单位名.yaml）",
                dir.join(&name).display(),
                name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem)
            )
        })
        .collect()
}

/// Why a `--calendar` file cannot be used.
pub(crate) enum CalendarFileError {
    Unreadable(std::io::Error),
    /// Read, but not a calendar (each problem names the file and line).
    Invalid(Vec<Problem>),
}

/// A `--calendar` file (CSV: date,kind,festival), as `Calendar::parse_csv` reads it.
pub(crate) fn read_calendar(file: &Path) -> Result<Calendar, CalendarFileError> {
    let text = std::fs::read_to_string(file).map_err(CalendarFileError::Unreadable)?;
    Calendar::parse_csv(&text, &file.display().to_string()).map_err(CalendarFileError::Invalid)
}
