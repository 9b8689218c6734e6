//! Rule sets: read the YAML files (from a folder or the ones built into the binary), then
//! validate everything once — structure, every expression, every name and column, point
//! budgets — and report all problems together, each with file, line and column.

use crate::diag::{CheckCode, Code, ExprCode, RuleCode};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};

use crate::dates::parse_date;
use crate::diag::{Fatal, Problem, Severity};
use crate::expr::value::{RecordType, Type, Value};
use crate::expr::{Expr, ExprError, Template, TypeEnv};
use crate::load::yaml::{self, Node, NodeValue, key_child as join};
use crate::model::ruleset::{
    Check, Clause, Grade, GradingRule, Group, Indicator, Level, Method, Requirement, RoundRule,
    Rounding, RuleSet, Source, UnitType, Veto, VetoScope,
};
use crate::model::schema::{
    ColumnDecl, DocumentDecl, EvidenceDecl, FieldType, LedgerDecl, VocabularyEntry,
};

mod cases;
mod lint;
mod overlay;
pub(crate) mod township;

pub use cases::{EXPECTED_FILE, TestCase, test_cases};
pub use overlay::{OverlaySummary, overlay_summary};
pub use township::PATHS as TOWNSHIP_PATHS;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The name of the rule-set file in a rule-set folder.
pub const RULESET_FILE: &str = "ruleset.yaml";
/// Rule files larger than this are refused (a rule set is a few dozen KiB).
const MAX_RULE_FILE: u64 = 4 * 1024 * 1024;

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

    fn builtin_only(id: &str) -> Option<RuleFiles> {
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
    fn read_extends(&self) -> Option<String> {
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

    fn from_dir_only(dir: &Path) -> Result<RuleFiles, Fatal> {
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

    fn display(&self, file: &str) -> String {
        format!("{}/{file}", self.origin.trim_end_matches('/'))
    }
}

/// Most rule and calendar files one rule-set folder may hold.
const MAX_RULE_FILES: usize = 1_000;
/// How many folders deep below the rule-set folder files are looked for.
const MAX_RULE_DEPTH: usize = 4;

fn read_dir_yaml(
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

// ---------------------------------------------------------------------------------------------
// Raw shapes, as written. Unknown keys land in `extra` and are reported, all of them.

#[derive(Deserialize)]
struct RawRuleSet {
    id: String,
    title: String,
    year: i16,
    /// `example: true`: a worked example of another scheme, shipped for rule authors; never
    /// chosen by default (`kaohe init` by the folder's year).
    #[serde(default)]
    example: bool,
    /// Holiday calendars (CSV, as data/cn-holidays.csv) the rule set adds: a file or a list.
    #[serde(default)]
    calendar: Option<Yaml>,
    /// Definitions every indicator and check may use, evaluated once per bundle, in order.
    #[serde(default, rename = "let")]
    lets: serde_yaml::Mapping,
    max: Yaml,
    #[serde(default)]
    bonus_cap: Option<Yaml>,
    grades: Vec<RawGrade>,
    veto_grade: Option<String>,
    /// What a veto is called (一票否决, 单项否决).
    veto_label: Option<String>,
    /// `{where: total | part | indicator | [..], step: 0.01, rule: half-up | half-even}`.
    rounding: Option<Yaml>,
    /// `applicable`: the base score is rescaled over the applicable points.
    rescale: Option<Yaml>,
    /// Grading rules over parts, indicators and the total.
    #[serde(default)]
    grading: Vec<RawGradingRule>,
    /// `{field: 单位类型, values: [乡镇, 街道]}`: numbers may be written per value.
    unit_type: Option<Yaml>,
    #[serde(default)]
    params: serde_yaml::Mapping,
    groups: Vec<RawGroup>,
    #[serde(default)]
    evidence: RawEvidence,
    #[serde(default)]
    checks: Vec<RawCheck>,
    /// The file of what precheck, selfreport and init need to know (`township.rs`).
    #[serde(default)]
    township: Option<String>,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawGrade {
    name: String,
    min: Yaml,
}

#[derive(Deserialize)]
struct RawGroup {
    id: Yaml,
    name: String,
    points: Yaml,
    #[serde(default)]
    bonus: bool,
    file: String,
    rescale: Option<Yaml>,
    weight: Option<Yaml>,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawGradingRule {
    id: Yaml,
    when: String,
    message: String,
    grade_at_most: Option<String>,
    bonus: Option<Yaml>,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize, Default)]
struct RawEvidence {
    #[serde(default)]
    ledgers: serde_yaml::Mapping,
    #[serde(default)]
    documents: serde_yaml::Mapping,
    #[serde(default)]
    manifest: serde_yaml::Mapping,
}

#[derive(Deserialize)]
struct RawCheck {
    code: String,
    over: String,
    when: String,
    column: Option<String>,
    value: Option<String>,
    key: Option<String>,
    severity: Option<String>,
    message: String,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawIndicatorFile {
    indicators: Vec<RawIndicator>,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawIndicator {
    id: Yaml,
    name: String,
    points: Yaml,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    fix: String,
    #[serde(default)]
    requires: Vec<RawRequire>,
    source: Option<String>,
    #[serde(default, rename = "let")]
    lets: serde_yaml::Mapping,
    zero_when: Option<RawZeroWhen>,
    veto: Option<RawVeto>,
    applies_when: Option<String>,
    method: Yaml,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawRequire {
    need: String,
    what: String,
}

#[derive(Deserialize)]
struct RawZeroWhen {
    #[serde(rename = "if")]
    cond: String,
    message: String,
}

#[derive(Deserialize)]
struct RawVeto {
    items: String,
    message: String,
    label: Option<String>,
    /// `indicator` (default), `group`, `none`, or a list of group ids.
    scope: Option<Yaml>,
    /// A grade name, or `false` for none; default the rule set's `veto_grade`.
    grade: Option<Yaml>,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAll {
    pass: String,
    cite: Option<String>,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTiers {
    measure: String,
    cite: Option<String>,
    levels: Vec<RawLevel>,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    min: Yaml,
    points: Yaml,
}

/// `deduct` or `award`: one clause written inline (items, each, …) or `clauses:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItemsMethod {
    clauses: Option<Vec<RawClause>>,
    /// `award`: the shortfall finding. Inline `deduct`: the one clause's item message.
    message: Option<String>,
    items: Option<String>,
    each: Option<Yaml>,
    cap: Option<Yaml>,
    cite: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClause {
    items: String,
    each: Yaml,
    cap: Option<Yaml>,
    message: Option<String>,
    cite: Option<String>,
}

// ---------------------------------------------------------------------------------------------

/// Collects every problem of a rule set with its position.
struct Checker<'a> {
    files: &'a RuleFiles,
    /// Per file: key path → position of the value (from the position-aware parse).
    positions: BTreeMap<String, BTreeMap<String, Pos>>,
    problems: Vec<Problem>,
    /// Names read by the expressions compiled so far (for unused parameters and lets).
    used: BTreeSet<String>,
    /// Ledger columns read by the expressions compiled since it was last taken.
    columns_read: BTreeSet<String>,
    /// The rule set's year, once read (for date lints).
    year: Option<i16>,
    /// Overlays: the merged content of a base file, which `parse` reads instead of its text.
    merged: BTreeMap<String, Yaml>,
    /// Overlays: (file, path in the merged content) → (file, path) where the value is written.
    /// Overlay files are named `+name`.
    remap: BTreeMap<(String, String), (String, String)>,
    /// The values of `unit_type:` (empty: numbers are written once).
    units: Vec<String>,
    /// The unit type being compiled (index into `units`).
    unit: usize,
}

#[derive(Debug, Clone, Copy)]
struct Pos {
    line: u32,
    col: u32,
    /// Where the scalar's text starts relative to `col` (1 for a quoted scalar), or `None` for
    /// a block scalar whose text starts on the next line.
    inline: Option<u32>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, file: &str, path: &str, code: impl Into<Code>, message: impl Into<String>) {
        let (display, pos) = self.locate(file, path);
        let mut p = Problem::error(display, code, message);
        if let Some(pos) = pos {
            p = p.at(pos.line, pos.col);
        }
        self.problems.push(p);
    }

    fn warn(&mut self, file: &str, path: &str, code: impl Into<Code>, message: impl Into<String>) {
        // Point at the key when there is one (`年报截止:`), else at the value.
        let (display, pos) = match self.locate(file, &format!("{path}#key")) {
            (d, Some(pos)) => (d, Some(pos)),
            _ => self.locate(file, path),
        };
        let mut p = Problem::warning(display, code, message);
        if let Some(pos) = pos {
            p = p.at(pos.line, pos.col);
        }
        self.problems.push(p);
    }

    /// The rule files that are not the overlay's own (`+name`): the base, or the rule set.
    fn source_files(&self) -> &'a RuleFiles {
        self.files.base.as_deref().unwrap_or(self.files)
    }

    fn display(&self, file: &str) -> String {
        match file.strip_prefix('+') {
            Some(own) => self.files.display(own),
            None => self.source_files().display(file),
        }
    }

    fn text(&self, file: &str) -> Option<&'a str> {
        match file.strip_prefix('+') {
            Some(own) => self.files.files.get(own),
            None => self.source_files().files.get(file),
        }
        .map(String::as_str)
    }

    /// Where a value is written: through the overlay's remapping first, then in the file.
    fn locate(&self, file: &str, path: &str) -> (String, Option<Pos>) {
        let (bare, key) = match path.strip_suffix("#key") {
            Some(b) => (b, "#key"),
            None => (path, ""),
        };
        let mut p = bare.to_string();
        loop {
            if let Some((of, op)) = self.remap.get(&(file.to_string(), p.clone())) {
                let rest = &bare[p.len()..];
                return (self.display(of), self.pos(of, &format!("{op}{rest}{key}")));
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p.truncate(cut),
                None => break,
            }
        }
        (self.display(file), self.pos(file, path))
    }

    fn pos(&self, file: &str, path: &str) -> Option<Pos> {
        let map = self.positions.get(file)?;
        // The nearest enclosing key that has a position.
        let mut p = path.to_string();
        loop {
            if let Some(pos) = map.get(&p) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
        }
    }

    /// Parse a file into the raw shape; a YAML or shape error is recorded and `None` returned.
    fn parse<T: for<'de> Deserialize<'de>>(&mut self, file: &str) -> Option<T> {
        let Some(text) = self.text(file) else {
            self.problems.push(Problem::error(
                self.display(file),
                RuleCode::RulesetFileMissing,
                "规则集引用的文件不存在",
            ));
            return None;
        };
        // The position-aware parse first: it enforces the size/depth/duplicate-key limits.
        match yaml::parse(text, &self.display(file)) {
            Ok(node) => {
                let mut map = BTreeMap::new();
                index_positions(&node, String::new(), &mut map);
                self.positions.insert(file.to_string(), map);
            }
            Err(problem) => {
                self.problems.push(problem);
                return None;
            }
        }
        let parsed = match self.merged.get(file) {
            Some(merged) => serde_yaml::from_value::<T>(merged.clone()),
            None => serde_yaml::from_str::<T>(text),
        };
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                let message = format!("{e}{}", quote_hint(&e.to_string()));
                let mut p = Problem::error(self.display(file), RuleCode::RulesetShape, message);
                if let Some(loc) = e.location() {
                    p = p.at(loc.line() as u32, loc.column() as u32);
                }
                self.problems.push(p);
                None
            }
        }
    }

    fn extra_keys(&mut self, file: &str, path: &str, extra: &BTreeMap<String, Yaml>) {
        for key in extra.keys() {
            let at = join(path, key);
            self.error(
                file,
                &at,
                RuleCode::UnknownKey,
                format!("未知的键 `{key}`（拼写错误？）"),
            );
        }
    }

    /// A number written once, or per unit type (`{乡镇: 12.5, 街道: 2}`): the value for the unit
    /// type being compiled. A mapping needs `unit_type:` and exactly its values as keys.
    /// The unit type's entry of a mapping written per unit type (null when it has none), or the
    /// value itself; says nothing (`by_unit` reports the mistakes).
    fn pick_unit(&self, v: &Yaml) -> Yaml {
        let Some(m) = v.as_mapping() else {
            return v.clone();
        };
        self.units
            .get(self.unit)
            .and_then(|u| {
                m.iter()
                    .find(|(k, _)| yaml_key(k).as_deref() == Some(u.as_str()))
            })
            .map(|(_, v)| v.clone())
            .unwrap_or(Yaml::Null)
    }

    fn by_unit(&mut self, file: &str, path: &str, v: &Yaml) -> Yaml {
        let Some(m) = v.as_mapping() else {
            return v.clone();
        };
        if self.units.is_empty() {
            self.error(
                file,
                path,
                RuleCode::BadUnitPoints,
                "按单位类型写的分值需要先在 ruleset.yaml 声明 unit_type（如 unit_type: {field: 单位类型, values: [乡镇, 街道]}）",
            );
            return Yaml::from(0);
        }
        let mut ok = true;
        for k in m.keys() {
            let key = yaml_key(k).unwrap_or_default();
            if !self.units.contains(&key) {
                ok = false;
                self.error(
                    file,
                    &join(path, &key),
                    RuleCode::BadUnitPoints,
                    format!(
                        "「{key}」不是 unit_type 声明的单位类型（{}）",
                        self.units.join("、")
                    ),
                );
            }
        }
        let missing: Vec<&str> = self
            .units
            .iter()
            .filter(|u| !m.keys().any(|k| yaml_key(k).as_deref() == Some(u.as_str())))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            ok = false;
            let missing = missing.join("、");
            self.error(
                file,
                path,
                RuleCode::BadUnitPoints,
                format!("按单位类型写的分值缺少 {missing}：每个单位类型都要写明"),
            );
        }
        if !ok {
            return Yaml::from(0);
        }
        self.pick_unit(v)
    }

    /// `unit_type: {field, values}`: the values (the field is checked against the evidence
    /// once it is compiled, by `unit_type_field`).
    fn unit_types(&mut self, v: Option<&Yaml>) -> Option<(String, Vec<String>)> {
        let f = RULESET_FILE;
        let v = v?;
        let shape = |c: &mut Checker| {
            c.error(
                f,
                "unit_type",
                RuleCode::BadUnitType,
                format!(
                    "unit_type 应写成 {{field: 单位类型, values: [乡镇, 街道]}}（field 为 bundle.yaml 的键，values 至少两个），实为 {}",
                    yaml_display(v)
                ),
            );
        };
        let Some(m) = v.as_mapping() else {
            shape(self);
            return None;
        };
        let field = m.get("field").and_then(yaml_key);
        let values: Option<Vec<String>> = m.get("values").and_then(|v| v.as_sequence()).map(|s| {
            s.iter()
                .map(|x| yaml_key(x).unwrap_or_default().trim().to_string())
                .collect()
        });
        let extra = m
            .keys()
            .filter_map(yaml_key)
            .find(|k| k != "field" && k != "values");
        let (Some(field), Some(values), None) = (field, values, extra) else {
            shape(self);
            return None;
        };
        let mut seen = BTreeSet::new();
        for (i, value) in values.iter().enumerate() {
            if value.is_empty() || !seen.insert(value.clone()) {
                self.error(
                    f,
                    &format!("unit_type.values[{i}]"),
                    RuleCode::BadUnitType,
                    format!("单位类型「{value}」为空或重复"),
                );
                return None;
            }
        }
        if values.len() < 2 {
            shape(self);
            return None;
        }
        Some((field, values))
    }

    fn points(&mut self, file: &str, path: &str, v: &Yaml) -> Decimal {
        let v = &self.by_unit(file, path, v);
        match yaml_decimal(v) {
            Some(d) if d.normalize().scale() > 2 => {
                self.error(
                    file,
                    path,
                    RuleCode::PointsPrecision,
                    format!("分值 {d} 超过两位小数"),
                );
                d
            }
            Some(d) if d < Decimal::ZERO => {
                self.error(
                    file,
                    path,
                    RuleCode::PointsNegative,
                    format!("分值 {d} 为负数"),
                );
                d
            }
            Some(d) => d,
            None => {
                self.error(
                    file,
                    path,
                    RuleCode::PointsNotNumber,
                    format!("分值应为数字，实为 {}", yaml_display(v)),
                );
                Decimal::ZERO
            }
        }
    }

    fn expr(
        &mut self,
        file: &str,
        path: &str,
        src: &str,
        env: &TypeEnv,
        want: Want,
    ) -> Option<Expr> {
        match Expr::compile(src, env) {
            Ok(e) => {
                self.used.extend(e.globals().iter().map(|g| g.to_string()));
                self.columns_read
                    .extend(e.columns().iter().map(|g| g.to_string()));
                self.lint_source(file, path, src, env, false);
                if !want.accepts(e.ty()) {
                    self.error(
                        file,
                        path,
                        ExprCode::TypeMismatch,
                        format!("表达式应为{}，实为 {}：{src}", want.describe(), e.ty()),
                    );
                }
                Some(e)
            }
            Err(errors) => {
                self.expr_errors(file, path, src, errors);
                None
            }
        }
    }

    fn template(&mut self, file: &str, path: &str, src: &str, env: &TypeEnv) -> Option<Template> {
        match Template::compile(src, env) {
            Ok(t) => {
                for hole in t.holes() {
                    self.used
                        .extend(hole.globals().iter().map(|g| g.to_string()));
                    self.columns_read
                        .extend(hole.columns().iter().map(|g| g.to_string()));
                }
                self.lint_source(file, path, src, env, true);
                self.past_year(file, path, src);
                Some(t)
            }
            Err(errors) => {
                self.expr_errors(file, path, src, errors);
                None
            }
        }
    }

    fn expr_errors(&mut self, file: &str, path: &str, src: &str, errors: Vec<ExprError>) {
        let (display, pos) = self.locate(file, path);
        for err in errors {
            // The error renders itself (in Chinese, in one place: expr/error.rs).
            let mut p =
                Problem::error(display.clone(), err.code(), err.to_string()).value(src.to_string());
            if let Some(pos) = pos {
                let (line, col) = span_position(pos, src, err.span.start);
                p = p.at(line, col);
            }
            self.problems.push(p);
        }
    }
}

/// What an expression in a given place must produce.
#[derive(Clone, Copy)]
enum Want {
    Any,
    Bool,
    Num,
    List,
    Date,
    /// A list of ledger rows.
    Rows,
}

impl Want {
    fn accepts(self, ty: &Type) -> bool {
        matches!(ty, Type::Any)
            || match self {
                Want::Any => true,
                Want::Bool => *ty == Type::Bool,
                Want::Num => *ty == Type::Num,
                Want::List => matches!(ty, Type::List(_)),
                Want::Date => *ty == Type::Date,
                Want::Rows => {
                    matches!(ty, Type::List(t) if matches!(**t, Type::Row(_) | Type::Any))
                }
            }
    }

    fn describe(self) -> &'static str {
        match self {
            Want::Any => "值",
            Want::Bool => "真假值（bool）",
            Want::Num => "数字（number）",
            Want::List => "列表（list）",
            Want::Date => "日期（date）",
            Want::Rows => "台账行的列表（list<row>）",
        }
    }
}

/// The line and column of byte offset `at` inside an expression whose YAML scalar is at `pos`.
fn span_position(pos: Pos, src: &str, at: usize) -> (u32, u32) {
    let before = &src[..at.min(src.len())];
    match pos.inline {
        Some(shift) if !src.contains('\n') => {
            (pos.line, pos.col + shift + before.chars().count() as u32)
        }
        // Block scalars: lines follow the scalar's first line; columns are approximate.
        None => {
            let line = pos.line + 1 + before.matches('\n').count() as u32;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
            (line, pos.col + 2 + col)
        }
        Some(_) => (pos.line, pos.col),
    }
}

fn index_positions(node: &Node, path: String, out: &mut BTreeMap<String, Pos>) {
    let inline = match &node.value {
        NodeValue::Scalar { quoted: true, .. } => Some(1),
        NodeValue::Scalar { text, .. } if text.contains('\n') => None,
        _ => Some(0),
    };
    out.insert(
        path.clone(),
        Pos {
            line: node.line,
            col: node.col,
            inline,
        },
    );
    match &node.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                if let NodeValue::Scalar { text, .. } = &k.value {
                    let child = join(&path, text);
                    out.insert(
                        format!("{child}#key"),
                        Pos {
                            line: k.line,
                            col: k.col,
                            inline: Some(0),
                        },
                    );
                    index_positions(v, child, out);
                }
            }
        }
        NodeValue::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                index_positions(v, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A YAML number or numeric string as an exact decimal.
pub(crate) fn yaml_decimal(v: &Yaml) -> Option<Decimal> {
    match v {
        // f64's Display is the shortest round-trip form, so 0.1 reads back as exactly 0.1.
        Yaml::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        Yaml::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// An expression written where YAML read a list or a mapping: say to quote it.
fn not_text_message(what: &str, v: &Yaml) -> String {
    match v {
        Yaml::Sequence(_) | Yaml::Mapping(_) => format!(
            "{what}应为表达式文本，YAML 却读成了{}：以 [ 或 {{ 开头、或含「: 」的表达式须整体加引号，如 '[1, 2].all(x => x > 0)'",
            if v.is_sequence() { "列表" } else { "映射" }
        ),
        _ => format!("{what}应为表达式文本"),
    }
}

/// For a shape error where a text was expected and YAML read a list or a mapping.
fn quote_hint(serde_message: &str) -> &'static str {
    if serde_message.contains("expected a string")
        && (serde_message.contains("invalid type: sequence")
            || serde_message.contains("invalid type: map"))
    {
        "（表达式以 [ 或 { 开头、或含「: 」时，YAML 会把它读成列表或映射：请把整个表达式加引号，如 '[1, 2].all(x => x > 0)'）"
    } else if serde_message.contains("expected a string")
        && ["boolean", "integer", "floating point"]
            .iter()
            .any(|t| serde_message.contains(&format!("invalid type: {t}")))
    {
        "（YAML 把 true、false、数字读成布尔值或数字，而此处要的是表达式或文字：请加引号，如 pass: \"true\"、message: \"2021\"）"
    } else {
        ""
    }
}

fn yaml_display(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "空".to_string(),
        _ => serde_yaml::to_string(v)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn yaml_key(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A parameter value: a date when it reads as one, a number, a list, else text.
fn param_value(v: &Yaml) -> Value {
    match v {
        Yaml::Number(_) => yaml_decimal(v).map(Value::Num).unwrap_or_default(),
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::String(s) => match parse_date(s.trim()) {
            Some(d) => Value::Date(d),
            None => Value::text(s),
        },
        Yaml::Sequence(items) => Value::list(items.iter().map(param_value).collect()),
        _ => Value::Null,
    }
}

fn value_type(v: &Value) -> Type {
    match v {
        Value::Null => Type::Any,
        Value::Bool(_) => Type::Bool,
        Value::Num(_) => Type::Num,
        Value::Text(_) => Type::Text,
        Value::Date(_) => Type::Date,
        Value::List(items) => {
            let first = items.first().map(value_type).unwrap_or(Type::Any);
            if items.iter().all(|i| value_type(i) == first) {
                Type::List(Box::new(first))
            } else {
                Type::List(Box::new(Type::Any))
            }
        }
        _ => Type::Any,
    }
}

impl Checker<'_> {
    fn field_type(&mut self, file: &str, path: &str, v: &Yaml) -> Option<FieldType> {
        match v {
            Yaml::String(s) => match s.as_str() {
                "text" => Some(FieldType::Text),
                "date" => Some(FieldType::Date),
                "count" => Some(FieldType::Count { max: None }),
                "flag" => Some(FieldType::Flag),
                "decimal" => Some(FieldType::Decimal),
                "file" => Some(FieldType::File),
                other => {
                    self.error(
                        file,
                        path,
                        RuleCode::UnknownFieldType,
                        format!("未知的类型 `{other}`（可用：text、date、count、decimal、flag、file、[类型]、{{map: 类型}}）"),
                    );
                    None
                }
            },
            Yaml::Sequence(items) if items.len() == 1 => self
                .field_type(file, &format!("{path}[0]"), &items[0])
                .map(|t| FieldType::List(Box::new(t))),
            Yaml::Mapping(m) => {
                if m.len() == 1 {
                    let (k, inner) = m.iter().next().expect("one entry");
                    match k.as_str() {
                        Some("map") => {
                            return self
                                .field_type(file, &join(path, "map"), inner)
                                .map(|t| FieldType::Map(Box::new(t)));
                        }
                        Some("count") => {
                            return match inner.as_u64() {
                                Some(max) => Some(FieldType::Count { max: Some(max) }),
                                None => {
                                    self.error(
                                        file,
                                        &join(path, "count"),
                                        RuleCode::BadCountMax,
                                        "count 的上限应为非负整数",
                                    );
                                    None
                                }
                            };
                        }
                        _ => {}
                    }
                }
                let mut fields = Vec::new();
                for (k, inner) in m {
                    let Some(name) = yaml_key(k) else { continue };
                    if let Some(t) = self.field_type(file, &join(path, &name), inner) {
                        fields.push((name, t));
                    }
                }
                Some(FieldType::Record(fields))
            }
            other => {
                self.error(
                    file,
                    path,
                    RuleCode::UnknownFieldType,
                    format!("无法识别的类型声明：{}", yaml_display(other)),
                );
                None
            }
        }
    }

    fn columns(&mut self, file: &str, path: &str, v: Option<&Yaml>) -> Vec<ColumnDecl> {
        let mut out = Vec::new();
        let Some(v) = v else { return out };
        let Some(m) = v.as_mapping() else {
            self.error(
                file,
                path,
                RuleCode::RulesetShape,
                "列声明应为 列名: 类型 的映射",
            );
            return out;
        };
        for (k, t) in m {
            let Some(name) = yaml_key(k) else { continue };
            if let Some(ty) = self.field_type(file, &join(path, &name), t) {
                out.push(ColumnDecl { name, ty });
            }
        }
        out
    }

    /// A list of texts, or one text (`名称` is `[名称]`).
    fn texts(&mut self, file: &str, path: &str, v: &Yaml) -> Vec<String> {
        let items: Vec<&Yaml> = match v {
            Yaml::Sequence(items) => items.iter().collect(),
            Yaml::Null => Vec::new(),
            one => vec![one],
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Yaml::String(_) | Yaml::Number(_) => out.push(yaml_display(item)),
                other => self.error(
                    file,
                    &format!("{path}[{i}]"),
                    RuleCode::RulesetShape,
                    format!("应为文本，实为 {}", yaml_display(other)),
                ),
            }
        }
        out
    }

    /// `aliases: {标题: [名称, 信息名称]}`: other header names for a declared column. Names
    /// are compared with whitespace removed, as header cells are; a name may stand for one
    /// column only, and never for another declared column.
    fn aliases(
        &mut self,
        file: &str,
        path: &str,
        v: Option<&Yaml>,
        ledger: &LedgerDecl,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return out;
        };
        let Some(m) = v.as_mapping() else {
            self.error(
                file,
                path,
                RuleCode::RulesetShape,
                "aliases 应为 列名: [别名…] 的映射",
            );
            return out;
        };
        for (k, names) in m {
            let Some(column) = yaml_key(k) else { continue };
            let at = join(path, &column);
            if ledger.column(&column).is_none() {
                self.error(
                    file,
                    &format!("{at}#key"),
                    ExprCode::UnknownColumn,
                    format!(
                        "台账 {} 没有声明列 {column}，不能为它写别名（已声明：{}）",
                        ledger.name,
                        ledger
                            .columns()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                );
                continue;
            }
            for (i, name) in self.texts(file, &at, names).into_iter().enumerate() {
                let name = crate::text::squash_whitespace(&name);
                let item = format!("{at}[{i}]");
                if let Some(other) = ledger.columns().find(|c| c.name == name) {
                    self.error(
                        file,
                        &item,
                        RuleCode::AliasConflict,
                        format!(
                            "别名「{name}」就是台账 {} 的列名「{}」",
                            ledger.name, other.name
                        ),
                    );
                } else if let Some((other, _)) = out.iter().find(|(_, n)| *n == name) {
                    self.error(
                        file,
                        &item,
                        RuleCode::AliasConflict,
                        format!("别名「{name}」已是列「{other}」的别名：一个表头只能对应一列"),
                    );
                } else {
                    out.push((column.clone(), name));
                }
            }
        }
        out
    }

    /// `vocabulary: {栏目: {政府文件: [政策文件, 规范性文件]}}`: in a text column, values a
    /// platform writes that count as one of the rule set's own. A value maps to one value only,
    /// and a value that is itself a target is not mapped away.
    fn vocabulary(
        &mut self,
        file: &str,
        path: &str,
        v: Option<&Yaml>,
        ledger: &LedgerDecl,
    ) -> Vec<VocabularyEntry> {
        let mut out: Vec<VocabularyEntry> = Vec::new();
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return out;
        };
        let Some(m) = v.as_mapping() else {
            self.error(
                file,
                path,
                RuleCode::RulesetShape,
                "vocabulary 应为 列名: {本规则集的值: [平台的写法…]} 的映射",
            );
            return out;
        };
        for (k, map) in m {
            let Some(column) = yaml_key(k) else { continue };
            let at = join(path, &column);
            match ledger.column(&column) {
                None => {
                    self.error(
                        file,
                        &format!("{at}#key"),
                        ExprCode::UnknownColumn,
                        format!("台账 {} 没有声明列 {column}，不能为它写对照", ledger.name),
                    );
                    continue;
                }
                Some(c) if c.ty != FieldType::Text => {
                    self.error(
                        file,
                        &format!("{at}#key"),
                        ExprCode::TypeMismatch,
                        format!("列 {column} 不是 text 类型，只有文本列可以写值的对照"),
                    );
                    continue;
                }
                Some(_) => {}
            }
            let Some(targets) = map.as_mapping() else {
                self.error(
                    file,
                    &at,
                    RuleCode::RulesetShape,
                    "应为 本规则集的值: [平台的写法…] 的映射",
                );
                continue;
            };
            let own: Vec<String> = targets.keys().filter_map(yaml_key).collect();
            for (tk, froms) in targets {
                let Some(to) = yaml_key(tk) else { continue };
                let tat = join(&at, &to);
                for (i, from) in self.texts(file, &tat, froms).into_iter().enumerate() {
                    let from = crate::text::trim(&from).to_string();
                    let item = format!("{tat}[{i}]");
                    if own.contains(&from) {
                        self.error(
                            file,
                            &item,
                            RuleCode::VocabularyConflict,
                            format!("「{from}」本身是对照的目标值，不能再对到「{to}」"),
                        );
                    } else if let Some(e) =
                        out.iter().find(|e| e.column == column && e.from == from)
                    {
                        self.error(
                            file,
                            &item,
                            RuleCode::VocabularyConflict,
                            format!("「{from}」已对到「{}」：一个值只能计为一个值", e.to),
                        );
                    } else {
                        out.push(VocabularyEntry {
                            column: column.clone(),
                            from,
                            to: to.clone(),
                        });
                    }
                }
            }
        }
        out
    }

    fn evidence(&mut self, file: &str, raw: &RawEvidence) -> EvidenceDecl {
        let mut decl = EvidenceDecl::default();
        for (k, v) in &raw.ledgers {
            let Some(name) = yaml_key(k) else { continue };
            let path = format!("evidence.ledgers.{name}");
            let title = v
                .get("title")
                .and_then(Yaml::as_str)
                .unwrap_or(&name)
                .to_string();
            let required = self.columns(file, &join(&path, "required"), v.get("required"));
            let optional = self.columns(file, &join(&path, "optional"), v.get("optional"));
            if required.is_empty() {
                self.error(
                    file,
                    &path,
                    RuleCode::LedgerNoColumns,
                    format!("台账 {name} 没有声明必备列"),
                );
            }
            if let Some(m) = v.as_mapping() {
                let extra: BTreeMap<String, Yaml> = m
                    .iter()
                    .filter_map(|(k, v)| yaml_key(k).map(|k| (k, v.clone())))
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "title" | "required" | "optional" | "aliases" | "vocabulary"
                        )
                    })
                    .collect();
                self.extra_keys(file, &path, &extra);
            }
            let mut ledger = LedgerDecl {
                name,
                title,
                required,
                optional,
                ..LedgerDecl::default()
            };
            ledger.aliases = self.aliases(file, &join(&path, "aliases"), v.get("aliases"), &ledger);
            ledger.vocabulary = self.vocabulary(
                file,
                &join(&path, "vocabulary"),
                v.get("vocabulary"),
                &ledger,
            );
            decl.ledgers.push(ledger);
        }
        for (k, v) in &raw.documents {
            let Some(name) = yaml_key(k) else { continue };
            let path = format!("evidence.documents.{name}");
            let title = v
                .get("title")
                .and_then(Yaml::as_str)
                .unwrap_or(&name)
                .to_string();
            let fields = self
                .columns(file, &join(&path, "fields"), v.get("fields"))
                .into_iter()
                .map(|c| (c.name, c.ty))
                .collect();
            decl.documents.push(DocumentDecl {
                name,
                title,
                fields,
            });
        }
        for (k, v) in &raw.manifest {
            let Some(name) = yaml_key(k) else { continue };
            if let Some(t) = self.field_type(file, &format!("evidence.manifest.{name}"), v) {
                decl.manifest.push((name, t));
            }
        }
        decl
    }
}

