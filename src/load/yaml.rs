//! A position-aware YAML tree, for every YAML file kaohe reads from outside: `bundle.yaml`,
//! rule sets, verdict files.
//!
//! Built from yaml-rust2's marked events, so every node knows its line and column. Scalars stay
//! text (with a `quoted` flag): the caller decides what a value means (a date, a count, an id
//! like `3.4`), so YAML 1.1 surprises (`no` → false, `1.10` → 1.1) never happen.
//!
//! Guards for YAML from outside (LIBRARIES.md):
//! - aliases are expanded while counting nodes; past [`MAX_NODES`] the parse stops (an alias
//!   bomb is rejected in milliseconds, before it takes memory);
//! - nesting deeper than [`MAX_DEPTH`] is refused;
//! - a duplicate key in one mapping is an error naming the key and both lines;
//! - messages for the usual slips say what to change: a full-width colon (`单位：xx镇`), a tab
//!   used for indentation; otherwise the parser's own message with line and column.
//!
//! Only the first document of a stream is read; a second document is an error.
//!
//! Codes: `yaml-syntax`, `yaml-too-large`, `yaml-too-deep`, `duplicate-key` (and
//! `bad-encoding` from [`parse_bytes`]).

use crate::diag::{DataCode, YamlCode};
use std::collections::{BTreeMap, HashMap};

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use crate::diag::Problem;

/// Aliases may not expand the document past this many nodes.
pub const MAX_NODES: usize = 2_000_000;
/// Mappings and sequences may not nest deeper than this.
pub const MAX_DEPTH: usize = 128;
/// Most key paths whose line `collect_key_lines` records.
pub const MAX_KEY_LINES: usize = 100_000;

/// One YAML node with its position (1-based line and column of its first character; for a
/// mapping entry the key node holds the key's position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub value: NodeValue,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeValue {
    /// An empty value, `~` or `null` (unquoted).
    Null,
    /// Any scalar, as text. `quoted` is true for '…', "…" and block scalars (| >).
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in written order (keys are unique: duplicates are a parse error).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value of `key` when this node is a mapping with a scalar key equal to `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The (key, value) entry for `key`: the key node carries the key's line.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            NodeValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_scalar() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            NodeValue::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    /// What the node is, for messages: 空值 / 文字 / 列表 / 映射.
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "空值",
            NodeValue::Scalar { .. } => "文字",
            NodeValue::Seq(_) => "列表",
            NodeValue::Map(_) => "映射",
        }
    }

    /// The key as text for key paths (a non-scalar key reads as `?`).
    pub fn key_text(&self) -> String {
        match &self.value {
            NodeValue::Scalar { text, .. } => text.clone(),
            NodeValue::Null => String::new(),
            _ => "?".to_string(),
        }
    }
}

/// `parent.key`, or `key` at the top.
pub fn key_child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]` with a 1-based index, as people count list items.
pub fn key_index(parent: &str, index0: usize) -> String {
    format!("{parent}[{}]", index0 + 1)
}

/// Record the line of every key path under `node` (mapping keys by their key's line, list items
/// by the item's line), e.g. `组织保障.制度[2].文件` → 23.
pub fn collect_key_lines(node: &Node, prefix: &str, out: &mut BTreeMap<String, u32>) {
    // Iterative: the tree may be large after alias expansion. A real manifest has a few hundred
    // key paths; past MAX_KEY_LINES (an alias-expanded tree just under MAX_NODES) the rest go
    // without a line rather than costing seconds and hundreds of MB (found by fuzzing).
    let mut stack: Vec<(&Node, String)> = vec![(node, prefix.to_string())];
    while let Some((n, path)) = stack.pop() {
        if out.len() >= MAX_KEY_LINES {
            break;
        }
        match &n.value {
            NodeValue::Map(entries) => {
                for (k, v) in entries {
                    let p = key_child(&path, &k.key_text());
                    out.entry(p.clone()).or_insert(k.line);
                    stack.push((v, p));
                }
            }
            NodeValue::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    let p = key_index(&path, i);
                    out.entry(p.clone()).or_insert(v.line);
                    stack.push((v, p));
                }
            }
            _ => {}
        }
    }
}

