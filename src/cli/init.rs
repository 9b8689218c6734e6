//! `kaohe init`: a bundle skeleton from a rule set's declared evidence — `bundle.yaml` with
//! every key commented in Chinese, ledger CSVs with their headers (UTF-8 with BOM so Excel
//! opens them), and the 材料/ folders. Documents are not created: an empty 年度报告 would be
//! scored as a bad report instead of reported as missing.

use crate::diag::CliCode;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::{cli_error, rule_files};
use crate::diag::Fatal;
use crate::load::rules::{self as rule_loader, RuleFiles};
use crate::model::evidence::{Evidence, ManifestHeader};
use crate::model::ruleset::RuleSet;
use crate::model::schema::{FieldType, LedgerDecl};

#[derive(Args)]
pub(super) struct InitArgs {
    /// 新材料文件夹（不存在或为空）
    new_dir: PathBuf,
    /// 规则集目录或内置规则集编号（不写时按文件夹名中的年份选用内置规则集，如 xx镇-2021，须恰有一个）
    #[arg(long, value_name = "ID|DIR")]
    rules: Option<String>,
    /// 单位名称（乡镇名），写入 bundle.yaml；必填
    #[arg(long, value_name = "NAME")]
    unit: Option<String>,
}

/// One file of the skeleton: a path relative to the bundle and its bytes.
pub(super) struct SkeletonFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub(super) fn run(args: &InitArgs) -> Result<ExitCode, Fatal> {
    let dir = &args.new_dir;
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !dir.is_dir() || !empty {
            return Err(cli_error(
                CliCode::InitTargetExists,
                format!(
                    "{} 已存在且不是空文件夹；kaohe init 不覆盖已有材料，请换一个新文件夹名",
                    dir.display()
                ),
            ));
        }
    }
    // The unit is never guessed from the folder's name: a folder named 新建文件夹 would
    // become the township.
    let unit = args
        .unit
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if unit.is_empty() {
        return Err(cli_error(
            CliCode::InitUnitNeeded,
            "请用 --unit 写明单位名称，如 kaohe init xx镇-2021 --unit xx镇".to_string(),
        ));
    }
    let files = match args.rules.as_deref() {
        Some(spec) => rule_files(spec)?,
        None => default_rules(dir)?,
    };
    let rules = rule_loader::compile(&files)?;

    let (dirs, skeleton) = skeleton(&rules, &unit);
    let io = |e: std::io::Error, p: &Path| {
        cli_error(
            CliCode::InitUnwritable,
            format!("无法写入 {}：{}", p.display(), crate::diag::os_error(&e)),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io(e, dir))?;
    for d in &dirs {
        let p = dir.join(d);
        std::fs::create_dir_all(&p).map_err(|e| io(e, &p))?;
    }
    for f in &skeleton {
        let p = dir.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(e, parent))?;
        }
        std::fs::write(&p, &f.bytes).map_err(|e| io(e, &p))?;
    }
    eprintln!(
        "kaohe: 已按规则集 {} 生成报送材料模板 {}：请填写 bundle.yaml 和 台账/ 下的表格，把文件放入 材料/，然后运行 kaohe precheck {}",
        rules.id,
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Without `--rules`: the built-in rule set of the year the folder's name ends with (xx镇-2021),
/// when exactly one built-in rule set has that year; otherwise a message listing them.
fn default_rules(dir: &Path) -> Result<RuleFiles, Fatal> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let year: Option<i16> = name
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 4)
        .and_then(|y| y.parse().ok());
    let mut builtins = Vec::new();
    for id in RuleFiles::builtin_ids() {
        if let Some(files) = RuleFiles::builtin(id)
            && let Ok(rules) = rule_loader::compile(&files)
            && !rules.example
        {
            builtins.push((rules.year, id, rules.title.clone(), files));
        }
    }
    let listed = |list: &[&(i16, &str, String, RuleFiles)]| {
        list.iter()
            .map(|(y, id, title, _)| format!("{id}（{y}年，{title}）"))
            .collect::<Vec<_>>()
            .join("、")
    };
    let all: Vec<_> = builtins.iter().collect();
    let Some(year) = year else {
        return Err(cli_error(
            CliCode::InitRulesNeeded,
            format!(
                "文件夹名「{name}」中没有考核年度，请用 --rules 指定规则集；内置规则集：{}",
                listed(&all)
            ),
        ));
    };
    let of_year: Vec<_> = builtins.iter().filter(|(y, ..)| *y == year).collect();
    match of_year.as_slice() {
        [only] => Ok(only.3.clone()),
        [] => Err(cli_error(
            CliCode::InitRulesNeeded,
            format!(
                "没有{year}年度的内置规则集，请用 --rules 指定规则集目录；内置规则集：{}",
                listed(&all)
            ),
        )),
        several => Err(cli_error(
            CliCode::InitRulesNeeded,
            format!(
                "有多个{year}年度的内置规则集，请用 --rules 指定其一：{}",
                listed(several)
            ),
        )),
    }
}