/// The static names every expression sees (before params and lets).
fn base_env(evidence: &Arc<EvidenceDecl>) -> TypeEnv {
    let mut names = BTreeMap::new();
    names.insert("单位".to_string(), Type::Text);
    names.insert("上级单位".to_string(), Type::Text);
    names.insert("考核年度".to_string(), Type::Num);
    names.insert("报送日期".to_string(), Type::Date);
    names.insert("截至日期".to_string(), Type::Date);
    let ledgers = evidence
        .ledgers
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                Type::List(Box::new(Type::Row(Arc::from(l.name.as_str())))),
            )
        })
        .collect();
    names.insert(
        "台账".to_string(),
        Type::Record(Arc::new(RecordType { fields: ledgers })),
    );
    let docs = evidence
        .documents
        .iter()
        .map(|d| (d.name.clone(), Type::Doc))
        .collect();
    names.insert(
        "文档".to_string(),
        Type::Record(Arc::new(RecordType { fields: docs })),
    );
    for (name, ty) in &evidence.manifest {
        names.insert(name.clone(), ty.to_type());
    }
    TypeEnv {
        names,
        evidence: Arc::clone(evidence),
    }
}

fn with_name(env: &TypeEnv, name: &str, ty: Type) -> TypeEnv {
    let mut env = env.clone();
    env.names.insert(name.to_string(), ty);
    env
}

