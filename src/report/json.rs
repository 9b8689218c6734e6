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
