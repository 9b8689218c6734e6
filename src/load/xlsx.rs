//! XLSX / XLSM / XLS ledgers (calamine) → `SheetRow`s for `ledger::build_ledger`.
//!
//! bundle-spec.md "File formats and encodings": the first worksheet in tab order unless the
//! manifest names one (`工作表:`); a date cell is a date (1900 and 1904 systems); a whole number
//! stored as a number reads as its digits (12, never 12.0); empty cells are empty text. Row
//! numbers are the sheet's own (row 1 is Excel's row 1, whatever the used range).
//!
//! calamine runs behind `catch_unwind` (see [`super::guard`]): a panic inside it becomes the
//! problem "文件已损坏", never a crash. Cells are streamed for XLSX so that a sheet claiming a
//! cell at XFD1048576 cannot make us allocate the whole grid; the number of cells kept is capped.

use crate::diag::DataCode;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, SheetType, Sheets, open_workbook_auto_from_rs};

use crate::diag::Problem;

use super::guard::{self, CORRUPT};
use super::ledger::SheetRow;
use super::zip as zipguard;

/// Cells (including the empty ones padding a row up to its last cell) kept from one sheet: as
/// many as a CSV ledger keeps. An 8 KB sheet of 1,249 rows with one cell at column 16,001
/// padded out to 20 million slots (about 500 MB) under the 20,000,000 this was.
const MAX_CELLS: usize = 5_000_000;
/// Excel's own limits.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;

/// The sheet's name and its rows (only rows holding at least one cell; numbers are Excel's).
pub fn sheet_rows(
    bytes: &[u8],
    ext: &str,
    wanted: Option<&str>,
) -> Result<(String, Vec<SheetRow>, Vec<Problem>), Problem> {
    // A workbook is a zip (XLSX) or an OLE compound file (XLS). Check the zip's declared sizes
    // first: calamine inflates sharedStrings.xml and the sheet without a cap of its own.
    if bytes.starts_with(b"PK") {
        zipguard::check_archive_sizes(bytes).map_err(|m| {
            corrupt(format!(
                "文件已损坏或不完整，无法作为 Excel 工作簿（.{ext}）打开：{m}；请在 Excel/WPS 中重新保存"
            ))
        })?;
        check_shared_strings(bytes).map_err(|m| {
            corrupt(format!(
                "文件已损坏，无法作为 Excel 工作簿（.{ext}）打开：{m}；请在 Excel/WPS 中重新保存"
            ))
        })?;
    }
    // An XLS is an OLE compound file: calamine follows its sector chains without a cycle check
    // (a 5 KB file whose FAT loops made it allocate until the process died, found by fuzzing).
    if bytes.starts_with(&CFB_MAGIC) {
        check_cfb(bytes).map_err(|m| {
            corrupt(format!(
                "文件已损坏，无法作为 Excel 工作簿（.{ext}）打开：{m}；请在 Excel/WPS 中重新保存"
            ))
        })?;
    }
    let not_excel = || {
        corrupt(format!(
            "无法作为 Excel 工作簿（.{ext}）打开：文件已损坏、不完整，或其实不是 Excel 文件（例如把 CSV 改了扩展名）；请在 Excel/WPS 中重新保存，或另存为 CSV"
        ))
    };
    let owned = bytes.to_vec();
    let wanted = wanted.map(str::to_string);
    guard::catch(move || {
        let mut book = open_workbook_auto_from_rs(Cursor::new(owned)).map_err(|_| not_excel())?;
        let worksheets: Vec<String> = book
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect();
        let name = match &wanted {
            Some(asked) => {
                let w = asked.trim();
                match worksheets.iter().find(|n| n.trim() == w) {
                    Some(n) => n.clone(),
                    None => {
                        // The problem names the sheet as bundle.yaml writes it.
                        return Err(Problem::error(
                            "",
                            DataCode::SheetMissing,
                            format!(
                                "工作簿中没有名为「{w}」的工作表（有：{}），台账无法使用：请检查 bundle.yaml 中的「工作表:」",
                                worksheets.join("、")
                            ),
                        )
                        .sheet(asked.clone()));
                    }
                }
            }
            None => match worksheets.first() {
                Some(n) => n.clone(),
                None => {
                    return Err(Problem::error(
                        "",
                        DataCode::EmptyLedger,
                        "工作簿中没有工作表，台账无法使用",
                    ));
                }
            },
        };
        let mut grid = Grid::default();
        match &mut book {
            Sheets::Xlsx(x) => {
                {
                    let mut cells = x.worksheet_cells_reader(&name).map_err(|_| not_excel())?;
                    while let Some(cell) = cells.next_cell().map_err(|_| not_excel())? {
                        let (r, c) = cell.get_position();
                        grid.put(r, c, data_ref_text(cell.get_value()))?;
                    }
                }
                // A formula whose result was never saved (a file written by a program, not
                // by Excel/WPS) has no value to read: say so rather than read it as blank.
                if let Ok(formulas) = x.worksheet_formula(&name) {
                    let (r0, c0) = formulas.start().unwrap_or((0, 0));
                    for (r, c, f) in formulas.used_cells() {
                        let (r, c) = (r0 + r as u32, c0 + c as u32);
                        if !f.is_empty() && !grid.has(r, c) {
                            grid.no_cached_value(r, c, f);
                        }
                    }
                }
            }
            // XLS only: its grid is bounded by the checks above. XLSB and ODS (which calamine
            // also opens) are not ledger formats, and their grids are not bounded.
            Sheets::Xls(xls) => {
                let range = xls.worksheet_range(&name).map_err(|_| not_excel())?;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, c, v) in range.used_cells() {
                    grid.put(r0 + r as u32, c0 + c as u32, data_text(v))?;
                }
            }
            _ => return Err(not_excel()),
        }
        let notes = grid.notes();
        Ok((name, grid.rows(), notes))
    })
    .unwrap_or_else(|| Err(corrupt(CORRUPT.to_string())))
}

