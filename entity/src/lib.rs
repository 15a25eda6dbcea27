//! SeaORM entities of jixiao: one module per table, nothing else.
//!
//! Amounts, scores and weights are exact fixed-point numbers stored as `BIGINT` multiples of
//! 0.01 ([`Hundredths`], i.e. `Decimal(14,2)`), and parsed indicator values as multiples of
//! 0.000001 ([`Millionths`]), all with |x| < 10^12 ([`INTEGER_DIGITS`]). SQLite has no exact
//! decimal type, so this keeps money exact on both databases and lets SQL sum and order it.

pub mod attachment;
pub mod change_event;
pub mod department;
pub mod enums;
pub mod evaluator;
pub mod finance_unit;
mod fixed;
pub mod funding_line;
pub mod idempotency_key;
pub mod indicator;
pub mod key_challenge;
pub mod narrative_section;
pub mod opinion;
pub mod qualitative_goal;
pub mod report;
pub mod review_comment;
pub mod row;
pub mod scoring_profile;
pub mod signature;
pub mod signer_key;
pub mod webhook;
pub mod webhook_delivery;

pub use enums::*;
pub use fixed::{Hundredths, INTEGER_DIGITS, Millionths, ScaleError};
