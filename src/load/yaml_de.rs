//! serde over the position-aware YAML tree ([`crate::load::yaml::Node`]): a rule file is parsed
//! once, by `yaml::parse`, and its raw shapes are read from that tree. Plain scalars get the
//! types serde_yaml gives them (`~`/empty null, `true`/`True`/`TRUE`, integers with `0x`/`0o`/
//! `0b`, floats with `.inf`/`.nan`, a leading zero keeps digits text); quoted and block scalars
//! are text. A shape error is typed data — what was wanted, what was found, the key path, the
//! node's position — rendered once, in Chinese, by its `Display`.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::yaml::{Node, NodeValue};

/// Read `T` from a parsed YAML tree.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, ShapeError> {
    T::deserialize(NodeDe(node))
}

/// A value of the wrong shape: where (the innermost node that was wrong), the key path from the
/// tree's root (`indicators[0].name`), and what.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeError {
    pub line: u32,
    pub col: u32,
    /// Whether `line`/`col` are set (the innermost node reached sets them).
    placed: bool,
    pub path: String,
    pub kind: ShapeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShapeKind {
    Missing(String),
    Duplicate(String),
    Unknown(String),
    /// Wanted (serde's description, put into words by `kind_words`) and found.
    Type {
        want: String,
        found: Found,
    },
    Variant {
        value: String,
        expected: Vec<String>,
    },
    Length {
        len: usize,
        want: String,
    },
    /// None of the forms an untagged enum allows.
    NoVariant,
    /// A rarer serde message (more than one document, a recursion limit).
    Other,
}

/// What a value was, in the words of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Null,
    Bool(bool),
    Int(String),
    Float(String),
    Text(String),
    List,
    Map,
    Other,
}

impl From<de::Unexpected<'_>> for Found {
    fn from(u: de::Unexpected<'_>) -> Found {
        use de::Unexpected as U;
        match u {
            U::Unit | U::Option => Found::Null,
            U::Bool(b) => Found::Bool(b),
            U::Unsigned(n) => Found::Int(n.to_string()),
            U::Signed(n) => Found::Int(n.to_string()),
            U::Float(f) => Found::Float(f.to_string()),
            U::Char(c) => Found::Text(c.to_string()),
            U::Str(s) => Found::Text(s.to_string()),
            U::Seq => Found::List,
            U::Map => Found::Map,
            _ => Found::Other,
        }
    }
}

impl Found {
    /// serde's English name of an unexpected value (`boolean `true``, `integer `5``, `string
    /// "x"`, `sequence`), for errors of values read through serde_yaml.
    pub fn from_serde(s: &str) -> Found {
        let s = s.trim();
        let quoted = |v: &str| v.trim().trim_matches(|c| c == '`' || c == '"').to_string();
        if let Some(v) = s.strip_prefix("boolean ") {
            Found::Bool(quoted(v) == "true")
        } else if let Some(v) = s.strip_prefix("integer ") {
            Found::Int(quoted(v))
        } else if let Some(v) = s.strip_prefix("floating point ") {
            Found::Float(quoted(v))
        } else if let Some(v) = s.strip_prefix("string ") {
            Found::Text(quoted(v))
        } else if s.starts_with("sequence") {
            Found::List
        } else if s.starts_with("map") {
            Found::Map
        } else if s.starts_with("unit") || s.starts_with("null") || s.starts_with("Option") {
            Found::Null
        } else {
            Found::Other
        }
    }
}

impl ShapeError {
    pub fn new(kind: ShapeKind) -> ShapeError {
        ShapeError {
            line: 0,
            col: 0,
            placed: false,
            path: String::new(),
            kind,
        }
    }

    /// Place the error at `node` unless a node inside it was placed already.
    fn at(mut self, node: &Node) -> ShapeError {
        if !self.placed {
            self.line = node.line;
            self.col = node.col;
            self.placed = true;
        }
        self
    }

    /// Prefix the key path with `segment` (a key, or `[i]`, or a whole path).
    pub fn under(mut self, segment: &str) -> ShapeError {
        self.path = match (segment.starts_with('['), self.path.is_empty()) {
            (_, true) => segment.to_string(),
            (true, false) if self.path.starts_with('[') => format!("{segment}{}", self.path),
            (true, false) => format!("{segment}.{}", self.path),
            (false, false) if self.path.starts_with('[') => format!("{segment}{}", self.path),
            (false, false) => format!("{segment}.{}", self.path),
        };
        self
    }

