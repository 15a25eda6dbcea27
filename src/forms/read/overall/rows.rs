//! The blocks as one run of rows (a paragraph is a row of one cell), and what every part of
//! the reader needs of a cell: its lines with their locations, its label key, its numbering.

use super::super::number::{Read, half_width};
use super::super::{Block, Fragment, Location, Warning};

/// Warning code: a cell that should hold a number does not read as one; the field is blank.
pub const NUMBER_UNREADABLE: &str = "NUMBER_UNREADABLE";
/// Warning code: a date that does not read as one; the field is blank.
pub const DATE_UNREADABLE: &str = "DATE_UNREADABLE";
/// Warning code: the cover gives no fiscal year (a `2019年` in the title).
pub const FISCAL_YEAR_MISSING: &str = "FISCAL_YEAR_MISSING";
/// Warning code: an indicator row whose 二级指标 is not one the model knows; the row's texts
/// are left unplaced.
pub const INDICATOR_GROUP_UNKNOWN: &str = "INDICATOR_GROUP_UNKNOWN";

/// The most grid columns a cell is taken to cover (Word tables have at most 63 columns).
const MAX_SPAN: usize = 64;

/// A cell or a paragraph.
#[derive(Debug, Clone, Copy)]
pub(super) struct Text<'a> {
    /// Where it starts.
    pub at: &'a Location,
    /// Its text as read.
    pub text: &'a str,
    /// Grid columns it covers.
    pub span: usize,
}

impl<'a> Text<'a> {
    /// Nothing but whitespace.
    pub fn is_blank(self) -> bool {
        self.text.trim().is_empty()
    }

    /// The label key of the whole text (see [`key`]).
    pub fn key(self) -> String {
        key(self.text)
    }

    /// The first line.
    pub fn first_line(self) -> &'a str {
        self.text.split('\n').next().unwrap_or_default()
    }

    /// Each line with where it stands: line `n + k` of a text file, else the cell itself.
    pub fn lines(self) -> impl Iterator<Item = (Location, &'a str)> {
        self.text.split('\n').enumerate().map(move |(k, line)| {
            let at = match self.at {
                Location::Line(n) => Location::Line(n.saturating_add(k)),
                other => other.clone(),
            };
            (at, line.strip_suffix('\r').unwrap_or(line))
        })
    }

    /// The text without the whitespace and blank lines around it, `None` if nothing is left.
    pub fn value(self) -> Option<String> {
        value(self.text)
    }
}

/// A table row, or a paragraph as a row of one cell.
#[derive(Debug)]
pub(super) struct Row<'a> {
    /// Cells, left to right.
    pub cells: Vec<Text<'a>>,
}

impl<'a> Row<'a> {
    /// The cells that hold something.
    pub fn filled(&self) -> impl Iterator<Item = (usize, Text<'a>)> + '_ {
        self.cells
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, c)| !c.is_blank())
    }

    /// The first cell that holds something.
    pub fn first(&self) -> Option<Text<'a>> {
        self.filled().next().map(|(_, c)| c)
    }

    /// The only cell that holds something, if exactly one does.
    pub fn single(&self) -> Option<Text<'a>> {
        let mut filled = self.filled();
        match (filled.next(), filled.next()) {
            (Some((_, c)), None) => Some(c),
            _ => None,
        }
    }
}

/// The blocks as rows, in document order.
pub(super) fn rows(blocks: &[Block]) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph { at, text } => rows.push(Row {
                cells: vec![Text { at, text, span: 1 }],
            }),
            Block::Table(table) => rows.extend(table.rows.iter().map(|row| {
                Row {
                    cells: row
                        .iter()
                        .map(|c| Text {
                            at: &c.at,
                            text: &c.text,
                            span: c.span.clamp(1, MAX_SPAN),
                        })
                        .collect(),
                }
            })),
        }
    }
    rows
}

