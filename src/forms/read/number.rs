//! Numbers as people write them in forms: full-width digits and signs (６８０．５４), thousands
//! separators in 元 tables (1,234,567.89), blank template cells and placeholders (——, /, 无).
//! A text that is none of these is [`Read::Unreadable`]: the reader leaves the field blank and
//! warns, it never guesses.

use crate::domain::money;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read<T> {
    /// Blank or a placeholder: nothing was filed.
    Blank,
    /// A number.
    Value(T),
    /// Something that is not a number: the field stays blank, with a warning.
    Unreadable,
}

impl<T> Read<T> {
    /// The value, if one was read.
    pub fn value(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Blank | Self::Unreadable => None,
        }
    }
}

/// Full-width ASCII forms (U+FF01–U+FF5E) as ASCII, the ideographic space as a space, and
/// 。 used as a decimal point between digits is left alone (only digits decide).
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Placeholders that mean "nothing filed" in Chinese forms.
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    t.is_empty()
        || matches!(
            t,
            "/" | "／"
                | "\\"
                | "无"
                | "空"
                | "——"
                | "—"
                | "--"
                | "-"
                | "－"
                | "/ "
                | "——/"
                | "不适用"
                | "#N/A"
                | "N/A"
        )
        || t.chars()
            .all(|c| matches!(c, '—' | '-' | '－' | '─' | '_' | '/' | '／'))
}

/// An amount or score: `Blank` for a placeholder, the exact decimal for a number written with
/// ASCII or full-width digits, an optional minus (or −), optional thousands separators in
/// groups of three, and at most `max_decimals` decimals.
pub fn decimal(text: &str, max_decimals: u32) -> Read<Decimal> {
    if is_placeholder(text) {
        return Read::Blank;
    }
    let t = half_width(text.trim());
    let t = t.trim().replace('\u{2212}', "-");
    let plain = match without_separators(&t) {
        Some(p) => p,
        None => return Read::Unreadable,
    };
    match money::parse(&plain, max_decimals) {
        Ok(d) => Read::Value(d),
        Err(_) => Read::Unreadable,
    }
}

/// A whole number (headcounts): as [`decimal`] with no decimals, within `i32`.
pub fn whole(text: &str) -> Read<i32> {
    match decimal(text, 0) {
        Read::Value(d) => i32::try_from(d.mantissa()).map_or(Read::Unreadable, Read::Value),
        Read::Blank => Read::Blank,
        Read::Unreadable => Read::Unreadable,
    }
}

/// A date as forms write it: `2020年7月11日`, `2020-07-11`, `2020.7.11` or `2020/7/11`, with
/// ASCII or full-width digits and any spaces; the printed blank `年    月    日` and the
/// placeholders are `Blank`; anything else (`2020年 月 日`, `2020年13月1日`) is `Unreadable`.
pub fn date(text: &str) -> Read<NaiveDate> {
    if is_placeholder(text) {
        return Read::Blank;
    }
    let t: String = half_width(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return if t == "年月日" {
            Read::Blank
        } else {
            Read::Unreadable
        };
    }
    let mut numbers = Vec::new();
    let mut separators = Vec::new();
    let mut rest = t.as_str();
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(digits);
        let other = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (separator, after) = after.split_at(other);
        numbers.push(number);
        separators.push(separator);
        rest = after;
    }
    let [year, month, day] = numbers.as_slice() else {
        return Read::Unreadable;
    };
    let written = matches!(
        separators.as_slice(),
        ["年", "月", "日"] | ["-", "-", ""] | [".", ".", ""] | ["/", "/", ""]
    );
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| {
        if len.contains(&s.len()) {
            s.parse::<u32>().ok()
        } else {
            None
        }
    };
    match (
        written,
        number(year, 4..=4),
        number(month, 1..=2),
        number(day, 1..=2),
    ) {
        (true, Some(y), Some(m), Some(d)) => i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
            .map_or(Read::Unreadable, Read::Value),
        _ => Read::Unreadable,
    }
}

/// `1,234,567.89` as `1234567.89`; separators are accepted only between groups of three
/// digits of the integer part, so `1,2` is not read as 12.
fn without_separators(t: &str) -> Option<String> {
    if !t.contains(',') {
        return Some(t.to_owned());
    }
    let (sign, body) = t.strip_prefix('-').map_or(("", t), |b| ("-", b));
    let (integer, fraction) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let mut groups = integer.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = format!("{sign}{first}");
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push_str(g);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Read<Decimal> {
        Read::Value(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn numbers_as_forms_write_them() {
        assert_eq!(decimal("680.54", 6), d("680.54"));
        assert_eq!(decimal(" ６８０．５４ ", 6), d("680.54"));
        assert_eq!(decimal("1,234,567.89", 2), d("1234567.89"));
        assert_eq!(decimal("１，２３４", 2), d("1234"));
        assert_eq!(decimal("-49.10", 6), d("-49.10"));
        assert_eq!(decimal("−3", 6), d("-3"));
        for blank in ["", "  ", "/", "——", "无", "-", "—", "　", "不适用"] {
            assert_eq!(decimal(blank, 6), Read::Blank, "{blank:?}");
        }
        for bad in [
            "1,2",
            "12,34",
            "1e3",
            "约50",
            "50%",
            "1.2.3",
            "1..",
            "12345,678",
            ",123",
        ] {
            assert_eq!(decimal(bad, 6), Read::Unreadable, "{bad:?}");
        }
        assert_eq!(decimal("0.1234567", 6), Read::Unreadable);
        assert_eq!(whole("２２"), Read::Value(22));
        assert_eq!(whole("22.5"), Read::Unreadable);
        assert_eq!(whole("99999999999"), Read::Unreadable);
    }

    #[test]
    fn dates_as_forms_write_them() {
        let day = |y, m, d| Read::Value(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(date("2020年7月11日"), day(2020, 7, 11));
        assert_eq!(date(" ２０２０年 ７ 月１１日 "), day(2020, 7, 11));
        assert_eq!(date("2020-07-11"), day(2020, 7, 11));
        assert_eq!(date("2020.7.11"), day(2020, 7, 11));
        assert_eq!(date("2020/7/11"), day(2020, 7, 11));
        for blank in ["", "年    月    日", "  年  月  日", "/"] {
            assert_eq!(date(blank), Read::Blank, "{blank:?}");
        }
        for bad in [
            "2020年 月 日",
            "2020年13月1日",
            "2020-7",
            "20年7月1日",
            "七月",
            "2020年7月11",
        ] {
            assert_eq!(date(bad), Read::Unreadable, "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panic(s in ".{0,40}") {
            let _ = decimal(&s, 6);
            let _ = whole(&s);
            let _ = date(&s);
        }
    }
}
