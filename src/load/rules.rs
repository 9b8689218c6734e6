//! Rule sets: read the YAML files (from a folder or the ones built into the binary), then
//! validate everything once — structure, every expression, every name and column, point
//! budgets — and report all problems together, each with file, line and column.

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
    Check, Grade, Group, Indicator, ItemRule, Level, Method, Requirement, RuleSet, Source,
};
use crate::model::schema::{ColumnDecl, DocumentDecl, EvidenceDecl, FieldType, LedgerDecl};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The name of the rule-set file in a rule-set folder.
pub const RULESET_FILE: &str = "ruleset.yaml";
/// Rule files larger than this are refused (a rule set is a few dozen KiB).
const MAX_RULE_FILE: u64 = 4 * 1024 * 1024;

/// One diagnostic `kaohe rules check` can report: code, severity, one sentence, what to do.
#[derive(Debug, Clone, Copy)]
pub struct RuleCode {
    pub code: &'static str,
    pub severity: Severity,
    /// What is wrong, one sentence.
    pub summary: &'static str,
    /// What to do about it, one line.
    pub help: &'static str,
}

macro_rules! code {
    ($code:literal, $sev:ident, $summary:literal, $help:literal) => {
        RuleCode {
            code: $code,
            severity: Severity::$sev,
            summary: $summary,
            help: $help,
        }
    };
}

