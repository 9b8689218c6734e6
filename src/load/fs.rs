//! Path safety, reading and hashing: the only place a bundle's files are opened.
//!
//! bundle-spec.md "Safety and privacy": a manifest path must stay inside the bundle folder.
//! Absolute paths, `..` that leaves the folder, NUL bytes and symbolic links resolving outside
//! are refused and never opened; only regular files are opened (the metadata is checked first,
//! so a FIFO never blocks the run). Every file is read once and cached by its normalised path.
//! Nothing is ever written.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::model::evidence::{FileStatus, normalize_manifest_path};

use super::zip::ZipBundle;

/// What reading one manifest path gave.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: FileStatus,
    /// The file's bytes when `status` is `Ok` — `None` for a file too large to read (it is
    /// still hashed; `reason` says why its content is not read).
    pub bytes: Option<Arc<Vec<u8>>>,
    /// Why the path was refused or could not be read, for the problem message.
    pub reason: String,
}

/// A bundle folder on disk (or a zip archive read in place), with the files read so far.
pub struct BundleFs {
    /// Canonical folder path (for a zip bundle: the canonical path of the .zip file).
    root: PathBuf,
    zip: Option<ZipBundle>,
    cache: HashMap<String, Fetched>,
    /// Files read so far, by canonical path.
    by_file: HashMap<PathBuf, Fetched>,
    /// Files only hashed (not kept), by normalised manifest path.
    hashed: HashMap<String, Fetched>,
}

impl BundleFs {
    /// `root` must already be canonical (see `open_bundle`).
    pub fn new(root: PathBuf) -> Self {
        BundleFs {
            root,
            zip: None,
            cache: HashMap::new(),
            by_file: HashMap::new(),
            hashed: HashMap::new(),
        }
    }

