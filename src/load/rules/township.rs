//! `township:` — what `precheck`, `selfreport` and `init` need to know about a county's table
//! (docs/rules.md#township), in a file of the rule set named by `township:` in ruleset.yaml.
//! Every expression is checked like an indicator's, every name it refers to (indicator, group,
//! document, manifest key) must exist; problems carry file:line:col.

use crate::diag::RuleCode;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_yaml::Value as Yaml;

use super::{Checker, Want, element_type, join, with_name, yaml_display, yaml_key};
use crate::model::ruleset::{
    Applications, Deadline, Every, Group, Indicator, Period, Sentence, Township,
};
use crate::model::schema::TypeEnv;
use crate::model::schema::{EvidenceDecl, FieldType};
use crate::value::{RecordType, Type};

use crate::model::ruleset::TOWNSHIP_PATHS as PATHS;

#[derive(Deserialize)]
struct RawTownship {
    #[serde(default, rename = "let")]
    lets: serde_yaml::Mapping,
    submit_by: Option<String>,
    applications: Option<RawApplications>,
    #[serde(default)]
    deadlines: Vec<RawDeadline>,
    #[serde(default)]
    periods: Vec<RawPeriod>,
    #[serde(default)]
    hints: serde_yaml::Mapping,
    #[serde(default)]
    selfreport: serde_yaml::Mapping,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawApplications {
    title: String,
    #[serde(default)]
    indicators: Vec<Yaml>,
    rows: String,
    received: String,
    replied: String,
    limit: String,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawDeadline {
    document: String,
    by: String,
    what: String,
    done: Option<String>,
    #[serde(default)]
    done_what: String,
    #[serde(default)]
    on_time: Vec<Yaml>,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
struct RawPeriod {
    #[serde(default)]
    indicators: Vec<Yaml>,
    rows: String,
    date: String,
    every: String,
    what: String,
    #[serde(flatten)]
    extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawSentence {
    Text(String),
    Cond {
        when: Option<String>,
        say: String,
        #[serde(rename = "else")]
        otherwise: Option<String>,
    },
}

/// The type of `路径`: a text per declared ledger and document.
fn paths_type(evidence: &EvidenceDecl) -> Type {
    let record = |names: Vec<&str>| {
        Type::Record(Arc::new(RecordType {
            fields: names
                .into_iter()
                .map(|n| (n.to_string(), Type::Text))
                .collect(),
        }))
    };
    Type::Record(Arc::new(RecordType {
        fields: [
            (
                "台账".to_string(),
                record(evidence.ledgers.iter().map(|l| l.name.as_str()).collect()),
            ),
            (
                "文档".to_string(),
                record(evidence.documents.iter().map(|d| d.name.as_str()).collect()),
            ),
        ]
        .into_iter()
        .collect(),
    }))
}

/// Every manifest key path the rule set declares (`组织保障`, `组织保障.领导小组`, …).
fn manifest_paths(prefix: &str, fields: &[(String, FieldType)], out: &mut Vec<String>) {
    for (name, ty) in fields {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        out.push(path.clone());
        match ty {
            FieldType::Record(inner) => manifest_paths(&path, inner, out),
            FieldType::List(item) => {
                if let FieldType::Record(inner) = item.as_ref() {
                    manifest_paths(&path, inner, out);
                }
            }
            _ => {}
        }
    }
}

/// The file `township:` names: the overlay's own when it has one of that name, else the base's.
fn resolve(c: &Checker, name: &str) -> String {
    if c.files.base.is_some() && c.files.files.contains_key(name) {
        format!("+{name}")
    } else {
        name.to_string()
    }
}

/// Compile the `township:` file; `None` in ruleset.yaml gives an empty `Township`.
pub(super) fn compile(
    c: &mut Checker,
    name: Option<&str>,
    env: &TypeEnv,
    groups: &[Group],
    indicators: &[Indicator],
) -> Township {
    let mut township = Township::default();
    let Some(name) = name else {
        return township;
    };
    let file = resolve(c, name.trim());
    if c.text(&file).is_none() {
        c.error(
            super::RULESET_FILE,
            "township",
            RuleCode::RulesetFileMissing,
            format!("township 指定的文件「{name}」不在规则集目录中"),
        );
        return township;
    }
    let Some(raw) = c.parse::<RawTownship>(&file) else {
        return township;
    };
    let f = file.as_str();
    c.extra_keys(f, "", &raw.extra);

    let mut env = env.clone();
    if env.names.contains_key(PATHS) {
        c.error(
            f,
            "",
            RuleCode::NameClash,
            format!("`{PATHS}` 是 township 表达式读取文件路径的名称，与规则集中的同名名称冲突"),
        );
    }
    env.names
        .insert(PATHS.to_string(), paths_type(&env.evidence));
    for (k, v) in &raw.lets {
        let Some(n) = yaml_key(k) else { continue };
        let p = format!("let.{n}");
        if env.names.contains_key(&n) {
            c.error(
                f,
                &p,
                RuleCode::NameClash,
                format!("let 名称 `{n}` 与已有名称重名"),
            );
        }
        let Some(src) = v.as_str() else {
            c.error(f, &p, RuleCode::RulesetShape, "let 的值应为表达式文本");
            continue;
        };
        match c.expr(f, &p, src, &env, Want::Any) {
            Some(e) => {
                env.names.insert(n.clone(), e.ty().clone());
                township.lets.push((n, e));
            }
            None => {
                env.names.insert(n, Type::Any);
            }
        }
    }

    let ids = |c: &mut Checker, path: &str, list: &[Yaml]| -> Vec<String> {
        let mut out = Vec::new();
        for (i, v) in list.iter().enumerate() {
            let id = yaml_key(v).unwrap_or_else(|| yaml_display(v));
            if !indicators.iter().any(|ind| ind.id == id) {
                c.error(
                    f,
                    &format!("{path}[{i}]"),
                    RuleCode::TownshipUnknown,
                    format!("规则集中没有指标「{id}」"),
                );
            }
            out.push(id);
        }
        out
    };

    township.submit_by = raw
        .submit_by
        .as_deref()
        .and_then(|s| c.expr(f, "submit_by", s, &env, Want::Date));

    if let Some(a) = &raw.applications {
        c.extra_keys(f, "applications", &a.extra);
        let list = ids(c, "applications.indicators", &a.indicators);
        let rows = c.expr(f, "applications.rows", &a.rows, &env, Want::Rows);
        let item = with_name(
            &env,
            "it",
            rows.as_ref().map_or(Type::Any, |r| element_type(r.ty())),
        );
        let received = c.expr(f, "applications.received", &a.received, &item, Want::Date);
        let replied = c.expr(f, "applications.replied", &a.replied, &item, Want::Bool);
        let limit = c.expr(f, "applications.limit", &a.limit, &item, Want::Num);
        if let (Some(rows), Some(received), Some(replied), Some(limit)) =
            (rows, received, replied, limit)
        {
            township.applications = Some(Applications {
                title: a.title.clone(),
                indicators: list,
                rows,
                received,
                replied,
                limit,
            });
        }
    }

    for (i, d) in raw.deadlines.iter().enumerate() {
        let p = format!("deadlines[{i}]");
        c.extra_keys(f, &p, &d.extra);
        if env.evidence.document(&d.document).is_none() {
            c.error(
                f,
                &join(&p, "document"),
                RuleCode::TownshipUnknown,
                format!("evidence.documents 中没有文档「{}」", d.document),
            );
        }
        let on_time = ids(c, &join(&p, "on_time"), &d.on_time);
        let by = c.expr(f, &join(&p, "by"), &d.by, &env, Want::Date);
        let done = d
            .done
            .as_deref()
            .map(|s| c.expr(f, &join(&p, "done"), s, &env, Want::Date));
        if let Some(by) = by
            && done.as_ref().is_none_or(Option::is_some)
        {
            township.deadlines.push(Deadline {
                document: d.document.clone(),
                by,
                what: d.what.clone(),
                done: done.flatten(),
                done_what: d.done_what.clone(),
                on_time,
            });
        }
    }

    for (i, r) in raw.periods.iter().enumerate() {
        let p = format!("periods[{i}]");
        c.extra_keys(f, &p, &r.extra);
        let list = ids(c, &join(&p, "indicators"), &r.indicators);
        let every = match r.every.trim() {
            "month" | "月" => Some(Every::Month),
            "quarter" | "季度" => Some(Every::Quarter),
            other => {
                c.error(
                    f,
                    &join(&p, "every"),
                    RuleCode::RulesetShape,
                    format!("every 应为 month（月）或 quarter（季度），实为「{other}」"),
                );
                None
            }
        };
        let rows = c.expr(f, &join(&p, "rows"), &r.rows, &env, Want::List);
        let item = with_name(
            &env,
            "it",
            rows.as_ref().map_or(Type::Any, |r| element_type(r.ty())),
        );
        let date = c.expr(f, &join(&p, "date"), &r.date, &item, Want::Date);
        if let (Some(every), Some(rows), Some(date)) = (every, rows, date) {
            township.periods.push(Period {
                indicators: list,
                rows,
                date,
                every,
                what: r.what.clone(),
            });
        }
    }

    let mut declared = Vec::new();
    manifest_paths("", &env.evidence.manifest, &mut declared);
    for (k, v) in &raw.hints {
        let key = yaml_display(k);
        let p = format!("hints.{key}");
        if !declared.contains(&key) {
            c.error(
                f,
                &format!("{p}#key"),
                RuleCode::TownshipUnknown,
                format!("evidence.manifest 中没有清单项「{key}」"),
            );
        }
        match v.as_str() {
            Some(text) => township.hints.push((key, text.to_string())),
            None => c.error(f, &p, RuleCode::RulesetShape, "提示应为一段文字"),
        }
    }

    for (k, v) in &raw.selfreport {
        let id = yaml_key(k).unwrap_or_else(|| yaml_display(k));
        let p = format!("selfreport.{id}");
        let Some(gi) = groups.iter().position(|g| g.id == id) else {
            c.error(
                f,
                &format!("{p}#key"),
                RuleCode::TownshipUnknown,
                format!("groups 中没有编号为「{id}」的组"),
            );
            continue;
        };
        let items: Vec<RawSentence> = match serde_yaml::from_value(v.clone()) {
            Ok(items) => items,
            Err(e) => {
                c.error(
                    f,
                    &p,
                    RuleCode::RulesetShape,
                    format!(
                        "selfreport 的每组应为段落列表（文字，或 {{when, say, else}}）：{}",
                        super::raw::shape_message(&e)
                    ),
                );
                continue;
            }
        };
        let mut sentences = Vec::new();
        for (i, s) in items.iter().enumerate() {
            let sp = format!("{p}[{i}]");
            match s {
                RawSentence::Text(t) => {
                    if let Some(say) = c.template(f, &sp, t, &env) {
                        sentences.push(Sentence {
                            when: None,
                            say,
                            otherwise: None,
                        });
                    }
                }
                RawSentence::Cond {
                    when,
                    say,
                    otherwise,
                } => {
                    let when = when
                        .as_deref()
                        .map(|w| c.expr(f, &join(&sp, "when"), w, &env, Want::Bool));
                    let say = c.template(f, &join(&sp, "say"), say, &env);
                    let otherwise = otherwise
                        .as_deref()
                        .map(|o| c.template(f, &join(&sp, "else"), o, &env));
                    if let Some(say) = say
                        && when.as_ref().is_none_or(Option::is_some)
                        && otherwise.as_ref().is_none_or(Option::is_some)
                    {
                        sentences.push(Sentence {
                            when: when.flatten(),
                            say,
                            otherwise: otherwise.flatten(),
                        });
                    }
                }
            }
        }
        township.selfreport.push((gi, sentences));
    }
    township
}
