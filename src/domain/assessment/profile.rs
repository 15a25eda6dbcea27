//! Scoring profiles: the rules a report is assessed and checked under, stored as data and
//! selected by the report's jurisdiction and fiscal year.

use crate::domain::Db;
use crate::error::AppError;
use entity::scoring_profile;
use rust_decimal::Decimal;
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Level-1 weights (一级指标分值), summing to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// 决策 (项目决策); 0 unless the profile scores it.
    #[serde(default)]
    pub decision: Decimal,
    /// 过程 (项目管理); 0 unless the profile scores it.
    #[serde(default)]
    pub process: Decimal,
}

/// Rule for targets where higher is better (≥, >).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HigherBetter {
    /// Met → full weight; else weight × actual / target.
    Ratio,
}

/// Rule for targets where lower is better (≤, <).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LowerBetter {
    /// Met → full weight; else weight × (1 − (actual − target) / target), 0 at twice the target.
    LinearToZeroAtDouble,
    /// Met → full weight; else weight × target / actual.
    Ratio,
}

/// Rule for equality targets (=).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Equality {
    /// Target 0: full if actual ≤ 0 else 0; otherwise as higher-is-better.
    ZeroTargetOrRatio,
}

/// How far an indicator got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Achievement {
    /// Target met.
    Met,
    /// Partly met.
    PartiallyMet,
    /// Not met.
    NotMet,
    /// Cannot be assessed from what was filed.
    NotAssessable,
}

/// A qualitative band: its exact label and the share of the weight it allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QualitativeBand {
    /// Exact label, e.g. 达成年度指标.
    pub label: String,
    /// Lowest share of the weight, percent.
    pub min_percent: Decimal,
    /// Highest share of the weight, percent.
    pub max_percent: Decimal,
    /// Achievement the band stands for.
    pub achievement: Achievement,
}

/// A band of the coefficient scheme (得分 = 分值 × 得分系数): from this share of the target
/// achieved (percent) up, a row earns its weight times this coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoefficientBand {
    /// Lowest share of the target achieved, percent (100: met).
    pub min_percent: Decimal,
    /// Share of the weight earned, 0–1.
    pub coefficient: Decimal,
}

/// Large over-achievement: when to ask whether the target was set too low.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverAchievement {
    /// Percent above target that raises the question.
    pub threshold_percent: Decimal,
    /// Cap of an indicator's score, percent of its weight (100: no extra credit).
    pub score_cap_percent: Decimal,
}

/// A grade band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GradeBand {
    /// Lowest score of the band.
    pub min_score: Decimal,
    /// Grade, e.g. 优.
    pub grade: String,
    /// Labels that mean this grade, e.g. 优, 优秀.
    pub labels: Vec<String>,
}

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Must be fixed (blocks submission).
    Error,
    /// Should be looked at.
    Warning,
    /// For information.
    Info,
}

/// The rules of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    /// Level-1 weights.
    pub level1_weights: Level1Weights,
    /// Higher-is-better rule.
    pub higher_better: HigherBetter,
    /// Lower-is-better rule.
    pub lower_better: LowerBetter,
    /// Equality rule.
    pub equality: Equality,
    /// Qualitative bands.
    pub qualitative_bands: Vec<QualitativeBand>,
    /// Over-achievement policy.
    pub over_achievement: OverAchievement,
    /// Grade bands, any order.
    pub grade_bands: Vec<GradeBand>,
    /// Difference tolerated in arithmetic checks, 万元.
    pub arithmetic_tolerance: Decimal,
    /// Severity overrides by finding code.
    #[serde(default)]
    pub severities: BTreeMap<String, Severity>,
    /// Words that mark partial-year data.
    #[serde(default)]
    pub partial_year_markers: Vec<String>,
    /// Least weight (points of 100) that must be assessable for a computed total: with less,
    /// the total is withheld (null, with the reason) rather than extrapolated from a few rows.
    #[serde(default = "default_min_assessed_weight")]
    pub min_assessed_weight: Decimal,
    /// Words of an indicator's name (or a figure's label) that make a target stating no
    /// comparator lower-is-better: rates of what should be small (控制率, 投诉率, 事故率…).
    #[serde(default = "default_lower_is_better_words")]
    pub lower_is_better_words: Vec<String>,
    /// Budget execution (执行率, percent) below which a report is flagged EXECUTION_LOW.
    #[serde(default = "default_low_execution_percent")]
    pub low_execution_percent: Decimal,
    /// The coefficient scheme, where the profile's rules score in steps (得分 = 分值 × 得分系数;
    /// e.g. met 1, from 80 % 0.8, from 60 % 0.6, else 0): a row earns its weight times the
    /// coefficient of the highest band its achieved share reaches, instead of the share itself.
    /// Empty (the default): the share itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coefficient_bands: Vec<CoefficientBand>,
}

