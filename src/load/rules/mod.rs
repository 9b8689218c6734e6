//! Rule sets: read the YAML files (from a folder or the ones built into the binary), then
//! validate everything once — structure, every expression, every name and column, point
//! budgets — and report all problems together, each with file, line and column.
//!
//! One job per file: `source` (files from a folder or built in, `extends:`), `raw` (the
//! shapes serde reads), `checker` (problems and their positions by key path), `env` (the
//! type environment), `evidence` (`evidence:`), `calendar` (`calendar:`), `compile`
//! (ruleset.yaml, groups, indicators, vetoes, rounding), `method` (`method:`), `grading`
//! (`grading:`); beside them the diagnostic registry (`codes`), expression lints (`lint`),
//! overlays (`overlay`), rule-set tests (`cases`) and the `township:` file (`township`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::diag::{Fatal, Problem, Severity};
use crate::load::yaml::key_child as join;
use crate::model::ruleset::RuleSet;

mod calendar;
mod cases;
mod checker;
mod compile;
mod env;
mod evidence;
mod grading;
mod lint;
mod method;
mod overlay;
mod raw;
mod source;
pub(crate) mod township;

pub use cases::{EXPECTED_FILE, TestCase, test_cases};
pub use overlay::overlay_summary;

use checker::{Checker, index_positions};
use compile::compile_checked;
use env::{Want, element_type, with_name};
pub(crate) use raw::yaml_decimal;
use raw::{yaml_display, yaml_key};
pub use source::{RULESET_FILE, RuleFiles};

/// What `kaohe rules check` reports: the compiled rule set when there is no error, and every
/// problem (errors and warnings) in file order.
pub struct Checked {
    pub rules: Option<RuleSet>,
    pub problems: Vec<Problem>,
}

/// Load and validate a rule set completely. All errors are returned together; warnings
/// (`unused-param`, …) do not stop scoring and only `kaohe rules check` shows them.
pub fn compile(files: &RuleFiles) -> Result<RuleSet, Fatal> {
    let checked = check(files);
    match checked.rules {
        Some(rules) => Ok(rules),
        None => Err(Fatal {
            problems: checked
                .problems
                .into_iter()
                .filter(|p| p.severity == Severity::Error)
                .collect(),
        }),
    }
}

/// Validate a rule set completely, collecting errors and warnings.
pub fn check(files: &RuleFiles) -> Checked {
    let mut c = Checker {
        files,
        positions: BTreeMap::new(),
        lines: Default::default(),
        problems: Vec::new(),
        used: BTreeSet::new(),
        columns_read: BTreeSet::new(),
        year: None,
        merged: BTreeMap::new(),
        remap: BTreeMap::new(),
        units: Vec::new(),
        unit: 0,
    };
    let mut rules = compile_checked(&mut c);
    // Numbers written per unit type: the rule set is compiled once more per unit type, which
    // checks every budget, level and band for each; a bundle is scored with its own.
    if !c.units.is_empty() {
        let mut variants = Vec::new();
        for u in 0..c.units.len() {
            c.unit = u;
            variants.push(compile_checked(&mut c).map(Arc::new));
        }
        if let Some(ut) = rules.as_mut().and_then(|r| r.unit_type.as_mut()) {
            ut.index = None;
            ut.variants = variants.into_iter().flatten().collect();
        }
    }
    let mut problems = c.problems;
    // Stable: problems of one spot keep the order they were found in. A problem found again
    // when compiling for another unit type is said once.
    problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    let mut unique: Vec<Problem> = Vec::with_capacity(problems.len());
    for p in problems {
        let spot = |q: &Problem| (&q.file, q.line, q.col) == (&p.file, p.line, p.col);
        if !unique.iter().rev().take_while(|q| spot(q)).any(|q| *q == p) {
            unique.push(p);
        }
    }
    let problems = unique;
    let has_error = problems.iter().any(|p| p.severity == Severity::Error);
    Checked {
        rules: rules.filter(|_| !has_error),
        problems,
    }
}
