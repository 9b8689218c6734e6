//! The result of scoring one bundle: what every report renders, field for field the JSON
//! contract of PRODUCT.md (`kaohe.assessment/1`).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};

use crate::diag::Problem;

pub const SCHEMA: &str = "kaohe.assessment/1";

/// Points print as JSON numbers in shortest form (2, 1.5, 0.25). Points have at most two
/// decimals, and f64's shortest round-trip printing of such a value is exactly its digits.
pub fn points<S: Serializer>(p: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let n = p.normalize();
    if n.scale() == 0
        && let Some(i) = n.to_i64()
    {
        return s.serialize_i64(i);
    }
    s.serialize_f64(n.to_f64().unwrap_or(0.0))
}

#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub schema: &'static str,
    pub ruleset: RulesetInfo,
    pub unit: String,
    /// The unit's type (`单位类型: 街道`) when the rule set's points depend on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_type: Option<String>,
    pub bundle: String,
    pub total: Total,
    /// The parts, for rule sets that grade by parts (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartResult>,
    pub indicators: Vec<IndicatorResult>,
    pub evidence: Vec<EvidenceFile>,
    pub problems: Vec<Problem>,
    pub provenance: Provenance,
}

impl Assessment {
    /// The label of the veto that set the grade (一票否决 unless the rule set names it).
    pub fn veto_label(&self) -> &str {
        self.total
            .vetoes
            .iter()
            .find(|v| v.grade.is_some())
            .map_or("一票否决", |v| v.label.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesetInfo {
    pub id: String,
    pub title: String,
    pub year: i16,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Total {
    #[serde(serialize_with = "points")]
    pub base: Decimal,
    #[serde(serialize_with = "points")]
    pub bonus: Decimal,
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    #[serde(serialize_with = "points")]
    pub max: Decimal,
    pub grade: String,
    pub veto: bool,
    pub provisional: bool,
    /// The vetoes that fired: label, what they zeroed, the grade they set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoOutcome>,
    /// The rule set's grading rules (`grading:`), each with whether it applied, its message,
    /// its effect and the figures it read. Never a veto.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleOutcome>,
}

/// A veto that fired: which indicator, the rule set's label for it (一票否决, 单项否决), the
/// parts it zeroed and the grade it set.
#[derive(Debug, Clone, Serialize)]
pub struct VetoOutcome {
    pub indicator: String,
    pub label: String,
    /// Names of the parts whose points it took away (empty: only its own indicator, or none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zeroed: Vec<String>,
    /// True when the indicator keeps its own score (`scope: none`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub keeps_score: bool,
    /// The grade it sets, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
}

/// One grading rule of the rule set, as evaluated after every indicator, verdict and adjustment.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    pub id: String,
    /// Whether its `when` held (and so its effect was applied).
    pub applied: bool,
    /// What it does, in Chinese: `等次不高于不合格`, `加分 6 改为 0`.
    pub effect: String,
    /// Its message, rendered (empty when it did not apply).
    pub message: String,
    /// The part, indicator and total figures its expressions read, with their values then.
    pub figures: Vec<Figure>,
}

/// A named value a grading rule read (`部分.网站.得分` = 18).
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub name: String,
    pub value: FigureValue,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum FigureValue {
    Num(#[serde(serialize_with = "points")] Decimal),
    Text(String),
    Bool(bool),
    Null(Option<()>),
}

impl std::fmt::Display for FigureValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FigureValue::Num(n) => write!(f, "{}", n.normalize()),
            FigureValue::Text(t) => f.write_str(t),
            FigureValue::Bool(true) => f.write_str("是"),
            FigureValue::Bool(false) => f.write_str("否"),
            FigureValue::Null(_) => f.write_str("空"),
        }
    }
}

/// One part (一级指标 group) as it enters the total. Only rule sets that grade by parts
/// (grading rules, rescaled or weighted parts, veto scopes, rounding) list their parts.
#[derive(Debug, Clone, Serialize)]
pub struct PartResult {
    pub id: String,
    pub name: String,
    /// The part's points.
    #[serde(serialize_with = "points")]
    pub max: Decimal,
    /// Points of its applicable indicators (不适用 ones do not count).
    #[serde(serialize_with = "points")]
    pub applicable: Decimal,
    /// Sum of its indicators' scores (after verdicts, adjustments and vetoes).
    #[serde(serialize_with = "points")]
    pub sum: Decimal,
    /// The part's score: `sum`, rescaled to `max` over the applicable points when the part
    /// rescales, rounded when the rule set rounds per part.
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    /// The same from the computed scores (before evaluators' adjustments).
    #[serde(serialize_with = "points")]
    pub computed: Decimal,
    /// Its weight in the total (1 unless declared); `score × weight` enters the total.
    #[serde(serialize_with = "points")]
    pub weight: Decimal,
    pub bonus: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rescaled: bool,
    /// The indicator whose veto zeroed the part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zeroed_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Partial,
    Gap,
    Missing,
    Manual,
    Veto,
    /// 不适用: the indicator's `applies_when` is false; its points count neither way.
    Na,
}

impl Status {
    /// The Chinese label every human-facing report uses.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "达标",
            Status::Partial => "部分达标",
            Status::Gap => "未达标",
            Status::Missing => "缺材料",
            Status::Manual => "待评分",
            Status::Veto => "否决",
            Status::Na => "不适用",
        }
    }

    /// pass / partial / gap by points alone.
    pub fn from_points(score: Decimal, max: Decimal) -> Status {
        if score >= max {
            Status::Pass
        } else if score > Decimal::ZERO {
            Status::Partial
        } else {
            Status::Gap
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorResult {
    pub id: String,
    pub name: String,
    pub group: String,
    #[serde(serialize_with = "points")]
    pub max: Decimal,
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    pub status: Status,
    pub bonus: bool,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjusted: Option<Adjustment>,
    /// The evaluator's note for a manual indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    pub basis: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub message: String,
    /// What the finding is about, stable while its message changes (`kaohe diff` matches
    /// findings by it): the method part that found it and the item or cited rows, e.g.
    /// `deduct:8` (missing issue 8), `deduct:台账/公报.csv#12`, `all`, `missing:台账.公报发放`.
    pub key: String,
    #[serde(serialize_with = "points")]
    pub deduct: Decimal,
    pub evidence: Vec<EvidenceRef>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EvidenceRef {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Adjustment {
    #[serde(serialize_with = "points")]
    pub from: Decimal,
    #[serde(serialize_with = "points")]
    pub to: Decimal,
    pub reason: String,
    pub by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFile {
    pub file: String,
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub kaohe: &'static str,
    pub submitted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated: Option<String>,
}
