//! Above single indicators: vetoes with a scope, the parts (groups), the total and the grade.
//!
//! Runs after every indicator has been scored, its verdict read and its adjustment applied, in
//! this order (docs/rules.md, "总分和等次如何形成"):
//! 1. vetoes that zero parts take the points of every indicator of those parts (one finding
//!    each, so findings still add up);
//! 2. each part sums its applicable indicators and, when it rescales, is rescaled to its
//!    points over the points of its applicable indicators (exactly), then rounded per part;
//! 3. the base score is the weighted sum of the non-bonus parts (rescaled over the applicable
//!    parts when the total rescales), the bonus the sum of the bonus parts up to `bonus_cap`,
//!    both rounded per total;
//! 4. the grade is the band of the score, lowered by every veto that sets a grade;
//! 5. the grading rules run in order, each seeing the parts, the indicators and the total as
//!    the rules before it left them; a rule may set the bonus and cap the grade.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::expr::{EvalCtx, Vars};
use crate::model::assessment::{
    Figure, FigureValue, Finding, IndicatorResult, PartResult, RuleOutcome, Status, Total,
    VetoOutcome,
};
use crate::model::ruleset::{INDICATORS, PARTS, RuleSet, TOTAL, VetoScope};
use crate::value::{Record, Value};

pub(super) fn finish(
    rules: &RuleSet,
    results: &mut [IndicatorResult],
    ctx: &EvalCtx,
    globals: &Vars,
) -> (Total, Vec<PartResult>) {
    let vetoes = apply_vetoes(rules, results);
    let parts = parts(rules, results, &vetoes);

    let non_bonus = || parts.iter().filter(|p| !p.bonus);
    let mut base: Decimal = non_bonus().map(|p| p.score * p.weight).sum();
    if rules.rescale {
        let applicable: Decimal = non_bonus()
            .map(|p| {
                if p.rescaled && p.applicable > Decimal::ZERO {
                    p.max * p.weight
                } else {
                    p.applicable * p.weight
                }
            })
            .sum();
        if applicable > Decimal::ZERO {
            base = base * rules.max / applicable;
        }
    }
    let bonus_sum: Decimal = parts
        .iter()
        .filter(|p| p.bonus)
        .map(|p| p.score * p.weight)
        .sum();
    let mut bonus = bonus_sum.min(rules.bonus_cap);
    if rules.rounding.total {
        base = rules.rounding.round(base);
        bonus = rules.rounding.round(bonus);
    }

    let mut caps: Vec<String> = vetoes.iter().filter_map(|v| v.grade.clone()).collect();
    let grade_of = |score: Decimal, caps: &[String]| {
        caps.iter()
            .fold(rules.grade_for(score), |g, cap| rules.lower_grade(g, cap))
            .to_string()
    };
    let mut grade = grade_of(base + bonus, &caps);

    let mut outcomes = Vec::new();
    if !rules.grading.is_empty() {
        let mut vars = globals.clone();
        vars.set(PARTS, parts_value(rules, &parts));
        vars.set(INDICATORS, indicators_value(results));
        for rule in &rules.grading {
            vars.set(TOTAL, total_value(rules, base, bonus, bonus_sum, &grade));
            let applied = rule.when.eval_bool(ctx, &vars);
            let figures = rule
                .figures
                .iter()
                .map(|path| Figure {
                    name: path_name(path),
                    value: figure_value(&vars, path),
                })
                .collect();
            let mut effects = Vec::new();
            if let Some(expr) = &rule.bonus {
                if applied {
                    let new = expr
                        .eval(ctx, &vars)
                        .as_num()
                        .unwrap_or(bonus)
                        .clamp(Decimal::ZERO, rules.bonus_cap);
                    let new = if rules.rounding.total {
                        rules.rounding.round(new)
                    } else {
                        new
                    };
                    effects.push(format!(
                        "加分 {} 改为 {}",
                        bonus.normalize(),
                        new.normalize()
                    ));
                    bonus = new;
                } else {
                    effects.push(format!("加分改为 {}", expr.source().trim()));
                }
            }
            if let Some(cap) = &rule.grade_at_most {
                effects.push(format!("等次不高于{cap}"));
                if applied {
                    caps.push(cap.clone());
                }
            }
            grade = grade_of(base + bonus, &caps);
            outcomes.push(RuleOutcome {
                id: rule.id.clone(),
                applied,
                effect: effects.join("；"),
                message: if applied {
                    rule.message.render(ctx, &vars)
                } else {
                    String::new()
                },
                figures,
            });
        }
    }

    let total = Total {
        base: base.normalize(),
        bonus: bonus.normalize(),
        score: (base + bonus).normalize(),
        max: rules.max.normalize(),
        grade,
        veto: vetoes.iter().any(|v| v.grade.is_some()),
        provisional: results.iter().any(|r| r.status == Status::Manual),
        vetoes,
        rules: outcomes,
    };
    let parts = if rules.grades_by_parts() {
        parts
    } else {
        Vec::new()
    };
    (total, parts)
}