fn element_type(ty: &Type) -> Type {
    match ty {
        Type::List(t) => (**t).clone(),
        _ => Type::Any,
    }
}

/// What `kaohe rules check` reports: the compiled rule set when there is no error, and every
/// problem (errors and warnings) in file order.
pub struct Checked {
    pub rules: Option<RuleSet>,
    pub problems: Vec<Problem>,
}

/// Load and validate a rule set completely. All errors are returned together; warnings
/// (`unused-param`, …) do not stop scoring and only `kaohe rules check` shows them.
pub fn compile(files: &RuleFiles) -> Result<RuleSet, Fatal> {
    let checked = check(files);
    match checked.rules {
        Some(rules) => Ok(rules),
        None => Err(Fatal {
            problems: checked
                .problems
                .into_iter()
                .filter(|p| p.severity == Severity::Error)
                .collect(),
        }),
    }
}

/// The holiday calendars a rule set adds (`calendar: file.csv` or a list), from its own folder
/// or, for an overlay, the folder of the rule set it extends.
fn rule_calendar(c: &mut Checker, raw: Option<&Yaml>) -> crate::calendar::Calendar {
    let mut calendar = crate::calendar::Calendar::default();
    let names: Vec<(String, String)> = match raw {
        None | Some(Yaml::Null) => Vec::new(),
        Some(Yaml::String(s)) => vec![("calendar".to_string(), s.clone())],
        Some(Yaml::Sequence(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("calendar[{i}]"), yaml_display(v)))
            .collect(),
        Some(other) => {
            c.error(
                RULESET_FILE,
                "calendar",
                RuleCode::RulesetShape,
                format!(
                    "calendar 应为日历文件名或文件名列表，实为 {}",
                    yaml_display(other)
                ),
            );
            Vec::new()
        }
    };
    for (path, name) in names {
        let name = name.trim().replace('\\', "/");
        let found = c
            .files
            .files
            .get(&name)
            .map(|t| (c.files.display(&name), t))
            .or_else(|| {
                let base = c.files.base.as_ref()?;
                base.files.get(&name).map(|t| (base.display(&name), t))
            });
        let Some((display, text)) = found else {
            c.error(
                RULESET_FILE,
                &path,
                RuleCode::CalendarFileMissing,
                format!("calendar 指定的日历文件「{name}」不在规则集目录中"),
            );
            continue;
        };
        match crate::calendar::Calendar::parse_csv(text, &display) {
            Ok(extra) => calendar.merge(extra),
            Err(problems) => {
                for p in problems {
                    let mut q = Problem::error(
                        p.file.clone(),
                        RuleCode::CalendarFileInvalid,
                        format!("{}（日历文件每行为 日期,holiday|workday,节日）", p.message),
                    );
                    q.line = p.line;
                    q.value = p.value;
                    c.problems.push(q);
                }
            }
        }
    }
    calendar
}

