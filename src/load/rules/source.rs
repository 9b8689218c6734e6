//! Sourcing a rule set: its YAML and CSV files from a folder (or the ones built into the
//! binary), and the rule set it `extends:`.

use crate::diag::RuleCode;
use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml::Value as Yaml;

use super::raw::yaml_display;
use crate::diag::{Fatal, Problem};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The name of the rule-set file in a rule-set folder.
pub const RULESET_FILE: &str = "ruleset.yaml";
/// Rule files larger than this are refused (a rule set is a few dozen KiB).
pub(super) const MAX_RULE_FILE: u64 = 4 * 1024 * 1024;

/// The YAML files of one rule set, by path relative to its folder.
#[derive(Debug, Clone)]
pub struct RuleFiles {
    /// How problems name the folder: `rules/county-zwgk-2021` or `<内置>/county-zwgk-2021`.
    pub origin: String,
    pub files: BTreeMap<String, String>,
    /// `extends:` of ruleset.yaml, when this rule set is an overlay.
    pub extends: Option<String>,
    /// The rule set it extends, when found (its own `extends` is not followed).
    pub base: Option<Box<RuleFiles>>,
}

impl RuleFiles {
    /// The rule sets built into the binary, by id.
    pub fn builtin_ids() -> Vec<&'static str> {
        BUILTIN_RULESETS.iter().map(|(id, _)| *id).collect()
    }

    /// A built-in rule set; for an overlay, with the (built-in) rule set it extends.
    pub fn builtin(id: &str) -> Option<RuleFiles> {
        let mut set = Self::builtin_only(id)?;
        if let Some(ext) = &set.extends {
            set.base = Self::builtin_only(ext).map(Box::new);
        }
        Some(set)
    }

    pub(super) fn builtin_only(id: &str) -> Option<RuleFiles> {
        BUILTIN_RULESETS
            .iter()
            .find(|(name, _)| *name == id)
            .map(|(name, files)| {
                let mut set = RuleFiles {
                    origin: format!("<内置>/{name}"),
                    files: files
                        .iter()
                        .map(|(path, text)| (path.to_string(), text.to_string()))
                        .collect(),
                    extends: None,
                    base: None,
                };
                set.extends = set.read_extends();
                set
            })
    }

    /// `extends:` of ruleset.yaml, read leniently (compile reports a malformed file).
    pub(super) fn read_extends(&self) -> Option<String> {
        let text = self.files.get(RULESET_FILE)?;
        let doc: Yaml = serde_yaml::from_str(text).ok()?;
        doc.get("extends").map(yaml_display)
    }

    /// Read every `.yaml`/`.yml` file under `dir` (except `tests/`); for an overlay, also the
    /// rule set it extends: a folder relative to `dir`, else a built-in id.
    pub fn from_dir(dir: &Path) -> Result<RuleFiles, Fatal> {
        let mut set = Self::from_dir_only(dir)?;
        if let Some(ext) = set.extends.clone() {
            let folder = dir.join(&ext);
            // Only a folder that is a rule set (holds ruleset.yaml) is read: `extends: /` must
            // not walk the file system.
            set.base = if folder.join(RULESET_FILE).is_file() {
                Some(Box::new(Self::from_dir_only(&folder)?))
            } else {
                Self::builtin_only(&ext).map(Box::new)
            };
        }
        Ok(set)
    }

    pub(super) fn from_dir_only(dir: &Path) -> Result<RuleFiles, Fatal> {
        let origin = dir.display().to_string();
        let mut files = BTreeMap::new();
        let mut problems = Vec::new();
        read_dir_yaml(dir, dir, &origin, &mut files, &mut problems);
        if !problems.is_empty() {
            return Err(Fatal { problems });
        }
        if !files.contains_key(RULESET_FILE) {
            return Err(Fatal::one(Problem::error(
                format!("{origin}/{RULESET_FILE}"),
                RuleCode::RulesetFileMissing,
                format!("规则集目录中没有 {RULESET_FILE}"),
            )));
        }
        let mut set = RuleFiles {
            origin,
            files,
            extends: None,
            base: None,
        };
        set.extends = set.read_extends();
        Ok(set)
    }

    /// The text of a file named as problems name it (`origin/file`).
    pub fn source_of(&self, display: &str) -> Option<&str> {
        let own = display
            .strip_prefix(self.origin.trim_end_matches('/'))
            .and_then(|rel| self.files.get(rel.trim_start_matches('/')))
            .map(String::as_str);
        own.or_else(|| self.base.as_ref()?.source_of(display))
    }

    pub(super) fn display(&self, file: &str) -> String {
        format!("{}/{file}", self.origin.trim_end_matches('/'))
    }
}

/// Most rule and calendar files one rule-set folder may hold.
pub(super) const MAX_RULE_FILES: usize = 1_000;
/// How many folders deep below the rule-set folder files are looked for.
pub(super) const MAX_RULE_DEPTH: usize = 4;

pub(super) fn read_dir_yaml(
    root: &Path,
    dir: &Path,
    origin: &str,
    files: &mut BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::error(
                dir.display().to_string(),
                RuleCode::RulesetUnreadable,
                format!("无法读取规则集目录：{}", crate::diag::os_error(&e)),
            ));
            return;
        }
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            // A rule set is a handful of files a few folders deep; past that the folder is not
            // a rule set (a mistyped path, `/`), and walking it would read the whole disk.
            let depth = path
                .strip_prefix(root)
                .map_or(0, |p| p.components().count());
            if entry.file_name() != "tests" && depth <= MAX_RULE_DEPTH {
                read_dir_yaml(root, &path, origin, files, problems);
            }
            continue;
        }
        let is_yaml = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            // YAML rule files, and CSV holiday calendars a rule set may add (`calendar:`).
            ["yaml", "yml", "csv"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        });
        if !is_yaml || !meta.is_file() {
            continue;
        }
        if files.len() >= MAX_RULE_FILES {
            if !problems
                .iter()
                .any(|p| p.code == RuleCode::RulesetUnreadable)
            {
                problems.push(Problem::error(
                    origin.to_string(),
                    RuleCode::RulesetUnreadable,
                    format!(
                        "规则集目录中的 YAML/CSV 文件超过 {MAX_RULE_FILES} 个：这不像一个规则集目录，请检查路径"
                    ),
                ));
            }
            return;
        }
        let rel = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if meta.len() > MAX_RULE_FILE {
            problems.push(Problem::error(
                format!("{origin}/{rel}"),
                RuleCode::RulesetFileTooLarge,
                format!("规则文件过大（{} 字节）", meta.len()),
            ));
            continue;
        }
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                // Notepad's UTF-8 with BOM: the BOM is not part of the first key.
                let text = match text.strip_prefix('\u{feff}') {
                    Some(rest) => rest.to_string(),
                    None => text,
                };
                files.insert(rel, text);
            }
            Ok(Err(_)) => problems.push(Problem::error(
                format!("{origin}/{rel}"),
                RuleCode::RulesetNotUtf8,
                "规则文件须保存为 UTF-8",
            )),
            Err(e) => problems.push(Problem::error(
                format!("{origin}/{rel}"),
                RuleCode::RulesetUnreadable,
                format!("无法读取：{}", crate::diag::os_error(&e)),
            )),
        }
    }
}
