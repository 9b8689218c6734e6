//! Parsers from other crates (calamine, zip, quick-xml) run through [`catch`]: a panic inside
//! them on a hostile file becomes the problem "文件已损坏", never a crash of the run.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// The message when a parser from another crate panicked on a file.
pub const CORRUPT: &str = "文件已损坏，无法读取（解析时出错）：请在原软件中重新保存该文件后再报送";

/// Run `f`; `None` when it panicked. The closure owns or borrows only data that is dropped
/// with it, so nothing half-updated is seen after a panic.
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}
