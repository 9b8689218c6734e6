//! The values every layer shares: what a ledger cell, a manifest key, a `let` or a measure
//! holds (`Value`), and the static types the expression checker assigns (`Type`).
//!
//! Evidence is loaded straight into these values (a ledger cell is a `Value`), so evaluating a
//! measure never converts or re-parses evidence. Rows and documents are the host's: `model`
//! implements `Rows` for its ledgers and `Doc` for its documents, so neither this module nor the
//! expression language (`expr`) names the host's types.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

/// The rows of a ledger, as a `Value::Row` reads them (implemented by `model::evidence::Ledger`).
pub trait Rows: fmt::Debug + Send + Sync {
    /// Path relative to the bundle, `/`-separated: problems name it.
    fn file(&self) -> &str;
    /// Worksheet name for XLSX/XLS.
    fn sheet(&self) -> Option<&str>;
    /// Row `index`'s number as a spreadsheet shows it (header on row 1 → first data row 2).
    fn number(&self, index: usize) -> u32;
    /// The declared column at `position` of the cells, if any.
    fn column_at(&self, position: usize) -> Option<&str>;
    /// Where the declared column `name` sits in the cells.
    fn column_index(&self, name: &str) -> Option<usize>;
    /// Row `index`'s cell at `position`.
    fn cell_at(&self, index: usize, position: usize) -> Option<&Value>;
    /// Row `index`'s value of the declared column `name`; `Null` when the column is optional
    /// and absent.
    fn cell(&self, index: usize, name: &str) -> Value {
        self.column_index(name)
            .and_then(|i| self.cell_at(index, i))
            .cloned()
            .unwrap_or_default()
    }
}

/// A document named under `文档` whose file exists in the bundle, as a `Value::Doc` reads it
/// (implemented by `model::evidence::Document`).
pub trait Doc: fmt::Debug + Send + Sync {
    /// Path relative to the bundle, `/`-separated.
    fn file(&self) -> &str;
    /// Text for text checks; `None` when the type is not readable (.pdf, images).
    fn text(&self) -> Option<&str>;
    /// The document's lines (headings are read from them); empty when unreadable.
    fn lines(&self) -> &[String];
    /// Tables in document order; empty when unreadable.
    fn tables(&self) -> &[Table];
    /// A manifest field of the entry (发布日期, 链接, ...), typed.
    fn field(&self, name: &str) -> Option<&Value>;
}

/// A table read out of a document: the grid as a browser lays it out (a spanning cell repeated
/// into every slot it covers); each cell's text has tags removed, entities decoded, NFKC
/// applied and all whitespace removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    /// The document's file (bundle-relative), so a problem with a cell can name it.
    pub file: String,
    /// 1-based place among the document's tables.
    pub number: usize,
}

/// A value. `Null` is an empty or unreadable cell, an absent manifest key, a missing ledger or
/// document. Comparisons involving `Null` are false (see docs/rules.md).
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Num(Decimal),
    Text(Arc<str>),
    Date(Date),
    List(Arc<Vec<Value>>),
    /// A manifest mapping, a record literal, or a map such as `自查申报.分类数量`. Keys keep the
    /// order in which they were written.
    Record(Arc<Record>),
    /// One ledger row; knows its ledger (file, sheet) and spreadsheet row number.
    Row(RowRef),
    /// A document named under `文档` whose file exists in the bundle.
    Doc(Arc<dyn Doc>),
    /// A table read out of a document.
    Table(Arc<Table>),
}

#[derive(Clone, Debug, Default)]
pub struct Record {
    pub fields: Vec<(Arc<str>, Value)>,
}

impl Record {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v)
    }
}

/// A reference to one row of a loaded ledger.
#[derive(Clone, Debug)]
pub struct RowRef {
    pub ledger: Arc<dyn Rows>,
    pub index: usize,
}

impl RowRef {
    /// The spreadsheet row number (header on line 1 → first data row is 2).
    pub fn number(&self) -> u32 {
        self.ledger.number(self.index)
    }

    /// The value of a declared column; `Null` when the column is optional and absent.
    pub fn get(&self, column: &str) -> Value {
        self.ledger.cell(self.index, column)
    }
}

impl Value {
    pub fn text(s: impl AsRef<str>) -> Value {
        Value::Text(Arc::from(s.as_ref()))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// How a value reads in a message: dates as 2021-03-05, numbers without trailing zeros,
/// rows as 第N行, lists comma-separated.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("空"),
            Value::Bool(true) => f.write_str("是"),
            Value::Bool(false) => f.write_str("否"),
            Value::Num(n) => write!(f, "{}", n.normalize()),
            Value::Text(t) => f.write_str(t),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => {
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str("、")?;
                    }
                    write!(f, "{v}")?;
                }
                Ok(())
            }
            Value::Record(r) => {
                f.write_str("{")?;
                for (i, (k, v)) in r.fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str("，")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Row(r) => write!(f, "第{}行", r.number()),
            Value::Doc(d) => f.write_str(d.file()),
            Value::Table(_) => f.write_str("表格"),
        }
    }
}

/// Static types. Every type admits `Null` (an empty cell, an absent key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// Unknown or mixed; accepted wherever a value is expected (e.g. `null`, `[]`).
    Any,
    Bool,
    Num,
    Text,
    Date,
    List(Box<Type>),
    /// A record with known fields, in declaration order.
    Record(Arc<RecordType>),
    /// A mapping from text keys to values of one type (e.g. 分类数量: 栏目 → count).
    Map(Box<Type>),
    /// A row of the named ledger; its columns come from the rule set's evidence declaration.
    Row(Arc<str>),
    Doc,
    Table,
    /// `x => body`; only as a function argument.
    Lambda,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RecordType {
    pub fields: BTreeMap<String, Type>,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::Bool => f.write_str("bool"),
            Type::Num => f.write_str("number"),
            Type::Text => f.write_str("text"),
            Type::Date => f.write_str("date"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Record(_) => f.write_str("record"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::Row(l) => write!(f, "row<{l}>"),
            Type::Doc => f.write_str("document"),
            Type::Table => f.write_str("table"),
            Type::Lambda => f.write_str("lambda"),
        }
    }
}
