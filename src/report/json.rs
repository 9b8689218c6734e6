//! `--format json`: the assessment exactly as PRODUCT.md specifies, pretty-printed, newline
//! terminated, deterministic.

use crate::model::assessment::Assessment;

/// JSON with a top-level `generated` field when `--stamp` asks for one.
pub(crate) fn render_stamped<T: serde::Serialize>(value: &T, stamp: Option<&str>) -> String {
    let mut v =
        serde_json::to_value(value).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}));
    if let (Some(stamp), Some(map)) = (stamp, v.as_object_mut()) {
        map.insert("generated".to_string(), serde_json::Value::from(stamp));
    }
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}

/// One assessment as one line of JSON Lines (`--format jsonl`).
pub(crate) fn line(assessment: &Assessment) -> String {
    let mut out =
        serde_json::to_string(assessment).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The last line of a batch's JSON Lines: the `kaohe.batch/1` report without its
/// `assessments` (they are the lines before it).
pub(crate) fn summary_line(
    batch: &crate::model::batch::BatchReport,
    stamp: Option<&str>,
) -> String {
    let mut v = match serde_json::to_value(Summary(batch)) {
        Ok(v) => v,
        Err(e) => serde_json::json!({"error": e.to_string()}),
    };
    if let (Some(stamp), Some(map)) = (stamp, v.as_object_mut()) {
        map.insert("generated".to_string(), serde_json::Value::from(stamp));
    }
    let mut out = v.to_string();
    out.push('\n');
    out
}

/// A batch report serialized without its `assessments` field.
struct Summary<'a>(&'a crate::model::batch::BatchReport);

impl serde::Serialize for Summary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let serde_json::Value::Object(fields) =
            serde_json::to_value(self.0).map_err(S::Error::custom)?
        else {
            return Err(S::Error::custom("a batch report is an object"));
        };
        let mut map = s.serialize_map(None)?;
        for (k, v) in fields.iter().filter(|(k, _)| k.as_str() != "assessments") {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One assessment as it sits in the pretty `assessments` array of a batch document: the
/// pretty text indented by two levels (JSON strings hold no raw line breaks, so indenting
/// every line is exact).
pub(crate) fn batch_item(assessment: &Assessment) -> String {
    let pretty = serde_json::to_string_pretty(assessment)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (i, line) in pretty.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

/// The pretty `kaohe.batch/1` document of a report whose `assessments` are kept elsewhere
/// (a national batch spools them to disk): `(head, tail)` such that the document is `head`,
/// then the `count` items of `batch_item` in ranking order joined by `",\n"`, then `tail`.
/// Byte for byte what `render_stamped` gives for the report holding them.
pub(crate) fn batch_frame(
    batch: &crate::model::batch::BatchReport,
    stamp: Option<&str>,
    count: usize,
) -> (String, String) {
    debug_assert!(batch.assessments.is_empty());
    let mut text =
        serde_json::to_string_pretty(batch).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    if let Some(stamp) = stamp {
        // `render_stamped` appends `generated` as the last top-level field.
        if let Some(end) = text.rfind("\n}") {
            let field = format!(",\n  \"generated\": {}", serde_json::Value::from(stamp));
            text.insert_str(end, &field);
        }
    }
    text.push('\n');
    const MARK: &str = "\n  \"assessments\": [],\n";
    match text.find(MARK).filter(|_| count > 0) {
        Some(at) => {
            let open = at + MARK.len() - "],\n".len();
            let tail = format!("\n  ]{}", &text[open + 1..]);
            text.truncate(open);
            text.push('\n');
            (text, tail)
        }
        None => (text, String::new()),
    }
}
