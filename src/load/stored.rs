//! An assessment read back from its JSON (`kaohe.assessment/1`) for `kaohe diff`. Written by
//! any kaohe version or kept for years, so every field is read leniently (absent → empty, zero
//! or false); numbers are read as exact decimals from their digits.

use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::model::stored::{Scored, Side, Stored, StoredIndicator, Totals};

/// Why a file is not an assessment `kaohe diff` can compare.
#[derive(Debug)]
pub(crate) enum StoredError {
    Unreadable(std::io::Error),
    NotJson(serde_json::Error),
    /// JSON, but not an assessment: what it is instead, in Chinese.
    NotAssessment(String),
}

/// Read, parse and check one assessment file (a UTF-8 BOM is allowed).
pub(crate) fn read(path: &Path) -> Result<Stored, StoredError> {
    let json = std::fs::read_to_string(path).map_err(StoredError::Unreadable)?;
    let value: Value =
        serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(StoredError::NotJson)?;
    check_assessment(&value).map_err(StoredError::NotAssessment)?;
    Ok(Stored {
        side: side(&value),
        totals: totals(&value),
        indicators: indicators(&value)
            .into_iter()
            .map(|i| StoredIndicator {
                id: i["id"].as_str().map(str::to_string),
                name: text(&i["name"]),
                scored: scored(i),
                findings: findings(i),
            })
            .collect(),
    })
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Check that a JSON document is an assessment; the message says what it is instead.
fn check_assessment(v: &Value) -> Result<(), String> {
    match v.get("schema").and_then(Value::as_str) {
        Some("kaohe.assessment/1") => Ok(()),
        Some(other) => Err(format!(
            "不是评分结果（schema 为 {other}，应为 kaohe.assessment/1）"
        )),
        None => {
            Err("不是评分结果（没有 schema 字段）；请用 kaohe score --format json 生成".to_string())
        }
    }
}

fn side(v: &Value) -> Side {
    Side {
        unit: text(&v["unit"]),
        ruleset: text(&v["ruleset"]["id"]),
        year: v["ruleset"]["year"].as_i64(),
        bundle: text(&v["bundle"]),
        submitted: v["provenance"]["submitted"].as_str().map(str::to_string),
    }
}

fn totals(v: &Value) -> Totals {
    let t = &v["total"];
    Totals {
        base: dec(&t["base"]).normalize(),
        bonus: dec(&t["bonus"]).normalize(),
        score: dec(&t["score"]).normalize(),
        grade: text(&t["grade"]),
        provisional: t["provisional"].as_bool().unwrap_or(false),
    }
}

fn indicators(v: &Value) -> Vec<&Value> {
    v["indicators"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn scored(i: &Value) -> Scored {
    Scored {
        score: dec(&i["score"]).normalize(),
        max: dec(&i["max"]).normalize(),
        status: text(&i["status"]),
    }
}

/// Each finding's stable key and message. Findings are matched by key, never by message: a
/// message embeds changing details (4.1's "已登记期号：1、2、…" changes in every finding when
/// one issue is registered). Assessments written before findings had a `key` get one from
/// their cited rows, else their message.
fn findings(i: &Value) -> Vec<(String, String)> {
    let Some(list) = i["findings"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .map(|f| {
            let message = text(&f["message"]);
            let key = match f["key"].as_str() {
                Some(k) => k.to_string(),
                None => {
                    let rows: Vec<String> = f["evidence"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|e| e["row"].is_u64())
                        .map(|e| format!("{}#{}", text(&e["file"]), e["row"]))
                        .collect();
                    if rows.is_empty() {
                        message.clone()
                    } else {
                        rows.join(",")
                    }
                }
            };
            (key, message)
        })
        .collect()
}
