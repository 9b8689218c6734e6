//! A township's pre-check (`kaohe.precheck/1`): the ranked to-do list, key dates, pending
//! applications, missing evidence and recoverable points. `crate::precheck` builds it from an
//! assessment scored as of a day; the reports render it.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::diag::Problem;
use crate::model::assessment::{EvidenceRef, Finding, RulesetInfo, Status, Total, points};

pub(crate) const SCHEMA: &str = "kaohe.precheck/1";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Precheck {
    pub schema: &'static str,
    pub ruleset: RulesetInfo,
    pub unit: String,
    pub bundle: String,
    /// The day periods are counted up to and deadlines are measured from.
    pub as_of: String,
    /// The bundle's submission date (报送日期).
    pub submitted: String,
    pub total: Total,
    /// Points lost on the base score: `total.max − total.base`, and the sum of `todo[].at_stake`.
    #[serde(serialize_with = "points")]
    pub at_stake: Decimal,
    /// Base indicators that lose points, largest first (rule-set order among equals).
    pub todo: Vec<Todo>,
    /// Bonus indicators not at full points (加分 never counts as points lost).
    pub bonus: Vec<Todo>,
    /// The heading of the applications section (the rule set's `township.applications.title`);
    /// `None` when the rule set declares no applications.
    #[serde(skip)]
    pub applications_title: Option<String>,
    /// Applications without a (valid) reply, with their due dates.
    pub applications: Vec<Application>,
    pub missing: Vec<MissingEvidence>,
    pub problems: Vec<Problem>,
    #[serde(serialize_with = "points")]
    pub recoverable_total: Decimal,
    pub recoverable: Vec<Recovery>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Todo {
    pub id: String,
    pub name: String,
    pub group: String,
    #[serde(serialize_with = "points")]
    pub max: Decimal,
    #[serde(serialize_with = "points")]
    pub score: Decimal,
    #[serde(serialize_with = "points")]
    pub at_stake: Decimal,
    pub status: Status,
    pub findings: Vec<Finding>,
    pub fix: String,
    pub dates: Vec<KeyDate>,
}

/// A date that matters for an indicator; `date` is null when it cannot be known (a year the
/// working-day calendar does not cover), and `note` says why.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KeyDate {
    pub what: String,
    pub date: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Application {
    pub evidence: EvidenceRef,
    pub received: Option<String>,
    /// The limit in working days (the rule set's `township.applications.limit`).
    pub limit: u32,
    /// The limit-th working day after receipt; null when unknown.
    pub due: Option<String>,
    /// `overdue` (due before the as-of day, or no date of receipt), `open`, or `unknown`.
    pub state: &'static str,
    /// Whether `score` deducts it: the due date falls before the bundle's submission date.
    pub deducted: bool,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MissingEvidence {
    /// The indicators scored 缺材料 because of it (empty for a named file no indicator needs).
    pub indicators: Vec<String>,
    pub what: String,
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Recovery {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "points")]
    pub points: Decimal,
    pub action: String,
    /// The last day it can be done.
    pub by: String,
}
