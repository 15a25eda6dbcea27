//! Exact fixed-point values stored as scaled `BIGINT`s.

use rust_decimal::Decimal;
use sea_orm::DeriveValueType;

/// Why a decimal does not fit a fixed-point column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleError {
    /// More fractional digits than the column keeps.
    TooManyDecimals {
        /// Fractional digits the column keeps.
        scale: u32,
    },
    /// The value is too large for the column.
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

        impl $name {
            /// Fractional digits kept.
            pub const SCALE: u32 = $scale;
            /// Largest magnitude accepted (18 significant digits).
            const LIMIT: i64 = 999_999_999_999_999_999;

            /// The exact decimal value, at the column's scale.
            pub fn to_decimal(self) -> Decimal {
                Decimal::new(self.0, Self::SCALE)
            }

            /// Converts a decimal without rounding: more fractional digits than the column
            /// keeps, or a magnitude beyond 18 digits, is an error.
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
    /// A `Decimal(18,2)`: money in 万元, scores, weights, rates in percent.
    Hundredths,
    2
);
fixed_point!(
    /// A decimal with six fractional digits: values parsed from indicator texts.
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
        for s in ["680.54", "76", "0.01", "-49.10", "9999999999999999.99"] {
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
        assert_eq!(
            Hundredths::from_decimal(dec("99999999999999999.99")),
            Err(ScaleError::TooLarge)
        );
    }
}