    /// A list or mapping read where a text (an expression) was wanted, or `true`/a number.
    pub fn quote_hint(&self) -> &'static str {
        match &self.kind {
            ShapeKind::Type { want, found } if kind_words(want) == "文字" => match found {
                Found::List | Found::Map => {
                    "（表达式以 [ 或 { 开头、或含「: 」时，YAML 会把它读成列表或映射：请把整个表达式加引号，如 '[1, 2].all(x => x > 0)'）"
                }
                Found::Bool(_) | Found::Int(_) | Found::Float(_) => {
                    "（YAML 把 true、false、数字读成布尔值或数字，而此处要的是表达式或文字：请加引号，如 pass: \"true\"、message: \"2021\"）"
                }
                _ => "",
            },
            _ => "",
        }
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}：", self.path)?;
        }
        match &self.kind {
            ShapeKind::Missing(k) => write!(f, "缺少必需的键「{k}」")?,
            ShapeKind::Duplicate(k) => write!(f, "键「{k}」写了两次")?,
            ShapeKind::Unknown(k) => write!(f, "未知的键「{k}」（拼写错误？）")?,
            ShapeKind::Type { want, found } => {
                write!(f, "应为{}，实为{}", kind_words(want), found_words(found))?
            }
            ShapeKind::Variant { value, expected } => {
                write!(f, "不认识的值「{value}」（可用：{}）", expected.join("、"))?
            }
            ShapeKind::Length { len, want } => {
                write!(f, "列表的项数 {len} 不对（应为 {}）", kind_words(want))?
            }
            ShapeKind::NoVariant => write!(f, "值的写法不是允许的几种形式之一")?,
            ShapeKind::Other => write!(f, "值的写法不对")?,
        }
        f.write_str(self.quote_hint())
    }
}

impl std::error::Error for ShapeError {}

