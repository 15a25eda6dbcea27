//! What [`super::pair`] weighs: the candidates, whether dimensions compare, shared letters.

use super::*;

// ---------------------------------------------------------------------------------------------
// Pairing helpers

pub(super) struct Candidate {
    pub(super) shared: usize,
    pub(super) exact: bool,
    pub(super) full_year: bool,
    pub(super) distance: usize,
    pub(super) ti: usize,
    pub(super) ai: usize,
}

/// `None` when the dimensions cannot be compared; `Some(true)` for the same dimension,
/// `Some(false)` for a count against a plain number.
pub(super) fn compatibility(t: &Dimension, a: &Dimension) -> Option<bool> {
    match (t, a) {
        (Dimension::Money, Dimension::Money)
        | (Dimension::Percent, Dimension::Percent)
        | (Dimension::Plain, Dimension::Plain) => Some(true),
        (Dimension::Count(x), Dimension::Count(y)) | (Dimension::Other(x), Dimension::Other(y)) => {
            (x == y).then_some(true)
        }
        (Dimension::Count(_), Dimension::Plain) | (Dimension::Plain, Dimension::Count(_)) => {
            Some(false)
        }
        _ => None,
    }
}

/// The distinct letters (CJK or alphabetic, not digits or punctuation) of a label: two labels
/// are similar by the letters they share.
pub(super) fn letters(label: &str) -> BTreeSet<char> {
    label
        .chars()
        .filter(|c| c.is_alphabetic() && *c != '的')
        .collect()
}
