//! The rules of a scoring profile as GraphQL types, and their mapping to the domain's.

use super::{Achievement, Severity};
use crate::domain::assessment::profile as domain_profile;
use crate::graphql::scalars::Decimal;
use async_graphql::{Enum, InputObject, SimpleObject};

/// Level-1 weights (一级指标分值), summing to 100.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "Level1WeightsInput")]
pub struct Level1Weights {
    /// 预算执行率.
    pub budget_execution: Decimal,
    /// 产出.
    pub output: Decimal,
    /// 效益.
    pub outcome: Decimal,
    /// 满意度.
    pub satisfaction: Decimal,
    /// 决策 (项目决策); 0 if not given.
    #[graphql(default_with = "Decimal(rust_decimal::Decimal::ZERO)")]
    pub decision: Decimal,
    /// 过程 (项目管理); 0 if not given.
    #[graphql(default_with = "Decimal(rust_decimal::Decimal::ZERO)")]
    pub process: Decimal,
}

/// Rule for lower-is-better targets (≤, <).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain_profile::LowerBetter")]
pub enum LowerBetterRule {
    /// weight × (1 − (actual − target) / target), reaching 0 at twice the target.
    LinearToZeroAtDouble,
    /// weight × target / actual.
    Ratio,
}

/// Rule for higher-is-better targets (≥, >).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain_profile::HigherBetter")]
pub enum HigherBetterRule {
    /// weight × actual / target.
    Ratio,
}

/// Rule for equality targets (=).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain_profile::Equality")]
pub enum EqualityRule {
    /// Target 0: full if actual ≤ 0, else 0; otherwise as higher-is-better.
    ZeroTargetOrRatio,
}

/// A qualitative band.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "QualitativeBandInput")]
pub struct QualitativeBand {
    /// Exact label, e.g. 达成年度指标.
    pub label: String,
    /// Lowest share of the weight, percent.
    pub min_percent: Decimal,
    /// Highest share of the weight, percent.
    pub max_percent: Decimal,
    /// What the band stands for.
    pub achievement: Achievement,
}

/// Over-achievement policy.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "OverAchievementInput")]
pub struct OverAchievement {
    /// Percent above target that makes the reviewer ask whether the target was set too low.
    pub threshold_percent: Decimal,
    /// Cap of an indicator's score, percent of its weight (100: no extra credit).
    pub score_cap_percent: Decimal,
}

/// A band of the coefficient scheme (得分 = 分值 × 得分系数).
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "CoefficientBandInput")]
pub struct CoefficientBand {
    /// Lowest share of the target achieved, percent (100: met).
    pub min_percent: Decimal,
    /// Share of the weight earned from there, 0–1 (at most six decimals).
    pub coefficient: Decimal,
}

/// A grade band.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "GradeBandInput")]
pub struct GradeBand {
    /// Lowest score of the band.
    pub min_score: Decimal,
    /// Grade, e.g. 优.
    pub grade: String,
    /// Labels meaning this grade, e.g. 优 and 优秀.
    pub labels: Vec<String>,
}

/// A severity override.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "SeverityOverrideInput")]
pub struct SeverityOverride {
    /// Finding code.
    pub code: String,
    /// Severity to use.
    pub severity: Severity,
}

/// The rules of a scoring profile.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ScoringRulesInput")]
pub struct ScoringRules {
    /// Level-1 weights.
    pub level1_weights: Level1Weights,
    /// Higher-is-better rule.
    pub higher_better: HigherBetterRule,
    /// Lower-is-better rule.
    pub lower_better: LowerBetterRule,
    /// Equality rule.
    pub equality: EqualityRule,
    /// Qualitative bands.
    pub qualitative_bands: Vec<QualitativeBand>,
    /// Over-achievement policy.
    pub over_achievement: OverAchievement,
    /// Grade bands.
    pub grade_bands: Vec<GradeBand>,
    /// Difference tolerated in arithmetic checks, 万元.
    pub arithmetic_tolerance: Decimal,
    /// Severity overrides by finding code.
    pub severities: Vec<SeverityOverride>,
    /// Words marking partial-year data, e.g. 截止, 1-11月.
    pub partial_year_markers: Vec<String>,
    /// Least weight (points of 100) that must be assessable for a computed total; 50 if not
    /// given.
    #[graphql(
        default_with = "Decimal(crate::domain::assessment::profile::default_min_assessed_weight())"
    )]
    pub min_assessed_weight: Decimal,
    /// Words of an indicator's name that make a target stating no comparator lower-is-better
    /// (控制率, 投诉率, 事故率…); the national list if not given.
    #[graphql(
        default_with = "crate::domain::assessment::profile::default_lower_is_better_words()"
    )]
    pub lower_is_better_words: Vec<String>,
    /// Budget execution (percent) below which a report is flagged EXECUTION_LOW; 60 if not given.
    #[graphql(
        default_with = "Decimal(crate::domain::assessment::profile::default_low_execution_percent())"
    )]
    pub low_execution_percent: Decimal,
    /// The coefficient scheme, for rules that score in steps (得分 = 分值 × 得分系数; e.g. met 1,
    /// from 80 % 0.8, from 60 % 0.6, else 0): a row earns its weight times the coefficient of
    /// the highest band its achieved share reaches. Empty (the default): the share itself. At
    /// most 20 bands, each start once.
    #[graphql(default)]
    pub coefficient_bands: Vec<CoefficientBand>,
}