/// Every diagnostic of a rule set (the expression checker's codes included), in the order the
/// documentation lists them. Each has a broken-rule fixture `fixtures/rules/<code>/`.
pub const RULE_CODES: &[RuleCode] = &[
    // Files and YAML.
    code!(
        "ruleset-file-missing",
        Error,
        "A file the rule set names (ruleset.yaml, a group's `file`) does not exist.",
        "create the file, or correct the group's `file:`"
    ),
    code!(
        "ruleset-unreadable",
        Error,
        "A rule-set folder or file cannot be read.",
        "check the path and its permissions"
    ),
    code!(
        "ruleset-file-too-large",
        Error,
        "A rule file is larger than 4 MiB.",
        "a rule set is a few dozen KiB; split or trim the file"
    ),
    code!(
        "ruleset-not-utf8",
        Error,
        "A rule file is not UTF-8.",
        "save the file as UTF-8 (in WPS/Notepad: 另存为 UTF-8)"
    ),
    code!(
        "yaml-syntax",
        Error,
        "The file is not valid YAML.",
        "look for a full-width colon ：, a tab, or an unclosed quote or bracket"
    ),
    code!(
        "yaml-too-large",
        Error,
        "Aliases expand the file past 2,000,000 nodes.",
        "write the values out instead of nesting aliases"
    ),
    code!(
        "yaml-too-deep",
        Error,
        "Mappings and lists nest deeper than 128 levels.",
        "flatten the structure"
    ),
    code!(
        "duplicate-key",
        Error,
        "The same key appears twice in one mapping.",
        "keep one of them; YAML would silently use the last"
    ),
    code!(
        "ruleset-shape",
        Error,
        "A required key is missing or a value has the wrong shape.",
        "compare with docs/rules.md or validate against `kaohe rules schema`"
    ),
    code!(
        "unknown-key",
        Error,
        "A key the rule format does not know (often a typo).",
        "correct the spelling; `kaohe rules schema` lists every key"
    ),
    // Rule set.
    code!(
        "grades-empty",
        Error,
        "The rule set has no grade bands.",
        "add grades, highest first, the last with min: 0"
    ),
    code!(
        "grades-not-descending",
        Error,
        "Grade bands are not listed from highest to lowest `min`.",
        "order grades by min, highest first"
    ),
    code!(
        "grades-no-floor",
        Error,
        "The lowest grade's `min` is not 0, so a low total would have no grade.",
        "set the last grade's min to 0"
    ),
    code!(
        "unknown-grade",
        Error,
        "`veto_grade` is not one of the grades.",
        "use one of the names under grades"
    ),
    code!(
        "year-not-in-calendar",
        Error,
        "The rule set's year is not in the working-day calendar, so workdays() cannot be computed.",
        "use a year the built-in calendar covers (2019-2026)"
    ),
    code!(
        "date-outside-year",
        Warning,
        "A date parameter or date(\"...\") literal is neither in the rule set's year nor the next one.",
        "move the date to the assessment year (copied from last year's rule set?)"
    ),
    code!(
        "unused-param",
        Warning,
        "A parameter no expression or message reads.",
        "use it where the number is written out, or delete it"
    ),
    code!(
        "name-clash",
        Error,
        "A parameter or `let` name is already taken (a manifest key, a parameter, an earlier name).",
        "rename it"
    ),
    code!(
        "bad-code",
        Error,
        "A data check's `code` is not kebab-case.",
        "write it lower-case with hyphens, like reply-before-receipt"
    ),
    code!(
        "bad-severity",
        Error,
        "A data check's `severity` is neither error nor warning.",
        "write error or warning"
    ),
    // Evidence declaration.
    code!(
        "unknown-field-type",
        Error,
        "A column or field type is not one of text, date, count, flag, file, [T], {map: T} or a record.",
        "use one of the field types in docs/rules.md"
    ),
    code!(
        "bad-count-max",
        Error,
        "`{count: N}` needs a non-negative whole number.",
        "write a maximum such as {count: 60}"
    ),
    code!(
        "ledger-no-columns",
        Error,
        "A ledger declares no required columns.",
        "list the columns the indicators read under required:"
    ),
    // Groups and points.
    code!(
        "points-not-number",
        Error,
        "Points are not a number.",
        "write points as a number, like 2 or 1.5"
    ),
    code!(
        "points-negative",
        Error,
        "Points are negative.",
        "points are what an indicator is worth; write deductions in the method"
    ),
    code!(
        "points-precision",
        Error,
        "Points have more than two decimals.",
        "round to at most two decimals (0.25, not 0.125)"
    ),
    code!(
        "group-points-mismatch",
        Error,
        "A group's points differ from the sum of its indicators' points.",
        "correct the group's points or an indicator's points"
    ),
    code!(
        "total-points-mismatch",
        Error,
        "`max` differs from the sum of the non-bonus groups' points.",
        "correct max or a group's points"
    ),
    // Indicators.
    code!(
        "unquoted-id",
        Error,
        "An indicator id is a YAML number (1.10 would read as 1.1).",
        "quote the id: \"1.10\""
    ),
    code!(
        "bad-id",
        Error,
        "An indicator id is not text.",
        "write the id as quoted text"
    ),
    code!(
        "duplicate-id",
        Error,
        "Two indicators have the same id.",
        "give each indicator its own id"
    ),
    code!(
        "unknown-source",
        Error,
        "`source` names neither a declared ledger, a declared document nor bundle.yaml.",
        "write 台账.<ledger>, 文档.<document> or bundle.yaml"
    ),
    code!(
        "unused-let",
        Warning,
        "A `let` name nothing in the indicator reads.",
        "use it or delete it"
    ),
    code!(
        "ambiguous-name",
        Warning,
        "A bare name is a manifest key or parameter, and also a column of the rows in scope.",
        "write r.<column> for the row's column; rename the parameter if you meant it"
    ),
    code!(
        "manual-with-measure",
        Error,
        "A manual indicator has `let` measures nothing uses.",
        "remove the let, or give the indicator a computed method"
    ),
    code!(
        "unknown-method",
        Error,
        "`method` is not manual, all, tiers or deduct.",
        "write one of: manual, all, tiers, deduct"
    ),
    code!(
        "tiers-empty",
        Error,
        "A tiers method has no levels.",
        "add levels such as [{min: 24, points: 3}]"
    ),
    code!(
        "bad-level",
        Error,
        "A tier's `min` is not a number.",
        "write min as a number"
    ),
    code!(
        "level-over-points",
        Error,
        "A tier awards more points than the indicator is worth.",
        "lower the level's points or raise the indicator's"
    ),
    code!(
        "tiers-not-monotone",
        Error,
        "Tiers are not highest first (min decreasing, points not increasing).",
        "order the levels from the highest min down"
    ),
    // Expressions and messages.
    code!(
        "syntax",
        Error,
        "An expression or message cannot be parsed.",
        "check brackets, quotes and operators; see docs/rules.md#syntax"
    ),
    code!(
        "unknown-name",
        Error,
        "A name is neither a lambda parameter, a `let`, a parameter nor a manifest key.",
        "check the spelling; a column is read from a row, as in r.栏目"
    ),
    code!(
        "unknown-function",
        Error,
        "No built-in function has this name.",
        "see docs/functions.md or `kaohe rules functions`"
    ),
    code!(
        "unknown-column",
        Error,
        "The ledger's evidence declaration has no such column.",
        "declare the column under evidence.ledgers, or correct the spelling"
    ),
    code!(
        "unknown-field",
        Error,
        "A record has no such field, or no document declaration declares it.",
        "declare the field under evidence, or correct the spelling"
    ),
    code!(
        "no-fields",
        Error,
        "`.name` on a value that has no fields.",
        "read fields from rows, records and documents only"
    ),
    code!(
        "wrong-arity",
        Error,
        "A function is called with the wrong number of arguments.",
        "see the function's signature in docs/functions.md"
    ),
    code!(
        "type-mismatch",
        Error,
        "An argument, operand or whole expression has the wrong type.",
        "see docs/rules.md#types; a date is written date(\"2021-12-31\")"
    ),
    code!(
        "misplaced-lambda",
        Error,
        "A lambda `x => ...` where no function takes one.",
        "use lambdas only as the last argument of filter, map, any, all"
    ),
    code!(
        "bad-date",
        Error,
        "A date(\"...\") literal is not a valid YYYY-MM-DD date.",
        "write the date as YYYY-MM-DD"
    ),
    code!(
        "duplicate-field",
        Error,
        "A record literal names the same field twice.",
        "remove one of them"
    ),
];

