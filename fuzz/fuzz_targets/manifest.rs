//! bundle.yaml: any bytes as the manifest of a bundle (a zip in memory, so no file system),
//! through `open_bundle`'s header checks and `load` against the built-in rule set.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;

mod common;

fuzz_target!(|data: &[u8]| {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    w.start_file("bundle.yaml", opts).unwrap();
    w.write_all(data).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    if let Ok(bundle) = kaohe::load::open_zip_bytes(bytes, "fuzz") {
        let _ = bundle.load(&common::decl());
    }
});
