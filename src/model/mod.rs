//! The nouns: rule set, evidence, assessment, batch report, pre-check. No IO.
pub mod assessment;
pub(crate) mod batch;
pub mod evidence;
pub(crate) mod precheck;
pub mod ruleset;
pub mod schema;
pub(crate) mod stored;
pub mod trace;
pub mod verdicts;