/// calamine reserves room for as many shared strings as `<sst uniqueCount="…">` claims before
/// reading any; a claim the file cannot hold (each string takes at least `<si></si>`) is a
/// broken or hostile workbook.
fn check_shared_strings(bytes: &[u8]) -> Result<(), String> {
    let sst =
        zipguard::read_member_where(bytes, |n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"))
            .unwrap_or(None);
    let Some(sst) = sst else { return Ok(()) };
    let head = &sst[..sst.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let Some(at) = head.find("uniqueCount=") else {
        return Ok(());
    };
    let digits: String = head[at + 12..]
        .chars()
        .skip(1)
        .take_while(|c| c.is_ascii_digit())
        .collect();
    match digits.parse::<u64>() {
        Ok(n) if n <= sst.len() as u64 / 9 + 1 => Ok(()),
        Ok(n) => Err(format!("共享字符串表声称有{n}个字符串，文件容不下")),
        Err(_) => Ok(()),
    }
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector ids at or above this are markers (free, end of chain, FAT, DIFAT), not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The sector chains of an OLE compound file (XLS) end: the DIFAT chain and every FAT chain are
/// free of cycles, so following any of them reads at most the file's own size.
fn check_cfb(b: &[u8]) -> Result<(), String> {
    let shift = b.get(30..32).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let ss: usize = match shift {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err("复合文档扇区大小无效".into()),
    };
    if b.len() < ss {
        return Err("文件不完整".into());
    }
    // calamine reserves room for a DIFAT of the size it reads at bytes 62..66 (straddling the
    // mini-FAT fields); a hostile header asks for 16 GB there (found by fuzzing). Real files
    // give at most a few hundred thousand.
    if u32_at(b, 62).is_none_or(|n| n > 16 << 20) {
        return Err("复合文档头无效".into());
    }
    // Sector i starts at (i + 1) × ss: the header takes the first sector's place.
    let nsec = (b.len() - ss).div_ceil(ss);
    // The DIFAT and FAT exactly as calamine builds them: the header's 109 DIFAT entries, then
    // each DIFAT sector's entries appended and the last entry popped as the next DIFAT sector
    // (a short or empty read pops an earlier entry). A loop there grows without end (found by
    // fuzzing), so the walk is bounded by the file's own sector count.
    let mut sectors = SectorBuf {
        file: &b[ss..],
        len: 0,
        ss,
        maxid: b.len() / ss,
    };
    let words =
        |s: &[u8]| -> Vec<u32> { (0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)).collect() };
    let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(b, 76 + 4 * i)).collect();
    let mut next = u32_at(b, 68).unwrap_or(u32::MAX);
    let mut steps = 0;
    while next < MAX_REGULAR_SECTOR {
        steps += 1;
        if steps > nsec + 110 {
            return Err("复合文档的 DIFAT 链成环".into());
        }
        let Some(s) = sectors.get(next) else {
            return Ok(()); // calamine refuses the file itself
        };
        difat.extend(words(&s));
        match difat.pop() {
            Some(n) => next = n,
            None => break,
        }
    }
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_sectors.len() > nsec + 1 {
        return Err("复合文档的 FAT 扇区数无效".into());
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_sectors {
        match sectors.get(id) {
            Some(s) => fat.extend(words(&s)),
            None => return Ok(()), // calamine refuses the file itself
        }
    }
    // Every chain ends: no cycles in the FAT (0 unseen, 1 on the current path, 2 done).
    let mut state = vec![0u8; fat.len()];
    let mut path = Vec::new();
    for start in 0..fat.len() {
        let mut i = start;
        path.clear();
        loop {
            match state[i] {
                2 => break,
                1 => return Err("复合文档的扇区链成环".into()),
                _ => {}
            }
            state[i] = 1;
            path.push(i);
            let next = fat[i];
            if next >= MAX_REGULAR_SECTOR || next as usize >= fat.len() {
                break;
            }
            i = next as usize;
        }
        for &p in &path {
            state[p] = 2;
        }
    }
    // The workbook stream's cell records: calamine lays a sheet out as one grid from the
    // smallest to the largest row and column, so a cell at column 65535 would ask for
    // billions of slots. BIFF8 has 256 columns and 65536 rows.
    if let Some(stream) = cfb_stream(b, ss, &fat, &["Workbook", "Book"]) {
        check_biff_cells(&stream)?;
    }
    Ok(())
}

/// calamine's sector buffer, emulated: the file after its header, read lazily; a read past
/// the end leaves zero-filled room that later reads see as whole sectors of zeros (so a FAT
/// read there is all zeros: sector 0 → sector 0, a loop; found by fuzzing).
struct SectorBuf<'a> {
    file: &'a [u8],
    /// calamine's `data.len()`.
    len: usize,
    ss: usize,
    maxid: usize,
}

impl SectorBuf<'_> {
    /// What calamine's `Sectors::get` returns; `None` where it fails (an error or a caught
    /// panic), which makes calamine refuse the file.
    fn get(&mut self, id: u32) -> Option<Vec<u8>> {
        let id = id as usize;
        if id > self.maxid {
            return None;
        }
        let start = id.checked_mul(self.ss)?;
        let end = start.checked_add(self.ss)?;
        let mut upto = end;
        if end > self.len {
            let old = self.len;
            self.len = end;
            let filled = if old < self.file.len() {
                end.min(self.file.len())
            } else {
                old
            };
            if filled < end {
                if start > filled {
                    return None;
                }
                upto = filled;
            }
        }
        Some(
            (start..upto)
                .map(|i| self.file.get(i).copied().unwrap_or(0))
                .collect(),
        )
    }
}

