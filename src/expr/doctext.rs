//! The pure text and table helpers behind the document built-ins (`normalize`,
//! `strip_markdown`, `strip_numbering`, `cell_number`, `table_rows`, `column_sums`): generic
//! rules for reading a report's lines and table cells (indicators.md "标题的认定" and
//! "表三的读取"). Nothing here knows a heading or a row label: those live in the rule files.

use crate::diag::DataCode;
use std::cell::RefCell;
use std::sync::Arc;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use unicode_normalization::UnicodeNormalization;

use super::functions::Func;
use crate::diag::Problem;
use crate::text::{clean, is_space};
use crate::value::Table;
use crate::value::{Record, Value};

/// Evaluates the document, table and list built-ins of this module (arguments already
/// evaluated). `problems` receives a data problem for every unreadable cell `row_numbers`
/// reads.
pub(crate) fn call(func: Func, vals: &[Value; 3], problems: &RefCell<Vec<Problem>>) -> Value {
    let v0 = &vals[0];
    let text0 = v0.as_text();
    let text = |f: &dyn Fn(&str) -> String| text0.map_or(Value::Null, |t| Value::text(f(t)));
    let whole = |v: &Value| {
        v.as_num()
            .filter(|n| n.fract().is_zero())
            .and_then(|n| n.to_i64())
    };
    match func {
        Func::Lines => match v0 {
            Value::Doc(d) if d.text().is_some() => {
                Value::list(d.lines().iter().map(Value::text).collect())
            }
            _ => Value::Null,
        },
        Func::Normalize => text(&normalize),
        Func::StripMarkdown => text(&strip_markdown),
        Func::StripNumbering => text(&|t| strip_numbering(t).to_string()),
        Func::TableRows => match v0 {
            Value::Table(t) => Value::list(
                (0..t.rows.len())
                    .filter_map(|i| {
                        let cells = padded_row(t, i)?;
                        Some(Value::Record(Arc::new(Record {
                            fields: vec![
                                (Arc::from("row"), Value::Num(Decimal::from(i + 1))),
                                (
                                    Arc::from("cells"),
                                    Value::list(cells.into_iter().map(Value::text).collect()),
                                ),
                            ],
                        })))
                    })
                    .collect(),
            ),
            _ => Value::Null,
        },
        Func::CellNumber => text0.and_then(cell_number).map_or(Value::Null, Value::Num),
        Func::RowNumbers => {
            let (Value::Table(t), Some(row), Some(columns)) =
                (v0, whole(&vals[1]), vals[2].as_list())
            else {
                return Value::Null;
            };
            let Some(cells) = usize::try_from(row)
                .ok()
                .and_then(|r| r.checked_sub(1))
                .and_then(|i| padded_row(t, i))
            else {
                return Value::Null;
            };
            let n = columns.len();
            let skip = cells.len().saturating_sub(n);
            // A row narrower than `columns` has empty slots on its left.
            let mut slots: Vec<&str> = vec![""; n.saturating_sub(cells.len())];
            slots.extend(&cells[skip..]);
            Value::list(
                slots
                    .iter()
                    .zip(columns)
                    .map(|(cell, column)| match cell_number(cell) {
                        Some(v) => Value::Num(v),
                        None => {
                            problems
                                .borrow_mut()
                                .push(unreadable_cell(t, row, column, cell));
                            Value::Null
                        }
                    })
                    .collect(),
            )
        }
        Func::ColumnSums => {
            let (Some(rows), Some(n)) = (v0.as_list(), whole(&vals[1])) else {
                return Value::Null;
            };
            let n = usize::try_from(n).unwrap_or(0).min(10_000);
            let rows: Vec<Vec<Option<Decimal>>> = rows
                .iter()
                .map(|r| {
                    r.as_list()
                        .unwrap_or(&[])
                        .iter()
                        .map(Value::as_num)
                        .collect()
                })
                .collect();
            Value::list(
                column_sums(&rows, n)
                    .into_iter()
                    .map(|v| v.map_or(Value::Null, Value::Num))
                    .collect(),
            )
        }
        Func::StrictSum => {
            let Some(items) = v0.as_list() else {
                return Value::Null;
            };
            items
                .iter()
                .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v.as_num()?))
                .map_or(Value::Null, Value::Num)
        }
        Func::At => {
            let (Some(items), Some(n)) = (v0.as_list(), whole(&vals[1])) else {
                return Value::Null;
            };
            usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| items.get(i))
                .cloned()
                .unwrap_or_default()
        }
        Func::Take | Func::LastN => {
            let (Some(items), Some(n)) = (v0.as_list(), whole(&vals[1])) else {
                return Value::Null;
            };
            let n = usize::try_from(n).unwrap_or(0).min(items.len());
            let part = if func == Func::Take {
                &items[..n]
            } else {
                &items[items.len() - n..]
            };
            Value::list(part.to_vec())
        }
        _ => Value::Null,
    }
}