/// Decode a YAML file's bytes (UTF-8 with or without BOM, UTF-16 with BOM, or GBK, as for
/// bundle-spec.md ledgers) and parse it. For rule sets and verdict files read from disk.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Node, Problem> {
    let text = super::decode::decode(bytes, None, false)
        .map_err(|m| {
            Problem::error(
                file,
                DataCode::BadEncoding,
                format!("{m}：{}", super::decode::SAVE_AS_HINT),
            )
        })?
        .text;
    parse(&text, file)
}

/// Parse the first YAML document of `text`. `file` is only used to fill `Problem::file`.
/// An empty text is a `Null` node at line 1.
pub fn parse(text: &str, file: &str) -> Result<Node, Problem> {
    // A safety net: input from outside must never take the run down, even if the parser has
    // a bug on some odd input.
    std::panic::catch_unwind(|| parse_inner(text, file)).unwrap_or_else(|_| {
        Err(Problem::error(
            file,
            YamlCode::Syntax,
            "YAML 解析器无法读取这个文件（内部错误）：请检查文件格式",
        ))
    })
}

fn parse_inner(text: &str, file: &str) -> Result<Node, Problem> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(x) => x,
            Err(e) => return Err(syntax_problem(file, text, &e)),
        };
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart if builder.root.is_some() => {
                return Err(Problem::error(
                    file,
                    YamlCode::Syntax,
                    format!(
                        "第{}行开始了第二个 YAML 文档（---）：一个文件只能有一个文档，请删除多余的 ---",
                        mark.line()
                    ),
                )
                .line(mark.line() as u32));
            }
            _ => builder.event(event, mark)?,
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: NodeValue::Null,
        line: 1,
        col: 1,
    }))
}

struct Frame {
    node: Node,
    /// A key read, waiting for its value (mappings only).
    pending_key: Option<Node>,
    anchor: usize,
    /// `Builder::nodes` when the frame opened: the subtree's size is the difference.
    nodes_at_start: usize,
    /// Height of the tallest child subtree.
    child_height: usize,
    /// Mappings only: each key read so far (trimmed as values are, so `主动公开　` and a
    /// zero-width variant collide with `主动公开`) → its line. A hash set keeps duplicate
    /// detection linear: 100,000 keys in one mapping are checked in milliseconds.
    keys: HashMap<String, u32>,
}

/// A finished anchored node, with its size and height so an alias is checked before cloning.
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