/// A label as compared: half-width, without any whitespace (so `预 算 编 码`, `年度主要\n工作内容`
/// and `部门（单位）名称` read as `预算编码`, `年度主要工作内容`, `部门(单位)名称`), without a
/// trailing colon.
pub(super) fn key(text: &str) -> String {
    let mut k: String = half_width(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    while k.ends_with(':') {
        k.pop();
    }
    k
}

/// `label：value` split at the first colon (full-width or not): the label's key and the value
/// as written; a text without a colon is all label.
pub(super) fn split_label(text: &str) -> (String, &str) {
    match text.find(['：', ':']) {
        Some(i) => {
            let colon = text.get(i..).and_then(|r| r.chars().next());
            let after = i + colon.map_or(1, char::len_utf8);
            (
                key(text.get(..i).unwrap_or_default()),
                text.get(after..).unwrap_or_default(),
            )
        }
        None => (key(text), ""),
    }
}

/// Trimmed text, `None` if blank.
pub(super) fn value(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// How a heading or a row is numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Numbering {
    /// 一、
    Chinese,
    /// （一）
    ChineseInParens,
    /// 1、 1. 1．
    Arabic,
    /// （1）
    ArabicInParens,
    /// ①
    Circled,
}

fn chinese_digit(c: char) -> bool {
    "一二三四五六七八九十百零〇两".contains(c)
}

/// The numbering a text starts with (after leading whitespace) and the text after it; `None`
/// if it starts with none. `1.5亿` is a number, not a numbering, and `2019年` is a year.
pub(super) fn numbering(text: &str) -> Option<(Numbering, &str)> {
    let t = text.trim_start();
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let open = first == '（' || first == '(';
    let inner_start = if open { first.len_utf8() } else { 0 };
    let inner = t.get(inner_start..)?;
    let run_end = inner
        .char_indices()
        .find(|&(_, c)| !(chinese_digit(c) || digit(c)))
        .map_or(inner.len(), |(i, _)| i);
    let run = inner.get(..run_end)?;
    let after_run = inner.get(run_end..)?;
    if ('①'..='⑳').contains(&first) {
        return Some((Numbering::Circled, t.get(first.len_utf8()..)?));
    }
    if run.is_empty() {
        return None;
    }
    let chinese = run.chars().all(chinese_digit);
    let arabic = run.chars().all(digit) && run.chars().count() <= 2;
    let mut rest = after_run.chars();
    let mark = rest.next()?;
    let tail = rest.as_str();
    match (open, mark) {
        (true, '）' | ')') if chinese => Some((Numbering::ChineseInParens, tail)),
        (true, '）' | ')') if arabic => Some((Numbering::ArabicInParens, tail)),
        (false, '、') if chinese => Some((Numbering::Chinese, tail)),
        (false, '、') if arabic => Some((Numbering::Arabic, tail)),
        (false, '.' | '．') if arabic && !tail.starts_with(|c: char| digit(c)) => {
            Some((Numbering::Arabic, tail))
        }
        _ => None,
    }
}

/// The text without the numbering it starts with.
pub(super) fn unnumbered(text: &str) -> &str {
    numbering(text).map_or(text, |(_, rest)| rest)
}

/// Fragments not placed and warnings, as the reader goes.
#[derive(Debug, Default)]
pub(super) struct Out {
    /// Fragments not placed.
    pub unplaced: Vec<Fragment>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

impl Out {
    /// A cell or line no field takes (nothing if blank).
    pub fn unplaced(&mut self, at: &Location, text: &str) {
        if let Some(text) = value(text) {
            self.unplaced.push(Fragment {
                at: at.clone(),
                text,
            });
        }
    }

    /// Every cell of a row that holds something.
    pub fn unplaced_row(&mut self, row: &Row<'_>) {
        for (_, cell) in row.filled() {
            self.unplaced(cell.at, cell.text);
        }
    }

    /// A warning.
    pub fn warn(&mut self, at: &Location, code: &'static str, message: String) {
        self.warnings.push(Warning {
            at: at.clone(),
            code,
            message,
        });
    }

    /// The value read from a number cell: blank for blanks and placeholders, and blank with a
    /// `NUMBER_UNREADABLE` warning for anything else that is not a number.
    pub fn number<T>(&mut self, cell: Text<'_>, what: &str, read: Read<T>) -> Option<T> {
        match read {
            Read::Value(v) => Some(v),
            Read::Blank => None,
            Read::Unreadable => {
                let message = format!(
                    "{what}「{}」不是可读的数字，已留空，请按原表核对填写",
                    cell.text.trim()
                );
                self.warn(cell.at, NUMBER_UNREADABLE, message);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numberings() {
        use Numbering::*;
        assert_eq!(numbering("一、概况"), Some((Chinese, "概况")));
        assert_eq!(numbering("（十九）负责"), Some((ChineseInParens, "负责")));
        assert_eq!(numbering("(2)支出"), Some((ArabicInParens, "支出")));
        assert_eq!(numbering("1、局机关"), Some((Arabic, "局机关")));
        assert_eq!(numbering("  2．坚持"), Some((Arabic, "坚持")));
        assert_eq!(numbering("①其一"), Some((Circled, "其一")));
        for none in [
            "1.5亿元",
            "2019年",
            "123、",
            "目标1：",
            "（",
            "一",
            "、",
            "",
        ] {
            assert_eq!(numbering(none), None, "{none:?}");
        }
        assert_eq!(unnumbered("3、二级机构2"), "二级机构2");
    }

    #[test]
    fn labels() {
        assert_eq!(key("预 算 编 码：  "), "预算编码");
        assert_eq!(key("年度主要\n\n工作内容"), "年度主要工作内容");
        assert_eq!(
            split_label("部门(单位)名称：  某局  "),
            ("部门(单位)名称".into(), "  某局  ")
        );
        assert_eq!(split_label("报告日期:2020"), ("报告日期".into(), "2020"));
        assert_eq!(split_label("联系人"), ("联系人".into(), ""));
    }
}
