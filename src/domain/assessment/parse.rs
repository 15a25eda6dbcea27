//! Reading the target and outcome texts of budget-performance indicators
//! (预算绩效指标: 年度指标值 / 绩效目标 and 实际完成值 / 完成情况) into figures.
//!
//! An indicator cell is free text: "≥50个", "指标1：2019 年完成技工贸收入 500亿元，实现税收8.5亿",
//! "高新技术产业增加值GDP占比58.47%，市定目标值52.50%", "高于全市平均水平", "—". [`read`] turns
//! such a text into a [`Reading`]: one or more [`Measure`]s (comparator, value, unit, dimension,
//! value in the dimension's base unit, label, and whether the figure is a benchmark), a
//! qualitative statement, or "not assessable" (empty cells and placeholders).
//!
//! How a text is read:
//! - Full-width digits and `．` are normalised; thousands separators (`1,234.5`) are accepted.
//!   Chinese numerals are not read, and nothing is guessed: a fragment without an Arabic number
//!   gives no figure.
//! - The text is cut into fragments at `，` `,` `；` `;` `。` and line breaks, and at `、` when what
//!   follows it carries a number. Each fragment gives at most one figure: its first number that is
//!   a figure, with its unit.
//! - Numbers that are not figures are passed over: indicator numbers ("指标1："), list numbers
//!   ("1、", "（2）"), years ("2019 年"), periods and period ranges ("1-11月", "截止3季度",
//!   "12月31日"; any number followed by 年, 月, 季度, 日 or 号), dates ("2019.12.31", "3/5"),
//!   value ranges ("80-90%", read as no figure rather than guessed), and numbers glued to Latin
//!   letters ("PM2.5", "5G").
//! - Units: money (元, 千元, 万元, 十万元, 百万元, 千万元, 亿元, 万亿元, and a bare 万/亿 when
//!   the fragment names money: 收入, 税收, 投资, 资金, 经费, 支出, 产值, 额…) normalised to 万元;
//!   percent (`%`, `％`); counters and physical units (个, 家, 件, 项, 人次, 公里, 平方米, 吨…,
//!   optionally multiplied by 万 or 亿); other units (分, 倍, 个百分点, ‰, and rates such as
//!   元/人); or none (a plain number).
//! - Comparators: symbols (≥ ＞ > = ＝ < ≤ and their variants) and words (不低于, 不少于, 至少,
//!   达到, 以上 → ≥; 超过, 高于 → >; 不高于, 不超过, 控制在, 以下, 以内 → ≤; 低于 → <; 为,
//!   等于 → =). A symbol wins over a trailing word (以上/以下/以内), which wins over a leading word.
//! - Look-alikes are read as what they stand for: ═ ﹦ ⩵ and a scanned 二 directly before a
//!   digit as `=`; traditional characters of comparator words and units (小於, 不超過, 萬元) as
//!   simplified; 百分比 as `%`; Latin units after a number (25TB, 80M, 100Mbps) as units; 年
//!   after a number that is not a calendar year and follows a comparator or a word of duration
//!   (≥20年, 使用年限15年) as a duration.
//! - A figure written without a unit takes the target's unit when that is unambiguous
//!   ([`with_target_unit`]).
//! - A figure whose fragment mentions 目标值 (市定目标值…), 全市, 全省 or 平均 before the number
//!   is a reference (a benchmark), not an outcome.
//!
//! [`pair`] matches the figures of a target text with those of an actual text, and
//! [`reference_in`] finds the benchmark an actual text quotes, for targets that only say
//! "达到市定目标值".

use std::collections::BTreeSet;
use std::str::FromStr;

use entity::Comparator;
use rust_decimal::Decimal;

mod doubt;
mod label;
mod pairing;
mod text;
mod words;

pub use doubt::Doubt;
use label::*;
use pairing::*;
use text::*;
use words::*;

/// Dimension a figure is measured in, after unit normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// An amount of money; its base unit is 万元.
    Money,
    /// A percentage (`%` or `％`); its base is the percentage as written.
    Percent,
    /// A count or physical quantity, keeping its counter word or unit (个, 家, 件, 项, 人次, 天,
    /// 月 for 个月, 工作日, 公里, 平方米, 吨…); its base is the number of that unit (万人 → ×10000).
    Count(String),
    /// Another recognised unit kept as is: 分 (points), 倍, 百分点, ‰, or a rate such as 元/人.
    Other(String),
    /// A bare number without a recognised unit (or with a bare 万/亿 that does not follow a
    /// money word).
    Plain,
}

