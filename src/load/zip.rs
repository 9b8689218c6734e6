//! Zip archives, read in place and never extracted: a bundle handed in as a `.zip`, a `.docx`,
//! and the size check before calamine opens an `.xlsx`.
//!
//! bundle-spec.md "Safety and privacy": member names are UTF-8 or GBK (Windows' "发送到压缩文件夹"
//! writes GBK without the UTF-8 flag); the manifest's paths follow the same rules as in a
//! folder (resolved lexically inside the bundle; no symlinks followed). Uncompressed sizes are
//! capped against zip bombs: declared sizes are checked before anything is inflated, and every
//! read stops at the cap whatever the header claims. The `zip` crate runs behind `guard::catch`.

use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::sync::Arc;

use encoding_rs::GB18030;
use zip::ZipArchive;

use crate::model::evidence::FileStatus;

use super::fs::{Fetched, sha256_hex};
use super::guard::{self, CORRUPT};

/// Largest uncompressed member we inflate (a ledger or a document).
pub const MAX_MEMBER: u64 = 64 * 1024 * 1024;
/// Largest uncompressed total of one archive, by its declared sizes.
pub const MAX_TOTAL: u64 = 1024 * 1024 * 1024;
/// Most members an archive may list.
pub const MAX_ENTRIES: usize = 100_000;

const MIB: u64 = 1024 * 1024;

/// Declared sizes within the caps, or why not (the archive cannot be opened at all, or it
/// would inflate to more than we read).
pub fn check_archive_sizes(bytes: &[u8]) -> Result<(), String> {
    match scan_sizes(bytes)?.into_iter().next() {
        Some((name, size)) => Err(too_large(&name, size)),
        None => Ok(()),
    }
}

fn too_large(name: &str, size: u64) -> String {
    format!(
        "压缩包内「{name}」解压后有{}MiB，超过上限{}MiB（疑似 zip 炸弹），拒绝读取",
        size / MIB,
        MAX_MEMBER / MIB
    )
}

/// The members whose declared size is over [`MAX_MEMBER`] (name, size), or why the archive
/// cannot be opened at all: not a zip, too many members, or a declared total over
/// [`MAX_TOTAL`] for the members that would be read. Reads the archive in place (no copy).
fn scan_sizes(bytes: &[u8]) -> Result<Vec<(String, u64)>, String> {
    guard::catch(|| {
        let mut zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| crate::diag::foreign::zip_error(&e))?;
        if zip.len() > MAX_ENTRIES {
            return Err(format!("压缩包内文件过多（{}个）", zip.len()));
        }
        let mut total: u64 = 0;
        let mut over = Vec::new();
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|e| format!("压缩包已损坏（{}）", crate::diag::foreign::zip_error(&e)))?;
            if f.size() > MAX_MEMBER {
                over.push((member_name(f.name_raw()), f.size()));
            } else {
                total = total.saturating_add(f.size());
            }
        }
        if total > MAX_TOTAL {
            return Err(format!(
                "压缩包解压后共{}MiB，超过上限{}MiB（疑似 zip 炸弹），拒绝读取",
                total / MIB,
                MAX_TOTAL / MIB
            ));
        }
        Ok(over)
    })
    .unwrap_or_else(|| Err(CORRUPT.to_string()))
}

/// Every member name the central directory lists, in order — duplicates included, which the
/// `zip` crate folds into one (keeping the last). `None` when the directory cannot be walked
/// simply (Zip64, a prefix before the archive): then no duplicate is reported.
fn central_names(bytes: &[u8]) -> Option<Vec<String>> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const CDH: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    let u16_at = |p: usize| Some(u16::from_le_bytes(bytes.get(p..p + 2)?.try_into().ok()?));
    let u32_at = |p: usize| Some(u32::from_le_bytes(bytes.get(p..p + 4)?.try_into().ok()?));
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (search_from..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&p| bytes[p..p + 4] == EOCD)?;
    let count = u16_at(eocd + 10)? as usize;
    let offset = u32_at(eocd + 16)?;
    if count == 0xffff || offset == 0xffff_ffff {
        return None;
    }
    let mut pos = offset as usize;
    let mut names = Vec::with_capacity(count.min(MAX_ENTRIES));
    for _ in 0..count {
        if bytes.get(pos..pos + 4)? != CDH {
            return None;
        }
        let name_len = u16_at(pos + 28)? as usize;
        let extra = u16_at(pos + 30)? as usize;
        let comment = u16_at(pos + 32)? as usize;
        names.push(member_name(bytes.get(pos + 46..pos + 46 + name_len)?));
        pos += 46 + name_len + extra + comment;
    }
    Some(names)
}