struct Builder<'a> {
    file: &'a str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    nodes: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event, mark: Marker) -> Result<(), Problem> {
        let line = mark.line() as u32;
        let col = mark.col() as u32 + 1;
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let quoted = style != TScalarStyle::Plain;
                let value =
                    if !quoted && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                        NodeValue::Null
                    } else {
                        NodeValue::Scalar { text, quoted }
                    };
                self.count(1, line)?;
                let node = Node { value, line, col };
                if anchor > 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            node: node.clone(),
                            size: 1,
                            height: 0,
                        },
                    );
                }
                self.attach(node, 0)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.too_deep(line));
                }
                self.count(1, line)?;
                let value = if matches!(event, Event::SequenceStart(..)) {
                    NodeValue::Seq(Vec::new())
                } else {
                    NodeValue::Map(Vec::new())
                };
                self.stack.push(Frame {
                    node: Node { value, line, col },
                    pending_key: None,
                    anchor,
                    nodes_at_start: self.nodes - 1,
                    child_height: 0,
                    keys: HashMap::new(),
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let height = frame.child_height + 1;
                if frame.anchor > 0 {
                    self.anchors.insert(
                        frame.anchor,
                        Anchored {
                            node: frame.node.clone(),
                            size: self.nodes - frame.nodes_at_start,
                            height,
                        },
                    );
                }
                self.attach(frame.node, height)
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(Problem::error(
                        self.file,
                        YamlCode::Syntax,
                        format!("第{line}行引用了未定义的锚点（*别名）"),
                    )
                    .line(line));
                };
                let (size, height) = (a.size, a.height);
                if self.stack.len() + height > MAX_DEPTH {
                    return Err(self.too_deep(line));
                }
                self.count(size, line)?;
                let mut node = self.anchors[&id].node.clone();
                node.line = line;
                node.col = col;
                self.attach(node, height)
            }
            _ => Ok(()),
        }
    }

    fn count(&mut self, n: usize, line: u32) -> Result<(), Problem> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(Problem::error(
                self.file,
                YamlCode::TooLarge,
                format!(
                    "YAML 展开别名（*）后超过 {MAX_NODES} 个节点（在第{line}行），拒绝读取：\
                     请不要用锚点（&）和别名（*）反复引用大段内容"
                ),
            )
            .line(line));
        }
        Ok(())
    }

    fn too_deep(&self, line: u32) -> Problem {
        Problem::error(
            self.file,
            YamlCode::TooDeep,
            format!("YAML 嵌套超过 {MAX_DEPTH} 层（在第{line}行），拒绝读取"),
        )
        .line(line)
    }

    /// Put a finished node into its parent (or make it the root).
    fn attach(&mut self, node: Node, height: usize) -> Result<(), Problem> {
        let file = self.file;
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return Ok(());
        };
        parent.child_height = parent.child_height.max(height);
        match &mut parent.node.value {
            NodeValue::Seq(items) => items.push(node),
            NodeValue::Map(entries) => match parent.pending_key.take() {
                None => {
                    // The parser marks a block mapping where it learns that its first key is
                    // one: at the `:` after it. The mapping starts at that key.
                    if entries.is_empty()
                        && (node.line, node.col) < (parent.node.line, parent.node.col)
                    {
                        (parent.node.line, parent.node.col) = (node.line, node.col);
                    }
                    parent.pending_key = Some(node)
                }
                Some(key) => {
                    if let Some(k) = key.as_scalar().or(key.is_null().then_some("")) {
                        let normal = crate::text::trim(k).to_string();
                        if let Some(&first_line) = parent.keys.get(&normal) {
                            let shown = if normal == k {
                                format!("键「{k}」重复")
                            } else {
                                format!(
                                    "键「{}」与前面的「{normal}」重复（前后的空格或不可见字符不算作不同）",
                                    crate::text::show_invisible(k)
                                )
                            };
                            return Err(Problem::error(
                                file,
                                YamlCode::DuplicateKey,
                                format!(
                                    "{shown}：第{first_line}行和第{}行。同一层只能写一次，请合并或删除其中一个",
                                    key.line
                                ),
                            )
                            .key(k.to_string())
                            .line(key.line));
                        }
                        parent.keys.insert(normal, key.line);
                    }
                    entries.push((key, node));
                }
            },
            _ => {}
        }
        Ok(())
    }
}

/// The parser's error, with a hint for the usual slips. When the slip is on an earlier line
/// than where the parser gave up (a full-width colon on line 1 is only noticed on line 2), the
/// problem is headed with the slip's line: that is the line to fix.
fn syntax_problem(file: &str, text: &str, e: &ScanError) -> Problem {
    let line = e.marker().line() as u32;
    let col = e.marker().col() as u32 + 1;
    let parser = parser_message(e.info());
    match slip(text, line) {
        Some((at, h)) if at != line => Problem::error(
            file,
            YamlCode::Syntax,
            format!("YAML 格式错误：{h}（解析到第{line}行第{col}列时出错：{parser}）"),
        )
        .line(at),
        Some((_, h)) => Problem::error(
            file,
            YamlCode::Syntax,
            format!("YAML 格式错误：{parser}。{h}"),
        )
        .at(line, col),
        None => {
            Problem::error(file, YamlCode::Syntax, format!("YAML 格式错误：{parser}")).at(line, col)
        }
    }
}

