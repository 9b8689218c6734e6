//! The seed's ledger saved the way Excel/WPS on Chinese Windows save it must score the same.
//! Seed values (EXPECTED.md): 1.3 3 (40 工作动态), 1.6 3 (row 57 late), 3.1 4 (69 rows),
//! 3.2 3.5 (row 55 without 索引号), 3.3 4.

use crate::harness::*;

const PROACTIVE_FILE: &str = "台账/主动公开台账.csv";

fn assert_seed_ledger_scores(r: &Report) {
    r.expect("1.3", 3.0, "pass");
    r.expect("1.6", 3.0, "partial");
    r.expect("3.1", 4.0, "pass");
    r.expect("3.2", 3.5, "partial");
    r.expect("3.3", 4.0, "pass");
    assert_eq!(r.cited_rows("1.6"), vec![57]);
}

#[test]
fn gbk_csv_scores_like_utf8() {
    let b = Bundle::seed();
    let text = b.read(PROACTIVE_FILE);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "the seed ledger is GBK-encodable");
    std::fs::write(b.path(PROACTIVE_FILE), &bytes).unwrap();
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn utf8_bom_csv_scores_like_utf8() {
    let b = Bundle::seed();
    let text = b.read(PROACTIVE_FILE);
    b.write(PROACTIVE_FILE, &format!("\u{feff}{text}"));
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn utf16_tab_separated_scores_like_utf8() {
    // Excel's "Unicode 文本": UTF-16LE with a BOM, tab-separated.
    let b = Bundle::seed();
    let text = b.read(PROACTIVE_FILE).replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(b.path(PROACTIVE_FILE), &bytes).unwrap();
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn crlf_and_reordered_columns_score_like_the_seed() {
    // Columns are found by header name; order does not matter; CRLF line ends are fine.
    let b = Bundle::seed();
    let text = b.read(PROACTIVE_FILE);
    let mut out = String::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split(',').collect();
        // 序号,标题,栏目,索引号,成文日期,发布日期,领域,链接 → 发布日期,栏目,标题,索引号,成文日期,领域,链接,序号
        let order = [5, 2, 1, 3, 4, 6, 7, 0];
        let v: Vec<&str> = order.iter().map(|&i| cells[i]).collect();
        out.push_str(&v.join(","));
        out.push_str("\r\n");
    }
    b.write(PROACTIVE_FILE, &out);
    assert_seed_ledger_scores(&b.score());
}

#[test]
fn windows_backslash_paths_in_manifest() {
    let b = Bundle::seed();
    b.edit(
        "  主动公开: 台账/主动公开台账.csv",
        "  主动公开: 台账\\主动公开台账.csv",
    );
    b.edit(
        "    文件: 材料/领导小组通知.pdf",
        "    文件: 材料\\领导小组通知.pdf",
    );
    // `\` means `/`: same ledger, and the 领导小组 file exists → 7.1 4
    let r = b.score();
    assert_seed_ledger_scores(&r);
    r.expect("7.1", 4.0, "pass");
}

// ---------------------------------------------------------------- the twin bundle
//
// fixtures/xx-town-2021-excel is the seed township's evidence as Excel, WPS and Word save it:
// 主动公开 as XLSX (a 说明 sheet first, the ledger on sheet 主动公开 under a title row, real date
// cells), 公报发放 as GBK CSV, 依申请 as UTF-16 "Unicode 文本" (.txt, tab-separated, BOM),
// 查阅场所报送 as UTF-8 CSV with a BOM, 新媒体发布 as XLS (make_xls.py, xlwt), the annual
// report as .docx with Table 3 in a Word table (merged cells), and the guide as a GB2312 web
// page (`<meta http-equiv … charset=gb2312>`). It must score exactly like the
// seed (EXPECTED.md): base 94.5, bonus 1, total 95.5, 优秀, provisional.

pub(crate) const TWIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/xx-town-2021-excel");

fn assert_seed_totals(r: &Report) {
    r.expect("1.3", 3.0, "pass");
    r.expect("1.6", 3.0, "partial");
    r.expect("3.2", 3.5, "partial");
    // The seed's row 57, one lower under the workbook's title row: the sheet's own numbering.
    assert_eq!(r.cited_rows("1.6"), vec![58]);
    r.expect_total(94.5, 1.0, 95.5, "优秀");
    assert_eq!(r.total()["provisional"], true, "3.4 has no verdict");
    // Every indicator as in the seed.
    let seed = Bundle::seed().score();
    for ind in seed.json["indicators"].as_array().unwrap() {
        let id = ind["id"].as_str().unwrap();
        assert_eq!(
            r.indicator(id)["score"],
            ind["score"],
            "indicator {id} differs from the UTF-8 seed"
        );
    }
}

#[test]
fn twin_bundle_in_excel_wps_and_word_formats_scores_like_the_seed() {
    let out = kaohe()
        .arg("score")
        .arg(TWIN)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let r = Report::from_output(out);
    assert_seed_totals(&r);
    // The title row above the XLSX header is noticed, and reported on its sheet.
    let w = r.problems_mentioning("表头在第2行");
    assert_eq!(w.len(), 1, "{:?}", r.problems());
    assert_eq!(w[0]["sheet"], "主动公开");
    // Table 3 was read from the Word table: 2.x and 3.x indicators as the seed.
    r.expect("2.1", 2.0, "pass");
}

#[test]
fn twin_bundle_handed_in_as_zip_with_gbk_member_names_scores_like_the_seed() {
    let tmp = tempfile::TempDir::new().unwrap();
    // As Windows' "发送到 → 压缩(zipped)文件夹" writes it: the folder inside, names in GBK
    // without the UTF-8 flag.
    let mut members = Vec::new();
    collect_files(std::path::Path::new(TWIN), "xx镇-2021", &mut members);
    let zip = stored_zip(&members, true);
    let path = tmp.path().join("xx镇-2021.zip");
    std::fs::write(&path, zip).unwrap();
    let out = kaohe()
        .arg("score")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let r = Report::from_output(out);
    assert_seed_totals(&r);
    assert_eq!(r.json["bundle"], "xx镇-2021", "{}", r.stdout);

    // The same with UTF-8 names and bundle.yaml at the top level.
    let mut top = Vec::new();
    collect_files(std::path::Path::new(TWIN), "", &mut top);
    let path = tmp.path().join("材料.ZIP");
    std::fs::write(&path, stored_zip(&top, false)).unwrap();
    let out = kaohe()
        .arg("score")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_seed_totals(&Report::from_output(out));
}

/// Every file under `dir`, as (`prefix/relative path`, bytes), sorted.
pub(crate) fn collect_files(dir: &std::path::Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            collect_files(&e.path(), &rel, out);
        } else {
            out.push((rel, std::fs::read(e.path()).unwrap()));
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip of stored (uncompressed) members, written by hand so that member names can be GBK
/// without the UTF-8 flag, as older Windows tools write them.
pub(crate) fn stored_zip(members: &[(String, Vec<u8>)], gbk_names: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let name_bytes: Vec<u8> = if gbk_names {
            encoding_rs::GBK.encode(name).0.into_owned()
        } else {
            name.as_bytes().to_vec()
        };
        let flags: u16 = if gbk_names { 0 } else { 1 << 11 };
        let crc = crc32(data);
        let offset = out.len() as u32;
        let size = data.len() as u32;
        let mut local = Vec::new();
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        local.extend_from_slice(&20u16.to_le_bytes()); // version needed
        local.extend_from_slice(&flags.to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes()); // stored
        local.extend_from_slice(&0u32.to_le_bytes()); // time, date
        local.extend_from_slice(&crc.to_le_bytes());
        local.extend_from_slice(&size.to_le_bytes());
        local.extend_from_slice(&size.to_le_bytes());
        local.extend_from_slice(&(name_bytes.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&local);
        out.extend_from_slice(&name_bytes);
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&local[4..28]); // version needed .. name length
        central.extend_from_slice(&0u16.to_le_bytes()); // extra
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
        central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&name_bytes);
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // disks
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

// ---------------------------------------------------------------- generating the twin

/// Regenerates fixtures/xx-town-2021-excel from the seed (except the .xls, which
/// fixtures/xx-town-2021-excel/make_xls.py writes). Run by hand:
/// `cargo test --test cli regenerate_twin_fixture -- --ignored`.
#[test]
#[ignore = "a generator, not a test: rewrites fixtures/xx-town-2021-excel when run by hand"]
fn regenerate_twin_fixture() {
    use std::path::Path;
    let seed = Path::new(SEED);
    let twin = Path::new(TWIN);
    let read = |rel: &str| std::fs::read_to_string(seed.join(rel)).unwrap();
    let write = |rel: &str, bytes: &[u8]| {
        let p = twin.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    // Documents other than the annual report, as they are.
    let mut docs = Vec::new();
    collect_files(&seed.join("材料"), "材料", &mut docs);
    for (rel, bytes) in &docs {
        if !rel.ends_with("年度报告.md") {
            write(rel, bytes);
        }
    }
    write(
        "材料/年度报告.docx",
        &docx_from_markdown(&read("材料/年度报告.md")),
    );
    // The guide as an old web page saves it: GB2312 with a <meta http-equiv> charset.
    let guide = read("材料/政府信息公开指南.html").replace(
        "<meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
    );
    assert!(guide.contains("charset=gb2312"));
    let (gb, _, bad) = encoding_rs::GBK.encode(&guide);
    assert!(!bad);
    write("材料/政府信息公开指南.html", &gb);

    let manifest = read("bundle.yaml")
        .replace(
            "  主动公开: 台账/主动公开台账.csv",
            "  主动公开: {文件: 台账/主动公开台账.xlsx, 工作表: 主动公开}",
        )
        .replace(
            "  依申请: 台账/依申请公开登记簿.csv",
            "  依申请: 台账/依申请公开登记簿.txt",
        )
        .replace(
            "  新媒体发布: 台账/新媒体发布台账.csv",
            "  新媒体发布: 台账/新媒体发布台账.xls",
        )
        .replace("文件: 材料/年度报告.md", "文件: 材料/年度报告.docx")
        .replace(
            "（种子样例，",
            "（种子样例的 Excel/WPS/Word 格式孪生，由 tests/cli/formats.rs 生成；",
        );
    write("bundle.yaml", manifest.as_bytes());

    // 主动公开 → XLSX.
    write(
        "台账/主动公开台账.xlsx",
        &xlsx_from_csv(
            &read("台账/主动公开台账.csv"),
            "主动公开",
            Some("xx镇政府信息主动公开台账"),
        ),
    );
    // 公报发放 → GBK CSV.
    let gazette = read("台账/政府公报发放台账.csv");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&gazette);
    assert!(!bad);
    write("台账/政府公报发放台账.csv", &gbk);
    // 依申请 → UTF-16LE with BOM, tab-separated (Excel's "Unicode 文本").
    let mut utf16 = vec![0xFF, 0xFE];
    for u in read("台账/依申请公开登记簿.csv")
        .replace(',', "\t")
        .replace('\n', "\r\n")
        .encode_utf16()
    {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write("台账/依申请公开登记簿.txt", &utf16);
    // 查阅场所报送 → UTF-8 with a BOM, CRLF.
    let bom = format!(
        "\u{feff}{}",
        read("台账/查阅场所报送记录.csv").replace('\n', "\r\n")
    );
    write("台账/查阅场所报送记录.csv", bom.as_bytes());
    // 新媒体发布 → .xls: make_xls.py.
}

/// A workbook with a 说明 sheet first and the ledger on `sheet`: dates as Excel dates, counts
/// as numbers, everything else as text; `title` above the header when given.
fn xlsx_from_csv(csv: &str, sheet: &str, title: Option<&str>) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let note = wb.add_worksheet();
    note.set_name("说明").unwrap();
    note.write_string(0, 0, "本工作簿由县政务公开平台导出")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    let mut r0 = 0;
    if let Some(t) = title {
        ws.write_string(0, 0, t).unwrap();
        r0 = 1;
    }
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(r0, c as u16, *h).unwrap();
    }
    for (i, line) in lines.enumerate() {
        let r = r0 + 1 + i as u32;
        for (c, cell) in line.split(',').enumerate() {
            let c16 = c as u16;
            if cell.is_empty() {
                continue;
            }
            let h = header[c];
            if h.contains("日期") {
                let d = ExcelDateTime::parse_from_str(cell).unwrap();
                ws.write_datetime_with_format(r, c16, &d, &date).unwrap();
            } else if matches!(h, "序号" | "份数" | "套数" | "征求意见工作日") {
                ws.write_number(r, c16, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                ws.write_string(r, c16, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A .docx of a Markdown annual report: headings and paragraphs as Word paragraphs, pipe tables
/// as Word tables where an empty cell after a label (in the first three columns) is merged into
/// it (`w:gridSpan`) and a label repeated from the row above is a vertical merge (`w:vMerge`),
/// as Table 3 looks in Word.
pub(crate) fn docx_from_markdown(md: &str) -> Vec<u8> {
    let para = |t: &str| {
        format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(t)
        )
    };
    let mut body = String::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let flush = |table: &mut Vec<Vec<String>>, body: &mut String| {
        if table.is_empty() {
            return;
        }
        body.push_str(&word_table(table));
        table.clear();
    };
    for line in md.lines() {
        let l = line.trim();
        if l.starts_with('|') {
            if l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            table.push(cells);
            continue;
        }
        flush(&mut table, &mut body);
        if l.is_empty() {
            continue;
        }
        body.push_str(&para(l.trim_start_matches('#').trim()));
    }
    flush(&mut table, &mut body);
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    for (name, text) in [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/document.xml", document.as_str()),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn word_table(rows: &[Vec<String>]) -> String {
    let is_label = |s: &str| !s.is_empty() && s.parse::<f64>().is_err();
    // (start column, span, text) per row.
    let mut laid: Vec<Vec<(usize, usize, String)>> = Vec::new();
    for row in rows {
        let mut cells: Vec<(usize, usize, String)> = Vec::new();
        for (c, text) in row.iter().enumerate() {
            let merge = text.is_empty()
                && c < 3
                && cells
                    .last()
                    .is_some_and(|(s, span, t)| is_label(t) && s + span == c);
            if merge {
                cells.last_mut().unwrap().1 += 1;
            } else {
                cells.push((c, 1, text.clone()));
            }
        }
        laid.push(cells);
    }
    let mut x = String::from("<w:tbl><w:tblGrid/>");
    for (ri, cells) in laid.iter().enumerate() {
        x.push_str("<w:tr>");
        for (ci, (start, span, text)) in cells.iter().enumerate() {
            let same_above = |r: usize| {
                laid[r]
                    .iter()
                    .any(|(s, sp, t)| s == start && sp == span && t == text)
            };
            let first_cols = ci < 2 && is_label(text);
            let cont = first_cols && ri > 0 && same_above(ri - 1);
            let restart = first_cols && !cont && ri + 1 < laid.len() && same_above(ri + 1);
            x.push_str("<w:tc><w:tcPr>");
            if *span > 1 {
                x.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
            }
            if restart {
                x.push_str("<w:vMerge w:val=\"restart\"/>");
            } else if cont {
                x.push_str("<w:vMerge/>");
            }
            x.push_str("</w:tcPr>");
            if cont {
                x.push_str("<w:p/>");
            } else {
                x.push_str(&format!(
                    "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                    xml_escape(text)
                ));
            }
            x.push_str("</w:tc>");
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

#[test]
fn xlsx_cells_typed_and_problems_cite_sheet_row_and_column_letter() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let b = Bundle::seed();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("报送记录").unwrap();
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for (c, h) in ["报送日期", "接收单位", "套数", "内容"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // Row 2: a real date cell, a whole number stored as 2.0.
    let d = ExcelDateTime::parse_from_str("2021-07-05").unwrap();
    ws.write_datetime_with_format(1, 0, &d, &date).unwrap();
    ws.write_string(1, 1, "xx县政务公开办公室").unwrap();
    ws.write_number(1, 2, 2.0).unwrap();
    // Row 3: a date typed as text, a count as a number; column D left empty.
    ws.write_string(2, 0, "2021年12月20日").unwrap();
    ws.write_string(2, 1, "xx县政务公开办公室").unwrap();
    ws.write_number(2, 2, 1.0).unwrap();
    // Row 5 (row 4 empty): values that are not a date and not a count.
    // (A value without digits — 明天 — would be shown only by its length: it may be another
    // column's text moved over, hostile.rs a_shifted_application_row_never_echoes_the_request.)
    ws.write_string(4, 0, "2021-02-30").unwrap();
    ws.write_string(4, 1, "xx县档案馆").unwrap();
    ws.write_string(4, 2, "两套").unwrap();
    std::fs::write(
        b.path("台账/查阅场所报送记录.XLSX"),
        wb.save_to_buffer().unwrap(),
    )
    .unwrap();
    b.edit(
        "  查阅场所报送: 台账/查阅场所报送记录.csv",
        "  查阅场所报送: 台账/查阅场所报送记录.XLSX",
    );
    let r = b.score();
    // 2021-07-05 2套 + 2021-12-20 1套, as the seed → 5.1 full marks.
    r.expect("5.1", 5.0, "pass");
    let bad: Vec<_> = r
        .problems()
        .iter()
        .filter(|p| p["file"] == "台账/查阅场所报送记录.XLSX")
        .collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    for (column, value) in [("报送日期（A列）", "2021-02-30"), ("套数（C列）", "两套")]
    {
        let p = bad
            .iter()
            .find(|p| p["column"] == column)
            .unwrap_or_else(|| panic!("no problem on {column}: {bad:?}"));
        assert_eq!(p["sheet"], "报送记录");
        assert_eq!(p["row"], 5);
        assert_eq!(p["value"], value);
    }
}
