//! Ledgers (台账): a file's rows → a typed `Ledger`, by the rule set's `LedgerDecl`.
//!
//! Two stages so that every format shares the rules of bundle-spec.md "Ledgers":
//! 1. a format reader turns the file into `SheetRow`s (the row number a spreadsheet shows, and
//!    the raw cell texts) — CSV here, XLSX/XLS in `xlsx.rs` ([`read_ledger`]);
//! 2. [`build_ledger`] finds the header, checks the columns, skips empty and totals rows and
//!    types the cells of the declared columns only (undeclared columns — applicants' personal
//!    data — are never read, so never reach a problem or a report).

use crate::diag::DataCode;
use encoding_rs::Encoding;

use crate::diag::Problem;
use crate::model::evidence::{Ledger, LedgerRow};
use crate::model::schema::{FieldType, LedgerDecl};
use crate::text::{squash_whitespace, trim};
use crate::value::Value;

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
    /// The township's own `列名对照` for this ledger: (header as exported, declared column).
    pub columns: Vec<(String, String)>,
    /// The township's own `栏目对照`: (value as exported, value it counts as), applied to the
    /// ledger's 栏目 column when it declares one.
    pub values: Vec<(String, String)>,
}

/// How a header cell came to name a declared column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// The column's own name (whitespace inside ignored).
    Own,
    /// An alias the rule set declares.
    Alias,
    /// The township's 列名对照 in bundle.yaml.
    Bundle,
}

/// Every header name a ledger accepts: (name with whitespace removed, column index, how).
fn accepted_names(decl: &LedgerDecl, opts: &LedgerOptions) -> Vec<(String, usize, Via)> {
    let index = |name: &str| decl.columns().position(|c| c.name == name);
    let mut out: Vec<(String, usize, Via)> = decl
        .columns()
        .enumerate()
        .map(|(i, c)| (header_key(&c.name), i, Via::Own))
        .collect();
    for (column, alias) in &decl.aliases {
        if let Some(i) = index(column) {
            out.push((header_key(alias), i, Via::Alias));
        }
    }
    for (header, column) in &opts.columns {
        if let Some(i) = index(trim(column)) {
            out.push((header_key(header), i, Via::Bundle));
        }
    }
    out
}

/// For each required column, the names a header line may show it by (for the CSV delimiter).
fn required_names(decl: &LedgerDecl, opts: &LedgerOptions) -> Vec<Vec<String>> {
    let accepted = accepted_names(decl, opts);
    (0..decl.required.len())
        .map(|i| {
            accepted
                .iter()
                .filter(|(_, c, _)| *c == i)
                .map(|(n, _, _)| n.clone())
                .collect()
        })
        .collect()
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
                        DataCode::BadEncoding,
                        format!(
                            "{message}，台账无法使用：{SAVE_AS_HINT}，或在 bundle.yaml 中用「编码:」注明（{ENCODING_LABELS}）"
                        ),
                    ));
                    return None;
                }
            };
            let rows = match csv_rows(&text, &required_names(decl, opts)) {
                Ok(rows) => rows,
                Err(p) => {
                    problems.push(p.with_file(file));
                    return None;
                }
            };
            build_ledger(decl, file, None, rows, opts, problems)
        }
        // What many platforms save as "Excel": a web page holding a table, or tab-separated
        // text, named .xls. A real .xls starts with the OLE2 signature (an .xlsx with PK).
        "xls" if !bytes.starts_with(&OLE2_SIGNATURE) && !bytes.starts_with(b"PK\x03\x04") => {
            xls_as_text(decl, file, bytes, opts, problems)
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
                build_ledger(decl, file, Some(sheet), rows, opts, problems)
            }
            Err(p) => {
                problems.push(p.with_file(file));
                None
            }
        },
        _ => {
            problems.push(Problem::error(
                file,
                DataCode::UnsupportedLedgerFormat,
                format!("台账文件类型「.{ext}」无法读取：台账应为 .csv、.xlsx 或 .xls 文件"),
            ));
            None
        }
    }
}