/// yaml-rust2's English message in plain Chinese. The usual slips are translated one by one;
/// a rare one gets a general sentence with the parser's words kept in brackets.
pub fn parser_message(info: &str) -> String {
    const ZH: &[(&str, &str)] = &[
        (
            "mapping values are not allowed in this context",
            "这里不能出现「键: 值」：检查上一行是否缺少冒号、引号未闭合，或缩进不对",
        ),
        (
            "did not find expected key",
            "缩进不对或缺少冒号：同一层的键要对齐，键和值之间用「: 」",
        ),
        (
            "did not find expected '-' indicator",
            "列表项缩进不对：同一列表的「- 」要对齐",
        ),
        (
            "did not find expected node content",
            "缺少值：冒号或「- 」后面应有内容",
        ),
        (
            "block sequence entries are not allowed in this context",
            "这里不能出现列表项「- 」：检查缩进",
        ),
        (
            "mapping keys are not allowed in this context",
            "这里不能出现键：检查缩进",
        ),
        (
            "tab cannot be used as indentation",
            "用了 Tab 缩进：YAML 只能用空格缩进",
        ),
        ("tabs disallowed", "这里不能用 Tab：请换成空格"),
        ("found a tab", "这里不能用 Tab：请换成空格"),
        ("invalid indentation", "缩进不对"),
        (
            "found unexpected end of stream",
            "引号没有闭合：文字开头的引号在文件结束前没有配对",
        ),
        ("found unexpected document indicator", "引号没有闭合"),
        (
            "invalid trailing content after double-quoted scalar",
            "双引号文字后面多了内容：整段文字都放进引号里",
        ),
        (
            "found unknown escape character",
            "双引号里有无效的转义（\\ 后面的字符不认识）：Windows 路径请用单引号或写成 \\\\",
        ),
        (
            "did not find expected ',' or ']'",
            "方括号列表 [ ] 没有闭合，或项之间缺少逗号",
        ),
        (
            "did not find expected ',' or '}'",
            "花括号 { } 没有闭合，或项之间缺少逗号",
        ),
        ("found duplicated anchor", "锚点 & 重复"),
        ("found unknown anchor", "引用了不存在的锚点（* 后面的名字）"),
        (
            "':' must be followed by a valid YAML whitespace",
            "冒号后面要有空格：写成「键: 值」",
        ),
        (
            "'-' must be followed by a valid YAML whitespace",
            "「-」后面要有空格：写成「- 值」",
        ),
        (
            "comments must be separated from other tokens by whitespace",
            "「#」注释前要有空格",
        ),
        ("simple key expect ':'", "键后面缺少冒号「: 」"),
        ("simple key expected", "缺少键"),
        ("unexpected character", "有不认识的字符"),
        ("unexpected eof", "文件意外结束"),
        ("recursion limit exceeded", "嵌套层数过多"),
        (
            "wrongly indented line in block scalar",
            "多行文字（| 或 >）中的某行缩进不对",
        ),
        (
            "plain scalar cannot start with '-' followed by ,[]{}",
            "值不能以「-」加 ,[]{} 开头：请给值加引号",
        ),
        (
            "illegal placement of ':' indicator",
            "冒号位置不对：含冒号的值请加引号",
        ),
        ("did not find expected next token", "这里的写法无法识别"),
    ];
    ZH.iter()
        .find(|(en, _)| info.contains(en))
        .map(|(_, zh)| (*zh).to_string())
        .unwrap_or_else(|| format!("写法无法识别（解析器：{info}）"))
}

