//! The evaluator's verdict file: manual scores (评分) and adjustments (调整), validated
//! completely against the rule set before anything is scored. Any mistake stops the run.

use crate::diag::VerdictCode;
use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::str::FromStr;

use crate::dates::parse_date;
use crate::diag::{Fatal, Problem};
use crate::load::yaml;
use crate::model::ruleset::{Method, RuleSet};
use crate::model::verdicts::{Verdict, Verdicts};

pub const MAX_VERDICT_FILE: u64 = 1024 * 1024;

/// Read and validate a verdict file for scoring `unit` under `rules`.
pub fn load(path: &Path, rules: &RuleSet, unit: &str) -> Result<Verdicts, Fatal> {
    let file = path.display().to_string();
    let fail = |code: VerdictCode, msg: String| Fatal::one(Problem::error(&file, code, msg));
    let meta = std::fs::metadata(path).map_err(|e| {
        fail(
            VerdictCode::Unreadable,
            format!("无法读取评分文件：{}", crate::diag::os_error(&e)),
        )
    })?;
    if !meta.is_file() {
        return Err(fail(VerdictCode::Unreadable, "评分文件不是普通文件".into()));
    }
    if meta.len() > MAX_VERDICT_FILE {
        return Err(fail(VerdictCode::TooLarge, "评分文件过大".into()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        fail(
            VerdictCode::Unreadable,
            format!("无法读取评分文件：{}", crate::diag::os_error(&e)),
        )
    })?;
    parse(&file, bytes, rules, unit)
}

/// Validate a verdict file's bytes (`kaohe serve` receives them in a request, not as a file);
/// `file` names it in every message and in the report.
pub fn parse(file: &str, bytes: Vec<u8>, rules: &RuleSet, unit: &str) -> Result<Verdicts, Fatal> {
    let file = file.to_string();
    let fail = |code: VerdictCode, msg: String| Fatal::one(Problem::error(&file, code, msg));
    if bytes.len() as u64 > MAX_VERDICT_FILE {
        return Err(fail(VerdictCode::TooLarge, "评分文件过大".into()));
    }
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| fail(VerdictCode::NotUtf8, "评分文件须保存为 UTF-8".into()))?;
    // Notepad saves UTF-8 with a BOM: it is not part of the first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // One parse, position-aware, scalars kept as written: an id `3.40` stays `3.40` (not the
    // number 3.4), a score `1.0000000000000001` is read as the exact decimal it spells, and a
    // key repeated (also as `" 3.4"`) is refused with both lines.
    let tree = yaml::parse(text, &file).map_err(Fatal::one)?;

    let mut problems = Vec::new();
    let mut err = |key: &str, line: u32, code: VerdictCode, msg: String| {
        problems.push(Problem::error(&file, code, msg).key(key).line(line));
    };
    let Some(map) = tree.as_map() else {
        return Err(fail(
            VerdictCode::Shape,
            "评分文件应为 键: 值 的映射".into(),
        ));
    };
    let get = |k: &str| {
        map.iter()
            .find(|(key, v)| crate::text::trim(&key.key_text()) == k && !v.is_null())
    };
    let text_of = |v: &yaml::Node| v.as_scalar().map(|s| s.trim().to_string());

    let evaluator = match get("评分人").and_then(|(_, v)| text_of(v)) {
        Some(s) if !s.is_empty() => s,
        _ => {
            err("评分人", 1, VerdictCode::MissingKey, "缺少 评分人".into());
            String::new()
        }
    };
    let date = match get("评分日期") {
        Some((k, v)) => {
            let s = text_of(v).unwrap_or_default();
            let d = parse_date(&s);
            if d.is_none() {
                err(
                    "评分日期",
                    k.line,
                    VerdictCode::BadDate,
                    format!("评分日期「{s}」不是日期"),
                );
            }
            d
        }
        None => {
            err(
                "评分日期",
                1,
                VerdictCode::MissingKey,
                "缺少 评分日期".into(),
            );
            None
        }
    };
    if let Some((k, v)) = get("单位")
        && let Some(u) = text_of(v)
        && u != unit
    {
        err(
            "单位",
            k.line,
            VerdictCode::UnitMismatch,
            format!("评分文件的单位「{u}」与材料的单位「{unit}」不符"),
        );
    }
    if let Some((k, v)) = get("考核指标")
        && let Some(id) = text_of(v)
        && id != rules.id
    {
        err(
            "考核指标",
            k.line,
            VerdictCode::RulesetMismatch,
            format!("评分文件的考核指标「{id}」与所用规则集「{}」不符", rules.id),
        );
    }

    let mut scores = BTreeMap::new();
    let mut adjustments = BTreeMap::new();
    for (section, manual_only) in [("评分", true), ("调整", false)] {
        let Some((section_key, entries)) = get(section) else {
            continue;
        };
        let Some(entries) = entries.as_map() else {
            err(
                section,
                section_key.line,
                VerdictCode::Shape,
                format!("{section} 应为 指标编号: {{得分: …}} 的映射"),
            );
            continue;
        };
        for (k, v) in entries {
            // The id as written (trimmed): `3.40` is not `3.4`.
            let id = crate::text::trim(&k.key_text()).to_string();
            let key = format!("{section}.{id}");
            let Some(indicator) = rules.indicator(&id) else {
                err(
                    &key,
                    k.line,
                    VerdictCode::UnknownId,
                    format!("{section}中的指标 {id} 不在规则集 {} 中", rules.id),
                );
                continue;
            };
            let is_manual = matches!(indicator.method, Method::Manual);
            if manual_only && !is_manual {
                err(
                    &key,
                    k.line,
                    VerdictCode::NotManual,
                    format!("指标 {id} 不是人工评分指标，只能在 调整 中改动"),
                );
                continue;
            }
            let field = |name: &str| {
                v.as_map().and_then(|m| {
                    m.iter()
                        .find(|(fk, _)| crate::text::trim(&fk.key_text()) == name)
                        .map(|(_, fv)| fv)
                })
            };
            if v.as_map().is_none() {
                err(
                    &key,
                    k.line,
                    VerdictCode::Shape,
                    format!(
                        "{key} 应为 {{得分: …, {}: …}}",
                        if manual_only { "说明" } else { "理由" }
                    ),
                );
                continue;
            }
            let score_line = field("得分").map_or(k.line, |n| n.line);
            let written = field("得分").and_then(text_of).unwrap_or_default();
            // Exact decimal of the digits as written; no float in between (1e-400 and
            // 1.0000000000000001 are not two-decimal scores).
            let Ok(score) = Decimal::from_str(&written) else {
                err(
                    &format!("{key}.得分"),
                    score_line,
                    VerdictCode::BadScore,
                    if written.is_empty() {
                        format!("{key} 缺少数字形式的 得分")
                    } else {
                        format!("{key} 的得分「{written}」不是数字（应写如 1.5）")
                    },
                );
                continue;
            };
            if score.normalize().scale() > 2 {
                err(
                    &format!("{key}.得分"),
                    score_line,
                    VerdictCode::BadScore,
                    format!("{key} 的得分 {written} 超过两位小数"),
                );
                continue;
            }
            if score < Decimal::ZERO || score > indicator.points {
                err(
                    &format!("{key}.得分"),
                    score_line,
                    VerdictCode::ScoreOutOfRange,
                    format!(
                        "{key} 的得分 {} 超出 0–{} 分",
                        score.normalize(),
                        indicator.points.normalize()
                    ),
                );
                continue;
            }
            let note_key = if manual_only { "说明" } else { "理由" };
            let note = field(note_key).and_then(text_of).unwrap_or_default();
            if !manual_only && note.is_empty() {
                err(
                    &key,
                    k.line,
                    VerdictCode::NoReason,
                    format!("调整 {id} 须写明 理由"),
                );
                continue;
            }
            let verdict = Verdict {
                score: score.normalize(),
                note,
            };
            let target = if manual_only {
                &mut scores
            } else {
                &mut adjustments
            };
            // Stored under the rule set's spelling (`b1` is `B1`), so two spellings of one id
            // are caught as a duplicate.
            if target.insert(indicator.id.clone(), verdict).is_some() {
                err(
                    &key,
                    k.line,
                    VerdictCode::DuplicateId,
                    format!("{section}中指标 {id} 写了不止一次；每个指标只能写一次"),
                );
            }
        }
    }
    for (k, _) in map {
        let name = crate::text::trim(&k.key_text()).to_string();
        if !["评分人", "评分日期", "单位", "考核指标", "评分", "调整"].contains(&name.as_str())
        {
            err(
                &name,
                k.line,
                VerdictCode::UnknownKey,
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
