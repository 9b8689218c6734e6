//! Compiling an indicator's `method:` (`all`, `tiers`, `deduct`, `award`, `manual`).

use crate::diag::RuleCode;
use rust_decimal::Decimal;
use serde_yaml::Value as Yaml;

use super::checker::Checker;
use super::env::{Want, element_type, with_name};
use super::raw::{
    RawAll, RawClause, RawItemsMethod, RawTiers, shape_message, yaml_decimal, yaml_display,
};
use crate::load::yaml::key_child as join;
use crate::model::ruleset::{Clause, Level, Method};
use crate::model::schema::TypeEnv;
use crate::value::Type;

pub(super) fn compile_method(
    c: &mut Checker,
    file: &str,
    path: &str,
    raw: &Yaml,
    env: &TypeEnv,
    points: Decimal,
) -> Option<Method> {
    if raw.as_str() == Some("manual") {
        return Some(Method::Manual);
    }
    let Some(m) = raw.as_mapping().filter(|m| m.len() == 1) else {
        c.error(
            file,
            path,
            RuleCode::UnknownMethod,
            "method 应为 manual，或 all / tiers / deduct / award 之一的映射",
        );
        return None;
    };
    let (kind, body) = m.iter().next().expect("one entry");
    let kind = kind.as_str().unwrap_or_default();
    let path = join(path, kind);
    // A shape error names the key inside the method (`all.pass`) and points at it.
    let shape = |c: &mut Checker, e: serde_path_to_error::Error<serde_yaml::Error>| {
        let inner = e.path().to_string();
        let (at, label) = match inner.as_str() {
            "." | "" => (path.clone(), kind.to_string()),
            _ => (format!("{path}.{inner}"), format!("{kind}.{inner}")),
        };
        c.error(
            file,
            &at,
            RuleCode::RulesetShape,
            format!("{label}：{}", shape_message(e.inner())),
        );
    };
    match kind {
        "all" => {
            let raw: RawAll = serde_path_to_error::deserialize(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let pass = c.expr(file, &join(&path, "pass"), &raw.pass, env, Want::Bool);
            let cite = raw
                .cite
                .as_ref()
                .map(|s| c.expr(file, &join(&path, "cite"), s, env, Want::Any));
            let message = c.template(file, &join(&path, "message"), &raw.message, env);
            Some(Method::All {
                pass: pass?,
                cite: cite.flatten(),
                message: message?,
            })
        }
        "tiers" => {
            let raw: RawTiers = serde_path_to_error::deserialize(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let measure = c.expr(file, &join(&path, "measure"), &raw.measure, env, Want::Num);
            let cite = raw
                .cite
                .as_ref()
                .map(|s| c.expr(file, &join(&path, "cite"), s, env, Want::Any));
            let msg_env = with_name(env, "measure", Type::Num);
            let message = c.template(file, &join(&path, "message"), &raw.message, &msg_env);
            let mut levels: Vec<Level> = Vec::new();
            for (i, l) in raw.levels.iter().enumerate() {
                let lp = format!("{path}.levels[{i}]");
                let min_v = c.by_unit(file, &join(&lp, "min"), &l.min);
                let min = yaml_decimal(&min_v).unwrap_or_else(|| {
                    c.error(file, &join(&lp, "min"), RuleCode::BadLevel, "min 应为数字");
                    Decimal::ZERO
                });
                let pts = c.points(file, &join(&lp, "points"), &l.points);
                if pts > points {
                    c.error(
                        file,
                        &join(&lp, "points"),
                        RuleCode::LevelOverPoints,
                        format!(
                            "档位得分 {} 超过指标分值 {}",
                            pts.normalize(),
                            points.normalize()
                        ),
                    );
                }
                if let Some(prev) = levels.last()
                    && (min >= prev.min || pts > prev.points)
                {
                    c.error(
                        file,
                        &lp,
                        RuleCode::TiersNotMonotone,
                        "档位应从高到低排列：min 递减，得分不增",
                    );
                }
                levels.push(Level { min, points: pts });
            }
            if levels.is_empty() {
                c.error(
                    file,
                    &join(&path, "levels"),
                    RuleCode::TiersEmpty,
                    "tiers 至少需要一个档位",
                );
            }
            Some(Method::Tiers {
                measure: measure?,
                cite: cite.flatten(),
                levels,
                message: message?,
            })
        }
        "deduct" | "award" => {
            let award = kind == "award";
            let raw: RawItemsMethod = serde_path_to_error::deserialize(body.clone())
                .map_err(|e| shape(c, e))
                .ok()?;
            let inline = raw.items.is_some()
                || raw.each.is_some()
                || raw.cap.is_some()
                || raw.cite.is_some();
            let raws: Vec<(String, RawClause)> = match (raw.clauses, inline) {
                (Some(list), false) => list
                    .into_iter()
                    .enumerate()
                    .map(|(i, rc)| (format!("{path}.clauses[{i}]"), rc))
                    .collect(),
                (None, true) => match (raw.items, raw.each) {
                    (Some(items), Some(each)) => vec![(
                        path.clone(),
                        RawClause {
                            items,
                            each,
                            cap: raw.cap,
                            message: if award { None } else { raw.message.clone() },
                            cite: raw.cite,
                        },
                    )],
                    _ => {
                        c.error(
                            file,
                            &path,
                            RuleCode::RulesetShape,
                            format!("{kind} 需要 items 和 each"),
                        );
                        return None;
                    }
                },
                _ => {
                    c.error(
                        file,
                        &path,
                        RuleCode::RulesetShape,
                        format!(
                            "{kind} 应写 items、each（一项条款），或 clauses: 条款列表（多项条款），二者取其一"
                        ),
                    );
                    return None;
                }
            };
            let has_clauses = raws.first().is_some_and(|(p, _)| *p != path);
            if has_clauses && !award && raw.message.is_some() {
                c.error(
                    file,
                    &join(&path, "message"),
                    RuleCode::RulesetShape,
                    "deduct 写 clauses 时，message 写在每项条款下",
                );
                return None;
            }
            if raws.is_empty() {
                c.error(
                    file,
                    &path,
                    RuleCode::RulesetShape,
                    format!("{kind} 的 clauses 不能为空"),
                );
                return None;
            }
            let mut clauses = Vec::new();
            let mut ok = true;
            for (cpath, rc) in raws {
                match compile_clause(c, file, &cpath, rc, env, points, award) {
                    Some(clause) => clauses.push(clause),
                    None => ok = false,
                }
            }
            if award {
                let msg_env = with_name(env, "awarded", Type::Num);
                let message = match &raw.message {
                    Some(m) => c.template(file, &join(&path, "message"), m, &msg_env),
                    None => {
                        c.error(
                            file,
                            &path,
                            RuleCode::RulesetShape,
                            "award 需要 message（未加满时的说明）",
                        );
                        None
                    }
                };
                (ok && message.is_some()).then(|| Method::Award {
                    clauses,
                    message: message.expect("checked"),
                })
            } else {
                ok.then_some(Method::Deduct { clauses })
            }
        }
        other => {
            c.error(
                file,
                &format!("{path}#key"),
                RuleCode::UnknownMethod,
                format!("未知的计分方法 `{other}`（可用：all、tiers、deduct、award、manual）"),
            );
            None
        }
    }
}

/// One clause of `deduct` or `award`.
pub(super) fn compile_clause(
    c: &mut Checker,
    file: &str,
    path: &str,
    raw: RawClause,
    env: &TypeEnv,
    points: Decimal,
    award: bool,
) -> Option<Clause> {
    let items = c.expr(file, &join(path, "items"), &raw.items, env, Want::List);
    let item_env = with_name(
        env,
        "it",
        items.as_ref().map_or(Type::Any, |i| element_type(i.ty())),
    );
    let each_v = c.by_unit(file, &join(path, "each"), &raw.each);
    let each_src = match &each_v {
        Yaml::String(s) => s.clone(),
        other => yaml_display(other),
    };
    if let Some(d) = yaml_decimal(&each_v)
        && d.normalize().scale() > 2
    {
        c.error(
            file,
            &join(path, "each"),
            RuleCode::PointsPrecision,
            if award {
                "每项加分超过两位小数"
            } else {
                "每项扣分超过两位小数"
            },
        );
    }
    let each = c.expr(file, &join(path, "each"), &each_src, &item_env, Want::Num);
    let cap = raw.cap.as_ref().map(|v| {
        let cap = c.points(file, &join(path, "cap"), v);
        if cap > points {
            c.error(
                file,
                &join(path, "cap"),
                RuleCode::CapOverPoints,
                format!(
                    "条款上限 {} 超过指标分值 {}：{}",
                    cap.normalize(),
                    points.normalize(),
                    if award {
                        "最多只能加到指标分值"
                    } else {
                        "最多只能扣到指标分值（扣完为止）"
                    }
                ),
            );
        }
        cap
    });
    let message = match (&raw.message, award) {
        (Some(m), false) => c
            .template(file, &join(path, "message"), m, &item_env)
            .map(Some),
        (None, false) => {
            c.error(
                file,
                path,
                RuleCode::RulesetShape,
                "deduct 的每项条款需要 message（每个扣分项的说明，可用 {it.…}）",
            );
            None
        }
        (Some(_), true) => {
            c.error(
                file,
                &join(path, "message"),
                RuleCode::RulesetShape,
                "award 的条款不写 message：未加满时的说明写在 award 的 message 下",
            );
            None
        }
        (None, true) => Some(None),
    };
    let cite = raw
        .cite
        .as_ref()
        .map(|s| c.expr(file, &join(path, "cite"), s, &item_env, Want::Any));
    Some(Clause {
        items: items?,
        each: each?,
        cap,
        message: message?,
        cite: cite.flatten(),
    })
}
