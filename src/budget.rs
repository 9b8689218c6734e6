//! Per-bundle limits: a bundle whose scoring runs past its time limit, holds more than its
//! memory limit, or whose rules evaluate more than `EVALUATION_STEPS` elements (or build a text
//! or list longer than `MAX_VALUE_LEN`) is cut off — in `kaohe batch` listed as failed, so one
//! hostile or broken bundle cannot stop a national run; in the single-bundle commands an error
//! (exit 2) saying which limit, never a score computed from a half-evaluated rule.
//!
//! The step limit is deterministic (the same bundle and rules always stop at the same place,
//! on any machine); time and memory are the backstop.
//!
//! The limits are cooperative and per thread: `start` arms them on the thread that scores a
//! bundle; the expression evaluator polls `cut` once per element it visits (every loop of the
//! measure language goes through one), so a runaway measure stops within microseconds of the
//! limit, and the batch checks `cut` after loading and after scoring. Memory is the bytes
//! allocated and not yet freed on that thread since `start`, counted by `CountingAlloc` (the
//! binary's global allocator; without it only the time limit applies).
use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc;
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Why a bundle was cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    Time,
    Memory,
    /// More than `EVALUATION_STEPS` elements visited by the rules' loops.
    Steps,
    /// A text or list built by `+` longer than `MAX_VALUE_LEN`.
    Size,
}

/// Elements the rules of one bundle may visit (every loop of the measure language counts one
/// per element). The seed bundle visits 7,768 (county-zwgk-2021, measured 2026-12-03); the
/// limit is over 10,000 times that, and a few seconds of evaluation.
pub const EVALUATION_STEPS: u64 = 100_000_000;

/// The longest text (bytes) or list (elements) a rule's `+` may build: 16 MiB.
pub const MAX_VALUE_LEN: usize = 16 << 20;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static LIMIT: Cell<isize> = const { Cell::new(isize::MAX) };
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static CUT: Cell<Option<Cut>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
    static STEPS: Cell<u64> = const { Cell::new(0) };
    static STEP_LIMIT: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// mimalloc, counting each thread's live bytes for the memory limit.
pub struct CountingAlloc;

#[inline]
fn note(delta: isize) {
    // `try_with`: during thread teardown the counters may already be gone.
    let _ = LIVE.try_with(|live| {
        let now = live.get().wrapping_add(delta);
        live.set(now);
        if delta > 0 && now > LIMIT.try_with(Cell::get).unwrap_or(isize::MAX) {
            let _ = CUT.try_with(|c| {
                if c.get().is_none() {
                    c.set(Some(Cut::Memory));
                }
            });
        }
    });
}

// SAFETY: every call is forwarded unchanged to mimalloc; the counters are plain
// thread-local cells with no destructor and never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { MiMalloc.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        // SAFETY: as above.
        unsafe { MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        // SAFETY: as above.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        // SAFETY: as above.
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }
}

/// Limits for one bundle.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    pub memory_bytes: usize,
    /// Elements the rules may visit (`EVALUATION_STEPS`).
    pub steps: u64,
}

impl Limits {
    /// The limits of a single-bundle command (score, explain, precheck, selfreport, rules test,
    /// the service): the batch's defaults.
    pub const SINGLE: Limits = Limits {
        time: Duration::from_secs(60),
        memory_bytes: 2048 << 20,
        steps: EVALUATION_STEPS,
    };
}

/// Arm the limits on this thread for the bundle about to be scored.
pub fn start(limits: Limits) {
    LIVE.with(|l| l.set(0));
    LIMIT.with(|l| l.set(isize::try_from(limits.memory_bytes).unwrap_or(isize::MAX)));
    DEADLINE.with(|d| d.set(Instant::now().checked_add(limits.time)));
    CUT.with(|c| c.set(None));
    TICKS.with(|t| t.set(0));
    STEPS.with(|t| t.set(0));
    STEP_LIMIT.with(|l| l.set(limits.steps));
}

/// Disarm the limits on this thread; returns the limit that was hit, if one was.
pub fn stop() -> Option<Cut> {
    let cut = cut_now();
    LIMIT.with(|l| l.set(isize::MAX));
    DEADLINE.with(|d| d.set(None));
    STEP_LIMIT.with(|l| l.set(u64::MAX));
    CUT.with(|c| c.set(None));
    cut
}

/// Record that a limit was hit outside the polls (a `+` that would build a value past
/// `MAX_VALUE_LEN`); the evaluation then stops at the next poll.
pub fn exceed(cut: Cut) {
    CUT.with(|c| {
        if c.get().is_none() {
            c.set(Some(cut));
        }
    });
}

/// Whether this thread's bundle has hit a limit (checks the clock itself).
pub fn cut_now() -> Option<Cut> {
    if let Some(c) = CUT.with(Cell::get) {
        return Some(c);
    }
    if DEADLINE
        .with(Cell::get)
        .is_some_and(|d| Instant::now() >= d)
    {
        CUT.with(|c| c.set(Some(Cut::Time)));
        return Some(Cut::Time);
    }
    None
}

/// The evaluator's poll, once per element visited: a flag read, and the clock every 4,096
/// calls.
#[inline]
pub fn cut() -> bool {
    if CUT.with(Cell::get).is_some() {
        return true;
    }
    let steps = STEPS.with(|t| {
        let n = t.get().saturating_add(1);
        t.set(n);
        n
    });
    if steps > STEP_LIMIT.with(Cell::get) {
        exceed(Cut::Steps);
        return true;
    }
    let t = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n
    });
    t % 4096 == 0 && cut_now().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_past_deadline_cuts_and_stop_disarms() {
        start(Limits {
            time: Duration::ZERO,
            memory_bytes: usize::MAX,
            steps: u64::MAX,
        });
        assert_eq!(cut_now(), Some(Cut::Time));
        assert!(cut());
        assert_eq!(stop(), Some(Cut::Time));
        assert_eq!(cut_now(), None);
        assert!(!cut());
    }

    #[test]
    fn no_limit_hit_leaves_the_flag_clear() {
        start(Limits {
            time: Duration::from_secs(3600),
            memory_bytes: usize::MAX,
            steps: u64::MAX,
        });
        for _ in 0..10_000 {
            assert!(!cut());
        }
        assert_eq!(stop(), None);
    }

    #[test]
    fn the_step_limit_cuts_at_the_same_place_every_time() {
        for _ in 0..2 {
            start(Limits {
                time: Duration::from_secs(3600),
                memory_bytes: usize::MAX,
                steps: 1000,
            });
            let visited = (0..5000).take_while(|_| !cut()).count();
            assert_eq!(visited, 1000);
            assert_eq!(stop(), Some(Cut::Steps));
        }
    }
}
