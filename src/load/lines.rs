//! A document's lines (indicators.md "标题的认定") and the plain-text table of a .txt or a
//! PDF's text ("表三的读取").
//!
//! Lines: in .md and .txt each line; in HTML the text of each block (`p`, `h1`–`h6`, `div`,
//! `li`, `td`, `th`, and other block elements) and each stretch between two `<br>`, with inline
//! tags removed so that a heading split by a `<span>` is one line. Entities are decoded, lines
//! trimmed and empty ones dropped. A .docx goes through its HTML view (one `<p>` per paragraph).

use crate::text::{HtmlToken, HtmlTokens, trim};
use crate::value::Table;

use super::tables::cell_text;

/// No document yields more lines than this (a hostile file cannot exhaust memory through them).
const MAX_LINES: usize = 200_000;
/// How many numbers end a row of a plain-text table.
const PLAIN_COLUMNS: usize = 7;

/// Elements whose start and end break a line (the contract's blocks and their relatives).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "div"
            | "li"
            | "td"
            | "th"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "br"
            | "hr"
            | "title"
            | "body"
            | "head"
            | "html"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "blockquote"
            | "pre"
            | "center"
            | "form"
            | "address"
            | "figure"
            | "figcaption"
    )
}

/// Lines of plain text (.md, .txt, a PDF's text).
pub fn text_lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(trim)
        .filter(|l| !l.is_empty())
        .take(MAX_LINES)
        .map(str::to_string)
        .collect()
}

/// Lines of an HTML text: one per block, inline tags removed, entities decoded.
pub fn html_lines(html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, lines: &mut Vec<String>| {
        if lines.len() < MAX_LINES {
            let decoded = html_escape::decode_html_entities(current.as_str());
            // Source line breaks inside a block are not line breaks in a browser.
            let joined: String = decoded
                .chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            let t = trim(&joined);
            if !t.is_empty() {
                lines.push(t.to_string());
            }
        }
        current.clear();
    };
    for token in HtmlTokens::new(html) {
        match token {
            HtmlToken::Text(t) => current.push_str(t),
            HtmlToken::Start { name, .. } | HtmlToken::End { name } => {
                if is_block(&name) {
                    flush(&mut current, &mut lines);
                }
            }
        }
    }
    flush(&mut current, &mut lines);
    lines
}

/// The plain-text table of `lines`: every line that ends with seven whitespace-separated
/// non-negative integers is one row, in order, its label the text before the numbers; rows
/// are `[label, n1, …, n7]` (aligned on their right end). `None` when no line qualifies.
pub fn plain_table(lines: &[String]) -> Option<Table> {
    let mut rows = Vec::new();
    for line in lines {
        let tokens = tokens(line);
        if tokens.len() < PLAIN_COLUMNS {
            continue;
        }
        let (first_number, _) = tokens[tokens.len() - PLAIN_COLUMNS];
        let numbers: Vec<String> = tokens[tokens.len() - PLAIN_COLUMNS..]
            .iter()
            .map(|(_, t)| cell_text(t))
            .collect();
        let digits =
            |t: &String| !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit());
        if !numbers.iter().all(digits) {
            continue;
        }
        let mut row = vec![cell_text(&line[..first_number])];
        row.extend(numbers);
        rows.push(row);
    }
    (!rows.is_empty()).then(|| Table {
        rows,
        ..Table::default()
    })
}

/// The whitespace-separated tokens of a line with their byte offsets.
fn tokens(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (crate::text::is_space(c), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_blocks_and_inline_tags() {
        let html = "<html><head><title>xx镇2021年年报</title><style>p{}</style></head><body>\
            <div class=WordSection1><p class=MsoNormal><b><span style='mso-bidi-font-size:10.5pt'>一、</span></b>\
            <b><span>总体<o:p></o:p>情况</span></b></p>\
            <p>本报告由总体情况、&nbsp;主动公开政府信息情况组成。<br>第二行</p>\
            <![if !supportLists]><span>二、</span><![endif]><p>x</p>\
            <!--[if gte mso 9]><xml>一、总体情况</xml><![endif]--></div></body></html>";
        assert_eq!(
            html_lines(html),
            vec![
                "xx镇2021年年报",
                "一、总体情况",
                "本报告由总体情况、\u{a0}主动公开政府信息情况组成。",
                "第二行",
                "二、",
                "x"
            ]
        );
    }

    #[test]
    fn text_lines_trimmed_nonempty() {
        assert_eq!(text_lines("  a \r\n\n\u{3000}b\n"), vec!["a", "b"]);
    }

    #[test]
    fn plain_table_tabs_and_spaces() {
        let lines = text_lines(
            "表三\n项目\t自然人\n一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n\
             （七）总计        1   0   0   0   0   0   1\n\
             三、本年度办理结果\n\
             （三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0\n\
             2021年 共 5 件\n",
        );
        let t = plain_table(&lines).unwrap();
        assert_eq!(
            t.rows,
            vec![
                vec![
                    "一、本年新收政府信息公开申请数量",
                    "3",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "3"
                ],
                vec!["(七)总计", "1", "0", "0", "0", "0", "0", "1"],
                vec![
                    "(三)不予公开1.属于国家秘密",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0"
                ],
            ]
        );
        assert!(plain_table(&text_lines("没有表格\n1 2 3")).is_none());
    }

    #[test]
    fn plain_table_eight_numbers_and_full_width() {
        let lines = text_lines("1 2 3 4 5 6 7 8\n本年新收　１　０　０　０　０　０　１\n");
        let t = plain_table(&lines).unwrap();
        assert_eq!(t.rows[0], vec!["1", "2", "3", "4", "5", "6", "7", "8"]);
        assert_eq!(
            t.rows[1],
            vec!["本年新收", "1", "0", "0", "0", "0", "0", "1"]
        );
    }
}
