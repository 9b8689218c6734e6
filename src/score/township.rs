//! The names township expressions (`township:` of a rule set) see: everything an indicator sees
//! (globals, the rule set's `let`), `截至日期` set to the as-of day, `路径` (the bundle's file
//! paths), then the township's own `let`. Pure, like the rest of `score`.

use std::cell::RefCell;
use std::sync::Arc;

use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::expr::{EvalCtx, Vars};
use crate::model::evidence::Evidence;
use crate::model::ruleset::RuleSet;
use crate::model::ruleset::TOWNSHIP_PATHS as PATHS;
use crate::value::{Record, Value};

/// An evaluation context and the bound names for the township expressions of one bundle.
pub fn context<'a>(rules: &RuleSet, evidence: &'a Evidence, calendar: &'a Calendar) -> EvalCtx<'a> {
    EvalCtx {
        year: rules.year,
        calendar,
        evidence,
        problems: RefCell::new(Vec::new()),
        row_stack: RefCell::new(Vec::new()),
    }
}

/// The names bound for the township expressions, counted up to `as_of` (None: the year end).
pub fn vars(rules: &RuleSet, evidence: &Evidence, ctx: &EvalCtx, as_of: Option<Date>) -> Vars {
    let mut vars = super::globals(rules, evidence);
    if let Some(d) = as_of {
        vars.set("截至日期", Value::Date(d));
    }
    super::bind_shared(rules, ctx, &mut vars);
    let record = |fields: Vec<(Arc<str>, Value)>| Value::Record(Arc::new(Record { fields }));
    let ledgers = rules
        .evidence
        .ledgers
        .iter()
        .map(|d| {
            let path = evidence.ledgers.get(&d.name).map(|l| Value::text(&l.file));
            (Arc::from(d.name.as_str()), path.unwrap_or_default())
        })
        .collect();
    let documents = rules
        .evidence
        .documents
        .iter()
        .map(|d| {
            let path = evidence
                .documents
                .get(&d.name)
                .map(|l| Value::text(&l.file));
            (Arc::from(d.name.as_str()), path.unwrap_or_default())
        })
        .collect();
    vars.set(
        PATHS,
        record(vec![
            (Arc::from("台账"), record(ledgers)),
            (Arc::from("文档"), record(documents)),
        ]),
    );
    for (name, expr) in &rules.township.lets {
        let value = expr.eval(ctx, &vars);
        vars.set(name, value);
    }
    vars
}

/// The rule set's `township.selfreport` sentences evaluated against the bundle, in order: each
/// as (group index, text), the `say` or `otherwise` message trimmed; a sentence whose `when`
/// is false and that has no `otherwise`, or whose text is empty, is left out.
pub fn selfreport(
    rules: &RuleSet,
    evidence: &Evidence,
    calendar: &Calendar,
) -> Vec<(usize, String)> {
    let ctx = context(rules, evidence, calendar);
    let vars = vars(rules, evidence, &ctx, None);
    let mut out = Vec::new();
    for (group, sentences) in &rules.township.selfreport {
        for s in sentences {
            let text = if s.when.as_ref().is_none_or(|w| w.eval_bool(&ctx, &vars)) {
                s.say.render(&ctx, &vars)
            } else if let Some(otherwise) = &s.otherwise {
                otherwise.render(&ctx, &vars)
            } else {
                continue;
            };
            if !text.trim().is_empty() {
                out.push((*group, text.trim().to_string()));
            }
        }
    }
    out
}