/// Follow a FAT chain (known to be acyclic) from `start`, at most `len` bytes.
fn fat_chain(b: &[u8], ss: usize, fat: &[u32], start: u32, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut id = start;
    while id < MAX_REGULAR_SECTOR && out.len() < len {
        let from = (id as usize + 1) * ss;
        let Some(s) = b.get(from..(from + ss).min(b.len())) else {
            break;
        };
        out.extend_from_slice(s);
        match fat.get(id as usize) {
            Some(&next) => id = next,
            None => break,
        }
    }
    out.truncate(len);
    out
}

/// A stream of the compound file by name (regular or mini sectors).
fn cfb_stream(b: &[u8], ss: usize, fat: &[u32], names: &[&str]) -> Option<Vec<u8>> {
    let dir_start = u32_at(b, 48)?;
    let dirs = fat_chain(b, ss, fat, dir_start, usize::MAX);
    // Names as calamine reads them: all 64 bytes as UTF-16LE, cut at the first NUL (not by the
    // length field, which a hostile file can set to anything).
    let entry = |e: &[u8]| -> (String, u32, usize) {
        let units: Vec<u16> = e[..64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let mut name = String::from_utf16_lossy(&units);
        if let Some(i) = name.find('\0') {
            name.truncate(i);
        }
        let start = u32_at(e, 116).unwrap_or(u32::MAX);
        let low = u64::from(u32_at(e, 120).unwrap_or(0));
        let high = if ss == 4096 {
            u64::from(u32_at(e, 124).unwrap_or(0))
        } else {
            0
        };
        let size = usize::try_from((high << 32) | low).unwrap_or(usize::MAX);
        (name, start, size)
    };
    let entries: Vec<(String, u32, usize)> = dirs.chunks_exact(128).map(entry).collect();
    let (_, root_start, root_size) = entries.first()?.clone();
    // calamine asks for "Workbook" first, then "Book": the first entry of that name.
    let (_, start, size) = names
        .iter()
        .find_map(|n| entries.iter().find(|(name, ..)| name == n))?
        .clone();
    if size >= 4096 {
        return Some(fat_chain(b, ss, fat, start, size.min(b.len())));
    }
    // A small stream lives in 64-byte mini sectors inside the root's mini stream.
    let ministream = fat_chain(b, ss, fat, root_start, root_size.min(b.len()));
    let minifat_bytes = fat_chain(b, ss, fat, u32_at(b, 60)?, b.len());
    let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
        .filter_map(|i| u32_at(&minifat_bytes, 4 * i))
        .collect();
    let mut out = Vec::new();
    let mut id = start;
    let mut steps = 0;
    while id < MAX_REGULAR_SECTOR && out.len() < size && steps <= minifat.len() {
        steps += 1;
        let from = id as usize * 64;
        let s = ministream.get(from..(from + 64).min(ministream.len()))?;
        out.extend_from_slice(s);
        id = *minifat.get(id as usize)?;
    }
    out.truncate(size);
    Some(out)
}

/// The records of a BIFF stream from `at`, as calamine's record reader splits them (a record
/// running past the end stops it, as it stops calamine).
fn biff_records(s: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let head = s.get(at..at + 4)?;
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        let data = s.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

/// Every sheet calamine will lay out stays within Excel's grid: the globals' BoundSheet8
/// records give each sheet's offset in the stream (which may point anywhere, even into the
/// middle of another record), and each sheet is checked from there as calamine reads it.
fn check_biff_cells(s: &[u8]) -> Result<(), String> {
    let sheets: Vec<usize> = biff_records(s)
        .filter(|(kind, _)| *kind == 0x0085)
        .filter_map(|(_, data)| u32_at(data, 0).map(|p| p as usize))
        .collect();
    for pos in sheets {
        if let Some(sheet) = s.get(pos..) {
            check_biff_sheet(sheet)?;
        }
    }
    Ok(())
}

/// One sheet's records up to its EOF: cells within 256 columns, a DIMENSIONS record calamine
/// can reserve, and a box around the cells that is not mostly empty slots.
fn check_biff_sheet(s: &[u8]) -> Result<(), String> {
    let (mut r0, mut r1, mut c0, mut c1, mut records) = (u32::MAX, 0u32, u32::MAX, 0u32, 0u64);
    for (kind, data) in biff_records(s) {
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        match kind {
            0x000A => break, // EOF
            // DIMENSIONS: calamine reserves rows × columns cells from it, rows being 32-bit (a
            // hostile record asked for 660 GB; found by fuzzing).
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (
                        u16_at(0).unwrap_or(0),
                        u16_at(2).unwrap_or(0),
                        u16_at(4).unwrap_or(0),
                        u16_at(6).unwrap_or(0),
                    ),
                    14 => (
                        u32_at(data, 0).unwrap_or(0),
                        u32_at(data, 4).unwrap_or(0),
                        u16_at(8).unwrap_or(0),
                        u16_at(10).unwrap_or(0),
                    ),
                    _ => continue,
                };
                // As calamine reads it.
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                let (er, ec) = if rl >= 1 && cl >= 1 {
                    (rl - 1, cl - 1)
                } else {
                    (rf, cf)
                };
                let rows = u64::from(er.wrapping_sub(rf).wrapping_add(1));
                let cols = u64::from(ec.wrapping_sub(cf).wrapping_add(1));
                if rows.saturating_mul(cols) > MAX_CELLS as u64 {
                    return Err(format!("工作表尺寸记录无效（{rows}行×{cols}列）"));
                }
            }
            // NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA; MULRK spans columns.
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD => {
                let (Some(row), Some(first)) = (u16_at(0), u16_at(2)) else {
                    continue;
                };
                let last = if kind == 0x00BD {
                    let n = (data.len().saturating_sub(6) / 6) as u32;
                    let field = data.len().checked_sub(2).and_then(u16_at).unwrap_or(0);
                    (first + n.saturating_sub(1)).max(field)
                } else {
                    first
                };
                if last > 255 {
                    return Err(format!("单元格在第{}列，超出 .xls 的256列", last + 1));
                }
                records += 1;
                r0 = r0.min(row);
                r1 = r1.max(row);
                c0 = c0.min(first);
                c1 = c1.max(last);
            }
            _ => {}
        }
    }
    if records > 0 {
        let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        if area > 2_000_000 && area > 16 * records {
            return Err(format!(
                "工作表几乎是空的却铺满{}行×{}列（{records}个单元格），疑似损坏",
                r1 - r0 + 1,
                c1 - c0 + 1
            ));
        }
    }
    Ok(())
}

