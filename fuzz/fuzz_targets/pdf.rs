//! PDF documents: the bytes are a .pdf handed in as 文档.年度报告 (text layer, plain-text table).
//! Run with a short per-input timeout (`-timeout=40`): extraction is abandoned after 30 s.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut problems = Vec::new();
    let _ = kaohe::load::document::read_document("年度报告", "x.pdf", data, Vec::new(), &mut problems);
});
