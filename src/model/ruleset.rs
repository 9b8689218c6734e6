//! A compiled rule set: every expression parsed and checked, every name resolved. Built once
//! by `load::rules`; the scorer only reads it.

use crate::diag::DataCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::diag::{CheckCode, Severity};
use crate::expr::{Expr, Template};
use crate::model::schema::EvidenceDecl;
use crate::value::Value;

#[derive(Debug)]
pub struct RuleSet {
    /// Holiday calendars the rule set adds to the built-in one (a later year, local days).
    pub calendar: crate::calendar::Calendar,
    pub id: String,
    pub title: String,
    /// A worked example of another scheme (`example: true`), never chosen by default.
    pub example: bool,
    pub year: i16,
    /// Maximum of the base score (the non-bonus groups' points add up to it).
    pub max: Decimal,
    pub bonus_cap: Decimal,
    /// Highest first; `min` inclusive.
    pub grades: Vec<Grade>,
    pub veto_grade: String,
    /// What a veto is called in findings and reports (`veto_label:`, default 一票否决); one
    /// veto may name its own (`veto: {label: 单项否决}`).
    pub veto_label: String,
    /// How and where scores are rounded (`rounding:`); default: the total, to 0.01, half-up.
    pub rounding: Rounding,
    /// `rescale: applicable` in ruleset.yaml: the base score is rescaled to `max` over the
    /// points of applicable indicators.
    pub rescale: bool,
    /// Grading rules (`grading:`), evaluated in order after every indicator, verdict,
    /// adjustment and veto; they read the parts, indicators and total.
    pub grading: Vec<GradingRule>,
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
    /// `unit_type:`: points, levels and grade bands written per unit type (乡镇/街道), read
    /// from a declared bundle.yaml key; `None` when every number is written once.
    pub unit_type: Option<UnitType>,
    /// SHA-256 over the rule-set files (path and content, sorted by path).
    pub sha256: String,
}

/// A unit attribute that numbers depend on (`unit_type: {field: 单位类型, values: [乡镇, 街道]}`).
/// The rule set is compiled once per value; a bundle is scored with the compilation for its
/// value (`RuleSet::for_unit`), so everything downstream reads plain numbers.
#[derive(Debug)]
pub struct UnitType {
    /// The bundle.yaml key (declared under `evidence.manifest` as text).
    pub field: String,
    /// Its values, in the order written.
    pub values: Vec<String>,
    /// The value this compilation is for; `None` for the rule set as written (its numbers are
    /// the first value's, and `variants` holds one compilation per value).
    pub index: Option<usize>,
    /// One compilation per value, in the order of `values` (empty in a variant).
    pub variants: Vec<Arc<RuleSet>>,
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
    /// `rescale: applicable`: the part's score is its indicators' sum × points ÷ the points of
    /// its applicable indicators (不适用 ones left out), exactly, then rounded as declared.
    pub rescale: bool,
    /// Its weight in the total (`weight: 0.8`; 1 when not written).
    pub weight: Decimal,
}

/// Where scores are rounded, to what step, by which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rounding {
    pub indicator: bool,
    pub part: bool,
    pub total: bool,
    pub step: Decimal,
    pub rule: RoundRule,
    /// Whether the rule set wrote `rounding:` (else the default applies).
    pub declared: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundRule {
    /// 四舍五入: a half goes up.
    HalfUp,
    /// 四舍六入五成双 (banker's rounding): a half goes to the even step.
    HalfEven,
}

impl RoundRule {
    pub fn name(self) -> &'static str {
        match self {
            RoundRule::HalfUp => "half-up",
            RoundRule::HalfEven => "half-even",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RoundRule::HalfUp => "四舍五入",
            RoundRule::HalfEven => "四舍六入五成双",
        }
    }
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            indicator: false,
            part: false,
            total: true,
            step: Decimal::new(1, 2),
            rule: RoundRule::HalfUp,
            declared: false,
        }
    }
}

impl Rounding {
    /// `x` rounded to a multiple of the step by the rule.
    pub fn round(&self, x: Decimal) -> Decimal {
        use rust_decimal::RoundingStrategy;
        if self.step <= Decimal::ZERO {
            return x;
        }
        let strategy = match self.rule {
            RoundRule::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundRule::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        match x.checked_div(self.step) {
            Some(q) => (q.round_dp_with_strategy(0, strategy) * self.step).normalize(),
            None => x,
        }
    }

    /// One phrase: `总分四舍五入到0.01`.
    pub fn describe(&self) -> String {
        let mut at = Vec::new();
        if self.indicator {
            at.push("指标得分");
        }
        if self.part {
            at.push("部分得分");
        }
        if self.total {
            at.push("总分");
        }
        format!(
            "{}{}到{}",
            at.join("、"),
            self.rule.label(),
            self.step.normalize()
        )
    }
}

/// What a veto takes away besides setting the grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VetoScope {
    /// Its own indicator scores 0 (the default, as before).
    Indicator,
    /// Every indicator of these parts (indices into `RuleSet::groups`) scores 0.
    Groups(Vec<usize>),
    /// Nothing: the indicator keeps its own score; the veto only sets the grade.
    None,
}