fn corrupt(message: String) -> Problem {
    Problem::error("", DataCode::CorruptFile, message)
}

/// Cells gathered by absolute position; rows come out sorted, padded to their last cell.
#[derive(Default)]
struct Grid {
    rows: std::collections::BTreeMap<u32, Vec<String>>,
    cells: usize,
    /// Cells with text beyond Excel's grid (ignored, but counted and reported).
    outside: usize,
    /// Formula cells without a saved result: (row, column, formula), the first few.
    uncached: Vec<(u32, u32, String)>,
    uncached_count: usize,
}

impl Grid {
    fn put(&mut self, r: u32, c: u32, text: String) -> Result<(), Problem> {
        if text.is_empty() {
            return Ok(());
        }
        if r >= MAX_ROWS || c >= MAX_COLS {
            // Outside any real sheet: Excel would not show it; ignored, and said so.
            self.outside += 1;
            return Ok(());
        }
        let row = self.rows.entry(r).or_default();
        let c = c as usize;
        if row.len() <= c {
            self.cells += c + 1 - row.len();
            if self.cells > MAX_CELLS {
                return Err(corrupt(format!(
                    "工作表过大（超过{MAX_CELLS}个单元格），台账无法使用：请只保留台账本身的行和列"
                )));
            }
            row.resize(c + 1, String::new());
        }
        row[c] = text;
        Ok(())
    }