/// Execution under 60 % is flagged.
pub fn default_low_execution_percent() -> Decimal {
    Decimal::from(60)
}

/// Rates whose names say lower is better.
pub fn default_lower_is_better_words() -> Vec<String> {
    [
        "控制率",
        "超支率",
        "投诉率",
        "事故率",
        "差错率",
        "发生率",
        "失误率",
        "故障率",
        "返工率",
        "误差率",
        "违规率",
        "违约率",
        "空置率",
        "流失率",
        "超标率",
        "逾期率",
        "不良率",
        "发病率",
        "死亡率",
        "辍学率",
        "失业率",
    ]
    .iter()
    .map(|w| (*w).to_owned())
    .collect()
}

/// Half the score: a total needs at least 50 of its 100 points assessable.
pub fn default_min_assessed_weight() -> Decimal {
    Decimal::from(50)
}

impl Rules {
    /// The grade band of a score.
    pub fn grade_of(&self, score: Decimal) -> Option<&GradeBand> {
        let mut bands: Vec<&GradeBand> = self.grade_bands.iter().collect();
        bands.sort_by_key(|b| std::cmp::Reverse(b.min_score));
        bands.into_iter().find(|b| score >= b.min_score)
    }

    /// The band a grade label names (优秀 → 优).
    pub fn band_of_label(&self, label: &str) -> Option<&GradeBand> {
        let label = label.trim();
        self.grade_bands
            .iter()
            .find(|b| b.grade == label || b.labels.iter().any(|l| l == label))
    }

    /// The qualitative band a text names; the longest label wins (未达成年度指标… contains 达成年度指标).
    pub fn band_in(&self, text: &str) -> Option<&QualitativeBand> {
        self.qualitative_bands
            .iter()
            .filter(|b| text.contains(b.label.as_str()))
            .max_by_key(|b| b.label.chars().count())
    }

    /// The share of the weight a row earns for the share of its target it achieved (0–1):
    /// the share itself, or the coefficient of its band under the coefficient scheme.
    pub fn earned(&self, achieved: Decimal) -> Decimal {
        if self.coefficient_bands.is_empty() {
            return achieved;
        }
        let percent = achieved
            .checked_mul(Decimal::ONE_HUNDRED)
            .unwrap_or(Decimal::MAX);
        self.coefficient_bands
            .iter()
            .filter(|b| percent >= b.min_percent)
            .max_by_key(|b| b.min_percent)
            .map_or(Decimal::ZERO, |b| b.coefficient)
    }

    /// Severity of a finding code, after the profile's overrides.
    pub fn severity(&self, code: &str, default: Severity) -> Severity {
        self.severities.get(code).copied().unwrap_or(default)
    }

