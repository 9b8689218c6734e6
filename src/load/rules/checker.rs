//! The `Checker`: collects every problem of a rule set with its file, line and column, parses
//! files into raw shapes, and finds the position of a value by its key path.

use crate::diag::{Code, ExprCode, RuleCode};
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_yaml::Value as Yaml;

use super::env::Want;
use super::raw::{shape_message, yaml_decimal, yaml_display, yaml_key};
use super::source::{RULESET_FILE, RuleFiles};
use crate::diag::Problem;
use crate::expr::{Expr, ExprError, Template};
use crate::load::yaml::{self, Node, NodeValue, key_child as join};
use crate::model::schema::TypeEnv;

// ---------------------------------------------------------------------------------------------

/// Collects every problem of a rule set with its position.
pub(super) struct Checker<'a> {
    pub(super) files: &'a RuleFiles,
    /// Per file: key path → position of the value (from the position-aware parse).
    pub(super) positions: BTreeMap<String, BTreeMap<String, (u32, u32)>>,
    /// Per file: its lines, indexed once when a problem first needs one.
    pub(super) lines: std::cell::RefCell<BTreeMap<String, Vec<&'a str>>>,
    pub(super) problems: Vec<Problem>,
    /// Names read by the expressions compiled so far (for unused parameters and lets).
    pub(super) used: BTreeSet<String>,
    /// Ledger columns read by the expressions compiled since it was last taken.
    pub(super) columns_read: BTreeSet<String>,
    /// The rule set's year, once read (for date lints).
    pub(super) year: Option<i16>,
    /// Overlays: the merged content of a base file, which `parse` reads instead of its text.
    pub(super) merged: BTreeMap<String, Yaml>,
    /// Overlays: (file, path in the merged content) → (file, path) where the value is written.
    /// Overlay files are named `+name`.
    pub(super) remap: BTreeMap<(String, String), (String, String)>,
    /// The values of `unit_type:` (empty: numbers are written once).
    pub(super) units: Vec<String>,
    /// The unit type being compiled (index into `units`).
    pub(super) unit: usize,
}

/// Where a value (or, for a `#key` path, a key) is written: the 1-based line and column of its
/// first character as the parser marks it (a quote, or the first character of a block
/// scalar's text). `exact` is false when the path has no position of its own and this is the
/// nearest enclosing one's.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pos {
    pub(super) line: u32,
    pub(super) col: u32,
    pub(super) exact: bool,
}

/// A located spot: the file as problems name it, the file as the checker names it (`+name`
/// for an overlay's own), and the position.
pub(super) struct Located {
    pub(super) display: String,
    pub(super) file: String,
    pub(super) pos: Option<Pos>,
}

impl<'a> Checker<'a> {
    pub(super) fn error(
        &mut self,
        file: &str,
        path: &str,
        code: impl Into<Code>,
        message: impl Into<String>,
    ) {
        let at = self.locate(file, path);
        let p = self.whole_token(Problem::error(at.display.clone(), code, message), &at);
        self.problems.push(p);
    }

    pub(super) fn warn(
        &mut self,
        file: &str,
        path: &str,
        code: impl Into<Code>,
        message: impl Into<String>,
    ) {
        // Point at the key when there is one (`年报截止:`), else at the value.
        let at = match self.locate(file, &format!("{path}#key")) {
            at @ Located { pos: Some(_), .. } => at,
            _ => self.locate(file, path),
        };
        let p = self.whole_token(Problem::warning(at.display.clone(), code, message), &at);
        self.problems.push(p);
    }

    /// The problem at `at`, underlining the whole token written there.
    fn whole_token(&self, p: Problem, at: &Located) -> Problem {
        let Some(pos) = at.pos else {
            return p;
        };
        let p = p.at(pos.line, pos.col);
        match self.source_line(&at.file, pos.line) {
            Some(line) => p.until(yaml::token_end(line, pos.col)),
            None => p,
        }
    }

