//! Built-ins over numbers, dates and lists that need no evaluator state: rounding with a step,
//! calendar-day and month arithmetic, dates from parts, and the smallest / largest / first /
//! last element of a list. `eval` hands them the evaluated arguments; they never fail (a value
//! they cannot compute is `Null`).

use jiff::civil::Date;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::eval::values_cmp;
use super::functions::Func;
use crate::value::Value;

/// The rounding rule a text names: `half-up` (四舍五入: a tie goes away from zero) or
/// `half-even` (a tie goes to the even multiple).
pub(crate) fn rounding(rule: &str) -> Option<RoundingStrategy> {
    match rule {
        "half-up" => Some(RoundingStrategy::MidpointAwayFromZero),
        "half-even" => Some(RoundingStrategy::MidpointNearestEven),
        _ => None,
    }
}

/// `n` to a multiple of `step` by `strategy`; `None` for a step not above 0 or an overflow.
pub(crate) fn round_to(n: Decimal, step: Decimal, strategy: RoundingStrategy) -> Option<Decimal> {
    if step <= Decimal::ZERO {
        return None;
    }
    let q = n.checked_div(step)?.round_dp_with_strategy(0, strategy);
    Some(q.checked_mul(step)?.normalize())
}

/// A whole number that fits in i64, else `None`.
fn whole(v: &Value) -> Option<i64> {
    let n = v.as_num()?;
    if n.fract().is_zero() {
        n.to_i64()
    } else {
        None
    }
}

fn last_day(year: i16, month: i8) -> i8 {
    Date::new(year, month, 1).map_or(28, |d| d.days_in_month())
}

/// `date(y, m, d)`: a month outside 1–12 carries into the year.
fn date_parts(y: i64, m: i64, d: i64) -> Option<Date> {
    let months = y.checked_mul(12)?.checked_add(m - 1)?;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// `add_months`: the same day `n` months later, clipped to the month's last day.
pub(crate) fn add_months(d: Date, n: i64) -> Option<Date> {
    let months = i64::from(d.year())
        .checked_mul(12)?
        .checked_add(i64::from(d.month()) - 1)?
        .checked_add(n)?;
    let year = i16::try_from(months.div_euclid(12)).ok()?;
    let month = i8::try_from(months.rem_euclid(12) + 1).ok()?;
    Date::new(year, month, d.day().min(last_day(year, month))).ok()
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

/// The smallest or largest non-null element of one orderable type.
fn extreme(list: &Value, largest: bool) -> Value {
    let mut best: Option<&Value> = None;
    for v in list
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter(|v| !v.is_null())
    {
        best = match best {
            None => Some(v),
            Some(b) => match values_cmp(v, b) {
                Some(o) if (o.is_gt() && largest) || (o.is_lt() && !largest) => Some(v),
                _ => Some(b),
            },
        };
    }
    best.cloned().unwrap_or_default()
}

/// Runs one of the built-ins of this module; `given` is how many arguments the call wrote
/// (an optional step or rule left out takes its default, a null one gives null).
pub(crate) fn call(func: Func, vals: &[Value; 3], given: usize) -> Value {
    let date = |v: &Value| v.as_date();
    let out: Option<Value> = match func {
        Func::Floor | Func::Ceil | Func::Round => (|| {
            let n = vals[0].as_num()?;
            let step = if given > 1 {
                vals[1].as_num()?
            } else {
                Decimal::ONE
            };
            let strategy = match func {
                Func::Floor => RoundingStrategy::ToNegativeInfinity,
                Func::Ceil => RoundingStrategy::ToPositiveInfinity,
                _ if given > 2 => rounding(vals[2].as_text()?)?,
                _ => RoundingStrategy::MidpointAwayFromZero,
            };
            round_to(n, step, strategy).map(Value::Num)
        })(),
        Func::MinOf | Func::MaxOf => Some(extreme(&vals[0], func == Func::MaxOf)),
        Func::First => vals[0].as_list().and_then(|l| l.first().cloned()),
        Func::Last => vals[0].as_list().and_then(|l| l.last().cloned()),
        Func::IsNull => Some(Value::Bool(vals[0].is_null())),
        Func::DateParts => (|| {
            let d = date_parts(whole(&vals[0])?, whole(&vals[1])?, whole(&vals[2])?)?;
            Some(Value::Date(d))
        })(),
        Func::MonthEnd => date(&vals[0])
            .and_then(|d| Date::new(d.year(), d.month(), d.days_in_month()).ok())
            .map(Value::Date),
        Func::AddDays => (|| Some(Value::Date(add_days(date(&vals[0])?, whole(&vals[1])?)?)))(),
        Func::AddMonths => (|| Some(Value::Date(add_months(date(&vals[0])?, whole(&vals[1])?)?)))(),
        _ => None,
    };
    out.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounding_with_a_step() {
        let up = RoundingStrategy::MidpointAwayFromZero;
        let even = RoundingStrategy::MidpointNearestEven;
        // 6.105 to 0.01: a tie; half-up → 6.11, half-even → 6.10 (0 is even).
        assert_eq!(round_to(dec("6.105"), dec("0.01"), up), Some(dec("6.11")));
        assert_eq!(round_to(dec("6.105"), dec("0.01"), even), Some(dec("6.1")));
        // 2.25 to 0.5 is 4.5 halves: half-up → 5 halves = 2.5, half-even → 4 halves = 2.
        assert_eq!(round_to(dec("2.25"), dec("0.5"), up), Some(dec("2.5")));
        assert_eq!(round_to(dec("2.25"), dec("0.5"), even), Some(dec("2")));
        // 67.048 to 0.01 → 67.05; −2.5 half-up → −3 (away from zero).
        assert_eq!(round_to(dec("67.048"), dec("0.01"), up), Some(dec("67.05")));
        assert_eq!(round_to(dec("-2.5"), Decimal::ONE, up), Some(dec("-3")));
        assert_eq!(round_to(Decimal::ONE, Decimal::ZERO, up), None);
    }

    #[test]
    fn month_arithmetic() {
        // 8-31 + 6 months: February 2022 has 28 days.
        assert_eq!(add_months(d("2021-08-31"), 6), Some(d("2022-02-28")));
        assert_eq!(add_months(d("2021-12-31"), -6), Some(d("2021-06-30")));
        assert_eq!(add_months(d("2020-01-31"), 1), Some(d("2020-02-29")));
        assert_eq!(add_months(d("2021-03-15"), 12), Some(d("2022-03-15")));
        assert_eq!(date_parts(2021, 13, 5), Some(d("2022-01-05")));
        assert_eq!(date_parts(2021, 0, 5), Some(d("2020-12-05")));
        assert_eq!(date_parts(2021, 2, 29), None);
        assert_eq!(add_days(d("2021-12-25"), 15), Some(d("2022-01-09")));
        assert_eq!(add_days(d("2021-03-01"), -1), Some(d("2021-02-28")));
        assert_eq!(add_days(d("2021-03-01"), i64::MAX), None);
    }
}
