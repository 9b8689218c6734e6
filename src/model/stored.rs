//! An assessment read back from its JSON (`kaohe.assessment/1`), as much of it as `kaohe diff`
//! compares: which assessment, its totals, each indicator's score and findings. `load::stored`
//! reads it leniently, so assessments written by any kaohe version compare.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::assessment::points;

#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub side: Side,
    pub totals: Totals,
    pub indicators: Vec<StoredIndicator>,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredIndicator {
    /// `None` when the JSON has no text id.
    pub id: Option<String>,
    pub name: String,
    pub scored: Scored,
    /// Each finding's stable key and message (`load::stored` says how old assessments get one).
    pub findings: Vec<(String, String)>,
}

/// Which assessment: unit, rule set, bundle, submission date.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Side {
    pub unit: String,
    pub ruleset: String,
    pub year: Option<i64>,
    pub bundle: String,
    pub submitted: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Totals {
    #[serde(serialize_with = "points")]
    pub base: Decimal,
    #[serde(serialize_with = "points")]
    pub bonus: Decimal,
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    pub grade: String,
    pub provisional: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Scored {
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    #[serde(serialize_with = "points")]
    pub max: Decimal,
    pub status: String,
}