    /// A bundle handed in as a zip (`path` is the canonical path of the .zip file).
    pub fn zip(path: PathBuf, zip: ZipBundle) -> Self {
        BundleFs {
            root: path,
            zip: Some(zip),
            cache: HashMap::new(),
            by_file: HashMap::new(),
            hashed: HashMap::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Read the file a manifest path names (at most once per normalised path). Returns the
    /// normalised path (the key of `Evidence::files`) and what was found.
    pub fn fetch(&mut self, raw: &str) -> (String, Fetched) {
        let key = normalize_manifest_path(raw);
        if let Some(f) = self.cache.get(&key) {
            return (key, f.clone());
        }
        let fetched = match &mut self.zip {
            Some(z) => match lexical_parts(raw) {
                Ok(parts) => z.fetch(&parts.join("/")),
                Err(reason) => status(FileStatus::Refused, reason),
            },
            None => read_inside(&self.root, raw, &mut self.by_file),
        };
        self.cache.insert(key.clone(), fetched.clone());
        (key, fetched)
    }

    /// What file a manifest path names, after `..` and (in a folder) symbolic links: two
    /// paths with the same identity are one file. `None` when it cannot be resolved.
    pub fn identity(&self, raw: &str) -> Option<String> {
        match &self.zip {
            Some(_) => lexical_parts(raw).ok().map(|p| p.join("/")),
            None => {
                let path = lexical_resolve(&self.root, raw).ok()?;
                let canon = fs::canonicalize(path).ok()?;
                Some(canon.to_string_lossy().into_owned())
            }
        }
    }

    /// Check and hash the file a manifest path names without keeping its bytes (a 制度 or
    /// 培训 file: only its existence and SHA-256 matter). A folder bundle's file is hashed as
    /// it streams from disk, so a 768 MiB scan costs no memory; a file already read for its
    /// text is not read again.
    pub fn fetch_hash(&mut self, raw: &str) -> (String, Fetched) {
        let key = normalize_manifest_path(raw);
        if self.zip.is_some() {
            return self.fetch(raw);
        }
        if let Some(f) = self.cache.get(&key).or_else(|| self.hashed.get(&key)) {
            return (key, f.clone());
        }
        let fetched = match resolve_inside(&self.root, raw) {
            Err(f) => f,
            Ok(canon) => match self.by_file.get(&canon) {
                Some(f) => f.clone(),
                None => match hash_file(&canon) {
                    Ok(sha256) => Fetched {
                        status: FileStatus::Ok { sha256 },
                        bytes: None,
                        reason: String::new(),
                    },
                    Err(e) => status(
                        FileStatus::Unreadable,
                        format!("无法读取：{}", crate::diag::os_error(&e)),
                    ),
                },
            },
        };
        self.hashed.insert(key.clone(), fetched.clone());
        (key, fetched)
    }
}

/// Why a present file's content is not read.
pub fn too_large_to_read(size: u64) -> String {
    format!(
        "文件有{}MiB，超过可读取的上限{}MiB，内容不读取",
        size >> 20,
        super::zip::MAX_MEMBER >> 20
    )
}

/// SHA-256 of a file, streamed (never held whole in memory).
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    // Streamed through std's copy buffer (on the stack, not zeroed for every file).
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

impl BundleFs {
    /// The bundle's file closest to a path that was not found — `台帐/x.csv` for `台账/x.csv` —
    /// when one is close enough to be the file meant: at most a third of the characters differ
    /// (and at most 4), or the same file name in another folder. None when nothing is close.
    pub fn suggest(&self, raw: &str) -> Option<String> {
        let wanted = normalize_manifest_path(raw);
        let names = match &self.zip {
            Some(z) => z.names(),
            None => {
                let mut out = Vec::new();
                list_files(&self.root, "", 0, &mut out);
                out
            }
        };
        let want: Vec<char> = wanted.chars().collect();
        let limit = (want.len() / 3).clamp(1, 4);
        let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let mut best: Option<(usize, String)> = None;
        for name in names {
            if name == wanted || name == "bundle.yaml" {
                continue;
            }
            let chars: Vec<char> = name.chars().collect();
            let d = edit_distance(&want, &chars);
            let d = if d > limit && file_name(&name) == file_name(&wanted) {
                limit
            } else {
                d
            };
            if d <= limit && best.as_ref().is_none_or(|(bd, bn)| (d, &name) < (*bd, bn)) {
                best = Some((d, name));
            }
        }
        best.map(|(_, n)| n)
    }
}

/// Regular files under `dir`, relative, `/`-separated; symbolic links are not followed, and the
/// walk is bounded (depth 8, 20,000 entries) so a hostile folder cannot make it slow.
fn list_files(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 8 || out.len() > 20_000 {
        return;
    }
    let Ok(read) = fs::read_dir(dir) else {
        return;
    };
    for e in read.flatten().take(20_000) {
        let Ok(t) = e.file_type() else { continue };
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if t.is_dir() {
            list_files(&e.path(), &rel, depth + 1, out);
        } else if t.is_file() {
            out.push(rel);
        }
    }
}

/// Levenshtein distance over characters (a Chinese character is one edit).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    if a.len().abs_diff(b.len()) > 8 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn status(status: FileStatus, reason: impl Into<String>) -> Fetched {
    Fetched {
        status,
        bytes: None,
        reason: reason.into(),
    }
}

/// The path inside `root` that `raw` names, checked lexically: `\` means `/`; absolute paths,
/// drive letters, NUL bytes and `..` past the top are refused.
pub fn lexical_resolve(root: &Path, raw: &str) -> Result<PathBuf, String> {
    let mut out = root.to_path_buf();
    for part in lexical_parts(raw)? {
        out.push(part);
    }
    Ok(out)
}

/// The components of a manifest path inside the bundle (see [`lexical_resolve`]).
pub fn lexical_parts(raw: &str) -> Result<Vec<String>, String> {
    if raw.contains('\0') {
        return Err("路径含有 NUL 字符".into());
    }
    let p = raw.trim().replace('\\', "/");
    let b = p.as_bytes();
    if p.starts_with('/') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':') {
        return Err("绝对路径：请写相对于报送材料文件夹的路径".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("路径经 .. 离开了报送材料文件夹".into());
                }
            }
            _ => parts.push(part),
        }
    }
    Ok(parts.into_iter().map(str::to_string).collect())
}

/// The canonical path of the regular file `raw` names inside `root`, or what stands in the way
/// (refused, missing, not a file, unreadable).
fn resolve_inside(root: &Path, raw: &str) -> Result<PathBuf, Fetched> {
    let path = match lexical_resolve(root, raw) {
        Ok(p) => p,
        Err(reason) => return Err(status(FileStatus::Refused, reason)),
    };
    // A dangling link, or a missing file behind a link, is simply missing.
    let canon = match fs::canonicalize(&path) {
        Ok(c) => c,
        Err(e) => {
            let lstat = path.symlink_metadata().err().map(|m| m.kind());
            return Err(unresolved(&e, lstat));
        }
    };
    if !canon.starts_with(root) {
        return Err(status(
            FileStatus::Refused,
            "符号链接指向报送材料文件夹之外，拒绝打开",
        ));
    }
    // Metadata before opening: a FIFO or device must never be opened.
    match fs::metadata(&canon) {
        Ok(m) if m.is_file() => Ok(canon),
        Ok(m) if m.is_dir() => Err(status(FileStatus::NotAFile, "这是一个文件夹，不是文件")),
        Ok(_) => Err(status(
            FileStatus::NotAFile,
            "这不是普通文件（管道、设备等）",
        )),
        Err(e) => Err(status(
            FileStatus::Unreadable,
            format!("无法读取：{}", crate::diag::os_error(&e)),
        )),
    }
}

