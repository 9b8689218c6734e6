//! A bundle handed in as a .zip: any bytes as the archive, opened in place and loaded.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = kaohe::load::open_zip_bytes(data.to_vec(), "fuzz") {
        let _ = bundle.load(&common::decl());
    }
});