/// A hint for a slip near `line` (1-based): a tab used for indentation anywhere up to it, or a
/// full-width colon used as the key separator on it or one of the two lines before it.
/// Returns the slip's line (1-based) and the hint.
fn slip(text: &str, line: u32) -> Option<(u32, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let upto = (line as usize).min(lines.len());
    for (i, l) in lines.iter().enumerate().take(upto) {
        let indent: &str = &l[..l.len() - l.trim_start().len()];
        if indent.contains('\t') {
            return Some((
                i as u32 + 1,
                format!(
                    "第{}行用了 Tab 缩进：YAML 只能用空格缩进，请把 Tab 换成空格",
                    i + 1
                ),
            ));
        }
    }
    let from = upto.saturating_sub(3);
    for (i, l) in lines.iter().enumerate().take(upto.max(1)).skip(from) {
        if fullwidth_colon_key(l) {
            return Some((
                i as u32 + 1,
                format!(
                    "第{}行用了全角冒号「：」：键和值之间请用半角冒号加空格「: 」，如「单位: xx镇」",
                    i + 1
                ),
            ));
        }
    }
    for (i, l) in lines.iter().enumerate().take(upto.max(1)).skip(from).rev() {
        if let Some(q) = unclosed_quote(l) {
            return Some((
                i as u32 + 1,
                format!(
                    "第{}行的值以 {q} 开头，到行尾没有配对的 {q}：引号没有闭合，请在值的末尾补上 {q}，或去掉开头的 {q}",
                    i + 1
                ),
            ));
        }
        if let Some(why) = needs_quotes(l) {
            return Some((
                i as u32 + 1,
                format!(
                    "第{}行的值{why}：若它是一条表达式或一段文字，请把整个值加引号，如 pass: '[1, 2].all(x => x > 0)'",
                    i + 1
                ),
            ));
        }
    }
    None
}

/// The quote a `key: value` (or `- value`) line opens its value with and never closes on the
/// line (`pass: "count(rows) >= 1`). A quoted value may go on over lines in YAML, so this is
/// only a hint for a line near a syntax error.
fn unclosed_quote(line: &str) -> Option<char> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t);
    if t.starts_with('#') {
        return None;
    }
    let value = match t.split_once(": ") {
        Some((key, v)) if !key.starts_with(['"', '\'']) => v.trim(),
        _ => t.trim(),
    };
    let q = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &value[1..];
    let closed = if q == '"' {
        // `\"` inside double quotes is an escaped quote.
        let mut escaped = false;
        body.chars().any(|c| {
            let close = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            close
        })
    } else {
        body.contains('\'')
    };
    (!closed).then_some(q)
}

/// Why the value of a `key: value` line needs quotes, when it plainly does: it opens with `[`,
/// `{` or a quote and goes on after the matching close (an expression such as
/// `[1, 2].all(…)`), or it holds `: ` (a record literal inside an expression).
fn needs_quotes(line: &str) -> Option<&'static str> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t);
    if t.starts_with('#') {
        return None;
    }
    let (_, value) = t.split_once(": ")?;
    let value = value.trim();
    let close = match value.chars().next()? {
        '[' => ']',
        '{' => '}',
        '"' => '"',
        '\'' => '\'',
        _ => {
            return value
                .contains(": ")
                .then_some("中有「: 」，YAML 把它读成了键和值");
        }
    };
    let end = value[1..].find(close)? + 1;
    let rest = value[end + 1..].trim();
    (!rest.is_empty() && !rest.starts_with('#'))
        .then_some("以括号或引号开头，YAML 只读到它的配对处为止")
}

/// A line that looks like `键：值` (a full-width colon where `: ` was meant): no half-width
/// `: ` before the full-width colon, and the line is not a comment or quoted text.
pub fn fullwidth_colon_key(line: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
    if t.starts_with('#') || t.starts_with('"') || t.starts_with('\'') {
        return false;
    }
    match t.find('：') {
        Some(i) => {
            let before = &t[..i];
            !before.is_empty() && !before.contains(": ") && !before.ends_with(':')
        }
        None => false,
    }
}

