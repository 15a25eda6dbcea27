//! The words of indicator texts: units (with their dimension and factor) and comparators.

use super::*;

// ---------------------------------------------------------------------------------------------
// Units

#[derive(Clone, Copy)]
pub(super) enum Kind {
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

pub(super) const UNITS: &[(&str, Kind)] = &[
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
pub(super) const MONEY_WORDS: &[&str] = &[
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
pub(super) fn unit_at(chars: &[char], i: usize) -> Option<(&'static str, Kind, usize)> {
    UNITS
        .iter()
        .filter(|(word, _)| starts_with_at(chars, i, word))
        .map(|(word, kind)| (*word, *kind, word.chars().count()))
        .max_by_key(|(_, _, len)| *len)
}

// ---------------------------------------------------------------------------------------------
// Comparators

pub(super) const SYMBOLS: &[(&str, Comparator)] = &[
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
pub(super) const PREFIX_WORDS: &[(&str, Comparator)] = &[
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
pub(super) const NOT_EQ_WORDS: &[&str] = &[
    "行为", "作为", "认为", "因为", "以为", "更为", "较为", "极为", "最为", "成为",
];

pub(super) enum Prefix {
    Symbol(Comparator),
    Word(Comparator),
}

/// The comparator just before `end` (spaces skipped) and where it starts.
pub(super) fn prefix_comparator(chars: &[char], end: usize) -> (Option<Prefix>, usize) {
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
pub(super) fn suffix_comparator(chars: &[char], pos: usize) -> (Option<Comparator>, usize) {
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
