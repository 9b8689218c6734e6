//! The text layer of a `.pdf` (bundle-spec "Documents"): its text, line by line, for 6.2's
//! headings and a plain-text Table 3 (indicators.md 表三的读取).
//!
//! Extraction is `pdf-extract` (on `lopdf`), bounded so that no PDF can crash, hang or exhaust
//! the run: the file is at most [`MAX_PDF_BYTES`]; every Flate stream is first inflated into a
//! counter and the file refused when one stream passes [`MAX_INFLATED`] or all together
//! [`MAX_INFLATED_TOTAL`] (a compression bomb); extraction runs on its own thread behind
//! `catch_unwind` (the crate can panic on malformed fonts) and is abandoned after
//! [`TIME_BUDGET`]. A PDF whose text layer is empty (a scan) is "已报送但无法读取" and says so.

use std::io::Read;
use std::sync::mpsc;
use std::time::Duration;

use unicode_normalization::UnicodeNormalization;

use super::guard;

/// Larger PDFs are not read (a township's annual report is a few hundred kB).
pub const MAX_PDF_BYTES: usize = 32 << 20;
/// One compressed stream may not inflate past this.
const MAX_INFLATED: u64 = 64 << 20;
/// Nor may all of them together.
const MAX_INFLATED_TOTAL: u64 = 256 << 20;
/// Extraction that takes longer is abandoned (its thread is left to finish on its own).
const TIME_BUDGET: Duration = Duration::from_secs(30);

/// Why a PDF's text could not be read, for "已报送但无法读取：…".
pub const NO_TEXT_LAYER: &str = "PDF 没有文字层（如扫描件、图片），文字和表格无法读取；请报送有文字层的 PDF（由 Word/WPS 导出或打印为 PDF），或 .docx/.html 文件";

/// The text of a PDF's text layer, its lines separated by `\n`; `Err` says in Chinese why
/// there is none.
pub fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(format!(
            "PDF 文件大于 {} MB，文字不读取",
            MAX_PDF_BYTES >> 20
        ));
    }
    check_inflated_sizes(bytes)?;
    let owned = bytes.to_vec();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("kaohe-pdf".into())
        .spawn(move || {
            let result = guard::catch(|| pdf_extract::extract_text_from_mem(&owned));
            let _ = tx.send(result);
        });
    if spawned.is_err() {
        return Err("无法启动 PDF 读取".to_string());
    }
    let text = match rx.recv_timeout(TIME_BUDGET) {
        Ok(Some(Ok(text))) => text,
        Ok(Some(Err(e))) => {
            return Err(format!(
                "PDF 文件无法解析（{}）",
                crate::diag::foreign::pdf_error(&e)
            ));
        }
        Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(guard::CORRUPT.to_string());
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            return Err(format!(
                "PDF 文字提取超过 {} 秒，已放弃",
                TIME_BUDGET.as_secs()
            ));
        }
    };
    let text = readable_text(&text);
    if text.chars().all(crate::text::is_space) {
        return Err(NO_TEXT_LAYER.to_string());
    }
    Ok(text)
}

/// CJK radicals (CJK Radicals Supplement) that stand for a simplified character of their own
/// and have no NFKC form (Unicode's EquivalentUnifiedIdeograph).
const RADICALS: &[(char, char)] = &[
    ('⺠', '民'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻉', '贝'),
    ('⻋', '车'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻬', '齐'),
    ('⻮', '齿'),
    ('⻰', '龙'),
];

/// Fonts printed by Chromium often map CJK characters to their radical twins (⼀ for 一, ⺠ for
/// 民): those are read as the characters they stand for (Kangxi radicals by NFKC, the
/// supplement's by [`RADICALS`]); everything else is kept as extracted.
fn readable_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some(&(_, to)) = RADICALS.iter().find(|(from, _)| *from == c) {
            out.push(to);
        } else if ('\u{2E80}'..='\u{2FDF}').contains(&c) {
            out.extend(std::iter::once(c).nfkc());
        } else {
            out.push(c);
        }
    }
    out
}