    /// Line `line` (1-based) of a rule file, from an index of its lines made once per file.
    pub(super) fn source_line(&self, file: &str, line: u32) -> Option<&'a str> {
        self.source_lines(file, line, 1).first().copied()
    }

    /// Up to `count` lines of a rule file from line `line` (1-based) on.
    pub(super) fn source_lines(&self, file: &str, line: u32, count: usize) -> Vec<&'a str> {
        let mut index = self.lines.borrow_mut();
        let lines = match index.entry(file.to_string()) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => match self.text(file) {
                Some(text) => e.insert(text.lines().collect()),
                None => return Vec::new(),
            },
        };
        let from = (line.max(1) - 1) as usize;
        lines.iter().skip(from).take(count).copied().collect()
    }

    /// The problem at byte range `span` of a value `src` written at `at`: line and column of
    /// the span's start, and its end when it is on the same line; the value's start when the
    /// source cannot be followed.
    pub(super) fn in_value(
        &self,
        p: Problem,
        at: &Located,
        src: &str,
        span: std::ops::Range<usize>,
    ) -> Problem {
        let Some(pos) = at.pos else {
            return p;
        };
        let fallback = |p: Problem| p.at(pos.line, pos.col);
        if !pos.exact {
            return fallback(p);
        }
        // Enough lines for the value: its own line breaks, and blank or folded lines beside.
        let upto = &src[..span.end.min(src.len())];
        let count = upto.matches('\n').count() * 2 + 64;
        let lines = self.source_lines(&at.file, pos.line, count);
        let Some((dl, col)) = yaml::value_position(&lines, pos.col, src, span.start) else {
            return fallback(p);
        };
        let p = p.at(pos.line + dl, col);
        match yaml::value_position(&lines, pos.col, src, span.end) {
            Some((el, end)) if el == dl && end > col => p.until(end),
            // A span over lines: underline to the end of its first line.
            Some((el, _)) if el > dl => match lines.get(dl as usize) {
                Some(l) => p.until(l.chars().count() as u32 + 1),
                None => p,
            },
            _ => p,
        }
    }

    /// The rule files that are not the overlay's own (`+name`): the base, or the rule set.
    pub(super) fn source_files(&self) -> &'a RuleFiles {
        self.files.base.as_deref().unwrap_or(self.files)
    }

    pub(super) fn display(&self, file: &str) -> String {
        match file.strip_prefix('+') {
            Some(own) => self.files.display(own),
            None => self.source_files().display(file),
        }
    }

    pub(super) fn text(&self, file: &str) -> Option<&'a str> {
        match file.strip_prefix('+') {
            Some(own) => self.files.files.get(own),
            None => self.source_files().files.get(file),
        }
        .map(String::as_str)
    }

    /// Where a value is written: through the overlay's remapping first, then in the file.
    pub(super) fn locate(&self, file: &str, path: &str) -> Located {
        let (bare, key) = match path.strip_suffix("#key") {
            Some(b) => (b, "#key"),
            None => (path, ""),
        };
        let mut p = bare.to_string();
        loop {
            if let Some((of, op)) = self.remap.get(&(file.to_string(), p.clone())) {
                let rest = &bare[p.len()..];
                return Located {
                    display: self.display(of),
                    file: of.clone(),
                    pos: self.pos(of, &format!("{op}{rest}{key}")),
                };
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p.truncate(cut),
                None => break,
            }
        }
        Located {
            display: self.display(file),
            file: file.to_string(),
            pos: self.pos(file, path),
        }
    }

    pub(super) fn pos(&self, file: &str, path: &str) -> Option<Pos> {
        let map = self.positions.get(file)?;
        // The nearest enclosing key that has a position.
        let mut p = path.to_string();
        let mut exact = true;
        loop {
            if let Some(&(line, col)) = map.get(&p) {
                return Some(Pos { line, col, exact });
            }
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
            exact = false;
        }
    }

    /// Parse a file into the raw shape; a YAML or shape error is recorded and `None` returned.
    pub(super) fn parse<T: for<'de> Deserialize<'de>>(&mut self, file: &str) -> Option<T> {
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
                let message = shape_message(&e);
                let mut p = Problem::error(self.display(file), RuleCode::RulesetShape, message);
                if let Some(loc) = e.location() {
                    let (line, col) = (loc.line() as u32, loc.column() as u32);
                    p = p.at(line, col);
                    if let Some(text) = self.source_line(file, line) {
                        p = p.until(yaml::token_end(text, col));
                    }
                }
                self.problems.push(p);
                None
            }
        }
    }

    pub(super) fn extra_keys(&mut self, file: &str, path: &str, extra: &BTreeMap<String, Yaml>) {
        for key in extra.keys() {
            // At the key itself: its value may be fine, or on another line.
            let at = format!("{}#key", join(path, key));
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
    pub(super) fn pick_unit(&self, v: &Yaml) -> Yaml {
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

    pub(super) fn by_unit(&mut self, file: &str, path: &str, v: &Yaml) -> Yaml {
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
    pub(super) fn unit_types(&mut self, v: Option<&Yaml>) -> Option<(String, Vec<String>)> {
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

    pub(super) fn points(&mut self, file: &str, path: &str, v: &Yaml) -> Decimal {
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

    pub(super) fn expr(
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
                        format!(
                            "表达式应为{}，实为{}：{src}",
                            want.describe(),
                            crate::expr::error::type_name(e.ty())
                        ),
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

    pub(super) fn template(
        &mut self,
        file: &str,
        path: &str,
        src: &str,
        env: &TypeEnv,
    ) -> Option<Template> {
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

    pub(super) fn expr_errors(
        &mut self,
        file: &str,
        path: &str,
        src: &str,
        errors: Vec<ExprError>,
    ) {
        let at = self.locate(file, path);
        for err in errors {
            // The error renders itself (in Chinese, in one place: expr/error.rs).
            let p = Problem::error(at.display.clone(), err.code(), err.to_string())
                .value(src.to_string());
            let p = self.in_value(p, &at, src, err.span.clone());
            self.problems.push(p);
        }
    }
}

pub(super) fn index_positions(node: &Node, path: String, out: &mut BTreeMap<String, (u32, u32)>) {
    out.insert(path.clone(), (node.line, node.col));
    match &node.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                if let NodeValue::Scalar { text, .. } = &k.value {
                    let child = join(&path, text);
                    out.insert(format!("{child}#key"), (k.line, k.col));
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
