//! `kaohe schema NAME`: the JSON Schema of an output or input (`report::schema`, and the rule
//! files' schema of `kaohe rules schema`); `kaohe verdicts BUNDLE`: a verdict-file template for
//! one bundle, listing the rule set's manual indicators.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;

use super::pipeline::{check_output, emit};
use super::resolve_rules;
use crate::diag::Fatal;
use crate::load::open_bundle;
use crate::model::ruleset::Method;

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum SchemaName {
    /// 一份材料的评分结果（kaohe.assessment/1）
    Assessment,
    /// 批量评分结果（kaohe.batch/1）
    Batch,
    /// 评分人的评分文件
    Verdicts,
    /// 规则文件（同 kaohe rules schema）
    Rules,
}

#[derive(Args)]
pub(super) struct SchemaArgs {
    /// 哪一种（说明见 docs/json.md）
    name: SchemaName,
}

pub(super) fn schema(args: &SchemaArgs) -> Result<ExitCode, Fatal> {
    let text = match args.name {
        SchemaName::Rules => crate::report::rules::schema_json(),
        name => {
            let key = match name {
                SchemaName::Assessment => "assessment",
                SchemaName::Batch => "batch",
                _ => "verdicts",
            };
            let value = crate::report::schema::schema(key).expect("a listed schema");
            serde_json::to_string_pretty(&value).expect("a JSON value serialises")
        }
    };
    emit(format!("{text}\n").as_bytes(), None)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub(super) struct VerdictsArgs {
    /// 报送材料：含 bundle.yaml 的文件夹（或其 .zip）
    bundle: PathBuf,
    /// 规则集目录或内置规则集编号；代替材料中的考核指标
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// 把模板写入文件 FILE 而不是屏幕（不得位于材料目录内）
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The template: 单位 and 考核指标 filled in, each manual indicator with its points and what
/// is measured, 评分人/评分日期/得分 left empty (so a template handed in unfilled is an error,
/// not a score of nothing), and a commented 调整 example.
pub(super) fn template(args: &VerdictsArgs) -> Result<ExitCode, Fatal> {
    let bundle = open_bundle(&args.bundle)?;
    if let Some(out) = &args.output {
        check_output(out, &[(bundle.root.as_path(), "材料目录")])?;
    }
    let base = resolve_rules(args.rules.as_deref(), &bundle.header.ruleset)?;
    let header = bundle.header.clone();
    let h = &header;
    // The points of this unit's type, when the rule set's points depend on one.
    let evidence = bundle.load(&base.evidence);
    let variant = base.for_unit(&evidence).map_err(Fatal::one)?;
    let rules: &crate::model::ruleset::RuleSet = variant.map_or(&base, |v| v);
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# {} {}年度 评分文件（kaohe verdicts 生成；格式见 docs/verdicts.md）",
        h.unit, h.year
    );
    let _ = writeln!(
        t,
        "# 填好后评分：kaohe score <材料> --verdicts <本文件>；批量评分时命名为 {}.yaml 放入 --verdicts-dir",
        h.unit
    );
    let _ = writeln!(t, "评分人:            # 填写评分人姓名");
    let _ = writeln!(t, "评分日期:          # 如 {}", h.submitted);
    let _ = writeln!(t, "单位: {}", h.unit);
    let _ = writeln!(t, "考核指标: {}", rules.id);
    let manual: Vec<_> = rules
        .indicators
        .iter()
        .filter(|i| matches!(i.method, Method::Manual))
        .collect();
    if manual.is_empty() {
        let _ = writeln!(t, "# 规则集 {} 没有人工评分指标", rules.id);
    } else {
        let _ = writeln!(t, "评分:");
        for i in manual {
            let _ = writeln!(
                t,
                "  # {} {}（{}分，人工评分）：{}",
                i.id,
                i.name,
                i.points.normalize(),
                i.measure.replace('\n', " ")
            );
            let _ = writeln!(
                t,
                "  \"{}\": {{得分: , 说明: }}   # 得分 0–{}，最多两位小数",
                i.id,
                i.points.normalize()
            );
        }
    }
    let _ = writeln!(t, "# 调整计算得分时取消下面的注释，每条必须写理由：");
    let _ = writeln!(t, "# 调整:");
    let example = rules
        .indicators
        .iter()
        .find(|i| !matches!(i.method, Method::Manual))
        .map(|i| (i.id.as_str(), i.points))
        .unwrap_or(("1.1", Decimal::ONE));
    let _ = writeln!(
        t,
        "#   \"{}\": {{得分: {}, 理由: 经核实……}}",
        example.0,
        example.1.normalize()
    );
    emit(t.as_bytes(), args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
