//! `kaohe diff`: what changed between two JSON assessments.

use crate::diag::CliCode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::cli_error;
use super::pipeline::emit;
use crate::diag::Fatal;
use crate::load::stored::{self, StoredError};
use crate::model::stored::Stored;
use crate::report::diff;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum DiffFormat {
    /// 文本表格：有变化的指标和总分
    Table,
    /// JSON（kaohe.diff/1）
    Json,
}

#[derive(Args)]
pub(super) struct DiffArgs {
    /// 较早的评分结果（kaohe score --format json 的输出）
    a: PathBuf,
    /// 较晚的评分结果
    b: PathBuf,
    /// 输出格式
    #[arg(long, value_enum, default_value = "table")]
    format: DiffFormat,
    /// 写入文件 FILE 而不是屏幕
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

fn read(path: &Path) -> Result<Stored, Fatal> {
    let shown = path.display();
    stored::read(path).map_err(|e| match e {
        StoredError::Unreadable(e) => cli_error(
            CliCode::DiffUnreadable,
            format!("无法读取 {shown}：{}", crate::diag::os_error(&e)),
        ),
        StoredError::NotJson(e) => cli_error(
            CliCode::DiffBadJson,
            format!(
                "{shown} 不是 JSON：{}",
                crate::diag::foreign::json_error(&e)
            ),
        ),
        StoredError::NotAssessment(m) => {
            cli_error(CliCode::DiffNotAssessment, format!("{shown} {m}"))
        }
    })
}

pub(super) fn run(args: &DiffArgs) -> Result<ExitCode, Fatal> {
    let a = read(&args.a)?;
    let b = read(&args.b)?;
    let d = diff::diff(&a, &b);
    let text = match args.format {
        DiffFormat::Table => diff::render_table(&d),
        DiffFormat::Json => diff::render_json(&d),
    };
    emit(text.as_bytes(), args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
