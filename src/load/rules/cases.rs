//! Rule-set tests: `<DIR>/tests/<case>/` is a bundle plus `expected.yaml`.

use crate::diag::RuleCode;
use std::path::Path;

use rust_decimal::Decimal;
use serde_yaml::Value as Yaml;

use super::{yaml_decimal, yaml_display, yaml_key};
use crate::diag::{Fatal, Problem};

/// The file in a test case folder that holds what the case expects.
pub const EXPECTED_FILE: &str = "expected.yaml";

/// One test case of a rule set: a bundle and the score and status it expects per indicator.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// The bundle folder (the case folder itself).
    pub dir: std::path::PathBuf,
    /// What the case shows, for the report.
    pub description: String,
    /// A verdict file inside the case folder, when the case needs one.
    pub verdicts: Option<std::path::PathBuf>,
    /// Indicator id → (expected score, expected status as written).
    pub indicators: Vec<(String, Option<Decimal>, Option<String>)>,
    /// `total` fields: base, bonus, score (numbers), grade (text), veto, provisional (bool).
    pub total: Vec<(String, Yaml)>,
    /// `parts`: group id → expected score of the part.
    pub parts: Vec<(String, Decimal)>,
    /// `grading`: grading rule id → whether it applies.
    pub grading: Vec<(String, bool)>,
}

/// The test cases under `<dir>/tests/`, sorted by name. A folder without `expected.yaml` is
/// a problem, not a silent skip.
pub fn test_cases(dir: &Path) -> Result<Vec<TestCase>, Fatal> {
    let tests = dir.join("tests");
    let origin = tests.display().to_string();
    let entries = std::fs::read_dir(&tests).map_err(|e| {
        Fatal::one(Problem::error(
            &origin,
            RuleCode::RulesetUnreadable,
            format!(
                "规则集没有 tests/ 目录或无法读取：{}",
                crate::diag::os_error(&e)
            ),
        ))
    })?;
    let mut dirs: Vec<_> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for case_dir in dirs {
        match read_case(&case_dir) {
            Ok(case) => cases.push(case),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Fatal { problems });
    }
    Ok(cases)
}

fn read_case(dir: &Path) -> Result<TestCase, Problem> {
    let path = dir.join(EXPECTED_FILE);
    let file = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Problem::error(
            &file,
            RuleCode::RulesetUnreadable,
            format!("无法读取 {EXPECTED_FILE}：{}", crate::diag::os_error(&e)),
        )
    })?;
    let shape = |msg: String| Problem::error(&file, RuleCode::RulesetShape, msg);
    let doc: Yaml =
        serde_yaml::from_str(&text).map_err(|e| shape(super::raw::shape_message(&e)))?;
    let map = doc
        .as_mapping()
        .ok_or_else(|| shape("expected.yaml 应为映射".into()))?;
    let mut case = TestCase {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir: dir.to_path_buf(),
        description: String::new(),
        verdicts: None,
        indicators: Vec::new(),
        total: Vec::new(),
        parts: Vec::new(),
        grading: Vec::new(),
    };
    for (k, v) in map {
        match k.as_str().unwrap_or_default() {
            "description" => case.description = yaml_display(v),
            "verdicts" => case.verdicts = Some(dir.join(yaml_display(v))),
            "indicators" => {
                let m = v
                    .as_mapping()
                    .ok_or_else(|| shape("indicators 应为 编号: {score, status} 的映射".into()))?;
                for (id, e) in m {
                    let id = yaml_key(id).unwrap_or_default();
                    let score = e.get("score").and_then(yaml_decimal);
                    let status = e.get("status").map(yaml_display);
                    const STATUSES: [&str; 14] = [
                        "pass",
                        "partial",
                        "gap",
                        "missing",
                        "manual",
                        "veto",
                        "na",
                        "达标",
                        "部分达标",
                        "未达标",
                        "缺材料",
                        "待评分",
                        "否决",
                        "不适用",
                    ];
                    if let Some(s) = &status
                        && !STATUSES.contains(&s.as_str())
                    {
                        return Err(shape(format!(
                            "指标 {id} 的 status `{s}` 应为 pass、partial、gap、missing、manual、veto、na 之一（或 达标、部分达标…）"
                        )));
                    }
                    if score.is_none() && status.is_none() {
                        return Err(shape(format!("指标 {id} 应写明 score 或 status")));
                    }
                    case.indicators.push((id, score, status));
                }
            }
            "total" => {
                let m = v
                    .as_mapping()
                    .ok_or_else(|| shape("total 应为映射".into()))?;
                for (field, e) in m {
                    let field = yaml_display(field);
                    if !["base", "bonus", "score", "grade", "veto", "provisional"]
                        .contains(&field.as_str())
                    {
                        return Err(shape(format!("total 中未知的键 `{field}`")));
                    }
                    case.total.push((field, e.clone()));
                }
            }
            "parts" => {
                let m = v
                    .as_mapping()
                    .ok_or_else(|| shape("parts 应为 组编号: {score} 的映射".into()))?;
                for (id, e) in m {
                    let id = yaml_key(id).unwrap_or_default();
                    let score = e
                        .get("score")
                        .and_then(yaml_decimal)
                        .ok_or_else(|| shape(format!("部分 {id} 应写明 score（数字）")))?;
                    case.parts.push((id, score));
                }
            }
            "grading" => {
                let m = v
                    .as_mapping()
                    .ok_or_else(|| shape("grading 应为 规则编号: true/false 的映射".into()))?;
                for (id, e) in m {
                    let id = yaml_key(id).unwrap_or_default();
                    let applies = e.as_bool().ok_or_else(|| {
                        shape(format!("等次规则 {id} 应写 true（触发）或 false（不触发）"))
                    })?;
                    case.grading.push((id, applies));
                }
            }
            other => return Err(shape(format!("未知的键 `{other}`"))),
        }
    }
    Ok(case)
}