/// SHA-256 of member `index`, inflated as it streams (never more than its declared size).
fn hash_member<R: Read + std::io::Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
    size: u64,
) -> Result<String, String> {
    use sha2::Digest;
    let f = zip
        .by_index(index)
        .map_err(|e| format!("无法解压（{}）", crate::diag::foreign::zip_error(&e)))?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut f.take(size), &mut hasher)
        .map_err(|e| format!("无法解压，文件已损坏（{}）", crate::diag::os_error(&e)))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A member name as text: UTF-8 when it is valid UTF-8 (whether or not the UTF-8 flag is set),
/// else GBK/GB18030; `\` means `/`.
pub fn member_name(raw: &[u8]) -> String {
    let s = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => GB18030.decode_without_bom_handling(raw).0.into_owned(),
    };
    s.replace('\\', "/")
}

/// Read one member, inflating at most `MAX_MEMBER` bytes whatever its header says.
fn read_member<R: Read + std::io::Seek>(
    zip: &mut ZipArchive<R>,
    i: usize,
) -> Result<Vec<u8>, String> {
    let f = zip
        .by_index(i)
        .map_err(|e| format!("无法解压（{}）", crate::diag::foreign::zip_error(&e)))?;
    // Never more than the header declares (the archive's declared total is capped) nor more
    // than MAX_MEMBER, whatever the compressed data would inflate to.
    let cap = f.size().min(MAX_MEMBER);
    let mut out = Vec::with_capacity(cap as usize);
    f.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("无法解压，文件已损坏（{}）", crate::diag::os_error(&e)))?;
    if out.len() as u64 > cap {
        return Err(format!(
            "解压后超过压缩包所声明的大小（{cap}字节，上限{}MiB）（疑似 zip 炸弹），拒绝读取",
            MAX_MEMBER / MIB
        ));
    }
    Ok(out)
}

/// The member called `name` (exactly, after `\` → `/`) of the archive in `bytes`: `Ok(None)`
/// when there is none.
pub fn read_named(bytes: &[u8], name: &str) -> Result<Option<Vec<u8>>, String> {
    read_member_where(bytes, |n| n == name)
}

/// The first member whose name (after `\` → `/`) satisfies `matches`.
pub fn read_member_where(
    bytes: &[u8],
    matches: impl Fn(&str) -> bool,
) -> Result<Option<Vec<u8>>, String> {
    check_archive_sizes(bytes)?;
    guard::catch(|| {
        let mut zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| crate::diag::foreign::zip_error(&e))?;
        for i in 0..zip.len() {
            let raw = zip
                .by_index_raw(i)
                .map_err(|e| crate::diag::foreign::zip_error(&e))?;
            if matches(&member_name(raw.name_raw())) {
                drop(raw);
                return read_member(&mut zip, i).map(Some);
            }
        }
        Ok(None)
    })
    .unwrap_or_else(|| Err(CORRUPT.to_string()))
}

/// What one member is.
#[derive(Debug, Clone, Copy)]
enum Kind {
    File(usize),
    Symlink,
    /// Declared larger than [`MAX_MEMBER`]: refused alone, the rest of the bundle is read.
    TooLarge {
        index: usize,
        size: u64,
    },
    /// The archive lists this name more than once: which copy was handed in is not known.
    Ambiguous(usize),
}

/// A bundle handed in as a zip: the archive in memory, its members indexed by their path
/// relative to the bundle folder inside it.
pub struct ZipBundle {
    zip: ZipArchive<Cursor<Bytes>>,
    /// Members inflated so far, by index: each at most once, so the declared-size cap on the
    /// archive also caps what the run inflates.
    read: HashMap<usize, Fetched>,
    members: HashMap<String, Kind>,
    dirs: BTreeSet<String>,
}

