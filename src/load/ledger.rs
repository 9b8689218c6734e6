//! Ledgers (台账): a file's rows → a typed `Ledger`, by the rule set's `LedgerDecl`.
//!
//! Two stages so that every format shares the rules of bundle-spec.md "Ledgers":
//! 1. a format reader turns the file into `SheetRow`s (the row number a spreadsheet shows, and
//!    the raw cell texts) — CSV here, XLSX/XLS in `xlsx.rs` ([`read_ledger`]);
//! 2. [`build_ledger`] finds the header, checks the columns, skips empty and totals rows and
//!    types the cells of the declared columns only (undeclared columns — applicants' personal
//!    data — are never read, so never reach a problem or a report).

use encoding_rs::Encoding;

use crate::diag::Problem;
use crate::expr::value::Value;
use crate::model::evidence::{Ledger, LedgerRow};
use crate::model::schema::{FieldType, LedgerDecl};
use crate::text::{squash_whitespace, trim};

use super::decode::{ENCODING_LABELS, SAVE_AS_HINT, decode};
use super::values::{Origin, scalar_value};

/// The header must be within the first this many rows.
const HEADER_SEARCH_ROWS: u32 = 10;

/// One row of a sheet: its number as a spreadsheet shows it (1-based) and its cells as text.
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub number: u32,
    pub cells: Vec<String>,
}

/// How a ledger file is to be read (from the manifest entry).
#[derive(Debug, Clone, Default)]
pub struct LedgerOptions {
    /// `编码:` in the manifest.
    pub encoding: Option<&'static Encoding>,
    /// `工作表:` in the manifest (XLSX).
    pub sheet: Option<String>,
}

/// Read a declared ledger from its bytes. `file` is the normalised bundle path (problems name
/// it); `ext` its lower-case extension. `None` when the ledger is unusable (problems say why).
pub fn read_ledger(
    decl: &LedgerDecl,
    file: &str,
    ext: &str,
    bytes: &[u8],
    opts: &LedgerOptions,
    problems: &mut Vec<Problem>,
) -> Option<Ledger> {
    match ext {
        "csv" | "tsv" | "txt" => {
            let text = match decode(bytes, opts.encoding, false) {
                Ok(d) => d.text,
                Err(message) => {
                    problems.push(Problem::error(
                        file,
                        "bad-encoding",
                        format!(
                            "{message}，台账无法使用：{SAVE_AS_HINT}，或在 bundle.yaml 中用「编码:」注明（{ENCODING_LABELS}）"
                        ),
                    ));
                    return None;
                }
            };
            let rows = match csv_rows(&text, &decl.required) {
                Ok(rows) => rows,
                Err(p) => {
                    problems.push(p.with_file(file));
                    return None;
                }
            };
            build_ledger(decl, file, None, rows, problems)
        }
        // Excel and WPS workbooks: calamine behind catch_unwind, rows numbered as Excel shows.
        "xlsx" | "xlsm" | "xls" => match super::xlsx::sheet_rows(bytes, ext, opts.sheet.as_deref())
        {
            Ok((sheet, rows, notes)) => {
                problems.extend(
                    notes
                        .into_iter()
                        .map(|p| p.with_file(file).sheet(sheet.clone())),
                );
                build_ledger(decl, file, Some(sheet), rows, problems)
            }
            Err(p) => {
                let p = p.with_file(file);
                problems.push(match &opts.sheet {
                    Some(s) if p.code == "sheet-missing" => p.sheet(s.clone()),
                    _ => p,
                });
                None
            }
        },
        _ => {
            problems.push(Problem::error(
                file,
                "unsupported-ledger-format",
                format!("台账文件类型「.{ext}」无法读取：台账应为 .csv、.xlsx 或 .xls 文件"),
            ));
            None
        }
    }
}

/// A problem whose file is filled in later.
trait WithFile {
    fn with_file(self, file: &str) -> Problem;
}

impl WithFile for Problem {
    fn with_file(mut self, file: &str) -> Problem {
        self.file = file.to_string();
        self
    }
}

