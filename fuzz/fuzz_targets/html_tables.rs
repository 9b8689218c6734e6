//! HTML and Markdown tables: the first byte picks the reader — 0: an `.html` document (the
//! annual report or the guide: `<meta charset>`, text, lines, tables with `rowspan`/`colspan`
//! laid out on a grid under the per-document slot cap); 1: an `.md` document (pipe tables and
//! raw HTML tables); 2: a ledger saved as a web page (`.xls` that is HTML: the ledger's table
//! reader).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut problems = Vec::new();
    match sel % 3 {
        0 => {
            let _ = kaohe::load::document::read_document("年度报告", "材料/x.html", rest, Vec::new(), &mut problems);
        }
        1 => {
            let _ = kaohe::load::document::read_document("年度报告", "材料/x.md", rest, Vec::new(), &mut problems);
        }
        _ => {
            let _ = kaohe::load::tables::html_ledger_tables(&String::from_utf8_lossy(rest));
        }
    }
});
