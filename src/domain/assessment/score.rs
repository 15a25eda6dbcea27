//! Assessment: reads each indicator's target and outcome, judges achievement, scores it under
//! the profile, and totals the report (rescaled to 100 over what can be assessed).

use super::parse::{self, Dimension, Measure, Reading};
use super::profile::{Achievement, Equality, LowerBetter, Rules};
use crate::domain::report::document::{IndicatorDoc, ReportDocument};
use entity::Comparator;
use entity::{FundingLineKind, IndicatorCategory};
use rust_decimal::Decimal;

/// One comparison of an outcome figure with its target.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// What is compared, e.g. 技工贸收入.
    pub label: String,
    /// Comparator of the target (≥ when the text gives none).
    pub comparator: Comparator,
    /// Target, in the dimension's base unit.
    pub target: Decimal,
    /// Outcome, in the same unit.
    pub actual: Decimal,
    /// Unit of both, as shown.
    pub unit: String,
    /// The target as written, e.g. 500亿元.
    pub target_text: String,
    /// The outcome as written, e.g. 886.97亿元.
    pub actual_text: String,
    /// Whether the outcome meets the target.
    pub met: bool,
    /// Share of the weight earned (0–1, before the over-achievement cap).
    pub ratio: Decimal,
}

/// Why an indicator was judged as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Every figure meets its target.
    AllTargetsMet,
    /// Some figures meet their targets.
    SomeTargetsMet,
    /// No figure meets its target.
    NoTargetMet,
    /// The target cell is empty or a placeholder.
    TargetMissing,
    /// The outcome cell is empty or a placeholder.
    ActualMissing,
    /// The texts hold no figures that can be compared.
    NoComparableFigures,
    /// The outcome names a qualitative band.
    QualitativeBand,
}

impl Reason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::AllTargetsMet => "ALL_TARGETS_MET",
            Reason::SomeTargetsMet => "SOME_TARGETS_MET",
            Reason::NoTargetMet => "NO_TARGET_MET",
            Reason::TargetMissing => "TARGET_MISSING",
            Reason::ActualMissing => "ACTUAL_MISSING",
            Reason::NoComparableFigures => "NO_COMPARABLE_FIGURES",
            Reason::QualitativeBand => "QUALITATIVE_BAND",
        }
    }
}

/// The assessment of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorAssessment {
    /// Position in the report's indicator list.
    pub index: usize,
    /// Verdict.
    pub achievement: Achievement,
    /// Why.
    pub reason: Reason,
    /// The comparisons made.
    pub comparisons: Vec<Comparison>,
    /// Weight used (the filed 分值, else the level-1 weight shared in its group); none if not assessable.
    pub weight: Option<Decimal>,
    /// Score earned.
    pub score: Option<Decimal>,
    /// One line in Chinese.
    pub explanation: String,
}

/// The budget-execution row of a project report.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingAssessment {
    /// 执行率 in percent.
    pub rate: Decimal,
    /// Weight.
    pub weight: Decimal,
    /// Score: min(rate, 100 %) × weight.
    pub score: Decimal,
}

/// The assessment of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Per indicator, in order.
    pub indicators: Vec<IndicatorAssessment>,
    /// Budget execution (PROJECT reports).
    pub funding: Option<FundingAssessment>,
    /// Weight of everything that could be assessed.
    pub applicable_weight: Decimal,
    /// Sum of the scores earned.
    pub raw_score: Decimal,
    /// Total rescaled to 100 over the applicable weight, at most 100; none when less than the
    /// profile's least assessable weight could be assessed (see `withheld`).
    pub total: Option<Decimal>,
    /// Why no total was computed, when none was.
    pub withheld: Option<String>,
    /// Grade of the total.
    pub grade: Option<String>,
    /// Declared score minus computed total.
    pub score_difference: Option<Decimal>,
    /// Whether the declared grade is the computed one.
    pub grade_matches: Option<bool>,
}

