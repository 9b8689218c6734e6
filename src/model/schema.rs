//! The evidence a rule set expects, as declared in its `ruleset.yaml` under `evidence:`.
//! The bundle loader reads ledgers and manifest keys by this declaration; the expression
//! checker resolves names and columns against it.

use std::sync::Arc;

use crate::expr::Schema;
use crate::value::{RecordType, Type};

/// The type of a ledger column or a manifest value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Trimmed text; placeholders (无 / - — －) read as empty.
    Text,
    /// A date in any spelling bundle-spec.md allows.
    Date,
    /// A non-negative whole number (`3`, `3.0`); above `max` it is a data problem and empty.
    Count { max: Option<u64> },
    /// An exact decimal number (`87.45`, `-3`, `1,234.5`), read digit for digit, never through
    /// a binary float; anything else is a data problem and empty.
    Decimal,
    /// 是 / 否 (blank = 否; anything else is a data problem and counts as 否).
    Flag,
    /// A path relative to the bundle (manifest only); checked for existence and hashed.
    File,
    /// A list (a single value where a list is expected reads as a one-element list).
    List(Box<FieldType>),
    /// A mapping with known keys, in declaration order.
    Record(Vec<(String, FieldType)>),
    /// A mapping from free text keys to values of one type.
    Map(Box<FieldType>),
}

impl FieldType {
    /// The static type an expression sees for a value of this field type.
    pub fn to_type(&self) -> Type {
        match self {
            FieldType::Text | FieldType::File => Type::Text,
            FieldType::Date => Type::Date,
            FieldType::Count { .. } | FieldType::Decimal => Type::Num,
            FieldType::Flag => Type::Bool,
            FieldType::List(t) => Type::List(Box::new(t.to_type())),
            FieldType::Record(fields) => Type::Record(Arc::new(RecordType {
                fields: fields
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.to_type()))
                    .collect(),
            })),
            FieldType::Map(t) => Type::Map(Box::new(t.to_type())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDecl {
    pub name: String,
    pub ty: FieldType,
}

/// A ledger (台账) the rule set reads: its manifest name under `台账`, and its columns.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LedgerDecl {
    /// The manifest key under `台账`, e.g. `主动公开`.
    pub name: String,
    pub title: String,
    /// Without every one of these the ledger is unusable (缺材料 for the indicators needing it).
    pub required: Vec<ColumnDecl>,
    /// Read when present; `Null` in every row when absent.
    pub optional: Vec<ColumnDecl>,
    /// Other header names the rule set accepts for a column (`aliases:`), as
    /// (column, other name): platforms export 名称 for 标题. Whitespace already removed.
    pub aliases: Vec<(String, String)>,
    /// Vocabulary maps of categorical text columns (`vocabulary:`): a value as a platform
    /// writes it counted as one of the rule set's own values.
    pub vocabulary: Vec<VocabularyEntry>,
}

/// One entry of a vocabulary map: in `column`, the value `from` counts as `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VocabularyEntry {
    pub column: String,
    pub from: String,
    pub to: String,
}

impl LedgerDecl {
    /// Required columns first, then optional ones: the order of `Ledger::cells`.
    pub fn columns(&self) -> impl Iterator<Item = &ColumnDecl> {
        self.required.iter().chain(self.optional.iter())
    }

    pub fn column(&self, name: &str) -> Option<&ColumnDecl> {
        self.columns().find(|c| c.name == name)
    }
}

/// A document (文档) the rule set reads, by its manifest key under `文档`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDecl {
    pub name: String,
    pub title: String,
    /// Extra manifest fields beside `文件` (e.g. 发布日期: date, 链接: text).
    pub fields: Vec<(String, FieldType)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EvidenceDecl {
    pub ledgers: Vec<LedgerDecl>,
    pub documents: Vec<DocumentDecl>,
    /// Manifest keys beyond the fixed ones of bundle-spec.md (单位, 上级单位, 考核年度, 考核指标,
    /// 报送日期, 台账, 文档), e.g. 自查申报, 组织保障, 建议提案, 安全事件, 经验推广.
    pub manifest: Vec<(String, FieldType)>,
}

impl EvidenceDecl {
    pub fn ledger(&self, name: &str) -> Option<&LedgerDecl> {
        self.ledgers.iter().find(|l| l.name == name)
    }

    pub fn document(&self, name: &str) -> Option<&DocumentDecl> {
        self.documents.iter().find(|d| d.name == name)
    }
}

impl Schema for EvidenceDecl {
    fn columns(&self, ledger: &str) -> Option<Vec<(&str, Type)>> {
        let decl = self.ledger(ledger)?;
        Some(
            decl.columns()
                .map(|c| (c.name.as_str(), c.ty.to_type()))
                .collect(),
        )
    }

    fn ledger_with_column(&self, column: &str) -> Option<&str> {
        self.ledgers
            .iter()
            .find(|l| l.column(column).is_some())
            .map(|l| l.name.as_str())
    }

    fn document_fields(&self) -> Vec<(&str, Type)> {
        self.documents
            .iter()
            .flat_map(|d| d.fields.iter().map(|(n, t)| (n.as_str(), t.to_type())))
            .collect()
    }
}

/// The type environment of a rule set's expressions: names plus this evidence declaration.
pub type TypeEnv = crate::expr::TypeEnv<EvidenceDecl>;