    /// Checks the rules themselves.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let w = &self.level1_weights;
        let hundred = Decimal::ONE_HUNDRED;
        let weights = [
            w.budget_execution,
            w.output,
            w.outcome,
            w.satisfaction,
            w.decision,
            w.process,
        ];
        if weights.iter().any(|w| *w < Decimal::ZERO || *w > hundred) {
            out.push("一级指标分值须在 0 到 100 之间".into());
        }
        let sum = weights
            .iter()
            .try_fold(Decimal::ZERO, |s, w| s.checked_add(*w));
        if sum != Some(hundred) {
            let shown = sum.map_or_else(|| "超出范围".to_owned(), |s| s.to_string());
            out.push(format!("一级指标分值之和应为 100，实际为 {shown}"));
        }
        let o = &self.over_achievement;
        let limit = Decimal::from(1_000_000);
        for (label, v) in [
            ("超额完成提示阈值", o.threshold_percent),
            ("得分上限", o.score_cap_percent),
        ] {
            if v < Decimal::ZERO || v > limit {
                out.push(format!("{label}须在 0 到 1000000（%）之间，实际为 {v}"));
            }
        }
        if self.lower_is_better_words.len() > 200
            || self
                .lower_is_better_words
                .iter()
                .any(|w| w.trim().is_empty() || w.chars().count() > 32)
        {
            out.push("“越低越好”的指标名称词最多 200 个，每个 1 到 32 个字".into());
        }
        let low = self.low_execution_percent;
        if low < Decimal::ZERO || low > hundred || entity::Hundredths::from_decimal(low).is_err() {
            out.push(format!(
                "执行率提示阈值须在 0 到 100（%）之间、最多两位小数，实际为 {low}"
            ));
        }
        let least = self.min_assessed_weight;
        if least < Decimal::ZERO
            || least > hundred
            || entity::Hundredths::from_decimal(least).is_err()
        {
            out.push(format!(
                "计算总分所需的最低可评价分值须在 0 到 100 之间、最多两位小数，实际为 {least}"
            ));
        }
        for code in self.severities.keys() {
            if super::finding::FindingCode::parse(code).is_none() {
                out.push(format!(
                    "严重程度设置中的检查代码 {code} 不存在（检查代码见 docs/domain.md 的检查清单）"
                ));
            }
        }
        if self.coefficient_bands.len() > 20 {
            out.push("得分系数档次最多 20 个".into());
        }
        let mut starts = std::collections::BTreeSet::new();
        for band in &self.coefficient_bands {
            if band.min_percent < Decimal::ZERO
                || band.min_percent > hundred
                || entity::Hundredths::from_decimal(band.min_percent).is_err()
            {
                out.push(format!(
                    "得分系数档次的起点须在 0 到 100（%）之间、最多两位小数，实际为 {}",
                    band.min_percent
                ));
            }
            if band.coefficient < Decimal::ZERO
                || band.coefficient > Decimal::ONE
                || entity::Millionths::from_decimal(band.coefficient).is_err()
            {
                out.push(format!(
                    "得分系数须在 0 到 1 之间、最多六位小数，实际为 {}",
                    band.coefficient
                ));
            }
            if !starts.insert(band.min_percent.normalize()) {
                out.push(format!("得分系数档次的起点 {}% 重复", band.min_percent));
            }
        }
        let tolerance = self.arithmetic_tolerance;
        if tolerance < Decimal::ZERO || entity::Hundredths::from_decimal(tolerance).is_err() {
            out.push(format!(
                "算术容差须为不小于 0、最多两位小数且小于 10^12 的数，实际为 {tolerance}"
            ));
        }
        if self
            .grade_bands
            .iter()
            .any(|b| b.min_score < -hundred || b.min_score > hundred)
        {
            out.push("等次的最低分须在 -100 到 100 之间".into());
        }
        if self.grade_bands.is_empty() {
            out.push("至少需要一个等次".into());
        }
        if !self
            .grade_bands
            .iter()
            .any(|b| b.min_score <= Decimal::ZERO)
        {
            out.push("等次须覆盖 0 分".into());
        }
        for b in &self.qualitative_bands {
            if b.min_percent > b.max_percent
                || b.max_percent > Decimal::ONE_HUNDRED
                || b.min_percent < Decimal::ZERO
            {
                out.push(format!("定性档次“{}”的区间无效", b.label));
            }
        }
        out
    }
}

/// A stored profile with its parsed rules.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The row.
    pub row: scoring_profile::Model,
    /// Its rules.
    pub rules: Rules,
}

impl Profile {
    /// Parses a stored row.
    pub fn from_row(row: scoring_profile::Model) -> Result<Self, AppError> {
        let rules = serde_json::from_value(row.rules.clone()).map_err(|e| {
            AppError::internal(format!(
                "scoring profile {} has invalid rules: {e}",
                row.code
            ))
        })?;
        Ok(Self { row, rules })
    }

    fn applies(&self, region: Option<&str>, year: i32) -> bool {
        let r = &self.row;
        let place = match (&r.jurisdiction, region) {
            (None, _) => true,
            (Some(j), Some(region)) => region.contains(j.as_str()),
            (Some(_), None) => false,
        };
        place && r.year_from.is_none_or(|y| year >= y) && r.year_to.is_none_or(|y| year <= y)
    }

    fn specificity(&self) -> (usize, i32) {
        let r = &self.row;
        (
            r.jurisdiction.as_ref().map_or(0, |j| j.chars().count()),
            r.year_from.unwrap_or(i32::MIN),
        )
    }
}

/// Every stored profile.
pub async fn all(db: &Db) -> Result<Vec<Profile>, AppError> {
    use sea_orm::QueryOrder;
    scoring_profile::Entity::find()
        .order_by_asc(scoring_profile::Column::Code)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(Profile::from_row)
        .collect()
}

/// The profile for a department's region and a fiscal year: the most specific one that applies
/// (longest jurisdiction, then latest start year).
pub fn select<'a>(profiles: &'a [Profile], region: Option<&str>, year: i32) -> Option<&'a Profile> {
    profiles
        .iter()
        .filter(|p| p.applies(region, year))
        .max_by_key(|p| p.specificity())
}

/// The profile for a report's department region and year.
pub async fn for_report(db: &Db, region: Option<&str>, year: i32) -> Result<Profile, AppError> {
    let profiles = all(db).await?;
    select(&profiles, region, year).cloned().ok_or_else(|| {
        AppError::internal("no scoring profile applies (the national default is missing)")
    })
}