    fn has(&self, r: u32, c: u32) -> bool {
        self.rows
            .get(&r)
            .and_then(|row| row.get(c as usize))
            .is_some_and(|t| !t.is_empty())
    }

    fn no_cached_value(&mut self, r: u32, c: u32, formula: &str) {
        self.uncached_count += 1;
        if self.uncached.len() < 5 {
            let formula: String = formula.chars().take(40).collect();
            self.uncached.push((r, c, formula));
        }
    }

    /// Warnings about what was read: formula cells without a value, cells outside the grid.
    fn notes(&self) -> Vec<Problem> {
        let mut notes = Vec::new();
        for (r, c, f) in &self.uncached {
            notes.push(
                Problem::warning(
                    "",
                    DataCode::FormulaWithoutValue,
                    format!(
                        "{}{}单元格是公式（={f}），但文件中没有保存它的计算结果，按空值处理（共{}个这样的单元格）：请在 Excel/WPS 中打开并保存一次后再报送",
                        column_letters(*c as usize),
                        r + 1,
                        self.uncached_count
                    ),
                )
                .row(r + 1)
                .column(format!("{}列", column_letters(*c as usize))),
            );
        }
        if self.outside > 0 {
            notes.push(Problem::warning(
                "",
                DataCode::CellsOutsideSheet,
                format!(
                    "有{}个单元格位于 Excel 工作表范围（{MAX_ROWS}行×{MAX_COLS}列）之外，已忽略：文件可能由其他程序生成或已损坏",
                    self.outside
                ),
            ));
        }
        notes
    }

    fn rows(self) -> Vec<SheetRow> {
        self.rows
            .into_iter()
            .map(|(r, cells)| SheetRow {
                number: r + 1,
                cells,
            })
            .collect()
    }
}