/// One figure read from an indicator text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Measure {
    /// The comparator the text states (≥ for "4家以上", ≤ for "控制在100万元以内"), or `None`
    /// when it states none ("500亿元").
    pub comparator: Option<Comparator>,
    /// The number as written (500 for "500亿元", 52.50 for "52.50%").
    pub value: Decimal,
    /// The unit as written ("亿元", "万元", "元", "%", "％", "个", "亿", "万人", "元/人"…), or
    /// `None` for a bare number.
    pub unit: Option<String>,
    /// The dimension the unit belongs to.
    pub dimension: Dimension,
    /// The value in the dimension's base: 万元 for money (亿元 ×10000, 元 ÷10000), the
    /// percentage for percent, the counted units for counts (万人 ×10000), the value otherwise.
    pub base_value: Decimal,
    /// The words of the fragment before the number, without indicator numbers ("指标1："),
    /// years ("2019 年"), leading 完成/实现/力争…, and the comparator: "技工贸收入", "税收",
    /// "高新技术产业增加值GDP占比". Period words stay ("全区工业税收1-11月累计入库"). When nothing
    /// is left, the words after the figure ("1项工业领域新产品认定" → "工业领域新产品认定").
    pub label: String,
    /// True when the fragment states a target or benchmark rather than an outcome
    /// ("市定目标值800万元", "全市27.4%").
    pub is_reference: bool,
    /// Why the figure is not read with confidence, when it is not: it is still read (and
    /// compared), and the reviewer's check FIGURE_UNSURE asks for the paper form.
    pub doubt: Option<Doubt>,
}

impl Measure {
    /// Whether the label describes a part of the year ("1-11月", "截止3季度", "前三季度",
    /// "上半年"): such a figure is a weaker match for a full-year target. Months up to 12
    /// ("1-12月", "截至12月底") and "1-4季度" count as the full year.
    pub fn is_partial_period(&self) -> bool {
        let chars: Vec<char> = self.label.chars().collect();
        if self.label.contains("半年") {
            return true;
        }
        let mut i = 0;
        while let Some(c) = at(&chars, i) {
            if c.is_ascii_digit() {
                let start = i;
                while is_digit_at(&chars, i) {
                    i += 1;
                }
                let digits: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                let after_range = start
                    .checked_sub(1)
                    .and_then(|j| at(&chars, j))
                    .is_some_and(is_range_sep);
                if at(&chars, i) == Some('月') && digits != "12" {
                    return true;
                }
                if starts_with_at(&chars, i, "季度") && !(digits == "4" && after_range) {
                    return true;
                }
                // Skip the 季度 just judged.
                if starts_with_at(&chars, i, "季度") {
                    i += 2;
                }
                continue;
            }
            if starts_with_at(&chars, i, "季度") {
                return true;
            }
            i += 1;
        }
        false
    }
}

/// What an indicator text says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reading {
    /// One or more figures were read, in text order.
    Measures(Vec<Measure>),
    /// A statement without figures ("高于全市平均水平", "效果明显", "达成预期指标", "达到市定目标值");
    /// holds the text trimmed of surrounding whitespace.
    Qualitative(String),
    /// Nothing to assess: an empty cell, a placeholder ("—", "-", "*", "/", "无", "……"), or an
    /// unfilled template ("指标1：\n\n指标2：\n\n……").
    NotAssessable,
}

impl Reading {
    /// The figures read: empty unless this is [`Reading::Measures`].
    pub fn measures(&self) -> &[Measure] {
        match self {
            Reading::Measures(measures) => measures,
            Reading::Qualitative(_) | Reading::NotAssessable => &[],
        }
    }
}

/// Reads an indicator text (a target or an actual). Never panics.
pub fn read(text: &str) -> Reading {
    let (chars, scanned) = normalise(text);
    if is_placeholder(&chars) {
        return Reading::NotAssessable;
    }
    let measures: Vec<Measure> = fragments(&chars)
        .into_iter()
        .filter_map(|(start, end)| {
            let mut m = chars.get(start..end).and_then(read_fragment)?;
            if m.comparator == Some(Comparator::Eq)
                && scanned.iter().any(|p| (start..end).contains(p))
            {
                m.doubt = Some(Doubt::ScannedComparator);
            }
            Some(m)
        })
        .collect();
    if measures.is_empty() {
        Reading::Qualitative(text.trim().to_string())
    } else {
        Reading::Measures(measures)
    }
}

