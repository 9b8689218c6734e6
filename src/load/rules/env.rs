//! The type environment: the names every expression sees and what a place wants.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_yaml::Value as Yaml;

use super::raw::yaml_decimal;
use crate::dates::parse_date;
use crate::model::schema::EvidenceDecl;
use crate::model::schema::TypeEnv;
use crate::value::{RecordType, Type, Value};

/// What an expression in a given place must produce.
#[derive(Clone, Copy)]
pub(super) enum Want {
    Any,
    Bool,
    Num,
    List,
    Date,
    /// A list of ledger rows.
    Rows,
}

impl Want {
    pub(super) fn accepts(self, ty: &Type) -> bool {
        matches!(ty, Type::Any)
            || match self {
                Want::Any => true,
                Want::Bool => *ty == Type::Bool,
                Want::Num => *ty == Type::Num,
                Want::List => matches!(ty, Type::List(_)),
                Want::Date => *ty == Type::Date,
                Want::Rows => {
                    matches!(ty, Type::List(t) if matches!(**t, Type::Row(_) | Type::Any))
                }
            }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            Want::Any => "值",
            Want::Bool => "真假值（bool）",
            Want::Num => "数字（number）",
            Want::List => "列表（list）",
            Want::Date => "日期（date）",
            Want::Rows => "台账行的列表（list<row>）",
        }
    }
}

/// A parameter value: a date when it reads as one, a number, a list, else text.
pub(super) fn param_value(v: &Yaml) -> Value {
    match v {
        Yaml::Number(_) => yaml_decimal(v).map(Value::Num).unwrap_or_default(),
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::String(s) => match parse_date(s.trim()) {
            Some(d) => Value::Date(d),
            None => Value::text(s),
        },
        Yaml::Sequence(items) => Value::list(items.iter().map(param_value).collect()),
        _ => Value::Null,
    }
}

pub(super) fn value_type(v: &Value) -> Type {
    match v {
        Value::Null => Type::Any,
        Value::Bool(_) => Type::Bool,
        Value::Num(_) => Type::Num,
        Value::Text(_) => Type::Text,
        Value::Date(_) => Type::Date,
        Value::List(items) => {
            let first = items.first().map(value_type).unwrap_or(Type::Any);
            if items.iter().all(|i| value_type(i) == first) {
                Type::List(Box::new(first))
            } else {
                Type::List(Box::new(Type::Any))
            }
        }
        _ => Type::Any,
    }
}

/// The static names every expression sees (before params and lets).
pub(super) fn base_env(evidence: &Arc<EvidenceDecl>) -> TypeEnv {
    let mut names = BTreeMap::new();
    names.insert("单位".to_string(), Type::Text);
    names.insert("上级单位".to_string(), Type::Text);
    names.insert("考核年度".to_string(), Type::Num);
    names.insert("报送日期".to_string(), Type::Date);
    names.insert("截至日期".to_string(), Type::Date);
    let ledgers = evidence
        .ledgers
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                Type::List(Box::new(Type::Row(Arc::from(l.name.as_str())))),
            )
        })
        .collect();
    names.insert(
        "台账".to_string(),
        Type::Record(Arc::new(RecordType { fields: ledgers })),
    );
    let docs = evidence
        .documents
        .iter()
        .map(|d| (d.name.clone(), Type::Doc))
        .collect();
    names.insert(
        "文档".to_string(),
        Type::Record(Arc::new(RecordType { fields: docs })),
    );
    for (name, ty) in &evidence.manifest {
        names.insert(name.clone(), ty.to_type());
    }
    TypeEnv {
        names,
        evidence: Arc::clone(evidence),
    }
}

pub(super) fn with_name(env: &TypeEnv, name: &str, ty: Type) -> TypeEnv {
    let mut env = env.clone();
    env.names.insert(name.to_string(), ty);
    env
}

pub(super) fn element_type(ty: &Type) -> Type {
    match ty {
        Type::List(t) => (**t).clone(),
        _ => Type::Any,
    }
}
