//! `grading:` rules and the names they see (`部分`, `指标`, `总分`).

use crate::diag::RuleCode;
use std::collections::BTreeSet;
use std::sync::Arc;

use serde_yaml::Value as Yaml;

use super::checker::Checker;
use super::compile::VetoDefaults;
use super::env::Want;
use super::raw::{RawGradingRule, yaml_display, yaml_key};
use super::source::RULESET_FILE;
use crate::load::yaml::key_child as join;
use crate::model::ruleset::{GradingRule, Group, Indicator};
use crate::model::schema::TypeEnv;
use crate::value::{RecordType, Type};

/// The type of `部分`, `指标` and `总分` for grading rules.
pub(super) fn grading_env(env: &TypeEnv, groups: &[Group], indicators: &[Indicator]) -> TypeEnv {
    use crate::model::ruleset::{FieldKind, INDICATOR_FIELDS, PART_FIELDS, TOTAL_FIELDS};
    let rec = |fields: &[(&str, FieldKind)]| {
        Type::Record(Arc::new(RecordType {
            fields: fields
                .iter()
                .map(|(n, k)| {
                    (
                        n.to_string(),
                        match k {
                            FieldKind::Num => Type::Num,
                            FieldKind::Bool => Type::Bool,
                            FieldKind::Text => Type::Text,
                        },
                    )
                })
                .collect(),
        }))
    };
    let keyed = |keys: Vec<String>, fields: &[(&str, FieldKind)]| {
        Type::Record(Arc::new(RecordType {
            fields: keys.into_iter().map(|k| (k, rec(fields))).collect(),
        }))
    };
    let mut env = env.clone();
    env.names.insert(
        crate::model::ruleset::PARTS.to_string(),
        keyed(groups.iter().map(|g| g.id.clone()).collect(), PART_FIELDS),
    );
    env.names.insert(
        crate::model::ruleset::INDICATORS.to_string(),
        keyed(
            indicators.iter().map(|i| i.id.clone()).collect(),
            INDICATOR_FIELDS,
        ),
    );
    env.names
        .insert(crate::model::ruleset::TOTAL.to_string(), rec(TOTAL_FIELDS));
    env
}

/// `grading:` of ruleset.yaml.
pub(super) fn grading_rules(
    c: &mut Checker,
    raw: &[RawGradingRule],
    env: &TypeEnv,
    groups: &[Group],
    indicators: &[Indicator],
    marks: &VetoDefaults,
) -> Vec<GradingRule> {
    let f = RULESET_FILE;
    if raw.is_empty() {
        return Vec::new();
    }
    for name in [
        crate::model::ruleset::PARTS,
        crate::model::ruleset::INDICATORS,
        crate::model::ruleset::TOTAL,
    ] {
        if env.names.contains_key(name) {
            c.error(
                f,
                "grading",
                RuleCode::NameClash,
                format!("等次规则使用的名称 `{name}` 已被参数或 let 占用，请改名"),
            );
        }
    }
    let genv = grading_env(env, groups, indicators);
    let mut ids = BTreeSet::new();
    let mut out = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let path = format!("grading[{i}]");
        c.extra_keys(f, &path, &r.extra);
        let id = yaml_key(&r.id).unwrap_or_default();
        if !ids.insert(id.clone()) {
            c.error(
                f,
                &join(&path, "id"),
                RuleCode::DuplicateId,
                format!("等次规则编号 {id} 重复"),
            );
        }
        let when = c.expr(f, &join(&path, "when"), &r.when, &genv, Want::Bool);
        let message = c.template(f, &join(&path, "message"), &r.message, &genv);
        let bonus = r.bonus.as_ref().map(|b| {
            let src = match b {
                Yaml::String(s) => s.clone(),
                other => yaml_display(other),
            };
            c.expr(f, &join(&path, "bonus"), &src, &genv, Want::Num)
        });
        if let Some(g) = &r.grade_at_most
            && !marks.grades.contains(g)
        {
            c.error(
                f,
                &join(&path, "grade_at_most"),
                RuleCode::UnknownGrade,
                format!(
                    "grade_at_most `{g}` 不在 grades 中（可用：{}）",
                    marks.grades.join("、")
                ),
            );
        }
        if r.grade_at_most.is_none() && r.bonus.is_none() {
            c.error(
                f,
                &join(&path, "id"),
                RuleCode::GradingNoEffect,
                format!("等次规则 {id} 既没有 grade_at_most 也没有 bonus，条件成立时不起作用"),
            );
        }
        let (Some(when), Some(message)) = (when, message) else {
            continue;
        };
        let bonus = match bonus {
            Some(None) => continue,
            Some(Some(b)) => Some(b),
            None => None,
        };
        let roots = [
            crate::model::ruleset::PARTS,
            crate::model::ruleset::INDICATORS,
            crate::model::ruleset::TOTAL,
        ];
        let mut figures = when.field_paths(&roots);
        for p in bonus.iter().flat_map(|b| b.field_paths(&roots)) {
            if !figures.contains(&p) {
                figures.push(p);
            }
        }
        out.push(GradingRule {
            id,
            when,
            message,
            grade_at_most: r.grade_at_most.clone(),
            bonus,
            figures,
        });
    }
    out
}