/// The figures of an actual text, where one written without a unit takes the target's unit when
/// that is unambiguous: the target holds one figure with a unit and the actual one figure
/// without ("≥95%" and "95", "≤90万元" and "90", "≥10万元" and "12万"). Such a figure is read as
/// if the unit had been written, so it is compared like any other.
pub fn with_target_unit(target: &[Measure], actual: &[Measure]) -> Vec<Measure> {
    if let ([t], [a]) = (target, actual)
        && a.dimension == Dimension::Plain
        && t.dimension != Dimension::Plain
        && let Some(unit) = t.unit.as_deref()
    {
        // A bare 万/亿 of the actual keeps its multiplier: 12万 against 万元 is 12万元.
        let written = match (a.unit.as_deref(), &t.dimension) {
            (None, _) => Some(format!("{}{unit}", a.value)),
            (Some(big @ ("万" | "亿")), Dimension::Money) => Some(format!("{}{big}元", a.value)),
            _ => None,
        };
        if let Some(written) = written
            && let [read] = read(&written).measures()
            && read.dimension == t.dimension
        {
            return vec![Measure {
                comparator: a.comparator,
                label: a.label.clone(),
                is_reference: a.is_reference,
                ..read.clone()
            }];
        }
    }
    actual.to_vec()
}

/// How many measures of a target, and of an actual, [`pair`] considers at most.
pub const MAX_PAIRED: usize = 200;

/// Pairs the measures of a target with those of an actual: by label similarity (shared
/// characters), then by dimension, then by position; returns (target, actual) pairs whose
/// dimensions match (Money with Money, Percent with Percent, Count with the same counter word or
/// Plain), skipping actual measures marked `is_reference`.
///
/// Each measure is used at most once; the best-scoring pair is taken first. Between actuals that
/// are otherwise equal, one covering the full year is preferred to one describing part of the
/// year ([`Measure::is_partial_period`]). Pairs come back in target order. Only the first
/// [`MAX_PAIRED`] measures of each side are considered, which keeps the work bounded on
/// pathological input.
pub fn pair<'a>(target: &'a [Measure], actual: &'a [Measure]) -> Vec<(&'a Measure, &'a Measure)> {
    let target = target.get(..MAX_PAIRED).unwrap_or(target);
    let outcomes: Vec<&Measure> = actual
        .iter()
        .filter(|m| !m.is_reference)
        .take(MAX_PAIRED)
        .collect();
    let outcome_letters: Vec<BTreeSet<char>> = outcomes.iter().map(|a| letters(&a.label)).collect();
    let outcome_full_year: Vec<bool> = outcomes.iter().map(|a| !a.is_partial_period()).collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (ti, t) in target.iter().enumerate() {
        let target_letters = letters(&t.label);
        for (ai, a) in outcomes.iter().enumerate() {
            let Some(exact) = compatibility(&t.dimension, &a.dimension) else {
                continue;
            };
            candidates.push(Candidate {
                shared: outcome_letters
                    .get(ai)
                    .map_or(0, |l| target_letters.intersection(l).count()),
                exact,
                full_year: outcome_full_year.get(ai).copied().unwrap_or(true),
                distance: ti.abs_diff(ai),
                ti,
                ai,
            });
        }
    }
    candidates.sort_by(|x, y| {
        y.shared
            .cmp(&x.shared)
            .then(y.exact.cmp(&x.exact))
            .then(y.full_year.cmp(&x.full_year))
            .then(x.distance.cmp(&y.distance))
            .then(x.ti.cmp(&y.ti))
            .then(x.ai.cmp(&y.ai))
    });
    let mut target_used = vec![false; target.len()];
    let mut actual_used = vec![false; outcomes.len()];
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for c in candidates {
        let (Some(t_used), Some(a_used)) = (target_used.get(c.ti), actual_used.get(c.ai)) else {
            continue;
        };
        if *t_used || *a_used {
            continue;
        }
        if let Some(flag) = target_used.get_mut(c.ti) {
            *flag = true;
        }
        if let Some(flag) = actual_used.get_mut(c.ai) {
            *flag = true;
        }
        chosen.push((c.ti, c.ai));
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .filter_map(|(ti, ai)| Some((target.get(ti)?, *outcomes.get(ai)?)))
        .collect()
}