/// Validate a rule set completely, collecting errors and warnings.
pub fn check(files: &RuleFiles) -> Checked {
    let mut c = Checker {
        files,
        positions: BTreeMap::new(),
        problems: Vec::new(),
        used: BTreeSet::new(),
        columns_read: BTreeSet::new(),
        year: None,
        merged: BTreeMap::new(),
        remap: BTreeMap::new(),
        units: Vec::new(),
        unit: 0,
    };
    let mut rules = compile_checked(&mut c);
    // Numbers written per unit type: the rule set is compiled once more per unit type, which
    // checks every budget, level and band for each; a bundle is scored with its own.
    if !c.units.is_empty() {
        let mut variants = Vec::new();
        for u in 0..c.units.len() {
            c.unit = u;
            variants.push(compile_checked(&mut c).map(Arc::new));
        }
        if let Some(ut) = rules.as_mut().and_then(|r| r.unit_type.as_mut()) {
            ut.index = None;
            ut.variants = variants.into_iter().flatten().collect();
        }
    }
    let mut problems = c.problems;
    // Stable: problems of one spot keep the order they were found in. A problem found again
    // when compiling for another unit type is said once.
    problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    let mut unique: Vec<Problem> = Vec::with_capacity(problems.len());
    for p in problems {
        let spot = |q: &Problem| (&q.file, q.line, q.col) == (&p.file, p.line, p.col);
        if !unique.iter().rev().take_while(|q| spot(q)).any(|q| *q == p) {
            unique.push(p);
        }
    }
    let problems = unique;
    let has_error = problems.iter().any(|p| p.severity == Severity::Error);
    Checked {
        rules: rules.filter(|_| !has_error),
        problems,
    }
}

