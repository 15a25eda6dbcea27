//! Scanning an indicator text: placeholders, fragments and numbers.

use super::*;

// ---------------------------------------------------------------------------------------------
// Placeholders

pub(super) const PLACEHOLDER_CHARS: &str =
    "—–-―─━－*＊/／\\…⋯.。·•：:、，,；;_＿~～\"“”'‘’（）()【】[]";
pub(super) const PLACEHOLDER_WORDS: &[&str] = &[
    "无",
    "暂无",
    "不适用",
    "NA",
    "na",
    "Na",
    "null",
    "NULL",
    "一",
    "空",
    "略",
];

/// Empty text, placeholder punctuation, "无"-like words, or indicator numbers with nothing else.
pub(super) fn is_placeholder(chars: &[char]) -> bool {
    let mut residue = String::new();
    let mut i = 0;
    while let Some(c) = at(chars, i) {
        if starts_with_at(chars, i, "指标") || starts_with_at(chars, i, "目标") {
            let mut k = i + 2;
            while at(chars, k).is_some_and(is_space) {
                k += 1;
            }
            if is_digit_at(chars, k) {
                while is_digit_at(chars, k) {
                    k += 1;
                }
                i = k;
                continue;
            }
        }
        if !c.is_whitespace() && !PLACEHOLDER_CHARS.contains(c) {
            residue.push(c);
        }
        i += 1;
    }
    residue.is_empty()
        || PLACEHOLDER_WORDS.contains(&residue.as_str())
        || residue.chars().all(|c| c == '无')
}

// ---------------------------------------------------------------------------------------------
// Fragments

pub(super) fn is_thousands_sep(chars: &[char], i: usize) -> bool {
    at(chars, i) == Some(',')
        && i.checked_sub(1).is_some_and(|j| is_digit_at(chars, j))
        && (1..=3).all(|k| is_digit_at(chars, i + k))
        && !is_digit_at(chars, i + 4)
}

pub(super) fn is_hard_sep(chars: &[char], i: usize) -> bool {
    match at(chars, i) {
        Some('，' | '；' | ';' | '。' | '\n' | '\r') => true,
        Some(',') => !is_thousands_sep(chars, i),
        _ => false,
    }
}

pub(super) fn fragments(chars: &[char]) -> Vec<(usize, usize)> {
    // digit_ahead[i]: a digit occurs from i up to the next separator (a `、` counts as one).
    let mut digit_ahead = vec![false; chars.len() + 1];
    for i in (0..chars.len()).rev() {
        let value = match at(chars, i) {
            Some('、') => false,
            Some(c) if c.is_ascii_digit() => true,
            _ if is_hard_sep(chars, i) => false,
            _ => digit_ahead.get(i + 1).copied().unwrap_or(false),
        };
        if let Some(slot) = digit_ahead.get_mut(i) {
            *slot = value;
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in chars.iter().enumerate() {
        // A `、` separates fragments when what follows it carries a number, unless it marks a
        // list number ("1、", "指标3、").
        let split = if *c == '、' {
            !i.checked_sub(1).is_some_and(|j| is_digit_at(chars, j))
                && digit_ahead.get(i + 1).copied().unwrap_or(false)
        } else {
            is_hard_sep(chars, i)
        };
        if split {
            if i > start {
                out.push((start, i));
            }
            start = i + 1;
        }
    }
    if chars.len() > start {
        out.push((start, chars.len()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Numbers

pub(super) struct Number {
    /// Where the number starts, its minus sign included.
    pub(super) start: usize,
    /// Just after its last digit.
    pub(super) end: usize,
    pub(super) text: String,
}

pub(super) fn is_minus(c: char) -> bool {
    matches!(c, '-' | '−' | '－')
}

pub(super) fn is_range_sep(c: char) -> bool {
    matches!(
        c,
        '-' | '－' | '～' | '~' | '—' | '–' | '至' | '到' | '/' | '／' | '.'
    )
}

/// Scans the number whose first digit is at `i`.
pub(super) fn scan_number(chars: &[char], i: usize) -> Number {
    let mut text = String::new();
    let mut start = i;
    if let Some(j) = i.checked_sub(1) {
        let sign = at(chars, j).is_some_and(is_minus);
        let glued = j
            .checked_sub(1)
            .and_then(|h| at(chars, h))
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if sign && !glued {
            start = j;
            text.push('-');
        }
    }
    let mut k = i;
    loop {
        match at(chars, k) {
            Some(c) if c.is_ascii_digit() => text.push(c),
            Some(',') if is_thousands_sep(chars, k) => {}
            _ => break,
        }
        k += 1;
    }
    if at(chars, k) == Some('.') && is_digit_at(chars, k + 1) {
        text.push('.');
        k += 1;
        while let Some(c) = at(chars, k).filter(char::is_ascii_digit) {
            text.push(c);
            k += 1;
        }
    }
    Number {
        start,
        end: k,
        text,
    }
}

pub(super) fn skip_spaces(chars: &[char], mut p: usize) -> usize {
    while at(chars, p).is_some_and(is_space) {
        p += 1;
    }
    p
}

/// A range separator after `p` (spaces allowed) followed by a digit: the position of that digit.
pub(super) fn range_continues(chars: &[char], p: usize) -> Option<usize> {
    let s = skip_spaces(chars, p);
    if !at(chars, s).is_some_and(is_range_sep) {
        return None;
    }
    let d = skip_spaces(chars, s + 1);
    is_digit_at(chars, d).then_some(d)
}
