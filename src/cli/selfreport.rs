//! `kaohe selfreport`: a draft 自查报告 (Markdown) whose figures come from the bundle's own
//! ledgers, with 存在问题 and 下一步改进措施 from the assessment.

use crate::diag::CliCode;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::pipeline::{emit, load};
use super::{BundleArgs, CalendarArgs};
use crate::diag::Fatal;
use crate::report::selfreport;

#[derive(Args)]
#[command(mut_args(super::reword(&[
    ("rules", "规则集目录或内置规则集编号；代替材料中的考核指标"),
    ("verdicts", "评分人的评分文件，如有"),
])))]
pub(super) struct SelfreportArgs {
    #[command(flatten)]
    input: BundleArgs,
    /// 把草稿写入文件 FILE 而不是屏幕（不得位于材料目录内）
    #[arg(short = 'o', long = "output", value_name = "FILE.md")]
    output: Option<PathBuf>,
    #[command(flatten)]
    calendar: CalendarArgs,
}

pub(super) fn run(args: &SelfreportArgs) -> Result<ExitCode, Fatal> {
    // The draft is Markdown: a name that promises another format (.docx, .pdf) is refused
    // rather than filled with Markdown.
    if let Some(path) = &args.output
        && let Some(ext) = path.extension()
        && !["md", "markdown", "txt"].contains(&ext.to_string_lossy().to_ascii_lowercase().as_str())
    {
        return Err(super::cli_error(
            CliCode::OutputFormatUnsupported,
            format!(
                "自查报告草稿是 Markdown 文本，只能写成 .md 或 .txt 文件，无法写成「.{}」文件：{}；请用 -o 文件名.md，再用 WPS 或 Word 打开后另存为所需格式",
                ext.to_string_lossy(),
                path.display()
            ),
        ));
    }
    let loaded = load(&args.input, &args.calendar.calendar, args.output.as_deref())?;
    let assessment = loaded.score()?;
    let sentences =
        crate::score::township::selfreport(&loaded.rules, &loaded.evidence, &loaded.calendar);
    let text = selfreport::render(&assessment, &loaded.rules, &sentences);
    emit(text.as_bytes(), args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
