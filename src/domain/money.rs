//! The one grammar of decimal input: every amount (万元), score, weight, percentage or parsed
//! indicator value that enters the service — the GraphQL `Decimal` scalar, documents read by
//! `jixiao import` — is read by [`parse`], and nothing else.
//!
//! Grammar: `-?[0-9]+(\.[0-9]{1,n})?` with `n` the precision of the field — an optional leading
//! minus, ASCII digits, optionally a point followed by one to `n` digits. No exponent, no plus,
//! no separators (`_`, `,`), no spaces, no full-width or other Unicode digits, no leading or
//! trailing point. Leading zeros are allowed (`007` is 7).
//!
//! Range: every stored value has |x| < 10^[`INTEGER_DIGITS`] (checked where the value is written,
//! an `OUT_OF_RANGE` user error on the field); the grammar itself reads at most
//! [`READABLE_INTEGER_DIGITS`] integer digits, the most an exact decimal holds at [`MAX_DECIMALS`].

use entity::{AmountUnit, Hundredths, Millionths, ScaleError};
use rust_decimal::Decimal;

/// Decimals kept for scores, weights and percentages.
pub const AMOUNT_DECIMALS: u32 = Hundredths::SCALE;
/// Decimals kept for values parsed from indicator texts.
pub const VALUE_DECIMALS: u32 = Millionths::SCALE;
/// Decimals the `Decimal` scalar and the import reader accept: the largest precision of any
/// field. A field that keeps fewer refuses more (an `INVALID_DECIMAL` user error on the field).
pub const MAX_DECIMALS: u32 = if AMOUNT_DECIMALS > VALUE_DECIMALS {
    AMOUNT_DECIMALS
} else {
    VALUE_DECIMALS
};
/// Integer digits a stored value may have: |x| < 10^12.
pub const INTEGER_DIGITS: u32 = entity::INTEGER_DIGITS;
/// Integer digits the grammar reads at all (after leading zeros): 28 significant digits fit an
/// exact decimal, so every readable value is exact at [`MAX_DECIMALS`].
pub const READABLE_INTEGER_DIGITS: usize = 28 - MAX_DECIMALS as usize;

/// Why a text is not a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalError {
    /// Not in the grammar.
    Syntax,
    /// More decimals than allowed.
    TooManyDecimals {
        /// Decimals allowed.
        max: u32,
    },
    /// More integer digits than any value may have.
    TooLarge,
}

impl DecimalError {
    /// The stable code: `INVALID_DECIMAL`, or `OUT_OF_RANGE` for a magnitude too large.
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax | Self::TooManyDecimals { .. } => "INVALID_DECIMAL",
            Self::TooLarge => "OUT_OF_RANGE",
        }
    }

    /// The message for the caller, in Chinese, showing the accepted form.
    pub fn message(self, text: &str) -> String {
        let shown = shown(text);
        match self {
            Self::Syntax => format!("“{shown}”不是有效的数：{}", accepted_form(MAX_DECIMALS)),
            Self::TooManyDecimals { max } => {
                format!("“{shown}”的小数位过多：{}", accepted_form(max))
            }
            Self::TooLarge => format!("“{shown}”超出范围：{}", range()),
        }
    }
}

/// The accepted form, for messages.
pub fn accepted_form(max_decimals: u32) -> String {
    format!(
        "请写成如 \"680.54\"、\"-49.10\" 或 \"76\" 的字符串——可带负号“-”，整数与小数部分只用半角数字 0–9，小数点后 1 到 {max_decimals} 位；不接受指数（1e2）、正号、分隔符（_ 或 ,）、空格、全角或其他文字的数字，也不接受以小数点开头或结尾"
    )
}

/// The range, for messages.
pub fn range() -> String {
    format!("绝对值须小于 10^{INTEGER_DIGITS}（即不超过 999999999999.999999 万元）")
}

/// Decimals an amount may be written with in `unit`: to the fen (0.000001 万元, 0.01 元).
pub fn amount_decimals(unit: AmountUnit) -> u32 {
    match unit {
        AmountUnit::WanYuan => 6,
        AmountUnit::Yuan => 2,
    }
}

