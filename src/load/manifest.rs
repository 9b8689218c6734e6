//! `bundle.yaml`: the header (the four required keys, which stop the run when missing or
//! malformed) and everything else typed by the rule set's evidence declaration, "strictly and
//! kindly" (bundle-spec.md): a value of the wrong shape is a problem naming its key path and
//! line and counts as absent; a single value where a list is expected is a one-element list;
//! an empty value is an omitted key; an unknown key is a warning, never silently dropped.

use crate::diag::DataCode;
use std::sync::Arc;

use crate::diag::{Fatal, Problem};
use crate::model::evidence::{ManifestHeader, normalize_manifest_path};
use crate::model::schema::{DocumentDecl, EvidenceDecl, FieldType};
use crate::text::{clean, trim};
use crate::value::{Record, Value};

use super::decode::{ENCODING_LABELS, encoding_for_label};
use super::ledger::LedgerOptions;
use super::values::{Origin, scalar_value, type_name};
use super::yaml::{Node, NodeValue, fullwidth_colon_key, key_child, key_index};

pub const MANIFEST: &str = "bundle.yaml";

/// Keys every bundle may have, whatever the rule set declares.
pub const FIXED_KEYS: [&str; 9] = [
    "单位",
    "上级单位",
    "考核年度",
    "考核指标",
    "报送日期",
    "台账",
    "文档",
    COLUMN_MAP_KEY,
    VALUE_MAP_KEY,
];

/// A township's own header mapping, per ledger: `列名对照: {主动公开: {名称: 标题}}`.
pub const COLUMN_MAP_KEY: &str = "列名对照";
/// A township's own 栏目 value mapping: `栏目对照: {通知公告: 会议通知}`.
pub const VALUE_MAP_KEY: &str = "栏目对照";

/// `text: text` pairs of a mapping node, in written order; anything else is a shape problem.
fn text_pairs(node: &Node, key: &str, t: &mut Typer) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if node.is_null() {
        return out;
    }
    let Some(entries) = node.as_map() else {
        t.wrong_shape(node, &FieldType::Map(Box::new(FieldType::Text)), key);
        return out;
    };
    for (k, v) in entries {
        let from = trim(&k.key_text()).to_string();
        let at = key_child(key, &from);
        match v.as_scalar().and_then(clean) {
            Some(to) if !from.is_empty() => out.push((from, to.to_string())),
            _ => t.wrong_shape(v, &FieldType::Text, &at),
        }
    }
    out
}

/// (from, to) pairs in written order: a header and a column, or a value and a value.
pub type Pairs = Vec<(String, String)>;

/// The township's 列名对照 (ledger → (header, column)) and 栏目对照 ((value, value)).
pub fn mappings(root: &Node, decl: &EvidenceDecl, t: &mut Typer) -> (Vec<(String, Pairs)>, Pairs) {
    let mut columns = Vec::new();
    if let Some(node) = root.get(COLUMN_MAP_KEY).filter(|n| !n.is_null()) {
        match node.as_map() {
            None => t.wrong_shape(
                node,
                &FieldType::Map(Box::new(FieldType::Map(Box::new(FieldType::Text)))),
                COLUMN_MAP_KEY,
            ),
            Some(entries) => {
                for (k, v) in entries {
                    let name = trim(&k.key_text()).to_string();
                    let key = key_child(COLUMN_MAP_KEY, &name);
                    if decl.ledger(&name).is_none() {
                        t.problems.push(
                            Problem::warning(
                                MANIFEST,
                                DataCode::UnknownLedger,
                                format!(
                                    "列名对照中的台账「{name}」不是规则集需要的台账（需要：{}），已忽略；如是笔误请更正",
                                    decl.ledgers
                                        .iter()
                                        .map(|l| l.name.as_str())
                                        .collect::<Vec<_>>()
                                        .join("、")
                                ),
                            )
                            .key(key)
                            .line(k.line),
                        );
                        continue;
                    }
                    columns.push((name, text_pairs(v, &key, t)));
                }
            }
        }
    }
    let values = root
        .get(VALUE_MAP_KEY)
        .map(|n| text_pairs(n, VALUE_MAP_KEY, t))
        .unwrap_or_default();
    // 栏目对照 maps values of the columns the rule set gives a vocabulary; without one it
    // could map nothing, and is said so rather than dropped.
    if !values.is_empty() && decl.ledgers.iter().all(|l| l.vocabulary.is_empty()) {
        t.problems.push(
            Problem::warning(
                MANIFEST,
                DataCode::MappingUnused,
                format!(
                    "bundle.yaml 的{VALUE_MAP_KEY}未采用：本规则集没有为任何台账列规定分类对照（vocabulary），{VALUE_MAP_KEY}无从适用"
                ),
            )
            .key(VALUE_MAP_KEY),
        );
    }
    (columns, values)
}

