//! The evaluator's verdict file (bundle-spec.md): manual scores and adjustments, validated.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    /// The file as given on the command line (listed with its SHA-256 in the report).
    pub file: String,
    pub sha256: String,
    pub evaluator: String,
    pub date: Option<Date>,
    /// Manual indicator id → score and note.
    pub scores: BTreeMap<String, Verdict>,
    /// Indicator id → adjusted score and reason.
    pub adjustments: BTreeMap<String, Verdict>,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub score: Decimal,
    pub note: String,
}