fn compile_checked(c: &mut Checker) -> Option<RuleSet> {
    let files = c.files;
    if files.extends.is_some() && !overlay::prepare_overlay(c) {
        return None;
    }
    let raw = c.parse::<RawRuleSet>(RULESET_FILE)?;
    let f = RULESET_FILE;
    c.extra_keys(f, "", &raw.extra);
    c.year = Some(raw.year);
    let unit_types = c.unit_types(raw.unit_type.as_ref());
    c.units = unit_types.as_ref().map(|u| u.1.clone()).unwrap_or_default();
    let unit_note = |c: &Checker| match c.units.get(c.unit) {
        Some(u) => format!("单位类型为{u}时，"),
        None => String::new(),
    };
    let calendar = rule_calendar(c, raw.calendar.as_ref());
    let mut full_calendar = crate::calendar::Calendar::builtin();
    full_calendar.merge(calendar.clone());
    let calendar_years = full_calendar.years();
    if !calendar_years.contains(&raw.year) {
        c.error(
            f,
            "year",
            RuleCode::YearNotInCalendar,
            format!(
                "考核年度 {} 不在工作日日历内（日历覆盖 {}–{} 年）",
                raw.year,
                calendar_years.first().copied().unwrap_or_default(),
                calendar_years.last().copied().unwrap_or_default()
            ),
        );
    }

    let max = c.points(f, "max", &raw.max);
    let bonus_cap = raw
        .bonus_cap
        .as_ref()
        .map(|v| c.points(f, "bonus_cap", v))
        .unwrap_or(Decimal::ZERO);

    let mut grades = Vec::new();
    for (i, g) in raw.grades.iter().enumerate() {
        let min = c.points(f, &format!("grades[{i}].min"), &g.min);
        if let Some(prev) = grades.last().map(|g: &Grade| g.min)
            && min >= prev
        {
            c.error(
                f,
                &format!("grades[{i}].min"),
                RuleCode::GradesNotDescending,
                "等次应从高到低排列，下限依次递减",
            );
        }
        grades.push(Grade {
            name: g.name.clone(),
            min,
        });
    }
    if grades.is_empty() {
        c.error(f, "grades", RuleCode::GradesEmpty, "至少需要一个等次");
    } else if grades.last().is_some_and(|g| g.min != Decimal::ZERO) {
        c.error(
            f,
            &format!("grades[{}].min", grades.len() - 1),
            RuleCode::GradesNoFloor,
            "最低等次的下限应为 0，否则低分无等次",
        );
    }
    let veto_grade = raw
        .veto_grade
        .clone()
        .or_else(|| grades.last().map(|g| g.name.clone()))
        .unwrap_or_default();
    if !grades.is_empty() && !grades.iter().any(|g| g.name == veto_grade) {
        c.error(
            f,
            "veto_grade",
            RuleCode::UnknownGrade,
            format!("否决等次 `{veto_grade}` 不在 grades 中"),
        );
    }

    let veto_label = raw
        .veto_label
        .clone()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "一票否决".to_string());
    let rounding = rounding(c, raw.rounding.as_ref());
    let rescale_total = rescale(c, f, "rescale", raw.rescale.as_ref());
    let group_ids: Vec<String> = raw
        .groups
        .iter()
        .map(|g| yaml_key(&g.id).unwrap_or_default())
        .collect();
    let marks = VetoDefaults {
        label: veto_label.clone(),
        grade: veto_grade.clone(),
        grades: grades.iter().map(|g| g.name.clone()).collect(),
        group_ids: group_ids.clone(),
    };

    let evidence = Arc::new(c.evidence(f, &raw.evidence));
    if let Some((field, _)) = &unit_types {
        let declared = evidence.manifest.iter().find(|(n, _)| n == field);
        if !matches!(declared, Some((_, FieldType::Text))) {
            c.error(
                f,
                "unit_type.field",
                RuleCode::BadUnitType,
                format!(
                    "unit_type 的 field「{field}」应在 evidence.manifest 中声明为 text（如 {field}: text），实为{}",
                    match declared {
                        None => "未声明".to_string(),
                        Some(_) => "其他类型".to_string(),
                    }
                ),
            );
        }
    }
    let mut env = base_env(&evidence);

    let mut params = Vec::new();
    for (k, v) in &raw.params {
        let Some(name) = yaml_key(k) else { continue };
        let value = param_value(v);
        if env.names.contains_key(&name) {
            c.error(
                f,
                &format!("params.{name}"),
                RuleCode::NameClash,
                format!("参数名 `{name}` 与清单字段重名"),
            );
        }
        env.names.insert(name.clone(), value_type(&value));
        let dates: Vec<jiff::civil::Date> = match &value {
            Value::Date(d) => vec![*d],
            Value::List(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::Date(d) => Some(*d),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for d in dates {
            if d.year() != raw.year && d.year() != raw.year + 1 {
                c.warn(
                    f,
                    &format!("params.{name}"),
                    RuleCode::DateOutsideYear,
                    format!(
                        "参数 {name} 的日期 {d} 不在考核年度 {} 或次年内（是否沿用了上一年的日期？）",
                        raw.year
                    ),
                );
            }
        }
        params.push((name, value));
    }

    // Shared definitions: like an indicator's `let`, visible to every indicator and check.
    let mut lets = Vec::new();
    for (k, v) in &raw.lets {
        let Some(name) = yaml_key(k) else { continue };
        let p = format!("let.{name}");
        if env.names.contains_key(&name) {
            c.error(
                f,
                &p,
                RuleCode::NameClash,
                format!("let 名称 `{name}` 与已有名称重名"),
            );
        }
        let Some(src) = v.as_str() else {
            c.error(
                f,
                &p,
                RuleCode::RulesetShape,
                not_text_message("let 的值", v),
            );
            continue;
        };
        match c.expr(f, &p, src, &env, Want::Any) {
            Some(e) => {
                env.names.insert(name.clone(), e.ty().clone());
                lets.push((name, e));
            }
            None => {
                env.names.insert(name, Type::Any);
            }
        }
    }

    let mut checks = Vec::new();
    for (i, rc) in raw.checks.iter().enumerate() {
        let path = format!("checks[{i}]");
        c.extra_keys(f, &path, &rc.extra);
        let code = CheckCode::new(&rc.code);
        if code.is_none() {
            c.error(
                f,
                &join(&path, "code"),
                RuleCode::BadCode,
                format!(
                    "检查代码 `{}` 应为小写短横线形式（如 reply-before-receipt）",
                    rc.code
                ),
            );
        }
        let over = c.expr(f, &join(&path, "over"), &rc.over, &env, Want::List);
        let item_env = over.as_ref().map_or_else(
            || with_name(&env, "it", Type::Any),
            |o| with_name(&env, "it", element_type(o.ty())),
        );
        let item_env = with_name(&item_env, "index", Type::Num);
        let when = c.expr(f, &join(&path, "when"), &rc.when, &item_env, Want::Bool);
        let value = rc
            .value
            .as_ref()
            .map(|v| c.expr(f, &join(&path, "value"), v, &item_env, Want::Any));
        let key = rc
            .key
            .as_ref()
            .map(|k| c.template(f, &join(&path, "key"), k, &item_env));
        let message = c.template(f, &join(&path, "message"), &rc.message, &item_env);
        let severity = match rc.severity.as_deref() {
            None | Some("warning") => Severity::Warning,
            Some("error") => Severity::Error,
            Some(other) => {
                c.error(
                    f,
                    &join(&path, "severity"),
                    RuleCode::BadSeverity,
                    format!("severity 应为 error 或 warning，实为 `{other}`"),
                );
                Severity::Warning
            }
        };
        if let (Some(code), Some(over), Some(when), Some(message)) = (code, over, when, message) {
            checks.push(Check {
                code,
                over,
                when,
                column: rc.column.clone(),
                value: value.flatten(),
                key: key.flatten(),
                severity,
                message,
            });
        }
    }

    let mut groups = Vec::new();
    let mut indicators = Vec::new();
    let mut ids = BTreeSet::new();
    let mut base_total = Decimal::ZERO;
    for (gi, rg) in raw.groups.iter().enumerate() {
        let gpath = format!("groups[{gi}]");
        c.extra_keys(f, &gpath, &rg.extra);
        let points = c.points(f, &join(&gpath, "points"), &rg.points);
        let weight = match &rg.weight {
            None => Decimal::ONE,
            Some(w) => match yaml_decimal(w) {
                Some(d) if d > Decimal::ZERO => d,
                _ => {
                    c.error(
                        f,
                        &join(&gpath, "weight"),
                        RuleCode::BadWeight,
                        format!(
                            "weight 应为正数（如 0.8 表示按80%计入总分），实为 {}",
                            yaml_display(w)
                        ),
                    );
                    Decimal::ONE
                }
            },
        };
        if !rg.bonus {
            base_total += points * weight;
        }
        groups.push(Group {
            id: yaml_key(&rg.id).unwrap_or_default(),
            name: rg.name.clone(),
            points,
            bonus: rg.bonus,
            rescale: rescale(c, f, &join(&gpath, "rescale"), rg.rescale.as_ref()),
            weight,
        });
        let file = rg.file.as_str();
        if c.text(file).is_none() {
            c.error(
                f,
                &join(&gpath, "file"),
                RuleCode::RulesetFileMissing,
                format!("{} 的文件 {file} 不存在", rg.name),
            );
            continue;
        }
        let Some(raw_file) = c.parse::<RawIndicatorFile>(file) else {
            continue;
        };
        c.extra_keys(file, "", &raw_file.extra);
        let mut group_total = Decimal::ZERO;
        let mut group_unknown = false;
        let group_varied =
            rg.points.is_mapping() || raw_file.indicators.iter().any(|ri| ri.points.is_mapping());
        for (ii, ri) in raw_file.indicators.iter().enumerate() {
            let path = format!("indicators[{ii}]");
            // Budgets count what is written, also for an indicator that failed to compile, so
            // one mistake is not reported twice.
            // A mapping without this unit type's number is reported where it is written.
            let picked = c.pick_unit(&ri.points);
            group_unknown |= ri.points.is_mapping() && picked.is_null();
            group_total += yaml_decimal(&picked).unwrap_or_default();
            if let Some(ind) = compile_indicator(c, file, &path, ri, gi, &env, &marks) {
                // Users type ids in any case (`b1` is `B1`), so they must differ beyond case.
                if !ids.insert(ind.id.to_ascii_uppercase()) {
                    c.error(
                        file,
                        &join(&path, "id"),
                        RuleCode::DuplicateId,
                        format!("指标编号 {} 重复（编号不区分大小写）", ind.id),
                    );
                }
                indicators.push(ind);
            }
        }
        if group_total != points && !group_unknown {
            let (code, note) = match group_varied && !c.units.is_empty() {
                true => (RuleCode::UnitPointsMismatch, unit_note(c)),
                false => (RuleCode::GroupPointsMismatch, String::new()),
            };
            c.error(
                f,
                &join(&gpath, "points"),
                code,
                format!(
                    "{note}{} 的分值为 {}，但其指标分值合计为 {}",
                    rg.name,
                    points.normalize(),
                    group_total.normalize()
                ),
            );
        }
    }
    let total_unknown = std::iter::once(&raw.max)
        .chain(raw.groups.iter().map(|g| &g.points))
        .any(|v| v.is_mapping() && c.pick_unit(v).is_null());
    if base_total != max && !total_unknown {
        let weighted = if groups.iter().any(|g| g.weight != Decimal::ONE) {
            "（按 weight 加权）"
        } else {
            ""
        };
        let varied = raw.max.is_mapping() || raw.groups.iter().any(|g| g.points.is_mapping());
        let (code, note) = match varied && !c.units.is_empty() {
            true => (RuleCode::UnitPointsMismatch, unit_note(c)),
            false => (RuleCode::TotalPointsMismatch, String::new()),
        };
        c.error(
            f,
            "max",
            code,
            format!(
                "{note}max 为 {}，但非加分组的分值合计{weighted}为 {}",
                max.normalize(),
                base_total.normalize()
            ),
        );
    }

    let grading = grading_rules(c, &raw.grading, &env, &groups, &indicators, &marks);
    let township = township::compile(c, raw.township.as_deref(), &env, &groups, &indicators);

    // Usage is only known when everything compiled.
    let compiled = !c.problems.iter().any(|p| p.severity == Severity::Error);
    for (name, _) in &params {
        if compiled && !c.used.contains(name) {
            c.warn(
                f,
                &format!("params.{name}"),
                RuleCode::UnusedParam,
                format!("参数 {name} 没有被任何表达式或消息使用"),
            );
        }
    }

    if c.problems.iter().any(|p| p.severity == Severity::Error) {
        return None;
    }

    let mut hasher = Sha256::new();
    for (path, text) in &files.files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    // An overlay's score depends on its base too.
    for (path, text) in files.base.iter().flat_map(|b| &b.files) {
        hasher.update(b"base/");
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    Some(RuleSet {
        calendar,
        lets,
        id: raw.id,
        title: raw.title,
        example: raw.example,
        year: raw.year,
        max,
        bonus_cap,
        grades,
        veto_grade,
        veto_label,
        rounding,
        rescale: rescale_total,
        grading,
        params,
        groups,
        indicators,
        evidence,
        checks,
        township,
        unit_type: unit_types.map(|(field, values)| UnitType {
            field,
            values,
            index: Some(c.unit),
            variants: Vec::new(),
        }),
        sha256: hex(&hasher.finalize()),
    })
}

fn compile_indicator(
    c: &mut Checker,
    file: &str,
    path: &str,
    ri: &RawIndicator,
    group: usize,
    env: &TypeEnv,
    marks: &VetoDefaults,
) -> Option<Indicator> {
    // `let` names are the indicator's own: count what this indicator reads, apart.
    let outer = std::mem::take(&mut c.used);
    let outer_columns = std::mem::take(&mut c.columns_read);
    let mut indicator = compile_indicator_body(c, file, path, ri, group, env, marks);
    if let Some(ind) = &indicator
        && !matches!(ind.method, Method::Manual)
    {
        for (name, _) in &ind.lets {
            if !c.used.contains(name) {
                c.warn(
                    file,
                    &format!("{path}.let.{name}"),
                    RuleCode::UnusedLet,
                    format!("指标 {} 的 let 名称 {name} 没有被使用", ind.id),
                );
            }
        }
    }
    c.used.extend(outer);
    let read = std::mem::replace(&mut c.columns_read, outer_columns);
    if let Some(ind) = indicator.as_mut() {
        ind.reads = read.iter().cloned().collect();
    }
    c.columns_read.extend(read);
    indicator
}

fn compile_indicator_body(
    c: &mut Checker,
    file: &str,
    path: &str,
    ri: &RawIndicator,
    group: usize,
    env: &TypeEnv,
    marks: &VetoDefaults,
) -> Option<Indicator> {
    c.extra_keys(file, path, &ri.extra);
    let id = match &ri.id {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => {
            c.error(
                file,
                &join(path, "id"),
                RuleCode::UnquotedId,
                format!("指标编号 {n} 未加引号：YAML 会把 1.10 读成数字 1.1，请写成 \"{n}\""),
            );
            n.to_string()
        }
        other => {
            c.error(
                file,
                &join(path, "id"),
                RuleCode::BadId,
                format!("指标编号应为文本，实为 {}", yaml_display(other)),
            );
            return None;
        }
    };
    let points = c.points(file, &join(path, "points"), &ri.points);
    for (key, text) in [
        ("basis", &ri.basis),
        ("measure", &ri.measure),
        ("fix", &ri.fix),
    ] {
        c.past_year(file, &join(path, key), text);
    }

    let evidence = Arc::clone(&env.evidence);
    let source = match ri.source.as_deref().map(str::trim) {
        None | Some("bundle.yaml") => Source::Manifest,
        Some(s) => {
            if let Some(name) = s.strip_prefix("台账.")
                && evidence.ledger(name).is_some()
            {
                Source::Ledger(name.to_string())
            } else if let Some(name) = s.strip_prefix("文档.")
                && evidence.document(name).is_some()
            {
                Source::Document(name.to_string())
            } else {
                c.error(
                    file,
                    &join(path, "source"),
                    RuleCode::UnknownSource,
                    format!(
                        "source `{s}` 应为 台账.<已声明台账>、文档.<已声明文档> 或 bundle.yaml"
                    ),
                );
                Source::Manifest
            }
        }
    };

    // Evaluated before anything else, with the global names only (unit attributes).
    let applies_when = ri
        .applies_when
        .as_ref()
        .and_then(|src| c.expr(file, &join(path, "applies_when"), src, env, Want::Bool));

    let mut requires = Vec::new();
    for (i, r) in ri.requires.iter().enumerate() {
        let p = format!("{path}.requires[{i}].need");
        if let Some(need) = c.expr(file, &p, &r.need, env, Want::Any) {
            requires.push(Requirement {
                need,
                what: r.what.clone(),
            });
        }
    }

    let mut env = env.clone();
    let mut lets = Vec::new();
    for (k, v) in &ri.lets {
        let Some(name) = yaml_key(k) else { continue };
        let p = format!("{path}.let.{name}");
        if env.names.contains_key(&name) {
            c.error(
                file,
                &p,
                RuleCode::NameClash,
                format!("let 名称 `{name}` 与已有名称重名"),
            );
        }
        let Some(src) = v.as_str() else {
            c.error(
                file,
                &p,
                RuleCode::RulesetShape,
                not_text_message("let 的值", v),
            );
            continue;
        };
        if let Some(e) = c.expr(file, &p, src, &env, Want::Any) {
            env.names.insert(name.clone(), e.ty().clone());
            lets.push((name, e));
        } else {
            env.names.insert(name, Type::Any);
        }
    }

    let zero_when = ri.zero_when.as_ref().and_then(|z| {
        let cond = c.expr(
            file,
            &format!("{path}.zero_when.if"),
            &z.cond,
            &env,
            Want::Bool,
        );
        let msg = c.template(file, &format!("{path}.zero_when.message"), &z.message, &env);
        Some((cond?, msg?))
    });

    let veto = ri.veto.as_ref().and_then(|v| {
        let items = c.expr(
            file,
            &format!("{path}.veto.items"),
            &v.items,
            &env,
            Want::List,
        )?;
        let item_env = with_name(&env, "it", element_type(items.ty()));
        let message = c.template(file, &format!("{path}.veto.message"), &v.message, &item_env)?;
        let vpath = format!("{path}.veto");
        c.extra_keys(file, &vpath, &v.extra);
        let (scope, grade) = veto_options(c, file, &vpath, v, group, marks);
        Some(Veto {
            items,
            message,
            label: v
                .label
                .clone()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| marks.label.clone()),
            scope,
            grade,
        })
    });

    let mpath = join(path, "method");
    // Levels and caps are held to the points, except where the points written per unit type
    // are 0 for this one: the indicator is 不适用 to it and its levels are another type's.
    let limit = match ri.points.is_mapping() && points.is_zero() {
        true => Decimal::MAX,
        false => points,
    };
    let method = compile_method(c, file, &mpath, &ri.method, &env, limit)?;
    if matches!(method, Method::Manual) && !ri.lets.is_empty() {
        c.error(
            file,
            &mpath,
            RuleCode::ManualWithMeasure,
            "人工评分指标不应有 let",
        );
    }

    Some(Indicator {
        id,
        name: ri.name.clone(),
        group,
        points,
        basis: ri.basis.clone(),
        measure: ri.measure.clone(),
        fix: ri.fix.clone(),
        requires,
        source,
        lets,
        zero_when,
        veto,
        applies_when,
        method,
        reads: Vec::new(),
        points_by_unit: ri.points.is_mapping(),
    })
}

/// What a rule set says about vetoes, for compiling each indicator's `veto:`.
struct VetoDefaults {
    label: String,
    grade: String,
    grades: Vec<String>,
    group_ids: Vec<String>,
}

/// `scope` and `grade` of a veto.
fn veto_options(
    c: &mut Checker,
    file: &str,
    path: &str,
    v: &RawVeto,
    group: usize,
    marks: &VetoDefaults,
) -> (VetoScope, Option<String>) {
    let spath = join(path, "scope");
    let scope = match &v.scope {
        None => VetoScope::Indicator,
        Some(Yaml::String(s)) if s == "indicator" => VetoScope::Indicator,
        Some(Yaml::String(s)) if s == "group" => VetoScope::Groups(vec![group]),
        Some(Yaml::String(s)) if s == "none" => VetoScope::None,
        Some(Yaml::Sequence(ids)) => {
            let mut groups = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                let id = yaml_key(id).unwrap_or_default();
                match marks.group_ids.iter().position(|g| *g == id) {
                    Some(gi) => groups.push(gi),
                    None => c.error(
                        file,
                        &format!("{spath}[{i}]"),
                        RuleCode::UnknownGroup,
                        format!(
                            "scope 中的组 `{id}` 不在 ruleset.yaml 的 groups 中（可用：{}）",
                            marks.group_ids.join("、")
                        ),
                    ),
                }
            }
            VetoScope::Groups(groups)
        }
        Some(other) => {
            c.error(
                file,
                &spath,
                RuleCode::RulesetShape,
                format!(
                    "veto 的 scope 应为 indicator（本指标不得分）、group（本组不得分）、none（保留得分，只定等次）或组编号列表，实为 {}",
                    yaml_display(other)
                ),
            );
            VetoScope::Indicator
        }
    };
    let gpath = join(path, "grade");
    let grade = match &v.grade {
        None => Some(marks.grade.clone()),
        Some(Yaml::Bool(false)) => None,
        Some(g) => {
            let name = yaml_display(g);
            if !marks.grades.contains(&name) {
                c.error(
                    file,
                    &gpath,
                    RuleCode::UnknownGrade,
                    format!(
                        "veto 的 grade `{name}` 不在 grades 中（可用：{}；不定等次写 false）",
                        marks.grades.join("、")
                    ),
                );
            }
            Some(name)
        }
    };
    if grade.is_none() && matches!(scope, VetoScope::None | VetoScope::Indicator) {
        c.error(
            file,
            &gpath,
            RuleCode::VetoNoEffect,
            "veto 的 grade 为 false 时，scope 应为 group 或组编号列表，否则否决不起作用",
        );
    }
    (scope, grade)
}