/// The self-inspection report: hashed and listed, not scored, never an unknown document.
pub const SELF_REPORT: &str = "自查报告";

/// The four required keys and 上级单位. Every problem with them is collected into one `Fatal`.
pub fn read_header(root: &Node) -> Result<ManifestHeader, Fatal> {
    if root.as_map().is_none() {
        let mut message = match &root.value {
            NodeValue::Null => {
                "bundle.yaml 是空的：至少要写 单位、考核年度、考核指标、报送日期".to_string()
            }
            _ => format!(
                "bundle.yaml 的内容应是「键: 值」的映射，实际是{}",
                root.kind_name()
            ),
        };
        if root
            .as_scalar()
            .is_some_and(|s| s.lines().any(fullwidth_colon_key))
        {
            message.push_str(
                "。看起来用了全角冒号「：」：键和值之间请用半角冒号加空格「: 」，如「单位: xx镇」",
            );
        }
        return Err(Fatal::one(
            Problem::error(MANIFEST, DataCode::ManifestNotMapping, message).line(root.line),
        ));
    }
    let mut problems = Vec::new();
    let unit = required(
        root,
        "单位",
        &mut problems,
        |s| Some(s.to_string()),
        "单位名称，如 xx镇",
    );
    let year = required(
        root,
        "考核年度",
        &mut problems,
        parse_year,
        "四位数的年份，如 2021",
    );
    let ruleset = required(
        root,
        "考核指标",
        &mut problems,
        |s| Some(s.to_string()),
        "规则集编号，如 county-zwgk-2021",
    );
    let submitted = required(
        root,
        "报送日期",
        &mut problems,
        crate::dates::parse_date,
        "日期，如 2022-02-15",
    );
    let parent = root
        .get("上级单位")
        .and_then(Node::as_scalar)
        .and_then(clean);
    match (unit, year, ruleset, submitted) {
        (Some(unit), Some(year), Some(ruleset), Some(submitted)) if problems.is_empty() => {
            Ok(ManifestHeader {
                unit,
                parent: parent.map(str::to_string),
                year,
                ruleset,
                submitted,
            })
        }
        _ => Err(Fatal { problems }),
    }
}

fn parse_year(s: &str) -> Option<i32> {
    let digits: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

fn required<T>(
    root: &Node,
    key: &str,
    problems: &mut Vec<Problem>,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Option<T> {
    let Some((k, v)) = root.entry(key) else {
        problems.push(
            Problem::error(
                MANIFEST,
                DataCode::MissingRequiredKey,
                format!("缺少必需的键「{key}」：请写上 {key}: {expected}"),
            )
            .key(key),
        );
        return None;
    };
    let text = match &v.value {
        NodeValue::Scalar { text, .. } => clean(text),
        NodeValue::Null => None,
        _ => {
            problems.push(
                Problem::error(
                    MANIFEST,
                    DataCode::BadRequiredKey,
                    format!("「{key}」应为{expected}，实际是{}", v.kind_name()),
                )
                .key(key)
                .line(k.line),
            );
            return None;
        }
    };
    let Some(text) = text else {
        problems.push(
            Problem::error(
                MANIFEST,
                DataCode::MissingRequiredKey,
                format!("必需的键「{key}」没有填写：应为{expected}"),
            )
            .key(key)
            .line(k.line),
        );
        return None;
    };
    match parse(text) {
        Some(v) => Some(v),
        None => {
            problems.push(
                Problem::error(
                    MANIFEST,
                    DataCode::BadRequiredKey,
                    format!("「{key}」的值「{text}」无法读取：应为{expected}"),
                )
                .key(key)
                .line(k.line)
                .value(text),
            );
            None
        }
    }
}

/// A path named by a `file`-typed manifest value, to be checked and hashed.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub key: String,
    pub line: u32,
    pub raw: String,
}

/// Types manifest nodes by `FieldType`, collecting problems and the file paths it meets.
pub struct Typer<'a> {
    pub problems: &'a mut Vec<Problem>,
    pub files: Vec<FileRef>,
    /// For each list typed (by key path), the 1-based place as written of every item kept: an
    /// empty or malformed item is dropped from the value, so the kept items' places in the
    /// list are not theirs in bundle.yaml (`Evidence::list_items`).
    pub list_items: std::collections::BTreeMap<String, Vec<usize>>,
}

