//! kaohe: scores a township's evidence bundle against a county's assessment indicators.
//!
//! Pipeline: `load` (the only module that opens files) → `model` (rule set, evidence,
//! assessment) → `score` (pure) → `report` (renders, never recomputes). `cli` drives it.
// A `Problem` is returned only on the cold path of bad input; boxing it everywhere would cost
// readability for no measurable gain.
#![allow(clippy::result_large_err)]

pub(crate) mod batch;
pub mod budget;
pub mod calendar;
pub mod cli;
pub(crate) mod dates;
pub mod diag;
pub(crate) mod expr;
pub mod load;
pub mod model;
pub(crate) mod precheck;
pub(crate) mod report;
pub mod score;
pub(crate) mod text;
pub mod value;
