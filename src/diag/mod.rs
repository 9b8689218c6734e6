//! Problems as data. Every layer pushes `Problem`s; only the reports render them.
//!
//! A problem names where it is (file, sheet, row, column, manifest key, YAML line) and what
//! was found, with its typed [`Code`] (one registry, `code`), serialized as the code's stable
//! kebab-case string.

pub mod code;
pub mod foreign;

pub use code::{
    Area, CalendarCode, CheckCode, CliCode, Code, DataCode, ExprCode, Fixture, Info, RuleCode,
    VerdictCode, YamlCode,
};

pub use foreign::os_error;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The word a reader sees: 错误 or 警告.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// A data problem found in the evidence (or in the rules/verdicts, when those are fatal they
/// are collected into a `Fatal`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Problem {
    /// Path relative to the bundle root, `/`-separated (e.g. `台账/主动公开台账.csv`), or
    /// `bundle.yaml`.
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Spreadsheet row number (header = row 1 when it is the first line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Column header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Manifest key path such as `组织保障.制度[2].文件`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// YAML line (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Column within `line` (1-based, in characters), for rule files and expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    /// Where the bad token ends on `line`: the column just after its last character, so
    /// `rules check` underlines the whole token, not one character. Only for showing; not in
    /// the JSON.
    #[serde(skip)]
    pub end_col: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
    pub code: Code,
    pub severity: Severity,
}

impl Problem {
    pub fn error(
        file: impl Into<String>,
        code: impl Into<Code>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, file, code, message)
    }

    pub fn warning(
        file: impl Into<String>,
        code: impl Into<Code>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file, code, message)
    }

    fn new(
        severity: Severity,
        file: impl Into<String>,
        code: impl Into<Code>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
            key: None,
            line: None,
            col: None,
            end_col: None,
            value: None,
            message: message.into(),
            code: code.into(),
            severity,
        }
    }

    pub fn sheet(mut self, sheet: impl Into<String>) -> Self {
        self.sheet = Some(sheet.into());
        self
    }
    pub fn row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
    pub fn line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }
    pub fn at(mut self, line: u32, col: u32) -> Self {
        self.line = Some(line);
        self.col = Some(col);
        self
    }
    /// The bad token ends just before column `end_col` of its line (see [`Problem::end_col`]).
    pub fn until(mut self, end_col: u32) -> Self {
        self.end_col = Some(end_col);
        self
    }
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// The order of `problems[]` in every report: file, sheet, row, column, then the rest.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            &self.sheet,
            self.row,
            &self.column,
            &self.key,
            self.line,
            &self.message,
            self.code.as_str(),
        )
    }
}

/// Sort and de-duplicate a problem list into report order.
pub fn finish(problems: &mut Vec<Problem>) {
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    problems.dedup();
}

/// An error that stops the run (exit code 2): bad rules, bad manifest header, unknown rule
/// set, year mismatch, bad verdict file. Carries every problem found, not just the first.
#[derive(Debug, Clone)]
pub struct Fatal {
    pub problems: Vec<Problem>,
}

impl Fatal {
    pub fn one(problem: Problem) -> Self {
        Fatal {
            problems: vec![problem],
        }
    }
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", render_location(p))?;
            write!(f, ": {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Fatal {}

/// `file:line` / `file 第N行 列「X」` style location, the one rendering used everywhere.
pub fn render_location(p: &Problem) -> String {
    let mut s = p.file.clone();
    if let Some(sheet) = &p.sheet {
        s.push_str(&format!(" [{sheet}]"));
    }
    if let Some(line) = p.line {
        s.push_str(&format!(":{line}"));
        if let Some(col) = p.col {
            s.push_str(&format!(":{col}"));
        }
    }
    if let Some(row) = p.row {
        s.push_str(&format!(" 第{row}行"));
    }
    if let Some(col) = &p.column {
        s.push_str(&format!(" 列「{col}」"));
    }
    if let Some(key) = &p.key {
        s.push_str(&format!(" 键 {key}"));
    }
    if let Some(v) = &p.value {
        s.push_str(&format!(" 值「{v}」"));
    }
    s
}

/// A problem with the source line it points at, carets under the whole bad token and the
/// code's help from the registry, the way rustc and just show them, in Chinese:
/// `错误[code]：…`, `  --> file:line:col`, the line, the carets, `  = 帮助：…`. Columns are
/// 1-based characters; the carets are placed by display width, so they sit under the token in
/// a line of Chinese text. `source_line` is the text of line `p.line` (the caller indexes each
/// file's lines once: a file with 40,000 problems must not be scanned 40,000 times).
pub fn render_snippet(p: &Problem, source_line: Option<&str>) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = format!("{}[{}]：{}\n", p.severity.label(), p.code, p.message);
    out.push_str(&format!("  --> {}", p.file));
    if let Some(line) = p.line {
        out.push_str(&format!(":{line}"));
        if let Some(col) = p.col {
            out.push_str(&format!(":{col}"));
        }
    }
    out.push('\n');
    let help = |mut out: String| {
        if let Some(info) = p.code.info() {
            out.push_str(&format!("  = 帮助：{}\n", info.help));
        }
        out
    };
    let (Some(line), Some(src_line)) = (p.line, source_line) else {
        return help(out);
    };
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    out.push_str(&format!("{pad} |\n{line} | {src_line}\n"));
    if let Some(col) = p.col {
        // The whole token: from `col` to just before `end_col` (at least one character), in
        // display width, so the carets sit under Chinese text too.
        let start = col.saturating_sub(1) as usize;
        let end = p
            .end_col
            .map_or(start + 1, |e| (e.saturating_sub(1) as usize).max(start + 1));
        let before: String = src_line.chars().take(start).collect();
        let token: String = src_line.chars().skip(start).take(end - start).collect();
        let width = token.width().max(1);
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(before.width()),
            "^".repeat(width)
        ));
    }
    help(out)
}
