//! Tables out of documents (indicators.md "表三的读取"): every GFM pipe table (outside code
//! fences) and every HTML `<table>`, in document order. Nested HTML tables: each table holds
//! its own rows, and an inner table's text is not part of the outer cell, so the innermost
//! table holding a row is the one that matches it. The grid is laid out as a browser does:
//! a cell spanning rows or columns is repeated into every slot it covers. A cell's text has
//! tags removed, entities decoded, NFKC applied and all whitespace removed.
//!
//! Markdown is first turned into an "HTML view" (pipe tables as `<table>`, raw HTML kept,
//! code blocks dropped) so one HTML table reader serves both formats and document order is
//! kept between pipe tables and raw HTML tables.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use unicode_normalization::UnicodeNormalization;

use crate::text::{HtmlToken, HtmlTokens, squash_whitespace};
use crate::value::Table;

/// What the tables of one document may hold together (issue 14: the cap used to be per table,
/// so forty tables of `rowspan=1000 colspan=1000` took 2.2 GB): grid slots (a cell spanning
/// rows or columns fills one slot per row and column it covers; a row's unfilled slots before
/// its last one count too, since they are allocated), rows and cells as written, all counted
/// against one budget. Beyond it the rest of the document's tables stay empty, and the caller
/// is told where the cut fell ([`TableCut`]).
pub const MAX_SLOTS: usize = 1_000_000;
/// The text copied into slots, all tables of a document together (a long cell spanning many
/// slots is copied into each).
pub const MAX_SLOT_BYTES: usize = 64 << 20;
/// HTML's own limits.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65534;

/// Where a document's table budget ran out: the table (1-based, in document order) and the
/// row of that table (1-based, as written) from which nothing more was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableCut {
    pub table: usize,
    pub row: usize,
}

impl TableCut {
    /// The sentence a problem carries (the caller names the file).
    pub fn message(&self) -> String {
        format!(
            "文件中的表格过大：所有表格合计超过 {MAX_SLOTS} 个单元格（合并单元格按所占格数计）的上限，第{}个表格第{}行起的内容未读取，依据这些表格的指标可能因此失分；请检查合并单元格（rowspan/colspan）是否写错，或把表格拆小后重新报送",
            self.table, self.row
        )
    }
}

/// The tables of one document, and where the budget cut them (`None`: read whole).
#[derive(Debug, Default)]
pub struct ReadTables {
    pub tables: Vec<Table>,
    pub cut: Option<TableCut>,
}

/// Every table of a Markdown document, pipe tables and raw HTML tables, in document order.
pub fn markdown_tables(md: &str) -> ReadTables {
    html_tables_read(&markdown_html_view(md))
}

/// Every `<table>` of an HTML text, in document order (by start tag), within the document's
/// budget.
pub fn html_tables_read(html: &str) -> ReadTables {
    tables_with(html, cell_text)
}

/// [`html_tables_read`] without the cut (tests and callers that only look).
pub fn html_tables(html: &str) -> Vec<Table> {
    html_tables_read(html).tables
}

/// Every `<table>` of an HTML text with cells as a ledger reads them (an `.xls` that is really
/// a web page): tags removed, entities decoded, each run of whitespace one space — no NFKC and
/// no squashing, so a title keeps its spelling (values are trimmed when typed).
pub fn html_ledger_tables(html: &str) -> ReadTables {
    tables_with(html, |raw| {
        let decoded = html_escape::decode_html_entities(raw);
        let mut out = String::with_capacity(decoded.len());
        for word in decoded
            .split(crate::text::is_space)
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    })
}

/// The budget of one document's tables (see [`MAX_SLOTS`]).
#[derive(Debug, Default)]
struct Budget {
    slots: usize,
    bytes: usize,
    cut: Option<TableCut>,
}

impl Budget {
    /// Take `n` slots (and `bytes` of text) for table `table`, row `row`; false (and the cut
    /// recorded, the first time) when the budget cannot give them.
    fn take(&mut self, n: usize, bytes: usize, table: usize, row: usize) -> bool {
        if self.cut.is_some() {
            return false;
        }
        if self.slots.saturating_add(n) > MAX_SLOTS
            || self.bytes.saturating_add(bytes) > MAX_SLOT_BYTES
        {
            self.cut = Some(TableCut { table, row });
            return false;
        }
        self.slots += n;
        self.bytes += bytes;
        true
    }
}