impl Typer<'_> {
    pub fn wrong_shape(&mut self, node: &Node, ty: &FieldType, key: &str) {
        let mut message = format!(
            "{key} 应为{}，实际是{}，按未填写处理",
            type_name(ty),
            node.kind_name()
        );
        // `组织保障:\n  工作机构：党政办` parses as the text 「工作机构：党政办」.
        if node
            .as_scalar()
            .is_some_and(|s| s.lines().any(fullwidth_colon_key))
        {
            message.push_str("。看起来用了全角冒号「：」：键和值之间请用半角冒号加空格「: 」");
        }
        self.problems.push(
            Problem::error(MANIFEST, DataCode::WrongShape, message)
                .key(key)
                .line(node.line),
        );
    }

    pub fn unknown_key(&mut self, key_node: &Node, path: &str, what: &str) {
        let mut message = format!(
            "{what}「{}」不在规则集的声明中，已忽略；如是笔误请更正",
            key_node.key_text()
        );
        if key_node.key_text().contains('：') {
            message.push_str("（键里有全角冒号「：」：键和值之间请用半角冒号加空格「: 」）");
        }
        self.problems.push(
            Problem::warning(MANIFEST, DataCode::UnknownKey, message)
                .key(path)
                .line(key_node.line),
        );
    }

    /// The value of `node` as `ty`; `Null` when empty, absent or of the wrong shape.
    pub fn value(&mut self, node: &Node, ty: &FieldType, key: &str) -> Value {
        // An empty value (or a placeholder) is an omitted key, whatever the type.
        if node.is_null() || node.as_scalar().is_some_and(|s| clean(s).is_none()) {
            return Value::Null;
        }
        match ty {
            FieldType::List(item) => match &node.value {
                NodeValue::Seq(items) => {
                    let mut written = Vec::new();
                    let values: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(i, it)| (i, self.value(it, item, &key_index(key, i))))
                        .filter(|(_, v)| !v.is_null())
                        .map(|(i, v)| {
                            written.push(i + 1);
                            v
                        })
                        .collect();
                    self.list_items.insert(key.to_string(), written);
                    Value::list(values)
                }
                // A single value where a list is expected: a one-element list.
                _ => match self.value(node, item, key) {
                    Value::Null => Value::Null,
                    v => Value::list(vec![v]),
                },
            },
            FieldType::Record(fields) => {
                let Some(entries) = node.as_map() else {
                    self.wrong_shape(node, ty, key);
                    return Value::Null;
                };
                if entries.is_empty() {
                    return Value::Null;
                }
                for (k, _) in entries {
                    let name = k.key_text();
                    if !fields.iter().any(|(f, _)| *f == name) {
                        self.unknown_key(k, &key_child(key, &name), "键");
                    }
                }
                let values = fields
                    .iter()
                    .map(|(name, fty)| {
                        let v = match node.get(name) {
                            Some(child) => self.value(child, fty, &key_child(key, name)),
                            None => Value::Null,
                        };
                        (Arc::from(name.as_str()), v)
                    })
                    .collect();
                Value::Record(Arc::new(Record { fields: values }))
            }
            FieldType::Map(item) => {
                let Some(entries) = node.as_map() else {
                    self.wrong_shape(node, ty, key);
                    return Value::Null;
                };
                if entries.is_empty() {
                    return Value::Null;
                }
                let mut values = Vec::new();
                for (k, v) in entries {
                    let name = trim(&k.key_text()).to_string();
                    if name.is_empty() || k.as_scalar().is_none() {
                        self.wrong_shape(k, &FieldType::Text, &key_child(key, &name));
                        continue;
                    }
                    let value = self.value(v, item, &key_child(key, &name));
                    values.push((Arc::from(name.as_str()), value));
                }
                Value::Record(Arc::new(Record { fields: values }))
            }
            _ => {
                let Some(text) = node.as_scalar() else {
                    self.wrong_shape(node, ty, key);
                    return Value::Null;
                };
                let (value, bad) = scalar_value(text, ty, Origin::Manifest);
                if let Some(bad) = bad {
                    self.problems.push(
                        Problem::error(MANIFEST, bad.code, format!("{key}：{}", bad.message))
                            .key(key)
                            .line(node.line)
                            .value(trim(text)),
                    );
                }
                if *ty == FieldType::File {
                    if let Some(raw) = clean(text) {
                        self.files.push(FileRef {
                            key: key.to_string(),
                            line: node.line,
                            raw: raw.to_string(),
                        });
                        return Value::text(normalize_manifest_path(raw));
                    }
                }
                value
            }
        }
    }
}