/// The data problem for a table slot that is not a count.
fn unreadable_cell(t: &Table, row: i64, column: &Value, cell: &str) -> Problem {
    let column = column.to_string();
    Problem::error(
        t.file.clone(),
        DataCode::TableCellUnreadable,
        format!(
            "第{}个表格第{row}行“{column}”列的“{cell}”不是整数：表格中的数应只写阿拉伯数字（空白或无、/、-按0计），用到这个单元格的等式按不成立计",
            t.number
        ),
    )
    .row(u32::try_from(row).unwrap_or(u32::MAX))
    .column(column)
    .value(cell)
}

/// NFKC, then every whitespace character removed (full-width spaces, NBSP, U+FEFF included).
pub(crate) fn normalize(s: &str) -> String {
    // Most lines are already NFKC (the quick check is one table lookup per character, the
    // full normalization a decomposition and recomposition): only those that are not go
    // through it. The result is the same either way.
    if unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.chars().filter(|&c| !is_space(c)).collect();
    }
    s.nfkc().filter(|&c| !is_space(c)).collect()
}

/// Emphasis markers `**` and `__` removed wherever they stand, then leading Markdown markers
/// (`#`, `>`, `-`, `*`, `+`, and whitespace between them) removed.
pub(crate) fn strip_markdown(s: &str) -> String {
    let t = s.replace("**", "").replace("__", "");
    t.trim_start_matches(|c: char| matches!(c, '#' | '>' | '-' | '*' | '+') || is_space(c))
        .to_string()
}

const NUMERALS: &str = "一二三四五六七八九";
/// What may follow a part number written 一 or 1 (both widths: the text may not be NFKC'd).
const AFTER_NUMBER: &str = "、.．，,；;";

/// One leading part number removed: 一–九 or digits followed by one of 、 . ． ， , ； ;
/// or written （一）/(一)/（1）/(1), or 第一部分 / 第一. Text without one is returned as is.
pub(crate) fn strip_numbering(s: &str) -> &str {
    let numeral = |c: char| NUMERALS.contains(c);
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return s;
    };
    // （一） (一) （1） (1)
    if first == '(' || first == '（' {
        let rest = &s[first.len_utf8()..];
        let inner_len = if rest.starts_with(numeral) {
            rest.chars().next().map_or(0, char::len_utf8)
        } else {
            rest.bytes().take_while(u8::is_ascii_digit).count()
        };
        if inner_len > 0 {
            let after = &rest[inner_len..];
            if let Some(c) = after.chars().next()
                && (c == ')' || c == '）')
            {
                return &after[c.len_utf8()..];
            }
        }
        return s;
    }
    // 第一部分 / 第一
    if first == '第' {
        let rest = &s[first.len_utf8()..];
        if let Some(c) = rest.chars().next()
            && numeral(c)
        {
            let after = &rest[c.len_utf8()..];
            return after.strip_prefix("部分").unwrap_or(after);
        }
        return s;
    }
    // 一、 1. 12．
    let num_len = if numeral(first) {
        first.len_utf8()
    } else {
        s.bytes().take_while(u8::is_ascii_digit).count()
    };
    if num_len == 0 {
        return s;
    }
    let after = &s[num_len..];
    match after.chars().next() {
        Some(c) if AFTER_NUMBER.contains(c) => &after[c.len_utf8()..],
        _ => s,
    }
}