/// The submission date written into the template: the rule set's `township.submit_by` when it
/// gives one, else 1月31日 of the next year.
fn submission_date(rules: &RuleSet) -> Date {
    let fallback = jiff::civil::date(rules.year + 1, 1, 31);
    let Some(expr) = &rules.township.submit_by else {
        return fallback;
    };
    // Evaluated against an empty bundle: only params and constants mean anything here.
    let evidence = Evidence {
        bundle: String::new(),
        header: ManifestHeader {
            unit: String::new(),
            parent: None,
            year: i32::from(rules.year),
            ruleset: rules.id.clone(),
            submitted: fallback,
        },
        manifest: crate::value::Value::Null,
        ledgers: Default::default(),
        documents: Default::default(),
        files: Default::default(),
        problems: Vec::new(),
        key_lines: Default::default(),
        list_items: Default::default(),
        named_paths: Default::default(),
    };
    let calendar = crate::calendar::Calendar::builtin();
    let ctx = crate::score::township::context(rules, &evidence, &calendar);
    let vars = crate::score::globals(rules, &evidence);
    expr.eval(&ctx, &vars).as_date().unwrap_or(fallback)
}

/// The folders and files of a fresh bundle. Pure, so tests and other front ends can reuse it.
pub(super) fn skeleton(rules: &RuleSet, unit: &str) -> (Vec<String>, Vec<SkeletonFile>) {
    let decl = &rules.evidence;
    let mut dirs = vec!["台账".to_string(), "材料".to_string()];
    for (name, ty) in &decl.manifest {
        collect_dirs(name, ty, &mut dirs);
    }
    dirs.sort();
    dirs.dedup();

    let mut files = Vec::new();
    for ledger in &decl.ledgers {
        let header: Vec<&str> = ledger.columns().map(|c| c.name.as_str()).collect();
        let mut bytes = "\u{feff}".as_bytes().to_vec();
        bytes.extend_from_slice(header.join(",").as_bytes());
        bytes.extend_from_slice(b"\r\n");
        files.push(SkeletonFile {
            path: ledger_path(ledger),
            bytes,
        });
    }
    files.push(SkeletonFile {
        path: "bundle.yaml".to_string(),
        bytes: manifest(rules, unit).into_bytes(),
    });
    (dirs, files)
}

fn ledger_path(ledger: &LedgerDecl) -> String {
    format!("台账/{}.csv", ledger.title)
}

/// 材料/{key}/ for every manifest list whose items name a file.
fn collect_dirs(name: &str, ty: &FieldType, dirs: &mut Vec<String>) {
    match ty {
        FieldType::List(inner) => {
            if let FieldType::Record(fields) = inner.as_ref()
                && fields.iter().any(|(_, t)| *t == FieldType::File)
            {
                dirs.push(format!("材料/{name}"));
            }
        }
        FieldType::Record(fields) => {
            for (n, t) in fields {
                collect_dirs(n, t, dirs);
            }
        }
        _ => {}
    }
}

/// What goes into a manifest key: the rule set's hint for its path (`township.hints`), else
/// its type.
fn describe(rules: &RuleSet, path: &str, ty: &FieldType) -> String {
    if let Some(u) = rules.unit_type.as_ref().filter(|u| u.field == path) {
        return format!(
            "必填：{}，{} 之一（本规则集按{}定分值）",
            u.field,
            u.values.join("、"),
            u.field
        );
    }
    rules
        .township
        .hints
        .iter()
        .find(|(k, _)| k == path)
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| type_word(ty))
}

fn type_word(ty: &FieldType) -> String {
    match ty {
        FieldType::Text => "文字".to_string(),
        FieldType::Date => "日期，如 2022-01-25".to_string(),
        FieldType::Count { .. } => "非负整数".to_string(),
        FieldType::Decimal => "数字，如 87.45".to_string(),
        FieldType::Flag => "是 或 否".to_string(),
        FieldType::File => "材料中的文件路径，如 材料/xx.pdf".to_string(),
        FieldType::List(inner) => format!("列表，每项：{}", type_word(inner)),
        FieldType::Record(fields) => fields
            .iter()
            .map(|(n, t)| format!("{n}（{}）", type_word(t)))
            .collect::<Vec<_>>()
            .join("、"),
        FieldType::Map(inner) => format!("名称: {}", type_word(inner)),
    }
}

/// The empty value a key starts with: `[]` for lists, `{}` for maps, nothing for scalars.
fn empty_value(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::List(_) => " []",
        FieldType::Map(_) => " {}",
        _ => "",
    }
}

