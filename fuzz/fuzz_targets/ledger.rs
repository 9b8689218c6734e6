//! Ledgers: the first byte picks the declared ledger and the file type (CSV/TXT/XLSX/XLS/DOCX
//! as a document); the rest is the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let decl = common::decl();
    let mut problems = Vec::new();
    let ext = ["csv", "txt", "xlsx", "xls", "docx"][(sel as usize >> 3) % 5];
    if ext == "docx" {
        let _ = kaohe::load::document::read_document("年度报告", "x.docx", bytes, Vec::new(), &mut problems);
        return;
    }
    let ld = &decl.ledgers[(sel as usize & 7) % decl.ledgers.len()];
    let file = format!("台账/x.{ext}");
    let _ = kaohe::load::ledger::read_ledger(ld, &file, ext, bytes, &Default::default(), &mut problems);
});
