//! Working days under the State Council holiday arrangements, with 调休 make-up days.
use jiff::civil::Date;

/// A year the calendar does not cover; computations needing it must say so, never guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingYear(pub i16);

#[derive(Debug, Clone, Default)]
pub struct Calendar {}

impl Calendar {
    /// The embedded 2019–2026 calendar (data/cn-holidays.csv).
    pub fn builtin() -> Calendar {
        todo!("calendar")
    }
    /// 工作日间隔(a, b): working days d with a < d ≤ b; negative mirror when b < a.
    pub fn workdays_between(&self, _a: Date, _b: Date) -> Result<i64, MissingYear> {
        todo!("calendar")
    }
    /// The n-th working day after a.
    pub fn add_workdays(&self, _a: Date, _n: i64) -> Result<Date, MissingYear> {
        todo!("calendar")
    }
}

impl Calendar {
    /// (stub) Parse an extra calendar file.
    pub fn parse_csv(_text: &str, _file: &str) -> Result<Calendar, Vec<crate::diag::Problem>> {
        todo!("calendar")
    }
    /// (stub) Add another calendar's days.
    pub fn merge(&mut self, _other: Calendar) {
        todo!("calendar")
    }
}
