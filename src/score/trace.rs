//! What `kaohe explain` shows besides the findings: the value of every `let` of one indicator
//! and, for tiers, the measure. Evaluated exactly as `score` evaluates them (same globals, same
//! order); it never decides points — those come from the assessment.

use std::cell::RefCell;

use crate::calendar::Calendar;
use crate::expr::EvalCtx;
use crate::model::evidence::Evidence;
use crate::model::ruleset::{Indicator, Method, RuleSet};
use crate::model::trace::Trace;

pub fn trace(
    rules: &RuleSet,
    indicator: &Indicator,
    evidence: &Evidence,
    calendar: &Calendar,
) -> Trace {
    let ctx = EvalCtx {
        year: rules.year,
        calendar,
        evidence,
        problems: RefCell::new(Vec::new()),
        row_stack: RefCell::new(Vec::new()),
    };
    let mut vars = super::globals(rules, evidence);
    super::bind_shared(rules, &ctx, &mut vars);
    let mut trace = Trace::default();
    // Nothing is measured for a manual indicator, nor for one worth 0 to the unit's type.
    if matches!(indicator.method, Method::Manual)
        || (indicator.points_by_unit && indicator.points.is_zero())
    {
        return trace;
    }
    for (name, expr) in &indicator.lets {
        let value = expr.eval(&ctx, &vars);
        vars.set(name, value.clone());
        trace.lets.push((name.clone(), value));
    }
    if let Method::Tiers { measure, .. } = &indicator.method {
        trace.measure = Some(measure.eval(&ctx, &vars));
    }
    trace
}
