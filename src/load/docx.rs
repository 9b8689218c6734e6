//! `.docx` documents: `word/document.xml` (zip + quick-xml) → the same HTML view that `.md`
//! and `.html` documents go through, so text checks and Table 3 read a Word file exactly as
//! they read a web page.
//!
//! Paragraphs (`w:p`, text in `w:t`, `w:tab`, `w:br`) become `<p>`; tables (`w:tbl`/`w:tr`/
//! `w:tc`) become `<table>`, with `w:gridSpan` as `colspan`, a `w:vMerge` run (restart, then
//! continue cells in the same grid column) as `rowspan`, and `w:gridBefore` as leading empty
//! cells. Deleted text (`w:delText`) and field codes (`w:instrText`) are not text.

use std::borrow::Cow;
use std::collections::HashMap;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::guard::{self, CORRUPT};

/// Deeper tables than this (a table in a cell in a table …) are read as text only.
const MAX_TABLE_DEPTH: usize = 32;
/// Grid cells one Word table may hold: every row's `w:gridBefore` plus each cell's
/// `w:gridSpan` (Word itself stops at 63 columns; an annual report's largest table has a few
/// hundred cells). Past it the rest of that table is not read.
pub const MAX_TABLE_CELLS: usize = 100_000;
/// Grid cells all the tables of one document may hold together (a cell of a nested table
/// counts in its own table and here).
pub const MAX_DOCUMENT_CELLS: usize = 500_000;
/// `w:gridSpan` and `w:gridBefore` above this are read as this (HTML's own `colspan` limit).
const MAX_SPAN: usize = 1000;

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
    /// 1-based place among the document's tables (document order, as the HTML view numbers
    /// them).
    number: usize,
    rows: Vec<Row>,
    /// Rows as written (`w:tr`), read or not.
    rows_seen: usize,
    /// Grid cells taken so far.
    cells: usize,
    /// The cap was reached: nothing more of this table is read.
    cut: bool,
    /// The current row, or the current cell, is not being read (the cap).
    skip_row: bool,
    skip_cell: bool,
}

impl Tbl {
    fn skipping(&self) -> bool {
        self.skip_row || self.skip_cell
    }
}

/// The HTML view of a .docx, and what was left out of it.
#[derive(Debug, Default)]
pub struct DocxHtml {
    pub html: String,
    /// Sentences for the problems a caller reports under the file's name (a table cut at a
    /// cap, an encoding converted).
    pub notes: Vec<String>,
}

/// The HTML view of a .docx file's bytes, or why it cannot be read.
pub fn docx_html(bytes: &[u8]) -> Result<DocxHtml, String> {
    let xml = match super::zip::read_named(bytes, "word/document.xml") {
        Ok(Some(xml)) => xml,
        Ok(None) => {
            return Err("不是有效的 .docx 文件（缺少 word/document.xml）".to_string());
        }
        Err(m) => return Err(format!("不是有效的 .docx 文件：{m}")),
    };
    let xml = xml_as_utf8(&xml)?;
    guard::catch(|| document_html(&xml)).unwrap_or_else(|| Err(CORRUPT.to_string()))
}

/// `word/document.xml` as UTF-8: XML may be stored as UTF-16 (a byte-order mark, or `<` as
/// two bytes `3C 00` / `00 3C`, which is how XML 1.0 Appendix F tells it) or name another
/// encoding in its declaration; Word writes UTF-8, other programs sometimes UTF-16. Anything
/// that does not decode cleanly is refused with what was found — never read as empty.
fn xml_as_utf8(xml: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    let (enc, body) = if let Some((enc, len)) = Encoding::for_bom(xml) {
        (enc, &xml[len..])
    } else if xml.starts_with(b"<\0") {
        (UTF_16LE, xml)
    } else if xml.starts_with(b"\0<") {
        (UTF_16BE, xml)
    } else {
        match declared_encoding(xml) {
            Some(label) => match Encoding::for_label_no_replacement(label.as_bytes()) {
                // A declaration saying UTF-16 over bytes that are not (the check above) is
                // a slip of the program that wrote it: the bytes are what they are.
                Some(enc) if enc == UTF_16LE || enc == UTF_16BE => (UTF_8, xml),
                Some(enc) => (enc, xml),
                None => {
                    return Err(format!(
                        "word/document.xml 声明的编码「{}」无法识别，文档内容无法读取",
                        label.chars().take(40).collect::<String>()
                    ));
                }
            },
            None => (UTF_8, xml),
        }
    };
    if enc == UTF_8 {
        return Ok(without_declaration(Cow::Borrowed(body)));
    }
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    if had_errors {
        return Err(format!(
            "word/document.xml 按 {} 编码读取时遇到无法识别的字节，文档内容无法读取",
            enc.name()
        ));
    }
    Ok(without_declaration(Cow::Owned(
        text.into_owned().into_bytes(),
    )))
}

