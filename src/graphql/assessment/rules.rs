//! The rules of a scoring profile as GraphQL types, and their mapping to the domain's.

use super::{Achievement, Severity};
use crate::domain::assessment::profile as domain_profile;
use crate::error::AppError;
use crate::graphql::scalars::Decimal;
use async_graphql::{Enum, InputObject, SimpleObject};
use serde::{Deserialize, Serialize};

/// Level-1 weights (一级指标分值), summing to 100.
#[derive(SimpleObject, InputObject, Clone, Serialize, Deserialize)]
#[graphql(input_name = "Level1WeightsInput")]
#[serde(rename_all = "camelCase")]
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
    #[serde(default = "zero")]
    pub decision: Decimal,
    /// 过程 (项目管理); 0 if not given.
    #[graphql(default_with = "Decimal(rust_decimal::Decimal::ZERO)")]
    #[serde(default = "zero")]
    pub process: Decimal,
}

fn zero() -> Decimal {
    Decimal(rust_decimal::Decimal::ZERO)
}

/// Rule for lower-is-better targets (≤, <).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LowerBetterRule {
    /// weight × (1 − (actual − target) / target), reaching 0 at twice the target.
    LinearToZeroAtDouble,
    /// weight × target / actual.
    Ratio,
}

/// Rule for higher-is-better targets (≥, >).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HigherBetterRule {
    /// weight × actual / target.
    Ratio,
}

/// Rule for equality targets (=).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EqualityRule {
    /// Target 0: full if actual ≤ 0, else 0; otherwise as higher-is-better.
    ZeroTargetOrRatio,
}

/// A qualitative band.
#[derive(SimpleObject, InputObject, Clone, Serialize, Deserialize)]
#[graphql(input_name = "QualitativeBandInput")]
#[serde(rename_all = "camelCase")]
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
#[derive(SimpleObject, InputObject, Clone, Serialize, Deserialize)]
#[graphql(input_name = "OverAchievementInput")]
#[serde(rename_all = "camelCase")]
pub struct OverAchievement {
    /// Percent above target that makes the reviewer ask whether the target was set too low.
    pub threshold_percent: Decimal,
    /// Cap of an indicator's score, percent of its weight (100: no extra credit).
    pub score_cap_percent: Decimal,
}

/// A band of the coefficient scheme (得分 = 分值 × 得分系数).
#[derive(SimpleObject, InputObject, Clone, Serialize, Deserialize)]
#[graphql(input_name = "CoefficientBandInput")]
#[serde(rename_all = "camelCase")]
pub struct CoefficientBand {
    /// Lowest share of the target achieved, percent (100: met).
    pub min_percent: Decimal,
    /// Share of the weight earned from there, 0–1 (at most six decimals).
    pub coefficient: Decimal,
}

/// A grade band.
#[derive(SimpleObject, InputObject, Clone, Serialize, Deserialize)]
#[graphql(input_name = "GradeBandInput")]
#[serde(rename_all = "camelCase")]
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

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        <rust_decimal::Decimal as serde::Deserialize>::deserialize(d).map(Decimal)
    }
}

impl Serialize for Achievement {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&domain_profile::Achievement::from(*self), s)
    }
}

impl<'de> Deserialize<'de> for Achievement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        <domain_profile::Achievement as serde::Deserialize>::deserialize(d).map(Into::into)
    }
}

pub(super) fn to_domain(r: ScoringRules) -> std::result::Result<domain_profile::Rules, String> {
    let value = serde_json::json!({
        "level1Weights": r.level1_weights,
        "higherBetter": r.higher_better,
        "lowerBetter": r.lower_better,
        "equality": r.equality,
        "qualitativeBands": r.qualitative_bands,
        "overAchievement": r.over_achievement,
        "gradeBands": r.grade_bands,
        "arithmeticTolerance": r.arithmetic_tolerance,
        "severities": r.severities.into_iter().map(|s| (s.code, serde_json::to_value(s.severity).unwrap_or_default())).collect::<serde_json::Map<_, _>>(),
        "partialYearMarkers": r.partial_year_markers,
        "minAssessedWeight": r.min_assessed_weight,
        "lowerIsBetterWords": r.lower_is_better_words,
        "lowExecutionPercent": r.low_execution_percent,
        "coefficientBands": r.coefficient_bands,
    });
    serde_json::from_value(value).map_err(|e| e.to_string())
}

pub(super) fn from_domain(
    r: &domain_profile::Rules,
) -> std::result::Result<ScoringRules, AppError> {
    let v = serde_json::to_value(r).map_err(AppError::internal)?;
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    fn parse<T: serde::de::DeserializeOwned>(
        v: serde_json::Value,
    ) -> std::result::Result<T, AppError> {
        serde_json::from_value(v).map_err(AppError::internal)
    }
    Ok(ScoringRules {
        level1_weights: parse(get("level1Weights"))?,
        higher_better: parse(get("higherBetter"))?,
        lower_better: parse(get("lowerBetter"))?,
        equality: parse(get("equality"))?,
        qualitative_bands: parse(get("qualitativeBands"))?,
        over_achievement: parse(get("overAchievement"))?,
        grade_bands: parse(get("gradeBands"))?,
        arithmetic_tolerance: parse(get("arithmeticTolerance"))?,
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
        coefficient_bands: r
            .coefficient_bands
            .iter()
            .map(|b| CoefficientBand {
                min_percent: Decimal(b.min_percent),
                coefficient: Decimal(b.coefficient),
            })
            .collect(),
        low_execution_percent: Decimal(r.low_execution_percent),
    })
}
