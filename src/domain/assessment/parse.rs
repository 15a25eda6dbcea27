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
    let chars = normalise(text);
    if is_placeholder(&chars) {
        return Reading::NotAssessable;
    }
    let measures: Vec<Measure> = fragments(&chars)
        .into_iter()
        .filter_map(|(start, end)| chars.get(start..end).and_then(read_fragment))
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
// Pairing helpers

struct Candidate {
    shared: usize,
    exact: bool,
    full_year: bool,
    distance: usize,
    ti: usize,
    ai: usize,
}

/// `None` when the dimensions cannot be compared; `Some(true)` for the same dimension,
/// `Some(false)` for a count against a plain number.
fn compatibility(t: &Dimension, a: &Dimension) -> Option<bool> {
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
fn letters(label: &str) -> BTreeSet<char> {
    label
        .chars()
        .filter(|c| c.is_alphabetic() && *c != '的')
        .collect()
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

fn normalise(text: &str) -> Vec<char> {
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
    // not in an ordinal such as 第二).
    (0..chars.len())
        .map(|i| match at(&chars, i) {
            Some('二')
                if is_digit_at(&chars, i + 1)
                    && i.checked_sub(1).and_then(|j| at(&chars, j)) != Some('第') =>
            {
                '='
            }
            c => c.unwrap_or(' '),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Placeholders

const PLACEHOLDER_CHARS: &str = "—–-―─━－*＊/／\\…⋯.。·•：:、，,；;_＿~～\"“”'‘’（）()【】[]";
const PLACEHOLDER_WORDS: &[&str] = &[
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
fn is_placeholder(chars: &[char]) -> bool {
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

fn is_thousands_sep(chars: &[char], i: usize) -> bool {
    at(chars, i) == Some(',')
        && i.checked_sub(1).is_some_and(|j| is_digit_at(chars, j))
        && (1..=3).all(|k| is_digit_at(chars, i + k))
        && !is_digit_at(chars, i + 4)
}

fn is_hard_sep(chars: &[char], i: usize) -> bool {
    match at(chars, i) {
        Some('，' | '；' | ';' | '。' | '\n' | '\r') => true,
        Some(',') => !is_thousands_sep(chars, i),
        _ => false,
    }
}

fn fragments(chars: &[char]) -> Vec<(usize, usize)> {
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
// Units

#[derive(Clone, Copy)]
enum Kind {
    /// 年, 月, 季度, 日, 号: a period, not a figure.
    Period,
    /// Money, with the factor to 万元 as (mantissa, scale).
    Money(i64, u32),
    Percent,
    Count(&'static str),
    Other(&'static str),
    /// A bare 万 (false) or 亿 (true).
    Big(bool),
}

const UNITS: &[(&str, Kind)] = &[
    ("万亿元", Kind::Money(100_000_000, 0)),
    ("亿元", Kind::Money(10_000, 0)),
    ("千万元", Kind::Money(1_000, 0)),
    ("百万元", Kind::Money(100, 0)),
    ("十万元", Kind::Money(10, 0)),
    ("万元", Kind::Money(1, 0)),
    ("千元", Kind::Money(1, 1)),
    ("元", Kind::Money(1, 4)),
    ("%", Kind::Percent),
    ("％", Kind::Percent),
    ("百分比", Kind::Percent),
    ("个百分点", Kind::Other("百分点")),
    ("百分点", Kind::Other("百分点")),
    ("‰", Kind::Other("‰")),
    ("倍", Kind::Other("倍")),
    ("分", Kind::Other("分")),
    ("个工作日", Kind::Count("工作日")),
    ("工作日", Kind::Count("工作日")),
    ("个季度", Kind::Count("季度")),
    ("个月", Kind::Count("月")),
    ("个小时", Kind::Count("小时")),
    ("小时", Kind::Count("小时")),
    ("分钟", Kind::Count("分钟")),
    ("天", Kind::Count("天")),
    ("季度", Kind::Period),
    ("年", Kind::Period),
    ("月", Kind::Period),
    ("日", Kind::Period),
    ("号", Kind::Period),
    ("平方公里", Kind::Count("平方公里")),
    ("平方米", Kind::Count("平方米")),
    ("立方米", Kind::Count("立方米")),
    ("公里", Kind::Count("公里")),
    ("千米", Kind::Count("千米")),
    ("公顷", Kind::Count("公顷")),
    ("千瓦时", Kind::Count("千瓦时")),
    ("千瓦", Kind::Count("千瓦")),
    ("兆瓦", Kind::Count("兆瓦")),
    ("吨", Kind::Count("吨")),
    ("公斤", Kind::Count("公斤")),
    ("千克", Kind::Count("千克")),
    ("组", Kind::Count("组")),
    ("单", Kind::Count("单")),
    ("TB", Kind::Count("TB")),
    ("GB", Kind::Count("GB")),
    ("MB", Kind::Count("MB")),
    ("Mbps", Kind::Count("Mbps")),
    ("Gbps", Kind::Count("Gbps")),
    ("M", Kind::Count("M")),
    ("亩", Kind::Count("亩")),
    ("米", Kind::Count("米")),
    ("人次", Kind::Count("人次")),
    ("户次", Kind::Count("户次")),
    ("个", Kind::Count("个")),
    ("家", Kind::Count("家")),
    ("件", Kind::Count("件")),
    ("项", Kind::Count("项")),
    ("名", Kind::Count("名")),
    ("人", Kind::Count("人")),
    ("次", Kind::Count("次")),
    ("台", Kind::Count("台")),
    ("套", Kind::Count("套")),
    ("户", Kind::Count("户")),
    ("所", Kind::Count("所")),
    ("篇", Kind::Count("篇")),
    ("座", Kind::Count("座")),
    ("场", Kind::Count("场")),
    ("期", Kind::Count("期")),
    ("批", Kind::Count("批")),
    ("份", Kind::Count("份")),
    ("本", Kind::Count("本")),
    ("册", Kind::Count("册")),
    ("条", Kind::Count("条")),
    ("处", Kind::Count("处")),
    ("辆", Kind::Count("辆")),
    ("张", Kind::Count("张")),
    ("间", Kind::Count("间")),
    ("栋", Kind::Count("栋")),
    ("床", Kind::Count("床")),
    ("课时", Kind::Count("课时")),
    ("学时", Kind::Count("学时")),
    ("支", Kind::Count("支")),
    ("只", Kind::Count("只")),
    ("株", Kind::Count("株")),
    ("棵", Kind::Count("棵")),
    ("头", Kind::Count("头")),
    ("架", Kind::Count("架")),
    ("艘", Kind::Count("艘")),
    ("种", Kind::Count("种")),
    ("类", Kind::Count("类")),
    ("门", Kind::Count("门")),
    ("位", Kind::Count("位")),
    ("例", Kind::Count("例")),
    ("起", Kind::Count("起")),
    ("宗", Kind::Count("宗")),
    ("笔", Kind::Count("笔")),
    ("万", Kind::Big(false)),
    ("亿", Kind::Big(true)),
];

/// Words that make a bare 万/亿 an amount of money.
const MONEY_WORDS: &[&str] = &[
    "收入",
    "税收",
    "税",
    "投资",
    "资金",
    "经费",
    "支出",
    "产值",
    "额",
    "预算",
    "费",
    "资产",
    "利润",
    "营收",
    "贷款",
    "融资",
    "补贴",
    "补助",
    "奖补",
    "增加值",
    "生产总值",
    "GDP",
];

/// The longest unit in [`UNITS`] starting at `i`, with its length in characters.
fn unit_at(chars: &[char], i: usize) -> Option<(&'static str, Kind, usize)> {
    UNITS
        .iter()
        .filter(|(word, _)| starts_with_at(chars, i, word))
        .map(|(word, kind)| (*word, *kind, word.chars().count()))
        .max_by_key(|(_, _, len)| *len)
}

// ---------------------------------------------------------------------------------------------
// Comparators

const SYMBOLS: &[(&str, Comparator)] = &[
    (">=", Comparator::Gte),
    ("＞＝", Comparator::Gte),
    ("＞=", Comparator::Gte),
    (">＝", Comparator::Gte),
    ("<=", Comparator::Lte),
    ("＜＝", Comparator::Lte),
    ("＜=", Comparator::Lte),
    ("<＝", Comparator::Lte),
    ("≥", Comparator::Gte),
    ("⩾", Comparator::Gte),
    ("≧", Comparator::Gte),
    ("≤", Comparator::Lte),
    ("⩽", Comparator::Lte),
    ("≦", Comparator::Lte),
    (">", Comparator::Gt),
    ("＞", Comparator::Gt),
    ("<", Comparator::Lt),
    ("＜", Comparator::Lt),
    ("=", Comparator::Eq),
    ("＝", Comparator::Eq),
];

/// Words before a number, longest first.
const PREFIX_WORDS: &[(&str, Comparator)] = &[
    ("大于或等于", Comparator::Gte),
    ("小于或等于", Comparator::Lte),
    ("大于等于", Comparator::Gte),
    ("小于等于", Comparator::Lte),
    ("不低于", Comparator::Gte),
    ("不少于", Comparator::Gte),
    ("不小于", Comparator::Gte),
    ("不高于", Comparator::Lte),
    ("不超过", Comparator::Lte),
    ("不大于", Comparator::Lte),
    ("不多于", Comparator::Lte),
    ("控制在", Comparator::Lte),
    ("至少", Comparator::Gte),
    ("达到", Comparator::Gte),
    ("超过", Comparator::Gt),
    ("高于", Comparator::Gt),
    ("大于", Comparator::Gt),
    ("多于", Comparator::Gt),
    ("低于", Comparator::Lt),
    ("小于", Comparator::Lt),
    ("少于", Comparator::Lt),
    ("等于", Comparator::Eq),
    ("为", Comparator::Eq),
];

/// Words ending in 为 where 为 does not mean "is".
const NOT_EQ_WORDS: &[&str] = &[
    "行为", "作为", "认为", "因为", "以为", "更为", "较为", "极为", "最为", "成为",
];

enum Prefix {
    Symbol(Comparator),
    Word(Comparator),
}

/// The comparator just before `end` (spaces skipped) and where it starts.
fn prefix_comparator(chars: &[char], end: usize) -> (Option<Prefix>, usize) {
    let mut end = end;
    while end > 0
        && end
            .checked_sub(1)
            .and_then(|j| at(chars, j))
            .is_some_and(is_space)
    {
        end -= 1;
    }
    for (symbol, cmp) in SYMBOLS {
        if ends_with_at(chars, end, symbol) {
            let start = end.saturating_sub(symbol.chars().count());
            return (Some(Prefix::Symbol(*cmp)), start);
        }
    }
    for (word, cmp) in PREFIX_WORDS {
        if ends_with_at(chars, end, word) {
            if *word == "为" && NOT_EQ_WORDS.iter().any(|w| ends_with_at(chars, end, w)) {
                continue;
            }
            let start = end.saturating_sub(word.chars().count());
            return (Some(Prefix::Word(*cmp)), start);
        }
    }
    (None, end)
}

/// A comparator word after the unit (以上, 及以上, 以下, 以内…) and where it ends.
fn suffix_comparator(chars: &[char], pos: usize) -> (Option<Comparator>, usize) {
    let mut p = pos;
    while at(chars, p).is_some_and(is_space) {
        p += 1;
    }
    let q = if matches!(at(chars, p), Some('及' | '或')) {
        p + 1
    } else {
        p
    };
    for (word, cmp) in [
        ("以上", Comparator::Gte),
        ("以下", Comparator::Lte),
        ("以内", Comparator::Lte),
        ("之内", Comparator::Lte),
    ] {
        if starts_with_at(chars, q, word) {
            return (Some(cmp), q + 2);
        }
    }
    (None, pos)
}

// ---------------------------------------------------------------------------------------------
// Numbers

struct Number {
    /// Where the number starts, its minus sign included.
    start: usize,
    /// Just after its last digit.
    end: usize,
    text: String,
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '−' | '－')
}

fn is_range_sep(c: char) -> bool {
    matches!(
        c,
        '-' | '－' | '～' | '~' | '—' | '–' | '至' | '到' | '/' | '／' | '.'
    )
}

/// Scans the number whose first digit is at `i`.
fn scan_number(chars: &[char], i: usize) -> Number {
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

fn skip_spaces(chars: &[char], mut p: usize) -> usize {
    while at(chars, p).is_some_and(is_space) {
        p += 1;
    }
    p
}

/// A range separator after `p` (spaces allowed) followed by a digit: the position of that digit.
fn range_continues(chars: &[char], p: usize) -> Option<usize> {
    let s = skip_spaces(chars, p);
    if !at(chars, s).is_some_and(is_range_sep) {
        return None;
    }
    let d = skip_spaces(chars, s + 1);
    is_digit_at(chars, d).then_some(d)
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
    })))
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

// ---------------------------------------------------------------------------------------------
// Labels

const LABEL_PUNCT: &str = "：:、，,；;。.（）()【】[]-—–·*/／ ";
const LEADING_WORDS: &[&str] = &[
    "累计完成",
    "其中",
    "力争",
    "确保",
    "全年",
    "年内",
    "共计",
    "完成",
    "实现",
    "共",
];
const TRAILING_WORDS: &[&str] = &["完成", "实现", "共计", "合计"];

fn label_of(frag: &[char], end: usize, after: usize, drops: &[(usize, usize)]) -> String {
    let mut removed = vec![false; end];
    for (s, e) in drops {
        for slot in removed.iter_mut().take(*e).skip(*s) {
            *slot = true;
        }
    }
    let kept: String = frag
        .iter()
        .zip(removed)
        .filter(|(c, gone)| !c.is_whitespace() && !gone)
        .map(|(c, _)| *c)
        .collect();
    let label = tidy(&kept, true);
    if !label.is_empty() {
        return label;
    }
    let rest: String = frag
        .iter()
        .skip(after)
        .take_while(|c| !matches!(c, '：' | ':') && !c.is_ascii_digit())
        .filter(|c| !c.is_whitespace())
        .collect();
    let label = tidy(&rest, false);
    if !label.is_empty() {
        return label;
    }
    tidy(&kept, false)
}

/// Trims punctuation, and (when `words`) filler words such as 完成 and 实现 at either end.
fn tidy(text: &str, words: bool) -> String {
    let mut s = text;
    loop {
        let before = s.len();
        s = s.trim_matches(|c: char| LABEL_PUNCT.contains(c));
        if words {
            for w in LEADING_WORDS {
                if let Some(rest) = s.strip_prefix(w) {
                    s = rest;
                }
            }
            for w in TRAILING_WORDS {
                if let Some(rest) = s.strip_suffix(w) {
                    s = rest;
                }
            }
        }
        if s.len() == before {
            break;
        }
    }
    s.to_string()
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cmp(c: Option<Comparator>) -> &'static str {
        match c {
            None => "",
            Some(Comparator::Gte) => ">=",
            Some(Comparator::Gt) => ">",
            Some(Comparator::Eq) => "=",
            Some(Comparator::Lt) => "<",
            Some(Comparator::Lte) => "<=",
            Some(Comparator::Qualitative) => "?",
        }
    }

    fn dim(d: &Dimension) -> String {
        match d {
            Dimension::Money => "M".into(),
            Dimension::Percent => "P".into(),
            Dimension::Count(c) => format!("C:{c}"),
            Dimension::Other(o) => format!("O:{o}"),
            Dimension::Plain => "-".into(),
        }
    }

    /// `comparator value unit dimension base label [R]`, e.g. `>= 50 个 C:个 50 label`.
    fn sig(m: &Measure) -> String {
        let mut s = format!(
            "{}{} {} {} {} {}",
            cmp(m.comparator),
            m.value,
            m.unit.as_deref().unwrap_or("_"),
            dim(&m.dimension),
            m.base_value.normalize(),
            m.label
        );
        if m.is_reference {
            s.push_str(" R");
        }
        s.trim_end().to_string()
    }

    fn sigs(text: &str) -> Vec<String> {
        match read(text) {
            Reading::Measures(ms) => ms.iter().map(sig).collect(),
            Reading::Qualitative(q) => vec![format!("Q:{q}")],
            Reading::NotAssessable => vec!["NA".to_string()],
        }
    }

    #[test]
    fn variants_real_forms_write() {
        let cases: &[(&str, &[&str])] = &[
            ("﹦100%", &["=100 % P 100"]),
            ("═100%", &["=100 % P 100"]),
            ("二100%", &["=100 % P 100"]),
            ("第二100%", &["100 % P 100 第二"]),
            ("小於5%", &["<5 % P 5"]),
            ("不超過10萬元", &["<=10 万元 M 10"]),
            ("≥95百分比", &[">=95 百分比 P 95"]),
            ("≥3组", &[">=3 组 C:组 3"]),
            ("≥500公斤", &[">=500 公斤 C:公斤 500"]),
            ("≥200单", &[">=200 单 C:单 200"]),
            ("存储25TB", &["25 TB C:TB 25 存储"]),
            ("带宽≥80M", &[">=80 M C:M 80 带宽"]),
            ("≥20年", &[">=20 年 C:年 20"]),
            ("设计使用年限50年", &["50 年 C:年 50 设计使用年限"]),
            ("2019年完成8家", &["8 家 C:家 8 完成"]),
            ("5G基站建成", &["Q:5G基站建成"]),
            ("PM2.5浓度≤35", &["<=35 _ - 35 PM2.5浓度"]),
        ];
        for (text, expected) in cases {
            assert_eq!(&sigs(text), expected, "{text}");
        }
    }

    #[test]
    fn a_unitless_actual_takes_the_targets_unit() {
        let take = |t: &str, a: &str| -> Vec<String> {
            with_target_unit(read(t).measures(), read(a).measures())
                .iter()
                .map(sig)
                .collect()
        };
        assert_eq!(take("≥95%", "95"), vec!["95 % P 95"]);
        assert_eq!(take("﹦100%", "100"), vec!["100 % P 100"]);
        assert_eq!(take("≤90万元", "90"), vec!["90 万元 M 90"]);
        assert_eq!(take("3%", "0"), vec!["0 % P 0"]);
        assert_eq!(take("≥10万元", "12万"), vec!["12 万元 M 12"]);
        // Ambiguous: two target figures, or an actual with a unit of its own, stay as read.
        assert_eq!(take("≥95%，≥3个", "95"), vec!["95 _ - 95"]);
        assert_eq!(take("≥95%", "95个"), vec!["95 个 C:个 95"]);
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("≥50个", &[">=50 个 C:个 50"]),
            ("≤90万元", &["<=90 万元 M 90"]),
            ("=100%", &["=100 % P 100"]),
            ("≥52.50%", &[">=52.50 % P 52.5"]),
            ("500亿元", &["500 亿元 M 5000000"]),
            ("1.382亿元", &["1.382 亿元 M 13820"]),
            ("高于全市平均水平", &["Q:高于全市平均水平"]),
            ("效果明显", &["Q:效果明显"]),
            ("达成预期指标", &["Q:达成预期指标"]),
            ("达到市定目标值", &["Q:达到市定目标值"]),
            ("—", &["NA"]),
            ("", &["NA"]),
            ("   \n\t", &["NA"]),
            ("-", &["NA"]),
            ("*", &["NA"]),
            ("/", &["NA"]),
            ("无", &["NA"]),
            ("……", &["NA"]),
            ("指标1：\n\n指标2：\n\n……", &["NA"]),
            ("4家以上", &[">=4 家 C:家 4"]),
            ("不低于95%", &[">=95 % P 95"]),
            ("控制在100万元以内", &["<=100 万元 M 100"]),
            ("＞80％", &[">80 ％ P 80"]),
            ("＜5天", &["<5 天 C:天 5"]),
            ("≥１２．５%", &[">=12.5 % P 12.5"]),
            ("1,234.5万元", &["1234.5 万元 M 1234.5"]),
            ("50000元", &["50000 元 M 5"]),
            ("超过3项", &[">3 项 C:项 3"]),
            ("低于2%", &["<2 % P 2"]),
            ("满意度不低于90分", &[">=90 分 O:分 90 满意度"]),
            ("培训1.2万人次", &["1.2 万人次 C:人次 12000 培训"]),
            ("补助标准为500元/人", &["=500 元/人 O:元/人 500 补助标准"]),
            ("提高2个百分点", &["2 个百分点 O:百分点 2 提高"]),
            ("增长率为-3.5%", &["=-3.5 % P -3.5 增长率"]),
            ("完成率80%-90%", &["Q:完成率80%-90%"]),
            ("PM2.5浓度", &["Q:PM2.5浓度"]),
            ("2019年12月31日前完成", &["Q:2019年12月31日前完成"]),
            ("截止3季度", &["Q:截止3季度"]),
            ("2019.12.31前完成", &["Q:2019.12.31前完成"]),
            ("截止2019.11", &["Q:截止2019.11"]),
            ("1.完成5家", &["5 家 C:家 5 完成"]),
            ("5.5亿元", &["5.5 亿元 M 55000"]),
            (
                "指标3、科技立项争资达到500万元",
                &[">=500 万元 M 500 科技立项争资"],
            ),
            ("大于等于3项", &[">=3 项 C:项 3"]),
            (
                "办结时限≤5个工作日以内",
                &["<=5 个工作日 C:工作日 5 办结时限"],
            ),
            ("投资5万", &["5 万 M 5 投资"]),
            ("40亿千瓦时", &["40 亿千瓦时 C:千瓦时 4000000000"]),
            ("5G基站3个", &["3 个 C:个 3 5G基站"]),
            ("N/A", &["NA"]),
            ("不适用", &["NA"]),
            ("1、新增企业5家", &["5 家 C:家 5 新增企业"]),
            (
                "（1）办结时间≤15个工作日",
                &["<=15 个工作日 C:工作日 15 办结时间"],
            ),
            ("违法行为5起", &["5 起 C:起 5 违法行为"]),
            ("覆盖12个月", &["12 个月 C:月 12 覆盖"]),
            ("新增用户3亿", &["3 亿 - 3 新增用户"]),
            (
                "99999999999999999999999999999999亿元",
                &["Q:99999999999999999999999999999999亿元"],
            ),
            (
                "完成技工贸收入886.97亿元，全区工业税收1-11月累计入库109亿元，区本级工业税收累计入库6.29亿元",
                &[
                    "886.97 亿元 M 8869700 技工贸收入",
                    "109 亿元 M 1090000 全区工业税收1-11月累计入库",
                    "6.29 亿元 M 62900 区本级工业税收累计入库",
                ],
            ),
            (
                "指标1：2019 年完成技工贸收入 500亿元，实现税收8.5亿",
                &["500 亿元 M 5000000 技工贸收入", "8.5 亿 M 85000 税收"],
            ),
            (
                "高新技术产业增加值GDP占比58.47%，市定目标值52.50%",
                &[
                    "58.47 % P 58.47 高新技术产业增加值GDP占比",
                    "52.50 % P 52.5 市定目标值 R",
                ],
            ),
            (
                "科技立项争资925.45万元，市定目标值800万元",
                &[
                    "925.45 万元 M 925.45 科技立项争资",
                    "800 万元 M 800 市定目标值 R",
                ],
            ),
            (
                "财政科技支出2607万元，市定目标值2131.99万元",
                &[
                    "2607 万元 M 2607 财政科技支出",
                    "2131.99 万元 M 2131.99 市定目标值 R",
                ],
            ),
        ];
        assert!(cases.len() >= 30);
        for (text, expected) in cases {
            assert_eq!(&sigs(text), expected, "reading {text:?}");
        }
    }

    // The twelve filled rows of 三、定量目标 in reference/yunxi-2019-report.txt, verbatim.
    const Q1_T: &str = "指标1：2019 年完成技工贸收入 500亿元，实现税收8.5亿";
    const Q1_A: &str = "完成技工贸收入886.97亿元，全区工业税收1-11月累计入库109亿元，区本级工业税收累计入库6.29亿元";
    const Q2_T: &str = "指标2：工业固定资产投资同比增幅高于全市平均水平；\n\n工业技术改造投资同比增幅高于全市平均水平。\n\n区本级规模工业增加值同比增长7%，新增规模工业企业5家";
    const Q2_A: &str = "工业投资同比增幅3.6%，全市27.4%；\n\n工业技术投资同比增幅23.7%，全市38.1%\n\n区本级规模工业增加值同比增长8.6%，新增规模工业企业9家。";
    const Q3_T: &str = "指标3：产业投资增速不低于全市平均增速";
    const Q3_A: &str = "工业投资完成36.88亿元占产业投资51.66亿元的71.38%";
    const N1_T: &str = "指标1：高新技术产业增加值GDP占比达到市定目标值";
    const N1_A: &str = "高新技术产业增加值GDP占比58.47%，市定目标值52.50%";
    const N2_T: &str =
        "指标2：高新技术企业数量达到同类地区平均增速，力争2019年新增规模高新技术企业 4家以上";
    const N2_A: &str = "高新技术企业数增速24.1%，新增高新技术企业4家，重新认定4家";
    const N3_T: &str = "指标3、科技立项争资达到市定目标值";
    const N3_A: &str = "科技立项争资925.45万元，市定目标值800万元";
    const T1_T: &str = "指标1：工业领域创新工作中，年内被省纳入“五个一百”产品创新项目或被省认定为工业领域新产品、新专利转化、首台（套）产品、首批次新材料、企业技术中心或参与制订全国或行业标准1件及以上";
    const T1_A: &str = "共完成9项：2个省“五个一百”产品创新项目，1项工业领域新产品认定，4项首批次新材料认定，1项行业标准制订，1项知识产权运用标杆企业";
    const T2_T: &str = "指标2：搭建政银企合作平台，支持本地企业挖掘潜能、培育项目、挂牌上市";
    const T2_A: &str = "全区共有3家企业获评湖南省制造业产融合作企业云溪区“白名单”， 14家企业获评岳阳市产融合作制造业和风险补偿基金重点企业云溪区“白名单”，长岭科发进入省重点上市后备企业资源库";
    const T3_T: &str = "指标3：技术合同交易额达到市定目标值";
    const T3_A: &str = "技术合同交易额1.382亿元，市定目标值1.382亿元";
    const C1_T: &str = "指标1：财政科技支出达到市定目标值";
    const C1_A: &str = "财政科技支出2607万元，市定目标值2131.99万元";
    const C2_T: &str = "指标2：全社会研发经费投入达到市定目标值";
    const C2_A: &str = "全社会研发经费投入完成14.08亿元，市定目标值14.08亿元";
    const C3_T: &str = "指标3：全社会研发经费投入增速达到市定目标值";
    const C3_A: &str = "全社会研发经费投入增速3.9%，市定目标值3.9%";

    #[test]
    fn reference_report_rows() {
        let cases: &[(&str, &[&str])] = &[
            (
                Q1_T,
                &["500 亿元 M 5000000 技工贸收入", "8.5 亿 M 85000 税收"],
            ),
            (
                Q1_A,
                &[
                    "886.97 亿元 M 8869700 技工贸收入",
                    "109 亿元 M 1090000 全区工业税收1-11月累计入库",
                    "6.29 亿元 M 62900 区本级工业税收累计入库",
                ],
            ),
            (
                Q2_T,
                &[
                    "7 % P 7 区本级规模工业增加值同比增长",
                    "5 家 C:家 5 新增规模工业企业",
                ],
            ),
            (
                Q2_A,
                &[
                    "3.6 % P 3.6 工业投资同比增幅",
                    "27.4 % P 27.4 全市 R",
                    "23.7 % P 23.7 工业技术投资同比增幅",
                    "38.1 % P 38.1 全市 R",
                    "8.6 % P 8.6 区本级规模工业增加值同比增长",
                    "9 家 C:家 9 新增规模工业企业",
                ],
            ),
            (Q3_T, &["Q:指标3：产业投资增速不低于全市平均增速"]),
            (Q3_A, &["36.88 亿元 M 368800 工业投资"]),
            (N1_T, &["Q:指标1：高新技术产业增加值GDP占比达到市定目标值"]),
            (
                N1_A,
                &[
                    "58.47 % P 58.47 高新技术产业增加值GDP占比",
                    "52.50 % P 52.5 市定目标值 R",
                ],
            ),
            (N2_T, &[">=4 家 C:家 4 新增规模高新技术企业"]),
            (
                N2_A,
                &[
                    "24.1 % P 24.1 高新技术企业数增速",
                    "4 家 C:家 4 新增高新技术企业",
                    "4 家 C:家 4 重新认定",
                ],
            ),
            (N3_T, &["Q:指标3、科技立项争资达到市定目标值"]),
            (
                N3_A,
                &[
                    "925.45 万元 M 925.45 科技立项争资",
                    "800 万元 M 800 市定目标值 R",
                ],
            ),
            (
                T1_T,
                &[">=1 件 C:件 1 企业技术中心或参与制订全国或行业标准"],
            ),
            (
                T1_A,
                &[
                    "9 项 C:项 9 共完成",
                    "1 项 C:项 1 工业领域新产品认定",
                    "4 项 C:项 4 首批次新材料认定",
                    "1 项 C:项 1 行业标准制订",
                    "1 项 C:项 1 知识产权运用标杆企业",
                ],
            ),
            (T2_T, &[&format!("Q:{T2_T}")]),
            (
                T2_A,
                &[
                    "3 家 C:家 3 全区共有",
                    "14 家 C:家 14 企业获评岳阳市产融合作制造业和风险补偿基金重点企业云溪区“白名单”",
                ],
            ),
            (T3_T, &["Q:指标3：技术合同交易额达到市定目标值"]),
            (
                T3_A,
                &[
                    "1.382 亿元 M 13820 技术合同交易额",
                    "1.382 亿元 M 13820 市定目标值 R",
                ],
            ),
            (C1_T, &["Q:指标1：财政科技支出达到市定目标值"]),
            (
                C1_A,
                &[
                    "2607 万元 M 2607 财政科技支出",
                    "2131.99 万元 M 2131.99 市定目标值 R",
                ],
            ),
            (C2_T, &["Q:指标2：全社会研发经费投入达到市定目标值"]),
            (
                C2_A,
                &[
                    "14.08 亿元 M 140800 全社会研发经费投入",
                    "14.08 亿元 M 140800 市定目标值 R",
                ],
            ),
            (C3_T, &["Q:指标3：全社会研发经费投入增速达到市定目标值"]),
            (
                C3_A,
                &[
                    "3.9 % P 3.9 全社会研发经费投入增速",
                    "3.9 % P 3.9 市定目标值 R",
                ],
            ),
        ];
        assert_eq!(cases.len(), 24);
        for (text, expected) in cases {
            assert_eq!(&sigs(text), expected, "reading {text:?}");
        }
    }

    fn pairs(target: &str, actual: &str) -> Vec<(String, String)> {
        let t = read(target);
        let a = read(actual);
        pair(t.measures(), a.measures())
            .into_iter()
            .map(|(x, y)| (sig(x), sig(y)))
            .collect()
    }

    #[test]
    fn pairs_revenue_and_tax() {
        assert_eq!(
            pairs(Q1_T, Q1_A),
            vec![
                (
                    "500 亿元 M 5000000 技工贸收入".to_string(),
                    "886.97 亿元 M 8869700 技工贸收入".to_string()
                ),
                (
                    "8.5 亿 M 85000 税收".to_string(),
                    "6.29 亿元 M 62900 区本级工业税收累计入库".to_string()
                ),
            ]
        );
    }

    #[test]
    fn pairs_skip_references_and_match_labels() {
        let got = pairs(Q2_T, Q2_A);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, "8.6 % P 8.6 区本级规模工业增加值同比增长");
        assert_eq!(got[1].1, "9 家 C:家 9 新增规模工业企业");
        let got = pairs(N2_T, N2_A);
        assert_eq!(
            got,
            vec![(
                ">=4 家 C:家 4 新增规模高新技术企业".to_string(),
                "4 家 C:家 4 新增高新技术企业".to_string()
            )]
        );
        // A reference is never an outcome.
        let a = read(N3_A);
        assert!(
            pair(read("≥800万元").measures(), a.measures())
                .iter()
                .all(|(_, m)| !m.is_reference)
        );
    }

    #[test]
    fn pairs_need_matching_dimensions() {
        // 件 and 项 are different counter words: no pair.
        assert!(pairs(T1_T, T1_A).is_empty());
        // Money never pairs with percent.
        assert!(pairs("≥500万元", "完成率98%").is_empty());
        // A count pairs with a plain number, by position when labels share nothing.
        assert_eq!(pairs("≥5家", "7").len(), 1);
        // Position decides between equally similar figures.
        let got = pairs("≥10%，≥20%", "11%，21%");
        assert_eq!(got[0].1, "11 % P 11");
        assert_eq!(got[1].1, "21 % P 21");
        assert!(pair(&[], read(Q1_A).measures()).is_empty());
    }

    #[test]
    fn reference_figures() {
        for (text, expected) in [
            (N3_A, Some("800 万元 M 800 市定目标值 R")),
            (N1_A, Some("52.50 % P 52.5 市定目标值 R")),
            (C1_A, Some("2131.99 万元 M 2131.99 市定目标值 R")),
            (Q2_A, Some("27.4 % P 27.4 全市 R")),
            (Q1_A, None),
        ] {
            let reading = read(text);
            assert_eq!(
                reference_in(reading.measures()).map(sig).as_deref(),
                expected
            );
        }
    }

    #[test]
    fn partial_periods() {
        let a = read(Q1_A);
        let flags: Vec<bool> = a
            .measures()
            .iter()
            .map(Measure::is_partial_period)
            .collect();
        assert_eq!(flags, vec![false, true, false]);
        assert!(read("截止3季度累计完成5亿元").measures()[0].is_partial_period());
        assert!(!read("1-12月累计完成5亿元").measures()[0].is_partial_period());
        assert!(!read("1-4季度累计完成5亿元").measures()[0].is_partial_period());
        assert!(read("前三季度累计完成5亿元").measures()[0].is_partial_period());
        assert!(read("上半年完成5亿元").measures()[0].is_partial_period());
        assert!(!read("全年完成5亿元").measures()[0].is_partial_period());
    }

    #[test]
    fn measures_accessor() {
        assert!(read("效果明显").measures().is_empty());
        assert!(read("—").measures().is_empty());
        assert_eq!(read("≥50个").measures().len(), 1);
    }

    const VOCAB: &[&str] = &[
        "≥",
        "≤",
        ">",
        "<",
        "=",
        "＞",
        "＜",
        "＝",
        "≧",
        ">=",
        "<=",
        "以上",
        "以下",
        "以内",
        "及",
        "不低于",
        "不超过",
        "控制在",
        "达到",
        "高于",
        "低于",
        "为",
        "亿元",
        "万元",
        "元",
        "亿",
        "万",
        "%",
        "％",
        "个",
        "家",
        "件",
        "项",
        "人次",
        "个月",
        "年",
        "月",
        "季度",
        "日",
        "1",
        "0",
        "9",
        "12",
        "2019",
        "1.5",
        ".",
        ",",
        "，",
        "、",
        "；",
        "。",
        "\n",
        "-",
        "—",
        "～",
        "/",
        "指标",
        "目标值",
        "市定",
        "全市",
        "平均",
        "收入",
        "税收",
        "完成",
        "实现",
        "截止",
        "（",
        "）",
        "：",
        "Ｐ",
        "PM",
        "１",
        "．",
        " ",
        "……",
        "无",
        "99999999999999999999999999999",
        "═",
        "﹦",
        "二",
        "小於",
        "百分比",
        "TB",
        "M",
        "年",
        "年限",
        "万",
    ];

    fn built() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(VOCAB), 0..24).prop_map(|parts| parts.concat())
    }

    /// The digits of a number as they must appear in the text (sign, point and leading zeros
    /// aside).
    fn digits(v: Decimal) -> String {
        let s: String = v
            .abs()
            .to_string()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let s = s.trim_start_matches('0').trim_end_matches('0');
        s.to_owned()
    }

    /// Every figure read is in the text: its digits appear there (full-width digits and
    /// thousands separators normalised).
    fn in_text(text: &str, measures: &[Measure]) {
        let plain: String = normalise(text)
            .into_iter()
            .filter(char::is_ascii_digit)
            .collect();
        for m in measures {
            assert!(
                plain.contains(&digits(m.value)),
                "{} read from {text:?}",
                m.value
            );
        }
    }

    fn check(t: &str, a: &str) {
        let rt = read(t);
        let ra = read(a);
        if let Reading::Measures(ms) = &rt {
            assert!(!ms.is_empty());
        }
        in_text(t, rt.measures());
        in_text(a, ra.measures());
        in_text(a, &with_target_unit(rt.measures(), ra.measures()));
        for (x, y) in pair(rt.measures(), ra.measures()) {
            assert!(!y.is_reference);
            assert!(compatibility(&x.dimension, &y.dimension).is_some());
        }
        let _ = reference_in(ra.measures());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn never_panics_on_arbitrary_text(t in any::<String>(), a in "\\PC*") {
            check(&t, &a);
        }

        #[test]
        fn never_panics_on_indicator_like_text(t in built(), a in built()) {
            check(&t, &a);
        }
    }

    #[test]
    fn long_inputs_stay_fast() {
        let start = std::time::Instant::now();
        let mut text = String::new();
        for i in 0..4000 {
            text.push_str(&format!(
                "指标{i}：2019年新增企业{i}家、1-11月投资{i}亿元以上、"
            ));
        }
        let many = "、".repeat(50_000) + "1";
        let reading = read(&text);
        assert!(reading.measures().len() >= 4000);
        let pairs = pair(reading.measures(), reading.measures());
        assert_eq!(pairs.len(), MAX_PAIRED);
        let _ = read(&many);
        let _ = read(&"2019年".repeat(20_000));
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }
}
