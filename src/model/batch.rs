//! A county's batch report (`kaohe.batch/1`): the ranking, townships per grade, the points each
//! indicator cost, duplicate 单位 and bundles that could not be scored. `crate::batch` builds it
//! from assessments; the reports render it.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::model::assessment::{Adjustment, Assessment, RulesetInfo, Total, points};

pub(crate) const SCHEMA: &str = "kaohe.batch/1";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BatchReport {
    pub schema: &'static str,
    /// The rule set every township was scored against (absent when none could be scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruleset: Option<RulesetInfo>,
    pub ranking: Vec<RankEntry>,
    /// Townships per grade, in the rule set's order of grades (highest first).
    #[serde(serialize_with = "ordered_map")]
    pub grades: Vec<(String, usize)>,
    /// Indicators by the points they cost the county in total, most first.
    pub losses: Vec<Loss>,
    /// Two or more bundles handed in for the same 单位.
    pub duplicates: Vec<Duplicate>,
    /// In ranking order.
    pub assessments: Vec<Assessment>,
    /// Sorted by bundle.
    pub failed: Vec<Failed>,
    /// Each ranked township's totals and adjustments, in ranking order (what the CSV lists
    /// beside the ranking; present even when `assessments` were streamed instead of kept).
    #[serde(skip)]
    pub totals: Vec<Kept>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RankEntry {
    pub rank: u32,
    pub unit: String,
    pub bundle: String,
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    pub grade: String,
    pub veto: bool,
    /// What the rule set calls the veto that set the grade (一票否决, 单项否决).
    #[serde(skip)]
    pub veto_label: String,
    /// The grading rules that applied, each as `id：message`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    pub provisional: bool,
    /// Ids of indicators whose computed score the evaluator adjusted (调整).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjusted: Vec<String>,
    /// Another bundle has the same 单位.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Loss {
    pub id: String,
    pub name: String,
    pub group: String,
    #[serde(serialize_with = "points")]
    pub points_lost: Decimal,
    /// How many townships lost points on it.
    pub townships: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Duplicate {
    pub unit: String,
    pub bundles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Failed {
    pub bundle: String,
    pub error: String,
}

fn ordered_map<S: Serializer>(pairs: &[(String, usize)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// What the batch keeps of one township once it is scored: what ranking, counting and the
/// ranking-only formats need, not its findings. A national batch keeps 38,000 of these (about
/// 200 bytes each) instead of 38,000 assessments.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub unit: String,
    pub bundle: String,
    pub total: Total,
    /// What the rule set calls the veto that set the grade (一票否决, 单项否决).
    pub veto_label: String,
    /// Indicators the evaluator adjusted (调整), in the rule set's order.
    pub adjustments: Vec<(String, Adjustment)>,
    /// The evaluation date, else the submission date (YYYY-MM-DD): the XLSX's document date.
    pub dated: String,
}

impl Kept {
    pub(crate) fn of(a: &Assessment) -> Kept {
        Kept {
            unit: a.unit.clone(),
            bundle: a.bundle.clone(),
            total: a.total.clone(),
            veto_label: a.veto_label().to_string(),
            adjustments: a
                .indicators
                .iter()
                .filter_map(|i| i.adjusted.clone().map(|adj| (i.id.clone(), adj)))
                .collect(),
            dated: dated(a).to_string(),
        }
    }
}

/// A township's date for the documents about it: the evaluation date, else the submission date.
pub(crate) fn dated(a: &Assessment) -> &str {
    let p = &a.provenance;
    p.evaluated.as_deref().unwrap_or(&p.submitted)
}