/// Inflate every `stream … endstream` that is zlib data into a counter; refuse the file when
/// one of them, or all together, would be too large once decompressed.
fn check_inflated_sizes(bytes: &[u8]) -> Result<(), String> {
    let mut total = 0u64;
    let mut at = 0;
    while let Some(start) = find(&bytes[at..], b"stream").map(|i| at + i + b"stream".len()) {
        let mut body = start;
        if bytes.get(body) == Some(&b'\r') {
            body += 1;
        }
        if bytes.get(body) != Some(&b'\n') {
            at = start;
            continue;
        }
        body += 1;
        let end = find(&bytes[body..], b"endstream").map_or(bytes.len(), |i| body + i);
        let mut decoder = flate2::read::ZlibDecoder::new(&bytes[body..end]);
        let mut sink = std::io::sink();
        // Data that is not zlib fails at once; an error part-way still counts what came out.
        let mut limited = (&mut decoder).take(MAX_INFLATED + 1);
        let n = std::io::copy(&mut limited, &mut sink).unwrap_or(0);
        let n = n.max(decoder.total_out());
        if n > MAX_INFLATED {
            return Err(format!(
                "PDF 中有压缩数据解压后大于 {} MB，文字不读取",
                MAX_INFLATED >> 20
            ));
        }
        total += n;
        if total > MAX_INFLATED_TOTAL {
            return Err(format!(
                "PDF 的压缩数据解压后共大于 {} MB，文字不读取",
                MAX_INFLATED_TOTAL >> 20
            ));
        }
        at = end.max(start);
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn not_a_pdf_is_an_error_never_a_panic() {
        for bytes in [
            &b""[..],
            b"%PDF-1.4\n%%EOF\n",
            b"%PDF-1.4\n2021\n%%EOF",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R /Size 99999999999 >>\n%%EOF",
        ] {
            assert!(pdf_text(bytes).is_err());
        }
    }

    #[test]
    fn a_compression_bomb_is_refused_before_parsing() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..65 {
            z.write_all(&zeros).unwrap();
        }
        let bomb = z.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj << /Length 1 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&bomb);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        let err = pdf_text(&pdf).unwrap_err();
        assert!(err.contains("解压后大于 64 MB"), "{err}");
    }

    #[test]
    fn too_large_is_refused() {
        let err = pdf_text(&vec![b' '; MAX_PDF_BYTES + 1]).unwrap_err();
        assert!(err.contains("大于 32 MB"), "{err}");
    }

    #[test]
    fn kangxi_radicals_read_as_characters() {
        assert_eq!(
            readable_text("⼀、总体情况 ⼈⺠ 详⻅ ⾸⻚"),
            "一、总体情况 人民 详见 首页"
        );
    }
}

/// Figures for docs/decisions.md: `cargo test --lib measure_pdf -- --ignored --nocapture`
/// (set KAOHE_PDF to measure another file). Prints the time per extraction and the process's
/// peak resident memory.
#[cfg(test)]
mod measure {
    #[test]
    #[ignore]
    fn measure_pdf() {
        let path = std::env::var("KAOHE_PDF").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/annual-reports/text-layer.pdf"
            )
            .into()
        });
        let bytes = std::fs::read(&path).unwrap();
        let runs = 5;
        let start = std::time::Instant::now();
        let mut lines = 0;
        for _ in 0..runs {
            lines = super::pdf_text(&bytes).unwrap().lines().count();
        }
        let per = start.elapsed() / runs;
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let hwm = status
            .lines()
            .find(|l| l.starts_with("VmHWM"))
            .unwrap_or("VmHWM: ?");
        println!(
            "{path}: {} kB, {lines} lines, {per:?} per extraction, peak {hwm}",
            bytes.len() / 1024
        );
    }

    /// Damaged copies of the printed report (truncated, bytes overwritten): each gives text or
    /// a reason, never a panic, within the time budget. Prints how each ended.
    #[test]
    #[ignore]
    fn measure_damaged_pdfs() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/annual-reports/text-layer.pdf"
        );
        let good = std::fs::read(path).unwrap();
        let mut cases: Vec<Vec<u8>> = (1..=10)
            .map(|i| good[..good.len() * i / 11].to_vec())
            .collect();
        let mut seed = 0x2021_u64;
        for _ in 0..30 {
            let mut bad = good.clone();
            for _ in 0..20 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (seed >> 33) as usize % bad.len();
                bad[at] = (seed >> 13) as u8;
            }
            cases.push(bad);
        }
        let (mut read, mut refused) = (0, 0);
        let start = std::time::Instant::now();
        let mut slowest = std::time::Duration::ZERO;
        for case in &cases {
            let t = std::time::Instant::now();
            match super::pdf_text(case) {
                Ok(_) => read += 1,
                Err(_) => refused += 1,
            }
            slowest = slowest.max(t.elapsed());
        }
        println!(
            "{} damaged PDFs: {read} read, {refused} refused (with a reason), no panic; {:?} in all, slowest {slowest:?}",
            cases.len(),
            start.elapsed()
        );
    }
}