/// `Arc<Vec<u8>>` as a byte slice for `Cursor`.
#[derive(Clone)]
struct Bytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl ZipBundle {
    /// Member names inside the bundle folder (for "是否为 …？" suggestions).
    pub fn names(&self) -> Vec<String> {
        self.members.keys().cloned().collect()
    }

    /// Index the archive. The bundle folder is the archive's top level when `bundle.yaml` is
    /// there, else the one top-level folder holding `bundle.yaml` (a zip "of the folder").
    /// Returns the folder's name inside the archive (empty at the top level) too.
    pub fn open(bytes: Vec<u8>) -> Result<(ZipBundle, String), String> {
        let oversize: HashMap<String, u64> = scan_sizes(&bytes)?
            .into_iter()
            .map(|(n, size)| (clean(&n), size))
            .collect();
        let mut listed: HashMap<String, usize> = HashMap::new();
        for n in central_names(&bytes).unwrap_or_default() {
            *listed.entry(clean(&n)).or_default() += 1;
        }
        let bytes = Arc::new(bytes);
        guard::catch(move || {
            let mut zip = ZipArchive::new(Cursor::new(Bytes(bytes)))
                .map_err(|e| crate::diag::foreign::zip_error(&e))?;
            let mut all: Vec<(String, Option<Kind>)> = Vec::with_capacity(zip.len());
            for i in 0..zip.len() {
                let f = zip
                    .by_index_raw(i)
                    .map_err(|e| format!("压缩包已损坏（{}）", crate::diag::foreign::zip_error(&e)))?;
                let name = member_name(f.name_raw());
                let copies = listed.get(&clean(&name)).copied().unwrap_or(1);
                let kind = if f.is_dir() {
                    None
                } else if copies > 1 {
                    Some(Kind::Ambiguous(copies))
                } else if f.is_symlink() {
                    Some(Kind::Symlink)
                } else if let Some(&size) = oversize.get(&clean(&name)) {
                    Some(Kind::TooLarge { index: i, size })
                } else {
                    Some(Kind::File(i))
                };
                all.push((name, kind));
            }
            let top = all.iter().any(|(n, k)| k.is_some() && clean(n) == super::manifest::MANIFEST);
            let prefix = if top {
                String::new()
            } else {
                let mut roots: BTreeSet<String> = BTreeSet::new();
                for (n, k) in &all {
                    let c = clean(n);
                    if let (Some(_), Some((dir, rest))) = (k, c.split_once('/')) {
                        if rest == super::manifest::MANIFEST {
                            roots.insert(dir.to_string());
                        }
                    }
                }
                match roots.len() {
                    1 => roots.into_iter().next().unwrap_or_default(),
                    0 => return Err("压缩包中没有 bundle.yaml（应在压缩包的最上层，或在唯一的文件夹中）".to_string()),
                    _ => {
                        return Err(format!(
                            "压缩包中有多个含 bundle.yaml 的文件夹（{}），无法确定报送材料：每个压缩包只放一份材料",
                            roots.into_iter().collect::<Vec<_>>().join("、")
                        ));
                    }
                }
            };
            let strip = |n: &str| -> Option<String> {
                let c = clean(n);
                if prefix.is_empty() {
                    Some(c)
                } else {
                    c.strip_prefix(&format!("{prefix}/")).map(str::to_string)
                }
            };
            let mut members = HashMap::new();
            let mut dirs = BTreeSet::new();
            for (n, k) in all {
                let Some(rel) = strip(&n) else { continue };
                // Every ancestor of a member is a folder, listed or not.
                let mut acc = String::new();
                for part in rel.split('/').collect::<Vec<_>>().iter().rev().skip(1).rev() {
                    if !acc.is_empty() {
                        acc.push('/');
                    }
                    acc.push_str(part);
                    dirs.insert(acc.clone());
                }
                match k {
                    None => {
                        dirs.insert(rel);
                    }
                    // The first member of a name wins, as most unzip tools do.
                    Some(kind) => {
                        members.entry(rel).or_insert(kind);
                    }
                }
            }
            Ok((
                ZipBundle {
                    zip,
                    read: HashMap::new(),
                    members,
                    dirs,
                },
                prefix,
            ))
        })
        .unwrap_or_else(|| Err(CORRUPT.to_string()))
    }

