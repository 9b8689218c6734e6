//! `--format json`: the assessment exactly as PRODUCT.md specifies, pretty-printed, newline
//! terminated, deterministic.

use crate::model::assessment::Assessment;

pub fn render(assessment: &Assessment) -> String {
    let mut out = serde_json::to_string_pretty(assessment)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// `kaohe batch --format json`: the `kaohe.batch/1` document.
pub fn render_batch(batch: &crate::batch::BatchReport) -> String {
    let mut out =
        serde_json::to_string_pretty(batch).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// JSON with a top-level `generated` field when `--stamp` asks for one.
pub fn render_stamped<T: serde::Serialize>(value: &T, stamp: Option<&str>) -> String {
    let mut v =
        serde_json::to_value(value).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}));
    if let (Some(stamp), Some(map)) = (stamp, v.as_object_mut()) {
        map.insert("generated".to_string(), serde_json::Value::from(stamp));
    }
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}
