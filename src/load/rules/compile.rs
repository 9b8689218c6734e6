//! Compiling a checked rule set: ruleset.yaml, groups, indicators, vetoes, rounding.

use crate::diag::{CheckCode, RuleCode};
use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};

use super::calendar::rule_calendar;
use super::checker::Checker;
use super::env::{Want, base_env, element_type, param_value, value_type, with_name};
use super::grading::grading_rules;
use super::method::compile_method;
use super::raw::{
    RawIndicator, RawIndicatorFile, RawRuleSet, RawVeto, not_text_message, yaml_decimal,
    yaml_display, yaml_key,
};
use super::source::RULESET_FILE;
use crate::diag::Severity;
use crate::load::yaml::key_child as join;
use crate::model::ruleset::{
    Check, Grade, Group, Indicator, Method, Requirement, RoundRule, Rounding, RuleSet, Source,
    UnitType, Veto, VetoScope,
};
use crate::model::schema::FieldType;
use crate::model::schema::TypeEnv;
use crate::value::{Type, Value};

pub(super) fn compile_checked(c: &mut Checker) -> Option<RuleSet> {
    let files = c.files;
    if files.extends.is_some() && !super::overlay::prepare_overlay(c) {
        return None;
    }
    let raw = c.parse::<RawRuleSet>(RULESET_FILE)?;
    let f = RULESET_FILE;
    c.extra_keys(f, "", &raw.extra);
    c.year = Some(raw.year);
    let unit_types = c.unit_types(raw.unit_type.as_ref());
    c.units = unit_types.as_ref().map(|u| u.1.clone()).unwrap_or_default();
    let unit_note = |c: &Checker| match c.units.get(c.unit) {
        Some(u) => format!("单位类型为{u}时，"),
        None => String::new(),
    };
    let calendar = rule_calendar(c, raw.calendar.as_ref());
    let mut full_calendar = crate::calendar::Calendar::builtin();
    full_calendar.merge(calendar.clone());
    let calendar_years = full_calendar.years();
    if !calendar_years.contains(&raw.year) {
        c.error(
            f,
            "year",
            RuleCode::YearNotInCalendar,
            format!(
                "考核年度 {} 不在工作日日历内（日历覆盖 {}–{} 年）",
                raw.year,
                calendar_years.first().copied().unwrap_or_default(),
                calendar_years.last().copied().unwrap_or_default()
            ),
        );
    }

    let max = c.points(f, "max", &raw.max);
    let bonus_cap = raw
        .bonus_cap
        .as_ref()
        .map(|v| c.points(f, "bonus_cap", v))
        .unwrap_or(Decimal::ZERO);

    let mut grades = Vec::new();
    for (i, g) in raw.grades.iter().enumerate() {
        let min = c.points(f, &format!("grades[{i}].min"), &g.min);
        if let Some(prev) = grades.last().map(|g: &Grade| g.min)
            && min >= prev
        {
            c.error(
                f,
                &format!("grades[{i}].min"),
                RuleCode::GradesNotDescending,
                "等次应从高到低排列，下限依次递减",
            );
        }
        grades.push(Grade {
            name: g.name.clone(),
            min,
        });
    }
    if grades.is_empty() {
        c.error(f, "grades", RuleCode::GradesEmpty, "至少需要一个等次");
    } else if grades.last().is_some_and(|g| g.min != Decimal::ZERO) {
        c.error(
            f,
            &format!("grades[{}].min", grades.len() - 1),
            RuleCode::GradesNoFloor,
            "最低等次的下限应为 0，否则低分无等次",
        );
    }
    let veto_grade = raw
        .veto_grade
        .clone()
        .or_else(|| grades.last().map(|g| g.name.clone()))
        .unwrap_or_default();
    if !grades.is_empty() && !grades.iter().any(|g| g.name == veto_grade) {
        c.error(
            f,
            "veto_grade",
            RuleCode::UnknownGrade,
            format!("否决等次 `{veto_grade}` 不在 grades 中"),
        );
    }

    let veto_label = raw
        .veto_label
        .clone()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "一票否决".to_string());
    let rounding = rounding(c, raw.rounding.as_ref());
    let rescale_total = rescale(c, f, "rescale", raw.rescale.as_ref());
    let group_ids: Vec<String> = raw
        .groups
        .iter()
        .map(|g| yaml_key(&g.id).unwrap_or_default())
        .collect();
    let marks = VetoDefaults {
        label: veto_label.clone(),
        grade: veto_grade.clone(),
        grades: grades.iter().map(|g| g.name.clone()).collect(),
        group_ids: group_ids.clone(),
    };

    let evidence = Arc::new(c.evidence(f, &raw.evidence));
    if let Some((field, _)) = &unit_types {
        let declared = evidence.manifest.iter().find(|(n, _)| n == field);
        if !matches!(declared, Some((_, FieldType::Text))) {
            c.error(
                f,
                "unit_type.field",
                RuleCode::BadUnitType,
                format!(
                    "unit_type 的 field「{field}」应在 evidence.manifest 中声明为 text（如 {field}: text），实为{}",
                    match declared {
                        None => "未声明".to_string(),
                        Some(_) => "其他类型".to_string(),
                    }
                ),
            );
        }
    }
    let mut env = base_env(&evidence);

    let mut params = Vec::new();
    for (k, v) in &raw.params {
        let Some(name) = yaml_key(k) else { continue };
        let value = param_value(v);
        if env.names.contains_key(&name) {
            c.error(
                f,
                &format!("params.{name}"),
                RuleCode::NameClash,
                format!("参数名 `{name}` 与清单字段重名"),
            );
        }
        env.names.insert(name.clone(), value_type(&value));
        let dates: Vec<jiff::civil::Date> = match &value {
            Value::Date(d) => vec![*d],
            Value::List(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::Date(d) => Some(*d),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for d in dates {
            if d.year() != raw.year && d.year() != raw.year + 1 {
                c.warn(
                    f,
                    &format!("params.{name}"),
                    RuleCode::DateOutsideYear,
                    format!(
                        "参数 {name} 的日期 {d} 不在考核年度 {} 或次年内（是否沿用了上一年的日期？）",
                        raw.year
                    ),
                );
            }
        }
        params.push((name, value));
    }

    // Shared definitions: like an indicator's `let`, visible to every indicator and check.
    let mut lets = Vec::new();
    for (k, v) in &raw.lets {
        let Some(name) = yaml_key(k) else { continue };
        let p = format!("let.{name}");
        if env.names.contains_key(&name) {
            c.error(
                f,
                &p,
                RuleCode::NameClash,
                format!("let 名称 `{name}` 与已有名称重名"),
            );
        }
        let Some(src) = v.as_str() else {
            c.error(
                f,
                &p,
                RuleCode::RulesetShape,
                not_text_message("let 的值", v),
            );
            continue;
        };
        match c.expr(f, &p, src, &env, Want::Any) {
            Some(e) => {
                env.names.insert(name.clone(), e.ty().clone());
                lets.push((name, e));
            }
            None => {
                env.names.insert(name, Type::Any);
            }
        }
    }

    let mut checks = Vec::new();
    for (i, rc) in raw.checks.iter().enumerate() {
        let path = format!("checks[{i}]");
        c.extra_keys(f, &path, &rc.extra);
        let code = CheckCode::new(&rc.code);
        if code.is_none() {
            c.error(
                f,
                &join(&path, "code"),
                RuleCode::BadCode,
                format!(
                    "检查代码 `{}` 应为小写短横线形式（如 reply-before-receipt）",
                    rc.code
                ),
            );
        }
        let over = c.expr(f, &join(&path, "over"), &rc.over, &env, Want::List);
        let item_env = over.as_ref().map_or_else(
            || with_name(&env, "it", Type::Any),
            |o| with_name(&env, "it", element_type(o.ty())),
        );
        let item_env = with_name(&item_env, "index", Type::Num);
        let when = c.expr(f, &join(&path, "when"), &rc.when, &item_env, Want::Bool);
        let value = rc
            .value
            .as_ref()
            .map(|v| c.expr(f, &join(&path, "value"), v, &item_env, Want::Any));
        let key = rc
            .key
            .as_ref()
            .map(|k| c.template(f, &join(&path, "key"), k, &item_env));
        let message = c.template(f, &join(&path, "message"), &rc.message, &item_env);
        let severity = match rc.severity.as_deref() {
            None | Some("warning") => Severity::Warning,
            Some("error") => Severity::Error,
            Some(other) => {
                c.error(
                    f,
                    &join(&path, "severity"),
                    RuleCode::BadSeverity,
                    format!("severity 应为 error 或 warning，实为 `{other}`"),
                );
                Severity::Warning
            }
        };
        if let (Some(code), Some(over), Some(when), Some(message)) = (code, over, when, message) {
            checks.push(Check {
                code,
                over,
                when,
                column: rc.column.clone(),
                value: value.flatten(),
                key: key.flatten(),
                severity,
                message,
            });
        }
    }

    let mut groups = Vec::new();
    let mut indicators = Vec::new();
    let mut ids = BTreeSet::new();
    let mut base_total = Decimal::ZERO;
    for (gi, rg) in raw.groups.iter().enumerate() {
        let gpath = format!("groups[{gi}]");
        c.extra_keys(f, &gpath, &rg.extra);
        let points = c.points(f, &join(&gpath, "points"), &rg.points);
        let weight = match &rg.weight {
            None => Decimal::ONE,
            Some(w) => match yaml_decimal(w) {
                Some(d) if d > Decimal::ZERO => d,
                _ => {
                    c.error(
                        f,
                        &join(&gpath, "weight"),
                        RuleCode::BadWeight,
                        format!(
                            "weight 应为正数（如 0.8 表示按80%计入总分），实为 {}",
                            yaml_display(w)
                        ),
                    );
                    Decimal::ONE
                }
            },
        };
        if !rg.bonus {
            base_total += points * weight;
        }
        groups.push(Group {
            id: yaml_key(&rg.id).unwrap_or_default(),
            name: rg.name.clone(),
            points,
            bonus: rg.bonus,
            rescale: rescale(c, f, &join(&gpath, "rescale"), rg.rescale.as_ref()),
            weight,
        });
        let file = rg.file.as_str();
        if c.text(file).is_none() {
            c.error(
                f,
                &join(&gpath, "file"),
                RuleCode::RulesetFileMissing,
                format!("{} 的文件 {file} 不存在", rg.name),
            );
            continue;
        }
        let Some(raw_file) = c.parse::<RawIndicatorFile>(file) else {
            continue;
        };
        c.extra_keys(file, "", &raw_file.extra);
        let mut group_total = Decimal::ZERO;
        let mut group_unknown = false;
        let group_varied =
            rg.points.is_mapping() || raw_file.indicators.iter().any(|ri| ri.points.is_mapping());
        for (ii, ri) in raw_file.indicators.iter().enumerate() {
            let path = format!("indicators[{ii}]");
            // Budgets count what is written, also for an indicator that failed to compile, so
            // one mistake is not reported twice.
            // A mapping without this unit type's number is reported where it is written.
            let picked = c.pick_unit(&ri.points);
            group_unknown |= ri.points.is_mapping() && picked.is_null();
            group_total += yaml_decimal(&picked).unwrap_or_default();
            if let Some(ind) = compile_indicator(c, file, &path, ri, gi, &env, &marks) {
                // Users type ids in any case (`b1` is `B1`), so they must differ beyond case.
                if !ids.insert(ind.id.to_ascii_uppercase()) {
                    c.error(
                        file,
                        &join(&path, "id"),
                        RuleCode::DuplicateId,
                        format!("指标编号 {} 重复（编号不区分大小写）", ind.id),
                    );
                }
                indicators.push(ind);
            }
        }
        if group_total != points && !group_unknown {
            let (code, note) = match group_varied && !c.units.is_empty() {
                true => (RuleCode::UnitPointsMismatch, unit_note(c)),
                false => (RuleCode::GroupPointsMismatch, String::new()),
            };
            c.error(
                f,
                &join(&gpath, "points"),
                code,
                format!(
                    "{note}{} 的分值为 {}，但其指标分值合计为 {}",
                    rg.name,
                    points.normalize(),
                    group_total.normalize()
                ),
            );
        }
    }
    let total_unknown = std::iter::once(&raw.max)
        .chain(raw.groups.iter().map(|g| &g.points))
        .any(|v| v.is_mapping() && c.pick_unit(v).is_null());
    if base_total != max && !total_unknown {
        let weighted = if groups.iter().any(|g| g.weight != Decimal::ONE) {
            "（按 weight 加权）"
        } else {
            ""
        };
        let varied = raw.max.is_mapping() || raw.groups.iter().any(|g| g.points.is_mapping());
        let (code, note) = match varied && !c.units.is_empty() {
            true => (RuleCode::UnitPointsMismatch, unit_note(c)),
            false => (RuleCode::TotalPointsMismatch, String::new()),
        };
        c.error(
            f,
            "max",
            code,
            format!(
                "{note}max 为 {}，但非加分组的分值合计{weighted}为 {}",
                max.normalize(),
                base_total.normalize()
            ),
        );
    }

    let grading = grading_rules(c, &raw.grading, &env, &groups, &indicators, &marks);
    let township = super::township::compile(c, raw.township.as_deref(), &env, &groups, &indicators);

    // Usage is only known when everything compiled.
    let compiled = !c.problems.iter().any(|p| p.severity == Severity::Error);
    for (name, _) in &params {
        if compiled && !c.used.contains(name) {
            c.warn(
                f,
                &format!("params.{name}"),
                RuleCode::UnusedParam,
                format!("参数 {name} 没有被任何表达式或消息使用"),
            );
        }
    }

    if c.problems.iter().any(|p| p.severity == Severity::Error) {
        return None;
    }

    let mut hasher = Sha256::new();
    for (path, text) in &files.files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    // An overlay's score depends on its base too.
    for (path, text) in files.base.iter().flat_map(|b| &b.files) {
        hasher.update(b"base/");
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    Some(RuleSet {
        calendar,
        lets,
        id: raw.id,
        title: raw.title,
        example: raw.example,
        year: raw.year,
        max,
        bonus_cap,
        grades,
        veto_grade,
        veto_label,
        rounding,
        rescale: rescale_total,
        grading,
        params,
        groups,
        indicators,
        evidence,
        checks,
        township,
        unit_type: unit_types.map(|(field, values)| UnitType {
            field,
            values,
            index: Some(c.unit),
            variants: Vec::new(),
        }),
        sha256: hex(&hasher.finalize()),
    })
}

pub(super) fn compile_indicator(
    c: &mut Checker,
    file: &str,
    path: &str,
    ri: &RawIndicator,
    group: usize,
    env: &TypeEnv,
    marks: &VetoDefaults,
) -> Option<Indicator> {
    // `let` names are the indicator's own: count what this indicator reads, apart.
    let outer = std::mem::take(&mut c.used);
    let outer_columns = std::mem::take(&mut c.columns_read);
    let mut indicator = compile_indicator_body(c, file, path, ri, group, env, marks);
    if let Some(ind) = &indicator
        && !matches!(ind.method, Method::Manual)
    {
        for (name, _) in &ind.lets {
            if !c.used.contains(name) {
                c.warn(
                    file,
                    &format!("{path}.let.{name}"),
                    RuleCode::UnusedLet,
                    format!("指标 {} 的 let 名称 {name} 没有被使用", ind.id),
                );
            }
        }
    }
    c.used.extend(outer);
    let read = std::mem::replace(&mut c.columns_read, outer_columns);
    if let Some(ind) = indicator.as_mut() {
        ind.reads = read.iter().cloned().collect();
    }
    c.columns_read.extend(read);
    indicator
}

pub(super) fn compile_indicator_body(
    c: &mut Checker,
    file: &str,
    path: &str,
    ri: &RawIndicator,
    group: usize,
    env: &TypeEnv,
    marks: &VetoDefaults,
) -> Option<Indicator> {
    c.extra_keys(file, path, &ri.extra);
    let id = match &ri.id {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => {
            c.error(
                file,
                &join(path, "id"),
                RuleCode::UnquotedId,
                format!("指标编号 {n} 未加引号：YAML 会把 1.10 读成数字 1.1，请写成 \"{n}\""),
            );
            n.to_string()
        }
        other => {
            c.error(
                file,
                &join(path, "id"),
                RuleCode::BadId,
                format!("指标编号应为文本，实为 {}", yaml_display(other)),
            );
            return None;
        }
    };
    let points = c.points(file, &join(path, "points"), &ri.points);
    for (key, text) in [
        ("basis", &ri.basis),
        ("measure", &ri.measure),
        ("fix", &ri.fix),
    ] {
        c.past_year(file, &join(path, key), text);
    }

    let evidence = Arc::clone(&env.evidence);
    let source = match ri.source.as_deref().map(str::trim) {
        None | Some("bundle.yaml") => Source::Manifest,
        Some(s) => {
            if let Some(name) = s.strip_prefix("台账.")
                && evidence.ledger(name).is_some()
            {
                Source::Ledger(name.to_string())
            } else if let Some(name) = s.strip_prefix("文档.")
                && evidence.document(name).is_some()
            {
                Source::Document(name.to_string())
            } else {
                c.error(
                    file,
                    &join(path, "source"),
                    RuleCode::UnknownSource,
                    format!(
                        "source `{s}` 应为 台账.<已声明台账>、文档.<已声明文档> 或 bundle.yaml"
                    ),
                );
                Source::Manifest
            }
        }
    };

    // Evaluated before anything else, with the global names only (unit attributes).
    let applies_when = ri
        .applies_when
        .as_ref()
        .and_then(|src| c.expr(file, &join(path, "applies_when"), src, env, Want::Bool));

    let mut requires = Vec::new();
    for (i, r) in ri.requires.iter().enumerate() {
        let p = format!("{path}.requires[{i}].need");
        if let Some(need) = c.expr(file, &p, &r.need, env, Want::Any) {
            requires.push(Requirement {
                need,
                what: r.what.clone(),
            });
        }
    }

    let mut env = env.clone();
    let mut lets = Vec::new();
    for (k, v) in &ri.lets {
        let Some(name) = yaml_key(k) else { continue };
        let p = format!("{path}.let.{name}");
        if env.names.contains_key(&name) {
            c.error(
                file,
                &p,
                RuleCode::NameClash,
                format!("let 名称 `{name}` 与已有名称重名"),
            );
        }
        let Some(src) = v.as_str() else {
            c.error(
                file,
                &p,
                RuleCode::RulesetShape,
                not_text_message("let 的值", v),
            );
            continue;
        };
        if let Some(e) = c.expr(file, &p, src, &env, Want::Any) {
            env.names.insert(name.clone(), e.ty().clone());
            lets.push((name, e));
        } else {
            env.names.insert(name, Type::Any);
        }
    }

    let zero_when = ri.zero_when.as_ref().and_then(|z| {
        let cond = c.expr(
            file,
            &format!("{path}.zero_when.if"),
            &z.cond,
            &env,
            Want::Bool,
        );
        let msg = c.template(file, &format!("{path}.zero_when.message"), &z.message, &env);
        Some((cond?, msg?))
    });

    let veto = ri.veto.as_ref().and_then(|v| {
        let items = c.expr(
            file,
            &format!("{path}.veto.items"),
            &v.items,
            &env,
            Want::List,
        )?;
        let item_env = with_name(&env, "it", element_type(items.ty()));
        let message = c.template(file, &format!("{path}.veto.message"), &v.message, &item_env)?;
        let vpath = format!("{path}.veto");
        c.extra_keys(file, &vpath, &v.extra);
        let (scope, grade) = veto_options(c, file, &vpath, v, group, marks);
        Some(Veto {
            items,
            message,
            label: v
                .label
                .clone()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| marks.label.clone()),
            scope,
            grade,
        })
    });

    let mpath = join(path, "method");
    // Levels and caps are held to the points, except where the points written per unit type
    // are 0 for this one: the indicator is 不适用 to it and its levels are another type's.
    let limit = match ri.points.is_mapping() && points.is_zero() {
        true => Decimal::MAX,
        false => points,
    };
    let method = compile_method(c, file, &mpath, &ri.method, &env, limit)?;
    if matches!(method, Method::Manual) && !ri.lets.is_empty() {
        c.error(
            file,
            &mpath,
            RuleCode::ManualWithMeasure,
            "人工评分指标不应有 let",
        );
    }

    Some(Indicator {
        id,
        name: ri.name.clone(),
        group,
        points,
        basis: ri.basis.clone(),
        measure: ri.measure.clone(),
        fix: ri.fix.clone(),
        requires,
        source,
        lets,
        zero_when,
        veto,
        applies_when,
        method,
        reads: Vec::new(),
        points_by_unit: ri.points.is_mapping(),
    })
}

/// What a rule set says about vetoes, for compiling each indicator's `veto:`.
pub(super) struct VetoDefaults {
    pub(super) label: String,
    pub(super) grade: String,
    pub(super) grades: Vec<String>,
    pub(super) group_ids: Vec<String>,
}

/// `scope` and `grade` of a veto.
pub(super) fn veto_options(
    c: &mut Checker,
    file: &str,
    path: &str,
    v: &RawVeto,
    group: usize,
    marks: &VetoDefaults,
) -> (VetoScope, Option<String>) {
    let spath = join(path, "scope");
    let scope = match &v.scope {
        None => VetoScope::Indicator,
        Some(Yaml::String(s)) if s == "indicator" => VetoScope::Indicator,
        Some(Yaml::String(s)) if s == "group" => VetoScope::Groups(vec![group]),
        Some(Yaml::String(s)) if s == "none" => VetoScope::None,
        Some(Yaml::Sequence(ids)) => {
            let mut groups = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                let id = yaml_key(id).unwrap_or_default();
                match marks.group_ids.iter().position(|g| *g == id) {
                    Some(gi) => groups.push(gi),
                    None => c.error(
                        file,
                        &format!("{spath}[{i}]"),
                        RuleCode::UnknownGroup,
                        format!(
                            "scope 中的组 `{id}` 不在 ruleset.yaml 的 groups 中（可用：{}）",
                            marks.group_ids.join("、")
                        ),
                    ),
                }
            }
            VetoScope::Groups(groups)
        }
        Some(other) => {
            c.error(
                file,
                &spath,
                RuleCode::RulesetShape,
                format!(
                    "veto 的 scope 应为 indicator（本指标不得分）、group（本组不得分）、none（保留得分，只定等次）或组编号列表，实为 {}",
                    yaml_display(other)
                ),
            );
            VetoScope::Indicator
        }
    };
    let gpath = join(path, "grade");
    let grade = match &v.grade {
        None => Some(marks.grade.clone()),
        Some(Yaml::Bool(false)) => None,
        Some(g) => {
            let name = yaml_display(g);
            if !marks.grades.contains(&name) {
                c.error(
                    file,
                    &gpath,
                    RuleCode::UnknownGrade,
                    format!(
                        "veto 的 grade `{name}` 不在 grades 中（可用：{}；不定等次写 false）",
                        marks.grades.join("、")
                    ),
                );
            }
            Some(name)
        }
    };
    if grade.is_none() && matches!(scope, VetoScope::None | VetoScope::Indicator) {
        c.error(
            file,
            &gpath,
            RuleCode::VetoNoEffect,
            "veto 的 grade 为 false 时，scope 应为 group 或组编号列表，否则否决不起作用",
        );
    }
    (scope, grade)
}

