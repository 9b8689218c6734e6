//! JSON Schemas (draft 2020-12) of what kaohe writes and reads as JSON or YAML data:
//! `kaohe.assessment/1`, `kaohe.batch/1` and the evaluator's verdict file. `kaohe schema NAME`
//! prints one; docs/json.md explains the fields in Chinese. tests/cli/plain.rs checks that every
//! field kaohe writes is described here, so the schemas cannot drift from the output.

use serde_json::{Value, json};

pub(crate) fn schema(name: &str) -> Option<Value> {
    match name {
        "assessment" => Some(with_header(
            "kaohe.assessment/1：一份材料的评分结果（kaohe score --format json）",
            assessment(),
        )),
        "batch" => Some(with_header(
            "kaohe.batch/1：批量评分结果（kaohe batch --format json）",
            batch(),
        )),
        "verdicts" => Some(with_header(
            "评分人的评分文件（YAML，--verdicts）：人工评分和调整",
            verdicts(),
        )),
        _ => None,
    }
}

fn with_header(title: &str, mut body: Value) -> Value {
    let mut out = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
    });
    if let (Some(o), Some(b)) = (out.as_object_mut(), body.as_object_mut()) {
        o.append(b);
    }
    out
}

fn points(description: &str) -> Value {
    json!({"type": "number", "description": description})
}

fn text(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": false,
    })
}

fn ruleset() -> Value {
    object(
        &["id", "title", "year", "sha256"],
        json!({
            "id": text("规则集编号，如 county-zwgk-2021"),
            "title": text("规则集标题（考核指标名称）"),
            "year": {"type": "integer", "description": "考核年度"},
            "sha256": text("规则集全部文件的 SHA-256（十六进制），证明按哪一版规则评分"),
        }),
    )
}

fn evidence_ref() -> Value {
    object(
        &["file"],
        json!({
            "file": text("材料中的文件（相对路径）"),
            "sheet": text("工作表（XLSX/XLS）"),
            "row": {"type": "integer", "description": "行号，与电子表格显示的一致（表头为第1行）"},
        }),
    )
}

fn problem() -> Value {
    object(
        &["file", "message", "code", "severity"],
        json!({
            "file": text("问题所在文件"),
            "sheet": text("工作表"),
            "row": {"type": "integer", "description": "台账行号"},
            "column": text("台账列名"),
            "key": text("清单或评分文件中的键路径"),
            "line": {"type": "integer", "description": "YAML 文件行号"},
            "col": {"type": "integer", "description": "YAML 文件列号"},
            "value": text("出问题的值"),
            "message": text("问题说明（中文）"),
            "code": text("问题代码（英文，稳定），kaohe rules codes 可查"),
            "severity": {"enum": ["error", "warning"], "description": "error：该项材料无法使用；warning：提示"},
        }),
    )
}