impl de::Error for ShapeError {
    fn custom<T: fmt::Display>(msg: T) -> ShapeError {
        // serde's untagged enums say so in this one fixed sentence.
        if msg
            .to_string()
            .starts_with("data did not match any variant")
        {
            ShapeError::new(ShapeKind::NoVariant)
        } else {
            ShapeError::new(ShapeKind::Other)
        }
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> ShapeError {
        ShapeError::new(ShapeKind::Type {
            want: exp.to_string(),
            found: unexp.into(),
        })
    }
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> ShapeError {
        Self::invalid_type(unexp, exp)
    }
    fn invalid_length(len: usize, exp: &dyn de::Expected) -> ShapeError {
        ShapeError::new(ShapeKind::Length {
            len,
            want: exp.to_string(),
        })
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> ShapeError {
        ShapeError::new(ShapeKind::Variant {
            value: variant.to_string(),
            expected: expected.iter().map(|s| s.to_string()).collect(),
        })
    }
    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> ShapeError {
        ShapeError::new(ShapeKind::Unknown(field.to_string()))
    }
    fn missing_field(field: &'static str) -> ShapeError {
        ShapeError::new(ShapeKind::Missing(field.to_string()))
    }
    fn duplicate_field(field: &'static str) -> ShapeError {
        ShapeError::new(ShapeKind::Duplicate(field.to_string()))
    }
}

/// serde's description of what a visitor wants (`a string`, `struct RawGrade`, `i16`) in
/// Chinese; our own struct names never show.
pub fn kind_words(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .unwrap_or(s);
    let head = s.split(' ').next().unwrap_or(s);
    match head {
        "string" | "str" | "borrowed" | "character" | "char" => "文字",
        "sequence" | "seq" | "tuple" | "array" => "列表",
        "map" | "mapping" | "struct" => "映射",
        "YAML" if s.contains("mapping") => "映射",
        "YAML" if s.contains("sequence") => "列表",
        "boolean" | "bool" => "真假值",
        "integer" | "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64"
        | "isize" => "整数",
        "floating" | "f64" | "f32" | "number" => "数字",
        "unit" | "null" => "空值",
        "option" => "值或空值",
        _ => "另一种写法",
    }
    .to_string()
}

fn found_words(f: &Found) -> String {
    match f {
        Found::Null => "空值".into(),
        Found::Bool(b) => format!("真假值「{b}」"),
        Found::Int(n) => format!("整数「{n}」"),
        Found::Float(n) => format!("数字 {n}"),
        Found::Text(s) => format!("文字「{s}」"),
        Found::List => "列表".into(),
        Found::Map => "映射".into(),
        Found::Other => "其他值".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Plain scalars typed as serde_yaml types them.

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `+`, `0x`, `0o`, `0b` as serde_yaml reads them.
fn parse_unsigned(s: &str) -> Option<u64> {
    let s = s.strip_prefix('+').unwrap_or(s);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(n) = u64::from_str_radix(rest, radix) {
                return Some(n);
            }
        }
    }
    if s.starts_with(['+', '-']) || digits_but_not_number(s) {
        return None;
    }
    s.parse().ok()
}

fn parse_negative(s: &str) -> Option<i64> {
    let rest = s.strip_prefix('-')?;
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = rest.strip_prefix(prefix) {
            if digits.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(n) = i64::from_str_radix(&format!("-{digits}"), radix) {
                return Some(n);
            }
        }
    }
    if rest.starts_with(['+', '-']) || digits_but_not_number(s) {
        return None;
    }
    s.parse().ok()
}

fn parse_f64(s: &str) -> Option<f64> {
    let unsigned = match s.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return None,
        Some(u) => u,
        None => s,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match s {
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros then digits (`007`) are text in YAML 1.2.
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------

struct NodeDe<'n>(&'n Node);

impl<'n> NodeDe<'n> {
    fn wrong(&self, want: &str) -> ShapeError {
        let found = match &self.0.value {
            NodeValue::Null => Found::Null,
            NodeValue::Scalar { text, .. } => Found::Text(text.clone()),
            NodeValue::Seq(_) => Found::List,
            NodeValue::Map(_) => Found::Map,
        };
        ShapeError::new(ShapeKind::Type {
            want: want.to_string(),
            found,
        })
        .at(self.0)
    }

    fn seq<'de, V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError>
    where
        'n: 'de,
    {
        match &self.0.value {
            NodeValue::Seq(items) => v
                .visit_seq(Items {
                    items: items.iter(),
                    index: 0,
                })
                .map_err(|e| e.at(self.0)),
            _ => Err(self.wrong("a sequence")),
        }
    }

    fn map<'de, V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError>
    where
        'n: 'de,
    {
        match &self.0.value {
            NodeValue::Map(entries) => v
                .visit_map(Entries {
                    entries: entries.iter(),
                    value: None,
                })
                .map_err(|e| e.at(self.0)),
            _ => Err(self.wrong("a map")),
        }
    }
}

macro_rules! via_any {
    ($($m:ident)*) => {
        $(fn $m<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
            self.deserialize_any(v)
        })*
    };
}

impl<'de, 'n: 'de> Deserializer<'de> for NodeDe<'n> {
    type Error = ShapeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        let node = self.0;
        let r = match &node.value {
            NodeValue::Null => v.visit_unit(),
            NodeValue::Scalar { text, quoted: true } => v.visit_borrowed_str(text),
            NodeValue::Scalar {
                text,
                quoted: false,
            } => {
                let t = text.as_str();
                if let Some(b) = parse_bool(t) {
                    v.visit_bool(b)
                } else if let Some(n) = parse_unsigned(t) {
                    v.visit_u64(n)
                } else if let Some(n) = parse_negative(t) {
                    v.visit_i64(n)
                } else if let Some(f) = (!digits_but_not_number(t)).then(|| parse_f64(t)).flatten()
                {
                    v.visit_f64(f)
                } else {
                    v.visit_borrowed_str(text)
                }
            }
            NodeValue::Seq(_) => return self.seq(v),
            NodeValue::Map(_) => return self.map(v),
        };
        r.map_err(|e: ShapeError| e.at(node))
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        let node = self.0;
        match &node.value {
            NodeValue::Scalar { text, .. } => v.visit_borrowed_str(text),
            NodeValue::Null => v.visit_borrowed_str(""),
            _ => return Err(self.wrong("a string")),
        }
        .map_err(|e: ShapeError| e.at(node))
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        match &self.0.value {
            NodeValue::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        self.seq(v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, ShapeError> {
        self.seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, ShapeError> {
        self.seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        self.map(v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ShapeError> {
        self.map(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, ShapeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ShapeError> {
        let node = self.0;
        match &node.value {
            NodeValue::Scalar { text, .. } => v
                .visit_enum(text.as_str().into_deserializer())
                .map_err(|e: ShapeError| e.at(node)),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        v.visit_unit()
    }

    via_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, ShapeError> {
        self.deserialize_any(v)
    }
}

struct Items<'n> {
    items: std::slice::Iter<'n, Node>,
    index: usize,
}

impl<'de, 'n: 'de> SeqAccess<'de> for Items<'n> {
    type Error = ShapeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ShapeError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let i = self.index;
        self.index += 1;
        seed.deserialize(NodeDe(item))
            .map(Some)
            .map_err(|e| e.at(item).under(&format!("[{i}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'n> {
    entries: std::slice::Iter<'n, (Node, Node)>,
    value: Option<(&'n Node, &'n Node)>,
}

impl<'de, 'n: 'de> MapAccess<'de> for Entries<'n> {
    type Error = ShapeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ShapeError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((k, v));
        seed.deserialize(NodeDe(k))
            .map(Some)
            .map_err(|e| e.at(k).under(&k.key_text()))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, ShapeError> {
        let Some((k, v)) = self.value.take() else {
            return Err(ShapeError::new(ShapeKind::Other));
        };
        seed.deserialize(NodeDe(v))
            .map_err(|e| e.at(v).under(&k.key_text()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;
    use serde::Deserialize;
    use serde_yaml::Value as Yaml;

    /// The tree gives every rule file the same values serde_yaml gave it from the text: every
    /// YAML file of the shipped rule sets, the broken-rule fixtures and the docs' tutorial.
    #[test]
    fn same_values_as_serde_yaml_for_every_rule_file() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for d in [
            "rules",
            "fixtures/rules",
            "docs/tutorial",
            "fixtures/methods-rules",
        ] {
            walk(&root.join(d), &mut files);
        }
        let mut compared = 0;
        for f in &files {
            // The ruleset-not-utf8 fixture is not text.
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let (Ok(node), Ok(want)) = (parse(text, "t"), serde_yaml::from_str::<Yaml>(text))
            else {
                continue;
            };
            let got: Yaml = from_node(&node).unwrap();
            assert_eq!(got, want, "{}", f.display());
            compared += 1;
        }
        assert!(compared > 100, "{compared}");
    }

    #[test]
    fn plain_scalars_are_typed_as_serde_yaml_types_them() {
        let text = "a: 007\nb: 0x1F\nc: -3\nd: 1.10\ne: True\nf: ~\ng: '5'\nh: .inf\ni: 1e3\nj: +5\nk: 2021-01-01\nl: |\n  x\n";
        let node = parse(text, "t").unwrap();
        let got: Yaml = from_node(&node).unwrap();
        assert_eq!(got, serde_yaml::from_str::<Yaml>(text).unwrap());
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Grade {
        name: String,
        min: f64,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Set {
        year: i16,
        grades: Vec<Grade>,
    }

    fn err(text: &str) -> ShapeError {
        from_node::<Set>(&parse(text, "t").unwrap()).unwrap_err()
    }

    /// Each error names its key path and the node it is about, and says it in Chinese.
    #[test]
    fn shape_errors_are_typed_and_placed() {
        let e = err("year: 二〇二一\ngrades: []\n");
        assert_eq!((e.line, e.col, e.path.as_str()), (1, 7, "year"));
        assert_eq!(e.to_string(), "year：应为整数，实为文字「二〇二一」");
        let e = err("year: 2021\ngrades:\n  - {name: 合格}\n");
        assert_eq!((e.line, e.col, e.path.as_str()), (3, 5, "grades[0]"));
        assert_eq!(e.to_string(), "grades[0]：缺少必需的键「min」");
        let e = err("year: 2021\ngrades:\n  - name: 合格\n    min: 60\n    mni: 1\n");
        assert_eq!((e.line, e.col), (5, 5));
        assert_eq!(
            e.to_string(),
            "grades[0].mni：未知的键「mni」（拼写错误？）"
        );
        let e = err("year: 2021\ngrades:\n  - 合格\n");
        assert_eq!((e.line, e.col), (3, 5));
        assert_eq!(e.to_string(), "grades[0]：应为映射，实为文字「合格」");
        let e = err("year: 2021\ngrades: {a: 1}\n");
        assert_eq!((e.line, e.col), (2, 9));
        assert_eq!(e.to_string(), "grades：应为列表，实为映射");
    }
}