/// The first reference figure (`is_reference`) of an actual text, e.g. 800万元 in
/// "科技立项争资925.45万元，市定目标值800万元": used when the target text only says "达到市定目标值".
pub fn reference_in(actual: &[Measure]) -> Option<&Measure> {
    actual.iter().find(|m| m.is_reference)
}

// ---------------------------------------------------------------------------------------------
// Character helpers

fn at(chars: &[char], i: usize) -> Option<char> {
    chars.get(i).copied()
}

/// Whether `word` occurs in `chars` starting at `i`.
fn starts_with_at(chars: &[char], i: usize, word: &str) -> bool {
    chars.get(i..).is_some_and(|rest| {
        let mut rest = rest.iter();
        word.chars().all(|w| rest.next() == Some(&w))
    })
}

/// Whether `chars[..end]` ends with `word`.
fn ends_with_at(chars: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    match end.checked_sub(n) {
        Some(start) if end <= chars.len() => starts_with_at(chars, start, word),
        _ => false,
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

fn is_digit_at(chars: &[char], i: usize) -> bool {
    at(chars, i).is_some_and(|c| c.is_ascii_digit())
}

fn normalise(text: &str) -> (Vec<char>, Vec<usize>) {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
            '．' => '.',
            // Look-alikes of "=" in typed and scanned forms: ═ (box drawing), ﹦ (small form), ⩵.
            '═' | '﹦' | '⩵' => '=',
            // Traditional characters of comparator words and units (小於, 不超過, 個, 萬元…).
            '於' => '于',
            '過' => '过',
            '達' => '达',
            '個' => '个',
            '萬' => '万',
            '億' => '亿',
            '為' => '为',
            '內' => '内',
            '項' => '项',
            '點' => '点',
            '時' => '时',
            '戶' => '户',
            '臺' | '台' => '台',
            _ => c,
        })
        .collect();
    // A scanned "=" often comes out as 二: "二100%" is "=100%" (二 directly before a digit,
    // not in an ordinal such as 第二). Where it was is returned, so the figure can say so.
    let scanned: Vec<usize> = (0..chars.len())
        .filter(|&i| {
            at(&chars, i) == Some('二')
                && is_digit_at(&chars, i + 1)
                && i.checked_sub(1).and_then(|j| at(&chars, j)) != Some('第')
        })
        .collect();
    let mut chars = chars;
    for &i in &scanned {
        if let Some(c) = chars.get_mut(i) {
            *c = '=';
        }
    }
    (chars, scanned)
}

// ---------------------------------------------------------------------------------------------
// Fragment reading

/// What a number in a fragment turned out to be.
enum Token {
    /// Not a figure; continue at the position, keeping the text in the label.
    Skip(usize),
    /// Not a figure; remove the span from the label and continue after it.
    Drop(usize, usize),
    /// A figure.
    Figure(Box<Measure>),
}

fn read_fragment(frag: &[char]) -> Option<Measure> {
    let mut drops: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while let Some(c) = at(frag, k) {
        if !c.is_ascii_digit() {
            k += 1;
            continue;
        }
        match classify(frag, k, &drops) {
            Token::Skip(next) => k = next.max(k + 1),
            Token::Drop(start, end) => {
                drops.push((start, end));
                k = end.max(k + 1);
            }
            Token::Figure(measure) => return Some(*measure),
        }
    }
    None
}

