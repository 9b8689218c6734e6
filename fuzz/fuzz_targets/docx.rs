//! Word documents: the first byte picks how the rest is read — even: the bytes are the .docx
//! file itself (zip, `word/document.xml`, its encoding); odd: the bytes are `word/document.xml`
//! inside a zip made here, so the fuzzer reaches tables, merges (`w:vMerge`, `w:gridSpan`,
//! `w:gridBefore`), nesting and text directly. Both go through `read_document` as a bundle's
//! annual report does (the HTML view, its tables with their caps, lines, text).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let bytes = if sel & 1 == 0 {
        rest.to_vec()
    } else {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("word/document.xml", opts).unwrap();
        w.write_all(rest).unwrap();
        w.finish().unwrap().into_inner()
    };
    let mut problems = Vec::new();
    let _ = kaohe::load::document::read_document("年度报告", "材料/x.docx", &bytes, Vec::new(), &mut problems);
});