fn write_key(out: &mut String, rules: &RuleSet, parent: &str, name: &str, ty: &FieldType) {
    let depth = if parent.is_empty() {
        0
    } else {
        parent.matches('.').count() + 1
    };
    let path = if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    };
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}# {}", describe(rules, &path, ty));
    match ty {
        FieldType::Record(fields) => {
            let _ = writeln!(out, "{indent}{name}:");
            for (n, t) in fields {
                write_key(out, rules, &path, n, t);
            }
        }
        _ => {
            let _ = writeln!(out, "{indent}{name}:{}", empty_value(ty));
        }
    }
}

fn manifest(rules: &RuleSet, unit: &str) -> String {
    let decl = &rules.evidence;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {unit} {}年度政务公开考核报送材料（kaohe init 按规则集 {} 生成）",
        rules.year, rules.id
    );
    out.push_str(
        "# 填写方法：在冒号后填写；没有的项留空或删去（空值与未填写相同）；日期写成 2022-01-25；\n\
         # 路径相对于本文件夹（如 材料/文件名.pdf）。填好后运行 kaohe precheck <本文件夹>。\n\n",
    );
    let _ = writeln!(out, "# 必填：单位名称");
    let _ = writeln!(out, "单位: {unit}");
    let _ = writeln!(out, "# 可选：上级单位，如 xx县");
    let _ = writeln!(out, "上级单位:");
    let _ = writeln!(out, "# 必填：考核年度（规则集 {} 的年度）", rules.id);
    let _ = writeln!(out, "考核年度: {}", rules.year);
    let _ = writeln!(out, "# 必填：考核指标（{}）", rules.title);
    let _ = writeln!(out, "考核指标: {}", rules.id);
    let _ = writeln!(
        out,
        "# 必填：报送日期；模板先填报送截止日期，报送时改为实际报送的日期"
    );
    let _ = writeln!(out, "报送日期: {}", submission_date(rules));
    for (name, ty) in &decl.manifest {
        out.push('\n');
        write_key(&mut out, rules, "", name, ty);
    }
    out.push_str("\n# 台账：CSV（UTF-8 或 GBK）或 XLSX 文件，第一行为表头\n台账:\n");
    for l in &decl.ledgers {
        let required: Vec<&str> = l.required.iter().map(|c| c.name.as_str()).collect();
        let optional: Vec<&str> = l.optional.iter().map(|c| c.name.as_str()).collect();
        let _ = writeln!(
            out,
            "  # {}：必填列 {}{}",
            l.title,
            required.join("、"),
            if optional.is_empty() {
                String::new()
            } else {
                format!("；可选列 {}", optional.join("、"))
            }
        );
        let _ = writeln!(out, "  {}: {}", l.name, ledger_path(l));
    }
    // Ledgers exported from a platform: what the rule set already accepts, and how to map the
    // rest (bundle-spec.md "Ledgers as platforms export them"; docs/township-exports.md).
    // The example is drawn from the rule set's own declaration.
    if let Some(l) = decl.ledgers.first()
        && let Some(column) = l.columns().next()
    {
        let _ = write!(
            out,
            "\n# 从政务公开平台导出的台账：表头或分类的写法与上面不同、规则集又未接受时，\n\
             # 在此注明对照（每份评分报告都会显示），例如：\n\
             # 列名对照: {{{}: {{导出表中的列名: {}}}}}\n",
            l.name, column.name
        );
        if let Some(v) = decl.ledgers.iter().flat_map(|l| &l.vocabulary).next() {
            let _ = writeln!(out, "# 栏目对照: {{导出表中的写法: {}}}", v.to);
        }
    }
    for l in decl.ledgers.iter().filter(|l| !l.aliases.is_empty()) {
        let mut seen: Vec<&str> = Vec::new();
        let mut parts = Vec::new();
        for (column, _) in &l.aliases {
            if seen.contains(&column.as_str()) {
                continue;
            }
            seen.push(column);
            let names: Vec<&str> = l
                .aliases
                .iter()
                .filter(|(c, _)| c == column)
                .map(|(_, a)| a.as_str())
                .collect();
            parts.push(format!("{column}（{}）", names.join("、")));
        }
        let _ = writeln!(
            out,
            "# 规则集已接受的{}表头写法：{}",
            l.name,
            parts.join("；")
        );
    }
    out.push_str("\n# 文档：.md .txt .html 可读取全文；.pdf 等只核对是否报送\n文档:\n");
    for d in &decl.documents {
        let mut fields = vec![format!("文件: 材料/{}.md", d.name)];
        let mut notes = vec![format!("{}（请把文件放到 材料/ 下并核对文件名）", d.title)];
        for (n, t) in &d.fields {
            fields.push(format!("{n}: "));
            notes.push(format!("{n}：{}", type_word(t)));
        }
        let _ = writeln!(out, "  # {}", notes.join("；"));
        let _ = writeln!(out, "  {}: {{{}}}", d.name, fields.join(", ").trim_end());
    }
    out
}
