//! Documents (文档): a file's bytes → `Document` with text for text checks and tables.
//!
//! Readable: `.md` (text as written; GFM pipe tables and raw HTML tables), `.txt` (text as
//! written), `.html`/`.htm` (`<meta charset>` first; text without comments, script, style and
//! tags; HTML tables). `.docx`: `word/document.xml` read into the same HTML view (`docx.rs`).
//! `.pdf`: its text layer, line by line, with its plain-text table like a .txt (`pdf.rs`); a PDF
//! without one (a scan) and anything else (images, `.doc`) is listed and hashed, its text not
//! read: "已报送但无法读取" with the reason.

use crate::diag::DataCode;
use std::sync::Arc;

use crate::diag::Problem;
use crate::model::evidence::Document;
use crate::text::{document_text, is_html_ext};
use crate::value::Table;
use crate::value::Value;

use super::decode::{SAVE_AS_HINT, decode};
use super::docx::{DocxHtml, docx_html};
use super::fs::extension;
use super::lines::{html_lines, plain_table, text_lines};
use super::tables::{ReadTables, html_tables_read, markdown_tables};

/// Read a document that exists in the bundle. Never fails: an unreadable type or encoding
/// gives `text: None`, no tables, and a problem.
pub fn read_document(
    name: &str,
    file: &str,
    bytes: &[u8],
    fields: Vec<(Arc<str>, Value)>,
    problems: &mut Vec<Problem>,
) -> Document {
    let ext = extension(file);
    let mut doc = Document {
        name: name.to_string(),
        file: file.to_string(),
        text: None,
        tables: Vec::new(),
        lines: Vec::new(),
        fields,
    };
    if ext == "docx" {
        match docx_html(bytes) {
            Ok(DocxHtml { html, notes }) => {
                for note in notes {
                    problems.push(Problem::error(file, DataCode::TableTooLarge, note));
                }
                doc.text = Some(document_text("html", &html));
                doc.tables = read_tables(html_tables_read(&html), file, problems);
                doc.lines = html_lines(&html);
                number_tables(&mut doc);
                if doc.text.as_deref().is_some_and(str::is_empty) && doc.tables.is_empty() {
                    problems.push(Problem::warning(
                        file,
                        DataCode::EmptyDocument,
                        "文档中没有读到任何文字或表格：如果在 Word/WPS 中能看到内容，请重新保存为 .docx（或另存为 .html/.md）后报送",
                    ));
                }
            }
            Err(why) => problems.push(Problem::error(
                file,
                DataCode::CorruptFile,
                format!("{why}：文档的文字和表格无法读取，请在 Word/WPS 中重新保存为 .docx，或另存为 .html/.md"),
            )),
        }
        return doc;
    }
    if ext == "pdf" {
        match super::pdf::pdf_text(bytes) {
            Ok(text) => {
                doc.text = Some(document_text("txt", &text));
                doc.lines = text_lines(&text);
                doc.tables = plain_table(&doc.lines).into_iter().collect();
                number_tables(&mut doc);
            }
            Err(why) => problems.push(Problem::warning(
                file,
                DataCode::UnreadableDocument,
                format!("已报送但无法读取：{why}"),
            )),
        }
        return doc;
    }
    let readable = matches!(ext.as_str(), "md" | "txt") || is_html_ext(&ext);
    if !readable {
        let why = if ext.is_empty() {
            "没有扩展名，无法判断类型".to_string()
        } else {
            format!(".{ext} 文件的文字和表格不读取")
        };
        problems.push(Problem::warning(
            file,
            DataCode::UnreadableDocument,
            format!("已报送但无法读取：{why}"),
        ));
        return doc;
    }
    let raw = match decode(bytes, None, is_html_ext(&ext)) {
        Ok(d) => d.text,
        Err(message) => {
            problems.push(Problem::error(
                file,
                DataCode::BadEncoding,
                format!("{message}，文档的文字无法读取：{SAVE_AS_HINT}"),
            ));
            return doc;
        }
    };
    doc.text = Some(document_text(&ext, &raw));
    doc.lines = match ext.as_str() {
        "md" | "txt" => text_lines(&raw),
        _ => html_lines(&raw),
    };
    doc.tables = match ext.as_str() {
        "md" => read_tables(markdown_tables(&raw), file, problems),
        "txt" => plain_table(&doc.lines).into_iter().collect(),
        _ => read_tables(html_tables_read(&raw), file, problems),
    };
    number_tables(&mut doc);
    doc
}

/// A document's tables, with a problem naming the file when the tables' cap cut them.
fn read_tables(read: ReadTables, file: &str, problems: &mut Vec<Problem>) -> Vec<Table> {
    if let Some(cut) = read.cut {
        problems.push(Problem::error(file, DataCode::TableTooLarge, cut.message()));
    }
    read.tables
}

/// Every table knows its file and place, so a problem with one of its cells can name them.
fn number_tables(doc: &mut Document) {
    for (i, t) in doc.tables.iter_mut().enumerate() {
        t.file = doc.file.clone();
        t.number = i + 1;
    }
}