fn data_text(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => date_text(d),
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn data_ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => date_text(d),
        DataRef::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A whole number reads as its digits (12, not 12.0); others in the shortest form that reads
/// back the same (0.1, not 0.1000000000000000055).
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel date cell as `Y-M-D` (a time of day is dropped, as the spec ignores it). Serials
/// outside Excel's calendar (before 1900 or after 9999) stay numbers, so they become a data
/// problem ("not a date") instead of a wrapped year.
fn date_text(d: &calamine::ExcelDateTime) -> String {
    let v = d.as_f64();
    if d.is_duration() || !(1.0..2_958_466.0).contains(&v) {
        return number_text(v);
    }
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{day:02}")
}

/// Excel's column letters for a 0-based index (0 → A, 26 → AA).
pub fn column_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn numbers_as_digits() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(3.5), "3.5");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(-0.0), "0");
    }

    #[test]
    fn dates_both_systems() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        // 2021-03-05 is serial 44260 (1900 system) and 42798 (1904 system).
        assert_eq!(
            date_text(&ExcelDateTime::new(44260.0, DateTime, false)),
            "2021-03-05"
        );
        assert_eq!(
            date_text(&ExcelDateTime::new(42798.75, DateTime, true)),
            "2021-03-05"
        );
        assert_eq!(date_text(&ExcelDateTime::new(-5.0, DateTime, false)), "-5");
    }

    #[test]
    fn xls_with_a_fat_cycle_is_corrupt_not_an_endless_read() {
        // Header: 512-byte sectors, one FAT sector (sector 0), directory chain from sector 1,
        // whose FAT entry points back to itself.
        let mut b = vec![0u8; 512 * 3];
        b[..8].copy_from_slice(&CFB_MAGIC);
        b[26] = 3;
        b[30] = 9;
        b[32] = 6;
        b[44] = 1; // FAT sectors
        b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory start
        b[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        b[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        b[76..80].copy_from_slice(&0u32.to_le_bytes()); // FAT in sector 0
        for i in 1..109 {
            b[76 + 4 * i..80 + 4 * i].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        let fat = 512;
        b[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes()); // sector 0: FAT
        b[fat + 4..fat + 8].copy_from_slice(&1u32.to_le_bytes()); // sector 1 → 1
        for i in 2..128 {
            b[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        assert!(check_cfb(&b).unwrap_err().contains("成环"));
        let e = sheet_rows(&b, "xls", None).unwrap_err();
        assert_eq!(e.code, DataCode::CorruptFile);
        // Ending the chain makes it a (still empty) well-formed compound file.
        b[fat + 4..fat + 8].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        assert!(check_cfb(&b).is_ok());
    }

    #[test]
    fn xls_cell_beyond_256_columns_is_refused_before_calamine() {
        let xls = include_bytes!("../../fixtures/xx-town-2021-excel/台账/新媒体发布台账.xls");
        assert!(check_cfb(xls).is_ok());
        let (_, rows, _) = sheet_rows(xls, "xls", None).unwrap();
        assert_eq!(rows[0].cells[1], "发布日期");
        assert_eq!(rows[1].cells[1], "2021-01-08");
        // Move the first LABELSST cell (record 0x00FD, 10 bytes) to column 40000.
        let mut bad = xls.to_vec();
        let at = bad
            .windows(4)
            .position(|w| w == [0xFD, 0x00, 0x0A, 0x00])
            .unwrap();
        bad[at + 6..at + 8].copy_from_slice(&40_000u16.to_le_bytes());
        assert!(check_cfb(&bad).unwrap_err().contains("40001"));
        // Or to IS60001, far from the others: a near-empty sheet spread over 12 million slots.
        bad[at + 4..at + 6].copy_from_slice(&60_000u16.to_le_bytes());
        bad[at + 6..at + 8].copy_from_slice(&200u16.to_le_bytes());
        assert!(check_cfb(&bad).unwrap_err().contains("几乎是空的"));
    }

    /// A workbook in the 1904 date system (Excel for Mac's old default): the same date is a
    /// different serial, and the workbook says which system it uses.
    #[test]
    fn xlsx_in_the_1904_date_system() {
        use std::io::{Read, Write};
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
        ws.write_string(0, 0, "发布日期").unwrap();
        // 2021-03-05 in the 1904 system is serial 42798 (44260 − 1462).
        ws.write_number_with_format(1, 0, 42798.0, &date).unwrap();
        ws.write_number(1, 1, 12.0).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        // Mark the workbook as 1904 (rust_xlsxwriter always writes the 1900 system).
        let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).unwrap();
            let name = f.name().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            if name == "xl/workbook.xml" {
                let text = String::from_utf8(data).unwrap();
                assert!(text.contains("<workbookPr"));
                data = text
                    .replace("<workbookPr", "<workbookPr date1904=\"1\"")
                    .into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&data).unwrap();
        }
        let book = out.finish().unwrap().into_inner();
        let (_, rows, _) = sheet_rows(&book, "xlsx", None).unwrap();
        assert_eq!(rows[1].cells, vec!["2021-03-05", "12"]);
        assert_eq!(rows[1].number, 2);
    }

    #[test]
    fn text_named_xlsx_is_a_problem() {
        let e = sheet_rows("标题,栏目\n".as_bytes(), "xlsx", None).unwrap_err();
        assert_eq!(e.code, DataCode::CorruptFile);
        let e = sheet_rows(b"PK\x03\x04truncated", "xlsx", None).unwrap_err();
        assert_eq!(e.code, DataCode::CorruptFile);
    }
}