/// CSV text → rows numbered as a spreadsheet shows them. A quoted cell spanning several
/// physical lines is one row; a blank line is a (skipped) row of its own, as in Excel.
/// Non-empty cells (up to each row's last) one CSV ledger may hold: 100k rows × 50 columns.
const MAX_CSV_CELLS: usize = 5_000_000;

pub fn csv_rows(
    text: &str,
    required: &[crate::model::schema::ColumnDecl],
) -> Result<Vec<SheetRow>, Problem> {
    // One line terminator, so physical lines are counted the same way everywhere.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let delimiter = sniff_delimiter(&text, required);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    // Physical line of a byte offset, counted forward from the last one asked (records come
    // in order): linear time and no index of every line break (60 MiB of blank lines used to
    // cost 480 MB for that index alone).
    let mut seen_byte: usize = 0;
    let mut seen_line: u64 = 1;
    let mut line_at = |byte: u64| -> u64 {
        let byte = (byte as usize).min(bytes.len());
        if byte > seen_byte {
            seen_line += bytes[seen_byte..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            seen_byte = byte;
        }
        seen_line
    };
    let mut rows = Vec::new();
    let mut cells_kept: usize = 0;
    // Physical lines taken by line breaks inside quoted cells of earlier records.
    let mut inner_breaks: u64 = 0;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The physical line, from the byte offset. csv's own line count skips blank
                // lines, which a spreadsheet shows as rows, and a record's position is taken
                // before the blank lines in front of it are skipped: step over them.
                let mut byte = record.position().map_or(0, |p| p.byte());
                while bytes.get(byte as usize) == Some(&b'\n') {
                    byte += 1;
                }
                let line = line_at(byte);
                let number = line.saturating_sub(inner_breaks);
                inner_breaks += record
                    .iter()
                    .map(|c| c.bytes().filter(|&b| b == b'\n').count() as u64)
                    .sum::<u64>();
                // Trailing empty cells carry nothing (a row of 100,000 commas is one row of
                // what precedes them); what remains is capped like an XLSX sheet.
                let width = (0..record.len())
                    .rev()
                    .find(|&i| !trim(&record[i]).is_empty())
                    .map_or(0, |i| i + 1);
                cells_kept += width;
                if cells_kept > MAX_CSV_CELLS {
                    return Err(Problem::error(
                        "",
                        "ledger-too-large",
                        format!(
                            "台账过大（超过{MAX_CSV_CELLS}个非空单元格），台账无法使用：请只保留台账本身的行和列"
                        ),
                    )
                    .row(u32::try_from(number).unwrap_or(u32::MAX)));
                }
                rows.push(SheetRow {
                    number: u32::try_from(number).unwrap_or(u32::MAX),
                    cells: record.iter().take(width).map(str::to_string).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map(|p| line_at(p.byte()));
                let mut p =
                    Problem::error("", "csv-error", format!("CSV 格式错误，台账无法使用：{e}"));
                if let Some(l) = line {
                    p = p.row(u32::try_from(l.saturating_sub(inner_breaks)).unwrap_or(u32::MAX));
                }
                return Err(p);
            }
        }
    }
    Ok(rows)
}

/// A header cell as it is matched against column names: every whitespace character removed
/// (full-width spaces and line breaks inside the cell included), so "索 引 号" is 索引号.
pub fn header_key(cell: &str) -> String {
    squash_whitespace(cell)
}

/// Comma, or tab when the header line holds tabs and no commas. The header line is the first
/// of the first lines naming every required column (or the first non-empty line).
fn sniff_delimiter(text: &str, required: &[crate::model::schema::ColumnDecl]) -> u8 {
    let lines: Vec<&str> = text.lines().take(HEADER_SEARCH_ROWS as usize).collect();
    let header = lines
        .iter()
        .find(|l| {
            let squashed = squash_whitespace(l);
            required.iter().all(|c| squashed.contains(c.name.as_str()))
        })
        .or_else(|| lines.iter().find(|l| !trim(l).is_empty()));
    match header {
        Some(l) if l.contains('\t') && !l.contains(',') => b'\t',
        _ => b',',
    }
}

