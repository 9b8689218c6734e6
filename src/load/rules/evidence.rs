//! Compiling `evidence:` (ledgers, columns, aliases, vocabularies, documents, manifest).

use crate::diag::{ExprCode, RuleCode};
use std::collections::BTreeMap;

use serde_yaml::Value as Yaml;

use super::checker::Checker;
use super::raw::{RawEvidence, yaml_display, yaml_key};
use crate::load::yaml::key_child as join;
use crate::model::schema::{
    ColumnDecl, DocumentDecl, EvidenceDecl, FieldType, LedgerDecl, VocabularyEntry,
};

impl Checker<'_> {
    pub(super) fn field_type(&mut self, file: &str, path: &str, v: &Yaml) -> Option<FieldType> {
        match v {
            Yaml::String(s) => match s.as_str() {
                "text" => Some(FieldType::Text),
                "date" => Some(FieldType::Date),
                "count" => Some(FieldType::Count { max: None }),
                "flag" => Some(FieldType::Flag),
                "decimal" => Some(FieldType::Decimal),
                "file" => Some(FieldType::File),
                other => {
                    self.error(
                        file,
                        path,
                        RuleCode::UnknownFieldType,
                        format!("未知的类型 `{other}`（可用：text、date、count、decimal、flag、file、[类型]、{{map: 类型}}）"),
                    );
                    None
                }
            },
            Yaml::Sequence(items) if items.len() == 1 => self
                .field_type(file, &format!("{path}[0]"), &items[0])
                .map(|t| FieldType::List(Box::new(t))),
            Yaml::Mapping(m) => {
                if m.len() == 1 {
                    let (k, inner) = m.iter().next().expect("one entry");
                    match k.as_str() {
                        Some("map") => {
                            return self
                                .field_type(file, &join(path, "map"), inner)
                                .map(|t| FieldType::Map(Box::new(t)));
                        }
                        Some("count") => {
                            return match inner.as_u64() {
                                Some(max) => Some(FieldType::Count { max: Some(max) }),
                                None => {
                                    self.error(
                                        file,
                                        &join(path, "count"),
                                        RuleCode::BadCountMax,
                                        "count 的上限应为非负整数",
                                    );
                                    None
                                }
                            };
                        }
                        _ => {}
                    }
                }
                let mut fields = Vec::new();
                for (k, inner) in m {
                    let Some(name) = yaml_key(k) else { continue };
                    if let Some(t) = self.field_type(file, &join(path, &name), inner) {
                        fields.push((name, t));
                    }
                }
                Some(FieldType::Record(fields))
            }
            other => {
                self.error(
                    file,
                    path,
                    RuleCode::UnknownFieldType,
                    format!("无法识别的类型声明：{}", yaml_display(other)),
                );
                None
            }
        }
    }

    pub(super) fn columns(&mut self, file: &str, path: &str, v: Option<&Yaml>) -> Vec<ColumnDecl> {
        let mut out = Vec::new();
        let Some(v) = v else { return out };
        let Some(m) = v.as_mapping() else {
            self.error(
                file,
                path,
                RuleCode::RulesetShape,
                "列声明应为 列名: 类型 的映射",
            );
            return out;
        };
        for (k, t) in m {
            let Some(name) = yaml_key(k) else { continue };
            if let Some(ty) = self.field_type(file, &join(path, &name), t) {
                out.push(ColumnDecl { name, ty });
            }
        }
        out
    }

    /// A list of texts, or one text (`名称` is `[名称]`).
    pub(super) fn texts(&mut self, file: &str, path: &str, v: &Yaml) -> Vec<String> {
        let items: Vec<&Yaml> = match v {
            Yaml::Sequence(items) => items.iter().collect(),
            Yaml::Null => Vec::new(),
            one => vec![one],
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Yaml::String(_) | Yaml::Number(_) => out.push(yaml_display(item)),
                other => self.error(
                    file,
                    &format!("{path}[{i}]"),
                    RuleCode::RulesetShape,
                    format!("应为文本，实为 {}", yaml_display(other)),
                ),
            }
        }
        out
    }

    /// `aliases: {标题: [名称, 信息名称]}`: other header names for a declared column. Names
    /// are compared with whitespace removed, as header cells are; a name may stand for one
    /// column only, and never for another declared column.
    pub(super) fn aliases(
        &mut self,
        file: &str,
        path: &str,
        v: Option<&Yaml>,
        ledger: &LedgerDecl,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return out;
        };
        let Some(m) = v.as_mapping() else {
            self.error(
                file,
                path,
                RuleCode::RulesetShape,
                "aliases 应为 列名: [别名…] 的映射",
            );
            return out;
        };
        for (k, names) in m {
            let Some(column) = yaml_key(k) else { continue };
            let at = join(path, &column);
            if ledger.column(&column).is_none() {
                self.error(
                    file,
                    &format!("{at}#key"),
                    ExprCode::UnknownColumn,
                    format!(
                        "台账 {} 没有声明列 {column}，不能为它写别名（已声明：{}）",
                        ledger.name,
                        ledger
                            .columns()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                );
                continue;
            }
            for (i, name) in self.texts(file, &at, names).into_iter().enumerate() {
                let name = crate::text::squash_whitespace(&name);
                let item = format!("{at}[{i}]");
                if let Some(other) = ledger.columns().find(|c| c.name == name) {
                    self.error(
                        file,
                        &item,
                        RuleCode::AliasConflict,
                        format!(
                            "别名「{name}」就是台账 {} 的列名「{}」",
                            ledger.name, other.name
                        ),
                    );
                } else if let Some((other, _)) = out.iter().find(|(_, n)| *n == name) {
                    self.error(
                        file,
                        &item,
                        RuleCode::AliasConflict,
                        format!("别名「{name}」已是列「{other}」的别名：一个表头只能对应一列"),
                    );
                } else {
                    out.push((column.clone(), name));
                }
            }
        }
        out
    }

    /// `vocabulary: {栏目: {政府文件: [政策文件, 规范性文件]}}`: in a text column, values a
    /// platform writes that count as one of the rule set's own. A value maps to one value only,
    /// and a value that is itself a target is not mapped away.
    pub(super) fn vocabulary(
        &mut self,
        file: &str,
        path: &str,
        v: Option<&Yaml>,
        ledger: &LedgerDecl,
    ) -> Vec<VocabularyEntry> {
        let mut out: Vec<VocabularyEntry> = Vec::new();
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return out;
        };
        let Some(m) = v.as_mapping() else {
            self.error(
                file,
                path,
                RuleCode::RulesetShape,
                "vocabulary 应为 列名: {本规则集的值: [平台的写法…]} 的映射",
            );
            return out;
        };
        for (k, map) in m {
            let Some(column) = yaml_key(k) else { continue };
            let at = join(path, &column);
            match ledger.column(&column) {
                None => {
                    self.error(
                        file,
                        &format!("{at}#key"),
                        ExprCode::UnknownColumn,
                        format!("台账 {} 没有声明列 {column}，不能为它写对照", ledger.name),
                    );
                    continue;
                }
                Some(c) if c.ty != FieldType::Text => {
                    self.error(
                        file,
                        &format!("{at}#key"),
                        ExprCode::TypeMismatch,
                        format!("列 {column} 不是 text 类型，只有文本列可以写值的对照"),
                    );
                    continue;
                }
                Some(_) => {}
            }
            let Some(targets) = map.as_mapping() else {
                self.error(
                    file,
                    &at,
                    RuleCode::RulesetShape,
                    "应为 本规则集的值: [平台的写法…] 的映射",
                );
                continue;
            };
            let own: Vec<String> = targets.keys().filter_map(yaml_key).collect();
            for (tk, froms) in targets {
                let Some(to) = yaml_key(tk) else { continue };
                let tat = join(&at, &to);
                for (i, from) in self.texts(file, &tat, froms).into_iter().enumerate() {
                    let from = crate::text::trim(&from).to_string();
                    let item = format!("{tat}[{i}]");
                    if own.contains(&from) {
                        self.error(
                            file,
                            &item,
                            RuleCode::VocabularyConflict,
                            format!("「{from}」本身是对照的目标值，不能再对到「{to}」"),
                        );
                    } else if let Some(e) =
                        out.iter().find(|e| e.column == column && e.from == from)
                    {
                        self.error(
                            file,
                            &item,
                            RuleCode::VocabularyConflict,
                            format!("「{from}」已对到「{}」：一个值只能计为一个值", e.to),
                        );
                    } else {
                        out.push(VocabularyEntry {
                            column: column.clone(),
                            from,
                            to: to.clone(),
                        });
                    }
                }
            }
        }
        out
    }

    pub(super) fn evidence(&mut self, file: &str, raw: &RawEvidence) -> EvidenceDecl {
        let mut decl = EvidenceDecl::default();
        for (k, v) in &raw.ledgers {
            let Some(name) = yaml_key(k) else { continue };
            let path = format!("evidence.ledgers.{name}");
            let title = v
                .get("title")
                .and_then(Yaml::as_str)
                .unwrap_or(&name)
                .to_string();
            let required = self.columns(file, &join(&path, "required"), v.get("required"));
            let optional = self.columns(file, &join(&path, "optional"), v.get("optional"));
            if required.is_empty() {
                self.error(
                    file,
                    &path,
                    RuleCode::LedgerNoColumns,
                    format!("台账 {name} 没有声明必备列"),
                );
            }
            if let Some(m) = v.as_mapping() {
                let extra: BTreeMap<String, Yaml> = m
                    .iter()
                    .filter_map(|(k, v)| yaml_key(k).map(|k| (k, v.clone())))
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "title" | "required" | "optional" | "aliases" | "vocabulary"
                        )
                    })
                    .collect();
                self.extra_keys(file, &path, &extra);
            }
            let mut ledger = LedgerDecl {
                name,
                title,
                required,
                optional,
                ..LedgerDecl::default()
            };
            ledger.aliases = self.aliases(file, &join(&path, "aliases"), v.get("aliases"), &ledger);
            ledger.vocabulary = self.vocabulary(
                file,
                &join(&path, "vocabulary"),
                v.get("vocabulary"),
                &ledger,
            );
            decl.ledgers.push(ledger);
        }
        for (k, v) in &raw.documents {
            let Some(name) = yaml_key(k) else { continue };
            let path = format!("evidence.documents.{name}");
            let title = v
                .get("title")
                .and_then(Yaml::as_str)
                .unwrap_or(&name)
                .to_string();
            let fields = self
                .columns(file, &join(&path, "fields"), v.get("fields"))
                .into_iter()
                .map(|c| (c.name, c.ty))
                .collect();
            decl.documents.push(DocumentDecl {
                name,
                title,
                fields,
            });
        }
        for (k, v) in &raw.manifest {
            let Some(name) = yaml_key(k) else { continue };
            if let Some(t) = self.field_type(file, &format!("evidence.manifest.{name}"), v) {
                decl.manifest.push((name, t));
            }
        }
        decl
    }
}