fn classify(frag: &[char], i: usize, drops: &[(usize, usize)]) -> Token {
    let num = scan_number(frag, i);
    let before = num.start.checked_sub(1).and_then(|j| at(frag, j));
    let after = at(frag, num.end);

    // Glued to Latin letters: an identifier such as PM2.5 or 5G; but a Latin unit after the
    // number ("25TB", "80M") is a unit.
    let latin_unit = after.is_some_and(|c| c.is_ascii_alphabetic())
        && unit_at(frag, num.end).is_some_and(|(_, _, len)| {
            !at(frag, num.end + len).is_some_and(|c| c.is_ascii_alphanumeric())
        });
    if before.is_some_and(|c| c.is_ascii_alphabetic())
        || (after.is_some_and(|c| c.is_ascii_alphabetic()) && !latin_unit)
    {
        let mut e = num.end;
        while at(frag, e).is_some_and(|c| c.is_ascii_alphanumeric() || c == '.') {
            e += 1;
        }
        return Token::Skip(e);
    }

    // Indicator number: 指标1：, 目标2、, 任务3.
    let word_end = {
        let mut e = num.start;
        while e > 0
            && e.checked_sub(1)
                .and_then(|j| at(frag, j))
                .is_some_and(is_space)
        {
            e -= 1;
        }
        e
    };
    let index_sep = matches!(after, None | Some('：' | ':' | '、' | '.' | ')' | '）'));
    if (index_sep || after.is_some_and(char::is_whitespace))
        && ["指标", "目标", "任务"]
            .iter()
            .any(|w| ends_with_at(frag, word_end, w))
    {
        let end = if index_sep && after.is_some() {
            num.end + 1
        } else {
            num.end
        };
        return Token::Drop(word_end.saturating_sub(2), end);
    }

    // List number: "1、" or "2." or "3）" opening the fragment, "（4）" anywhere.
    let opens = frag
        .get(..num.start)
        .unwrap_or(&[])
        .iter()
        .all(|c| c.is_whitespace() || matches!(c, '（' | '('));
    let whole = num.text.chars().all(|c| c.is_ascii_digit());
    if opens && whole && matches!(after, Some('、' | '.' | ')' | '）')) {
        return Token::Drop(0, num.end + 1);
    }
    if matches!(before, Some('（' | '(')) && matches!(after, Some(')' | '）')) {
        return Token::Drop(num.start.saturating_sub(1), num.end + 1);
    }

    // Ranges and dates: 1-11月, 2019-2020年, 2019.12.31, 3/5, 80-90%.
    if let Some(next) = range_continues(frag, num.end) {
        let mut last = scan_number(frag, next);
        while let Some(n) = range_continues(frag, last.end) {
            last = scan_number(frag, n);
        }
        let unit_pos = skip_spaces(frag, last.end);
        return match unit_at(frag, unit_pos) {
            Some((_, Kind::Period, len)) => {
                if is_year(&num.text) {
                    Token::Drop(num.start, unit_pos + len)
                } else {
                    Token::Skip(unit_pos + len)
                }
            }
            Some((_, _, len)) => Token::Skip(unit_pos + len),
            None => Token::Skip(last.end),
        };
    }

    let unit_pos = skip_spaces(frag, num.end);
    let mut unit = unit_at(frag, unit_pos);
    // 年 after a number that is not a calendar year and follows a comparator or a word of
    // duration ("≥20年", "使用年限15年") is a duration, not a date.
    if let Some(("年", Kind::Period, len)) = unit
        && !is_year(&num.text)
        && (prefix_comparator(frag, num.start).0.is_some()
            || ["年限", "寿命", "期限", "周期"].iter().any(|w| {
                frag.get(..num.start)
                    .unwrap_or(&[])
                    .iter()
                    .collect::<String>()
                    .contains(w)
            }))
    {
        unit = Some(("年", Kind::Count("年"), len));
    }
    if let Some((_, Kind::Period, len)) = unit {
        return if is_year(&num.text) {
            Token::Drop(num.start, unit_pos + len)
        } else {
            Token::Skip(unit_pos + len)
        };
    }
    // A year and month without a unit ("截止2019.11") is a date.
    if unit.is_none() && is_year_month(&num.text) {
        return Token::Skip(num.end);
    }
    match figure(frag, &num, unit_pos, unit, drops) {
        Some(token) => token,
        None => Token::Skip(num.end),
    }
}

fn is_year_month(text: &str) -> bool {
    text.split_once('.').is_some_and(|(year, month)| {
        is_year(year)
            && month.len() <= 2
            && month.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
    })
}

fn is_year(text: &str) -> bool {
    text.len() == 4
        && text
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y))
}