/// Why a path inside the bundle could not be resolved (`canonicalize` failed with `e`; `lstat`
/// is how `symlink_metadata` of the path itself failed, `None` when it did not). Only a path
/// that is not there is missing: a missing component, a dangling link, or a component that is a
/// regular file (`a.pdf/x`). A folder kaohe may not enter (permission denied) or a link loop is
/// there but unreadable, and says why — never "不存在" for a file the township did hand in.
fn unresolved(e: &std::io::Error, lstat: Option<std::io::ErrorKind>) -> Fetched {
    use std::io::ErrorKind::{NotADirectory, NotFound};
    let gone = |k: std::io::ErrorKind| matches!(k, NotFound | NotADirectory);
    if e.kind() == NotFound || lstat.is_some_and(gone) {
        status(FileStatus::Missing, "文件不存在")
    } else {
        status(
            FileStatus::Unreadable,
            format!("无法读取：{}", crate::diag::os_error(e)),
        )
    }
}

fn read_inside(root: &Path, raw: &str, by_file: &mut HashMap<PathBuf, Fetched>) -> Fetched {
    let canon = match resolve_inside(root, raw) {
        Ok(c) => c,
        Err(f) => return f,
    };
    // One read per file, however many spellings (`a/../x.csv`, links) name it: a manifest
    // naming one big file a thousand ways must not hold it a thousand times.
    if let Some(f) = by_file.get(&canon) {
        return f.clone();
    }
    // A ledger or document is read whole to be parsed: past the cap a zip member has too, it
    // is refused alone (a scan of hundreds of MB is not a ledger), and the rest is scored.
    let size = fs::metadata(&canon).map_or(0, |m| m.len());
    let fetched = if size > super::zip::MAX_MEMBER {
        match hash_file(&canon) {
            // Present and hashed, but its content is not read (`bytes: None`, the reason says
            // why): a ledger there is unusable, a document 已报送但无法读取.
            Ok(sha256) => Fetched {
                status: FileStatus::Ok { sha256 },
                bytes: None,
                reason: too_large_to_read(size),
            },
            Err(e) => status(
                FileStatus::Unreadable,
                format!("无法读取：{}", crate::diag::os_error(&e)),
            ),
        }
    } else {
        match fs::read(&canon) {
            Ok(bytes) => Fetched {
                status: FileStatus::Ok {
                    sha256: sha256_hex(&bytes),
                },
                bytes: Some(Arc::new(bytes)),
                reason: String::new(),
            },
            Err(e) => status(
                FileStatus::Unreadable,
                format!("无法读取：{}", crate::diag::os_error(&e)),
            ),
        }
    };
    by_file.insert(canon, fetched.clone());
    fetched
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The extension of a manifest path, lower-cased ASCII (`材料/报告.MD` → `md`).
pub fn extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name[i + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_rules() {
        let root = Path::new("/b");
        assert_eq!(
            lexical_resolve(root, "材料\\a.pdf").unwrap(),
            Path::new("/b/材料/a.pdf")
        );
        assert_eq!(
            lexical_resolve(root, "./a/../b.csv").unwrap(),
            Path::new("/b/b.csv")
        );
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:\\x.csv",
            "c:/x",
            "a\0b",
            "\\\\srv\\x",
        ] {
            assert!(lexical_resolve(root, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_a_path_that_is_not_there_is_missing() {
        use std::io::{Error, ErrorKind as K};
        let missing = |f: Fetched| matches!(f.status, FileStatus::Missing);
        // A dangling link, a missing folder, `a.pdf/x`.
        assert!(missing(unresolved(&Error::from(K::NotFound), None)));
        assert!(missing(unresolved(
            &Error::from(K::NotFound),
            Some(K::NotFound)
        )));
        let not_dir = Error::from(K::NotADirectory);
        assert!(missing(unresolved(&not_dir, Some(K::NotADirectory))));
        // Inside a folder kaohe may not enter (EACCES): there, but not readable.
        let denied = unresolved(&Error::from(K::PermissionDenied), Some(K::PermissionDenied));
        assert!(
            matches!(denied.status, FileStatus::Unreadable),
            "{denied:?}"
        );
        assert_eq!(denied.reason, "无法读取：没有访问权限");
        // A link loop: the link itself is there.
        let looped = unresolved(&Error::from_raw_os_error(40), None); // ELOOP
        assert!(
            matches!(looped.status, FileStatus::Unreadable),
            "{looped:?}"
        );
    }

    #[test]
    fn extension_any_case() {
        assert_eq!(extension("材料/报告.MD"), "md");
        assert_eq!(extension("a.b/c"), "");
        assert_eq!(extension(".hidden"), "");
        assert_eq!(extension("x.tar.GZ"), "gz");
    }

    #[test]
    fn sha_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