/// The first bytes of an OLE2 compound file: a real Excel 97–2003 workbook.
const OLE2_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An `.xls` that is not a workbook: an HTML table (the longest holding the ledger's header,
/// else the longest on the page; rows numbered as the table's rows) or tab-separated text,
/// with a 提示 saying how it was read.
fn xls_as_text(
    decl: &LedgerDecl,
    file: &str,
    bytes: &[u8],
    opts: &LedgerOptions,
    problems: &mut Vec<Problem>,
) -> Option<Ledger> {
    let text = match decode(bytes, opts.encoding, true) {
        Ok(d) => d.text,
        Err(message) => {
            problems.push(Problem::error(
                file,
                DataCode::BadEncoding,
                format!(
                    "文件扩展名为 .xls，但既不是 Excel 工作簿，也无法按文本读取（{message}），台账无法使用：请用 Excel 或 WPS 打开后另存为 .xlsx"
                ),
            ));
            return None;
        }
    };
    let lower = text.to_ascii_lowercase();
    if lower.contains("<table") || lower.contains("<html") {
        let read = super::tables::html_ledger_tables(&text);
        if let Some(cut) = read.cut {
            problems.push(Problem::error(file, DataCode::TableTooLarge, cut.message()));
        }
        // The table holding the ledger's header, the longest of them; else the longest table
        // (whose header problems then say what is missing). Longest alone would pick a
        // page's bulkiest table, however little it has to do with the ledger.
        let accepted = accepted_names(decl, opts);
        let numbered = |t: crate::value::Table| -> Vec<SheetRow> {
            t.rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| SheetRow {
                    number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    cells,
                })
                .collect()
        };
        let Some(rows) = read
            .tables
            .into_iter()
            .map(numbered)
            .max_by_key(|rows| (header_position(decl, &accepted, rows).is_some(), rows.len()))
        else {
            problems.push(Problem::error(
                file,
                DataCode::LedgerReadAsHtml,
                "文件扩展名为 .xls，实为网页（HTML），但其中没有表格，台账无法使用：请从平台重新导出，或另存为 .xlsx",
            ));
            return None;
        };
        problems.push(Problem::warning(
            file,
            DataCode::LedgerReadAsHtml,
            "文件扩展名为 .xls，实为网页表格（HTML，许多平台这样导出“Excel”），已按网页中的表格读取；行号为表格中的行序",
        ));
        return build_ledger(decl, file, None, rows, opts, problems);
    }
    problems.push(Problem::warning(
        file,
        DataCode::LedgerReadAsText,
        "文件扩展名为 .xls，实为文本表格（制表符或逗号分隔），已按文本读取",
    ));
    let rows = match csv_rows(&text, &required_names(decl, opts)) {
        Ok(rows) => rows,
        Err(p) => {
            problems.push(p.with_file(file));
            return None;
        }
    };
    build_ledger(decl, file, None, rows, opts, problems)
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

pub fn csv_rows(text: &str, required: &[Vec<String>]) -> Result<Vec<SheetRow>, Problem> {
    // One line terminator, so physical lines are counted the same way everywhere (a copy only
    // when there is a CR to replace: a 60 MiB ledger is not held twice more for nothing).
    let text: std::borrow::Cow<str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
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
                        DataCode::LedgerTooLarge,
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
                let mut p = Problem::error(
                    "",
                    DataCode::CsvError,
                    format!(
                        "CSV 格式错误，台账无法使用：{}",
                        crate::diag::foreign::csv_error(&e)
                    ),
                );
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
/// of the first lines naming every required column by one of its names (`required`: the names
/// of each required column), else the first holding a comma or a tab (a title line above the
/// header holds neither), else the first non-empty line.
fn sniff_delimiter(text: &str, required: &[Vec<String>]) -> u8 {
    let lines: Vec<&str> = text.lines().take(HEADER_SEARCH_ROWS as usize).collect();
    let header = lines
        .iter()
        .find(|l| {
            let squashed = squash_whitespace(l);
            required
                .iter()
                .all(|names| names.iter().any(|n| squashed.contains(n.as_str())))
        })
        .or_else(|| lines.iter().find(|l| l.contains(',') || l.contains('\t')))
        .or_else(|| lines.iter().find(|l| !trim(l).is_empty()));
    match header {
        Some(l) if l.contains('\t') && !l.contains(',') => b'\t',
        _ => b',',
    }
}

/// The shared ledger rules over rows of any format.
/// Unreadable cells listed one by one per column; the rest are counted in one problem.
const MAX_CELL_PROBLEMS: usize = 200;

/// The declared columns a header cell names (each once), and how.
fn names_of(accepted: &[(String, usize, Via)], cell: &str) -> Vec<(usize, Via)> {
    let key = header_key(cell);
    let mut out: Vec<(usize, Via)> = Vec::new();
    if key.is_empty() {
        return out;
    }
    for (name, col, via) in accepted {
        if *name == key && !out.iter().any(|(c, _)| c == col) {
            out.push((*col, *via));
        }
    }
    out
}

/// Whether a cell of row `r` names declared column `col`.
fn holds(accepted: &[(String, usize, Via)], r: &SheetRow, col: usize) -> bool {
    r.cells
        .iter()
        .any(|c| names_of(accepted, c).iter().any(|(k, _)| *k == col))
}

/// The header: the first of the first 10 rows holding every required column. A header cell is
/// matched with every whitespace character inside it removed ("索 引 号"), by the column's
/// name, an alias the rule set declares or the township's 列名对照.
fn header_position(
    decl: &LedgerDecl,
    accepted: &[(String, usize, Via)],
    rows: &[SheetRow],
) -> Option<usize> {
    rows.iter().position(|r| {
        r.number <= HEADER_SEARCH_ROWS && (0..decl.required.len()).all(|i| holds(accepted, r, i))
    })
}

pub fn build_ledger(
    decl: &LedgerDecl,
    file: &str,
    sheet: Option<String>,
    rows: Vec<SheetRow>,
    opts: &LedgerOptions,
    problems: &mut Vec<Problem>,
) -> Option<Ledger> {
    let at = |p: Problem| match &sheet {
        Some(s) => p.sheet(s.clone()),
        None => p,
    };
    let columns: Vec<String> = decl.columns().map(|c| c.name.clone()).collect();
    let accepted = accepted_names(decl, opts);
    let names_of = |cell: &str| names_of(&accepted, cell);
    let holds = |r: &SheetRow, col: usize| holds(&accepted, r, col);
    let candidates: Vec<&SheetRow> = rows
        .iter()
        .filter(|r| r.number <= HEADER_SEARCH_ROWS)
        .collect();
    // The row that comes closest to a header: most required columns, then most cells.
    let closest = || {
        candidates
            .iter()
            .max_by_key(|r| {
                (
                    (0..decl.required.len()).filter(|&i| holds(r, i)).count(),
                    r.cells.iter().filter(|c| !trim(c).is_empty()).count(),
                    std::cmp::Reverse(r.number),
                )
            })
            .copied()
    };

    // A township's mapping to a column the ledger does not have: the ledger cannot be read
    // as the township meant it.
    let bad_targets: Vec<&(String, String)> = opts
        .columns
        .iter()
        .filter(|(_, c)| decl.column(trim(c)).is_none())
        .collect();
    if !bad_targets.is_empty() {
        let found = closest().map(headers_found).unwrap_or_default();
        for (header, column) in bad_targets {
            problems.push(at(Problem::error(
                file,
                DataCode::MappingUnknownColumn,
                format!(
                    "bundle.yaml 的列名对照把「{header}」对到「{column}」，但台账「{}」没有「{column}」列（可对到：{}），台账无法使用{found}",
                    decl.name,
                    columns.join("、")
                ),
            )
            .column(column.clone())
            .value(header.clone())));
        }
        return None;
    }

    let Some(header_pos) = header_position(decl, &accepted, &rows) else {
        // Name what is missing, against the row that comes closest to a header, with the
        // headers found and the mapping they probably mean.
        match closest() {
            None => problems.push(at(Problem::error(
                file,
                DataCode::EmptyLedger,
                "台账是空的（没有表头），无法使用",
            ))),
            Some(r) => {
                let missing: Vec<usize> =
                    (0..decl.required.len()).filter(|&i| !holds(r, i)).collect();
                let proposals = propose(decl, r, &missing, &names_of);
                for &i in &missing {
                    let name = &columns[i];
                    let hint = match proposals.iter().find(|(c, _)| *c == i) {
                        Some((_, header)) => format!(
                            "。是否为 {header} → {name}？如是，请在 bundle.yaml 中写 列名对照: {{{}: {{{header}: {name}}}}}",
                            decl.name
                        ),
                        None => format!(
                            "：请把表头改为「{name}」，或在 bundle.yaml 中用 列名对照 注明哪一列是「{name}」（如 列名对照: {{{}: {{表头: {name}}}}}）",
                            decl.name
                        ),
                    };
                    problems.push(at(Problem::error(
                        file,
                        DataCode::MissingColumn,
                        format!(
                            "缺少必需列「{name}」（前{HEADER_SEARCH_ROWS}行中没有同时含全部必需列的表头），台账无法使用{}{hint}",
                            headers_found(r)
                        ),
                    )
                    .column(name.clone())
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
            DataCode::RowsAboveHeader,
            format!("表头在第{}行，其上{above}行（标题等）已忽略", header.number),
        )
        .row(header.number)));
    }

    // A header cell naming two columns makes the ledger unusable: which one is it?
    let mut usable = true;
    for cell in &header.cells {
        let named = names_of(cell);
        if named.len() > 1 {
            usable = false;
            let which: Vec<&str> = named.iter().map(|(c, _)| columns[*c].as_str()).collect();
            problems.push(at(Problem::error(
                file,
                DataCode::AmbiguousHeader,
                format!(
                    "表头「{}」同时对应「{}」两列（列名、规则集的别名或 bundle.yaml 的列名对照），无法确定读作哪一列，台账无法使用{}：请改正 bundle.yaml 的列名对照",
                    trim(cell),
                    which.join("」和「"),
                    headers_found(header)
                ),
            )
            .column(trim(cell).to_string())
            .row(header.number)));
        }
    }

    // Column positions. A required column twice makes the ledger unusable; an optional one
    // twice reads the first and warns.
    let mut positions: Vec<Option<usize>> = Vec::new();
    let mut vias: Vec<Option<Via>> = Vec::new();
    let mut absent = Vec::new();
    for (i, col) in decl.columns().enumerate() {
        let found: Vec<(usize, Via)> = header
            .cells
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                names_of(c)
                    .into_iter()
                    .find(|(n, _)| *n == i)
                    .map(|(_, via)| (k, via))
            })
            .collect();
        if found.len() > 1 {
            let required = i < decl.required.len();
            let shown: Vec<&str> = found.iter().map(|(k, _)| trim(&header.cells[*k])).collect();
            let named = if shown.iter().all(|h| header_key(h) == col.name) {
                String::new()
            } else {
                format!("（表头「{}」都读作此列）", shown.join("」「"))
            };
            let p = if required {
                usable = false;
                Problem::error(
                    file,
                    DataCode::DuplicateColumn,
                    format!(
                        "必需列「{}」在表头中出现了{}次{named}，无法确定读哪一列，台账无法使用：请删除或改名多余的列",
                        col.name,
                        found.len()
                    ),
                )
            } else {
                Problem::warning(
                    file,
                    DataCode::DuplicateColumn,
                    format!(
                        "列「{}」在表头中出现了{}次{named}，只读第一列",
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
        positions.push(found.first().map(|(k, _)| *k));
        vias.push(found.first().map(|(_, v)| *v));
    }
    if !usable {
        return None;
    }
    // How the export was read: every alias and mapping used, once per ledger.
    for (i, via) in vias.iter().enumerate() {
        let (Some(via), Some(pos)) = (via, positions[i]) else {
            continue;
        };
        let shown = trim(&header.cells[pos]).to_string();
        let (code, by) = match via {
            Via::Own => continue,
            Via::Alias => (DataCode::ColumnAlias, "按规则集的列名别名"),
            Via::Bundle => (DataCode::ColumnMapping, "按本单位 bundle.yaml 的列名对照"),
        };
        problems.push(at(Problem::warning(
            file,
            code,
            format!("表头「{shown}」{by}读作「{}」", columns[i]),
        )
        .row(header.number)
        .column(columns[i].clone())
        .value(shown)));
    }
    // A township's 列名对照 entry whose header is not in the header row: a typo?
    for (h, column) in &opts.columns {
        if !header.cells.iter().any(|c| header_key(c) == header_key(h)) {
            problems.push(at(Problem::warning(
                file,
                DataCode::MappingUnused,
                format!(
                    "bundle.yaml 的列名对照「{h}: {column}」未使用：第{}行的表头中没有「{h}」{}",
                    header.number,
                    headers_found(header)
                ),
            )
            .row(header.number)
            .value(h.clone())));
        }
    }
    let vocabulary = value_maps(decl, file, opts, problems);

    let types: Vec<&FieldType> = decl.columns().map(|c| &c.ty).collect();
    let width = header.cells.len();

    let mut out = Vec::new();
    let mut warned_extra = false;
    // Per vocabulary entry used: rows mapped and the first row.
    let mut used: Vec<(usize, u32, u32)> = Vec::new();
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
                DataCode::TotalsRow,
                format!("第{}行是「{first}」行，不作为台账条目", row.number),
            )
            .row(row.number)));
            continue;
        }
        if !warned_extra && row.cells.iter().skip(width).any(|c| !trim(c).is_empty()) {
            warned_extra = true;
            problems.push(at(Problem::warning(
                file,
                DataCode::ExtraCells,
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
            let (mut value, bad) = scalar_value(raw, ty, Origin::Cell);
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
            if let Value::Text(t) = &value
                && let Some(e) = vocabulary
                    .iter()
                    .position(|m| m.column == k && *m.from == **t)
            {
                match used.iter_mut().find(|u| u.0 == e) {
                    Some(u) => u.1 += 1,
                    None => used.push((e, 1, row.number)),
                }
                value = Value::text(&vocabulary[e].to);
            }
            cells.push(value);
        }
        out.push(LedgerRow {
            number: row.number,
            cells,
        });
    }
    used.sort_by_key(|u| u.2);
    for (e, n, first) in used {
        let m = &vocabulary[e];
        let (code, by) = match m.via {
            Via::Bundle => (DataCode::ValueMapping, "按本单位 bundle.yaml 的栏目对照"),
            _ => (DataCode::ValueVocabulary, "按规则集的对照"),
        };
        problems.push(at(Problem::warning(
            file,
            code,
            format!(
                "{}「{}」{by}计为「{}」（共{n}行，首见于第{first}行）",
                columns[m.column], m.from, m.to
            ),
        )
        .row(first)
        .column(columns[m.column].clone())
        .value(m.from.clone())));
    }
    for (k, &n) in bad_per_column.iter().enumerate() {
        if n > MAX_CELL_PROBLEMS {
            problems.push(at(Problem::error(
                file,
                DataCode::ManyBadCells,
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

/// One value map entry in force for a ledger: in column index `column`, `from` reads as `to`.
struct ValueMap {
    column: usize,
    from: String,
    to: String,
    via: Via,
}

/// The rule set's vocabulary, then the township's 栏目对照 for values the rule set does not
/// already map (the county decides what counts as what; a township entry that contradicts it
/// is ignored with a warning).
fn value_maps(
    decl: &LedgerDecl,
    file: &str,
    opts: &LedgerOptions,
    problems: &mut Vec<Problem>,
) -> Vec<ValueMap> {
    let index = |name: &str| decl.columns().position(|c| c.name == name);
    let mut out: Vec<ValueMap> = decl
        .vocabulary
        .iter()
        .filter_map(|e| {
            Some(ValueMap {
                column: index(&e.column)?,
                from: e.from.clone(),
                to: e.to.clone(),
                via: Via::Alias,
            })
        })
        .collect();
    // The township's 栏目对照 applies to the ledger's categorical columns: those the rule set
    // gives a vocabulary (no Rust knows a column's name).
    let mut categorical: Vec<usize> = decl
        .vocabulary
        .iter()
        .filter_map(|e| index(&e.column))
        .collect();
    categorical.sort_unstable();
    categorical.dedup();
    for column in categorical {
        let name = decl.columns().nth(column).map_or("", |c| c.name.as_str());
        for (from, to) in &opts.values {
            let (from, to) = (trim(from).to_string(), trim(to).to_string());
            if let Some(m) = out.iter().find(|m| m.column == column && m.from == from) {
                if m.to != to {
                    problems.push(
                        Problem::warning(
                            file,
                            DataCode::MappingOverridden,
                            format!(
                                "bundle.yaml 的栏目对照「{from}: {to}」未采用：规则集已规定「{from}」计为「{}」",
                                m.to
                            ),
                        )
                        .column(name)
                        .value(from),
                    );
                }
                continue;
            }
            out.push(ValueMap {
                column,
                from,
                to,
                via: Via::Bundle,
            });
        }
    }
    out
}

/// Header cells a message lists; a row of thousands (a flood of cells, a spanning cell laid
/// out on a grid) is named by its first ones and its count.
const HEADERS_SHOWN: usize = 30;

/// "（第2行的表头为：索引号、名称、…）" — what a refused ledger's header row holds.
fn headers_found(r: &SheetRow) -> String {
    let cells: Vec<&str> = r
        .cells
        .iter()
        .map(|c| trim(c))
        .filter(|c| !c.is_empty())
        .collect();
    if cells.is_empty() {
        return String::new();
    }
    if cells.len() > HEADERS_SHOWN {
        return format!(
            "（第{}行的表头为：{}…等共{}个）",
            r.number,
            cells[..HEADERS_SHOWN].join("、"),
            cells.len()
        );
    }
    format!("（第{}行的表头为：{}）", r.number, cells.join("、"))
}

/// For missing required columns, the header cell each probably is: an unmatched header that
/// shares the longest run of characters (at least two) with the column's name or one of its
/// aliases, and with no other missing column as much. `名称` shares 名称 with the alias 信息名称
/// of 标题; `主题分类` shares 分类 with 信息分类 of 栏目; 日期 alone fits every date column, so
/// it proposes nothing.
fn propose(
    decl: &LedgerDecl,
    row: &SheetRow,
    missing: &[usize],
    names_of: &dyn Fn(&str) -> Vec<(usize, Via)>,
) -> Vec<(usize, String)> {
    let names = |i: usize| -> Vec<String> {
        let col = &decl.columns().nth(i).expect("declared").name;
        std::iter::once(col.clone())
            .chain(
                decl.aliases
                    .iter()
                    .filter(|(c, _)| c == col)
                    .map(|(_, a)| a.clone()),
            )
            .collect()
    };
    let mut best: Vec<(usize, String, usize)> = Vec::new();
    for cell in &row.cells {
        let key = header_key(cell);
        if key.is_empty() || !names_of(cell).is_empty() {
            continue;
        }
        let scores: Vec<(usize, usize)> = missing
            .iter()
            .map(|&i| {
                let s = names(i)
                    .iter()
                    .map(|n| common_run(&key, &header_key(n)))
                    .max()
                    .unwrap_or(0);
                (i, s)
            })
            .collect();
        let Some(&(col, top)) = scores.iter().max_by_key(|(_, s)| *s) else {
            continue;
        };
        if top < 2 || scores.iter().filter(|(_, s)| *s == top).count() > 1 {
            continue;
        }
        match best.iter_mut().find(|b| b.0 == col) {
            Some(b) if b.2 >= top => {}
            Some(b) => *b = (col, trim(cell).to_string(), top),
            None => best.push((col, trim(cell).to_string(), top)),
        }
    }
    best.into_iter().map(|(c, h, _)| (c, h)).collect()
}

/// The length in characters of the longest run two texts share.
fn common_run(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for ca in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            if ca == cb {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best
}
