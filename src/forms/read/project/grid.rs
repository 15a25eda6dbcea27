//! A table row as grid columns, lookups of columns by header, and the readings every part of
//! the form shares (numbers with their warning, rates, years, dates).

use super::super::number::{self, Read, half_width, is_placeholder};
use super::super::{Cell, Location, Warning};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A cell placed on the grid.
pub(super) struct Slot<'t> {
    /// First grid column covered (0-based).
    pub col: usize,
    /// The cell.
    pub cell: &'t Cell,
    /// Its text, trimmed; blank for a cell that continues the one above.
    pub text: &'t str,
    /// The text for matching labels: half-width, without whitespace.
    pub key: String,
    /// Taken by a field (or recognised as one of the form's labels).
    pub used: bool,
}

impl Slot<'_> {
    /// Whether the cell holds anything (a placeholder counts as nothing filed).
    pub fn filled(&self) -> bool {
        !is_placeholder(self.text)
    }

    /// The text, or `None` for a blank cell or a placeholder.
    pub fn value(&self) -> Option<String> {
        self.filled().then(|| self.text.to_owned())
    }
}

/// A row of cells on the grid.
pub(super) struct Row<'t> {
    /// Cells, left to right.
    pub slots: Vec<Slot<'t>>,
}

impl<'t> Row<'t> {
    /// Places `cells` on the grid.
    pub fn new(cells: &'t [Cell]) -> Self {
        let mut col = 0usize;
        let slots = cells
            .iter()
            .map(|cell| {
                let text = if cell.continued {
                    ""
                } else {
                    cell.text.trim_matches(|c: char| c.is_whitespace())
                };
                let slot = Slot {
                    col,
                    cell,
                    text,
                    key: key(text),
                    used: false,
                };
                col = col.saturating_add(cell.span.max(1));
                slot
            })
            .collect();
        Self { slots }
    }

    /// Whether no cell holds any text.
    pub fn is_blank(&self) -> bool {
        self.slots.iter().all(|s| s.text.is_empty())
    }

    /// The cells that hold text.
    pub fn texts(&self) -> impl Iterator<Item = &Slot<'t>> {
        self.slots.iter().filter(|s| !s.text.is_empty())
    }

    /// The first cell holding text.
    pub fn first_text(&self) -> Option<&Slot<'t>> {
        self.texts().next()
    }

    /// Whether some cell's key satisfies `test`.
    pub fn any(&self, test: impl Fn(&str) -> bool) -> bool {
        self.slots.iter().any(|s| !s.key.is_empty() && test(&s.key))
    }

    /// Marks every cell whose key satisfies `test` as one of the form's labels.
    pub fn use_labels(&mut self, test: impl Fn(&str) -> bool) {
        for s in &mut self.slots {
            if !s.key.is_empty() && test(&s.key) {
                s.used = true;
            }
        }
    }
}

/// `text` for matching: half-width, without whitespace.
pub(super) fn key(text: &str) -> String {
    half_width(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Header cells as column ranges, so that a data cell finds its column whatever its span.
pub(super) struct Columns<R> {
    /// `(first, end, role)`, sorted by `first`, not overlapping.
    ranges: Vec<(usize, usize, R)>,
}

impl<R: Copy> Columns<R> {
    /// Columns from header cells `(first column, span, role)`, given left to right.
    pub fn new(cells: impl IntoIterator<Item = (usize, usize, R)>) -> Self {
        let mut ranges: Vec<(usize, usize, R)> = Vec::new();
        for (first, span, role) in cells {
            if ranges.last().is_none_or(|(_, end, _)| *end <= first) {
                ranges.push((first, first.saturating_add(span.max(1)), role));
            }
        }
        Self { ranges }
    }

    /// The role of the column a cell starting at `col` is in.
    pub fn at(&self, col: usize) -> Option<R> {
        let i = self.ranges.partition_point(|(first, _, _)| *first <= col);
        let (_, end, role) = self.ranges.get(i.checked_sub(1)?)?;
        (col < *end).then_some(*role)
    }

    /// Whether any column has a role satisfying `test`.
    pub fn has(&self, test: impl Fn(R) -> bool) -> bool {
        self.ranges.iter().any(|(_, _, r)| test(*r))
    }
}

impl<R> Default for Columns<R> {
    fn default() -> Self {
        Self { ranges: Vec::new() }
    }
}

/// The warning for a cell that should hold a number and does not.
pub(super) fn unreadable(at: &Location, text: &str) -> Warning {
    Warning {
        at: at.clone(),
        code: "NUMBER_UNREADABLE",
        message: format!("“{text}”不是可识别的数字，该项已留空，请对照原表填写"),
    }
}

/// An amount or score: the number (trailing zeros dropped), or `None` for a blank cell and
/// for one that is not a number (then with a warning).
pub(super) fn figure(slot: &Slot<'_>, warnings: &mut Vec<Warning>) -> Option<Decimal> {
    match number::decimal(slot.text, 6) {
        Read::Value(v) => Some(v.normalize()),
        Read::Blank => None,
        Read::Unreadable => {
            warnings.push(unreadable(&slot.cell.at, slot.text));
            None
        }
    }
}

/// 执行率 in percent, to the hundredth as a percent cell shows it: `58.47%` is 58.47; a bare
/// number up to 2 is a share as a spreadsheet holds a percent cell (`0.5847` is 58.47 %,
/// `1.05` is 105 %), a larger one a percent written without its sign.
pub(super) fn rate(slot: &Slot<'_>, warnings: &mut Vec<Warning>) -> Option<Decimal> {
    let text = half_width(slot.text);
    let text = text.trim();
    let (digits, percent) = match text.strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (text, false),
    };
    match number::decimal(digits, 10) {
        Read::Value(v) => {
            let v = if percent || v.abs() > Decimal::TWO {
                Some(v)
            } else {
                v.checked_mul(Decimal::ONE_HUNDRED)
            };
            v.map(|p| p.round_dp(2).normalize())
        }
        Read::Blank => None,
        Read::Unreadable => {
            warnings.push(unreadable(&slot.cell.at, slot.text));
            None
        }
    }
}

/// The fiscal year a text names: the first four digits followed by 年 (`2023年度`), within
/// the years accepted.
pub(super) fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = half_width(text).chars().collect();
    chars.windows(5).enumerate().find_map(|(i, w)| {
        let before = i.checked_sub(1).and_then(|b| chars.get(b));
        let digits: String = w.get(..4)?.iter().collect();
        let starts = before.is_none_or(|c| !c.is_ascii_digit());
        (starts && w.get(4) == Some(&'年') && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<i32>().ok())
            .flatten()
            .filter(|y| crate::domain::report::document::YEARS.contains(y))
    })
}

/// A date as forms write it: `2025年3月20日`, `2025-03-20`, `2025/3/20`, `2025.3.20`.
pub(super) fn date(text: &str) -> Option<NaiveDate> {
    let t = half_width(text);
    let t = t.trim();
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '-' | '/' | '.' | ' '))
    {
        return None;
    }
    let parts: Vec<u32> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(i32::try_from(*y).ok()?, *m, *d),
        _ => None,
    }
}