/// An amount written in `unit`, as stored: fen (millionths of 万元), exactly. More decimals
/// than a fen, or a magnitude of 10^[`INTEGER_DIGITS`] 万元 or more, is an error.
pub fn to_fen(written: Decimal, unit: AmountUnit) -> Result<Millionths, ScaleError> {
    let max = amount_decimals(unit);
    if written.normalize().scale() > max {
        return Err(ScaleError::TooManyDecimals { scale: max });
    }
    let wan = match unit {
        AmountUnit::WanYuan => written,
        // Exact: moving the point four places (the scale stays far below 28).
        AmountUnit::Yuan => {
            let mut w = written.normalize();
            w.set_scale(w.scale() + 4)
                .map_err(|_| ScaleError::TooLarge)?;
            w
        }
    };
    Millionths::from_decimal(wan)
}

/// A stored amount (fen) in `unit`, written with `decimals` decimals (at most the fen's).
pub fn from_fen(fen: Millionths, unit: AmountUnit, decimals: u32) -> Decimal {
    let mut value = match unit {
        AmountUnit::WanYuan => Decimal::new(fen.0, 6),
        AmountUnit::Yuan => Decimal::new(fen.0, 2),
    };
    let decimals = decimals.min(amount_decimals(unit));
    // The stored value has no digits past its written decimals unless they were trimmed as
    // zeros, so this only drops zeros.
    if value.normalize().scale() <= decimals {
        value.rescale(decimals);
    }
    value
}

/// An amount as written, kept at the decimals it was written with, trailing zeros past a fen
/// dropped (`1.1000000` 万元 is `1.100000`).
pub fn written_amount(value: Decimal, unit: AmountUnit) -> Decimal {
    let max = amount_decimals(unit);
    let mut v = value;
    if v.scale() > max {
        v.rescale(max);
    }
    v
}