fn assessment() -> Value {
    let status = json!({
        "enum": ["pass", "partial", "gap", "missing", "manual", "veto", "na"],
        "description": "pass 达标，partial 部分达标，gap 未达标，missing 缺材料，manual 待评分，veto 否决，na 不适用",
    });
    let finding = object(
        &["message", "key", "deduct", "evidence"],
        json!({
            "message": text("问题（中文）"),
            "key": text("问题的稳定标识：发现它的评分方式及其对象或所引行，如 deduct:8、deduct:台账/x.csv#12、all、tiers、zero、manual、adjust、rounding、missing:…、veto:…、veto-group:…；kaohe diff 按它匹配问题"),
            "deduct": points("本条扣分（调整提高得分时为负数）"),
            "evidence": {"type": "array", "items": evidence_ref(), "description": "依据：台账行或文件"},
            "capped": {"type": "boolean", "description": "true：本条扣分因扣完为止而少于规定扣分"},
        }),
    );
    let indicator = object(
        &[
            "id", "name", "group", "max", "score", "status", "bonus", "findings", "basis", "fix",
        ],
        json!({
            "id": text("指标编号，如 1.6"),
            "name": text("指标名称"),
            "group": text("所属一级指标"),
            "max": points("分值"),
            "score": points("得分（待评分时为 0）"),
            "status": status,
            "bonus": {"type": "boolean", "description": "是否加分项"},
            "findings": {"type": "array", "items": finding, "description": "扣分的问题；扣分之和 = 分值 − 得分"},
            "adjusted": object(&["from", "to", "reason", "by"], json!({
                "from": points("计算得分"),
                "to": points("调整后得分"),
                "reason": text("调整理由"),
                "by": text("评分人"),
            })),
            "verdict": text("人工评分指标的评分说明"),
            "basis": text("评分依据（文件）"),
            "fix": text("整改办法"),
        }),
    );
    object(
        &[
            "schema",
            "ruleset",
            "unit",
            "bundle",
            "total",
            "indicators",
            "evidence",
            "problems",
            "provenance",
        ],
        json!({
            "schema": {"const": "kaohe.assessment/1"},
            "ruleset": ruleset(),
            "unit": text("单位（乡镇）"),
            "unit_type": text("单位类型（规则集按单位类型定分值时，如 街道）"),
            "bundle": text("材料文件夹或压缩包的名称"),
            "total": object(&["base", "bonus", "score", "max", "grade", "veto", "provisional"], json!({
                "base": points("基本分"),
                "bonus": points("加分"),
                "score": points("总分 = 基本分 + 加分"),
                "max": points("基本分满分"),
                "grade": text("等次，如 优秀"),
                "veto": {"type": "boolean", "description": "是否被一票否决"},
                "provisional": {"type": "boolean", "description": "true：有待评分的指标，总分和等次为暂定"},
                "vetoes": {"type": "array", "description": "触发的否决", "items": object(&["indicator", "label"], json!({
                    "indicator": text("触发否决的指标编号"),
                    "label": text("否决的名称，如 一票否决"),
                    "zeroed": {"type": "array", "items": {"type": "string"}, "description": "因此不得分的一级指标"},
                    "keeps_score": {"type": "boolean", "description": "该指标保留自身得分"},
                    "grade": text("否决规定的等次"),
                }))},
                "rules": {"type": "array", "description": "规则集的等次规则（grading），逐条写明是否适用", "items": object(&["id", "applied", "effect", "message", "figures"], json!({
                    "id": text("规则编号"),
                    "applied": {"type": "boolean", "description": "条件是否成立（成立则已执行）"},
                    "effect": text("作用，如 等次不高于不合格"),
                    "message": text("说明（未适用时为空）"),
                    "figures": {"type": "array", "description": "规则读取的数字", "items": object(&["name", "value"], json!({
                        "name": text("名称，如 部分.网站.得分"),
                        "value": {"type": ["number", "string", "boolean", "null"], "description": "当时的值"},
                    }))},
                }))},
            })),
            "parts": {"type": "array", "description": "一级指标的得分（只有按部分计分的规则集列出）", "items": object(
                &["id", "name", "max", "applicable", "sum", "score", "computed", "weight", "bonus"],
                json!({
                    "id": text("一级指标编号"),
                    "name": text("一级指标名称"),
                    "max": points("分值"),
                    "applicable": points("适用指标的分值之和"),
                    "sum": points("各指标得分之和"),
                    "score": points("该部分得分（按适用分值折算、取舍后）"),
                    "computed": points("按计算得分（调整前）的该部分得分"),
                    "weight": points("在总分中的权重"),
                    "bonus": {"type": "boolean", "description": "是否加分部分"},
                    "rescaled": {"type": "boolean", "description": "是否按适用分值折算"},
                    "zeroed_by": text("使该部分不得分的否决指标"),
                }),
            )},
            "indicators": {"type": "array", "items": indicator, "description": "全部指标，按规则集顺序"},
            "evidence": {"type": "array", "items": object(&["file", "sha256"], json!({
                "file": text("清单中写到的文件（相对路径）、bundle.yaml 或评分文件"),
                "sha256": {"type": ["string", "null"], "description": "SHA-256；文件缺失或无法读取时为 null"},
                "status": text("文件状态（缺失、无法读取等），正常时不写"),
            }))},
            "problems": {"type": "array", "items": problem(), "description": "数据问题（不影响评分的提示和使某项材料无法使用的错误）"},
            "provenance": object(&["kaohe", "submitted"], json!({
                "kaohe": text("kaohe 版本"),
                "submitted": text("报送日期"),
                "evaluator": text("评分人（有评分文件时）"),
                "evaluated": text("评分日期（有评分文件时）"),
            })),
            "generated": text("生成时间（UTC，加 --stamp 时）"),
        }),
    )
}