/// `veto:` of an indicator.
#[derive(Debug)]
pub struct Veto {
    pub items: Expr,
    pub message: Template,
    /// The label findings and reports use (the rule set's `veto_label` unless given).
    pub label: String,
    pub scope: VetoScope,
    /// The grade it sets (`None`: `grade: false`, it only zeroes).
    pub grade: Option<String>,
}

impl Veto {
    /// What the veto does, in words: `单项否决：二、政府网站不得分，等次为不合格`. A plain veto
    /// (its own indicator, the rule set's veto grade) is just its label.
    pub fn describe(&self, rules: &RuleSet) -> String {
        let mut effects = Vec::new();
        match &self.scope {
            VetoScope::Indicator => {}
            VetoScope::Groups(gs) => {
                let names: Vec<&str> = gs.iter().map(|&g| rules.groups[g].name.as_str()).collect();
                effects.push(format!("{}不得分", names.join("、")));
            }
            VetoScope::None => effects.push("保留本项得分".to_string()),
        }
        match &self.grade {
            Some(g) if *g != rules.veto_grade || !effects.is_empty() => {
                effects.push(format!("等次为{g}"))
            }
            Some(_) => {}
            None => effects.push("不影响等次".to_string()),
        }
        if effects.is_empty() {
            self.label.clone()
        } else {
            format!("{}：{}", self.label, effects.join("，"))
        }
    }
}

/// A grading rule: when `when` holds, cap the grade and/or set the bonus.
#[derive(Debug)]
pub struct GradingRule {
    pub id: String,
    pub when: Expr,
    pub message: Template,
    /// `grade_at_most: 良好` — 不得评为优秀; `不合格` — 等次为不合格.
    pub grade_at_most: Option<String>,
    /// `bonus: 0` gates the bonus, `bonus: 总分.加分 * 0.5` scales it.
    pub bonus: Option<Expr>,
    /// Paths like `部分.网站.得分` the rule reads, reported with their values.
    pub figures: Vec<Vec<String>>,
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
    pub veto: Option<Veto>,
    /// `applies_when`: when false the indicator is 不适用 (no points either way).
    pub applies_when: Option<Expr>,
    pub method: Method,
    /// The ledger columns the indicator's own expressions read, by name (an absent optional
    /// column it reads is worth a warning: every row reads it as empty).
    pub reads: Vec<String>,
    /// Its points are written per unit type (`points: {乡镇: 12.5, 街道: 2}`); 0 for this
    /// compilation's unit type makes it 不适用 to that type.
    pub points_by_unit: bool,
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
    /// `each` points per item of every clause, each clause capped at its own `cap` (最高扣X分)
    /// and all of them at the indicator's points (扣完为止).
    Deduct { clauses: Vec<Clause> },
    /// `each` points per item of every clause (每有一项加X分), each clause capped at its `cap`;
    /// the score is the sum, at most the indicator's points. One finding carries the shortfall.
    Award {
        clauses: Vec<Clause>,
        /// The shortfall finding; `awarded` is bound to the points the items earned.
        message: Template,
    },
    /// Scored by the evaluator's verdict within 0..points.
    Manual,
}

/// One clause of `deduct` or `award`: items, points per item, an optional cap, and (for
/// `deduct`) the message of each item's finding.
#[derive(Debug)]
pub struct Clause {
    pub items: Expr,
    pub each: Expr,
    /// 最高扣X分 / 最高加X分 for this clause alone.
    pub cap: Option<Decimal>,
    /// `deduct`: the finding of one item (a template over `it`). `award`: unused.
    pub message: Option<Template>,
    /// What an item's finding cites (default: the item itself).
    pub cite: Option<Expr>,
}

/// A data check of the rule set: every element of `over` for which `when` holds is a problem.
#[derive(Debug)]
pub struct Check {
    pub code: CheckCode,
    pub over: Expr,
    pub when: Expr,
    pub column: Option<String>,
    pub value: Option<Expr>,
    pub key: Option<Template>,
    pub severity: Severity,
    pub message: Template,
}