/// `rescale: applicable` (or absent).
fn rescale(c: &mut Checker, file: &str, path: &str, v: Option<&Yaml>) -> bool {
    match v {
        None | Some(Yaml::Null) => false,
        Some(Yaml::String(s)) if s == "applicable" => true,
        Some(other) => {
            c.error(
                file,
                path,
                RuleCode::RulesetShape,
                format!(
                    "rescale 只能写 applicable（按适用指标的分值折算），实为 {}",
                    yaml_display(other)
                ),
            );
            false
        }
    }
}

/// `rounding: {where, step, rule}`.
fn rounding(c: &mut Checker, v: Option<&Yaml>) -> Rounding {
    let f = RULESET_FILE;
    let mut r = Rounding::default();
    let Some(v) = v else { return r };
    r.declared = true;
    let Some(m) = v.as_mapping() else {
        c.error(
            f,
            "rounding",
            RuleCode::BadRounding,
            format!(
                "rounding 应为映射 {{where: total, step: 0.01, rule: half-up}}，实为 {}",
                yaml_display(v)
            ),
        );
        return r;
    };
    let mut seen_where = false;
    for (k, val) in m {
        let key = yaml_display(k);
        let path = join("rounding", &key);
        match key.as_str() {
            "where" => {
                seen_where = true;
                r.indicator = false;
                r.part = false;
                r.total = false;
                let items: Vec<(String, &Yaml)> = match val {
                    Yaml::Sequence(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, y)| (format!("{path}[{i}]"), y))
                        .collect(),
                    other => vec![(path.clone(), other)],
                };
                for (p, y) in items {
                    match y.as_str() {
                        Some("indicator") => r.indicator = true,
                        Some("part") => r.part = true,
                        Some("total") => r.total = true,
                        _ => c.error(
                            f,
                            &p,
                            RuleCode::BadRounding,
                            format!(
                                "rounding 的 where 应为 indicator（每个指标）、part（每个部分）、total（总分）或它们的列表，实为 {}",
                                yaml_display(y)
                            ),
                        ),
                    }
                }
            }
            "step" => match yaml_decimal(val) {
                Some(d) if d > Decimal::ZERO => r.step = d,
                _ => c.error(
                    f,
                    &path,
                    RuleCode::BadRounding,
                    format!(
                        "rounding 的 step 应为正数（0.01 或 0.5），实为 {}",
                        yaml_display(val)
                    ),
                ),
            },
            "rule" => match val.as_str() {
                Some("half-up") => r.rule = RoundRule::HalfUp,
                Some("half-even") => r.rule = RoundRule::HalfEven,
                _ => c.error(
                    f,
                    &path,
                    RuleCode::BadRounding,
                    format!(
                        "rounding 的 rule 应为 half-up（四舍五入）或 half-even（四舍六入五成双），实为 {}",
                        yaml_display(val)
                    ),
                ),
            },
            _ => c.error(
                f,
                &path,
                RuleCode::UnknownKey,
                format!("未知的键 `{key}`（rounding 可写 where、step、rule）"),
            ),
        }
    }
    if !seen_where {
        r.total = true;
    }
    r
}