/// One entry under `台账`.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    pub name: String,
    pub key: String,
    pub line: u32,
    pub path: String,
    pub opts: LedgerOptions,
    /// The rule set declares this ledger.
    pub declared: bool,
    /// `编码:` named an encoding we cannot read: the ledger is unusable.
    pub bad_encoding: bool,
}

/// The entries under `台账`: a path, or `{文件, 编码, 工作表}`.
pub fn ledger_entries(node: Option<&Node>, decl: &EvidenceDecl, t: &mut Typer) -> Vec<LedgerEntry> {
    let mut out = Vec::new();
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return out;
    };
    let Some(entries) = node.as_map() else {
        t.wrong_shape(node, &FieldType::Map(Box::new(FieldType::File)), "台账");
        return out;
    };
    for (k, v) in entries {
        let name = trim(&k.key_text()).to_string();
        let key = key_child("台账", &name);
        let declared = decl.ledger(&name).is_some();
        if !declared {
            let mut message = format!(
                "台账「{name}」不是规则集需要的台账（需要：{}），不参与评分；如是笔误请更正",
                decl.ledgers
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            );
            if name.contains('：') {
                message.push_str("（键里有全角冒号「：」）");
            }
            t.problems.push(
                Problem::warning(MANIFEST, DataCode::UnknownLedger, message)
                    .key(key.clone())
                    .line(k.line),
            );
        }
        let mut entry = LedgerEntry {
            name: name.clone(),
            key: key.clone(),
            line: k.line,
            path: String::new(),
            opts: LedgerOptions::default(),
            declared,
            bad_encoding: false,
        };
        match &v.value {
            NodeValue::Null => continue,
            NodeValue::Scalar { text, .. } => match clean(text) {
                Some(p) => entry.path = p.to_string(),
                None => continue,
            },
            NodeValue::Map(fields) => {
                for (fk, fv) in fields {
                    let fname = fk.key_text();
                    let fkey = key_child(&key, &fname);
                    let text = fv.as_scalar().and_then(clean);
                    if !fv.is_null() && fv.as_scalar().is_none() {
                        t.wrong_shape(fv, &FieldType::Text, &fkey);
                        continue;
                    }
                    match fname.as_str() {
                        "文件" => entry.path = text.unwrap_or_default().to_string(),
                        "编码" => {
                            if let Some(label) = text {
                                match encoding_for_label(label) {
                                    Some(enc) => entry.opts.encoding = Some(enc),
                                    None => {
                                        entry.bad_encoding = true;
                                        t.problems.push(
                                            Problem::error(
                                                MANIFEST,
                                                DataCode::BadEncodingLabel,
                                                format!(
                                                    "不支持的编码「{label}」，台账无法使用：请另存为 UTF-8 或 GBK，或写 {ENCODING_LABELS} 之一"
                                                ),
                                            )
                                            .key(fkey)
                                            .line(fk.line)
                                            .value(label),
                                        );
                                    }
                                }
                            }
                        }
                        "工作表" => entry.opts.sheet = text.map(str::to_string),
                        _ => t.unknown_key(fk, &fkey, "键"),
                    }
                }
                if entry.path.is_empty() {
                    t.problems.push(
                        Problem::error(
                            MANIFEST,
                            DataCode::WrongShape,
                            format!(
                                "{key} 没有写「文件」：应为 {{文件: 台账/xx.csv}} 或直接写路径"
                            ),
                        )
                        .key(key.clone())
                        .line(k.line),
                    );
                    continue;
                }
            }
            NodeValue::Seq(_) => {
                t.wrong_shape(v, &FieldType::File, &key);
                continue;
            }
        }
        out.push(entry);
    }
    out
}