/// Every fired veto, in indicator order; a veto that zeroes parts takes the points of their
/// indicators, each with one finding naming the veto.
fn apply_vetoes(rules: &RuleSet, results: &mut [IndicatorResult]) -> Vec<VetoOutcome> {
    let mut out = Vec::new();
    for i in 0..results.len() {
        if results[i].status != Status::Veto {
            continue;
        }
        let Some(veto) = &rules.indicators[i].veto else {
            continue;
        };
        let groups: &[usize] = match &veto.scope {
            VetoScope::Groups(g) => g,
            _ => &[],
        };
        let (id, name) = (results[i].id.clone(), results[i].name.clone());
        for (j, r) in results.iter_mut().enumerate() {
            let group = rules.indicators[j].group;
            if j == i || !groups.contains(&group) || r.status == Status::Na {
                continue;
            }
            if r.score != Decimal::ZERO {
                r.findings.push(Finding {
                    message: format!(
                        "{}（{id} {name}）：{}不得分",
                        veto.label, rules.groups[group].name
                    ),
                    key: format!("veto-group:{id}"),
                    deduct: r.score,
                    evidence: Vec::new(),
                    capped: false,
                });
                r.score = Decimal::ZERO;
            }
        }
        out.push(VetoOutcome {
            indicator: id,
            label: veto.label.clone(),
            zeroed: groups
                .iter()
                .map(|&g| rules.groups[g].name.clone())
                .collect(),
            keeps_score: veto.scope == VetoScope::None,
            grade: veto.grade.clone(),
        });
    }
    out
}

fn parts(rules: &RuleSet, results: &[IndicatorResult], vetoes: &[VetoOutcome]) -> Vec<PartResult> {
    rules
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let members = || {
                results
                    .iter()
                    .zip(&rules.indicators)
                    .filter(move |(r, ind)| ind.group == gi && r.status != Status::Na)
                    .map(|(r, _)| r)
            };
            let applicable: Decimal = members().map(|r| r.max).sum();
            let sum: Decimal = members().map(|r| r.score).sum();
            let zeroed_by = vetoes
                .iter()
                .find(|v| v.zeroed.contains(&g.name))
                .map(|v| v.indicator.clone());
            let computed: Decimal = if zeroed_by.is_some() {
                Decimal::ZERO
            } else {
                members()
                    .map(|r| r.adjusted.as_ref().map_or(r.score, |a| a.from))
                    .sum()
            };
            let scale = |x: Decimal| {
                let x = if g.rescale && applicable > Decimal::ZERO {
                    x * g.points / applicable
                } else {
                    x
                };
                if rules.rounding.part {
                    rules.rounding.round(x)
                } else {
                    x
                }
            };
            PartResult {
                id: g.id.clone(),
                name: g.name.clone(),
                max: g.points,
                applicable,
                sum,
                score: scale(sum).normalize(),
                computed: scale(computed).normalize(),
                weight: g.weight,
                bonus: g.bonus,
                rescaled: g.rescale && applicable != g.points,
                zeroed_by,
            }
        })
        .collect()
}

fn record(fields: Vec<(&str, Value)>) -> Value {
    Value::Record(Arc::new(Record {
        fields: fields.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
    }))
}

fn num(d: Decimal) -> Value {
    Value::Num(d)
}

fn parts_value(rules: &RuleSet, parts: &[PartResult]) -> Value {
    Value::Record(Arc::new(Record {
        fields: parts
            .iter()
            .zip(&rules.groups)
            .map(|(p, g)| {
                (
                    Arc::from(g.id.as_str()),
                    record(vec![
                        ("得分", num(p.score)),
                        ("满分", num(p.max)),
                        ("适用满分", num(p.applicable)),
                        ("合计", num(p.sum)),
                        ("计算得分", num(p.computed)),
                        ("权重", num(p.weight)),
                        ("计入总分", num(p.score * p.weight)),
                        ("否决", Value::Bool(p.zeroed_by.is_some())),
                    ]),
                )
            })
            .collect(),
    }))
}

fn indicators_value(results: &[IndicatorResult]) -> Value {
    Value::Record(Arc::new(Record {
        fields: results
            .iter()
            .map(|r| {
                let computed = r.adjusted.as_ref().map_or(r.score, |a| a.from);
                (
                    Arc::from(r.id.as_str()),
                    record(vec![
                        ("得分", num(r.score)),
                        ("计算得分", num(computed)),
                        ("满分", num(r.max)),
                        ("状态", Value::text(r.status.label())),
                        ("适用", Value::Bool(r.status != Status::Na)),
                        ("否决", Value::Bool(r.status == Status::Veto)),
                        ("调整", Value::Bool(r.adjusted.is_some())),
                    ]),
                )
            })
            .collect(),
    }))
}

fn total_value(
    rules: &RuleSet,
    base: Decimal,
    bonus: Decimal,
    bonus_sum: Decimal,
    grade: &str,
) -> Value {
    record(vec![
        ("基本分", num(base)),
        ("加分", num(bonus)),
        ("加分合计", num(bonus_sum)),
        ("得分", num(base + bonus)),
        ("满分", num(rules.max)),
        ("等次", Value::text(grade)),
    ])
}

/// `部分.网站.得分`, `指标["2.3"].状态`.
fn path_name(path: &[String]) -> String {
    let mut s = String::new();
    for (i, p) in path.iter().enumerate() {
        let ident = !p.is_empty()
            && !p.starts_with(|c: char| c.is_ascii_digit())
            && p.chars().all(|c| c.is_alphanumeric() || c == '_');
        if i == 0 {
            s.push_str(p);
        } else if ident {
            s.push('.');
            s.push_str(p);
        } else {
            s.push_str(&format!("[\"{p}\"]"));
        }
    }
    s
}

fn figure_value(vars: &Vars, path: &[String]) -> FigureValue {
    let mut value = vars.get(&path[0]).cloned().unwrap_or(Value::Null);
    for name in &path[1..] {
        value = match &value {
            Value::Record(r) => r.get(name).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
    }
    match value {
        Value::Num(n) => FigureValue::Num(n.normalize()),
        Value::Bool(b) => FigureValue::Bool(b),
        Value::Null => FigureValue::Null(None),
        other => FigureValue::Text(other.to_string()),
    }
}