/// The type of `部分`, `指标` and `总分` for grading rules.
fn grading_env(env: &TypeEnv, groups: &[Group], indicators: &[Indicator]) -> TypeEnv {
    use crate::model::ruleset::{FieldKind, INDICATOR_FIELDS, PART_FIELDS, TOTAL_FIELDS};
    let rec = |fields: &[(&str, FieldKind)]| {
        Type::Record(Arc::new(RecordType {
            fields: fields
                .iter()
                .map(|(n, k)| {
                    (
                        n.to_string(),
                        match k {
                            FieldKind::Num => Type::Num,
                            FieldKind::Bool => Type::Bool,
                            FieldKind::Text => Type::Text,
                        },
                    )
                })
                .collect(),
        }))
    };
    let keyed = |keys: Vec<String>, fields: &[(&str, FieldKind)]| {
        Type::Record(Arc::new(RecordType {
            fields: keys.into_iter().map(|k| (k, rec(fields))).collect(),
        }))
    };
    let mut env = env.clone();
    env.names.insert(
        crate::model::ruleset::PARTS.to_string(),
        keyed(groups.iter().map(|g| g.id.clone()).collect(), PART_FIELDS),
    );
    env.names.insert(
        crate::model::ruleset::INDICATORS.to_string(),
        keyed(
            indicators.iter().map(|i| i.id.clone()).collect(),
            INDICATOR_FIELDS,
        ),
    );
    env.names
        .insert(crate::model::ruleset::TOTAL.to_string(), rec(TOTAL_FIELDS));
    env
}

/// `grading:` of ruleset.yaml.
fn grading_rules(
    c: &mut Checker,
    raw: &[RawGradingRule],
    env: &TypeEnv,
    groups: &[Group],
    indicators: &[Indicator],
    marks: &VetoDefaults,
) -> Vec<GradingRule> {
    let f = RULESET_FILE;
    if raw.is_empty() {
        return Vec::new();
    }
    for name in [
        crate::model::ruleset::PARTS,
        crate::model::ruleset::INDICATORS,
        crate::model::ruleset::TOTAL,
    ] {
        if env.names.contains_key(name) {
            c.error(
                f,
                "grading",
                RuleCode::NameClash,
                format!("等次规则使用的名称 `{name}` 已被参数或 let 占用，请改名"),
            );
        }
    }
    let genv = grading_env(env, groups, indicators);
    let mut ids = BTreeSet::new();
    let mut out = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let path = format!("grading[{i}]");
        c.extra_keys(f, &path, &r.extra);
        let id = yaml_key(&r.id).unwrap_or_default();
        if !ids.insert(id.clone()) {
            c.error(
                f,
                &join(&path, "id"),
                RuleCode::DuplicateId,
                format!("等次规则编号 {id} 重复"),
            );
        }
        let when = c.expr(f, &join(&path, "when"), &r.when, &genv, Want::Bool);
        let message = c.template(f, &join(&path, "message"), &r.message, &genv);
        let bonus = r.bonus.as_ref().map(|b| {
            let src = match b {
                Yaml::String(s) => s.clone(),
                other => yaml_display(other),
            };
            c.expr(f, &join(&path, "bonus"), &src, &genv, Want::Num)
        });
        if let Some(g) = &r.grade_at_most
            && !marks.grades.contains(g)
        {
            c.error(
                f,
                &join(&path, "grade_at_most"),
                RuleCode::UnknownGrade,
                format!(
                    "grade_at_most `{g}` 不在 grades 中（可用：{}）",
                    marks.grades.join("、")
                ),
            );
        }
        if r.grade_at_most.is_none() && r.bonus.is_none() {
            c.error(
                f,
                &join(&path, "id"),
                RuleCode::GradingNoEffect,
                format!("等次规则 {id} 既没有 grade_at_most 也没有 bonus，条件成立时不起作用"),
            );
        }
        let (Some(when), Some(message)) = (when, message) else {
            continue;
        };
        let bonus = match bonus {
            Some(None) => continue,
            Some(Some(b)) => Some(b),
            None => None,
        };
        let roots = [
            crate::model::ruleset::PARTS,
            crate::model::ruleset::INDICATORS,
            crate::model::ruleset::TOTAL,
        ];
        let mut figures = when.field_paths(&roots);
        for p in bonus.iter().flat_map(|b| b.field_paths(&roots)) {
            if !figures.contains(&p) {
                figures.push(p);
            }
        }
        out.push(GradingRule {
            id,
            when,
            message,
            grade_at_most: r.grade_at_most.clone(),
            bonus,
            figures,
        });
    }
    out
}

