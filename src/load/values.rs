//! One text value → a typed `Value`, by its declared `FieldType`. Shared by ledger cells and
//! manifest scalars, so a date or a count reads the same wherever it is written.
//!
//! Every value is trimmed (full-width spaces and U+FEFF included); empty or a placeholder
//! (无 / - — －) is empty. An unreadable value is a data problem and counts as empty
//! (a flag: as 否).

use crate::diag::DataCode;
use rust_decimal::Decimal;

use crate::dates::parse_date;
use crate::model::schema::FieldType;
use crate::text::clean;
use crate::value::Value;

/// Why a value could not be read: a stable code and a sentence saying what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub code: DataCode,
    pub message: String,
}

/// Where the value comes from: a blank flag cell in a ledger is 否, while an empty manifest
/// value means the key was omitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Cell,
    Manifest,
}

/// Type one scalar. Lists, records and maps are the caller's business (a scalar where one of
/// them is expected is handled there); here they read as text.
/// Returns the value to use and, for an unreadable value, the problem.
pub fn scalar_value(raw: &str, ty: &FieldType, origin: Origin) -> (Value, Option<Bad>) {
    let Some(s) = clean(raw) else {
        return match (ty, origin) {
            (FieldType::Flag, Origin::Cell) => (Value::Bool(false), None),
            _ => (Value::Null, None),
        };
    };
    match ty {
        FieldType::Text
        | FieldType::File
        | FieldType::List(_)
        | FieldType::Record(_)
        | FieldType::Map(_) => (Value::text(s), None),
        FieldType::Date => match parse_date(s) {
            Some(d) => (Value::Date(d), None),
            None => (
                Value::Null,
                Some(Bad {
                    code: DataCode::BadDate,
                    message: format!(
                        "「{s}」不是日期：请写成 2021-03-05、2021/3/5、2021.3.5 或 2021年3月5日（四位年份），按空值处理"
                    ),
                }),
            ),
        },
        FieldType::Count { max } => match parse_count(s) {
            Some(n) if max.is_some_and(|m| n > m) => (
                Value::Null,
                Some(Bad {
                    code: DataCode::CountAboveMax,
                    message: format!("{n} 超过上限 {}，按空值处理", max.unwrap_or_default()),
                }),
            ),
            Some(n) => (Value::Num(Decimal::from(n)), None),
            None => (
                Value::Null,
                Some(Bad {
                    code: DataCode::BadCount,
                    message: format!("「{s}」不是非负整数：请只写阿拉伯数字（如 3），按空值处理"),
                }),
            ),
        },
        FieldType::Decimal => match parse_decimal(s) {
            Some(n) => (Value::Num(n), None),
            None => (
                Value::Null,
                Some(Bad {
                    code: DataCode::BadDecimal,
                    message: format!(
                        "「{s}」不是数字：请只写阿拉伯数字和小数点（如 87.45），按空值处理"
                    ),
                }),
            ),
        },
        FieldType::Flag => match s {
            "是" => (Value::Bool(true), None),
            "否" => (Value::Bool(false), None),
            _ if origin == Origin::Manifest && s.eq_ignore_ascii_case("true") => {
                (Value::Bool(true), None)
            }
            _ if origin == Origin::Manifest && s.eq_ignore_ascii_case("false") => {
                (Value::Bool(false), None)
            }
            _ => (
                Value::Bool(false),
                Some(Bad {
                    code: DataCode::BadFlag,
                    message: format!("「{s}」应为「是」或「否」，按「否」处理"),
                }),
            ),
        },
    }
}

/// A non-negative whole number: ASCII or full-width digits, optionally followed by `.0…`
/// (what Excel writes for a whole number stored as a number). `三`, `两套`, `-1`, `3.5`,
/// `1e3` are not counts.
pub fn parse_count(s: &str) -> Option<u64> {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            _ => c,
        })
        .collect();
    let (int, frac) = match ascii.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (ascii.as_str(), None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b == b'0') {
            return None;
        }
    }
    int.parse::<u64>().ok()
}