    /// Read the member at `rel` (a path already resolved lexically inside the bundle, `/`
    /// separated, no `.`/`..`), as `fs::read_inside` does for a folder.
    pub fn fetch(&mut self, rel: &str) -> Fetched {
        let status = |s: FileStatus, reason: &str| Fetched {
            status: s,
            bytes: None,
            reason: reason.to_string(),
        };
        match self.members.get(rel).copied() {
            Some(Kind::Symlink) => {
                status(FileStatus::Refused, "压缩包中的符号链接，不跟随，拒绝打开")
            }
            // Hashed as it inflates (bounded memory), its content not kept: like a folder's.
            Some(Kind::TooLarge { index, size }) => {
                let zip = &mut self.zip;
                match guard::catch(|| hash_member(zip, index, size)) {
                    Some(Ok(sha256)) => Fetched {
                        status: FileStatus::Ok { sha256 },
                        bytes: None,
                        reason: super::fs::too_large_to_read(size),
                    },
                    Some(Err(m)) => status(FileStatus::Unreadable, &m),
                    None => status(FileStatus::Unreadable, CORRUPT),
                }
            }
            Some(Kind::Ambiguous(n)) => status(
                FileStatus::Refused,
                &format!(
                    "压缩包中有{n}个同名的文件，无法确定哪一个是报送的材料，均不读取；请只保留一个后重新压缩"
                ),
            ),
            Some(Kind::File(i)) => {
                if let Some(f) = self.read.get(&i) {
                    return f.clone();
                }
                let zip = &mut self.zip;
                let fetched = match guard::catch(|| read_member(zip, i)) {
                    Some(Ok(bytes)) => Fetched {
                        status: FileStatus::Ok {
                            sha256: sha256_hex(&bytes),
                        },
                        bytes: Some(Arc::new(bytes)),
                        reason: String::new(),
                    },
                    Some(Err(m)) => status(FileStatus::Unreadable, &m),
                    None => status(FileStatus::Unreadable, CORRUPT),
                };
                self.read.insert(i, fetched.clone());
                fetched
            }
            None if self.dirs.contains(rel) || rel.is_empty() => {
                status(FileStatus::NotAFile, "这是一个文件夹，不是文件")
            }
            None => status(FileStatus::Missing, "文件不存在"),
        }
    }
}

/// A member name as a bundle path: `\` → `/`, no leading `./` or `/`, no trailing `/`.
fn clean(name: &str) -> String {
    name.replace('\\', "/")
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn archive(members: &[(&[u8], &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            let name = String::from_utf8_lossy(name).into_owned();
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn gbk_member_names() {
        let gbk = GB18030.encode("台账/主动公开台账.csv").0.into_owned();
        assert_eq!(member_name(&gbk), "台账/主动公开台账.csv");
        assert_eq!(member_name("材料\\a.md".as_bytes()), "材料/a.md");
    }

    #[test]
    fn bundle_in_one_folder() {
        let z = archive(&[
            ("x镇/bundle.yaml".as_bytes(), b"a: 1"),
            ("x镇/台账/a.csv".as_bytes(), b"x"),
        ]);
        let (mut b, prefix) = ZipBundle::open(z).unwrap();
        assert_eq!(prefix, "x镇");
        assert!(matches!(
            b.fetch("bundle.yaml").status,
            FileStatus::Ok { .. }
        ));
        assert!(matches!(b.fetch("台账").status, FileStatus::NotAFile));
        assert!(matches!(b.fetch("台账/b.csv").status, FileStatus::Missing));
    }

    #[test]
    fn not_a_zip() {
        assert!(ZipBundle::open(b"hello".to_vec()).is_err());
        assert!(read_named(b"PK\x03\x04", "word/document.xml").is_err());
    }
}