/// Where the character at byte `at` of a scalar's value is written: `lines` are the file's
/// lines from the scalar's own line on, and the scalar starts at column `col` of the first
/// (1-based, in characters: its opening quote, or for a block scalar `|`/`>` its first
/// character of text, where the parser marks it). Walks the source from there matching the
/// value's characters one by one and passes over what YAML took out of the value: indentation,
/// quotes, the `\` of an escape, line breaks folded into spaces. Exact for plain, quoted,
/// literal and folded scalars, on one line or many. Returns (line offset from the first line,
/// column); `at` at the end of the value gives the column just after its last character.
/// `None` when source and value part ways (an escape such as `\t` standing for another
/// character): the caller points at the scalar's start.
pub fn value_position(lines: &[&str], col: u32, value: &str, at: usize) -> Option<(u32, u32)> {
    let first = lines.first()?;
    let mut source = first
        .chars()
        .enumerate()
        .skip(col.checked_sub(1)? as usize)
        .map(|(i, c)| (0u32, i as u32 + 1, c))
        .chain(std::iter::once((0, first.chars().count() as u32 + 1, '\n')))
        .chain(lines.iter().enumerate().skip(1).flat_map(|(n, l)| {
            l.chars()
                .enumerate()
                .map(move |(i, c)| (n as u32, i as u32 + 1, c))
                .chain(std::iter::once((
                    n as u32,
                    l.chars().count() as u32 + 1,
                    '\n',
                )))
        }));
    let skippable = |c: char| matches!(c, ' ' | '\t' | '\n' | '"' | '\'' | '\\');
    let mut last = None;
    for (i, v) in value.char_indices() {
        let spot = loop {
            let (n, c, ch) = source.next()?;
            if ch == v || (v == ' ' && ch == '\n') {
                break (n, c);
            }
            if !skippable(ch) {
                return None;
            }
        };
        if i >= at {
            return Some(spot);
        }
        last = Some(spot);
    }
    Some(last.map_or((0, col), |(n, c)| (n, c + 1)))
}

