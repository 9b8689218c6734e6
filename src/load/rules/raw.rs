//! The raw shapes of rule files, as serde reads them, and small readers of YAML values.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_yaml::Value as Yaml;

// ---------------------------------------------------------------------------------------------
// Raw shapes, as written. Unknown keys land in `extra` and are reported, all of them.

#[derive(Deserialize)]
pub(super) struct RawRuleSet {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) year: i16,
    /// `example: true`: a worked example of another scheme, shipped for rule authors; never
    /// chosen by default (`kaohe init` by the folder's year).
    #[serde(default)]
    pub(super) example: bool,
    /// Holiday calendars (CSV, as data/cn-holidays.csv) the rule set adds: a file or a list.
    #[serde(default)]
    pub(super) calendar: Option<Yaml>,
    /// Definitions every indicator and check may use, evaluated once per bundle, in order.
    #[serde(default, rename = "let")]
    pub(super) lets: serde_yaml::Mapping,
    pub(super) max: Yaml,
    #[serde(default)]
    pub(super) bonus_cap: Option<Yaml>,
    pub(super) grades: Vec<RawGrade>,
    pub(super) veto_grade: Option<String>,
    /// What a veto is called (一票否决, 单项否决).
    pub(super) veto_label: Option<String>,
    /// `{where: total | part | indicator | [..], step: 0.01, rule: half-up | half-even}`.
    pub(super) rounding: Option<Yaml>,
    /// `applicable`: the base score is rescaled over the applicable points.
    pub(super) rescale: Option<Yaml>,
    /// Grading rules over parts, indicators and the total.
    #[serde(default)]
    pub(super) grading: Vec<RawGradingRule>,
    /// `{field: 单位类型, values: [乡镇, 街道]}`: numbers may be written per value.
    pub(super) unit_type: Option<Yaml>,
    #[serde(default)]
    pub(super) params: serde_yaml::Mapping,
    pub(super) groups: Vec<RawGroup>,
    #[serde(default)]
    pub(super) evidence: RawEvidence,
    #[serde(default)]
    pub(super) checks: Vec<RawCheck>,
    /// The file of what precheck, selfreport and init need to know (`township.rs`).
    #[serde(default)]
    pub(super) township: Option<String>,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
pub(super) struct RawGrade {
    pub(super) name: String,
    pub(super) min: Yaml,
}

#[derive(Deserialize)]
pub(super) struct RawGroup {
    pub(super) id: Yaml,
    pub(super) name: String,
    pub(super) points: Yaml,
    #[serde(default)]
    pub(super) bonus: bool,
    pub(super) file: String,
    pub(super) rescale: Option<Yaml>,
    pub(super) weight: Option<Yaml>,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
pub(super) struct RawGradingRule {
    pub(super) id: Yaml,
    pub(super) when: String,
    pub(super) message: String,
    pub(super) grade_at_most: Option<String>,
    pub(super) bonus: Option<Yaml>,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize, Default)]
pub(super) struct RawEvidence {
    #[serde(default)]
    pub(super) ledgers: serde_yaml::Mapping,
    #[serde(default)]
    pub(super) documents: serde_yaml::Mapping,
    #[serde(default)]
    pub(super) manifest: serde_yaml::Mapping,
}

