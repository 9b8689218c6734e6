//! `kaohe rules show`: a rule set as a reader needs it — groups, indicators, points, method,
//! basis, what is measured, how to fix a gap.

use std::fmt::Write as _;

use crate::model::ruleset::OverlaySummary;
use crate::model::ruleset::{Indicator, Method, RuleSet};
use crate::report::table::plain;

/// A value as each unit type sees it: once when every compilation (`unit_type:`) gives the
/// same, else `乡镇12/街道6` (`sep` between the types, `mark` between a type and its value).
fn per_unit(rules: &RuleSet, mark: &str, sep: &str, f: impl Fn(&RuleSet) -> String) -> String {
    let variants = rules.unit_type.as_ref().map(|u| (&u.values, &u.variants));
    match variants {
        Some((values, variants)) if !variants.is_empty() => {
            let each: Vec<String> = variants.iter().map(|v| f(v)).collect();
            if each.iter().all(|e| *e == each[0]) {
                each[0].clone()
            } else {
                let parts: Vec<String> = values
                    .iter()
                    .zip(&each)
                    .map(|(u, e)| format!("{u}{mark}{e}"))
                    .collect();
                parts.join(sep)
            }
        }
        _ => f(rules),
    }
}

pub(crate) fn render(rules: &RuleSet, overlay: Option<&OverlaySummary>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}（{}，{}年度）满分 {}，加分上限 {}",
        rules.title,
        rules.id,
        rules.year,
        per_unit(rules, "", "/", |r| r.max.normalize().to_string()),
        per_unit(rules, "", "/", |r| r.bonus_cap.normalize().to_string())
    );
    if let Some(u) = &rules.unit_type {
        let _ = writeln!(
            out,
            "分值按单位类型定（bundle.yaml 的「{}」：{}）：「{}12/{}6」即{}12分、{}6分；某类型分值为0的指标对该类型不适用",
            u.field,
            u.values.join("、"),
            u.values[0],
            u.values[1],
            u.values[0],
            u.values[1]
        );
    }
    let bands: Vec<String> = (0..rules.grades.len())
        .map(|i| {
            format!(
                "{} ≥{}",
                rules.grades[i].name,
                per_unit(rules, "", "/", |r| r.grades[i].min.normalize().to_string())
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "等次：{}；否决项触发时为{}",
        bands.join("，"),
        rules.veto_grade
    );
    if rules.veto_label != "一票否决" {
        let _ = writeln!(out, "否决项名称：{}", rules.veto_label);
    }
    if rules.rounding.declared {
        let _ = writeln!(out, "取舍：{}", rules.rounding.describe());
    }
    if rules.rescale {
        let _ = writeln!(
            out,
            "基本分按适用指标的分值折算到满分 {}",
            rules.max.normalize()
        );
    }
    if !rules.grading.is_empty() {
        let _ = writeln!(out, "等次规则（在所有指标、评分和调整之后，依次适用）：");
        for g in &rules.grading {
            let mut effects = Vec::new();
            if let Some(cap) = &g.grade_at_most {
                effects.push(format!("等次不高于{cap}"));
            }
            if let Some(b) = &g.bonus {
                effects.push(format!("加分改为 {}", b.source().trim()));
            }
            let _ = writeln!(
                out,
                "    {}：当 {} 时，{}",
                g.id,
                g.when.source().trim(),
                effects.join("，")
            );
        }
    }
    let from = |own: bool| {
        if own {
            "本规则集".to_string()
        } else {
            overlay.map_or_else(String::new, |o| format!("继承 {}", o.base))
        }
    };
    if let Some(o) = overlay {
        let _ = writeln!(
            out,
            "扩展自 {}（{}）；本规则集 {} 改写：{}",
            o.base,
            o.base_origin,
            o.file,
            o.top.join("、")
        );
        if !o.dropped.is_empty() {
            let _ = writeln!(out, "删去指标：{}", o.dropped.join("、"));
        }
    }
    if !rules.params.is_empty() {
        let _ = writeln!(out, "参数：");
        for (name, value) in &rules.params {
            let origin = overlay.map_or_else(String::new, |o| {
                format!("（{}）", from(o.params.contains(name)))
            });
            let _ = writeln!(out, "    {name} = {value}{origin}");
        }
    }
    // How ledgers exported by platforms are read: other header names, other values.
    for l in &rules.evidence.ledgers {
        if l.aliases.is_empty() && l.vocabulary.is_empty() {
            continue;
        }
        let _ = writeln!(out, "台账「{}」接受的其他写法：", l.name);
        for c in l.columns() {
            let names: Vec<&str> = l
                .aliases
                .iter()
                .filter(|(col, _)| *col == c.name)
                .map(|(_, a)| a.as_str())
                .collect();
            if !names.is_empty() {
                let _ = writeln!(out, "    列「{}」← 表头 {}", c.name, names.join("、"));
            }
        }
        let mut targets: Vec<(&str, &str)> = Vec::new();
        for e in &l.vocabulary {
            if !targets.contains(&(e.column.as_str(), e.to.as_str())) {
                targets.push((e.column.as_str(), e.to.as_str()));
            }
        }
        for (column, to) in targets {
            let froms: Vec<&str> = l
                .vocabulary
                .iter()
                .filter(|e| e.column == column && e.to == to)
                .map(|e| e.from.as_str())
                .collect();
            let _ = writeln!(out, "    {column}「{to}」← {}", froms.join("、"));
        }
    }
    for (gi, group) in rules.groups.iter().enumerate() {
        let origin = overlay.map_or_else(String::new, |o| {
            format!("（{}）", from(o.groups.contains(&group.id)))
        });
        let mut how = String::new();
        if group.rescale {
            how.push_str("，按适用指标的分值折算");
        }
        if group.weight != rust_decimal::Decimal::ONE {
            how.push_str(&format!("，权重 {}", group.weight.normalize()));
        }
        let _ = writeln!(
            out,
            "\n{}（{}分{how}）{origin}",
            group.name,
            per_unit(rules, "", "/", |r| r.groups[gi]
                .points
                .normalize()
                .to_string())
        );
        for (ii, ind) in rules.indicators.iter().enumerate() {
            if ind.group != gi {
                continue;
            }
            let method = per_unit(rules, "：", "；", |r| method_text(&r.indicators[ii]));
            let mut veto = ind
                .veto
                .as_ref()
                .map(|v| format!("；含{}", v.describe(rules)))
                .unwrap_or_default();
            if let Some(a) = &ind.applies_when {
                veto.push_str(&format!("；仅当 {} 时适用", a.source().trim()));
            }
            let _ = writeln!(
                out,
                "  {} {}（{}分）{method}{veto}",
                ind.id,
                ind.name,
                per_unit(rules, "", "/", |r| r.indicators[ii]
                    .points
                    .normalize()
                    .to_string())
            );
            if let Some(o) = overlay {
                let origin = if let Some(file) = o.added.get(&ind.id) {
                    format!("本规则集新增（{file}）")
                } else if let Some(keys) = o.changed.get(&ind.id) {
                    format!("继承 {}，本规则集修改 {}", o.base, keys.join("、"))
                } else {
                    format!("继承 {}", o.base)
                };
                let _ = writeln!(out, "      来源：{origin}");
            }
            if let Some(cond) = &ind.applies_when {
                let _ = writeln!(
                    out,
                    "      适用条件：{}（不成立时不适用，不计分）",
                    cond.source()
                );
            }
            for (label, text) in [
                ("依据", &ind.basis),
                ("口径", &ind.measure),
                ("整改", &ind.fix),
            ] {
                if !text.is_empty() {
                    let _ = writeln!(out, "      {label}：{text}");
                }
            }
        }
    }
    plain(&out)
}

/// How an indicator's method gives points, in words (`rules show`).
fn method_text(ind: &Indicator) -> String {
    match &ind.method {
        Method::All { .. } => "达标得满分，否则0分".to_string(),
        Method::Tiers { levels, .. } => {
            let tiers: Vec<String> = levels
                .iter()
                .map(|l| format!("≥{}得{}分", l.min.normalize(), l.points.normalize()))
                .collect();
            format!("分档：{}", tiers.join("，"))
        }
        Method::Deduct { clauses } => format!(
            "逐项扣分（{}），扣完为止",
            crate::report::explain::clauses_text(clauses, "扣")
        ),
        Method::Award { clauses, .. } => format!(
            "逐项加分（{}），最高{}分",
            crate::report::explain::clauses_text(clauses, "加"),
            ind.points.normalize()
        ),
        Method::Manual => "人工评分".to_string(),
    }
}

/// `docs/diagnostics.md`: every diagnostic code of kaohe, area by area, from the one registry
/// (`crate::diag::code`).
pub(crate) fn codes_markdown() -> String {
    use crate::diag::{Area, Fixture};
    let mut out = String::from(
        "# 诊断代码\n\n\
         <!-- 由 `kaohe rules codes` 从 src/diag/code/ 中的登记表生成；请勿手工修改。\n     \
         测试会重新生成本文件，内容不同即失败。 -->\n\n\
         kaohe 报告的每个问题都带一个英文代码（稳定不变，JSON 的 `problems[].code`、XLSX 和\n\
         命令行都用它）。`kaohe rules codes 代码` 显示某一代码的说明和处理办法。\n\n\
         `kaohe rules check <DIR>` 一次列出规则集的全部问题，每条形如\n\
         `错误[代码]：说明` 或 `警告[代码]：说明`，下一行是 文件:行:列，再下面是该行原文和指向问题处的\n\
         `^`，最后是 `= 帮助：` 处理办法。没有问题时退出码为 0，否则为 2（警告也算）；\n\
         `kaohe score` 只在有错误时停止。评分时的致命错误写作 `kaohe: 错误[代码]：…`（退出码 2）。\n\n\
         每个代码都有一个触发它的示例：规则集的代码在 `fixtures/rules/<代码>/`，报送材料的代码在\n\
         `fixtures/malformed/<示例>/`，命令行的代码是一条命令；无法放进文件的写明原因。\n",
    );
    for area in Area::ALL {
        let _ = write!(
            out,
            "\n## {}\n\n| 代码 | 级别 | 问题 | 处理办法 | 示例 |\n|---|---|---|---|---|\n",
            area.title()
        );
        for code in area.codes() {
            let Some(info) = code.info() else { continue };
            let fixture = match info.fixture {
                Fixture::Rules => format!("`fixtures/rules/{}/`", info.code),
                Fixture::Bundle(case) => format!("`fixtures/malformed/{case}/`"),
                Fixture::Command(args) => format!("`kaohe {}`", args.join(" ")),
                Fixture::Absent(why) => format!("无：{why}"),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                info.code,
                info.severity.label(),
                info.summary.replace('|', "\\|"),
                info.help.replace('|', "\\|"),
                fixture.replace('|', "\\|")
            );
        }
    }
    out
}

/// `kaohe rules codes CODE`: one code's area, severity, summary, help and example.
pub(crate) fn code_text(code: &crate::diag::Code) -> String {
    use crate::diag::Fixture;
    let Some(info) = code.info() else {
        return format!("{code}：规则集自定义的数据检查\n");
    };
    let example = match info.fixture {
        Fixture::Rules => format!(
            "fixtures/rules/{}/（触发且只触发这一问题的规则集）",
            info.code
        ),
        Fixture::Bundle(case) => format!("fixtures/malformed/{case}/（报送材料）"),
        Fixture::Command(args) => format!("kaohe {}", args.join(" ")),
        Fixture::Absent(why) => format!("无（{why}）"),
    };
    format!(
        "{}（{}，{}）：{}\n帮助：{}\n示例：{example}\n",
        info.code,
        code.area().title(),
        info.severity.label(),
        info.summary,
        info.help
    )
}

/// A JSON Schema (draft 2020-12) for rule files — `ruleset.yaml` (also an overlay with
/// `extends:`) and indicator files — so that editors (yaml-language-server) complete keys and
/// flag typos. `kaohe rules check` remains the authority: it also checks names and types
/// inside expressions, budgets and tiers.
pub(crate) fn schema_json() -> String {
    use serde_json::json;
    let text = json!({"type": "string"});
    let expr = json!({"type": "string", "description": "表达式（见 docs/rules.md）"});
    let names =
        json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]});
    // A number written once, or per unit type (`{乡镇: 12.5, 街道: 2}`, with `unit_type:`).
    let per_unit = |one: serde_json::Value| {
        json!({"anyOf": [one.clone(), {"type": "object", "additionalProperties": one,
            "description": "按单位类型分别写：unit_type 的每个值各写一个数"}]})
    };
    let number = per_unit(json!({"type": "number"}));
    let points = per_unit(json!({"type": "number", "minimum": 0, "multipleOf": 0.01}));
    let each = per_unit(json!({"type": ["number", "string"]}));
    let id = json!({"type": "string", "description": "编号要加引号：\"1.10\"（不加引号的 1.10 是数字 1.1）"});
    // The keys of an indicator; an overlay's change to an indicator may use any of them.
    let keys = json!({
        "id": id, "name": text, "points": points,
        "basis": {"type": "string", "description": "依据：法规或通知"},
        "measure": {"type": "string", "description": "口径：考核什么，用文字说明"},
        "fix": {"type": "string", "description": "整改：失分后怎样改正"},
        "requires": {"type": "array", "items": {
            "type": "object", "additionalProperties": false, "required": ["need", "what"],
            "properties": {"need": expr, "what": text}}},
        "source": {"type": "string", "description": "台账.X、文档.X 或 bundle.yaml"},
        "let": {"type": "object", "additionalProperties": expr},
        "zero_when": {"type": "object", "additionalProperties": false, "required": ["if", "message"],
            "properties": {"if": expr, "message": text}},
        "veto": {"type": "object", "additionalProperties": false, "required": ["items", "message"],
            "properties": {"items": expr, "message": text,
                "label": {"type": "string", "description": "否决的名称（一票否决、单项否决）；默认为规则集的 veto_label"},
                "scope": {"anyOf": [{"enum": ["indicator", "group", "none"]}, {"type": "array", "items": {"type": ["string", "number"]}}],
                    "description": "否决清零的范围：indicator（本指标，默认）、group（所在部分）、组编号列表，或 none（不扣分，只定等次）"},
                "grade": {"type": ["string", "boolean"], "description": "否决后的等次（默认 veto_grade）；false 表示不定等次"}}},
        "applies_when": {"type": "string", "description": "条件；不成立时该指标不适用（不得分也不扣分）"},
        "method": {"$ref": "#/$defs/method"}
    });
    // An overlay's change may write only part of a method or a zero_when.
    let mut change_keys = keys.clone();
    change_keys["method"] = json!({"type": ["string", "object"]});
    change_keys["zero_when"] = json!({"type": "object"});
    change_keys["veto"] = json!({"type": "object"});
    let mut defs = serde_json::Map::new();
    defs.insert("ruleset".into(), json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["id"],
                "anyOf": [
                    {"required": ["extends"]},
                    {"required": ["title", "year", "max", "grades", "groups"]}
                ],
                "properties": {
                    "extends": {"type": "string", "description": "扩展规则集：内置规则集的编号，或相对于本规则集的文件夹"},
                    "id": text, "title": text,
                    "year": {"type": "integer", "description": "考核年度"},
                    "example": {"type": "boolean", "description": "另一套考核办法的示例：kaohe init 不会按文件夹的年度选用它"},
                    "calendar": {"anyOf": [text, {"type": "array", "items": text}],
                        "description": "本规则集增加的节假日日历（date,kind,festival 三列的 CSV）：以后的年度、本地的调休"},
                    "unit_type": {"type": "object", "additionalProperties": false, "required": ["field", "values"],
                        "description": "分值、档位和等次线按单位类型区分：bundle.yaml 中的一个文字键（在 evidence.manifest 中声明）及其取值",
                        "properties": {"field": text, "values": {"type": "array", "minItems": 2, "items": text}}},
                    "max": points, "bonus_cap": points,
                    "grades": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false,
                        "required": ["name", "min"],
                        "properties": {"name": text, "min": number}}},
                    "veto_grade": text,
                    "veto_label": {"type": "string", "description": "否决在评分说明和报告中的名称（默认 一票否决）"},
                    "rescale": {"const": "applicable", "description": "基本分按适用指标的分值折算到 max"},
                    "rounding": {"type": "object", "additionalProperties": false, "properties": {
                        "where": {"anyOf": [{"enum": ["indicator", "part", "total"]},
                            {"type": "array", "items": {"enum": ["indicator", "part", "total"]}}]},
                        "step": {"type": "number", "exclusiveMinimum": 0},
                        "rule": {"enum": ["half-up", "half-even"]}}},
                    "grading": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false, "required": ["id", "when", "message"],
                        "properties": {"id": {"type": ["string", "number"]}, "when": expr, "message": text,
                            "grade_at_most": {"type": "string", "description": "等次不高于"},
                            "bonus": {"type": ["number", "string"], "description": "加分改为此数（0 表示不加分）"}}},
                        "description": "等次规则：在全部指标、评分和调整之后计算，可读取 部分、指标 和 总分"},
                    "params": {"type": "object", "description": "参数：每条表达式都可按名称使用的常量"},
                    "let": {"type": "object", "additionalProperties": text,
                        "description": "共用定义（名称: 表达式）：每份材料计算一次，每个指标和检查都可使用"},
                    "groups": {"type": "array", "items": {"$ref": "#/$defs/group"}},
                    "evidence": {"$ref": "#/$defs/evidence"},
                    "township": {"type": "string", "description": "precheck、selfreport 和 init 所需信息的文件（见 docs/rules.md#township）"},
                    "checks": {"type": "array", "items": {"anyOf": [
                        {"$ref": "#/$defs/check"}, {"$ref": "#/$defs/checkChange"}]}},
                    "drop": {"type": "array", "items": id, "description": "扩展规则集：要删除的继承指标"},
                    "indicators": {"type": "object", "description": "扩展规则集：按编号修改继承的指标",
                        "additionalProperties": {"$ref": "#/$defs/indicatorChange"}}
                }
            }));
    defs.insert("group".into(), json!({
                "type": "object", "additionalProperties": false,
                "required": ["id"],
                "properties": {
                    "id": {"type": ["string", "number"]}, "name": text, "points": points,
                    "bonus": {"type": "boolean"},
                    "rescale": {"const": "applicable", "description": "本部分按适用指标的分值折算到本部分分值"},
                    "weight": {"type": "number", "exclusiveMinimum": 0, "description": "计入总分的比例（0.8 即 80%）"},
                    "file": {"type": "string", "description": "本组的指标文件（扩展规则集中：向本组新增的指标）"}
                }
            }));
    defs.insert("fieldType".into(), json!({
                "anyOf": [
                    {"enum": ["text", "date", "count", "decimal", "flag", "file"]},
                    {"type": "array", "minItems": 1, "maxItems": 1, "items": {"$ref": "#/$defs/fieldType"}},
                    {"type": "object", "required": ["map"], "additionalProperties": false,
                     "properties": {"map": {"$ref": "#/$defs/fieldType"}}},
                    {"type": "object", "required": ["count"], "additionalProperties": false,
                     "properties": {"count": {"type": "integer", "minimum": 0}}},
                    {"type": "object", "additionalProperties": {"$ref": "#/$defs/fieldType"}}
                ]
            }));
    defs.insert(
        "columns".into(),
        json!({"type": "object", "additionalProperties": {"$ref": "#/$defs/fieldType"}}),
    );
    defs.insert("evidence".into(), json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "ledgers": {"type": "object", "additionalProperties": {
                        "type": "object", "additionalProperties": false, "required": ["required"],
                        "properties": {"title": text, "required": {"$ref": "#/$defs/columns"},
                                       "optional": {"$ref": "#/$defs/columns"},
                                       "aliases": {"type": "object", "additionalProperties": names},
                                       "vocabulary": {"type": "object", "additionalProperties": {
                                           "type": "object", "additionalProperties": names}}}}},
                    "documents": {"type": "object", "additionalProperties": {
                        "type": "object", "additionalProperties": false,
                        "properties": {"title": text, "fields": {"$ref": "#/$defs/columns"}}}},
                    "manifest": {"type": "object", "additionalProperties": {"$ref": "#/$defs/fieldType"}}
                }
            }));
    defs.insert(
        "check".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "required": ["code", "over", "when", "message"],
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                "over": expr, "when": expr, "column": text, "value": expr, "key": text,
                "severity": {"enum": ["error", "warning"]}, "message": text
            }
        }),
    );
    defs.insert(
        "indicatorFile".into(),
        json!({
            "type": "object", "additionalProperties": false, "required": ["indicators"],
            "properties": {"indicators": {"type": "array", "items": {"$ref": "#/$defs/indicator"}}}
        }),
    );
    defs.insert(
        "indicator".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "required": ["id", "name", "points", "method"],
            "properties": keys.clone()
        }),
    );
    defs.insert(
        "indicatorChange".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "properties": change_keys
        }),
    );
    // An overlay changes a check by its code and may write only some of its keys.
    if let Some(mut change) = defs.get("check").cloned() {
        change["required"] = json!(["code"]);
        change["description"] = json!("扩展规则集：修改这个代码的检查");
        defs.insert("checkChange".into(), change);
    }
    defs.insert("method".into(), json!({
                "anyOf": [
                    {"const": "manual"},
                    {"type": "object", "additionalProperties": false, "required": ["all"], "properties": {"all": {
                        "type": "object", "additionalProperties": false, "required": ["pass", "message"],
                        "properties": {"pass": expr, "cite": expr, "message": text}}}},
                    {"type": "object", "additionalProperties": false, "required": ["tiers"], "properties": {"tiers": {
                        "type": "object", "additionalProperties": false, "required": ["measure", "levels", "message"],
                        "properties": {"measure": expr, "cite": expr, "message": text,
                            "levels": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "additionalProperties": false, "required": ["min", "points"],
                                "properties": {"min": number, "points": points}}}}}}},
                    {"type": "object", "additionalProperties": false, "required": ["deduct"], "properties": {"deduct": {
                        "anyOf": [
                            {"type": "object", "additionalProperties": false, "required": ["items", "each", "message"],
                             "properties": {"items": expr, "each": each, "cap": points,
                                            "message": text, "cite": expr}},
                            {"type": "object", "additionalProperties": false, "required": ["clauses"],
                             "properties": {"clauses": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "additionalProperties": false, "required": ["items", "each", "message"],
                                "properties": {"items": expr, "each": each, "cap": points,
                                               "message": text, "cite": expr}}}}}
                        ]}}},
                    {"type": "object", "additionalProperties": false, "required": ["award"], "properties": {"award": {
                        "type": "object", "additionalProperties": false, "required": ["message"],
                        "properties": {"items": expr, "each": each, "cap": points,
                            "cite": expr, "message": text,
                            "clauses": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "additionalProperties": false, "required": ["items", "each"],
                                "properties": {"items": expr, "each": each, "cap": points,
                                               "cite": expr}}}}}}}
                ]
            }));
    let ids = json!({"type": "array", "items": id});
    let sentence = json!({"anyOf": [text, {
        "type": "object", "additionalProperties": false, "required": ["say"],
        "properties": {"when": expr, "say": text, "else": text}}]});
    defs.insert("township".into(), json!({
        "type": "object", "additionalProperties": false,
        "description": "precheck、selfreport 和 init 所需的信息（见 docs/rules.md#township）",
        "properties": {
            "let": {"type": "object", "additionalProperties": expr},
            "submit_by": expr,
            "applications": {"type": "object", "additionalProperties": false,
                "required": ["title", "rows", "received", "replied", "limit"],
                "properties": {"title": text, "indicators": ids, "rows": expr, "received": expr,
                               "replied": expr, "limit": expr}},
            "deadlines": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                "required": ["document", "by", "what"],
                "properties": {"document": text, "by": expr, "what": text, "done": expr,
                               "done_what": text, "on_time": ids}}},
            "periods": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                "required": ["rows", "date", "every", "what"],
                "properties": {"indicators": ids, "rows": expr, "date": expr,
                               "every": {"enum": ["month", "quarter", "月", "季度"]}, "what": text}}},
            "hints": {"type": "object", "additionalProperties": text},
            "selfreport": {"type": "object", "additionalProperties": {"type": "array", "items": sentence}}
        }
    }));
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kaohe.invalid/schema/rules.json",
        "title": "kaohe 规则文件（ruleset.yaml、指标文件或 township 文件）",
        "anyOf": [{"$ref": "#/$defs/ruleset"}, {"$ref": "#/$defs/indicatorFile"}, {"$ref": "#/$defs/township"}]
    });
    schema["$defs"] = serde_json::Value::Object(defs);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