fn pct(v: Decimal) -> Option<Decimal> {
    v.checked_mul(Decimal::ONE_HUNDRED).map(|p| p.round_dp(2))
}

/// 执行率 B/A as a share (1 = 100 %): none when the budget A is zero or negative, or when the
/// quotient is beyond the decimal range.
pub fn execution_share(adjusted_budget: Decimal, executed: Decimal) -> Option<Decimal> {
    if adjusted_budget <= Decimal::ZERO {
        return None;
    }
    executed.checked_div(adjusted_budget)
}

/// 执行率 B/A in percent, two decimals (see [`execution_share`]).
pub fn execution_rate(adjusted_budget: Decimal, executed: Decimal) -> Option<Decimal> {
    pct(execution_share(adjusted_budget, executed)?)
}

/// A figure as written: its number and unit.
fn written(m: &Measure) -> String {
    format!("{}{}", m.value.normalize(), m.unit.as_deref().unwrap_or(""))
}

/// Compares two measures, keeping how they were written for the explanation.
fn compare_measures(
    rules: &Rules,
    label: &str,
    comparator: Comparator,
    target: &Measure,
    actual: &Measure,
) -> Comparison {
    let mut c = compare(
        rules,
        label,
        comparator,
        target.base_value,
        actual.base_value,
        unit_of(target),
    );
    c.target_text = written(target);
    c.actual_text = written(actual);
    c
}

fn unit_of(m: &Measure) -> String {
    match &m.dimension {
        Dimension::Money => "万元".into(),
        Dimension::Percent => "%".into(),
        Dimension::Count(w) | Dimension::Other(w) => w.clone(),
        Dimension::Plain => m.unit.clone().unwrap_or_default(),
    }
}

pub(crate) fn symbol(c: Comparator) -> &'static str {
    match c {
        Comparator::Gte => "≥",
        Comparator::Gt => ">",
        Comparator::Eq => "=",
        Comparator::Lt => "<",
        Comparator::Lte => "≤",
        Comparator::Qualitative => "~",
    }
}

/// Compares one outcome with one target under the profile's rules.
pub fn compare(
    rules: &Rules,
    label: &str,
    comparator: Comparator,
    target: Decimal,
    actual: Decimal,
    unit: String,
) -> Comparison {
    let zero = Decimal::ZERO;
    let one = Decimal::ONE;
    let (met, ratio) = match comparator {
        Comparator::Lte | Comparator::Lt => {
            let met = if comparator == Comparator::Lt {
                actual < target
            } else {
                actual <= target
            };
            // Not met: actual > target > 0. A quotient beyond the decimal range means an
            // excess so large that nothing is earned.
            let ratio = if met {
                one
            } else if target <= zero {
                zero
            } else {
                match rules.lower_better {
                    LowerBetter::LinearToZeroAtDouble => actual
                        .checked_sub(target)
                        .and_then(|excess| excess.checked_div(target))
                        .and_then(|share| one.checked_sub(share))
                        .map_or(zero, |r| r.max(zero)),
                    LowerBetter::Ratio => target.checked_div(actual).unwrap_or(zero),
                }
            };
            (met, ratio)
        }
        Comparator::Eq if target == zero => match rules.equality {
            Equality::ZeroTargetOrRatio => {
                let met = actual <= zero;
                (met, if met { one } else { zero })
            }
        },
        _ => {
            let met = if comparator == Comparator::Gt {
                actual > target
            } else {
                actual >= target
            };
            // Not met: actual < target, target > 0; a quotient beyond the decimal range is an
            // actual so far below zero that nothing is earned.
            let ratio = if met {
                one
            } else if target <= zero {
                zero
            } else {
                actual.checked_div(target).map_or(zero, |r| r.max(zero))
            };
            (met, ratio)
        }
    };
    Comparison {
        label: label.to_owned(),
        comparator,
        target,
        actual,
        target_text: format!("{}{unit}", target.normalize()),
        actual_text: format!("{}{unit}", actual.normalize()),
        unit,
        met,
        ratio: ratio.round_dp(4),
    }
}