fn batch() -> Value {
    object(
        &["schema", "ranking", "grades", "losses", "duplicates", "assessments", "failed"],
        json!({
            "schema": {"const": "kaohe.batch/1"},
            "ruleset": ruleset(),
            "ranking": {"type": "array", "description": "排名：总分从高到低，一票否决的排在最后，同分同名次", "items": object(
                &["rank", "unit", "bundle", "score", "grade", "veto", "provisional"],
                json!({
                    "rank": {"type": "integer", "description": "名次"},
                    "unit": text("单位"),
                    "bundle": text("材料"),
                    "score": points("总分"),
                    "grade": text("等次"),
                    "veto": {"type": "boolean", "description": "是否一票否决"},
                    "provisional": {"type": "boolean", "description": "是否暂定（有待评分项）"},
                    "adjusted": {"type": "array", "items": {"type": "string"}, "description": "有评分人调整的指标编号"},
                    "duplicate": {"type": "boolean", "description": "同一单位有多份材料"},
                }),
            )},
            "grades": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "各等次的单位数，按规则集的等次顺序"},
            "losses": {"type": "array", "description": "失分统计：各指标失分合计，从多到少", "items": object(
                &["id", "name", "group", "points_lost", "townships"],
                json!({
                    "id": text("指标编号"),
                    "name": text("指标名称"),
                    "group": text("所属一级指标"),
                    "points_lost": points("各单位在该指标上的失分合计"),
                    "townships": {"type": "integer", "description": "失分的单位数"},
                }),
            )},
            "duplicates": {"type": "array", "description": "有多份材料的单位", "items": object(&["unit", "bundles"], json!({
                "unit": text("单位"),
                "bundles": {"type": "array", "items": {"type": "string"}},
            }))},
            "assessments": {"type": "array", "items": {"$ref": "#/$defs/assessment"}, "description": "各单位的评分结果（kaohe.assessment/1），按排名顺序"},
            "failed": {"type": "array", "description": "无法评分的材料", "items": object(&["bundle", "error"], json!({
                "bundle": text("材料"),
                "error": text("原因（中文）"),
            }))},
            "generated": text("生成时间（UTC，加 --stamp 时）"),
        }),
    )
    .as_object()
    .cloned()
    .map(|mut o| {
        o.insert("$defs".into(), json!({"assessment": assessment()}));
        Value::Object(o)
    })
    .unwrap_or_default()
}

fn verdicts() -> Value {
    let score = |note: &str, required: &[&str]| {
        object(
            required,
            json!({
                "得分": {"type": "number", "minimum": 0, "description": "0 到该指标分值，最多两位小数"},
                note: text(if note == "理由" { "调整理由（必填）" } else { "评分说明" }),
            }),
        )
    };
    object(
        &["评分人", "评分日期"],
        json!({
            "评分人": text("评分人姓名"),
            "评分日期": text("评分日期，如 2022-02-20"),
            "单位": text("写了就必须与材料的单位相同"),
            "考核指标": text("写了就必须与所用规则集编号相同"),
            "评分": {"type": "object", "description": "人工评分指标（如 3.4）的得分：指标编号 → {得分, 说明}", "additionalProperties": score("说明", &["得分"])},
            "调整": {"type": "object", "description": "对计算得分的调整：指标编号 → {得分, 理由}", "additionalProperties": score("理由", &["得分", "理由"])},
        }),
    )
}
