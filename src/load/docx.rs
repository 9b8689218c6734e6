//! `.docx` documents: `word/document.xml` (zip + quick-xml) → the same HTML view that `.md`
//! and `.html` documents go through, so text checks and Table 3 read a Word file exactly as
//! they read a web page.
//!
//! Paragraphs (`w:p`, text in `w:t`, `w:tab`, `w:br`) become `<p>`; tables (`w:tbl`/`w:tr`/
//! `w:tc`) become `<table>`, with `w:gridSpan` as `colspan`, a `w:vMerge` run (restart, then
//! continue cells in the same grid column) as `rowspan`, and `w:gridBefore` as leading empty
//! cells. Deleted text (`w:delText`) and field codes (`w:instrText`) are not text.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::guard::{self, CORRUPT};

/// Deeper tables than this (a table in a cell in a table …) are read as text only.
const MAX_TABLE_DEPTH: usize = 32;

#[derive(Debug, Default)]
struct Cell {
    span: usize,
    /// `Some(true)`: starts a vertical merge; `Some(false)`: continues the one above.
    vmerge: Option<bool>,
    html: String,
}

#[derive(Debug, Default)]
struct Row {
    before: usize,
    cells: Vec<Cell>,
}

#[derive(Debug, Default)]
struct Tbl {
    rows: Vec<Row>,
}