/// The column just after the YAML token that starts at column `col` of `line` (1-based, in
/// characters): a quoted scalar to its closing quote, a flow `[…]` or `{…}` to its closing
/// bracket, a block scalar's header (`|-`), a plain scalar or key up to `: `, ` #` or the end
/// of the line (and `,` `]` `}` inside a flow collection). What is not closed on the line runs
/// to the line's end.
pub fn token_end(line: &str, col: u32) -> u32 {
    let chars: Vec<char> = line.chars().collect();
    let start = col.saturating_sub(1) as usize;
    let end_of_line = chars.len();
    let Some(&first) = chars.get(start) else {
        return col;
    };
    let end = match first {
        '"' | '\'' => {
            let mut i = start + 1;
            loop {
                match chars.get(i) {
                    None => break end_of_line,
                    Some('\\') if first == '"' => i += 2,
                    Some('\'') if first == '\'' && chars.get(i + 1) == Some(&'\'') => i += 2,
                    Some(&c) if c == first => break i + 1,
                    Some(_) => i += 1,
                }
            }
        }
        '[' | '{' => {
            let mut depth = 0usize;
            let mut quote = None;
            let mut end = end_of_line;
            for (i, &c) in chars.iter().enumerate().skip(start) {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '[' | '{') => depth += 1,
                    (None, ']' | '}') => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            end
        }
        '|' | '>' => {
            start
                + 1
                + chars[start + 1..]
                    .iter()
                    .take_while(|c| matches!(c, '-' | '+' | '0'..='9'))
                    .count()
        }
        _ => {
            let flow = chars[..start].iter().any(|c| matches!(c, '[' | '{'));
            let mut end = end_of_line;
            for (i, &c) in chars.iter().enumerate().skip(start + 1) {
                let next_blank = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
                let stop = (c == ':' && next_blank)
                    || (c == '#' && chars[i - 1].is_whitespace())
                    || (flow && matches!(c, ',' | ']' | '}'));
                if stop {
                    end = i;
                    break;
                }
            }
            while end > start + 1 && chars[end - 1].is_whitespace() {
                end -= 1;
            }
            end
        }
    };
    end as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn p(s: &str) -> Node {
        parse(s, "t.yaml").unwrap()
    }

    fn err(s: &str) -> Problem {
        parse(s, "t.yaml").unwrap_err()
    }

    #[test]
    fn positions_and_values() {
        let n = p("单位: xx镇\n考核年度: 2021\n列表:\n  - a\n  - 'b'\n空:\n");
        assert_eq!(n.get("单位").unwrap().as_scalar(), Some("xx镇"));
        let (k, v) = n.entry("考核年度").unwrap();
        assert_eq!((k.line, k.col), (2, 1));
        assert_eq!(v.line, 2);
        let items = n.get("列表").unwrap().as_seq().unwrap();
        assert_eq!(items[1].line, 5);
        assert_eq!(
            items[1].value,
            NodeValue::Scalar {
                text: "b".into(),
                quoted: true
            }
        );
        assert!(n.get("空").unwrap().is_null());
        let mut lines = BTreeMap::new();
        collect_key_lines(&n, "", &mut lines);
        assert_eq!(lines["列表[2]"], 5);
        assert_eq!(lines["考核年度"], 2);
    }

    #[test]
    fn scalars_stay_text() {
        let n = p("a: no\nb: 1.10\nc: 2022-01-25\nd: ~\ne: '~'\n");
        assert_eq!(n.get("a").unwrap().as_scalar(), Some("no"));
        assert_eq!(n.get("b").unwrap().as_scalar(), Some("1.10"));
        assert_eq!(n.get("c").unwrap().as_scalar(), Some("2022-01-25"));
        assert!(n.get("d").unwrap().is_null());
        assert_eq!(n.get("e").unwrap().as_scalar(), Some("~"));
    }

    #[test]
    fn bytes_are_decoded_first() {
        let (gbk, _, _) = encoding_rs::GBK.encode("单位: xx镇\n");
        let n = parse_bytes(&gbk, "t.yaml").unwrap();
        assert_eq!(n.get("单位").unwrap().as_scalar(), Some("xx镇"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("a: 1\n".as_bytes());
        assert_eq!(
            parse_bytes(&bom, "t.yaml")
                .unwrap()
                .get("a")
                .unwrap()
                .as_scalar(),
            Some("1")
        );
    }

    #[test]
    fn empty_text_is_null() {
        assert!(p("").is_null());
        assert!(p("# only a comment\n").is_null());
    }

    #[test]
    fn duplicate_key_names_key_and_both_lines() {
        let e = err("单位: a\n考核年度: 2021\n单位: b\n");
        assert_eq!(e.code, YamlCode::DuplicateKey);
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("单位") && e.message.contains("第1行和第3行"),
            "{}",
            e.message
        );
        // Same key in different mappings is fine.
        p("a: {x: 1}\nb: {x: 2}\n");
    }

    #[test]
    fn fullwidth_colon_gets_a_hint() {
        let e = err("单位：xx镇\n考核年度: 2021\n");
        assert_eq!(e.code, YamlCode::Syntax);
        assert!(e.message.contains("全角冒号"), "{}", e.message);
        let e = err("单位: xx镇\n考核年度: 2021\n报送日期：2022-02-15\n台账: {}\n");
        assert!(e.message.contains("第3行用了全角冒号"), "{}", e.message);
    }

    /// Every scalar style: the character a value's byte offset names is found in the source.
    #[test]
    fn value_positions_are_exact_in_every_scalar_style() {
        let text = "a:\n  pass: |\n    count(x) >= 1\n      and cuont(x)\n  q: >-\n    z\n    ww\n  r: \"m\\\"\n    n\"\n  s: 'it''s ok'\n";
        let n = p(text);
        let a = n.get("a").unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let at = |key: &str, needle: &str| {
            let v = a.get(key).unwrap();
            let value = v.as_scalar().unwrap();
            let off = value.find(needle).unwrap();
            let (dl, c) = value_position(&lines[v.line as usize - 1..], v.col, value, off).unwrap();
            (v.line + dl, c)
        };
        // `|`: the parser marks the first character of text (line 3, column 5); `cuont` is on
        // line 4 after 6 spaces and `and ` (column 11).
        assert_eq!(at("pass", "count"), (3, 5));
        assert_eq!(at("pass", "cuont"), (4, 11));
        // `>-` folds line 7 into `z ww`: `ww` is at line 7, column 5.
        assert_eq!(at("q", "ww"), (7, 5));
        // A double-quoted value over two lines with an escaped quote: `n` is line 9, column 5.
        assert_eq!(at("r", "n"), (9, 5));
        // `'it''s ok'`: `ok` at column 13 of line 10 (`  s: 'it''s ok'`: the quote is at 6,
        // `it''s` 7–11, a space).
        assert_eq!(at("s", "ok"), (10, 13));
    }

    #[test]
    fn tokens_end_where_they_end() {
        // Columns are 1-based; the end is the column just after the token.
        assert_eq!(token_end("    pass: count(rows) >= 1  # x", 11), 27);
        assert_eq!(token_end("  - {name: 合格, min: 60}", 5), 24);
        assert_eq!(token_end("  - {name: 合格, min: 60}", 12), 14);
        assert_eq!(token_end("    meausre: 文字", 5), 12);
        // `"a \" b"` from column 12: the closing quote is at 19.
        assert_eq!(token_end("  message: \"a \\\" b\" # c", 12), 20);
        assert_eq!(token_end("  s: 'it''s'", 6), 13);
        assert_eq!(token_end("  pass: |-", 9), 11);
        // Not closed: to the end of the line (18 characters).
        assert_eq!(token_end("  x: \"never closed", 6), 19);
        assert_eq!(token_end("short", 9), 9);
    }

    #[test]
    fn tab_indentation_gets_a_hint() {
        let e = err("组织保障:\n\t工作机构: 党政办\n");
        assert!(e.message.contains("Tab"), "{}", e.message);
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn other_syntax_errors_carry_line_and_column() {
        let e = err("a: [1, 2\nb: 3\n");
        assert_eq!(e.code, YamlCode::Syntax);
        // Inside the unclosed `[`, the parser reads `b` as a list item and gives up at its
        // colon (line 2, column 2); the position is the problem's, not repeated in the message.
        assert_eq!((e.line, e.col), (Some(2), Some(2)), "{}", e.message);
        assert_eq!(e.message, "YAML 格式错误：冒号位置不对：含冒号的值请加引号");
    }

    #[test]
    fn aliases_expand() {
        let n = p("a: &x {k: 1}\nb: *x\n");
        assert_eq!(n.get("b").unwrap().get("k").unwrap().as_scalar(), Some("1"));
        assert_eq!(n.get("b").unwrap().line, 2);
    }

    #[test]
    fn alias_bomb_rejected_quickly() {
        // One anchor of 5,000 scalars used 5,000 times: 25 M nodes if expanded.
        let mut s = String::from("a: &a [");
        for i in 0..5000 {
            if i > 0 {
                s.push(',');
            }
            s.push('x');
        }
        s.push_str("]\nb: [");
        for i in 0..5000 {
            if i > 0 {
                s.push(',');
            }
            s.push_str("*a");
        }
        s.push_str("]\n");
        let start = Instant::now();
        let e = err(&s);
        assert_eq!(e.code, YamlCode::TooLarge);
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn nested_alias_bomb_rejected() {
        let s = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n\
                 c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n\
                 e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n\
                 g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assert_eq!(err(s).code, YamlCode::TooLarge);
    }

    #[test]
    fn deep_nesting_rejected() {
        let s = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(err(&s).code, YamlCode::TooDeep);
        p(&format!("{}{}", "[".repeat(100), "]".repeat(100)));
    }

    #[test]
    fn second_document_rejected() {
        assert_eq!(err("a: 1\n---\nb: 2\n").code, YamlCode::Syntax);
    }

    #[test]
    fn fullwidth_colon_detector() {
        assert!(fullwidth_colon_key("单位：xx镇"));
        assert!(fullwidth_colon_key("  - 名称：x"));
        assert!(!fullwidth_colon_key("描述: 注意：x"));
        assert!(!fullwidth_colon_key("# 单位：x"));
        assert!(!fullwidth_colon_key("无冒号"));
    }
}
