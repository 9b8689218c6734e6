//! Working days under the State Council holiday arrangements, with 调休 make-up days.
//!
//! A calendar covers the years that have at least one entry in its data (an arrangement is
//! published every year, so a year without entries is a year nobody told us about). Every
//! computation that needs a day outside the covered years fails with `MissingYear`: guessing
//! "Monday to Friday" for an unknown year would silently miscount 春节 and 国庆.
//!
//! For each covered year the calendar keeps a prefix count of working days by day of year,
//! so `workdays_between` costs one subtraction per year crossed, never a loop over days.
use crate::diag::CalendarCode;
use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};

use crate::diag::Problem;

/// A year the calendar does not cover; computations needing it must say so, never guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingYear(pub i16);

/// What the holiday arrangement says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 放假: not a working day even on a weekday.
    Holiday,
    /// 调休上班: a working day even on a weekend.
    Workday,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Every dated entry, by date (a later `merge` overrides an earlier entry).
    entries: BTreeMap<Date, DayKind>,
    /// Covered years → `prefix[i]` = working days among the first `i` days of the year
    /// (`prefix[0] = 0`, `prefix[len]` = the year's total).
    years: Years,
}

/// Prefix counts by year, indexed by `year - first` (a handful of consecutive years, so a
/// vector lookup beats a map on the per-row path).
#[derive(Debug, Clone, Default)]
struct Years {
    first: i16,
    prefixes: Vec<Option<Vec<u16>>>,
}

impl Years {
    fn get(&self, year: i16) -> Option<&Vec<u16>> {
        let i = usize::try_from(i32::from(year) - i32::from(self.first)).ok()?;
        self.prefixes.get(i)?.as_ref()
    }

    fn contains_key(&self, year: i16) -> bool {
        self.get(year).is_some()
    }

    fn keys(&self) -> impl Iterator<Item = i16> + '_ {
        (self.first..)
            .zip(&self.prefixes)
            .filter(|(_, p)| p.is_some())
            .map(|(y, _)| y)
    }
}

const BUILTIN_CSV: &str = include_str!("../data/cn-holidays.csv");