/// One entry under `文档`.
#[derive(Debug, Clone)]
pub struct DocumentEntry {
    pub name: String,
    pub key: String,
    pub line: u32,
    pub path: String,
    pub declared: bool,
    /// The declared extra fields, typed (all present; absent ones `Null`).
    pub fields: Vec<(Arc<str>, Value)>,
}

/// The entries under `文档`: a path, or `{文件, 发布日期, ...}` with the declared fields.
pub fn document_entries(
    node: Option<&Node>,
    decl: &EvidenceDecl,
    t: &mut Typer,
) -> Vec<DocumentEntry> {
    let mut out = Vec::new();
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return out;
    };
    let Some(entries) = node.as_map() else {
        t.wrong_shape(node, &FieldType::Map(Box::new(FieldType::File)), "文档");
        return out;
    };
    let none = DocumentDecl {
        name: String::new(),
        title: String::new(),
        fields: Vec::new(),
    };
    for (k, v) in entries {
        let name = trim(&k.key_text()).to_string();
        let key = key_child("文档", &name);
        let doc_decl = decl.document(&name);
        if doc_decl.is_none() && name != SELF_REPORT {
            t.problems.push(
                Problem::warning(
                    MANIFEST,
                    DataCode::UnknownDocument,
                    format!(
                        "文档「{name}」不是规则集需要的文档（需要：{}），只登记哈希，不参与评分；如是笔误请更正",
                        decl.documents
                            .iter()
                            .map(|d| d.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                )
                .key(key.clone())
                .line(k.line),
            );
        }
        let dd = doc_decl.unwrap_or(&none);
        let mut entry = DocumentEntry {
            name: name.clone(),
            key: key.clone(),
            line: k.line,
            path: String::new(),
            declared: doc_decl.is_some(),
            fields: Vec::new(),
        };
        match &v.value {
            NodeValue::Null => {}
            NodeValue::Scalar { text, .. } => {
                entry.path = clean(text).unwrap_or_default().to_string();
            }
            NodeValue::Map(fields) => {
                for (fk, _) in fields {
                    let fname = fk.key_text();
                    if fname != "文件" && !dd.fields.iter().any(|(n, _)| *n == fname) {
                        t.unknown_key(fk, &key_child(&key, &fname), "键");
                    }
                }
                if let Some(f) = v.get("文件") {
                    match f.as_scalar() {
                        Some(s) => entry.path = clean(s).unwrap_or_default().to_string(),
                        None if f.is_null() => {}
                        None => t.wrong_shape(f, &FieldType::File, &key_child(&key, "文件")),
                    }
                }
                for (fname, fty) in &dd.fields {
                    let value = match v.get(fname) {
                        Some(child) => t.value(child, fty, &key_child(&key, fname)),
                        None => Value::Null,
                    };
                    entry.fields.push((Arc::from(fname.as_str()), value));
                }
            }
            NodeValue::Seq(_) => {
                t.wrong_shape(v, &FieldType::File, &key);
                continue;
            }
        }
        if entry.fields.is_empty() {
            entry.fields = dd
                .fields
                .iter()
                .map(|(n, _)| (Arc::from(n.as_str()), Value::Null))
                .collect();
        }
        if entry.path.is_empty() {
            // `年度报告: 无` says "none" on purpose; a mapping without 文件 is a slip.
            if v.as_map().is_some() {
                t.problems.push(
                    Problem::warning(
                        MANIFEST,
                        DataCode::MissingFileKey,
                        format!("{key} 没有写「文件」，视为未报送该文档"),
                    )
                    .key(key.clone())
                    .line(k.line),
                );
            }
            continue;
        }
        out.push(entry);
    }
    out
}