#[derive(Deserialize)]
pub(super) struct RawCheck {
    pub(super) code: String,
    pub(super) over: String,
    pub(super) when: String,
    pub(super) column: Option<String>,
    pub(super) value: Option<String>,
    pub(super) key: Option<String>,
    pub(super) severity: Option<String>,
    pub(super) message: String,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
pub(super) struct RawIndicatorFile {
    pub(super) indicators: Vec<RawIndicator>,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
pub(super) struct RawIndicator {
    pub(super) id: Yaml,
    pub(super) name: String,
    pub(super) points: Yaml,
    #[serde(default)]
    pub(super) basis: String,
    #[serde(default)]
    pub(super) measure: String,
    #[serde(default)]
    pub(super) fix: String,
    #[serde(default)]
    pub(super) requires: Vec<RawRequire>,
    pub(super) source: Option<String>,
    #[serde(default, rename = "let")]
    pub(super) lets: serde_yaml::Mapping,
    pub(super) zero_when: Option<RawZeroWhen>,
    pub(super) veto: Option<RawVeto>,
    pub(super) applies_when: Option<String>,
    pub(super) method: Yaml,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
pub(super) struct RawRequire {
    pub(super) need: String,
    pub(super) what: String,
}

#[derive(Deserialize)]
pub(super) struct RawZeroWhen {
    #[serde(rename = "if")]
    pub(super) cond: String,
    pub(super) message: String,
}

#[derive(Deserialize)]
pub(super) struct RawVeto {
    pub(super) items: String,
    pub(super) message: String,
    pub(super) label: Option<String>,
    /// `indicator` (default), `group`, `none`, or a list of group ids.
    pub(super) scope: Option<Yaml>,
    /// A grade name, or `false` for none; default the rule set's `veto_grade`.
    pub(super) grade: Option<Yaml>,
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, Yaml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAll {
    pub(super) pass: String,
    pub(super) cite: Option<String>,
    pub(super) message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTiers {
    pub(super) measure: String,
    pub(super) cite: Option<String>,
    pub(super) levels: Vec<RawLevel>,
    pub(super) message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLevel {
    pub(super) min: Yaml,
    pub(super) points: Yaml,
}

/// `deduct` or `award`: one clause written inline (items, each, …) or `clauses:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawItemsMethod {
    pub(super) clauses: Option<Vec<RawClause>>,
    /// `award`: the shortfall finding. Inline `deduct`: the one clause's item message.
    pub(super) message: Option<String>,
    pub(super) items: Option<String>,
    pub(super) each: Option<Yaml>,
    pub(super) cap: Option<Yaml>,
    pub(super) cite: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClause {
    pub(super) items: String,
    pub(super) each: Yaml,
    pub(super) cap: Option<Yaml>,
    pub(super) message: Option<String>,
    pub(super) cite: Option<String>,
}

/// A YAML number or numeric string as an exact decimal.
pub(crate) fn yaml_decimal(v: &Yaml) -> Option<Decimal> {
    match v {
        // f64's Display is the shortest round-trip form, so 0.1 reads back as exactly 0.1.
        Yaml::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        Yaml::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// An expression written where YAML read a list or a mapping: say to quote it.
pub(super) fn not_text_message(what: &str, v: &Yaml) -> String {
    match v {
        Yaml::Sequence(_) | Yaml::Mapping(_) => format!(
            "{what}应为表达式文本，YAML 却读成了{}：以 [ 或 {{ 开头、或含「: 」的表达式须整体加引号，如 '[1, 2].all(x => x > 0)'",
            if v.is_sequence() { "列表" } else { "映射" }
        ),
        _ => format!("{what}应为表达式文本"),
    }
}

/// A serde_yaml shape error in plain Chinese (serde speaks English): the key path it names,
/// then what was wrong, then the quoting hint when an expression was read as something else.
/// The position is not repeated: the problem carries it.
pub(crate) fn shape_message(e: &serde_yaml::Error) -> String {
    let english = e.to_string();
    let msg = english.split(" at line ").next().unwrap_or(&english);
    let (path, rest) = match msg.split_once(": ") {
        Some((p, r)) if !p.contains(' ') && !p.is_empty() => (Some(p), r),
        _ => (None, msg),
    };
    let tick = |s: &str| s.trim_matches('`').to_string();
    let text = if let Some(f) = rest.strip_prefix("missing field ") {
        format!("缺少必需的键「{}」", tick(f))
    } else if let Some(f) = rest.strip_prefix("duplicate field ") {
        format!("键「{}」写了两次", tick(f))
    } else if let Some(f) = rest.strip_prefix("unknown field ") {
        let (f, _) = f.split_once(", expected").unwrap_or((f, ""));
        format!("未知的键「{}」（拼写错误？）", tick(f))
    } else if let Some(r) = rest
        .strip_prefix("invalid type: ")
        .or_else(|| rest.strip_prefix("invalid value: "))
    {
        let (found, expected) = r.split_once(", expected ").unwrap_or((r, ""));
        format!("应为{}，实为{}", serde_kind(expected), serde_kind(found))
    } else if let Some(r) = rest.strip_prefix("unknown variant ") {
        let (v, expected) = r.split_once(", expected ").unwrap_or((r, ""));
        let expected = expected
            .trim_start_matches("one of ")
            .replace('`', "")
            .replace(", ", "、");
        format!("不认识的值「{}」（可用：{expected}）", tick(v))
    } else if let Some(r) = rest.strip_prefix("invalid length ") {
        let (n, expected) = r.split_once(", expected ").unwrap_or((r, ""));
        format!(
            "列表的项数 {n} 不对（应为 {}）",
            expected.trim_start_matches("a ")
        )
    } else if rest.starts_with("data did not match any variant") {
        "值的写法不是允许的几种形式之一".to_string()
    } else {
        // serde_yaml's rarer messages (more than one document, a recursion limit): a plain
        // sentence; the problem's position says where.
        "值的写法不对".to_string()
    };
    let text = match path {
        Some(p) => format!("{p}：{text}"),
        None => text,
    };
    format!("{text}{}", quote_hint(&english))
}

/// serde's name for a kind of value (`a string`, `sequence`, `integer `5``) in Chinese.
fn serde_kind(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .unwrap_or(s);
    let (head, value) = match s.split_once(' ') {
        Some((h, v)) => (h, Some(v.trim_matches(|c| c == '`' || c == '"'))),
        None => (s, None),
    };
    let word = match head {
        "string" | "str" => "文字",
        "sequence" | "seq" | "tuple" => "列表",
        // `struct RawGrade`: the name is ours, not the reader's.
        "map" | "mapping" | "struct" => "映射",
        "YAML" if s.contains("mapping") => "映射",
        "YAML" if s.contains("sequence") => "列表",
        "YAML" => "值",
        "boolean" | "bool" => "真假值",
        "integer" | "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64"
        | "isize" => "整数",
        "floating" | "f64" | "f32" | "number" => "数字",
        "unit" | "null" => "空值",
        "character" | "char" => "单个字符",
        "option" => "值或空值",
        "enum" | "variant" => "几种写法之一",
        _ => "其他写法",
    };
    match value {
        Some(v) if head == "floating" || head == "unit" => {
            let v = v.trim_start_matches("point").trim().trim_matches('`');
            if v.is_empty() {
                word.to_string()
            } else {
                format!("{word} {v}")
            }
        }
        Some(_) if matches!(head, "struct" | "YAML" | "enum" | "variant") => word.to_string(),
        Some(v) => format!("{word}「{v}」"),
        None => word.to_string(),
    }
}

/// For a shape error where a text was expected and YAML read a list or a mapping.
pub(super) fn quote_hint(serde_message: &str) -> &'static str {
    if serde_message.contains("expected a string")
        && (serde_message.contains("invalid type: sequence")
            || serde_message.contains("invalid type: map"))
    {
        "（表达式以 [ 或 { 开头、或含「: 」时，YAML 会把它读成列表或映射：请把整个表达式加引号，如 '[1, 2].all(x => x > 0)'）"
    } else if serde_message.contains("expected a string")
        && ["boolean", "integer", "floating point"]
            .iter()
            .any(|t| serde_message.contains(&format!("invalid type: {t}")))
    {
        "（YAML 把 true、false、数字读成布尔值或数字，而此处要的是表达式或文字：请加引号，如 pass: \"true\"、message: \"2021\"）"
    } else {
        ""
    }
}

pub(super) fn yaml_display(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "空".to_string(),
        _ => serde_yaml::to_string(v)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

pub(super) fn yaml_key(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