/// A table cell read as a count: empty or a placeholder (无 / - — －) → 0; a non-negative
/// whole number in digits (after NFKC, so full-width digits count) → its value; anything
/// else ("1件", "1.5", "约3") → `None`.
pub(crate) fn cell_number(cell: &str) -> Option<Decimal> {
    let t = normalize(cell);
    if clean(&t).is_none() || clean(cell).is_none() {
        return Some(Decimal::ZERO);
    }
    if t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<Decimal>().ok()
}

/// The table's width: its longest row.
pub(crate) fn width(t: &Table) -> usize {
    t.rows.iter().map(Vec::len).max().unwrap_or(0)
}

/// Row `i` (0-based) padded with empty slots to the table's width, as a browser shows a row
/// whose last cells are missing.
pub(crate) fn padded_row(t: &Table, i: usize) -> Option<Vec<&str>> {
    let row = t.rows.get(i)?;
    let mut cells: Vec<&str> = row.iter().map(String::as_str).collect();
    cells.resize(width(t), "");
    Some(cells)
}

/// Per-column sums of `rows` over `n` columns; a column is `None` when any row lacks it or
/// holds `None` there.
pub(crate) fn column_sums(rows: &[Vec<Option<Decimal>>], n: usize) -> Vec<Option<Decimal>> {
    (0..n)
        .map(|i| {
            rows.iter().try_fold(Decimal::ZERO, |acc, r| {
                r.get(i).copied().flatten().and_then(|v| acc.checked_add(v))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_forms() {
        for (s, want) in [
            ("一、总体情况", "总体情况"),
            ("五.存在的主要问题", "存在的主要问题"),
            ("3．其他", "其他"),
            ("12,其他", "其他"),
            ("二;收到", "收到"),
            ("(一)总体情况", "总体情况"),
            ("（六）其他需要报告的事项", "其他需要报告的事项"),
            ("(1)总体情况", "总体情况"),
            ("第一部分总体情况", "总体情况"),
            ("第二主动公开", "主动公开"),
            ("总体情况", "总体情况"),
            ("一总体情况", "一总体情况"),
            ("(十)x", "(十)x"),
            ("第十部分", "第十部分"),
            ("2021年", "2021年"),
            ("", ""),
        ] {
            assert_eq!(strip_numbering(s), want, "{s}");
        }
    }

    #[test]
    fn markdown_markers() {
        assert_eq!(strip_markdown("## **一、总体情况**"), "一、总体情况");
        assert_eq!(strip_markdown("> - __五、__其他"), "五、其他");
        assert_eq!(strip_markdown("+1"), "1");
    }

    #[test]
    fn normalize_nfkc_and_whitespace() {
        assert_eq!(normalize("（七）　总 计\u{a0}\t１２"), "(七)总计12");
    }

    #[test]
    fn cells_as_counts() {
        let n = |s| cell_number(s).map(|d| d.to_string());
        assert_eq!(n(""), Some("0".into()));
        assert_eq!(n("无"), Some("0".into()));
        assert_eq!(n("－"), Some("0".into()));
        assert_eq!(n("—"), Some("0".into()));
        assert_eq!(n("１２"), Some("12".into()));
        assert_eq!(n("007"), Some("7".into()));
        assert_eq!(n("1件"), None);
        assert_eq!(n("1.5"), None);
        assert_eq!(n("-1"), None);
        assert_eq!(n("99999999999999999999999999"), None);
    }

    #[test]
    fn sums_by_column() {
        let d = |n: i64| Some(Decimal::from(n));
        let rows = vec![vec![d(1), d(2)], vec![d(3), None]];
        assert_eq!(column_sums(&rows, 2), vec![d(4), None]);
        assert_eq!(column_sums(&rows, 3), vec![d(4), None, None]);
        assert_eq!(column_sums(&[], 2), vec![d(0), d(0)]);
    }
}
