//! Dates as townships write them (bundle-spec.md "Dates").
//!
//! A four-digit year, then month and day with or without a leading zero, written Y-M-D, Y/M/D,
//! Y.M.D or Y年M月D日 (日 or 号); ASCII or full-width digits; spaces allowed around 年/月/日;
//! optionally followed by a time (HH:MM or HH:MM:SS), which is ignored. Nothing else is a date:
//! 20210305, 21/3/5 and 3/5/2021 are data problems, as are impossible days (2021-02-30).
//!
//! A small scanner turns the spelling into (year, month, day); jiff checks the calendar.
use jiff::civil::Date;

/// Y-M-D, Y/M/D, Y.M.D or Y年M月D日(号), ASCII or full-width digits, optional trailing time.
/// The input is already trimmed. Anything else is `None`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    // The common spelling `2021-03-05` (ledgers hold thousands) without building a char vector;
    // the scanner below reads it the same way.
    if let Some(d) = parse_ymd_ascii(s.trim().as_bytes()) {
        return Some(d);
    }
    parse_date_scanned(s)
}

/// Every accepted spelling, read char by char.
fn parse_date_scanned(s: &str) -> Option<Date> {
    // Full-width digits → ASCII, so the scanner sees one alphabet.
    let chars: Vec<char> = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    let mut sc = Scanner {
        chars: &chars,
        i: 0,
    };

    let year = sc.digits(4, 4)?;
    let chinese = {
        sc.spaces();
        sc.peek() == Some('年')
    };
    let (month, day) = if chinese {
        sc.eat('年');
        sc.spaces();
        let m = sc.digits(1, 2)?;
        sc.spaces();
        sc.expect('月')?;
        sc.spaces();
        let d = sc.digits(1, 2)?;
        sc.spaces();
        if !(sc.eat('日') || sc.eat('号')) {
            return None;
        }
        (m, d)
    } else {
        // No spaces before an ASCII separator: `2021 -3-5` is not a spelling anyone uses and
        // rejecting it keeps the rule simple.
        sc.i = 4;
        let sep = sc.peek().filter(|c| matches!(c, '-' | '/' | '.'))?;
        sc.i += 1;
        let m = sc.digits(1, 2)?;
        sc.expect(sep)?;
        let d = sc.digits(1, 2)?;
        (m, d)
    };

    // Optional time, ignored but checked for shape.
    if sc.peek().is_some() {
        let before = sc.i;
        sc.spaces();
        if sc.i == before && !chinese {
            return None;
        }
        let h = sc.digits(1, 2)?;
        sc.expect(':')?;
        let mi = sc.digits(2, 2)?;
        if sc.eat(':') {
            let se = sc.digits(2, 2)?;
            if se > 59 {
                return None;
            }
        }
        if h > 23 || mi > 59 || sc.peek().is_some() {
            return None;
        }
    }

    let year = i16::try_from(year).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    Date::new(year, month, day).ok()
}

/// `YYYY-MM-DD` (or with `/` or `.`, the same separator twice) in ASCII digits, or `None`.
fn parse_ymd_ascii(b: &[u8]) -> Option<Date> {
    let [y0, y1, y2, y3, s1, m0, m1, s2, d0, d1] = *b else {
        return None;
    };
    if s1 != s2 || !matches!(s1, b'-' | b'/' | b'.') {
        return None;
    }
    let num = |ds: &[u8]| {
        ds.iter().try_fold(0i16, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
        })
    };
    let year = num(&[y0, y1, y2, y3])?;
    let month = i8::try_from(num(&[m0, m1])?).ok()?;
    let day = i8::try_from(num(&[d0, d1])?).ok()?;
    Date::new(year, month, day).ok()
}

struct Scanner<'a> {
    chars: &'a [char],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Option<()> {
        self.eat(c).then_some(())
    }

    fn spaces(&mut self) {
        while self.peek().is_some_and(crate::text::is_space) {
            self.i += 1;
        }
    }

    /// A run of `min..=max` ASCII digits, and no more digits right after it.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.chars.len() && self.chars[self.i].is_ascii_digit() {
            self.i += 1;
        }
        let n = self.i - start;
        if n < min || n > max {
            return None;
        }
        self.chars[start..self.i]
            .iter()
            .try_fold(0u32, |acc, c| Some(acc * 10 + c.to_digit(10)?))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_fast_path_reads_as_the_scanner_does() {
        for s in [
            "2021-03-05",
            "2021/03/05",
            "2021.03.05",
            "2021-02-29",
            "2020-02-29",
            "2021-13-01",
            "2021-00-10",
            "2021-03-00",
            "2021-03/05",
            "2021_03_05",
            "20210-3-05",
            "2021-3-5",
            "0000-01-01",
            "9999-12-31",
            "2021-1a-05",
            "2021-03-05 10:00",
        ] {
            let fast = parse_ymd_ascii(s.as_bytes());
            assert!(fast.is_none() || fast == parse_date_scanned(s), "{s}");
            assert_eq!(parse_date(s), parse_date_scanned(s), "{s}");
        }
        assert_eq!(parse_ymd_ascii(b"2021-03-05"), Date::new(2021, 3, 5).ok());
        assert_eq!(parse_ymd_ascii(b"2021-02-29"), None);
    }

    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Option<Date> {
        Some(Date::new(y, m, day).unwrap())
    }

    #[test]
    fn accepted_spellings() {
        let want = d(2021, 3, 5);
        for s in [
            "2021-03-05",
            "2021-3-5",
            "2021/3/5",
            "2021/03/05",
            "2021.3.5",
            "2021年3月5日",
            "2021年03月05日",
            "2021年3月5号",
            "2021 年 3 月 5 日",
            "２０２１年３月５日",
            "２０２１-０３-０５",
            "2021-03-05 10:30",
            "2021-03-05 10:30:59",
            "2021/3/5  9:05",
            "2021年3月5日 10:30",
            "2021年3月5日10:30",
            " 2021-03-05 ",
        ] {
            assert_eq!(parse_date(s), want, "{s:?}");
        }
        assert_eq!(parse_date("2020-02-29"), d(2020, 2, 29));
        assert_eq!(parse_date("2021-12-31"), d(2021, 12, 31));
    }

    #[test]
    fn rejected_spellings() {
        for s in [
            "",
            "20210305",
            "21/3/5",
            "3/5/2021",
            "2021-13-01",
            "2021-02-30",
            "2021-02-29",
            "2021-00-10",
            "2021-01-00",
            "2021-3/5",
            "2021-03-05-",
            "2021-003-05",
            "2021年3月5",
            "2021年3月",
            "2021-03",
            "2021-03-05 25:00",
            "2021-03-05 10:60",
            "2021-03-05 10",
            "2021-03-05T10:30",
            "2021-03-05 10:30 上午",
            "02021-03-05",
            "二〇二一年三月五日",
            "2021 -03-05",
            "三月",
            "无",
        ] {
            assert_eq!(parse_date(s), None, "{s:?}");
        }
    }
}