/// An exact decimal: an optional sign, ASCII or full-width digits, thousands separators `,`
/// between groups of three, at most one decimal point with digits on both sides (what Excel
/// writes for a number). `87.45分`, `1e3`, `.5`, `八十` are not decimals.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' => '-',
            '＋' => '+',
            '，' => ',',
            _ => c,
        })
        .collect();
    let body = ascii.strip_prefix(['-', '+']).unwrap_or(&ascii);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !grouped_ok || !groups.iter().all(|g| digits(g)) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let plain: String = ascii.chars().filter(|&c| c != ',' && c != '+').collect();
    plain.parse::<Decimal>().ok()
}

/// How a field type reads in a message ("应为{}").
pub fn type_name(ty: &FieldType) -> String {
    match ty {
        FieldType::Text => "文字".into(),
        FieldType::Date => "日期".into(),
        FieldType::Count { .. } => "非负整数".into(),
        FieldType::Decimal => "数字".into(),
        FieldType::Flag => "是/否".into(),
        FieldType::File => "文件路径".into(),
        FieldType::List(t) => format!("{}的列表", type_name(t)),
        FieldType::Record(fields) => {
            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            format!("映射（{}）", names.join("、"))
        }
        FieldType::Map(t) => format!("映射（名称: {}）", type_name(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_exactly() {
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(parse_decimal("87.45"), Some(dec("87.45")));
        assert_eq!(parse_decimal("８７．４５"), Some(dec("87.45")));
        assert_eq!(parse_decimal("-3"), Some(dec("-3")));
        assert_eq!(parse_decimal("1,234.5"), Some(dec("1234.5")));
        assert_eq!(parse_decimal("0.1"), Some(dec("0.1")));
        for bad in [
            "87.45分", "1e3", ".5", "5.", "八十", "1,23", ",123", "1..2", "--1", "87 .45",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        let (v, bad) = scalar_value("87.4５", &FieldType::Decimal, Origin::Cell);
        assert_eq!(v.as_num(), Some(dec("87.45")));
        assert!(bad.is_none());
        let (v, bad) = scalar_value("良好", &FieldType::Decimal, Origin::Cell);
        assert!(v.is_null());
        let bad = bad.unwrap();
        assert_eq!(bad.code, DataCode::BadDecimal);
        assert_eq!(
            bad.message,
            "「良好」不是数字：请只写阿拉伯数字和小数点（如 87.45），按空值处理"
        );
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("3"), Some(3));
        assert_eq!(parse_count("3.0"), Some(3));
        assert_eq!(parse_count("３"), Some(3));
        assert_eq!(parse_count("012"), Some(12));
        for bad in [
            "三", "两套", "-1", "3.5", "3.", ".0", "1e3", "+3", "3 套", "",
        ] {
            assert_eq!(parse_count(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn typed_values() {
        let count60 = FieldType::Count { max: Some(60) };
        assert_eq!(
            scalar_value("61", &count60, Origin::Cell).1.unwrap().code,
            DataCode::CountAboveMax
        );
        assert!(scalar_value("60", &count60, Origin::Cell).1.is_none());
        let (v, bad) = scalar_value("两套", &FieldType::Count { max: None }, Origin::Cell);
        assert!(v.is_null());
        assert_eq!(bad.unwrap().code, DataCode::BadCount);
        let (v, bad) = scalar_value("2021-13-01", &FieldType::Date, Origin::Cell);
        assert!(v.is_null());
        assert_eq!(bad.unwrap().code, DataCode::BadDate);
        assert_eq!(
            scalar_value("　", &FieldType::Flag, Origin::Cell)
                .0
                .as_bool(),
            Some(false)
        );
        assert!(
            scalar_value("", &FieldType::Flag, Origin::Manifest)
                .0
                .is_null()
        );
        let (v, bad) = scalar_value("延期", &FieldType::Flag, Origin::Cell);
        assert_eq!(
            (v.as_bool(), bad.unwrap().code),
            (Some(false), DataCode::BadFlag)
        );
        assert_eq!(
            scalar_value(" 是 ", &FieldType::Flag, Origin::Cell)
                .0
                .as_bool(),
            Some(true)
        );
        assert!(
            scalar_value("—", &FieldType::Text, Origin::Cell)
                .0
                .is_null()
        );
        assert_eq!(
            scalar_value("\u{feff}工作动态　", &FieldType::Text, Origin::Cell)
                .0
                .as_text(),
            Some("工作动态")
        );
    }
}