impl RuleSet {
    /// The compilation for a bundle's unit type (`unit_type:`), or the rule set itself when its
    /// numbers do not depend on one. A bundle without the key, or with a value the rule set
    /// does not declare, cannot be scored: the problem names bundle.yaml, the key, its line and
    /// value, and the values allowed.
    pub fn for_unit(
        &self,
        evidence: &crate::model::evidence::Evidence,
    ) -> Result<Option<&Arc<RuleSet>>, crate::diag::Problem> {
        let Some(ut) = &self.unit_type else {
            return Ok(None);
        };
        if ut.index.is_some() {
            return Ok(None);
        }
        let value = match &evidence.manifest {
            Value::Record(r) => r.get(&ut.field).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let allowed = ut.values.join("、");
        let text = match value {
            Value::Text(t) => Some(t.to_string()),
            _ => None,
        };
        if let Some(t) = &text
            && let Some(i) = ut.values.iter().position(|v| v == t)
        {
            return Ok(ut.variants.get(i));
        }
        let mut p = match &text {
            None => crate::diag::Problem::error(
                "bundle.yaml",
                DataCode::UnitTypeMissing,
                format!(
                    "bundle.yaml 没有写「{}」：规则集 {} 的分值按{}（{allowed}）不同，请写明，如 {}: {}",
                    ut.field,
                    self.id,
                    ut.field,
                    ut.field,
                    ut.values.first().map(String::as_str).unwrap_or_default()
                ),
            ),
            Some(t) => crate::diag::Problem::error(
                "bundle.yaml",
                DataCode::UnitTypeUnknown,
                format!(
                    "「{}」为「{t}」，不是规则集 {} 所列的{}之一（{allowed}）",
                    ut.field, self.id, ut.field
                ),
            )
            .value(t.clone()),
        };
        p = p.key(ut.field.clone());
        p.line = evidence.key_lines.get(&ut.field).copied();
        Err(p)
    }

    /// The unit type this compilation scores (`None`: numbers do not depend on one, or the rule
    /// set as written).
    pub fn unit_value(&self) -> Option<&str> {
        let ut = self.unit_type.as_ref()?;
        ut.values.get(ut.index?).map(String::as_str)
    }

    /// The indicator a user means by `id`: ids are not case-sensitive (`b1` is `B1`), the one
    /// lookup used by explain, verdict files and precheck.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id).or_else(|| {
            self.indicators
                .iter()
                .find(|i| i.id.eq_ignore_ascii_case(id))
        })
    }

    pub fn is_bonus(&self, indicator: &Indicator) -> bool {
        self.groups[indicator.group].bonus
    }

    /// Whether the rule set grades by parts, so reports list the parts (grading rules,
    /// rescaled or weighted parts, vetoes with a scope, declared rounding).
    pub fn grades_by_parts(&self) -> bool {
        !self.grading.is_empty()
            || self.rescale
            || self.rounding.declared
            || self
                .groups
                .iter()
                .any(|g| g.rescale || g.weight != Decimal::ONE)
            || self.indicators.iter().any(|i| {
                i.veto
                    .as_ref()
                    .is_some_and(|v| !matches!(v.scope, VetoScope::Indicator))
            })
    }

    /// The lower of two grades (bands are highest first); unknown names lose.
    pub fn lower_grade<'a>(&self, a: &'a str, b: &'a str) -> &'a str {
        let rank = |g: &str| self.grades.iter().position(|x| x.name == g);
        match (rank(a), rank(b)) {
            (Some(x), Some(y)) if y > x => b,
            _ => a,
        }
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

/// The names a grading rule sees besides the global ones.
pub const PARTS: &str = "部分";
pub const INDICATORS: &str = "指标";
pub const TOTAL: &str = "总分";

/// The fields of each record, with their types, for the checker (`load::rules`) and the
/// scorer (`score::grading`), which builds them in this order.
pub const PART_FIELDS: &[(&str, FieldKind)] = &[
    ("得分", FieldKind::Num),
    ("满分", FieldKind::Num),
    ("适用满分", FieldKind::Num),
    ("合计", FieldKind::Num),
    ("计算得分", FieldKind::Num),
    ("权重", FieldKind::Num),
    ("计入总分", FieldKind::Num),
    ("否决", FieldKind::Bool),
];
pub const INDICATOR_FIELDS: &[(&str, FieldKind)] = &[
    ("得分", FieldKind::Num),
    ("计算得分", FieldKind::Num),
    ("满分", FieldKind::Num),
    ("状态", FieldKind::Text),
    ("适用", FieldKind::Bool),
    ("否决", FieldKind::Bool),
    ("调整", FieldKind::Bool),
];
pub const TOTAL_FIELDS: &[(&str, FieldKind)] = &[
    ("基本分", FieldKind::Num),
    ("加分", FieldKind::Num),
    ("加分合计", FieldKind::Num),
    ("得分", FieldKind::Num),
    ("满分", FieldKind::Num),
    ("等次", FieldKind::Text),
];

#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    Num,
    Bool,
    Text,
}

/// The name township expressions read the bundle's file paths by: `路径.台账.<name>`,
/// `路径.文档.<name>` (null when the file was not handed in).
pub const TOWNSHIP_PATHS: &str = "路径";

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

/// What an overlay changes, for `kaohe rules show`: where each value comes from.
#[derive(Debug, Clone, Default)]
pub struct OverlaySummary {
    /// `extends:` as written, and where the base was found.
    pub base: String,
    pub base_origin: String,
    /// The overlay's ruleset.yaml, as problems name it.
    pub file: String,
    /// Top-level keys the overlay writes (id, title, year, checks, …).
    pub top: Vec<String>,
    pub params: BTreeSet<String>,
    pub groups: BTreeSet<String>,
    pub dropped: Vec<String>,
    /// Indicator id → the keys the overlay changes (`let.gaps`, `method.all.message`).
    pub changed: BTreeMap<String, Vec<String>>,
    /// Indicator id → the overlay file that adds it.
    pub added: BTreeMap<String, String>,
}