impl Calendar {
    /// The embedded 2019–2026 calendar (data/cn-holidays.csv).
    pub fn builtin() -> Calendar {
        static BUILTIN: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // The embedded file is checked by a unit test; a broken file fails there.
                Calendar::parse_csv(BUILTIN_CSV, "data/cn-holidays.csv").unwrap_or_default()
            })
            .clone()
    }

    /// Reads `date,kind,festival` lines (kind = `holiday` | `workday`; the header line and
    /// blank lines are skipped). Every bad line is reported, naming `file`, line and value.
    pub fn parse_csv(text: &str, file: &str) -> Result<Calendar, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut entries = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let line = raw.trim_start_matches('\u{feff}').trim();
            if line.is_empty() || (i == 0 && line.starts_with("date")) {
                continue;
            }
            let mut parts = line.split(',').map(str::trim);
            let date_s = parts.next().unwrap_or("");
            let kind_s = parts.next().unwrap_or("");
            let date = match parse_iso_date(date_s) {
                Some(d) => d,
                None => {
                    problems.push(
                        Problem::error(
                            file,
                            CalendarCode::BadDate,
                            "工作日历中的日期不是YYYY-MM-DD格式",
                        )
                        .line(line_no)
                        .value(date_s),
                    );
                    continue;
                }
            };
            let kind = match kind_s {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::Workday,
                _ => {
                    problems.push(
                        Problem::error(
                            file,
                            CalendarCode::BadKind,
                            "工作日历中的类型应为 holiday 或 workday",
                        )
                        .line(line_no)
                        .value(kind_s),
                    );
                    continue;
                }
            };
            if entries.insert(date, kind).is_some_and(|old| old != kind) {
                problems.push(
                    Problem::error(
                        file,
                        CalendarCode::Conflict,
                        "同一日期在工作日历中既是放假又是上班",
                    )
                    .line(line_no)
                    .value(date_s),
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut cal = Calendar {
            entries,
            years: Years::default(),
        };
        cal.rebuild();
        Ok(cal)
    }

    /// Adds another calendar's entries (e.g. a county's file for a new year); on the same
    /// date the other calendar wins.
    pub fn merge(&mut self, other: Calendar) {
        self.entries.extend(other.entries);
        self.rebuild();
    }

    /// The covered years, ascending.
    pub fn years(&self) -> Vec<i16> {
        self.years.keys().collect()
    }

    /// Whether `d` is a working day: Monday–Friday and not a holiday, or a declared 调休 day.
    pub fn is_workday(&self, d: Date) -> Result<bool, MissingYear> {
        if !self.years.contains_key(d.year()) {
            return Err(MissingYear(d.year()));
        }
        Ok(self.is_workday_unchecked(d))
    }

    /// 工作日间隔(a, b): working days d with a < d ≤ b; negative mirror when b < a.
    pub fn workdays_between(&self, a: Date, b: Date) -> Result<i64, MissingYear> {
        use std::cmp::Ordering;
        match a.cmp(&b) {
            Ordering::Equal => Ok(0),
            Ordering::Less => self.count_after_until(a, b),
            Ordering::Greater => self.count_after_until(b, a).map(|n| -n),
        }
    }

    /// The n-th working day after a (n ≥ 1); `a` itself for n = 0; for n < 0 the |n|-th
    /// working day before a.
    pub fn add_workdays(&self, a: Date, n: i64) -> Result<Date, MissingYear> {
        if n == 0 {
            return Ok(a);
        }
        if n < 0 {
            return self.sub_workdays(a, n.unsigned_abs());
        }
        let mut remaining = n.unsigned_abs();
        // Start on the day after a (a is never counted).
        let (mut year, mut start_doy) = match a.tomorrow() {
            Ok(t) => (t.year(), usize::try_from(t.day_of_year()).unwrap_or(1)),
            Err(_) => return Err(MissingYear(a.year().saturating_add(1))),
        };
        loop {
            let prefix = self.years.get(year).ok_or(MissingYear(year))?;
            let before = u64::from(prefix[start_doy - 1]);
            let total = u64::from(prefix[prefix.len() - 1]);
            let available = total - before;
            if remaining <= available {
                // The first day-of-year i with prefix[i] == before + remaining.
                let target = before + remaining;
                let idx = prefix.partition_point(|&p| u64::from(p) < target);
                return date_of(year, idx).ok_or(MissingYear(year));
            }
            remaining -= available;
            year = year.checked_add(1).ok_or(MissingYear(year))?;
            start_doy = 1;
        }
    }

    fn sub_workdays(&self, a: Date, n: u64) -> Result<Date, MissingYear> {
        let mut remaining = n;
        let mut d = a;
        while remaining > 0 {
            d = d
                .yesterday()
                .map_err(|_| MissingYear(a.year().saturating_sub(1)))?;
            if self.is_workday(d)? {
                remaining -= 1;
            }
        }
        Ok(d)
    }

    /// Working days d with a < d ≤ b, for a < b.
    fn count_after_until(&self, a: Date, b: Date) -> Result<i64, MissingYear> {
        let first = a
            .tomorrow()
            .map_err(|_| MissingYear(a.year().saturating_add(1)))?;
        // Check every needed year first, so an uncovered year is named even if it lies
        // between two covered ones.
        for y in first.year()..=b.year() {
            if !self.years.contains_key(y) {
                return Err(MissingYear(y));
            }
        }
        let mut total = 0i64;
        for y in first.year()..=b.year() {
            let Some(prefix) = self.years.get(y) else {
                return Err(MissingYear(y));
            };
            let lo = if y == first.year() {
                usize::try_from(first.day_of_year()).unwrap_or(1)
            } else {
                1
            };
            let hi = if y == b.year() {
                usize::try_from(b.day_of_year()).unwrap_or(1)
            } else {
                prefix.len() - 1
            };
            total += i64::from(prefix[hi]) - i64::from(prefix[lo - 1]);
        }
        Ok(total)
    }

    fn is_workday_unchecked(&self, d: Date) -> bool {
        match self.entries.get(&d) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    fn rebuild(&mut self) {
        let mut covered: Vec<i16> = self.entries.keys().map(|d| d.year()).collect();
        covered.dedup();
        let (Some(&first), Some(&last)) = (covered.first(), covered.last()) else {
            self.years = Years::default();
            return;
        };
        let span = usize::try_from(i32::from(last) - i32::from(first) + 1).unwrap_or(0);
        let mut years = Years {
            first,
            prefixes: vec![None; span],
        };
        for y in covered {
            let Some(mut d) = date_of(y, 1) else { continue };
            let mut prefix = vec![0u16];
            let mut count = 0u16;
            while d.year() == y {
                if self.is_workday_unchecked(d) {
                    count += 1;
                }
                prefix.push(count);
                match d.tomorrow() {
                    Ok(t) => d = t,
                    Err(_) => break,
                }
            }
            if let Some(slot) = usize::try_from(i32::from(y) - i32::from(first))
                .ok()
                .and_then(|i| years.prefixes.get_mut(i))
            {
                *slot = Some(prefix);
            }
        }
        self.years = years;
    }
}

/// The date with 1-based day-of-year `doy` in `year`.
fn date_of(year: i16, doy: usize) -> Option<Date> {
    let doy = i16::try_from(doy).ok()?;
    Date::new(year, 1, 1)
        .ok()?
        .with()
        .day_of_year(doy)
        .build()
        .ok()
}

/// Strict `YYYY-MM-DD`.
pub(crate) fn parse_iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i16> {
        let mut v: i16 = 0;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i16::from(c - b'0');
        }
        Some(v)
    };
    let y = digits(0..4)?;
    let m = i8::try_from(digits(5..7)?).ok()?;
    let d = i8::try_from(digits(8..10)?).ok()?;
    Date::new(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn cal() -> Calendar {
        Calendar::builtin()
    }

    #[test]
    fn builtin_parses_and_covers_2019_to_2026() {
        assert!(Calendar::parse_csv(BUILTIN_CSV, "data/cn-holidays.csv").is_ok());
        assert_eq!(cal().years(), (2019..=2026).collect::<Vec<i16>>());
    }

    #[test]
    fn is_workday_rules() {
        let c = cal();
        // Sat 2021-02-20 is a 调休 workday; Sun 2021-02-21 an ordinary weekend.
        assert_eq!(c.is_workday(d("2021-02-20")), Ok(true));
        assert_eq!(c.is_workday(d("2021-02-21")), Ok(false));
        // Thu 2021-02-11 is 春节.
        assert_eq!(c.is_workday(d("2021-02-11")), Ok(false));
        // Mon 2021-03-01 an ordinary weekday.
        assert_eq!(c.is_workday(d("2021-03-01")), Ok(true));
        assert_eq!(c.is_workday(d("2027-01-04")), Err(MissingYear(2027)));
    }

    #[test]
    fn spring_festival_2021() {
        let c = cal();
        // (2021-02-05 Fri, 2021-02-26 Fri]:
        // Sat 02-06 no, Sun 02-07 调休 yes(1), Mon 08 Tue 09 Wed 10 yes (4),
        // Thu 11 .. Wed 17 holidays (4), Thu 18 Fri 19 yes (6), Sat 20 调休 yes (7),
        // Sun 21 no, Mon 22..Fri 26 yes (12).
        assert_eq!(c.workdays_between(d("2021-02-05"), d("2021-02-26")), Ok(12));
        // Mirror.
        assert_eq!(
            c.workdays_between(d("2021-02-26"), d("2021-02-05")),
            Ok(-12)
        );
        // (02-10, 02-18]: 11..17 holidays, 18 working → 1.
        assert_eq!(c.workdays_between(d("2021-02-10"), d("2021-02-18")), Ok(1));
        // Same day → 0.
        assert_eq!(c.workdays_between(d("2021-02-10"), d("2021-02-10")), Ok(0));
        // The make-up Saturday is counted: (Fri 02-19, Sat 02-20] = 1.
        assert_eq!(c.workdays_between(d("2021-02-19"), d("2021-02-20")), Ok(1));
        // 1st working day after Wed 02-10 is Thu 02-18; 3rd is Sat 02-20 (18, 19, 20).
        assert_eq!(c.add_workdays(d("2021-02-10"), 1), Ok(d("2021-02-18")));
        assert_eq!(c.add_workdays(d("2021-02-10"), 3), Ok(d("2021-02-20")));
        // 4th: Sun 21 not, Mon 22.
        assert_eq!(c.add_workdays(d("2021-02-10"), 4), Ok(d("2021-02-22")));
        assert_eq!(c.add_workdays(d("2021-02-10"), 0), Ok(d("2021-02-10")));
        // Backwards: 1st working day before Thu 02-18 is Wed 02-10.
        assert_eq!(c.add_workdays(d("2021-02-18"), -1), Ok(d("2021-02-10")));
    }

    #[test]
    fn national_day_2021() {
        let c = cal();
        // (Fri 2021-09-24, Fri 2021-10-15]:
        // Sat 25 no, Sun 26 调休 yes(1), Mon 27..Thu 30 yes (5),
        // Fri 10-01..Thu 10-07 holidays (5), Fri 08 yes (6), Sat 09 调休 yes (7),
        // Sun 10 no, Mon 11..Fri 15 yes (12).
        assert_eq!(c.workdays_between(d("2021-09-24"), d("2021-10-15")), Ok(12));
        // 20 working days after Thu 2021-09-30: Oct 8, 9 (2), 11–15 (7), 18–22 (12),
        // 25–29 (17), Nov 1, 2, 3 (20) → Wed 2021-11-03.
        assert_eq!(c.add_workdays(d("2021-09-30"), 20), Ok(d("2021-11-03")));
        assert_eq!(c.workdays_between(d("2021-09-30"), d("2021-11-03")), Ok(20));
        assert_eq!(c.workdays_between(d("2021-09-30"), d("2021-11-02")), Ok(19));
    }

    #[test]
    fn across_years() {
        let c = cal();
        // 2021: 2021-01-01 is a Friday; 365 days = 52 weeks + 1 Friday → 261 weekdays.
        // Weekday holidays: 01-01; 02-11,12,15,16,17; 04-05; 05-03,04,05; 06-14; 09-20,21;
        // 10-01,04,05,06,07 → 18. 调休: 02-07, 02-20, 04-25, 05-08, 09-18, 09-26, 10-09 → 7.
        // 261 − 18 + 7 = 250.
        assert_eq!(
            c.workdays_between(d("2020-12-31"), d("2021-12-31")),
            Ok(250)
        );
        // (2021-12-30, 2022-01-04]: Fri 12-31 yes; 2022-01-01..03 元旦 holiday; Tue 01-04 yes.
        assert_eq!(c.workdays_between(d("2021-12-30"), d("2022-01-04")), Ok(2));
        assert_eq!(c.add_workdays(d("2021-12-30"), 2), Ok(d("2022-01-04")));
    }

    #[test]
    fn missing_years() {
        let c = cal();
        assert_eq!(
            c.workdays_between(d("2026-12-01"), d("2027-01-10")),
            Err(MissingYear(2027))
        );
        assert_eq!(
            c.workdays_between(d("2018-12-01"), d("2019-01-10")),
            Err(MissingYear(2018))
        );
        // a = 2018-12-31 needs only days from 2019-01-01 on: Tue 01-01 元旦, Wed 01-02 yes.
        assert_eq!(c.workdays_between(d("2018-12-31"), d("2019-01-02")), Ok(1));
        // Running off the end of 2026.
        assert_eq!(c.add_workdays(d("2026-12-01"), 40), Err(MissingYear(2027)));
        assert_eq!(c.add_workdays(d("2019-01-10"), -20), Err(MissingYear(2018)));
        assert_eq!(
            c.workdays_between(d("9999-12-31"), d("2021-01-01")),
            Err(MissingYear(2027)) // first uncovered year after 2021-01-02
        );
        assert!(c.add_workdays(d("9999-12-31"), 1).is_err());
        assert!(c.add_workdays(d("2021-01-01"), i64::MAX).is_err());
        assert!(c.add_workdays(d("2021-01-01"), i64::MIN).is_err());
    }

    #[test]
    fn parse_errors_and_merge() {
        let bad = "date,kind,festival\n2027-13-01,holiday,x\n2027-01-01,rest,元旦\n";
        let errs = Calendar::parse_csv(bad, "cal.csv").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].line, Some(2));
        assert_eq!(errs[0].value.as_deref(), Some("2027-13-01"));
        assert_eq!(errs[0].file, "cal.csv");
        assert_eq!(errs[1].code, CalendarCode::BadKind);
        assert_eq!(errs[1].line, Some(3));

        let mut c = cal();
        let extra = Calendar::parse_csv("2027-01-01,holiday,元旦\n", "county.csv").unwrap();
        c.merge(extra);
        assert!(c.years().contains(&2027));
        // Fri 2027-01-01 holiday; Mon 01-04 yes.
        assert_eq!(c.workdays_between(d("2026-12-31"), d("2027-01-04")), Ok(1));

        // A county file for 2029 alone leaves 2028 uncovered in between.
        let later = Calendar::parse_csv("2029-01-01,holiday,元旦\n", "county.csv").unwrap();
        c.merge(later);
        assert_eq!(c.years().last(), Some(&2029));
        assert!(!c.years().contains(&2028));
        assert_eq!(
            c.workdays_between(d("2027-12-01"), d("2029-01-10")),
            Err(MissingYear(2028))
        );
        assert_eq!(c.is_workday(d("2029-01-01")), Ok(false));
        assert_eq!(c.is_workday(d("2029-01-02")), Ok(true));
    }
}