/// The shared ledger rules over rows of any format.
/// Unreadable cells listed one by one per column; the rest are counted in one problem.
const MAX_CELL_PROBLEMS: usize = 200;

pub fn build_ledger(
    decl: &LedgerDecl,
    file: &str,
    sheet: Option<String>,
    rows: Vec<SheetRow>,
    problems: &mut Vec<Problem>,
) -> Option<Ledger> {
    let at = |p: Problem| match &sheet {
        Some(s) => p.sheet(s.clone()),
        None => p,
    };

    // The header: the first of the first 10 rows holding every required column. A header
    // cell is matched with every whitespace character inside it removed ("索 引 号").
    let holds = |r: &SheetRow, name: &str| r.cells.iter().any(|c| header_key(c) == name);
    let candidates: Vec<&SheetRow> = rows
        .iter()
        .filter(|r| r.number <= HEADER_SEARCH_ROWS)
        .collect();
    let header_pos = rows.iter().position(|r| {
        r.number <= HEADER_SEARCH_ROWS && decl.required.iter().all(|c| holds(r, &c.name))
    });
    let Some(header_pos) = header_pos else {
        // Name what is missing, against the row that comes closest to a header.
        let best = candidates
            .iter()
            .max_by_key(|r| {
                (
                    decl.required.iter().filter(|c| holds(r, &c.name)).count(),
                    std::cmp::Reverse(r.number),
                )
            })
            .copied();
        match best {
            None => problems.push(at(Problem::error(
                file,
                "empty-ledger",
                "台账是空的（没有表头），无法使用",
            ))),
            Some(r) => {
                for c in decl.required.iter().filter(|c| !holds(r, &c.name)) {
                    problems.push(at(Problem::error(
                        file,
                        "missing-column",
                        format!(
                            "缺少必需列「{}」（前{HEADER_SEARCH_ROWS}行中没有同时含全部必需列的表头），台账无法使用",
                            c.name
                        ),
                    )
                    .column(c.name.clone())
                    .row(r.number)));
                }
            }
        }
        return None;
    };
    let header = &rows[header_pos];
    let above = rows[..header_pos]
        .iter()
        .filter(|r| !r.cells.iter().all(|c| trim(c).is_empty()))
        .count();
    if header.number > 1 && above > 0 {
        problems.push(at(Problem::warning(
            file,
            "rows-above-header",
            format!("表头在第{}行，其上{above}行（标题等）已忽略", header.number),
        )
        .row(header.number)));
    }

    // Column positions. A required column twice makes the ledger unusable; an optional one
    // twice reads the first and warns.
    let mut usable = true;
    let mut positions: Vec<Option<usize>> = Vec::new();
    let mut columns = Vec::new();
    let mut absent = Vec::new();
    for (i, col) in decl.columns().enumerate() {
        let found: Vec<usize> = header
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| header_key(c) == col.name)
            .map(|(k, _)| k)
            .collect();
        if found.len() > 1 {
            let required = i < decl.required.len();
            let p = if required {
                usable = false;
                Problem::error(
                    file,
                    "duplicate-column",
                    format!(
                        "必需列「{}」在表头中出现了{}次，无法确定读哪一列，台账无法使用：请删除或改名多余的列",
                        col.name,
                        found.len()
                    ),
                )
            } else {
                Problem::warning(
                    file,
                    "duplicate-column",
                    format!(
                        "列「{}」在表头中出现了{}次，只读第一列",
                        col.name,
                        found.len()
                    ),
                )
            };
            problems.push(at(p.column(col.name.clone()).row(header.number)));
        }
        if found.is_empty() {
            absent.push(col.name.clone());
        }
        positions.push(found.first().copied());
        columns.push(col.name.clone());
    }
    if !usable {
        return None;
    }
    let types: Vec<&FieldType> = decl.columns().map(|c| &c.ty).collect();
    let width = header.cells.len();

    let mut out = Vec::new();
    let mut warned_extra = false;
    // Unreadable cells per column: the first MAX_CELL_PROBLEMS are listed one by one, the rest
    // counted (150,000 bad rows must not become 300,000 problems and hundreds of MB).
    let mut bad_per_column = vec![0usize; types.len()];
    for row in &rows[header_pos + 1..] {
        let first = row.cells.iter().map(|c| trim(c)).find(|c| !c.is_empty());
        let Some(first) = first else {
            continue; // completely empty
        };
        if matches!(squash_whitespace(first).as_str(), "合计" | "总计" | "小计") {
            problems.push(at(Problem::warning(
                file,
                "totals-row",
                format!("第{}行是「{first}」行，不作为台账条目", row.number),
            )
            .row(row.number)));
            continue;
        }
        if !warned_extra && row.cells.iter().skip(width).any(|c| !trim(c).is_empty()) {
            warned_extra = true;
            problems.push(at(Problem::warning(
                file,
                "extra-cells",
                format!(
                    "第{}行起有超出表头（{width}列）的单元格，已忽略（每个台账只提示一次）",
                    row.number
                ),
            )
            .row(row.number)));
        }
        let mut cells = Vec::with_capacity(types.len());
        for (k, ty) in types.iter().enumerate() {
            // An absent optional column is Null in every row (not 否 for a flag).
            let Some(pos) = positions[k] else {
                cells.push(Value::Null);
                continue;
            };
            // A short row is padded with empty cells.
            let raw = row.cells.get(pos).map(String::as_str).unwrap_or("");
            let (value, bad) = scalar_value(raw, ty, Origin::Cell);
            if let Some(bad) = bad
                && {
                    bad_per_column[k] += 1;
                    bad_per_column[k] <= MAX_CELL_PROBLEMS
                }
            {
                // A workbook's problems also give the column letter Excel shows (D列).
                let column = match &sheet {
                    Some(_) => format!("{}（{}列）", columns[k], super::xlsx::column_letters(pos)),
                    None => columns[k].clone(),
                };
                let raw = trim(raw);
                let (message, value) = match shown_value(raw, ty) {
                    Some(v) => (bad.message, v),
                    None => (
                        bad.message.replace(raw, "该单元格的内容"),
                        format!(
                            "（{}个字的文字，不像本列的值，内容不显示；请检查本行是否错列）",
                            raw.chars().count()
                        ),
                    ),
                };
                problems.push(at(Problem::error(file, bad.code, message)
                    .row(row.number)
                    .column(column)
                    .value(value)));
            }
            cells.push(value);
        }
        out.push(LedgerRow {
            number: row.number,
            cells,
        });
    }
    for (k, &n) in bad_per_column.iter().enumerate() {
        if n > MAX_CELL_PROBLEMS {
            problems.push(at(Problem::error(
                file,
                "many-bad-cells",
                format!(
                    "列「{}」共有{n}个无法读取的单元格，上面列出了前{MAX_CELL_PROBLEMS}个，其余{}个不再逐一列出（均按空值处理）：请检查整列的格式",
                    columns[k],
                    n - MAX_CELL_PROBLEMS
                ),
            )
            .column(columns[k].clone())));
        }
    }
    Some(Ledger::new(
        decl.name.clone(),
        file.to_string(),
        sheet,
        columns,
        absent,
        out,
    ))
}

/// What a problem may echo of an unreadable cell. A value that looks like a slip of the
/// column's own kind (`2021-13-01`, `两套`, `延期`) is shown as written; anything else is most
/// likely another column's text moved over by a stray comma or a missing cell — in a register
/// of applications that is an applicant's name or request, which never appears in any output
/// (bundle-spec.md, Safety and privacy) — so `None`: show only its length.
fn shown_value(raw: &str, ty: &crate::model::schema::FieldType) -> Option<String> {
    use crate::model::schema::FieldType;
    let chars = raw.chars().count();
    let plausible = match ty {
        // A date always has digits; a mistyped one is short.
        FieldType::Date => chars <= 24 && raw.chars().any(|c| c.is_numeric()),
        FieldType::Count { .. } => chars <= 12,
        FieldType::Flag => chars <= 6,
        _ => true,
    };
    plausible.then(|| raw.to_string())
}