/// The measure for a number with the unit found at `unit_pos`.
fn figure(
    frag: &[char],
    num: &Number,
    unit_pos: usize,
    unit: Option<(&'static str, Kind, usize)>,
    drops: &[(usize, usize)],
) -> Option<Token> {
    // More significant digits than a decimal holds exactly would be read rounded: a number that
    // is not in the text. Such a number is not a figure.
    let significant = num
        .text
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|c| *c == '0')
        .count();
    if significant > 28 {
        return None;
    }
    let value = Decimal::from_str(&num.text).ok()?;
    let before: String = frag.get(..num.start).unwrap_or(&[]).iter().collect();

    let (written, dimension, factor, mut end) = match unit {
        None => (None, Dimension::Plain, Decimal::ONE, num.end),
        Some((word, kind, len)) => {
            let after_unit = unit_pos + len;
            match kind {
                Kind::Period => return None,
                Kind::Money(m, s) => (
                    Some(word.to_string()),
                    Dimension::Money,
                    Decimal::new(m, s),
                    after_unit,
                ),
                Kind::Percent => (
                    Some(word.to_string()),
                    Dimension::Percent,
                    Decimal::ONE,
                    after_unit,
                ),
                Kind::Count(counter) => (
                    Some(word.to_string()),
                    Dimension::Count(counter.to_string()),
                    Decimal::ONE,
                    after_unit,
                ),
                Kind::Other(other) => (
                    Some(word.to_string()),
                    Dimension::Other(other.to_string()),
                    Decimal::ONE,
                    after_unit,
                ),
                Kind::Big(yi) => match unit_at(frag, after_unit) {
                    Some((counter_word, Kind::Count(counter), clen)) => {
                        let multiplier = if yi {
                            Decimal::new(100_000_000, 0)
                        } else {
                            Decimal::new(10_000, 0)
                        };
                        (
                            Some(format!("{word}{counter_word}")),
                            Dimension::Count(counter.to_string()),
                            multiplier,
                            after_unit + clen,
                        )
                    }
                    _ if MONEY_WORDS.iter().any(|w| before.contains(w)) => {
                        let to_wan = if yi {
                            Decimal::new(10_000, 0)
                        } else {
                            Decimal::ONE
                        };
                        (Some(word.to_string()), Dimension::Money, to_wan, after_unit)
                    }
                    _ => (
                        Some(word.to_string()),
                        Dimension::Plain,
                        Decimal::ONE,
                        after_unit,
                    ),
                },
            }
        }
    };

    // A rate such as 元/人 or 万元/公里: kept as another unit.
    let (mut written, mut dimension, mut factor) = (written, dimension, factor);
    if let Some(w) = written.as_ref()
        && matches!(at(frag, end), Some('/' | '／'))
    {
        let per = match unit_at(frag, end + 1) {
            Some((per, _, len)) => Some((per.to_string(), len)),
            None => at(frag, end + 1)
                .filter(|c| is_cjk(*c))
                .map(|c| (c.to_string(), 1)),
        };
        if let Some((per, len)) = per {
            let rate = format!("{w}/{per}");
            written = Some(rate.clone());
            dimension = Dimension::Other(rate);
            factor = Decimal::ONE;
            end += 1 + len;
        }
    }

    // A value range after the unit (80%-90%) is not a single figure.
    if written.is_some()
        && let Some(next) = range_continues(frag, end)
    {
        let second = scan_number(frag, next);
        let unit_pos = skip_spaces(frag, second.end);
        let skip_to = match unit_at(frag, unit_pos) {
            Some((_, _, len)) => unit_pos + len,
            None => second.end,
        };
        return Some(Token::Skip(skip_to));
    }

    let base_value = value.checked_mul(factor)?;
    let (suffix, after_suffix) = suffix_comparator(frag, end);
    let (prefix, label_end) = prefix_comparator(frag, num.start);
    let comparator = match (prefix, suffix) {
        (Some(Prefix::Symbol(c)), _) => Some(c),
        (_, Some(c)) => Some(c),
        (Some(Prefix::Word(c)), None) => Some(c),
        (None, None) => None,
    };
    let is_reference = ["目标值", "全市", "全省", "平均"]
        .iter()
        .any(|w| before.contains(w));
    let label = label_of(frag, label_end, after_suffix, drops);

    Some(Token::Figure(Box::new(Measure {
        comparator,
        value,
        unit: written,
        dimension,
        base_value,
        label,
        is_reference,
        doubt: None,
    })))
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests;