/// The registry entry of a rule-set diagnostic code.
pub fn rule_code(code: &str) -> Option<&'static RuleCode> {
    RULE_CODES.iter().find(|c| c.code == code)
}

/// The YAML files of one rule set, by path relative to its folder.
#[derive(Debug, Clone)]
pub struct RuleFiles {
    /// How problems name the folder: `rules/county-zwgk-2021` or `<内置>/county-zwgk-2021`.
    pub origin: String,
    pub files: BTreeMap<String, String>,
}

impl RuleFiles {
    /// The rule sets built into the binary, by id.
    pub fn builtin_ids() -> Vec<&'static str> {
        BUILTIN_RULESETS.iter().map(|(id, _)| *id).collect()
    }

    pub fn builtin(id: &str) -> Option<RuleFiles> {
        BUILTIN_RULESETS
            .iter()
            .find(|(name, _)| *name == id)
            .map(|(name, files)| RuleFiles {
                origin: format!("<内置>/{name}"),
                files: files
                    .iter()
                    .map(|(path, text)| (path.to_string(), text.to_string()))
                    .collect(),
            })
    }

    /// Read every `.yaml`/`.yml` file under `dir` (except `tests/`).
    pub fn from_dir(dir: &Path) -> Result<RuleFiles, Fatal> {
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
                "ruleset-file-missing",
                format!("规则集目录中没有 {RULESET_FILE}"),
            )));
        }
        Ok(RuleFiles { origin, files })
    }

    /// The text of a file named as problems name it (`origin/file`).
    pub fn source_of(&self, display: &str) -> Option<&str> {
        let rel = display.strip_prefix(self.origin.trim_end_matches('/'))?;
        self.files
            .get(rel.trim_start_matches('/'))
            .map(String::as_str)
    }

    fn display(&self, file: &str) -> String {
        format!("{}/{file}", self.origin.trim_end_matches('/'))
    }
}

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
                "ruleset-unreadable",
                format!("无法读取规则集目录：{e}"),
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
            if entry.file_name() != "tests" {
                read_dir_yaml(root, &path, origin, files, problems);
            }
            continue;
        }
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if !is_yaml || !meta.is_file() {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if meta.len() > MAX_RULE_FILE {
            problems.push(Problem::error(
                format!("{origin}/{rel}"),
                "ruleset-file-too-large",
                format!("规则文件过大（{} 字节）", meta.len()),
            ));
            continue;
        }
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                files.insert(rel, text);
            }
            Ok(Err(_)) => problems.push(Problem::error(
                format!("{origin}/{rel}"),
                "ruleset-not-utf8",
                "规则文件须保存为 UTF-8",
            )),
            Err(e) => problems.push(Problem::error(
                format!("{origin}/{rel}"),
                "ruleset-unreadable",
                format!("无法读取：{e}"),
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
    max: Yaml,
    #[serde(default)]
    bonus_cap: Option<Yaml>,
    grades: Vec<RawGrade>,
    veto_grade: Option<String>,
    #[serde(default)]
    params: serde_yaml::Mapping,
    groups: Vec<RawGroup>,
    #[serde(default)]
    evidence: RawEvidence,
    #[serde(default)]
    checks: Vec<RawCheck>,
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
    veto: Option<RawItems>,
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
struct RawItems {
    items: String,
    message: String,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeduct {
    items: String,
    each: Yaml,
    message: String,
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
    /// The rule set's year, once read (for date lints).
    year: Option<i16>,
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
    fn error(&mut self, file: &str, path: &str, code: &'static str, message: impl Into<String>) {
        let mut p = Problem::error(self.files.display(file), code, message);
        if let Some(pos) = self.pos(file, path) {
            p = p.at(pos.line, pos.col);
        }
        self.problems.push(p);
    }

    fn warn(&mut self, file: &str, path: &str, code: &'static str, message: impl Into<String>) {
        let mut p = Problem::warning(self.files.display(file), code, message);
        // Point at the key when there is one (`年报截止:`), else at the value.
        let key = format!("{path}#key");
        if let Some(pos) = self.pos(file, &key).or_else(|| self.pos(file, path)) {
            p = p.at(pos.line, pos.col);
        }
        self.problems.push(p);
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
        let Some(text) = self.files.files.get(file) else {
            self.problems.push(Problem::error(
                self.files.display(file),
                "ruleset-file-missing",
                "规则集引用的文件不存在",
            ));
            return None;
        };
        // The position-aware parse first: it enforces the size/depth/duplicate-key limits.
        match yaml::parse(text, &self.files.display(file)) {
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
        match serde_yaml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut p =
                    Problem::error(self.files.display(file), "ruleset-shape", e.to_string());
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
                "unknown-key",
                format!("未知的键 `{key}`（拼写错误？）"),
            );
        }
    }

    fn points(&mut self, file: &str, path: &str, v: &Yaml) -> Decimal {
        match yaml_decimal(v) {
            Some(d) if d.normalize().scale() > 2 => {
                self.error(
                    file,
                    path,
                    "points-precision",
                    format!("分值 {d} 超过两位小数"),
                );
                d
            }
            Some(d) if d < Decimal::ZERO => {
                self.error(file, path, "points-negative", format!("分值 {d} 为负数"));
                d
            }
            Some(d) => d,
            None => {
                self.error(
                    file,
                    path,
                    "points-not-number",
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
                self.lint_source(file, path, src, env, false);
                if !want.accepts(e.ty()) {
                    self.error(
                        file,
                        path,
                        "type-mismatch",
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
                }
                self.lint_source(file, path, src, env, true);
                Some(t)
            }
            Err(errors) => {
                self.expr_errors(file, path, src, errors);
                None
            }
        }
    }

    fn expr_errors(&mut self, file: &str, path: &str, src: &str, errors: Vec<ExprError>) {
        let pos = self.pos(file, path);
        for err in errors {
            let mut message = err.message.clone();
            if let Some(help) = &err.help {
                message.push_str(&format!("（{help}）"));
            }
            let mut p =
                Problem::error(self.files.display(file), err.code, message).value(src.to_string());
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
}

impl Want {
    fn accepts(self, ty: &Type) -> bool {
        matches!(ty, Type::Any)
            || match self {
                Want::Any => true,
                Want::Bool => *ty == Type::Bool,
                Want::Num => *ty == Type::Num,
                Want::List => matches!(ty, Type::List(_)),
            }
    }

    fn describe(self) -> &'static str {
        match self {
            Want::Any => "值",
            Want::Bool => "真假值（bool）",
            Want::Num => "数字（number）",
            Want::List => "列表（list）",
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
                "file" => Some(FieldType::File),
                other => {
                    self.error(
                        file,
                        path,
                        "unknown-field-type",
                        format!("未知的类型 `{other}`（可用：text、date、count、flag、file、[类型]、{{map: 类型}}）"),
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
                                        "bad-count-max",
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
                    "unknown-field-type",
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
            self.error(file, path, "ruleset-shape", "列声明应为 列名: 类型 的映射");
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
                    "ledger-no-columns",
                    format!("台账 {name} 没有声明必备列"),
                );
            }
            decl.ledgers.push(LedgerDecl {
                name,
                title,
                required,
                optional,
            });
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

/// Validate a rule set completely, collecting errors and warnings.
pub fn check(files: &RuleFiles) -> Checked {
    let mut c = Checker {
        files,
        positions: BTreeMap::new(),
        problems: Vec::new(),
        used: BTreeSet::new(),
        year: None,
    };
    let rules = compile_checked(&mut c);
    let mut problems = c.problems;
    // Stable: problems of one spot keep the order they were found in.
    problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    problems.dedup();
    let has_error = problems.iter().any(|p| p.severity == Severity::Error);
    Checked {
        rules: rules.filter(|_| !has_error),
        problems,
    }
}

fn compile_checked(c: &mut Checker) -> Option<RuleSet> {
    let files = c.files;
    let raw = c.parse::<RawRuleSet>(RULESET_FILE)?;
    let f = RULESET_FILE;
    c.extra_keys(f, "", &raw.extra);
    c.year = Some(raw.year);
    let calendar_years = crate::calendar::Calendar::builtin().years();
    if !calendar_years.contains(&raw.year) {
        c.error(
            f,
            "year",
            "year-not-in-calendar",
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
                "grades-not-descending",
                "等次应从高到低排列，下限依次递减",
            );
        }
        grades.push(Grade {
            name: g.name.clone(),
            min,
        });
    }
    if grades.is_empty() {
        c.error(f, "grades", "grades-empty", "至少需要一个等次");
    } else if grades.last().is_some_and(|g| g.min != Decimal::ZERO) {
        c.error(
            f,
            &format!("grades[{}].min", grades.len() - 1),
            "grades-no-floor",
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
            "unknown-grade",
            format!("否决等次 `{veto_grade}` 不在 grades 中"),
        );
    }

    let evidence = Arc::new(c.evidence(f, &raw.evidence));
    let mut env = base_env(&evidence);

    let mut params = Vec::new();
    for (k, v) in &raw.params {
        let Some(name) = yaml_key(k) else { continue };
        let value = param_value(v);
        if env.names.contains_key(&name) {
            c.error(
                f,
                &format!("params.{name}"),
                "name-clash",
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
                    "date-outside-year",
                    format!(
                        "参数 {name} 的日期 {d} 不在考核年度 {} 或次年内（是否沿用了上一年的日期？）",
                        raw.year
                    ),
                );
            }
        }
        params.push((name, value));
    }

    let mut checks = Vec::new();
    for (i, rc) in raw.checks.iter().enumerate() {
        let path = format!("checks[{i}]");
        c.extra_keys(f, &path, &rc.extra);
        if !is_kebab(&rc.code) {
            c.error(
                f,
                &join(&path, "code"),
                "bad-code",
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
                    "bad-severity",
                    format!("severity 应为 error 或 warning，实为 `{other}`"),
                );
                Severity::Warning
            }
        };
        if let (Some(over), Some(when), Some(message)) = (over, when, message) {
            checks.push(Check {
                // Codes live as long as the process; a rule set is loaded once.
                code: Box::leak(rc.code.clone().into_boxed_str()),
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
        if !rg.bonus {
            base_total += points;
        }
        groups.push(Group {
            id: yaml_key(&rg.id).unwrap_or_default(),
            name: rg.name.clone(),
            points,
            bonus: rg.bonus,
        });
        let file = rg.file.as_str();
        if !files.files.contains_key(file) {
            c.error(
                f,
                &join(&gpath, "file"),
                "ruleset-file-missing",
                format!("{} 的文件 {file} 不存在", rg.name),
            );
            continue;
        }
        let Some(raw_file) = c.parse::<RawIndicatorFile>(file) else {
            continue;
        };
        c.extra_keys(file, "", &raw_file.extra);
        let mut group_total = Decimal::ZERO;
        for (ii, ri) in raw_file.indicators.iter().enumerate() {
            let path = format!("indicators[{ii}]");
            // Budgets count what is written, also for an indicator that failed to compile, so
            // one mistake is not reported twice.
            group_total += yaml_decimal(&ri.points).unwrap_or_default();
            if let Some(ind) = compile_indicator(c, file, &path, ri, gi, &env) {
                if !ids.insert(ind.id.clone()) {
                    c.error(
                        file,
                        &join(&path, "id"),
                        "duplicate-id",
                        format!("指标编号 {} 重复", ind.id),
                    );
                }
                indicators.push(ind);
            }
        }
        if group_total != points {
            c.error(
                f,
                &join(&gpath, "points"),
                "group-points-mismatch",
                format!(
                    "{} 的分值为 {}，但其指标分值合计为 {}",
                    rg.name,
                    points.normalize(),
                    group_total.normalize()
                ),
            );
        }
    }
    if base_total != max {
        c.error(
            f,
            "max",
            "total-points-mismatch",
            format!(
                "max 为 {}，但非加分组的分值合计为 {}",
                max.normalize(),
                base_total.normalize()
            ),
        );
    }

    // Usage is only known when everything compiled.
    let compiled = !c.problems.iter().any(|p| p.severity == Severity::Error);
    for (name, _) in &params {
        if compiled && !c.used.contains(name) {
            c.warn(
                f,
                &format!("params.{name}"),
                "unused-param",
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
    Some(RuleSet {
        id: raw.id,
        title: raw.title,
        year: raw.year,
        max,
        bonus_cap,
        grades,
        veto_grade,
        params,
        groups,
        indicators,
        evidence,
        checks,
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
) -> Option<Indicator> {
    // `let` names are the indicator's own: count what this indicator reads, apart.
    let outer = std::mem::take(&mut c.used);
    let indicator = compile_indicator_body(c, file, path, ri, group, env);
    if let Some(ind) = &indicator
        && !matches!(ind.method, Method::Manual)
    {
        for (name, _) in &ind.lets {
            if !c.used.contains(name) {
                c.warn(
                    file,
                    &format!("{path}.let.{name}"),
                    "unused-let",
                    format!("指标 {} 的 let 名称 {name} 没有被使用", ind.id),
                );
            }
        }
    }
    c.used.extend(outer);
    indicator
}

fn compile_indicator_body(
    c: &mut Checker,
    file: &str,
    path: &str,
    ri: &RawIndicator,
    group: usize,
    env: &TypeEnv,
) -> Option<Indicator> {
    c.extra_keys(file, path, &ri.extra);
    let id = match &ri.id {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => {
            c.error(
                file,
                &join(path, "id"),
                "unquoted-id",
                format!("指标编号 {n} 未加引号：YAML 会把 1.10 读成数字 1.1，请写成 \"{n}\""),
            );
            n.to_string()
        }
        other => {
            c.error(
                file,
                &join(path, "id"),
                "bad-id",
                format!("指标编号应为文本，实为 {}", yaml_display(other)),
            );
            return None;
        }
    };
    let points = c.points(file, &join(path, "points"), &ri.points);

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
                    "unknown-source",
                    format!(
                        "source `{s}` 应为 台账.<已声明台账>、文档.<已声明文档> 或 bundle.yaml"
                    ),
                );
                Source::Manifest
            }
        }
    };

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
                "name-clash",
                format!("let 名称 `{name}` 与已有名称重名"),
            );
        }
        let Some(src) = v.as_str() else {
            c.error(file, &p, "ruleset-shape", "let 的值应为表达式文本");
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
        Some(ItemRule { items, message })
    });

    let mpath = join(path, "method");
    let method = compile_method(c, file, &mpath, &ri.method, &env, points)?;
    if matches!(method, Method::Manual) && !ri.lets.is_empty() {
        c.error(
            file,
            &mpath,
            "manual-with-measure",
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
        method,
    })
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
            "unknown-method",
            "method 应为 manual，或 all / tiers / deduct 之一的映射",
        );
        return None;
    };
    let (kind, body) = m.iter().next().expect("one entry");
    let kind = kind.as_str().unwrap_or_default();
    let path = join(path, kind);
    let shape = |c: &mut Checker, e: serde_yaml::Error| {
        c.error(file, &path, "ruleset-shape", format!("{kind}: {e}"));
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
                let min = yaml_decimal(&l.min).unwrap_or_else(|| {
                    c.error(file, &join(&lp, "min"), "bad-level", "min 应为数字");
                    Decimal::ZERO
                });
                let pts = c.points(file, &join(&lp, "points"), &l.points);
                if pts > points {
                    c.error(
                        file,
                        &join(&lp, "points"),
                        "level-over-points",
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
                        "tiers-not-monotone",
                        "档位应从高到低排列：min 递减，得分不增",
                    );
                }
                levels.push(Level { min, points: pts });
            }
            if levels.is_empty() {
                c.error(file, &path, "tiers-empty", "tiers 至少需要一个档位");
            }
            Some(Method::Tiers {
                measure: measure?,
                cite: cite.flatten(),
                levels,
                message: message?,
            })
        }
        "deduct" => {
            let raw: RawDeduct = serde_yaml::from_value(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let items = c.expr(file, &join(&path, "items"), &raw.items, env, Want::List);
            let item_env = with_name(
                env,
                "it",
                items.as_ref().map_or(Type::Any, |i| element_type(i.ty())),
            );
            let each_src = match &raw.each {
                Yaml::String(s) => s.clone(),
                other => yaml_display(other),
            };
            if let Some(d) = yaml_decimal(&raw.each)
                && d.normalize().scale() > 2
            {
                c.error(
                    file,
                    &join(&path, "each"),
                    "points-precision",
                    "每项扣分超过两位小数",
                );
            }
            let each = c.expr(file, &join(&path, "each"), &each_src, &item_env, Want::Num);
            let message = c.template(file, &join(&path, "message"), &raw.message, &item_env);
            let cite = raw
                .cite
                .as_ref()
                .map(|s| c.expr(file, &join(&path, "cite"), s, &item_env, Want::Any));
            Some(Method::Deduct {
                items: items?,
                each: each?,
                message: message?,
                cite: cite.flatten(),
            })
        }
        other => {
            c.error(
                file,
                &path,
                "unknown-method",
                format!("未知的计分方法 `{other}`（可用：all、tiers、deduct、manual）"),
            );
            None
        }
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Lints over an expression's syntax tree: what compiles but is probably not what was meant.

/// The list functions whose last argument is a lambda over the list's elements.
const LAMBDA_FUNCTIONS: [&str; 4] = ["filter", "map", "any", "all"];

impl Checker<'_> {
    /// `ambiguous-name` and `date-outside-year` inside one expression (or each hole of a
    /// message), with the position of the very token.
    fn lint_source(&mut self, file: &str, path: &str, src: &str, env: &TypeEnv, template: bool) {
        use crate::expr::{lexer, parser, template as tpl};
        let holes: Vec<(&str, usize)> = if template {
            match tpl::split(src) {
                Ok(pieces) => pieces
                    .into_iter()
                    .filter_map(|p| match p {
                        tpl::Piece::Hole(h, base) => Some((h, base)),
                        tpl::Piece::Lit(_) => None,
                    })
                    .collect(),
                Err(_) => return,
            }
        } else {
            vec![(src, 0)]
        };
        let mut found = Vec::new();
        for (hole, base) in holes {
            let Ok(tokens) = lexer::lex(hole, base) else {
                continue;
            };
            let Ok(ast) = parser::parse(&tokens) else {
                continue;
            };
            let mut scope: Vec<(String, Option<String>)> = Vec::new();
            if let Some(Type::Row(ledger)) = env.names.get("it") {
                scope.push(("it".to_string(), Some(ledger.to_string())));
            }
            lint_ast(&ast, env, &mut scope, self.year, &mut found);
        }
        // An expression that reads the row's column too (`it.报送日期 > 报送日期`) shows its author
        // knows the two apart: no warning for the bare name there.
        found.retain(|(start, code, _)| {
            *code != "ambiguous-name" || {
                let name: String = src[*start..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                !src.contains(&format!(".{name}"))
            }
        });
        let pos = self.pos(file, path);
        for (span_start, code, message) in found {
            let mut p = Problem::warning(self.files.display(file), code, message).value(src);
            if let Some(pos) = pos {
                let (line, col) = span_position(pos, src, span_start);
                p = p.at(line, col);
            }
            self.problems.push(p);
        }
    }
}

/// The ledger whose rows a list expression holds, when it is plain to see: `台账.X`, a name of
/// type `list<row<X>>`, or `filter`/`sort`/`distinct` of those, or `a ?? b`.
fn rows_of(
    ast: &crate::expr::ast::Ast,
    env: &TypeEnv,
    scope: &[(String, Option<String>)],
) -> Option<String> {
    use crate::expr::ast::{AstKind, BinOp};
    match &ast.kind {
        AstKind::Name(n) if !scope.iter().any(|(p, _)| p == n) => match env.names.get(n) {
            Some(Type::List(t)) => match &**t {
                Type::Row(l) => Some(l.to_string()),
                _ => None,
            },
            _ => None,
        },
        AstKind::Field(base, ledger, _) => match &base.kind {
            AstKind::Name(n) if n == "台账" && !scope.iter().any(|(p, _)| p == n) => {
                Some(ledger.clone())
            }
            _ => None,
        },
        AstKind::Call { name, args, .. }
            if matches!(name.as_str(), "filter" | "sort" | "distinct") && !args.is_empty() =>
        {
            rows_of(&args[0], env, scope)
        }
        AstKind::Binary(BinOp::Coalesce, l, _) => rows_of(l, env, scope),
        _ => None,
    }
}

fn lint_ast(
    ast: &crate::expr::ast::Ast,
    env: &TypeEnv,
    scope: &mut Vec<(String, Option<String>)>,
    year: Option<i16>,
    out: &mut Vec<(usize, &'static str, String)>,
) {
    use crate::expr::ast::AstKind;
    match &ast.kind {
        AstKind::Lit(_) => {}
        AstKind::Name(n) => {
            if scope.iter().any(|(p, _)| p == n) {
                return;
            }
            for ledger in scope.iter().filter_map(|(_, l)| l.as_deref()) {
                let Some(decl) = env.evidence.ledger(ledger) else {
                    continue;
                };
                if decl.column(n).is_some() {
                    let param = scope
                        .iter()
                        .rev()
                        .find(|(_, l)| l.as_deref() == Some(ledger))
                        .map_or("r", |(p, _)| p.as_str());
                    out.push((
                        ast.span.start,
                        "ambiguous-name",
                        format!(
                            "`{n}` 读的是清单字段或参数 {n}，而台账 {ledger} 也有“{n}”列：若指该行的列，请写 {param}.{n}"
                        ),
                    ));
                    return;
                }
            }
        }
        AstKind::List(items) => items
            .iter()
            .for_each(|i| lint_ast(i, env, scope, year, out)),
        AstKind::Record(fields) => fields
            .iter()
            .for_each(|(_, _, i)| lint_ast(i, env, scope, year, out)),
        AstKind::Field(base, _, _) => lint_ast(base, env, scope, year, out),
        AstKind::Call { name, args, .. } => {
            if name == "date"
                && let [arg] = args.as_slice()
                && let AstKind::Lit(Value::Text(t)) = &arg.kind
                && let (Some(d), Some(y)) = (parse_date(t), year)
                && d.year() != y
                && d.year() != y + 1
            {
                out.push((
                    arg.span.start,
                    "date-outside-year",
                    format!("日期 {d} 不在考核年度 {y} 或次年内（是否沿用了上一年的日期？）"),
                ));
            }
            let lambda_fn = LAMBDA_FUNCTIONS.contains(&name.as_str());
            for (i, arg) in args.iter().enumerate() {
                match &arg.kind {
                    AstKind::Lambda { param, body } if lambda_fn && i > 0 => {
                        let ledger = rows_of(&args[0], env, scope);
                        scope.push((param.clone(), ledger));
                        lint_ast(body, env, scope, year, out);
                        scope.pop();
                    }
                    _ => lint_ast(arg, env, scope, year, out),
                }
            }
        }
        AstKind::Lambda { param, body } => {
            scope.push((param.clone(), None));
            lint_ast(body, env, scope, year, out);
            scope.pop();
        }
        AstKind::Neg(e) | AstKind::Not(e) => lint_ast(e, env, scope, year, out),
        AstKind::Binary(_, l, r) => {
            lint_ast(l, env, scope, year, out);
            lint_ast(r, env, scope, year, out);
        }
        AstKind::If(c, t, e) => {
            lint_ast(c, env, scope, year, out);
            lint_ast(t, env, scope, year, out);
            lint_ast(e, env, scope, year, out);
        }
    }
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn codes_unique_kebab_case_and_documented() {
        let mut seen = BTreeSet::new();
        for c in RULE_CODES {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(is_kebab(c.code), "{} is not kebab-case", c.code);
            assert!(c.summary.ends_with('.'), "{}: one sentence", c.code);
            assert!(!c.help.is_empty() && !c.help.contains('\n'), "{}", c.code);
        }
        // The expression checker's codes are rule-set diagnostics too.
        for (code, _) in crate::expr::ERROR_CODES {
            assert!(
                rule_code(code).is_some(),
                "expression code {code} not registered"
            );
        }
    }

    /// Every kebab-case literal the rule loader (and the YAML reader it uses) emits is in the
    /// registry, so no diagnostic goes undocumented.
    #[test]
    fn every_emitted_code_is_registered() {
        const NOT_CODES: [&str; 1] = ["county-zwgk-2021"];
        let src = include_str!("rules.rs");
        let registry_end = src.find("pub fn rule_code").unwrap();
        for lit in src[registry_end..].split('"').skip(1).step_by(2) {
            let kebab = lit.contains('-')
                && lit.as_bytes()[0].is_ascii_lowercase()
                && is_kebab(lit)
                && !lit.starts_with("reply-");
            if kebab && !NOT_CODES.contains(&lit) {
                assert!(rule_code(lit).is_some(), "unregistered code {lit}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule-set tests: `<DIR>/tests/<case>/` is a bundle plus `expected.yaml`.

/// The file in a test case folder that holds what the case expects.
pub const EXPECTED_FILE: &str = "expected.yaml";

/// One test case of a rule set: a bundle and the score and status it expects per indicator.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// The bundle folder (the case folder itself).
    pub dir: std::path::PathBuf,
    /// What the case shows, for the report.
    pub description: String,
    /// A verdict file inside the case folder, when the case needs one.
    pub verdicts: Option<std::path::PathBuf>,
    /// Indicator id → (expected score, expected status as written).
    pub indicators: Vec<(String, Option<Decimal>, Option<String>)>,
    /// `total` fields: base, bonus, score (numbers), grade (text), veto, provisional (bool).
    pub total: Vec<(String, Yaml)>,
}

/// The test cases under `<dir>/tests/`, sorted by name. A folder without `expected.yaml` is
/// a problem, not a silent skip.
pub fn test_cases(dir: &Path) -> Result<Vec<TestCase>, Fatal> {
    let tests = dir.join("tests");
    let origin = tests.display().to_string();
    let entries = std::fs::read_dir(&tests).map_err(|e| {
        Fatal::one(Problem::error(
            &origin,
            "ruleset-unreadable",
            format!("规则集没有 tests/ 目录或无法读取：{e}"),
        ))
    })?;
    let mut dirs: Vec<_> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for case_dir in dirs {
        match read_case(&case_dir) {
            Ok(case) => cases.push(case),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Fatal { problems });
    }
    Ok(cases)
}

fn read_case(dir: &Path) -> Result<TestCase, Problem> {
    let path = dir.join(EXPECTED_FILE);
    let file = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Problem::error(
            &file,
            "ruleset-unreadable",
            format!("无法读取 {EXPECTED_FILE}：{e}"),
        )
    })?;
    let shape = |msg: String| Problem::error(&file, "ruleset-shape", msg);
    let doc: Yaml = serde_yaml::from_str(&text).map_err(|e| shape(e.to_string()))?;
    let map = doc
        .as_mapping()
        .ok_or_else(|| shape("expected.yaml 应为映射".into()))?;
    let mut case = TestCase {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir: dir.to_path_buf(),
        description: String::new(),
        verdicts: None,
        indicators: Vec::new(),
        total: Vec::new(),
    };
    for (k, v) in map {
        match k.as_str().unwrap_or_default() {
            "description" => case.description = yaml_display(v),
            "verdicts" => case.verdicts = Some(dir.join(yaml_display(v))),
            "indicators" => {
                let m = v
                    .as_mapping()
                    .ok_or_else(|| shape("indicators 应为 编号: {score, status} 的映射".into()))?;
                for (id, e) in m {
                    let id = yaml_key(id).unwrap_or_default();
                    let score = e.get("score").and_then(yaml_decimal);
                    let status = e.get("status").map(yaml_display);
                    if score.is_none() && status.is_none() {
                        return Err(shape(format!("指标 {id} 应写明 score 或 status")));
                    }
                    case.indicators.push((id, score, status));
                }
            }
            "total" => {
                let m = v
                    .as_mapping()
                    .ok_or_else(|| shape("total 应为映射".into()))?;
                for (field, e) in m {
                    let field = yaml_display(field);
                    if !["base", "bonus", "score", "grade", "veto", "provisional"]
                        .contains(&field.as_str())
                    {
                        return Err(shape(format!("total 中未知的键 `{field}`")));
                    }
                    case.total.push((field, e.clone()));
                }
            }
            other => return Err(shape(format!("未知的键 `{other}`"))),
        }
    }
    Ok(case)
}