/// `rescale: applicable` (or absent).
pub(super) fn rescale(c: &mut Checker, file: &str, path: &str, v: Option<&Yaml>) -> bool {
    match v {
        None | Some(Yaml::Null) => false,
        Some(Yaml::String(s)) if s == "applicable" => true,
        Some(other) => {
            c.error(
                file,
                path,
                RuleCode::RulesetShape,
                format!(
                    "rescale 只能写 applicable（按适用指标的分值折算），实为 {}",
                    yaml_display(other)
                ),
            );
            false
        }
    }
}

/// `rounding: {where, step, rule}`.
pub(super) fn rounding(c: &mut Checker, v: Option<&Yaml>) -> Rounding {
    let f = RULESET_FILE;
    let mut r = Rounding::default();
    let Some(v) = v else { return r };
    r.declared = true;
    let Some(m) = v.as_mapping() else {
        c.error(
            f,
            "rounding",
            RuleCode::BadRounding,
            format!(
                "rounding 应为映射 {{where: total, step: 0.01, rule: half-up}}，实为 {}",
                yaml_display(v)
            ),
        );
        return r;
    };
    let mut seen_where = false;
    for (k, val) in m {
        let key = yaml_display(k);
        let path = join("rounding", &key);
        match key.as_str() {
            "where" => {
                seen_where = true;
                r.indicator = false;
                r.part = false;
                r.total = false;
                let items: Vec<(String, &Yaml)> = match val {
                    Yaml::Sequence(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, y)| (format!("{path}[{i}]"), y))
                        .collect(),
                    other => vec![(path.clone(), other)],
                };
                for (p, y) in items {
                    match y.as_str() {
                        Some("indicator") => r.indicator = true,
                        Some("part") => r.part = true,
                        Some("total") => r.total = true,
                        _ => c.error(
                            f,
                            &p,
                            RuleCode::BadRounding,
                            format!(
                                "rounding 的 where 应为 indicator（每个指标）、part（每个部分）、total（总分）或它们的列表，实为 {}",
                                yaml_display(y)
                            ),
                        ),
                    }
                }
            }
            "step" => match yaml_decimal(val) {
                Some(d) if d > Decimal::ZERO => r.step = d,
                _ => c.error(
                    f,
                    &path,
                    RuleCode::BadRounding,
                    format!(
                        "rounding 的 step 应为正数（0.01 或 0.5），实为 {}",
                        yaml_display(val)
                    ),
                ),
            },
            "rule" => match val.as_str() {
                Some("half-up") => r.rule = RoundRule::HalfUp,
                Some("half-even") => r.rule = RoundRule::HalfEven,
                _ => c.error(
                    f,
                    &path,
                    RuleCode::BadRounding,
                    format!(
                        "rounding 的 rule 应为 half-up（四舍五入）或 half-even（四舍六入五成双），实为 {}",
                        yaml_display(val)
                    ),
                ),
            },
            _ => c.error(
                f,
                &path,
                RuleCode::UnknownKey,
                format!("未知的键 `{key}`（rounding 可写 where、step、rule）"),
            ),
        }
    }
    if !seen_where {
        r.total = true;
    }
    r
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
