//! The malformed and hostile corpus (fixtures/malformed/<case>/): each case is a bundle folder
//! (`bundle/`), an optional `verdicts.yaml`, and `expected.txt` — `exit N` on the first line,
//! then substrings that must appear in what kaohe prints (stderr for exit 2, the JSON report's
//! problems for exit 0). Inputs that git cannot hold (a FIFO, a symlink loop, a link out of the
//! bundle, a zip that claims gigabytes) are made by [`setup`]. Every run must end within the
//! time limit, with the expected code and never a panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::formats::stored_zip;
use crate::harness::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/malformed");
/// Far more than any case needs (each takes well under a second); a hang fails the case.
const LIMIT: Duration = Duration::from_secs(60);

/// Run a command to completion within `LIMIT`, or fail the test (killing it).
pub(crate) fn run_limited(cmd: &mut Command, what: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // Drain the pipes on threads so a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            child.kill().unwrap();
            panic!("{what}: kaohe did not finish within {LIMIT:?} (hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

/// Inputs made at test time, by case name.
pub(crate) fn setup(case: &str, bundle: &Path) {
    match case {
        "fifo-as-document" => {
            fs::create_dir_all(bundle.join("材料")).unwrap();
            let fifo = bundle.join("材料/年度报告.md");
            let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
            assert!(ok.success(), "mkfifo");
        }
        "symlink-loop-as-document" => {
            fs::create_dir_all(bundle.join("材料")).unwrap();
            std::os::unix::fs::symlink("环b.md", bundle.join("材料/年度报告.md")).unwrap();
            std::os::unix::fs::symlink("年度报告.md", bundle.join("材料/环b.md")).unwrap();
        }
        "symlink-outside-bundle" => {
            fs::create_dir_all(bundle.join("材料")).unwrap();
            let secret = bundle.parent().unwrap().join("secret.html");
            fs::write(&secret, "<p>受理机构 通信地址 联系电话 SECRET-OUTSIDE</p>").unwrap();
            std::os::unix::fs::symlink(&secret, bundle.join("材料/指南.html")).unwrap();
        }
        "zip-bomb-docx" => {
            // A docx whose document.xml claims 3 GAZETTE_FILE uncompressed (central directory and local
            // header): refused before anything is inflated.
            let mut z = stored_zip(
                &[("word/document.xml".to_string(), b"<w:document/>".to_vec())],
                false,
            );
            let huge = 3_000_000_000u32.to_le_bytes();
            z[22..26].copy_from_slice(&huge);
            let eocd = z.len() - 22;
            let cd = u32::from_le_bytes(z[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
            z[cd + 24..cd + 28].copy_from_slice(&huge);
            fs::create_dir_all(bundle.join("材料")).unwrap();
            fs::write(bundle.join("材料/年度报告.docx"), z).unwrap();
        }
        "long-and-wide-cells" => {
            // A 4 MiB title cell, then a row of 100,000 cells.
            let mut csv = String::from("标题,栏目,索引号,成文日期,发布日期\n");
            csv.push_str(&"长".repeat((4 << 20) / 3));
            csv.push_str(",工作动态,X/1,2021-03-01,2021-03-02\n");
            csv.push_str("宽,工作动态,X/2,2021-03-01,2021-03-03");
            csv.push_str(&",多".repeat(100_000));
            csv.push('\n');
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(bundle.join("台账/主动公开台账.csv"), csv).unwrap();
        }
        "xlsx-far-cell" => {
            // A workbook with one cell at XFD1048576, Excel's last: no grid is allocated.
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (c, h) in ["标题", "栏目", "索引号", "成文日期", "发布日期"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            ws.write_string(1_048_575, 16_383, "远").unwrap();
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(
                bundle.join("台账/主动公开台账.xlsx"),
                wb.save_to_buffer().unwrap(),
            )
            .unwrap();
        }
        "xlsx-padding-bomb" => {
            // An 8 KB workbook: the header, then 1,249 rows each with one cell in column
            // WQK (the 16,001st). Every row is padded to its last cell, 20 million slots in all
            // (about 500 MB); the cap of 5,000,000 cells (as for a CSV) refuses the sheet at
            // its 314th row instead, and the rest of the bundle is scored.
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (c, h) in ["标题", "栏目", "索引号", "成文日期", "发布日期"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            for r in 1..1250u32 {
                ws.write_string(r, 16_000, "x").unwrap();
            }
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(
                bundle.join("台账/主动公开台账.xlsx"),
                wb.save_to_buffer().unwrap(),
            )
            .unwrap();
        }
        "xlsx-formula-without-value" => {
            // 发布日期 as formulas whose results were never saved (a program wrote the file):
            // read as blank they would cost 1.x points with no word; they must be reported.
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_formula_result_default("");
            for (c, h) in ["标题", "栏目", "索引号", "成文日期", "发布日期"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            for r in 1..=3u32 {
                ws.write_string(r, 0, format!("工作动态{r}")).unwrap();
                ws.write_string(r, 1, "工作动态").unwrap();
                ws.write_string(r, 2, format!("X/{r}")).unwrap();
                ws.write_string(r, 3, "2021-03-01").unwrap();
                ws.write_formula(r, 4, "=D2+1").unwrap();
            }
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(
                bundle.join("台账/主动公开台账.xlsx"),
                wb.save_to_buffer().unwrap(),
            )
            .unwrap();
        }
        "docx-vmerge-wide-table" => {
            // Issue 14: a Word table 1,000 columns wide whose every column is one vertical
            // merge down 150 rows (about 25 KB deflated). Folding the merges took
            // O(columns² × rows); now linear, and the 150,000 cells pass the 100,000 cells one
            // table may hold: rows 1–100 are read (100 × 1,000), row 101 on is not, and the
            // problem says so.
            let mut xml = String::from(W_DOC_START);
            xml.push_str("<w:tbl>");
            for r in 0..150 {
                xml.push_str("<w:tr>");
                for _ in 0..1000 {
                    xml.push_str(if r == 0 {
                        r#"<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>并</w:t></w:r></w:p></w:tc>"#
                    } else {
                        "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
                    });
                }
                xml.push_str("</w:tr>");
            }
            xml.push_str("</w:tbl>");
            xml.push_str(W_DOC_END);
            write_docx(bundle, xml.as_bytes());
        }
        "docx-grid-before-amplification" => {
            // Issue 14: 10 tables × 2,000 rows of `w:gridBefore 1000` + one cell spanning
            // 1,000 columns — about 12 KB deflated; read cell by cell (40 such tables) it took
            // 2.3 GB. Each row is 2,000 grid cells: a table holds rows 1–50 (100,000), row 51
            // is cut; five tables fill the document's 500,000, the sixth is cut at its first
            // row.
            let row = r#"<w:tr><w:trPr><w:gridBefore w:val="1000"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"#;
            let table = format!("<w:tbl>{}</w:tbl>", row.repeat(2000));
            let xml = format!("{W_DOC_START}{}{W_DOC_END}", table.repeat(10));
            write_docx(bundle, xml.as_bytes());
        }
        "docx-utf16-odd-bytes" => {
            // A UTF-16 document.xml (byte-order mark) cut one byte short: it cannot be
            // decoded, and says so, instead of reading as an empty report.
            let xml =
                format!("{W_DOC_START}<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>{W_DOC_END}");
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
            bytes.pop();
            write_docx(bundle, &bytes);
        }
        "html-rowspan-across-tables" => {
            // Issue 14: 40 tables, each one cell of rowspan=1000 colspan=1000 over 1,000 rows
            // (about 400 KB of HTML). The cap was per table (1,000,000 slots each: 2.2 GB in
            // all); now all tables of a document share it.
            let table = format!(
                "<table><tr><td rowspan=1000 colspan=1000>x</td></tr>{}</table>\n",
                "<tr></tr>".repeat(999)
            );
            fs::create_dir_all(bundle.join("材料")).unwrap();
            fs::write(
                bundle.join("材料/年度报告.html"),
                format!(
                    "<html><body><p>年度报告</p>{}</body></html>",
                    table.repeat(40)
                ),
            )
            .unwrap();
        }
        "xls-html-rowspan-bomb" => {
            // A ledger exported as a web page named .xls: its header and two rows, then 40
            // tables of rowspan=1000 colspan=1000 — the same budget as a document's tables.
            let mut html = String::from(
                "<html><body><table><tr><td>标题</td><td>栏目</td><td>索引号</td><td>成文日期</td><td>发布日期</td></tr>\
                 <tr><td>会议一</td><td>工作动态</td><td>X/1</td><td>2021-03-01</td><td>2021-03-02</td></tr></table>",
            );
            let table = format!(
                "<table><tr><td rowspan=1000 colspan=1000>x</td></tr>{}</table>",
                "<tr></tr>".repeat(999)
            );
            html.push_str(&table.repeat(40));
            html.push_str("</body></html>");
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(bundle.join("台账/主动公开台账.xls"), html).unwrap();
        }
        "manifest-hundred-thousand-keys" => {
            // Issue 14: 100,000 keys in one mapping (about 1.6 MB) then the first key again.
            // The duplicate check was quadratic (33 s); now each key is checked in a hash set.
            let mut yaml = fs::read_to_string(bundle.join("bundle.yaml")).unwrap();
            yaml.push_str("附加:\n");
            for i in 0..100_000 {
                yaml.push_str(&format!("  k{i}: {i}\n"));
            }
            yaml.push_str("  k0: again\n");
            fs::write(bundle.join("bundle.yaml"), yaml).unwrap();
        }
        "csv-empty-cells-flood" => {
            // Issue 14: 300 rows, each followed by 100,000 empty cells (30 MB of commas; it
            // took 765 MB). Trailing empty cells are dropped as a row is read; the last row's
            // bad date shows the rows after the flood are still read and numbered.
            let mut csv = String::from("标题,栏目,索引号,成文日期,发布日期\n");
            for r in 2..=301 {
                let date = if r == 301 { "2021-13-45" } else { "2021-03-02" };
                csv.push_str(&format!("会议{r},工作动态,X/{r},2021-03-01,{date}"));
                csv.push_str(&",".repeat(100_000));
                csv.push('\n');
            }
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(bundle.join("台账/主动公开台账.csv"), csv).unwrap();
        }
        "csv-blank-lines-flood" => {
            // Issue 14: 60 MiB of blank lines between two rows (an index of every line break
            // took 668 MB). Line 1 is the header, line 2 a row, lines 3 to 62,914,562 blank,
            // line 62,914,563 a row whose 发布日期 cannot be read: named by its line.
            let mut csv = String::from(
                "标题,栏目,索引号,成文日期,发布日期\n会议一,工作动态,X/1,2021-03-01,2021-03-02\n",
            );
            csv.push_str(&"\n".repeat(60 << 20));
            csv.push_str("会议二,工作动态,X/2,2021-03-01,2021-13-45\n");
            fs::create_dir_all(bundle.join("台账")).unwrap();
            fs::write(bundle.join("台账/主动公开台账.csv"), csv).unwrap();
        }
        "symlinked-entry-same-file" => {
            // Two 制度 entries, the second a link to the first's file: one document would
            // count as two 制度 with nothing in bundle.yaml showing it.
            std::os::unix::fs::symlink(
                "保密审查制度.txt",
                bundle.join("材料/制度/责任追究制度.txt"),
            )
            .unwrap();
        }
        _ => {}
    }
}

const W_DOC_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
const W_DOC_END: &str = "</w:body></w:document>";

/// `材料/年度报告.docx` holding `word/document.xml` (deflated, as Word writes it).
fn write_docx(bundle: &Path, document_xml: &[u8]) {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .unwrap();
    w.start_file("word/document.xml", opts).unwrap();
    w.write_all(document_xml).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    fs::create_dir_all(bundle.join("材料")).unwrap();
    fs::write(bundle.join("材料/年度报告.docx"), bytes).unwrap();
}

struct Expected {
    exit: i32,
    needles: Vec<String>,
}

fn expected(dir: &Path) -> Expected {
    let text = fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|e| panic!("{}: expected.txt: {e}", dir.display()));
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let exit = first
        .strip_prefix("exit ")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{}: first line must be `exit N`", dir.display()));
    let needles = lines
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    Expected { exit, needles }
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn corpus_has_at_least_30_cases_each_with_an_expectation() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for c in &cases {
        assert!(c.join("bundle").is_dir(), "{}: no bundle/", c.display());
        let e = expected(c);
        assert!(
            !e.needles.is_empty(),
            "{}: no expected message",
            c.display()
        );
    }
}

#[test]
fn every_malformed_input_gets_its_expected_message() {
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::TempDir::new().unwrap();
        let bundle = tmp.path().join("xx镇-2021");
        copy_dir(&case.join("bundle"), &bundle);
        setup(&name, &bundle);
        let mut cmd = kaohe();
        cmd.arg("score").arg(&bundle).args(["--format", "json"]);
        if case.join("verdicts.yaml").is_file() {
            let v = tmp.path().join("verdicts.yaml");
            fs::copy(case.join("verdicts.yaml"), &v).unwrap();
            cmd.arg("--verdicts").arg(&v);
        }
        let out = run_limited(&mut cmd, &name);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = expected(&case);
        let mut why = Vec::new();
        if out.status.code() != Some(want.exit) {
            why.push(format!(
                "exit {:?}, expected {}",
                out.status.code(),
                want.exit
            ));
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            why.push("panicked".to_string());
        }
        if stdout.contains("SECRET-OUTSIDE") {
            why.push("read a file outside the bundle".to_string());
        }
        let seen = if want.exit == 0 {
            // The report must parse, and the needles are looked for in its problems.
            match serde_json::from_str::<serde_json::Value>(&stdout) {
                Ok(j) => format!("{}\n{}", j["problems"], j),
                Err(e) => {
                    why.push(format!("stdout is not a JSON report: {e}"));
                    String::new()
                }
            }
        } else {
            if stdout.contains("\"indicators\"") {
                why.push("a partial report was written on exit 2".to_string());
            }
            stderr.to_string()
        };
        for n in &want.needles {
            if !seen.contains(n.as_str()) {
                why.push(format!("missing {n:?}"));
            }
        }
        if !why.is_empty() {
            failures.push(format!(
                "{name}: {}\n--- stderr:\n{stderr}\n--- problems:\n{}",
                why.join("; "),
                serde_json::from_str::<serde_json::Value>(&stdout)
                    .map(|j| j["problems"].to_string())
                    .unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------- zip bundles

fn score_zip(bytes: Vec<u8>) -> (Output, tempfile::TempDir) {
    let tmp = tempfile::TempDir::new().unwrap();
    let p = tmp.path().join("xx镇-2021.zip");
    fs::write(&p, bytes).unwrap();
    let mut cmd = kaohe();
    cmd.arg("score").arg(&p).args(["--format", "json"]);
    (run_limited(&mut cmd, "zip"), tmp)
}

const HEAD: &str = "单位: xx镇\n考核年度: 2021\n考核指标: county-zwgk-2021\n报送日期: 2022-02-15\n";

#[test]
fn garbage_or_empty_zip_bundle_exits_2_naming_the_archive() {
    for bytes in [b"PK\x03\x04 not really".to_vec(), Vec::new()] {
        let (out, _t) = score_zip(bytes);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("压缩包"), "{err}");
    }
    // A zip without bundle.yaml.
    let (out, _t) = score_zip(stored_zip(&[("a.txt".into(), b"x".to_vec())], false));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bundle.yaml"));
}

#[test]
fn zip_bundle_paths_follow_the_folder_rules() {
    let manifest = format!(
        "{HEAD}台账:\n  主动公开: ../evil.csv\n  依申请: 台账\n文档:\n  年度报告: {{文件: 材料/link.md}}\n  公开指南: {{文件: 材料\\指南.html}}\n"
    );
    let members = vec![
        ("b/bundle.yaml".to_string(), manifest.into_bytes()),
        // A member whose name climbs out: never reachable, never written anywhere.
        ("evil.csv".to_string(), b"SECRET-OUTSIDE".to_vec()),
        ("b/台账/x.csv".to_string(), b"a".to_vec()),
        (
            "b/材料/指南.html".to_string(),
            "<p>受理机构 通信地址 联系电话</p>".as_bytes().to_vec(),
        ),
    ];
    let (out, _t) = score_zip(stored_zip(&members, true));
    let r = Report::from_output(out);
    assert!(!r.stdout.contains("SECRET-OUTSIDE"));
    assert!(!r.problems_mentioning("离开了报送材料文件夹").is_empty());
    assert!(!r.problems_mentioning("这是一个文件夹").is_empty());
    // `\` in a manifest path means `/` inside a zip too: the guide is read → 2.4 passes.
    r.expect("2.4", 2.0, "pass");
}

// ---------------------------------------------------------------- sanity warnings

#[test]
fn sanity_warnings_point_at_the_rows_an_evaluator_would_check() {
    let b = Bundle::seed();
    let mut proactive_rows = b.read("台账/主动公开台账.csv");
    // The seed's 69 rows are spreadsheet rows 2–70; these are rows 71–75.
    proactive_rows.push_str(
        "70,xx镇召开2021年第一次党政联席会议,工作动态,003287165/2021-09999,2021-01-08,2021-01-08,,\n\
         71,另一条信息,工作动态,003287165/2021-00001,2021-03-01,2021-03-02,,\n\
         72,尚未发生的信息,工作动态,003287165/2021-09998,2022-03-01,2022-03-01,,\n\
         73,栏目写错的信息,工作动太,003287165/2021-09997,2021-05-01,2021-05-02,,\n\
         74,栏目写错的信息二,工作动太,003287165/2021-09996,2021-05-01,2021-05-03,,\n",
    );
    b.proactive_ledger(&proactive_rows);
    b.edit("  主动公开总数: 69", "  主动公开总数: 70");
    let r = b.score();
    let by_code = |code: &str| -> Vec<&serde_json::Value> {
        r.problems().iter().filter(|p| p["code"] == code).collect()
    };
    let rows = |code: &str| -> Vec<u64> {
        by_code(code)
            .iter()
            .filter_map(|p| p["row"].as_u64())
            .collect()
    };
    // Row 71 repeats row 2's 标题 and 发布日期.
    assert_eq!(rows("duplicate-row"), vec![71]);
    assert!(
        by_code("duplicate-row")[0]["message"]
            .as_str()
            .unwrap()
            .contains("第2行")
    );
    // Row 72 reuses row 2's 索引号.
    assert_eq!(rows("duplicate-index-number"), vec![72]);
    assert_eq!(by_code("duplicate-index-number")[0]["column"], "索引号");
    // Row 73 is dated after 报送日期 2022-02-15.
    assert_eq!(rows("published-after-submission"), vec![73]);
    assert_eq!(rows("written-after-submission"), vec![73]);
    // 工作动太: once, at its first row, with how many rows use it.
    assert_eq!(rows("unknown-category"), vec![74]);
    assert!(
        by_code("unknown-category")[0]["message"]
            .as_str()
            .unwrap()
            .contains("共2行")
    );
    // 69 declared by category, 70 declared in total.
    let s = by_code("self-report-sum-mismatch");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["key"], "自查申报.分类数量");
    assert!(s[0]["line"].as_u64().is_some());
    // Warnings only: every one is severity warning.
    for code in [
        "duplicate-row",
        "duplicate-index-number",
        "published-after-submission",
        "unknown-category",
        "self-report-sum-mismatch",
    ] {
        assert!(by_code(code).iter().all(|p| p["severity"] == "warning"));
    }
}

#[test]
fn zip_member_inflating_past_its_declared_size_is_refused() {
    let guide = "<p>受理机构 通信地址 联系电话</p>".repeat(20).into_bytes();
    let manifest = format!("{HEAD}文档:\n  公开指南: {{文件: 材料/指南.html}}\n");
    let mut z = stored_zip(
        &[
            ("材料/指南.html".to_string(), guide),
            ("bundle.yaml".to_string(), manifest.into_bytes()),
        ],
        false,
    );
    // The first member claims 10 bytes uncompressed (local header and central directory).
    z[22..26].copy_from_slice(&10u32.to_le_bytes());
    let eocd = z.len() - 22;
    let cd = u32::from_le_bytes(z[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    z[cd + 24..cd + 28].copy_from_slice(&10u32.to_le_bytes());
    let (out, _t) = score_zip(z);
    let r = Report::from_output(out);
    assert!(
        !r.problems_mentioning("超过压缩包所声明的大小").is_empty(),
        "{:?}",
        r.problems()
    );
}

// ---------------------------------------------------------------- terminal safety

/// A 单位 and a ledger title carrying terminal commands (clear screen, retitle the window, hide
/// text) and a bidi override must reach the table and Markdown outputs, and the messages on
/// stderr, as visible text — never as the control characters themselves.
#[test]
fn control_and_bidi_characters_never_reach_the_terminal() {
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("xx镇-2021");
    copy_dir(Path::new(SEED), &bundle);
    let manifest = fs::read_to_string(bundle.join("bundle.yaml")).unwrap();
    let manifest = manifest.replacen(
        "单位: xx镇\n",
        "单位: \"xx镇\\e[2J\\e]0;pwned\\a\\u202e\"\n",
        1,
    );
    fs::write(bundle.join("bundle.yaml"), manifest).unwrap();
    let ledger = bundle.join("台账/主动公开台账.csv");
    let csv = fs::read_to_string(&ledger).unwrap();
    // Row 57's title appears in 1.6's finding; hide it with ESC[8m (concealed text).
    let csv = csv.replacen("xx镇人民政府关于印发", "\u{1b}[8mxx镇人民政府关于印发", 1);
    fs::write(&ledger, csv).unwrap();
    for format in ["table", "md"] {
        let out = run_limited(
            kaohe().arg("score").arg(&bundle).args(["--format", format]),
            format,
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!text.contains(bad), "{format}: {bad:?} reached the output");
        }
        // Shown, not dropped: the reader sees that something odd was written.
        assert!(text.contains("u{1B}"), "{format}: the escape is not shown");
        assert!(
            text.contains("u{202E}"),
            "{format}: the bidi override is not shown"
        );
    }
}

// ---------------------------------------------------------------- rule sets from outside

const RULES_2021: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/county-zwgk-2021");

/// A copy of county-zwgk-2021 (without its tests) with `edit` applied to ruleset.yaml.
fn rules_copy(edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::TempDir::new().unwrap();
    copy_dir(Path::new(RULES_2021), tmp.path());
    let _ = fs::remove_dir_all(tmp.path().join("tests"));
    let p = tmp.path().join("ruleset.yaml");
    fs::write(&p, edit(fs::read_to_string(&p).unwrap())).unwrap();
    tmp
}

/// 40,000 parameters, each unused: every one is reported with its line, and the check does not
/// rescan the file per problem (it took two minutes when it did; the limit catches a hang).
#[test]
fn rules_check_with_forty_thousand_params_reports_each_one() {
    let many: String = (0..40_000).map(|i| format!("  p{i}: {i}\n")).collect();
    let dir = rules_copy(|s| s.replacen("params:\n", &format!("params:\n{many}"), 1));
    let out = run_limited(
        kaohe().args(["rules", "check"]).arg(dir.path()),
        "40k params",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.matches("[unused-param]").count(), 40_000);
    assert!(err.contains("参数 p39999 没有被任何表达式或消息使用"));
}

/// `extends: /` names no rule set: refused at once, without reading the file system.
#[test]
fn extends_the_root_folder_is_refused_without_walking_it() {
    let tmp = tempfile::TempDir::new().unwrap();
    fs::write(tmp.path().join("ruleset.yaml"), "id: ov\nextends: /\n").unwrap();
    let out = run_limited(
        kaohe().args(["rules", "check"]).arg(tmp.path()),
        "extends /",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("extends-unknown"), "{err}");
}

/// A rule file saved by Notepad as UTF-8 with a BOM reads like one without.
#[test]
fn rule_file_with_a_utf8_bom_reads_as_without() {
    let dir = rules_copy(|s| format!("\u{feff}{s}"));
    let out = run_limited(
        kaohe()
            .arg("score")
            .arg(SEED)
            .arg("--rules")
            .arg(dir.path())
            .args(["--format", "json"]),
        "bom rules",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The seed scores 95.5 under county-zwgk-2021 (README, EXPECTED.md).
    assert_eq!(j["total"]["score"], serde_json::json!(95.5));
}

/// A row of the application register whose cells slid over by a comma slip puts an applicant's
/// request where 收件日期 belongs. The problem names file, row and column, but the request
/// itself never appears — in no format; a mistyped date is still shown as written.
#[test]
fn a_shifted_application_row_never_echoes_the_request() {
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("xx镇-2021");
    copy_dir(Path::new(SEED), &bundle);
    let header = "序号,收件日期,申请人,申请人类型,联系方式,申请方式,申请内容,征求意见工作日,是否延期,答复日期,办理结果";
    fs::write(
        bundle.join("台账/依申请公开登记簿.csv"),
        format!(
            "{header}\n1,宅基地审批的材料,张某,自然人,139,信函,,,否,2021-03-10,予以公开\n\
             2,2021-13-01,李某,自然人,138,网络,村道维修,,否,2021-03-10,予以公开\n"
        ),
    )
    .unwrap();
    for format in ["json", "table", "md", "csv", "html"] {
        let out = run_limited(
            kaohe().arg("score").arg(&bundle).args(["--format", format]),
            format,
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
        let all = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            !all.contains("审批的材料"),
            "{format}: the request was echoed"
        );
        // CSV holds the indicator rows only; the others list the data problems.
        if format != "csv" {
            assert!(
                all.contains("内容不显示"),
                "{format}: the masked value is not explained"
            );
            assert!(
                all.contains("2021-13-01"),
                "{format}: a mistyped date must stay visible"
            );
        }
    }
}

/// A zip listing one ledger twice (two different copies): which one was handed in is unknown,
/// so neither is read and the problem says why — never the last copy silently.
#[test]
fn a_zip_member_listed_twice_is_refused_naming_it() {
    let manifest = format!("{HEAD}台账:\n  主动公开: 台账/主动公开.csv\n");
    let members = vec![
        ("bundle.yaml".to_string(), manifest.into_bytes()),
        (
            "台账/主动公开.csv".to_string(),
            PROACTIVE_HEADER.as_bytes().to_vec(),
        ),
        (
            "台账/主动公开.csv".to_string(),
            format!("{PROACTIVE_HEADER}\n1,a,工作动态,x,2021-01-01,2021-01-02,\n").into_bytes(),
        ),
    ];
    let (out, _t) = score_zip(stored_zip(&members, false));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2个同名的文件"), "{text}");
    assert!(text.contains("台账/主动公开.csv"));
}

/// One oversized member (a 65 MiB scan) is refused alone; the rest of the zip bundle is
/// scored as the same folder would be (exit 0, not 2).
#[test]
fn one_oversized_member_does_not_sink_the_zip_bundle() {
    let manifest =
        format!("{HEAD}文档:\n  年度报告: {{文件: 材料/年报扫描.pdf, 发布日期: 2022-01-20}}\n");
    let members = vec![
        ("bundle.yaml".to_string(), manifest.into_bytes()),
        ("材料/年报扫描.pdf".to_string(), vec![0u8; 65 * 1024 * 1024]),
    ];
    let (out, _t) = score_zip(stored_zip(&members, false));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("超过可读取的上限64MiB"), "{text}");
    // Present (hashed as it inflated) but unread: 6.1 decided by 发布日期 2022-01-20 → 6.
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ind = j["indicators"].as_array().unwrap();
    let i61 = ind.iter().find(|i| i["id"] == "6.1").unwrap();
    assert_eq!(i61["score"], serde_json::json!(6), "{i61}");
}

// ---------------------------------------------------------------- -o never writes into an input

fn refused(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// `-o` through a dangling symlink that points into the bundle: refused (the link is not
/// followed), and nothing appears in the bundle.
#[cfg(unix)]
#[test]
fn output_through_a_dangling_symlink_into_the_bundle_is_refused() {
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("xx镇-2021");
    copy_dir(Path::new(SEED), &bundle);
    // selfreport writes Markdown only, so its link is named .md (a .json would be refused
    // for its format before the link is looked at).
    for (cmd, name) in [
        ("score", "新报告.json"),
        ("precheck", "新报告.json"),
        ("selfreport", "新报告.md"),
    ] {
        let link = tmp.path().join(format!("{cmd}-{name}"));
        std::os::unix::fs::symlink(bundle.join("材料").join(name), &link).unwrap();
        let out = run_limited(kaohe().arg(cmd).arg(&bundle).arg("-o").arg(&link), cmd);
        assert!(refused(&out).contains("符号链接"), "{cmd}");
        assert!(
            !bundle.join("材料").join(name).exists(),
            "{cmd} wrote into the bundle"
        );
    }
}

/// `-o` onto a hard link of a ledger would rewrite the ledger: refused, the ledger unchanged.
#[cfg(unix)]
#[test]
fn output_onto_a_hard_link_of_a_ledger_is_refused() {
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("xx镇-2021");
    copy_dir(Path::new(SEED), &bundle);
    let ledger = bundle.join("台账/主动公开台账.csv");
    let before = fs::read(&ledger).unwrap();
    let link = tmp.path().join("报告.csv");
    fs::hard_link(&ledger, &link).unwrap();
    let out = run_limited(
        kaohe().arg("score").arg(&bundle).arg("-o").arg(&link),
        "hard link",
    );
    assert!(refused(&out).contains("硬链接"));
    assert_eq!(fs::read(&ledger).unwrap(), before);
}

/// `-o` equal to the evaluator's verdict file: refused, the verdicts unchanged.
#[test]
fn output_onto_the_verdict_file_is_refused() {
    let tmp = tempfile::TempDir::new().unwrap();
    let v = tmp.path().join("verdicts.yaml");
    let text = "评分人: 王某\n评分日期: 2022-02-20\n评分:\n  \"3.4\": {得分: 2}\n";
    fs::write(&v, text).unwrap();
    let out = run_limited(
        kaohe()
            .arg("score")
            .arg(SEED)
            .arg("--verdicts")
            .arg(&v)
            .arg("-o")
            .arg(&v),
        "verdicts",
    );
    assert!(refused(&out).contains("评分文件"));
    assert_eq!(fs::read_to_string(&v).unwrap(), text);
}

/// `batch -o county/乙镇.zip` would overwrite a zipped bundle of the batch: refused.
#[test]
fn batch_output_onto_a_zipped_bundle_of_the_batch_is_refused() {
    let tmp = tempfile::TempDir::new().unwrap();
    let county = tmp.path().join("county");
    fs::create_dir(&county).unwrap();
    copy_dir(Path::new(SEED), &county.join("甲镇"));
    let zip = county.join("乙镇.zip");
    let members = vec![("bundle.yaml".to_string(), HEAD.as_bytes().to_vec())];
    let bytes = stored_zip(&members, false);
    fs::write(&zip, &bytes).unwrap();
    let out = run_limited(
        kaohe().arg("batch").arg(&county).arg("-o").arg(&zip),
        "batch zip",
    );
    assert!(refused(&out).contains("乙镇.zip"));
    assert_eq!(fs::read(&zip).unwrap(), bytes);
}

/// A 70 MiB file named as the annual report is refused alone (it cannot be a report to read),
/// the rest scores; the same size as a 制度 file (existence and SHA-256 only) is hashed as it
/// streams and counts as present.
#[test]
fn a_huge_file_is_refused_as_a_document_and_hashed_as_a_file() {
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("xx镇-2021");
    copy_dir(Path::new(SEED), &bundle);
    let big = fs::File::create(bundle.join("材料/大扫描件.pdf")).unwrap();
    big.set_len(70 << 20).unwrap(); // sparse: no 70 MiB written to disk
    drop(big);
    let manifest = fs::read_to_string(bundle.join("bundle.yaml")).unwrap();
    let manifest = manifest.replacen("材料/制度/依申请受理机制.txt", "材料/大扫描件.pdf", 1);
    fs::write(bundle.join("bundle.yaml"), &manifest).unwrap();
    let out = run_limited(
        kaohe().arg("score").arg(&bundle).args(["--format", "json"]),
        "huge file",
    );
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // As a 制度 file it only has to exist: 7.3 keeps its 6 points (the seed's).
    let ind = j["indicators"].as_array().unwrap();
    let i73 = ind.iter().find(|i| i["id"] == "7.3").unwrap();
    assert_eq!(i73["score"], serde_json::json!(6), "{i73}");
    let e = j["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "材料/大扫描件.pdf")
        .unwrap();
    assert!(e["sha256"].as_str().is_some_and(|h| h.len() == 64), "{e}");

    // As the annual report it would have to be read: refused, 6.2 缺材料 (0 of 6), 6.1 still
    // decided by 发布日期 (2022-01-25, on time: 6), the rest scored.
    let manifest = manifest.replacen("材料/年度报告.md", "材料/大扫描件.pdf", 1);
    fs::write(bundle.join("bundle.yaml"), &manifest).unwrap();
    let out = run_limited(
        kaohe().arg("score").arg(&bundle).args(["--format", "json"]),
        "huge report",
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("超过可读取的上限64MiB"), "{text}");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ind = j["indicators"].as_array().unwrap();
    let get = |id: &str| ind.iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(get("6.2")["score"], serde_json::json!(0));
    assert_eq!(get("6.2")["status"], "missing");
    assert_eq!(get("6.1")["score"], serde_json::json!(6));
}

/// A county folder holding a .rar and a link that loops: both are named on stderr (never
/// skipped in silence), and the real bundle is scored.
#[cfg(unix)]
#[test]
fn batch_names_what_it_skips() {
    let tmp = tempfile::TempDir::new().unwrap();
    let county = tmp.path().join("county");
    fs::create_dir(&county).unwrap();
    copy_dir(Path::new(SEED), &county.join("甲镇"));
    fs::write(county.join("乙镇.rar"), b"Rar!\x1a\x07\x00").unwrap();
    std::os::unix::fs::symlink(county.join("环"), county.join("环")).unwrap();
    let out = run_limited(kaohe().arg("batch").arg(&county), "batch skips");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("乙镇.rar") && err.contains(".rar 压缩包无法读取"),
        "{err}"
    );
    assert!(err.contains("环") && err.contains("符号链接循环"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("xx镇"));
}

/// The same township handed in twice, once with a zero-width space in its 单位: named as a
/// duplicate like any other.
#[test]
fn batch_names_a_duplicate_unit_spelled_with_an_invisible_character() {
    let tmp = tempfile::TempDir::new().unwrap();
    let county = tmp.path().join("county");
    fs::create_dir(&county).unwrap();
    copy_dir(Path::new(SEED), &county.join("甲"));
    copy_dir(Path::new(SEED), &county.join("乙"));
    let m = county.join("乙/bundle.yaml");
    let text = fs::read_to_string(&m)
        .unwrap()
        .replacen("单位: xx镇", "单位: \"xx\\u200b镇\"", 1);
    fs::write(&m, text).unwrap();
    let out = run_limited(
        kaohe().arg("batch").arg(&county).args(["--format", "json"]),
        "dup unit",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dups = j["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{}", j["duplicates"]);
    assert_eq!(dups[0]["bundles"].as_array().unwrap().len(), 2);
    // And a warning on stderr names both folders.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("有 2 份材料") && err.contains("甲") && err.contains("乙"),
        "{err}"
    );
}

/// `l{i}: l{i-1} + l{i-1}` doubles a text thirty times (2^31 bytes): `rules check` cannot see
/// it, so the evaluation stops when a `+` would build a value past 16 MiB, and `kaohe score`
/// says so (exit 2, naming the rule set) instead of taking all memory or printing a score
/// from a half-evaluated rule.
#[test]
fn a_rule_doubling_a_text_stops_with_a_message() {
    let chain: String = std::iter::once("  l0: '\"ab\"'\n".to_string())
        .chain((1..=30).map(|i| format!("  l{i}: l{} + l{}\n", i - 1, i - 1)))
        .collect();
    let dir = rules_copy(|s| s.replacen("\nlet:\n", &format!("\nlet:\n{chain}"), 1));
    let out = run_limited(
        kaohe()
            .args(["score", "fixtures/xx-town-2021", "--rules"])
            .arg(dir.path())
            .current_dir(env!("CARGO_MANIFEST_DIR")),
        "text doubling",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("规则集 county-zwgk-2021：评分时"), "{err}");
    assert!(err.contains("超过 16 MB"), "{err}");
    assert!(out.stdout.is_empty());
}

/// Nested ranges whose bounds are visible: `rules check` warns (`costly-expression`) with the
/// product of the bounds. (Scoring such a rule stops at the step budget, `budget::EVALUATION_STEPS`;
/// the unit tests of `budget` show the cut, an end-to-end run would take minutes in a debug build.)
#[test]
fn nested_ranges_are_warned_by_rules_check() {
    let costly = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/rules/costly-expression"
    );
    let out = run_limited(kaohe().args(["rules", "check", costly]), "costly check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[costly-expression]"), "{err}");
    // range(1, 100000) has 100,000 elements; the inner loop runs 100,000 times per outer
    // element, plus the outer body itself: 100,000 × (1 + 100,000) = 10,000,100,000.
    assert!(err.contains("10000100000"), "{err}");
}

/// The excel twin's annual report with its `word/document.xml` re-saved as UTF-16 (a byte-order
/// mark, `encoding="UTF-16"`, as some converters write it): it read as an empty report (6.2
/// lost its points with no word); decoded, every indicator scores exactly as with the UTF-8
/// original, and no problem names the report.
#[test]
fn a_utf16_word_document_scores_as_its_utf8_original() {
    const TWIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/xx-town-2021-excel");
    let scores = |bundle: &Path| -> (Vec<(String, serde_json::Value)>, String) {
        let out = run_limited(
            kaohe().arg("score").arg(bundle).args(["--format", "json"]),
            "utf-16 docx",
        );
        assert_eq!(out.status.code(), Some(0));
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ind = j["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["id"].as_str().unwrap().to_string(), i["score"].clone()))
            .collect();
        (ind, j["problems"].to_string())
    };
    let tmp = tempfile::TempDir::new().unwrap();
    let bundle = tmp.path().join("xx镇-2021");
    copy_dir(Path::new(TWIN), &bundle);
    let (utf8, _) = scores(&bundle);

    let docx = bundle.join("材料/年度报告.docx");
    let original = fs::read(&docx).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut found = false;
    for i in 0..zin.len() {
        let mut m = zin.by_index(i).unwrap();
        let name = m.name().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut m, &mut data).unwrap();
        if name == "word/document.xml" {
            let text = String::from_utf8(data).unwrap();
            let text = text.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
            data = vec![0xFF, 0xFE];
            data.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            found = true;
        }
        w.start_file(name, opts).unwrap();
        std::io::Write::write_all(&mut w, &data).unwrap();
    }
    assert!(found);
    fs::write(&docx, w.finish().unwrap().into_inner()).unwrap();
    let (utf16, problems) = scores(&bundle);
    assert_eq!(utf16, utf8);
    // 6.2 reads the report's tables: the twin scores its full 6 either way.
    let s62 = utf16.iter().find(|(id, _)| id == "6.2").unwrap();
    assert_eq!(s62.1, serde_json::json!(6), "{utf16:?}");
    assert!(!problems.contains("年度报告.docx"), "{problems}");
}
