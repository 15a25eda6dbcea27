//! Exact fixed-point values stored as scaled `BIGINT`s.

use rust_decimal::Decimal;
use sea_orm::DeriveValueType;

/// Integer digits every fixed-point value may have: the range is |x| < 10^12 (万元 for money),
/// far beyond any real budget, and small enough that a value at six decimals still fits a
/// `BIGINT` (10^18 < 2^63) and that sums of millions of values stay exact in 128 bits.
pub const INTEGER_DIGITS: u32 = 12;

/// Why a decimal does not fit a fixed-point column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleError {
    /// More fractional digits than the column keeps.
    TooManyDecimals {
        /// Fractional digits the column keeps.
        scale: u32,
    },
    /// The magnitude is 10^[`INTEGER_DIGITS`] or more.
    TooLarge,
}

macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident, $scale:expr) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, DeriveValueType,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $crate::row::Cell for $name {
            fn cell(row: &sea_orm::QueryResult, at: $crate::row::At<'_>) -> Result<Self, sea_orm::DbErr> {
                <i64 as $crate::row::Cell>::cell(row, at).map(Self)
            }
        }

        impl $name {
            /// Fractional digits kept.
            pub const SCALE: u32 = $scale;
            /// Largest magnitude accepted, in units of the scale: 10^(12 + SCALE) − 1.
            pub const LIMIT: i64 = 10i64.pow(INTEGER_DIGITS + $scale) - 1;

            /// The exact decimal value, at the column's scale.
            pub fn to_decimal(self) -> Decimal {
                Decimal::new(self.0, Self::SCALE)
            }

            /// Converts a decimal without rounding: more fractional digits than the column
            /// keeps, or a magnitude of 10^[`INTEGER_DIGITS`] or more, is an error.
            pub fn from_decimal(value: Decimal) -> Result<Self, ScaleError> {
                let normalized = value.normalize();
                if normalized.scale() > Self::SCALE {
                    return Err(ScaleError::TooManyDecimals { scale: Self::SCALE });
                }
                let mut scaled = normalized;
                scaled.rescale(Self::SCALE);
                if scaled.scale() != Self::SCALE {
                    return Err(ScaleError::TooLarge);
                }
                let mantissa = scaled.mantissa();
                if mantissa.abs() > i128::from(Self::LIMIT) {
                    return Err(ScaleError::TooLarge);
                }
                i64::try_from(mantissa).map(Self).map_err(|_| ScaleError::TooLarge)
            }
        }
    };
}

fixed_point!(
    /// A `Decimal(14,2)`: money in 万元, scores, weights, rates in percent.
    Hundredths,
    2
);
fixed_point!(
    /// A `Decimal(18,6)`: values parsed from indicator texts.
    Millionths,
    6
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn round_trips_exactly() {
        for s in [
            "680.54",
            "76",
            "0.01",
            "-49.10",
            "999999999999.99",
            "-999999999999.99",
        ] {
            let v = Hundredths::from_decimal(dec(s));
            assert_eq!(v.map(Hundredths::to_decimal), Ok(dec(s)), "{s}");
        }
        assert_eq!(Hundredths::from_decimal(dec("76")), Ok(Hundredths(7600)));
        assert_eq!(
            Millionths::from_decimal(dec("1.382")),
            Ok(Millionths(1_382_000))
        );
    }

    #[test]
    fn refuses_what_would_round() {
        assert_eq!(
            Hundredths::from_decimal(dec("0.001")),
            Err(ScaleError::TooManyDecimals { scale: 2 })
        );
        assert_eq!(Hundredths::from_decimal(dec("1.100")), Ok(Hundredths(110)));
        for s in ["1000000000000", "-1000000000000", "99999999999999999.99"] {
            assert_eq!(
                Hundredths::from_decimal(dec(s)),
                Err(ScaleError::TooLarge),
                "{s}"
            );
        }
        assert_eq!(
            Millionths::from_decimal(dec("999999999999.999999")),
            Ok(Millionths(999_999_999_999_999_999))
        );
        assert_eq!(
            Millionths::from_decimal(dec("1000000000000")),
            Err(ScaleError::TooLarge)
        );
    }
}
