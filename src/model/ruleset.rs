//! A compiled rule set: every expression parsed and checked, every name resolved. Built once
//! by `load::rules`; the scorer only reads it.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::diag::Severity;
use crate::expr::value::Value;
use crate::expr::{Expr, Template};
use crate::model::schema::EvidenceDecl;

#[derive(Debug)]
pub struct RuleSet {
    /// Holiday calendars the rule set adds to the built-in one (a later year, local days).
    pub calendar: crate::calendar::Calendar,
    pub id: String,
    pub title: String,
    pub year: i16,
    /// Maximum of the base score (the non-bonus groups' points add up to it).
    pub max: Decimal,
    pub bonus_cap: Decimal,
    /// Highest first; `min` inclusive.
    pub grades: Vec<Grade>,
    pub veto_grade: String,
    pub params: Vec<(String, Value)>,
    /// Shared definitions (`let:` in ruleset.yaml), evaluated once per bundle, in order, after
    /// the params; every indicator and check sees them.
    pub lets: Vec<(String, Expr)>,
    pub groups: Vec<Group>,
    /// In rule-set order (group order, then file order).
    pub indicators: Vec<Indicator>,
    pub evidence: Arc<EvidenceDecl>,
    pub checks: Vec<Check>,
    /// What precheck, selfreport and init need to know (`township:`).
    pub township: Township,
    /// SHA-256 over the rule-set files (path and content, sorted by path).
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct Grade {
    pub name: String,
    pub min: Decimal,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub points: Decimal,
    pub bonus: bool,
}

/// Where a finding with no rows points: a ledger's file, a document's file, or the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Ledger(String),
    Document(String),
    Manifest,
}

#[derive(Debug)]
pub struct Requirement {
    pub need: Expr,
    /// What is missing, as the finding says it (缺材料：…).
    pub what: String,
}

#[derive(Debug)]
pub struct ItemRule {
    pub items: Expr,
    pub message: Template,
}

#[derive(Debug)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    /// Index into `RuleSet::groups`.
    pub group: usize,
    pub points: Decimal,
    pub basis: String,
    pub measure: String,
    pub fix: String,
    pub requires: Vec<Requirement>,
    pub source: Source,
    pub lets: Vec<(String, Expr)>,
    pub zero_when: Option<(Expr, Template)>,
    pub veto: Option<ItemRule>,
    pub method: Method,
}

#[derive(Debug)]
pub struct Level {
    pub min: Decimal,
    pub points: Decimal,
}

#[derive(Debug)]
pub enum Method {
    /// Full points when `pass` is true, else 0.
    All {
        pass: Expr,
        cite: Option<Expr>,
        message: Template,
    },
    /// Points of the first level whose `min` the measure reaches, else 0.
    Tiers {
        measure: Expr,
        cite: Option<Expr>,
        levels: Vec<Level>,
        message: Template,
    },
    /// `each` points per item, capped at the indicator's points (扣完为止).
    Deduct {
        items: Expr,
        each: Expr,
        message: Template,
        cite: Option<Expr>,
    },
    /// Scored by the evaluator's verdict within 0..points.
    Manual,
}

/// A data check of the rule set: every element of `over` for which `when` holds is a problem.
#[derive(Debug)]
pub struct Check {
    pub code: &'static str,
    pub over: Expr,
    pub when: Expr,
    pub column: Option<String>,
    pub value: Option<Expr>,
    pub key: Option<Template>,
    pub severity: Severity,
    pub message: Template,
}

impl RuleSet {
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    pub fn is_bonus(&self, indicator: &Indicator) -> bool {
        self.groups[indicator.group].bonus
    }

    /// The grade band a total reaches (bands are highest first).
    pub fn grade_for(&self, total: Decimal) -> &str {
        self.grades
            .iter()
            .find(|g| total >= g.min)
            .or(self.grades.last())
            .map(|g| g.name.as_str())
            .unwrap_or("")
    }
}

/// What the township commands (`precheck`, `selfreport`, `init`) know about a county's table,
/// declared in the rule set's `township:` file (docs/rules.md#township). Everything optional:
/// a rule set without it still pre-checks, drafts and scaffolds, with fewer helps.
#[derive(Debug, Default)]
pub struct Township {
    /// Definitions the township expressions share, evaluated after the rule set's own `let`.
    pub lets: Vec<(String, Expr)>,
    /// The 报送日期 a fresh bundle template starts with (`init`); else 1月31日 of the next year.
    pub submit_by: Option<Expr>,
    pub applications: Option<Applications>,
    pub deadlines: Vec<Deadline>,
    pub periods: Vec<Period>,
    /// `init`: a hint per manifest key path (`组织保障.领导小组`), written above the key.
    pub hints: Vec<(String, String)>,
    /// `selfreport`: the sentences under each group (index into `RuleSet::groups`).
    pub selfreport: Vec<(usize, Vec<Sentence>)>,
}

/// Requests with a reply due within a number of working days (`precheck` lists the pending ones).
#[derive(Debug)]
pub struct Applications {
    /// The precheck section heading.
    pub title: String,
    /// Indicators whose to-do lists these due dates and whose deductions a reply in time avoids.
    pub indicators: Vec<String>,
    /// The requests: a list of ledger rows (`it` below is one of them).
    pub rows: Expr,
    pub received: Expr,
    pub replied: Expr,
    /// The limit in working days.
    pub limit: Expr,
}

/// A document to publish by a date (`precheck`: the date, days left, what a late one costs).
#[derive(Debug)]
pub struct Deadline {
    /// A declared document; the indicators scored from it (`source: 文档.<name>`) get the dates.
    pub document: String,
    pub by: Expr,
    pub what: String,
    /// The day it was done (null: not yet).
    pub done: Option<Expr>,
    pub done_what: String,
    /// Indicators lost for good once the deadline has passed (being on time is what they score).
    pub on_time: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Month,
    Quarter,
}

/// Rows expected every month or quarter (`precheck` lists the months or quarters with none).
#[derive(Debug)]
pub struct Period {
    pub indicators: Vec<String>,
    pub rows: Expr,
    /// The date of a row (`it`).
    pub date: Expr,
    pub every: Every,
    /// What is missing, as in 「2021年没有{what}的月份」.
    pub what: String,
}

/// One paragraph of the draft 自查报告: `say` when `when` holds (or there is no `when`), else
/// `otherwise` when given; an empty paragraph is left out.
#[derive(Debug)]
pub struct Sentence {
    pub when: Option<Expr>,
    pub say: Template,
    pub otherwise: Option<Template>,
}