fn compile_method(
    c: &mut Checker,
    file: &str,
    path: &str,
    raw: &Yaml,
    env: &TypeEnv,
    points: Decimal,
) -> Option<Method> {
    if raw.as_str() == Some("manual") {
        return Some(Method::Manual);
    }
    let Some(m) = raw.as_mapping().filter(|m| m.len() == 1) else {
        c.error(
            file,
            path,
            RuleCode::UnknownMethod,
            "method 应为 manual，或 all / tiers / deduct / award 之一的映射",
        );
        return None;
    };
    let (kind, body) = m.iter().next().expect("one entry");
    let kind = kind.as_str().unwrap_or_default();
    let path = join(path, kind);
    let shape = |c: &mut Checker, e: serde_yaml::Error| {
        let hint = quote_hint(&e.to_string());
        c.error(
            file,
            &path,
            RuleCode::RulesetShape,
            format!("{kind}: {e}{hint}"),
        );
    };
    match kind {
        "all" => {
            let raw: RawAll = serde_yaml::from_value(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let pass = c.expr(file, &join(&path, "pass"), &raw.pass, env, Want::Bool);
            let cite = raw
                .cite
                .as_ref()
                .map(|s| c.expr(file, &join(&path, "cite"), s, env, Want::Any));
            let message = c.template(file, &join(&path, "message"), &raw.message, env);
            Some(Method::All {
                pass: pass?,
                cite: cite.flatten(),
                message: message?,
            })
        }
        "tiers" => {
            let raw: RawTiers = serde_yaml::from_value(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let measure = c.expr(file, &join(&path, "measure"), &raw.measure, env, Want::Num);
            let cite = raw
                .cite
                .as_ref()
                .map(|s| c.expr(file, &join(&path, "cite"), s, env, Want::Any));
            let msg_env = with_name(env, "measure", Type::Num);
            let message = c.template(file, &join(&path, "message"), &raw.message, &msg_env);
            let mut levels: Vec<Level> = Vec::new();
            for (i, l) in raw.levels.iter().enumerate() {
                let lp = format!("{path}.levels[{i}]");
                let min_v = c.by_unit(file, &join(&lp, "min"), &l.min);
                let min = yaml_decimal(&min_v).unwrap_or_else(|| {
                    c.error(file, &join(&lp, "min"), RuleCode::BadLevel, "min 应为数字");
                    Decimal::ZERO
                });
                let pts = c.points(file, &join(&lp, "points"), &l.points);
                if pts > points {
                    c.error(
                        file,
                        &join(&lp, "points"),
                        RuleCode::LevelOverPoints,
                        format!(
                            "档位得分 {} 超过指标分值 {}",
                            pts.normalize(),
                            points.normalize()
                        ),
                    );
                }
                if let Some(prev) = levels.last()
                    && (min >= prev.min || pts > prev.points)
                {
                    c.error(
                        file,
                        &lp,
                        RuleCode::TiersNotMonotone,
                        "档位应从高到低排列：min 递减，得分不增",
                    );
                }
                levels.push(Level { min, points: pts });
            }
            if levels.is_empty() {
                c.error(file, &path, RuleCode::TiersEmpty, "tiers 至少需要一个档位");
            }
            Some(Method::Tiers {
                measure: measure?,
                cite: cite.flatten(),
                levels,
                message: message?,
            })
        }
        "deduct" | "award" => {
            let award = kind == "award";
            let raw: RawItemsMethod = serde_yaml::from_value(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let inline = raw.items.is_some()
                || raw.each.is_some()
                || raw.cap.is_some()
                || raw.cite.is_some();
            let raws: Vec<(String, RawClause)> = match (raw.clauses, inline) {
                (Some(list), false) => list
                    .into_iter()
                    .enumerate()
                    .map(|(i, rc)| (format!("{path}.clauses[{i}]"), rc))
                    .collect(),
                (None, true) => match (raw.items, raw.each) {
                    (Some(items), Some(each)) => vec![(
                        path.clone(),
                        RawClause {
                            items,
                            each,
                            cap: raw.cap,
                            message: if award { None } else { raw.message.clone() },
                            cite: raw.cite,
                        },
                    )],
                    _ => {
                        c.error(
                            file,
                            &path,
                            RuleCode::RulesetShape,
                            format!("{kind} 需要 items 和 each"),
                        );
                        return None;
                    }
                },
                _ => {
                    c.error(
                        file,
                        &path,
                        RuleCode::RulesetShape,
                        format!(
                            "{kind} 应写 items、each（一项条款），或 clauses: 条款列表（多项条款），二者取其一"
                        ),
                    );
                    return None;
                }
            };
            let has_clauses = raws.first().is_some_and(|(p, _)| *p != path);
            if has_clauses && !award && raw.message.is_some() {
                c.error(
                    file,
                    &join(&path, "message"),
                    RuleCode::RulesetShape,
                    "deduct 写 clauses 时，message 写在每项条款下",
                );
                return None;
            }
            if raws.is_empty() {
                c.error(
                    file,
                    &path,
                    RuleCode::RulesetShape,
                    format!("{kind} 的 clauses 不能为空"),
                );
                return None;
            }
            let mut clauses = Vec::new();
            let mut ok = true;
            for (cpath, rc) in raws {
                match compile_clause(c, file, &cpath, rc, env, points, award) {
                    Some(clause) => clauses.push(clause),
                    None => ok = false,
                }
            }
            if award {
                let msg_env = with_name(env, "awarded", Type::Num);
                let message = match &raw.message {
                    Some(m) => c.template(file, &join(&path, "message"), m, &msg_env),
                    None => {
                        c.error(
                            file,
                            &path,
                            RuleCode::RulesetShape,
                            "award 需要 message（未加满时的说明）",
                        );
                        None
                    }
                };
                (ok && message.is_some()).then(|| Method::Award {
                    clauses,
                    message: message.expect("checked"),
                })
            } else {
                ok.then_some(Method::Deduct { clauses })
            }
        }
        other => {
            c.error(
                file,
                &path,
                RuleCode::UnknownMethod,
                format!("未知的计分方法 `{other}`（可用：all、tiers、deduct、award、manual）"),
            );
            None
        }
    }
}

/// One clause of `deduct` or `award`.
fn compile_clause(
    c: &mut Checker,
    file: &str,
    path: &str,
    raw: RawClause,
    env: &TypeEnv,
    points: Decimal,
    award: bool,
) -> Option<Clause> {
    let items = c.expr(file, &join(path, "items"), &raw.items, env, Want::List);
    let item_env = with_name(
        env,
        "it",
        items.as_ref().map_or(Type::Any, |i| element_type(i.ty())),
    );
    let each_v = c.by_unit(file, &join(path, "each"), &raw.each);
    let each_src = match &each_v {
        Yaml::String(s) => s.clone(),
        other => yaml_display(other),
    };
    if let Some(d) = yaml_decimal(&each_v)
        && d.normalize().scale() > 2
    {
        c.error(
            file,
            &join(path, "each"),
            RuleCode::PointsPrecision,
            if award {
                "每项加分超过两位小数"
            } else {
                "每项扣分超过两位小数"
            },
        );
    }
    let each = c.expr(file, &join(path, "each"), &each_src, &item_env, Want::Num);
    let cap = raw.cap.as_ref().map(|v| {
        let cap = c.points(file, &join(path, "cap"), v);
        if cap > points {
            c.error(
                file,
                &join(path, "cap"),
                RuleCode::CapOverPoints,
                format!(
                    "条款上限 {} 超过指标分值 {}：{}",
                    cap.normalize(),
                    points.normalize(),
                    if award {
                        "最多只能加到指标分值"
                    } else {
                        "最多只能扣到指标分值（扣完为止）"
                    }
                ),
            );
        }
        cap
    });
    let message = match (&raw.message, award) {
        (Some(m), false) => c
            .template(file, &join(path, "message"), m, &item_env)
            .map(Some),
        (None, false) => {
            c.error(
                file,
                path,
                RuleCode::RulesetShape,
                "deduct 的每项条款需要 message（每个扣分项的说明，可用 {it.…}）",
            );
            None
        }
        (Some(_), true) => {
            c.error(
                file,
                &join(path, "message"),
                RuleCode::RulesetShape,
                "award 的条款不写 message：未加满时的说明写在 award 的 message 下",
            );
            None
        }
        (None, true) => Some(None),
    };
    let cite = raw
        .cite
        .as_ref()
        .map(|s| c.expr(file, &join(path, "cite"), s, &item_env, Want::Any));
    Some(Clause {
        items: items?,
        each: each?,
        cap,
        message: message?,
        cite: cite.flatten(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