/// Typed conversions between the GraphQL rules and the domain's, field by field (a field
/// added on one side and not the other is a compile error).
macro_rules! both_ways {
    ($graphql:ident, $domain:ident { $($decimal:ident),* ; $($plain:ident),* }) => {
        impl From<&domain_profile::$domain> for $graphql {
            fn from(d: &domain_profile::$domain) -> Self {
                Self { $($decimal: Decimal(d.$decimal),)* $($plain: d.$plain.clone().into(),)* }
            }
        }
        impl From<$graphql> for domain_profile::$domain {
            fn from(g: $graphql) -> Self {
                Self { $($decimal: g.$decimal.0,)* $($plain: g.$plain.into(),)* }
            }
        }
    };
}

both_ways!(Level1Weights, Level1Weights {
    budget_execution, output, outcome, satisfaction, decision, process ;
});
both_ways!(QualitativeBand, QualitativeBand { min_percent, max_percent ; label, achievement });
both_ways!(OverAchievement, OverAchievement { threshold_percent, score_cap_percent ; });
both_ways!(CoefficientBand, CoefficientBand { min_percent, coefficient ; });
both_ways!(GradeBand, GradeBand { min_score ; grade, labels });

fn list<A, B: From<A>>(items: Vec<A>) -> Vec<B> {
    items.into_iter().map(B::from).collect()
}

fn list_ref<'a, A: 'a, B: From<&'a A>>(items: &'a [A]) -> Vec<B> {
    items.iter().map(B::from).collect()
}

pub(super) fn to_domain(r: ScoringRules) -> domain_profile::Rules {
    domain_profile::Rules {
        level1_weights: r.level1_weights.into(),
        higher_better: r.higher_better.into(),
        lower_better: r.lower_better.into(),
        equality: r.equality.into(),
        qualitative_bands: list(r.qualitative_bands),
        over_achievement: r.over_achievement.into(),
        grade_bands: list(r.grade_bands),
        arithmetic_tolerance: r.arithmetic_tolerance.0,
        // A code given twice: the last one holds.
        severities: r
            .severities
            .into_iter()
            .map(|s| (s.code, s.severity.into()))
            .collect(),
        partial_year_markers: r.partial_year_markers,
        min_assessed_weight: r.min_assessed_weight.0,
        lower_is_better_words: r.lower_is_better_words,
        low_execution_percent: r.low_execution_percent.0,
        coefficient_bands: list(r.coefficient_bands),
    }
}

pub(super) fn from_domain(r: &domain_profile::Rules) -> ScoringRules {
    ScoringRules {
        level1_weights: (&r.level1_weights).into(),
        higher_better: r.higher_better.into(),
        lower_better: r.lower_better.into(),
        equality: r.equality.into(),
        qualitative_bands: list_ref(&r.qualitative_bands),
        over_achievement: (&r.over_achievement).into(),
        grade_bands: list_ref(&r.grade_bands),
        arithmetic_tolerance: Decimal(r.arithmetic_tolerance),
        severities: r
            .severities
            .iter()
            .map(|(code, s)| SeverityOverride {
                code: code.clone(),
                severity: (*s).into(),
            })
            .collect(),
        partial_year_markers: r.partial_year_markers.clone(),
        min_assessed_weight: Decimal(r.min_assessed_weight),
        lower_is_better_words: r.lower_is_better_words.clone(),
        coefficient_bands: list_ref(&r.coefficient_bands),
        low_execution_percent: Decimal(r.low_execution_percent),
    }
}