/// Words of a qualitative target that mean "at least the benchmark the outcome cites".
fn benchmark_comparator(target: &str) -> Option<Comparator> {
    let benchmark = ["平均", "目标值", "市定", "省定"]
        .iter()
        .any(|w| target.contains(w));
    if !benchmark {
        return None;
    }
    if target.contains("高于") || target.contains("超过") {
        Some(Comparator::Gt)
    } else if ["不低于", "达到", "不少于", "以上"]
        .iter()
        .any(|w| target.contains(w))
    {
        Some(Comparator::Gte)
    } else {
        None
    }
}

/// Outcome figures that cite a benchmark ("…58.47%，市定目标值52.50%"): each reference figure
/// with the outcome figure of the same dimension just before it.
fn benchmark_pairs(actual: &[Measure]) -> Vec<(&Measure, &Measure)> {
    let mut out = Vec::new();
    for (i, m) in actual.iter().enumerate() {
        if !m.is_reference {
            continue;
        }
        let outcome = actual[..i]
            .iter()
            .rev()
            .find(|o| !o.is_reference && o.dimension == m.dimension);
        if let Some(o) = outcome {
            out.push((m, o));
        }
    }
    out
}

fn judge(
    rules: &Rules,
    ind: &IndicatorDoc,
) -> (
    Achievement,
    Reason,
    Vec<Comparison>,
    Option<Decimal>,
    String,
) {
    let target_text = ind.target.text.as_str();
    let target = parse::read(target_text);
    if matches!(target, Reading::NotAssessable) {
        return (
            Achievement::NotAssessable,
            Reason::TargetMissing,
            vec![],
            None,
            "未填写绩效目标，无法评价".into(),
        );
    }
    let Some(actual_text) = ind
        .actual
        .as_ref()
        .map(|a| a.text.as_str())
        .filter(|t| !t.trim().is_empty())
    else {
        return (
            Achievement::NotAssessable,
            Reason::ActualMissing,
            vec![],
            None,
            "未填写完成情况，无法评价".into(),
        );
    };
    let actual = parse::read(actual_text);
    if matches!(actual, Reading::NotAssessable) {
        return (
            Achievement::NotAssessable,
            Reason::ActualMissing,
            vec![],
            None,
            "完成情况为空或占位符，无法评价".into(),
        );
    }
    if let Some(band) = rules.band_in(actual_text) {
        let share = band.max_percent / Decimal::ONE_HUNDRED;
        return (
            band.achievement,
            Reason::QualitativeBand,
            vec![],
            Some(share),
            format!(
                "完成情况为“{}”，按定性档次计 {}%–{}% 分值",
                band.label, band.min_percent, band.max_percent
            ),
        );
    }
    let mut comparisons = Vec::new();
    let actual_measures = parse::with_target_unit(target.measures(), actual.measures());
    // A target that states no comparator: higher is better, unless the indicator's name (or the
    // figure's label) is one the profile lists as lower-is-better (控制率, 投诉率…).
    let named = |label: &str| {
        let name = ind.name.as_deref().unwrap_or("");
        rules
            .lower_is_better_words
            .iter()
            .any(|w| name.contains(w.as_str()) || label.contains(w.as_str()))
    };
    for (t, a) in parse::pair(target.measures(), &actual_measures) {
        let c = t.comparator.unwrap_or(if named(&t.label) {
            Comparator::Lte
        } else {
            Comparator::Gte
        });
        let label = if t.label.is_empty() {
            a.label.clone()
        } else {
            t.label.clone()
        };
        comparisons.push(compare_measures(rules, &label, c, t, a));
    }
    if let Some(c) = benchmark_comparator(target_text) {
        for (reference, outcome) in benchmark_pairs(actual.measures()) {
            let label = if outcome.label.is_empty() {
                reference.label.clone()
            } else {
                outcome.label.clone()
            };
            comparisons.push(compare_measures(rules, &label, c, reference, outcome));
        }
    }
    if comparisons.is_empty() {
        return (
            Achievement::NotAssessable,
            Reason::NoComparableFigures,
            vec![],
            None,
            "绩效目标与完成情况中没有可对比的数值，需人工判断".into(),
        );
    }
    let met = comparisons.iter().filter(|c| c.met).count();
    // Each ratio is within [0, 1], so neither the sum nor the mean can overflow.
    let ratio = comparisons
        .iter()
        .try_fold(Decimal::ZERO, |sum, c| sum.checked_add(c.ratio))
        .and_then(|sum| sum.checked_div(Decimal::from(comparisons.len())))
        .unwrap_or(Decimal::ZERO);
    let detail: Vec<String> = comparisons
        .iter()
        .map(|c| {
            format!(
                "{}{}{}（目标 {}{}）{}",
                c.label,
                if c.label.is_empty() { "" } else { "：" },
                c.actual_text,
                symbol(c.comparator),
                c.target_text,
                if c.met { "达成" } else { "未达成" }
            )
        })
        .collect();
    let (achievement, reason) = if met == comparisons.len() {
        (Achievement::Met, Reason::AllTargetsMet)
    } else if met == 0 {
        (Achievement::NotMet, Reason::NoTargetMet)
    } else {
        (Achievement::PartiallyMet, Reason::SomeTargetsMet)
    };
    (
        achievement,
        reason,
        comparisons,
        // Under the profile's coefficient scheme, the share achieved earns its band's coefficient.
        Some(rules.earned(ratio)),
        detail.join("；"),
    )
}