/// The HTML view of a .docx file's bytes, or why it cannot be read.
pub fn docx_html(bytes: &[u8]) -> Result<String, String> {
    let xml = match super::zip::read_named(bytes, "word/document.xml") {
        Ok(Some(xml)) => xml,
        Ok(None) => {
            return Err("不是有效的 .docx 文件（缺少 word/document.xml）".to_string());
        }
        Err(m) => return Err(format!("不是有效的 .docx 文件：{m}")),
    };
    guard::catch(|| document_html(&xml)).unwrap_or_else(|| Err(CORRUPT.to_string()))
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.local_name();
        (key.as_ref() == local).then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `word/document.xml` → HTML.
pub fn document_html(xml: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut body = String::new();
    let mut tables: Vec<Tbl> = Vec::new();
    // Paragraphs nest (a text box inside a run holds paragraphs of its own).
    let mut paras: Vec<String> = Vec::new();
    let mut in_text = false;
    let mut runs = 0usize;
    let mut skipped_tables = 0usize;

    // Where a finished paragraph or table goes: the open cell of the innermost table, else the
    // body.
    fn sink<'a>(tables: &'a mut [Tbl], body: &'a mut String) -> &'a mut String {
        match tables
            .last_mut()
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
        {
            Some(c) => &mut c.html,
            None => body,
        }
    }

    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("word/document.xml 格式错误（{e}），文件已损坏"))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                b"p" => paras.push(String::new()),
                b"r" => runs += 1,
                b"t" => in_text = true,
                b"tbl" if tables.len() < MAX_TABLE_DEPTH => tables.push(Tbl::default()),
                b"tbl" => skipped_tables += 1,
                b"tr" if skipped_tables == 0 => {
                    if let Some(t) = tables.last_mut() {
                        t.rows.push(Row::default());
                    }
                }
                b"tc" if skipped_tables == 0 => {
                    if let Some(r) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                        r.cells.push(Cell {
                            span: 1,
                            ..Cell::default()
                        });
                    }
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if runs > 0 => {
                    if let Some(p) = paras.last_mut() {
                        p.push('\t');
                    }
                }
                b"br" | b"cr" if runs > 0 => {
                    if let Some(p) = paras.last_mut() {
                        p.push('\n');
                    }
                }
                b"p" => {
                    let s = sink(&mut tables, &mut body);
                    s.push_str("<p></p>");
                }
                b"gridSpan" if skipped_tables == 0 => {
                    let span = attr(&e, b"val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 1000);
                    if let Some(c) = tables
                        .last_mut()
                        .and_then(|t| t.rows.last_mut())
                        .and_then(|r| r.cells.last_mut())
                    {
                        c.span = span;
                    }
                }
                b"vMerge" if skipped_tables == 0 => {
                    let restart = attr(&e, b"val").is_some_and(|v| v == "restart");
                    if let Some(c) = tables
                        .last_mut()
                        .and_then(|t| t.rows.last_mut())
                        .and_then(|r| r.cells.last_mut())
                    {
                        c.vmerge = Some(restart);
                    }
                }
                b"gridBefore" if skipped_tables == 0 => {
                    let n = attr(&e, b"val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0)
                        .min(1000);
                    if let Some(r) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                        r.before = n;
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"r" => runs = runs.saturating_sub(1),
                b"p" => {
                    if let Some(p) = paras.pop() {
                        let html = format!("<p>{}</p>", escape(&p));
                        match paras.last_mut() {
                            // A text box's paragraph is part of the paragraph around it.
                            Some(outer) => {
                                outer.push_str(&p);
                            }
                            None => sink(&mut tables, &mut body).push_str(&html),
                        }
                    }
                }
                b"tbl" if skipped_tables > 0 => skipped_tables -= 1,
                b"tbl" => {
                    if let Some(t) = tables.pop() {
                        let html = table_html(&t);
                        sink(&mut tables, &mut body).push_str(&html);
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t
                    .decode()
                    .map_err(|e| format!("word/document.xml 编码错误（{e}）"))?;
                if let Some(p) = paras.last_mut() {
                    p.push_str(&s);
                }
            }
            Event::CData(t) if in_text => {
                if let Some(p) = paras.last_mut() {
                    p.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                };
                if let (Some(c), Some(p)) = (c, paras.last_mut()) {
                    p.push(c);
                }
            }
            _ => {}
        }
        buf.clear();
    }
    // An unclosed table (a truncated file) still shows what it had.
    while let Some(t) = tables.pop() {
        let html = table_html(&t);
        sink(&mut tables, &mut body).push_str(&html);
    }
    Ok(format!("<html><body>{body}</body></html>"))
}

/// One Word table as HTML: continued vertical merges are folded into the `rowspan` of the cell
/// that started them (same starting grid column).
fn table_html(t: &Tbl) -> String {
    // Starting grid column of every cell.
    let starts: Vec<Vec<usize>> = t
        .rows
        .iter()
        .map(|r| {
            let mut col = r.before;
            r.cells
                .iter()
                .map(|c| {
                    let s = col;
                    col = col.saturating_add(c.span);
                    s
                })
                .collect()
        })
        .collect();
    let continues = |row: usize, col: usize| -> bool {
        t.rows[row]
            .cells
            .iter()
            .zip(&starts[row])
            .any(|(c, &s)| s == col && c.vmerge == Some(false))
    };
    let mut html = String::from("<table>");
    for (ri, r) in t.rows.iter().enumerate() {
        html.push_str("<tr>");
        for _ in 0..r.before {
            html.push_str("<td></td>");
        }
        for (c, &start) in r.cells.iter().zip(&starts[ri]) {
            if c.vmerge == Some(false) {
                continue;
            }
            let mut rowspan = 1;
            if c.vmerge == Some(true) {
                while ri + rowspan < t.rows.len() && continues(ri + rowspan, start) {
                    rowspan += 1;
                }
            }
            html.push_str("<td");
            if c.span > 1 {
                html.push_str(&format!(" colspan=\"{}\"", c.span));
            }
            if rowspan > 1 {
                html.push_str(&format!(" rowspan=\"{rowspan}\""));
            }
            html.push('>');
            html.push_str(&c.html);
            html.push_str("</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::tables::html_tables;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn paragraphs_and_spans() {
        let xml = format!(
            r#"<w:document {W}><w:body>
<w:p><w:r><w:t>一、总体情况</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">A &amp; B</w:t></w:r></w:p>
<w:tbl><w:tblGrid/>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>三、本年度办理结果</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>（一）予以公开</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>（七）总计</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>四、结转下年度继续办理</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl></w:body></w:document>"#
        );
        let html = document_html(xml.as_bytes()).unwrap();
        assert!(html.contains("<p>一、总体情况\tA &amp; B</p>"), "{html}");
        let tables = html_tables(&html);
        assert_eq!(tables.len(), 1);
        let rows = &tables[0].rows;
        assert_eq!(rows[0][0], "三、本年度办理结果", "{rows:?}");
        assert_eq!(rows[1][0], "三、本年度办理结果", "{rows:?}");
        assert_eq!(rows[1][1], "(七)总计"); // NFKC, as for every table
        assert_eq!(rows[2][0], "四、结转下年度继续办理");
        assert_eq!(rows[2][1], "四、结转下年度继续办理");
        assert_eq!(rows[2][2], "1");
    }

    #[test]
    fn broken_xml_and_non_docx() {
        assert!(document_html(b"<w:document><w:body><w:p></w:body>").is_err());
        assert!(docx_html(b"not a zip").is_err());
    }
}
