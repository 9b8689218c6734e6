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
    pub bundle: String,
    pub total: Total,
    pub indicators: Vec<IndicatorResult>,
    pub evidence: Vec<EvidenceFile>,
    pub problems: Vec<Problem>,
    pub provenance: Provenance,
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
    /// 不适用: the indicator's `applies_when` is false for this unit; it has no points either
    /// way (`max` and `score` are 0, no findings).
    #[serde(rename = "na")]
    NotApplicable,
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
            Status::NotApplicable => "不适用",
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
