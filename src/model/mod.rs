//! The nouns: rule set, evidence, assessment. No IO.
pub mod assessment;
pub mod evidence;
pub mod ruleset;
pub mod schema;
pub mod verdicts;
