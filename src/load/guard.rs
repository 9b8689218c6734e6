//! Parsers from other crates (calamine, zip, quick-xml) run through [`catch`]: a panic inside
//! them on a hostile file becomes the problem "文件已损坏", never a crash of the run.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// The message when a parser from another crate panicked on a file.
pub const CORRUPT: &str = "文件已损坏，无法读取（解析时出错）：请在原软件中重新保存该文件后再报送";

thread_local! {
    /// Set while `catch` runs on this thread: a panic there is expected and reported as a
    /// problem, so the panic hook stays quiet (no "thread panicked" on the user's terminal).
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Run `f`; `None` when it panicked. The closure owns or borrows only data that is dropped
/// with it, so nothing half-updated is seen after a panic.
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CATCHING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_none() {
        assert_eq!(catch(|| 1), Some(1));
        let r: Option<()> = catch(|| panic!("calamine says no"));
        assert!(r.is_none());
    }
}
