//! The reviewer's checks that read the indicators, the scores and the narrative, on top of an
//! [`Assessment`].

use super::finding::{FindingCode, Findings};
use super::parse::{self, Dimension};
use super::profile::{Achievement, Rules, Severity};
use super::score::Assessment;
use crate::domain::report::document::{FinanceRow, ReportDocument};
use entity::{Comparator, FundingLineKind};
use rust_decimal::Decimal;

/// A sum that cannot panic. Scores and weights are at most 100 and a report holds at most 500
/// rows, so it stays far inside the decimal range; saturating keeps that true by construction.
fn saturating_sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(Decimal::ZERO, Decimal::saturating_add)
}

/// `percent` % of `weight`, two decimals.
fn share_of(weight: Decimal, percent: Decimal) -> Decimal {
    (weight.saturating_mul(percent) / Decimal::ONE_HUNDRED).round_dp(2)
}

/// Whether a label or name speaks of a change (增长率, 同比): such a percentage may be negative
/// or above 100.
fn is_growth(text: &str) -> bool {
    ["增", "降", "比上年", "同比"]
        .iter()
        .any(|w| text.contains(w))
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// A row's declared score against its own figures: full marks for a missed target, partial marks
/// for a met one, or marks for a row with a weight and no target at all.
fn row_against_evidence(
    ind: &crate::domain::report::document::IndicatorDoc,
    a: &super::score::IndicatorAssessment,
    path: &str,
    out: &mut Findings<'_>,
) {
    if ind.core
        && matches!(
            a.achievement,
            Achievement::NotMet | Achievement::PartiallyMet
        )
    {
        out.add(
            FindingCode::CoreIndicatorNotMet,
            Severity::Warning,
            path.to_owned(),
            format!("核心指标未完全达成（{}）", a.explanation),
            None,
            None,
        );
    }
    let (Some(weight), Some(declared)) = (ind.weight, ind.declared_score) else {
        return;
    };
    if let Some(k) = ind.score_coefficient
        && let Some(expected) = weight.checked_mul(k).map(|v| v.round_dp(2))
        && expected != declared
    {
        out.add(
            FindingCode::CoefficientScoreMismatch,
            Severity::Warning,
            format!("{path}.declaredScore"),
            format!(
                "得分应为 分值 {weight} × 得分系数 {} = {expected}，填报为 {declared}",
                k.normalize()
            ),
            Some(expected.to_string()),
            Some(declared.to_string()),
        );
    }
    let full = declared >= weight && weight > Decimal::ZERO;
    match a.achievement {
        Achievement::NotMet | Achievement::PartiallyMet if full => out.add(
            FindingCode::FullMarksForMissedTarget,
            Severity::Warning,
            format!("{path}.declaredScore"),
            format!("指标未完全达成（{}），却填报满分 {declared}", a.explanation),
            a.score.map(|s| s.to_string()),
            Some(declared.to_string()),
        ),
        // A qualitative band allows part of the weight by itself (80–100 % for 达成).
        Achievement::Met
            if declared < weight && a.reason != super::score::Reason::QualitativeBand =>
        {
            out.add(
                FindingCode::PartialMarksForMetTarget,
                Severity::Info,
                format!("{path}.declaredScore"),
                format!(
                    "指标已达成（{}），填报得分 {declared} 低于分值 {weight}，请确认扣分理由",
                    a.explanation
                ),
                Some(weight.to_string()),
                Some(declared.to_string()),
            )
        }
        Achievement::NotAssessable if a.reason == super::score::Reason::TargetMissing => out.add(
            FindingCode::WeightWithoutTarget,
            Severity::Warning,
            format!("{path}.target"),
            format!("指标有分值 {weight}、得分 {declared}，但未填写年度指标值，得分无据可依"),
            None,
            Some(declared.to_string()),
        ),
        _ => {}
    }
}

/// A target outside the range its kind allows: a rate (率, 占比) above 100 % is not a target
/// anyone sets, and is often a damaged scan ("≥90%" read as "290%"); it is flagged, not trusted.
fn implausible_target(
    ind: &crate::domain::report::document::IndicatorDoc,
    target: &parse::Reading,
    path: &str,
    out: &mut Findings<'_>,
) {
    let name = ind.name.as_deref().unwrap_or("");
    for m in target.measures() {
        let growth = is_growth(&m.label) || is_growth(name);
        let rate = ["率", "占比", "比例", "比重"]
            .iter()
            .any(|w| m.label.contains(w) || name.contains(w));
        if m.dimension == Dimension::Percent
            && !growth
            && (m.value > Decimal::ONE_HUNDRED || (rate && m.value < Decimal::ZERO))
        {
            out.add(
                FindingCode::TargetImplausible,
                Severity::Warning,
                format!("{path}.target.text"),
                format!(
                    "年度指标值 {}% 超出比率的可能范围（0–100%），可能为填写或扫描错误（如“≥90%”误为“290%”），请核对原表",
                    m.value
                ),
                Some("0–100%".into()),
                Some(format!("{}%", m.value)),
            );
        }
    }
}

/// Figures the parser read without confidence (see [`parse::Doubt`]): still compared, but the
/// paper form should be checked.
fn unsure_figures(
    ind: &crate::domain::report::document::IndicatorDoc,
    readings: [Option<&parse::Reading>; 2],
    path: &str,
    out: &mut Findings<'_>,
) {
    let texts = [
        ("target", "年度指标值", Some(&ind.target.text)),
        ("actual", "实际完成值", ind.actual.as_ref().map(|a| &a.text)),
    ];
    for ((field, label, text), reading) in texts.into_iter().zip(readings) {
        let (Some(text), Some(reading)) = (text, reading) else {
            continue;
        };
        for m in reading.measures() {
            if let Some(doubt) = m.doubt {
                out.add(
                    FindingCode::FigureUnsure,
                    Severity::Warning,
                    format!("{path}.{field}.text"),
                    format!(
                        "{label}“{text}”读取为 {}{}，但{}，请核对原表",
                        m.comparator.map_or("", super::score::symbol),
                        m.value.normalize(),
                        doubt.message()
                    ),
                    None,
                    Some(doubt.code().to_owned()),
                );
            }
        }
    }
}

/// Indicator, score and narrative checks.
pub fn check(doc: &ReportDocument, rules: &Rules, assessment: &Assessment, out: &mut Findings<'_>) {
    let threshold = rules.over_achievement.threshold_percent;
    for (ind, a) in doc.indicators.iter().zip(&assessment.indicators) {
        let path = format!("indicators.{}", a.index);
        // Each text is read once here, for every check below.
        let target = parse::read(&ind.target.text);
        let actual_reading = ind.actual.as_ref().map(|a| parse::read(&a.text));
        match a.achievement {
            Achievement::NotMet | Achievement::PartiallyMet if blank(&ind.deviation_reason) => out
                .add(
                    FindingCode::DeviationReasonMissing,
                    Severity::Warning,
                    format!("{path}.deviationReason"),
                    format!(
                        "指标未完全达成（{}），应填写偏差原因分析及改进措施",
                        a.explanation
                    ),
                    None,
                    None,
                ),
            Achievement::NotAssessable if a.reason != super::score::Reason::TargetMissing => out
                .add(
                    FindingCode::IndicatorNotAssessable,
                    Severity::Info,
                    path.clone(),
                    format!("无法自动评价：{}", a.explanation),
                    None,
                    None,
                ),
            _ => {}
        }
        for c in &a.comparisons {
            if c.actual == c.target {
                out.add(
                    FindingCode::ActualEqualsTarget,
                    Severity::Warning,
                    format!("{path}.actual"),
                    format!(
                        "{}完成值 {}{} 与目标值完全相同，请核实数据来源",
                        c.label,
                        c.actual.normalize(),
                        c.unit
                    ),
                    Some(c.target.normalize().to_string()),
                    Some(c.actual.normalize().to_string()),
                );
            } else if matches!(c.comparator, Comparator::Gte | Comparator::Gt)
                && c.target > Decimal::ZERO
            {
                // Beyond the decimal range the excess is simply the largest there is.
                let over = c
                    .actual
                    .checked_sub(c.target)
                    .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
                    .and_then(|d| d.checked_div(c.target))
                    .map_or(
                        if c.actual > c.target {
                            Decimal::MAX
                        } else {
                            Decimal::MIN
                        },
                        |o| o.round_dp(2),
                    );
                if over > threshold {
                    out.add(
                        FindingCode::OverAchievement,
                        Severity::Warning,
                        format!("{path}.actual"),
                        format!("{}完成值 {}{} 超过目标 {}{} 达 {}%（超过 {}%），请说明目标是否设定过低", c.label, c.actual.normalize(), c.unit, c.target.normalize(), c.unit, over, threshold),
                        Some(format!("≤ {}%", threshold)),
                        Some(format!("{over}%")),
                    );
                }
            }
        }
        if let Some(actual) = &ind.actual {
            if let Some(marker) = rules
                .partial_year_markers
                .iter()
                .find(|m| actual.text.contains(m.as_str()))
            {
                out.add(
                    FindingCode::PartialYearData,
                    Severity::Warning,
                    format!("{path}.actual.text"),
                    format!("完成情况含“{marker}”，似为非全年数据，全年报告应填写全年完成值"),
                    None,
                    Some(marker.clone()),
                );
            }
            for m in actual_reading.iter().flat_map(parse::Reading::measures) {
                let growth = is_growth(&m.label);
                if m.dimension == Dimension::Percent
                    && !growth
                    && (m.value < Decimal::ZERO || m.value > Decimal::ONE_HUNDRED)
                {
                    out.add(
                        FindingCode::PercentOutOfRange,
                        Severity::Warning,
                        format!("{path}.actual.text"),
                        format!("{}为 {}%，不在 0–100% 之间且不是增长率", m.label, m.value),
                        Some("0–100%".into()),
                        Some(format!("{}%", m.value)),
                    );
                }
            }
        }
        row_against_evidence(ind, a, &path, out);
        implausible_target(ind, &target, &path, out);
        unsure_figures(ind, [Some(&target), actual_reading.as_ref()], &path, out);
        if let (Some(w), Some(s)) = (ind.weight, ind.declared_score)
            && (s < Decimal::ZERO || s > w)
        {
            out.add(
                FindingCode::ScoreOverWeight,
                Severity::Error,
                format!("{path}.declaredScore"),
                format!("得分 {s} 应在 0 到分值 {w} 之间"),
                Some(format!("0–{w}")),
                Some(s.to_string()),
            );
        }
        if let (Some(w), Some(s), Some(band)) = (
            ind.weight,
            ind.declared_score,
            ind.actual.as_ref().and_then(|t| {
                rules
                    .qualitative_bands
                    .iter()
                    .find(|b| t.text.contains(b.label.as_str()))
            }),
        ) && w > Decimal::ZERO
            && let Some(share) = s
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|p| p.checked_div(w))
            && (share < band.min_percent || share > band.max_percent)
        {
            out.add(
                FindingCode::QualitativeScoreOutOfBand,
                Severity::Error,
                format!("{path}.declaredScore"),
                format!(
                    "“{}”应得分值的 {}%–{}%，填报得分 {s} 为分值的 {}%",
                    band.label,
                    band.min_percent,
                    band.max_percent,
                    share.round_dp(2)
                ),
                Some(format!(
                    "{}–{}",
                    share_of(w, band.min_percent),
                    share_of(w, band.max_percent)
                )),
                Some(s.to_string()),
            );
        }
    }

    // Level-1 groups filed empty: their weight is left out of the computed total.
    let groups = [
        (
            entity::IndicatorCategory::Output,
            "产出指标",
            rules.level1_weights.output,
        ),
        (
            entity::IndicatorCategory::Outcome,
            "效益指标",
            rules.level1_weights.outcome,
        ),
        (
            entity::IndicatorCategory::Satisfaction,
            "满意度指标",
            rules.level1_weights.satisfaction,
        ),
    ];
    for (category, name, weight) in groups {
        let rows: Vec<_> = doc
            .indicators
            .iter()
            .zip(&assessment.indicators)
            .filter(|(i, _)| i.category == category)
            .collect();
        let filled = rows
            .iter()
            .any(|(_, a)| a.reason != super::score::Reason::TargetMissing);
        if !filled && weight > Decimal::ZERO {
            out.add(
                FindingCode::CategoryNotReported,
                Severity::Warning,
                "indicators",
                format!(
                    "{name}未填写（{}），其分值 {weight} 未计入测算得分，测算只反映已填写的指标",
                    if rows.is_empty() {
                        "无此类指标"
                    } else {
                        "只有空白模板行"
                    }
                ),
                None,
                Some(name.to_owned()),
            );
        }
    }

    // Weights and declared totals, where the form carries them.
    let weights: Vec<Decimal> = doc.indicators.iter().filter_map(|i| i.weight).collect();
    let funding_total = doc
        .funding
        .iter()
        .find(|f| f.line == FundingLineKind::Total);
    if !weights.is_empty() {
        let sum = saturating_sum(
            weights
                .iter()
                .copied()
                .chain(funding_total.and_then(|f| f.weight)),
        );
        if sum != Decimal::ONE_HUNDRED {
            out.add(
                FindingCode::WeightsSum,
                Severity::Error,
                "indicators",
                format!("各指标分值（含预算执行率）之和应为 100，实际为 {sum}"),
                Some("100".into()),
                Some(sum.to_string()),
            );
        }
        let scores: Vec<Decimal> = doc
            .indicators
            .iter()
            .filter_map(|i| i.declared_score)
            .collect();
        if let Some(declared) = doc.declared_score
            && !scores.is_empty()
        {
            let sum = saturating_sum(
                scores
                    .iter()
                    .copied()
                    .chain(funding_total.and_then(|f| f.declared_score)),
            );
            if sum != declared {
                out.add(
                    FindingCode::TotalNotSum,
                    Severity::Error,
                    "declaredScore",
                    format!(
                        "总分 {declared} 与各项得分之和 {sum} 不符，相差 {}",
                        declared.saturating_sub(sum)
                    ),
                    Some(sum.to_string()),
                    Some(declared.to_string()),
                );
            }
        }
    }
    if let (Some(f), Some(assessed)) = (funding_total, &assessment.funding)
        && let Some(declared) = f.declared_score
        && declared != assessed.score
    {
        out.add(
            FindingCode::ExecutionScoreMismatch,
            Severity::Error,
            "funding.declaredScore",
            format!("预算执行率 {}%，按规则得分应为 {}（分值 {} × 执行率，最高 100%），填报为 {declared}", assessed.rate, assessed.score, assessed.weight),
            Some(assessed.score.to_string()),
            Some(declared.to_string()),
        );
    }

    if let Some(f) = funding_total
        && let (Some(initial), Some(adjusted)) = (f.initial_budget, f.adjusted_budget)
        && initial != adjusted
    {
        out.add(
            FindingCode::BudgetAdjusted,
            Severity::Info,
            "funding.adjustedBudget",
            format!(
                "全年预算数 {adjusted} 与年初预算数 {initial} 不同（调整 {}），报告应说明预算调整的原因",
                adjusted.saturating_sub(initial)
            ),
            Some(initial.to_string()),
            Some(adjusted.to_string()),
        );
    }
    for (i, f) in doc.funding.iter().enumerate() {
        if let (Some(declared), Some(budget), Some(executed)) =
            (f.declared_rate, f.adjusted_budget, f.executed)
            && let Some(computed) = super::score::execution_rate(budget, executed)
            && (declared - computed).abs() > Decimal::new(1, 2)
        {
            out.add(
                FindingCode::DeclaredRateMismatch,
                Severity::Warning,
                format!("funding.{i}.declaredRate"),
                format!("填报的执行率 {declared}% 与全年执行数 ÷ 全年预算数 = {computed}% 不符"),
                Some(format!("{computed}%")),
                Some(format!("{declared}%")),
            );
        }
    }
    if let Some(assessed) = &assessment.funding
        && assessed.rate < rules.low_execution_percent
    {
        out.add(
            FindingCode::ExecutionLow,
            Severity::Warning,
            "funding.executed",
            format!(
                "预算执行率 {}% 低于 {}%，应分析资金未执行的原因并提出改进措施",
                assessed.rate, rules.low_execution_percent
            ),
            Some(format!("≥{}%", rules.low_execution_percent)),
            Some(format!("{}%", assessed.rate)),
        );
    }

    // The declared result against the evidence.
    if let (Some(declared), Some(total)) = (doc.declared_score, assessment.total)
        && declared != total
    {
        let diff = declared.saturating_sub(total);
        out.add(
            FindingCode::DeclaredScoreDiffers,
            if diff > Decimal::from(5) {
                Severity::Warning
            } else {
                Severity::Info
            },
            "declaredScore",
            format!(
                "自评得分 {declared}，按评分规则对可评价的指标测算为 {total}（{}），相差 {}",
                assessment.grade.as_deref().unwrap_or("-"),
                diff
            ),
            Some(total.to_string()),
            Some(declared.to_string()),
        );
    }
    if assessment.grade_matches == Some(false) {
        out.add(
            FindingCode::DeclaredGradeNotSupported,
            Severity::Warning,
            "declaredGrade",
            format!(
                "评价等次“{}”高于测算等次“{}”所能支持的结论",
                doc.declared_grade.as_deref().unwrap_or(""),
                assessment.grade.as_deref().unwrap_or("")
            ),
            assessment.grade.clone(),
            doc.declared_grade.clone(),
        );
    }

    // The narrative against the tables.
    let summary = FinanceRow::sum("", &doc.finance.units);
    let facts: [(&str, &str, Option<Decimal>); 5] = [
        ("总支出", "支出合计", summary.expenditure.total),
        ("人员经费", "人员支出", summary.expenditure.personnel),
        ("商品服务支出", "公用支出", summary.expenditure.operating),
        ("专项支出", "项目支出", summary.expenditure.project),
        ("当年结余", "当年结余", summary.expenditure.current_balance),
    ];
    let mut texts: Vec<(String, &str)> = vec![(
        "profile.achievements".into(),
        doc.profile.achievements.as_deref().unwrap_or(""),
    )];
    for (i, s) in doc.sections.iter().enumerate() {
        texts.push((format!("sections.{i}.title"), s.title.as_str()));
        texts.push((
            format!("sections.{i}.body"),
            s.body.as_deref().unwrap_or(""),
        ));
    }
    for (path, text) in &texts {
        if text.is_empty() {
            continue;
        }
        for m in parse::read(text).measures() {
            if m.dimension != Dimension::Money {
                continue;
            }
            for (word, label, value) in &facts {
                if let Some(v) = value
                    && m.label.ends_with(word)
                    && m.base_value != *v
                {
                    out.add(
                        FindingCode::NarrativeContradictsTables,
                        Severity::Warning,
                        path.clone(),
                        format!(
                            "综述中“{word}”为 {} 万元，收支表{label}为 {} 万元",
                            m.base_value.normalize(),
                            v.normalize()
                        ),
                        Some(v.normalize().to_string()),
                        Some(m.base_value.normalize().to_string()),
                    );
                }
            }
        }
        if path.ends_with("title") {
            continue;
        }
        if let Some(marker) = rules
            .partial_year_markers
            .iter()
            .find(|m| text.contains(m.as_str()))
        {
            out.add(
                FindingCode::PartialYearData,
                Severity::Info,
                path.clone(),
                format!("文字部分含“{marker}”，引用了非全年数据"),
                None,
                Some(marker.clone()),
            );
        }
    }
}