/// At most 40 characters of `text`, with control characters escaped.
fn shown(text: &str) -> String {
    let mut out: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Reads `text` in the grammar with at most `max_decimals` decimals.
pub fn parse(text: &str, max_decimals: u32) -> Result<Decimal, DecimalError> {
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    let point = body.iter().position(|&b| b == b'.');
    let (integer, fraction) = match point {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    if !digits(integer) || fraction.is_some_and(|f| !digits(f)) {
        return Err(DecimalError::Syntax);
    }
    let fraction = fraction.unwrap_or_default();
    if fraction.len() > max_decimals as usize {
        return Err(DecimalError::TooManyDecimals { max: max_decimals });
    }
    let significant = integer
        .iter()
        .position(|&b| b != b'0')
        .map_or(&integer[integer.len()..], |i| &integer[i..]);
    if significant.len() > READABLE_INTEGER_DIGITS {
        return Err(DecimalError::TooLarge);
    }
    // At most 28 digits: the mantissa is below 10^28 < 2^96.
    let mut mantissa: i128 = 0;
    for &b in significant.iter().chain(fraction) {
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    if negative {
        mantissa = -mantissa;
    }
    let scale = u32::try_from(fraction.len())
        .map_err(|_| DecimalError::TooManyDecimals { max: max_decimals })?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| DecimalError::TooLarge)
}

/// Reads a JSON number: an integer goes through [`parse`]; anything with a fraction or an
/// exponent is refused (binary floating point cannot carry an exact decimal).
pub fn parse_json_number(number: &serde_json::Number) -> Result<Decimal, DecimalError> {
    if number.is_i64() || number.is_u64() {
        parse(&number.to_string(), MAX_DECIMALS)
    } else {
        Err(DecimalError::Syntax)
    }
}

/// The message for a JSON number that is not an integer.
pub fn float_message(number: &impl std::fmt::Display) -> String {
    format!(
        "小数 {number} 请以字符串传递（如 \"{number}\"），以免二进制浮点误差；{}",
        accepted_form(MAX_DECIMALS)
    )
}

/// `#[serde(deserialize_with = "…")]` for `Option<Decimal>` fields of documents read from
/// files: a string in the grammar, an integer, or null.
pub fn deserialize_option<'de, D>(deserializer: D) -> Result<Option<Decimal>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    deserializer.deserialize_any(OptionVisitor)
}

struct OptionVisitor;

impl<'de> serde::de::Visitor<'de> for OptionVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a decimal string such as \"680.54\", an integer, or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text, MAX_DECIMALS)
            .map(Some)
            .map_err(|e| E::custom(format!("{}：{}", e.code(), e.message(text))))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::custom(format!("INVALID_DECIMAL：{}", float_message(&v))))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    /// The grammar, written out independently of [`parse`] (character by character, no regex).
    fn in_grammar(text: &str, max_decimals: usize) -> bool {
        let mut chars = text.chars().peekable();
        if chars.peek() == Some(&'-') {
            chars.next();
        }
        let mut integer = 0;
        while chars.peek().is_some_and(|c| "0123456789".contains(*c)) {
            chars.next();
            integer += 1;
        }
        if integer == 0 {
            return false;
        }
        match chars.next() {
            None => true,
            Some('.') => {
                let rest: Vec<char> = chars.collect();
                !rest.is_empty()
                    && rest.len() <= max_decimals
                    && rest.iter().all(|c| "0123456789".contains(*c))
            }
            Some(_) => false,
        }
    }

    fn integer_digits(text: &str) -> usize {
        text.trim_start_matches('-')
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches('0')
            .len()
    }

    #[test]
    fn the_listed_texts() {
        for bad in [
            "1e2", "1e-2", "1E2", "1_000", "1__0", "1,000", "+1", " 1", "1 ", "１２", "٣", ".5",
            "5.", "-.5", "-", "", "1.2.3", "0x10", "NaN", "inf", "--1", "1-", "1.",
        ] {
            assert_eq!(parse(bad, 6), Err(DecimalError::Syntax), "{bad:?}");
        }
        assert_eq!(
            parse("1.001", 2),
            Err(DecimalError::TooManyDecimals { max: 2 })
        );
        assert_eq!(
            parse("1.0000001", 6),
            Err(DecimalError::TooManyDecimals { max: 6 })
        );
        assert_eq!(parse(&"9".repeat(23), 6), Err(DecimalError::TooLarge));
        for (text, value) in [
            ("680.54", "680.54"),
            ("-49.10", "-49.10"),
            ("007", "7"),
            ("-0", "0"),
            ("0.000001", "0.000001"),
            (
                &format!("{}.999999", "9".repeat(22)),
                &format!("{}.999999", "9".repeat(22)),
            ),
        ] {
            assert_eq!(
                parse(text, 6),
                Ok(Decimal::from_str(value).unwrap()),
                "{text}"
            );
        }
        assert!(!parse("-0", 2).unwrap().is_sign_negative());
    }

    const VOCABULARY: &[&str] = &[
        "-",
        "+",
        "0",
        "1",
        "5",
        "9",
        ".",
        "e",
        "E",
        "_",
        ",",
        " ",
        "１",
        "٣",
        "\u{0}",
        "00",
        "123456789",
        "999999999999",
    ];

    fn pieces() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(VOCABULARY), 0..12)
            .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_and_accepts_exactly_the_grammar(
            text in prop_oneof![any::<String>(), pieces(), "-?[0-9]{1,30}(\\.[0-9]{1,9})?"],
            max in 0u32..=6,
        ) {
            let result = parse(&text, max);
            let grammatical = in_grammar(&text, 100);
            let fits = in_grammar(&text, max as usize);
            let readable = integer_digits(&text) <= READABLE_INTEGER_DIGITS;
            match result {
                Ok(value) => {
                    prop_assert!(fits && readable, "{text:?} accepted");
                    // Its value is the text's, exactly.
                    prop_assert_eq!(value, Decimal::from_str(&text).unwrap());
                }
                Err(DecimalError::Syntax) => prop_assert!(!grammatical, "{text:?} refused"),
                Err(DecimalError::TooManyDecimals { max: m }) => {
                    prop_assert!(grammatical && !fits && m == max, "{text:?}")
                }
                Err(DecimalError::TooLarge) => prop_assert!(fits && !readable, "{text:?}"),
            }
        }

        #[test]
        fn json_numbers_are_integers_only(v in any::<i64>(), f in any::<f64>()) {
            let n = serde_json::Number::from(v);
            prop_assert_eq!(parse_json_number(&n), Ok(Decimal::from(v)));
            if let Some(n) = serde_json::Number::from_f64(f) {
                prop_assert_eq!(parse_json_number(&n), Err(DecimalError::Syntax));
            }
        }
    }
}