/// The XML without its declaration: the text is UTF-8 now, and the XML reader would otherwise
/// decode it by the encoding the declaration names.
fn without_declaration(xml: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    if !xml.starts_with(b"<?xml") {
        return xml;
    }
    let Some(end) = xml.windows(2).take(400).position(|w| w == b"?>") else {
        return xml;
    };
    match xml {
        Cow::Borrowed(b) => Cow::Borrowed(&b[end + 2..]),
        Cow::Owned(mut v) => {
            v.drain(..end + 2);
            Cow::Owned(v)
        }
    }
}

/// `encoding="…"` of an XML declaration at the very start, if any.
fn declared_encoding(xml: &[u8]) -> Option<String> {
    let head = &xml[..xml.len().min(200)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
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

/// Grid cells of a table and of the whole document, taken under their caps.
struct Cells {
    document: usize,
    /// The first table cut by its own cap: (table number, row as written).
    table_cut: Option<(usize, usize)>,
    /// Where the document's cap cut: (table number, row as written); every table after it
    /// is cut too.
    document_cut: Option<(usize, usize)>,
}

impl Cells {
    /// Take `n` grid cells for table `t`; false (the table then reads nothing more) when a
    /// cap would be passed.
    fn take(&mut self, t: &mut Tbl, n: usize) -> bool {
        if t.cut {
            return false;
        }
        let table_over = t.cells.saturating_add(n) > MAX_TABLE_CELLS;
        let doc_over = self.document.saturating_add(n) > MAX_DOCUMENT_CELLS;
        if table_over || doc_over {
            t.cut = true;
            let at = Some((t.number, t.rows_seen.max(1)));
            if table_over {
                self.table_cut = self.table_cut.or(at);
            } else {
                self.document_cut = self.document_cut.or(at);
            }
            return false;
        }
        t.cells += n;
        self.document += n;
        true
    }
}

/// `word/document.xml` (UTF-8) → HTML.
pub fn document_html(xml: &[u8]) -> Result<DocxHtml, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut body = String::new();
    let mut tables: Vec<Tbl> = Vec::new();
    // Paragraphs nest (a text box inside a run holds paragraphs of its own).
    let mut paras: Vec<String> = Vec::new();
    let mut in_text = false;
    let mut runs = 0usize;
    let mut skipped_tables = 0usize;
    let mut numbered = 0usize;
    let mut cells = Cells {
        document: 0,
        table_cut: None,
        document_cut: None,
    };
    // Text of cells that are not read (past a cap) goes here and is thrown away.
    let mut discard = String::new();

    // Where a finished paragraph or table goes: the open cell of the innermost table, else the
    // body (or nowhere, in a cell past a cap).
    fn sink<'a>(
        tables: &'a mut [Tbl],
        body: &'a mut String,
        discard: &'a mut String,
    ) -> &'a mut String {
        if tables.last().is_some_and(Tbl::skipping) {
            discard.clear();
            return discard;
        }
        match tables
            .last_mut()
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
        {
            Some(c) => &mut c.html,
            None => body,
        }
    }
    // The cell being read of the innermost table, when one is.
    fn open_cell(tables: &mut [Tbl]) -> Option<&mut Cell> {
        let t = tables.last_mut()?;
        if t.skipping() {
            return None;
        }
        t.rows.last_mut().and_then(|r| r.cells.last_mut())
    }

    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "word/document.xml 格式错误（{}），文件已损坏",
                crate::diag::foreign::xml_error(&e)
            )
        })?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                b"p" => paras.push(String::new()),
                b"r" => runs += 1,
                b"t" => in_text = true,
                b"tbl"
                    if skipped_tables == 0
                        && tables.len() < MAX_TABLE_DEPTH
                        && !tables.last().is_some_and(Tbl::skipping) =>
                {
                    numbered += 1;
                    tables.push(Tbl {
                        number: numbered,
                        ..Tbl::default()
                    });
                }
                b"tbl" => skipped_tables += 1,
                b"tr" if skipped_tables == 0 => {
                    if let Some(t) = tables.last_mut() {
                        t.rows_seen += 1;
                        t.skip_cell = false;
                        t.skip_row = t.cut;
                        if !t.cut {
                            t.rows.push(Row::default());
                        }
                    }
                }
                b"tc" if skipped_tables == 0 => {
                    if let Some(t) = tables.last_mut() {
                        // A cell outside any row (a broken file) keeps its text in the
                        // text around the table, as before the caps.
                        t.skip_cell = t.skip_row || (!t.rows.is_empty() && !cells.take(t, 1));
                        if !t.skip_cell {
                            if let Some(r) = t.rows.last_mut() {
                                r.cells.push(Cell {
                                    span: 1,
                                    ..Cell::default()
                                });
                            }
                        }
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
                    let s = sink(&mut tables, &mut body, &mut discard);
                    s.push_str("<p></p>");
                }
                b"gridSpan" if skipped_tables == 0 => {
                    let span = attr(&e, b"val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPAN);
                    if let Some(t) = tables.last_mut().filter(|t| !t.skipping()) {
                        // The cell's first grid cell was taken when it opened.
                        let extra = span - 1;
                        let got = extra == 0 || cells.take(t, extra);
                        if let Some(c) = t.rows.last_mut().and_then(|r| r.cells.last_mut()) {
                            c.span = if got { span } else { c.span };
                        }
                    }
                }
                b"vMerge" if skipped_tables == 0 => {
                    let restart = attr(&e, b"val").is_some_and(|v| v == "restart");
                    if let Some(c) = open_cell(&mut tables) {
                        c.vmerge = Some(restart);
                    }
                }
                b"gridBefore" if skipped_tables == 0 => {
                    let n = attr(&e, b"val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0)
                        .min(MAX_SPAN);
                    if let Some(t) = tables.last_mut().filter(|t| !t.skip_row) {
                        if n > 0 && cells.take(t, n) {
                            if let Some(r) = t.rows.last_mut() {
                                r.before = n;
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"r" => runs = runs.saturating_sub(1),
                b"p" => {
                    if let Some(p) = paras.pop() {
                        match paras.last_mut() {
                            // A text box's paragraph is part of the paragraph around it.
                            Some(outer) => {
                                outer.push_str(&p);
                            }
                            None => {
                                let html = format!("<p>{}</p>", escape(&p));
                                sink(&mut tables, &mut body, &mut discard).push_str(&html);
                            }
                        }
                    }
                }
                b"tc" if skipped_tables == 0 => {
                    if let Some(t) = tables.last_mut() {
                        t.skip_cell = false;
                    }
                }
                b"tr" if skipped_tables == 0 => {
                    if let Some(t) = tables.last_mut() {
                        t.skip_row = false;
                        t.skip_cell = false;
                    }
                }
                b"tbl" if skipped_tables > 0 => skipped_tables -= 1,
                b"tbl" => {
                    if let Some(t) = tables.pop() {
                        let html = table_html(&t);
                        sink(&mut tables, &mut body, &mut discard).push_str(&html);
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t.decode().map_err(|e| {
                    format!(
                        "word/document.xml 编码错误（{}）",
                        crate::diag::foreign::xml_error(&e.into())
                    )
                })?;
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
        sink(&mut tables, &mut body, &mut discard).push_str(&html);
    }
    let mut notes = Vec::new();
    if let Some((table, row)) = cells.table_cut {
        notes.push(format!(
            "第{table}个表格过大：超过单个表格 {MAX_TABLE_CELLS} 个单元格（合并单元格按所占格数计）的上限，该表第{row}行起的内容未读取，依据该表的指标可能因此失分；请检查表格是否有误（如 gridBefore、gridSpan 写错），或把表格拆小后重新报送"
        ));
    }
    if let Some((table, row)) = cells.document_cut {
        notes.push(format!(
            "文档中的表格过大：所有表格合计超过 {MAX_DOCUMENT_CELLS} 个单元格（合并单元格按所占格数计）的上限，第{table}个表格第{row}行起的表格内容未读取，依据这些表格的指标可能因此失分；请检查表格是否有误，或把表格拆小后重新报送"
        ));
    }
    Ok(DocxHtml {
        html: format!("<html><body>{body}</body></html>"),
        notes,
    })
}

/// One Word table as HTML: continued vertical merges are folded into the `rowspan` of the cell
/// that started them (same starting grid column). Linear in the cells: the rows are walked
/// once from the bottom, keeping for each grid column how many rows below continue a merge
/// there.
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
    // rowspans[r][i]: the rowspan of cell i of row r (for a merge's first cell).
    let mut rowspans: Vec<Vec<usize>> = vec![Vec::new(); t.rows.len()];
    // Grid column → rows continuing a merge there, from the row below downwards.
    let mut below: HashMap<usize, usize> = HashMap::new();
    for ri in (0..t.rows.len()).rev() {
        let row = &t.rows[ri];
        let mut here: HashMap<usize, usize> = HashMap::new();
        rowspans[ri] = row
            .cells
            .iter()
            .zip(&starts[ri])
            .map(|(c, &s)| {
                let continuing = below.get(&s).copied().unwrap_or(0);
                if c.vmerge == Some(false) {
                    here.insert(s, continuing + 1);
                }
                if c.vmerge == Some(true) {
                    continuing + 1
                } else {
                    1
                }
            })
            .collect();
        below = here;
    }
    let mut html = String::from("<table>");
    for (ri, r) in t.rows.iter().enumerate() {
        html.push_str("<tr>");
        // Leading empty grid cells: one cell spanning them (the same grid, without a `<td>`
        // per column).
        match r.before {
            0 => {}
            1 => html.push_str("<td></td>"),
            n => html.push_str(&format!("<td colspan=\"{n}\"></td>")),
        }
        for (c, &rowspan) in r.cells.iter().zip(&rowspans[ri]) {
            if c.vmerge == Some(false) {
                continue;
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
        let html = document_html(xml.as_bytes()).unwrap().html;
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

    fn cell(text: &str, props: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn vertical_merges_over_many_rows_and_columns() {
        // 3 columns, 4 rows: column 0 merged over all four rows, column 2 over rows 2–3.
        let mut xml = format!("<w:document {W}><w:body><w:tbl>");
        for r in 0..4 {
            xml.push_str("<w:tr>");
            xml.push_str(&if r == 0 {
                cell("甲", r#"<w:vMerge w:val="restart"/>"#)
            } else {
                cell("", "<w:vMerge/>")
            });
            xml.push_str(&cell(&format!("b{r}"), ""));
            xml.push_str(&match r {
                1 => cell("丙", r#"<w:vMerge w:val="restart"/>"#),
                2 => cell("", "<w:vMerge/>"),
                _ => cell(&format!("c{r}"), ""),
            });
            xml.push_str("</w:tr>");
        }
        xml.push_str("</w:tbl></w:body></w:document>");
        let html = document_html(xml.as_bytes()).unwrap();
        assert!(html.notes.is_empty());
        let t = html_tables(&html.html);
        let rows: Vec<Vec<&str>> = t[0]
            .rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["甲", "b0", "c0"],
                vec!["甲", "b1", "丙"],
                vec!["甲", "b2", "丙"],
                vec!["甲", "b3", "c3"],
            ]
        );
    }

    #[test]
    fn grid_before_is_one_spanning_cell_and_the_cap_cuts_with_a_note() {
        let row = r#"<w:tr><w:trPr><w:gridBefore w:val="1000"/></w:trPr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"#;
        // 99 rows of 1,001 grid cells = 99,099: under the 100,000 per table.
        let xml = format!(
            "<w:document {W}><w:body><w:tbl>{}</w:tbl></w:body></w:document>",
            row.repeat(99)
        );
        let out = document_html(xml.as_bytes()).unwrap();
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        assert_eq!(out.html.matches("<td colspan=\"1000\"></td>").count(), 99);
        // 100 rows: the 100th row's gridBefore would pass 100,000 → cut at row 100.
        let xml = format!(
            "<w:document {W}><w:body><w:tbl>{}</w:tbl><w:p><w:r><w:t>表后</w:t></w:r></w:p></w:body></w:document>",
            row.repeat(150)
        );
        let out = document_html(xml.as_bytes()).unwrap();
        assert_eq!(out.notes.len(), 1);
        assert!(out.notes[0].contains("第1个表格过大"), "{}", out.notes[0]);
        assert!(out.notes[0].contains("第100行起"), "{}", out.notes[0]);
        assert_eq!(out.html.matches("<p>x</p>").count(), 99);
        // The text after the table is still read.
        assert!(out.html.contains("<p>表后</p>"));
    }

    #[test]
    fn the_document_cap_counts_all_tables() {
        // Six tables of 100 rows × 1,000 grid cells (100,000 each, at the table cap): the
        // sixth passes 500,000 for the document and is cut at its first row.
        let row = r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p/></w:tc></w:tr>"#;
        let table = format!("<w:tbl>{}</w:tbl>", row.repeat(100));
        let xml = format!(
            "<w:document {W}><w:body>{}</w:body></w:document>",
            table.repeat(6)
        );
        let out = document_html(xml.as_bytes()).unwrap();
        assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
        assert!(
            out.notes[0].contains("所有表格合计超过 500000"),
            "{}",
            out.notes[0]
        );
        assert!(
            out.notes[0].contains("第6个表格第1行起"),
            "{}",
            out.notes[0]
        );
    }

    #[test]
    fn utf16_document_xml_is_decoded() {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-16" standalone="yes"?><w:document {W}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:body></w:document>"#
        );
        let mut le = vec![0xFF, 0xFE];
        le.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be_no_bom = Vec::new();
        be_no_bom.extend(xml.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [le, be_no_bom] {
            let utf8 = xml_as_utf8(&bytes).unwrap();
            let out = document_html(&utf8).unwrap();
            assert!(out.html.contains("<p>一、总体情况</p>"), "{}", out.html);
        }
        // An odd byte count cannot be UTF-16: refused, never read as empty.
        let mut bad = vec![0xFF, 0xFE];
        bad.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        bad.extend([0x00, 0xD8, 0x41]);
        assert!(xml_as_utf8(&bad).unwrap_err().contains("UTF-16"));
    }
}