fn tables_with(html: &str, cell: fn(&str) -> String) -> ReadTables {
    let mut open: Vec<(usize, Builder)> = Vec::new();
    let mut done: Vec<(usize, Table)> = Vec::new();
    let mut next_order = 0;
    let mut budget = Budget::default();
    for token in HtmlTokens::new(html) {
        match &token {
            HtmlToken::Start { name, .. } if name == "table" => {
                open.push((next_order, Builder::default()));
                next_order += 1;
            }
            HtmlToken::End { name } if name == "table" => {
                if let Some((order, b)) = open.pop() {
                    done.push((order, b.finish(cell, order + 1, &mut budget)));
                }
            }
            _ => {
                let Some((order, b)) = open.last_mut() else {
                    continue;
                };
                let table = *order + 1;
                match &token {
                    HtmlToken::Start { name, .. } if name == "tr" => {
                        b.close_row();
                        b.start_row(table, &mut budget);
                    }
                    HtmlToken::End { name } if name == "tr" => b.close_row(),
                    HtmlToken::Start { name, .. } if name == "td" || name == "th" => {
                        b.close_cell();
                        if b.row.is_none() {
                            b.start_row(table, &mut budget);
                        }
                        // Every cell written takes at least one slot: counted as it is read,
                        // so a flood of `<td>` cannot fill memory before the layout.
                        if b.row.is_some() && budget.take(1, 0, table, b.rows.len() + 1) {
                            b.cell = Some(Cell {
                                raw: String::new(),
                                rowspan: span(token.attr("rowspan"), MAX_ROWSPAN),
                                colspan: span(token.attr("colspan"), MAX_COLSPAN).max(1),
                            });
                        }
                    }
                    HtmlToken::End { name } if name == "td" || name == "th" => b.close_cell(),
                    HtmlToken::Start { name, .. } | HtmlToken::End { name }
                        if matches!(name.as_str(), "thead" | "tbody" | "tfoot") =>
                    {
                        b.close_row()
                    }
                    HtmlToken::Text(t) => {
                        if let Some(c) = b.cell.as_mut() {
                            c.raw.push_str(t);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    // Unclosed tables end with the document.
    while let Some((order, b)) = open.pop() {
        done.push((order, b.finish(cell, order + 1, &mut budget)));
    }
    done.sort_by_key(|(order, _)| *order);
    ReadTables {
        tables: done.into_iter().map(|(_, t)| t).collect(),
        cut: budget.cut,
    }
}

/// `rowspan`/`colspan` value: 1 when absent or unreadable; `rowspan="0"` (to the end of the
/// table) is kept as 0 and resolved at layout.
fn span(v: Option<String>, max: usize) -> usize {
    match v.and_then(|s| s.trim().parse::<usize>().ok()) {
        Some(n) => n.min(max),
        None => 1,
    }
}

/// A cell's text: tags already gone; entities decoded, NFKC, whitespace removed.
pub fn cell_text(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    squash_whitespace(&decoded.nfkc().collect::<String>())
}

struct Cell {
    raw: String,
    rowspan: usize,
    colspan: usize,
}

#[derive(Default)]
struct Builder {
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<Cell>,
}

impl Builder {
    /// A new row, when the budget has a slot for it (a row costs one, written or not).
    fn start_row(&mut self, table: usize, budget: &mut Budget) {
        if budget.take(1, 0, table, self.rows.len() + 1) {
            self.row = Some(Vec::new());
        }
    }

    fn close_cell(&mut self) {
        if let Some(c) = self.cell.take() {
            self.row.get_or_insert_with(Vec::new).push(c);
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        if let Some(r) = self.row.take() {
            self.rows.push(r);
        }
    }

    fn finish(mut self, cell: fn(&str) -> String, table: usize, budget: &mut Budget) -> Table {
        self.close_row();
        Table {
            rows: layout(self.rows, cell, table, budget),
            ..Table::default()
        }
    }
}

/// The browser's slot assignment: each cell goes to the first free slot of its row and fills
/// `rowspan × colspan` slots. Every slot a row allocates (filled or a gap before a filled one)
/// and every byte copied into one is taken from the document's budget; past it the table
/// keeps what it has.
fn layout(
    rows: Vec<Vec<Cell>>,
    cell_text: fn(&str) -> String,
    table: usize,
    budget: &mut Budget,
) -> Vec<Vec<String>> {
    let n = rows.len();
    let mut grid: Vec<Vec<Option<String>>> = vec![Vec::new(); n];
    'rows: for (r, row) in rows.into_iter().enumerate() {
        let mut c = 0;
        for cell in row {
            while grid[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let text = cell_text(&cell.raw);
            let rs = if cell.rowspan == 0 {
                n - r
            } else {
                cell.rowspan.min(n - r)
            };
            for (i, line) in grid.iter_mut().skip(r).take(rs).enumerate() {
                for cc in c..c + cell.colspan {
                    let grow = (cc + 1).saturating_sub(line.len());
                    let fill = line.get(cc).is_none_or(Option::is_none);
                    let bytes = if fill { text.len() } else { 0 };
                    // The cell itself was counted when it was read.
                    let first = i == 0 && cc == c;
                    let slots = grow.saturating_sub(usize::from(first && grow > 0));
                    if (slots > 0 || bytes > 0) && !budget.take(slots, bytes, table, r + i + 1) {
                        break 'rows;
                    }
                    if grow > 0 {
                        line.resize(cc + 1, None);
                    }
                    if fill {
                        line[cc] = Some(text.clone());
                    }
                }
            }
            c += cell.colspan;
        }
    }
    grid.into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect()
}

/// Markdown → the HTML a renderer would produce, as far as tables go: pipe tables become
/// `<table>`, raw HTML passes through, code blocks (fenced or indented) are dropped, text is
/// escaped so that it never reads as markup.
fn markdown_html_view(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + 64);
    let mut in_code = 0usize;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            _ if in_code > 0 => {}
            Event::Start(Tag::Table(_)) => out.push_str("<table>"),
            Event::End(TagEnd::Table) => out.push_str("</table>"),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => out.push_str("<tr>"),
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => out.push_str("</tr>"),
            Event::Start(Tag::TableCell) => out.push_str("<td>"),
            Event::End(TagEnd::TableCell) => out.push_str("</td>"),
            Event::Text(t) | Event::Code(t) => {
                out.push_str(&html_escape::encode_text(&t));
            }
            Event::Html(h) | Event::InlineHtml(h) => out.push_str(&h),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) => out.push('\n'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn markdown_pipe_table() {
        let md = "# 年报\n\n| 本列有 | 数量 |\n|---|---:|\n| 本年新收 | 5 |\n| （七）总计 | 4 |\n";
        let t = markdown_tables(md).tables;
        assert_eq!(t.len(), 1);
        assert_eq!(
            rows(&t[0]),
            vec![
                vec!["本列有", "数量"],
                vec!["本年新收", "5"],
                vec!["(七)总计", "4"]
            ]
        );
    }

    #[test]
    fn markdown_code_fence_tables_ignored_and_order_kept() {
        let md = "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n\n<table><tr><td>html first</td></tr></table>\n\n| x |\n|---|\n| y |\n\n    <table><tr><td>indented code</td></tr></table>\n";
        let t = markdown_tables(md).tables;
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(rows(&t[0]), vec![vec!["htmlfirst"]]);
        assert_eq!(rows(&t[1]), vec![vec!["x"], vec!["y"]]);
    }

    #[test]
    fn markdown_without_delimiter_row_is_not_a_table() {
        assert!(markdown_tables("| a | b |\n| 1 | 2 |\n").tables.is_empty());
    }

    #[test]
    fn html_rowspan_colspan_grid() {
        let html = "<table>\
            <tr><th rowspan=2>项目</th><th colspan=\"2\">申请人情况</th><th>总计</th></tr>\
            <tr><td>自然人</td><td>法人</td><td rowspan=\"2\">7</td></tr>\
            <tr><td>本年&nbsp;新收</td><td>3</td><td>4</td></tr>\
            </table>";
        let t = html_tables(html);
        assert_eq!(
            rows(&t[0]),
            vec![
                vec!["项目", "申请人情况", "申请人情况", "总计"],
                vec!["项目", "自然人", "法人", "7"],
                vec!["本年新收", "3", "4", "7"],
            ]
        );
    }

    #[test]
    fn html_nested_tables_innermost_holds_rows() {
        let html = "<table><tr><td>外层<table><tr><td>本年新收</td><td>5</td></tr></table></td><td>9</td></tr></table>";
        let t = html_tables(html);
        assert_eq!(t.len(), 2);
        // Document order: the outer table first; its cell does not contain the inner text.
        assert_eq!(rows(&t[0]), vec![vec!["外层", "9"]]);
        assert_eq!(rows(&t[1]), vec![vec!["本年新收", "5"]]);
    }

    #[test]
    fn html_cells_nfkc_tags_entities_whitespace() {
        let html = "<table><tr><td> <b>（七）</b>总&#x8BA1;\n<br>　</td><td>１２</td></tr></table>";
        assert_eq!(rows(&html_tables(html)[0]), vec![vec!["(七)总计", "12"]]);
    }

    #[test]
    fn html_sloppy_markup_and_hostile_spans() {
        // Unclosed cells and rows, unclosed table, cells without <tr>.
        let t = html_tables("<table><td>a<td>b<tr><td>c");
        assert_eq!(rows(&t[0]), vec![vec!["a", "b"], vec!["c"]]);
        let mut big = String::from("<table>");
        for _ in 0..2000 {
            big.push_str("<tr><td rowspan=65534 colspan=1000>x</td></tr>");
        }
        let t = html_tables(&big);
        let slots: usize = t[0].rows.iter().map(Vec::len).sum();
        assert!(slots <= MAX_SLOTS);
    }

    #[test]
    fn the_slot_cap_is_for_all_tables_of_a_document() {
        // Each table: one cell of rowspan 1000 × colspan 1000 over 1,000 rows → 1,000,000
        // slots wanted. The first takes 1,000 rows (1,000 slots) and its cell (1) before the
        // layout, then 999,999 more would pass 1,000,000 at its row 1 … the budget is shared,
        // so the second table is cut where the first one left nothing.
        let one = format!(
            "<table><tr><td rowspan=1000 colspan=1000>x</td></tr>{}</table>",
            "<tr></tr>".repeat(999)
        );
        let read = html_tables_read(&one.repeat(40));
        let slots: usize = read.tables.iter().flat_map(|t| &t.rows).map(Vec::len).sum();
        assert!(slots <= MAX_SLOTS, "{slots}");
        let cut = read.cut.expect("cut");
        assert_eq!(cut.table, 1, "{cut:?}");
        assert!(cut.message().contains("第1个表格第"), "{}", cut.message());
        // Forty tables are all there (their rows may be empty past the cut).
        assert_eq!(read.tables.len(), 40);
    }

    #[test]
    fn gaps_before_a_spanning_cell_count_against_the_cap() {
        // Row 1 puts a rowspan cell at column 900,000; every row below would allocate 900,000
        // empty slots before it. Counted: the table stops at the cap.
        let mut html = String::from("<table><tr>");
        html.push_str(&"<td colspan=1000></td>".repeat(900));
        html.push_str("<td rowspan=65534>x</td></tr>");
        html.push_str(&"<tr></tr>".repeat(5000));
        html.push_str("</table>");
        let read = html_tables_read(&html);
        let slots: usize = read.tables[0].rows.iter().map(Vec::len).sum();
        assert!(slots <= MAX_SLOTS, "{slots}");
        assert!(read.cut.is_some());
    }

    #[test]
    fn an_ordinary_table_is_not_cut() {
        let read = html_tables_read(
            "<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
        );
        assert_eq!(read.cut, None);
        assert_eq!(rows(&read.tables[0]), vec![vec!["a", "b"], vec!["a", "c"]]);
    }

    #[test]
    fn rowspan_zero_runs_to_end() {
        let t = html_tables(
            "<table><tr><td rowspan=0>a</td><td>1</td></tr><tr><td>2</td></tr></table>",
        );
        assert_eq!(rows(&t[0]), vec![vec!["a", "1"], vec!["a", "2"]]);
    }
}