fn level1(rules: &Rules, doc: &ReportDocument, category: IndicatorCategory) -> Decimal {
    // The form's own weighting, where it states one for the group; else the profile's.
    if let Some(w) = doc.level1_weights.as_ref().and_then(|w| w.of(category)) {
        return w;
    }
    let w = &rules.level1_weights;
    match category {
        IndicatorCategory::Output => w.output,
        IndicatorCategory::Outcome => w.outcome,
        IndicatorCategory::Satisfaction => w.satisfaction,
        IndicatorCategory::BudgetExecution => w.budget_execution,
        IndicatorCategory::Decision => w.decision,
        IndicatorCategory::Process => w.process,
    }
}

/// Assesses a report under `rules`.
pub fn assess(doc: &ReportDocument, rules: &Rules) -> Assessment {
    let judged: Vec<_> = doc.indicators.iter().map(|i| judge(rules, i)).collect();
    // Weights: the filed 分值 where given; else the level-1 weight shared by the assessable
    // indicators of its group.
    let assessable = |category: IndicatorCategory| {
        doc.indicators
            .iter()
            .zip(&judged)
            .filter(|(i, j)| i.category == category && j.0 != Achievement::NotAssessable)
            .count()
    };
    let categories = [
        IndicatorCategory::Output,
        IndicatorCategory::Outcome,
        IndicatorCategory::Satisfaction,
        IndicatorCategory::BudgetExecution,
        IndicatorCategory::Decision,
        IndicatorCategory::Process,
    ];
    let shares: Vec<(IndicatorCategory, usize)> =
        categories.iter().map(|c| (*c, assessable(*c))).collect();
    let shared = |category: IndicatorCategory| {
        let n = shares
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(0, |(_, n)| *n);
        (n > 0)
            .then(|| level1(rules, doc, category).checked_div(Decimal::from(n)))
            .flatten()
    };
    let cap = rules
        .over_achievement
        .score_cap_percent
        .checked_div(Decimal::ONE_HUNDRED)
        .unwrap_or(Decimal::ONE);
    let mut indicators = Vec::new();
    let (mut applicable, mut raw) = (Decimal::ZERO, Decimal::ZERO);
    for (index, (ind, (achievement, reason, comparisons, ratio, explanation))) in
        doc.indicators.iter().zip(judged).enumerate()
    {
        // The row's score exactly (a shared weight such as 50/3 has no end); it is shown to
        // 0.01, and the total adds the exact scores and rounds once.
        let (weight, exact) = match (achievement, ratio) {
            (Achievement::NotAssessable, _) | (_, None) => (None, None),
            (_, Some(ratio)) => {
                let weight = ind.weight.or_else(|| shared(ind.category));
                let score = weight.and_then(|w| w.checked_mul(ratio.min(cap.max(Decimal::ZERO))));
                (weight, score)
            }
        };
        let score = exact.map(|s| s.round_dp(2));
        if let (Some(w), Some(s)) = (weight, exact)
            && let (Some(a), Some(r)) = (applicable.checked_add(w), raw.checked_add(s))
        {
            (applicable, raw) = (a, r);
        }
        let explanation = match score {
            Some(s) => format!(
                "{explanation}；得 {} 分（分值 {}）",
                s.normalize(),
                weight.unwrap_or_default().round_dp(2).normalize()
            ),
            None => explanation,
        };
        indicators.push(IndicatorAssessment {
            index,
            achievement,
            reason,
            comparisons,
            weight,
            score,
            explanation,
        });
    }
    let funding = doc
        .funding
        .iter()
        .find(|f| f.line == FundingLineKind::Total)
        .and_then(|f| {
            // 执行率 B/A: none without a positive budget (A ≤ 0 has no meaningful rate).
            let share = execution_share(f.adjusted_budget?, f.executed?)?;
            let rate = pct(share)?;
            let weight = f
                .weight
                .unwrap_or_else(|| level1(rules, doc, IndicatorCategory::BudgetExecution));
            let score = weight.checked_mul(share.min(Decimal::ONE))?.round_dp(2);
            Some(FundingAssessment {
                rate,
                weight,
                score,
            })
        });
    if let Some(f) = &funding
        && let (Some(a), Some(r)) = (applicable.checked_add(f.weight), raw.checked_add(f.score))
    {
        (applicable, raw) = (a, r);
    }
    let least = rules.min_assessed_weight;
    // Weights are whole hundredths, and the shares of one level-1 weight add up to it: the
    // exact sum of six shares of 50 is 49.99…98 only because 50/6 has no end, so the sum is
    // compared at the weights' own precision.
    let assessed = applicable.round_dp(2);
    let withheld = (assessed < least || assessed <= Decimal::ZERO).then(|| {
        format!(
            "可评价的分值合计 {}，少于计算总分所需的 {}（满分 100），不计算总分与等次",
            assessed.normalize(),
            least.normalize()
        )
    });
    // Rounded once, from the exact scores; never above 100 (a row's score is capped by the
    // profile's over-achievement cap, which may exceed its weight).
    let total = withheld
        .is_none()
        .then(|| {
            raw.checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|r| r.checked_div(applicable))
        })
        .flatten()
        .map(|t| t.round_dp(2).min(Decimal::ONE_HUNDRED));
    let grade = total
        .and_then(|t| rules.grade_of(t))
        .map(|b| b.grade.clone());
    let score_difference = match (doc.declared_score, total) {
        (Some(d), Some(t)) => d.checked_sub(t).map(|v| v.round_dp(2)),
        _ => None,
    };
    let grade_matches = match (doc.declared_grade.as_deref(), &grade) {
        (Some(declared), Some(g)) => {
            Some(rules.band_of_label(declared).is_some_and(|b| &b.grade == g))
        }
        _ => None,
    };
    Assessment {
        indicators,
        funding,
        applicable_weight: applicable.round_dp(2),
        raw_score: raw.round_dp(2),
        total,
        withheld,
        grade,
        score_difference,
        grade_matches,
    }
}

#[cfg(test)]
mod tests;
