//! Custom scalars: `Decimal` (exact, as a string), `Date`, `DateTime`, `JSONObject`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};

/// An exact decimal number (rust_decimal), always written as a JSON string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub rust_decimal::Decimal);

/// Exact decimal number, as a JSON string in one strict grammar: an optional leading `-`, ASCII
/// digits, and optionally `.` followed by 1 to 6 digits (`"680.54"`, `"-49.10"`, `"76"`). No
/// exponent, `+`, separators (`_` `,`), spaces, full-width or other Unicode digits, leading or
/// trailing `.`; integers may also be sent as JSON numbers, never fractions or exponents.
/// Anything else is refused with `extensions.code` INVALID_DECIMAL (OUT_OF_RANGE beyond 22
/// integer digits). Amounts are in 万元 unless the field says otherwise; amounts, scores and
/// weights keep 2 decimals and parsed indicator values 6 (more: an INVALID_DECIMAL user error on
/// the field), and every stored value has |x| < 10^12 (else an OUT_OF_RANGE user error). Never a
/// binary float.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        use crate::domain::money;
        let refused = |e: money::DecimalError, message: String| {
            InputValueError::custom(message).with_extension("code", e.code())
        };
        match &value {
            Value::String(s) => money::parse(s, money::MAX_DECIMALS)
                .map(Decimal)
                .map_err(|e| refused(e, e.message(s))),
            Value::Number(n) => money::parse_json_number(n).map(Decimal).map_err(|e| {
                let message = if n.is_f64() {
                    money::float_message(n)
                } else {
                    e.message(&n.to_string())
                };
                refused(e, message)
            }),
            other => Err(InputValueError::custom(format!(
                "应为十进制数，收到 {other}；{}",
                money::accepted_form(money::MAX_DECIMALS)
            ))
            .with_extension("code", "INVALID_DECIMAL")),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(d: rust_decimal::Decimal) -> Self {
        Decimal(d)
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// Calendar date as YYYY-MM-DD, e.g. "2020-07-11".
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "“{s}”不是有效日期，请写成 YYYY-MM-DD，如 2020-07-11"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A moment in time, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// Moment in time as RFC 3339 in UTC, e.g. "2026-11-28T05:34:22.000Z".
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|d| DateTime(d.with_timezone(&Utc)))
                .map_err(|_| InputValueError::custom(format!("“{s}”不是 RFC 3339 时间"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

/// A JSON object, sent as it is (not as a string).
#[derive(Clone, Debug, PartialEq)]
pub struct JsonObject(pub async_graphql::indexmap::IndexMap<async_graphql::Name, Value>);

/// A JSON object. Where a field takes one, its description names the input type whose shape the
/// object must have; the object is read against that type on its own, so a value that does not
/// fit is reported for that object alone.
#[Scalar(name = "JSONObject")]
impl ScalarType for JsonObject {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::Object(map) => Ok(JsonObject(map)),
            other => Err(InputValueError::custom(format!(
                "应为 JSON 对象，收到 {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }
}
