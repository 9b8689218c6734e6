//! The evaluator's verdict file: manual scores (评分) and adjustments (调整), validated
//! completely against the rule set before anything is scored. Any mistake stops the run.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde_yaml::Value as Yaml;
use sha2::{Digest, Sha256};

use crate::dates::parse_date;
use crate::diag::{Fatal, Problem};
use crate::load::rules::yaml_decimal;
use crate::load::yaml;
use crate::model::ruleset::{Method, RuleSet};
use crate::model::verdicts::{Verdict, Verdicts};

pub const MAX_VERDICT_FILE: u64 = 1024 * 1024;

/// Read and validate a verdict file for scoring `unit` under `rules`.
pub fn load(path: &Path, rules: &RuleSet, unit: &str) -> Result<Verdicts, Fatal> {
    let file = path.display().to_string();
    let fail = |code: &'static str, msg: String| Fatal::one(Problem::error(&file, code, msg));
    let meta = std::fs::metadata(path)
        .map_err(|e| fail("verdicts-unreadable", format!("无法读取评分文件：{e}")))?;
    if !meta.is_file() {
        return Err(fail("verdicts-unreadable", "评分文件不是普通文件".into()));
    }
    if meta.len() > MAX_VERDICT_FILE {
        return Err(fail("verdicts-too-large", "评分文件过大".into()));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| fail("verdicts-unreadable", format!("无法读取评分文件：{e}")))?;
    parse(&file, bytes, rules, unit)
}

/// Validate a verdict file's bytes (`kaohe serve` receives them in a request, not as a file);
/// `file` names it in every message and in the report.
pub fn parse(file: &str, bytes: Vec<u8>, rules: &RuleSet, unit: &str) -> Result<Verdicts, Fatal> {
    let file = file.to_string();
    let fail = |code: &'static str, msg: String| Fatal::one(Problem::error(&file, code, msg));
    if bytes.len() as u64 > MAX_VERDICT_FILE {
        return Err(fail("verdicts-too-large", "评分文件过大".into()));
    }
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| fail("verdicts-not-utf8", "评分文件须保存为 UTF-8".into()))?;
    let tree = yaml::parse(&text, &file).map_err(Fatal::one)?;
    let mut lines = std::collections::BTreeMap::new();
    yaml::collect_key_lines(&tree, "", &mut lines);
    let doc: Yaml = serde_yaml::from_str(&text).map_err(|e| {
        let mut p = Problem::error(&file, "verdicts-yaml", e.to_string());
        if let Some(loc) = e.location() {
            p = p.at(loc.line() as u32, loc.column() as u32);
        }
        Fatal::one(p)
    })?;

    let mut problems = Vec::new();
    let mut err = |key: &str, code: &'static str, msg: String| {
        let mut p = Problem::error(&file, code, msg).key(key);
        if let Some(line) = lines.get(key) {
            p = p.line(*line);
        }
        problems.push(p);
    };
    let Some(map) = doc.as_mapping() else {
        return Err(fail("verdicts-shape", "评分文件应为 键: 值 的映射".into()));
    };
    let get = |k: &str| map.get(k).filter(|v| !v.is_null());

    let evaluator = match get("评分人").and_then(scalar_text) {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            err("评分人", "verdicts-missing-key", "缺少 评分人".into());
            String::new()
        }
    };
    let date = match get("评分日期").and_then(scalar_text) {
        Some(s) => {
            let d = parse_date(s.trim());
            if d.is_none() {
                err(
                    "评分日期",
                    "verdicts-bad-date",
                    format!("评分日期「{s}」不是日期"),
                );
            }
            d
        }
        None => {
            err("评分日期", "verdicts-missing-key", "缺少 评分日期".into());
            None
        }
    };
    if let Some(u) = get("单位").and_then(scalar_text)
        && u.trim() != unit
    {
        err(
            "单位",
            "verdicts-unit-mismatch",
            format!("评分文件的单位「{}」与材料的单位「{unit}」不符", u.trim()),
        );
    }
    if let Some(id) = get("考核指标").and_then(scalar_text)
        && id.trim() != rules.id
    {
        err(
            "考核指标",
            "verdicts-ruleset-mismatch",
            format!(
                "评分文件的考核指标「{}」与所用规则集「{}」不符",
                id.trim(),
                rules.id
            ),
        );
    }

    let mut scores = BTreeMap::new();
    let mut adjustments = BTreeMap::new();
    for (section, manual_only) in [("评分", true), ("调整", false)] {
        let Some(entries) = get(section) else {
            continue;
        };
        let Some(entries) = entries.as_mapping() else {
            err(
                section,
                "verdicts-shape",
                format!("{section} 应为 指标编号: {{得分: …}} 的映射"),
            );
            continue;
        };
        for (k, v) in entries {
            let id = match k {
                Yaml::String(s) => s.trim().to_string(),
                Yaml::Number(n) => n.to_string(),
                other => format!("{other:?}"),
            };
            let key = format!("{section}.{id}");
            let Some(indicator) = rules.indicator(&id) else {
                err(
                    &key,
                    "verdicts-unknown-id",
                    format!("{section}中的指标 {id} 不在规则集 {} 中", rules.id),
                );
                continue;
            };
            let is_manual = matches!(indicator.method, Method::Manual);
            if manual_only && !is_manual {
                err(
                    &key,
                    "verdicts-not-manual",
                    format!("指标 {id} 不是人工评分指标，只能在 调整 中改动"),
                );
                continue;
            }
            let Some(fields) = v.as_mapping() else {
                err(
                    &key,
                    "verdicts-shape",
                    format!(
                        "{key} 应为 {{得分: …, {}: …}}",
                        if manual_only { "说明" } else { "理由" }
                    ),
                );
                continue;
            };
            let score = match fields.get("得分").and_then(yaml_decimal) {
                Some(s) => s,
                None => {
                    err(
                        &format!("{key}.得分"),
                        "verdicts-bad-score",
                        format!("{key} 缺少数字形式的 得分"),
                    );
                    continue;
                }
            };
            if score.normalize().scale() > 2 {
                err(
                    &format!("{key}.得分"),
                    "verdicts-bad-score",
                    format!("{key} 的得分 {score} 超过两位小数"),
                );
                continue;
            }
            if score < Decimal::ZERO || score > indicator.points {
                err(
                    &format!("{key}.得分"),
                    "verdicts-score-out-of-range",
                    format!(
                        "{key} 的得分 {} 超出 0–{} 分",
                        score.normalize(),
                        indicator.points.normalize()
                    ),
                );
                continue;
            }
            let note_key = if manual_only { "说明" } else { "理由" };
            let note = fields
                .get(note_key)
                .and_then(scalar_text)
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            if !manual_only && note.is_empty() {
                err(&key, "verdicts-no-reason", format!("调整 {id} 须写明 理由"));
                continue;
            }
            let verdict = Verdict {
                score: score.normalize(),
                note,
            };
            if manual_only {
                scores.insert(id, verdict);
            } else {
                adjustments.insert(id, verdict);
            }
        }
    }
    for k in map.keys() {
        let name = scalar_text(k).unwrap_or_default();
        if !["评分人", "评分日期", "单位", "考核指标", "评分", "调整"].contains(&name.as_str())
        {
            err(
                &name,
                "verdicts-unknown-key",
                format!("评分文件中有未知的键「{name}」"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Fatal { problems });
    }
    Ok(Verdicts {
        file,
        sha256: Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        evaluator,
        date,
        scores,
        adjustments,
    })
}

fn scalar_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
