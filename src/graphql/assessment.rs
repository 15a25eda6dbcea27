//! Assessment, validation and scoring profiles.

use super::enums::Comparator;
use super::indicator::Indicator;
use super::payload::{UserError, user_errors};
use super::report::ReportDocumentInput;
use super::scalars::Decimal;
use super::{db, viewer};
use crate::domain::assessment::finding::Finding as DomainFinding;
use crate::domain::assessment::profile::{self as domain_profile, Profile};
use crate::domain::assessment::score::{self, Assessment as DomainAssessment};
use crate::domain::assessment::service;
use crate::domain::report::ReportDocument;
use crate::domain::workflow::recheck::Recheck;
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use serde::{Deserialize, Serialize};

mod rules;
mod statistics;
pub use rules::*;
pub use statistics::*;

/// How far an indicator got.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain_profile::Achievement")]
pub enum Achievement {
    /// Every target met (达成).
    Met,
    /// Some targets met (部分达成).
    PartiallyMet,
    /// No target met (未达成).
    NotMet,
    /// Cannot be judged from what was filed (empty cells, no comparable figures).
    NotAssessable,
}

/// Severity of a finding.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(remote = "domain_profile::Severity")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Must be fixed; a report with errors cannot be submitted.
    Error,
    /// Should be looked at by the reviewer.
    Warning,
    /// For information.
    Info,
}

/// One comparison of an outcome figure with its target.
#[derive(SimpleObject)]
pub struct Comparison {
    /// What is compared, e.g. 技工贸收入.
    pub label: String,
    /// The target's comparator (≥ when the text gives none).
    pub comparator: Comparator,
    /// Target, in `unit`.
    pub target: Decimal,
    /// Outcome, in `unit`.
    pub actual: Decimal,
    /// Unit of both (money in 万元).
    pub unit: String,
    /// The target as written, e.g. 500亿元.
    pub target_text: String,
    /// The outcome as written, e.g. 886.97亿元.
    pub actual_text: String,
    /// Whether the outcome meets the target.
    pub met: bool,
    /// Share of the weight earned, 0–1.
    pub ratio: Decimal,
}

/// The assessment of one indicator.
#[derive(SimpleObject)]
pub struct IndicatorAssessment {
    /// The indicator (null when assessing an unsaved document).
    pub indicator: Option<Indicator>,
    /// Position in the report's indicator list, from 0.
    pub index: i32,
    /// Verdict.
    pub achievement: Achievement,
    /// Machine-readable reason, e.g. NO_TARGET_MET, NO_COMPARABLE_FIGURES.
    pub reason: String,
    /// Weight used: the filed 分值, else the level-1 weight shared among the group's assessable indicators.
    pub weight: Option<Decimal>,
    /// Score earned (computed).
    pub computed_score: Option<Decimal>,
    /// The finance bureau's re-check score of this row (复核得分), when recorded
    /// (`recordRecheck`); the declared score is the indicator's `declaredScore`.
    pub recheck_score: Option<Decimal>,
    /// One line in Chinese with the numbers.
    pub explanation: String,
    /// The comparisons made.
    pub comparisons: Vec<Comparison>,
}

/// Budget execution of a PROJECT report.
#[derive(SimpleObject)]
pub struct BudgetExecutionAssessment {
    /// 执行率 (全年执行数 / 全年预算数), percent.
    pub rate: Decimal,
    /// Weight (分值).
    pub weight: Decimal,
    /// Score: min(rate, 100 %) × weight.
    pub score: Decimal,
}

/// A report's assessment under its scoring profile.
#[derive(SimpleObject)]
pub struct Assessment {
    /// Code of the scoring profile used.
    pub profile_code: String,
    /// Per indicator, in order.
    pub indicators: Vec<IndicatorAssessment>,
    /// Budget execution (PROJECT reports).
    pub budget_execution: Option<BudgetExecutionAssessment>,
    /// Weight of everything that could be assessed.
    pub applicable_weight: Decimal,
    /// Sum of the scores earned.
    pub raw_score: Decimal,
    /// Total rescaled to 100 over the applicable weight (rounded once, from the exact row
    /// scores), at most 100; null when less than the profile's `minAssessedWeight` could be
    /// assessed (see `computedScoreWithheld`).
    pub computed_score: Option<Decimal>,
    /// Why there is no computed total, when there is none: e.g. only budget execution (10
    /// points) could be assessed. A grade follows only from a total.
    pub computed_score_withheld: Option<String>,
    /// Grade of the computed total.
    pub computed_grade: Option<String>,
    /// Declared score as filed.
    pub declared_score: Option<Decimal>,
    /// Declared grade as filed.
    pub declared_grade: Option<String>,
    /// The finance bureau's re-check total (复核总分), when recorded (`recordRecheck`; see
    /// `Report.recheck`).
    pub recheck_score: Option<Decimal>,
    /// Declared minus computed score.
    pub score_difference: Option<Decimal>,
    /// Whether the declared grade is the computed one.
    pub grade_matches: Option<bool>,
}

/// A reviewer's finding.
#[derive(SimpleObject)]
pub struct Finding {
    /// Stable code, e.g. INCOME_TOTAL_MISMATCH.
    pub code: String,
    /// Severity (from the scoring profile).
    pub severity: Severity,
    /// Where, as a dotted path into the report document with list positions as numbers, e.g.
    /// `finance.units.0.income.total` (the same path a userError gives as a list).
    pub path: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// The value the check expected.
    pub expected: Option<String>,
    /// The value found.
    pub actual: Option<String>,
}

/// All findings about a report.
#[derive(SimpleObject)]
pub struct ValidationReport {
    /// Code of the scoring profile whose thresholds were used.
    pub profile_code: String,
    /// True when there is no ERROR finding.
    pub valid: bool,
    /// Number of ERROR findings.
    pub error_count: i32,
    /// Number of WARNING findings.
    pub warning_count: i32,
    /// Number of INFO findings.
    pub info_count: i32,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// From `validateReport`: the assessment the document would have once saved (null when it
    /// has INVALID_INPUT findings). Null on `Report.validation`: see `Report.assessment`.
    pub assessment: Option<Assessment>,
}

fn d(v: rust_decimal::Decimal) -> Decimal {
    Decimal(v)
}

/// Maps a domain assessment; `indicators` are the stored rows, when there are any.
pub fn assessment(
    a: DomainAssessment,
    profile: &Profile,
    doc: &ReportDocument,
    rows: &[entity::indicator::Model],
    recheck: Option<&Recheck>,
) -> Assessment {
    Assessment {
        profile_code: profile.row.code.clone(),
        indicators: a
            .indicators
            .into_iter()
            .map(|i| {
                let id = doc.indicators.get(i.index).and_then(|x| x.id);
                IndicatorAssessment {
                    indicator: id
                        .and_then(|id| rows.iter().find(|r| r.id == id))
                        .cloned()
                        .map(Indicator::live),
                    recheck_score: id.zip(recheck).and_then(|(id, r)| r.of(id)).map(d),
                    index: i.index as i32,
                    achievement: i.achievement.into(),
                    reason: i.reason.code().to_owned(),
                    weight: i.weight.map(|w| d(w.round_dp(2))),
                    computed_score: i.score.map(d),
                    explanation: i.explanation,
                    comparisons: i
                        .comparisons
                        .into_iter()
                        .map(|c| Comparison {
                            label: c.label,
                            comparator: c.comparator.into(),
                            target: d(c.target.normalize()),
                            actual: d(c.actual.normalize()),
                            unit: c.unit,
                            target_text: c.target_text,
                            actual_text: c.actual_text,
                            met: c.met,
                            ratio: d(c.ratio),
                        })
                        .collect(),
                }
            })
            .collect(),
        budget_execution: a
            .funding
            .map(|f: score::FundingAssessment| BudgetExecutionAssessment {
                rate: d(f.rate),
                weight: d(f.weight),
                score: d(f.score),
            }),
        applicable_weight: d(a.applicable_weight),
        raw_score: d(a.raw_score),
        computed_score: a.total.map(d),
        computed_score_withheld: a.withheld,
        computed_grade: a.grade,
        declared_score: doc.declared_score.map(d),
        declared_grade: doc.declared_grade.clone(),
        recheck_score: recheck.and_then(|r| r.total).map(d),
        score_difference: a.score_difference.map(d),
        grade_matches: a.grade_matches,
    }
}

/// Maps findings into a validation report.
pub fn validation(findings: Vec<DomainFinding>, profile: &Profile) -> ValidationReport {
    use domain_profile::Severity as S;
    let count = |s: S| findings.iter().filter(|f| f.severity == s).count() as i32;
    ValidationReport {
        profile_code: profile.row.code.clone(),
        valid: count(S::Error) == 0,
        error_count: count(S::Error),
        warning_count: count(S::Warning),
        info_count: count(S::Info),
        findings: findings
            .into_iter()
            .map(|f| Finding {
                code: f.code.to_owned(),
                severity: f.severity.into(),
                path: f.path,
                message: f.message,
                expected: f.expected,
                actual: f.actual,
            })
            .collect(),
        assessment: None,
    }
}

// ---------------------------------------------------------------- profiles

/// A scoring profile: the rules of a jurisdiction and span of years.
pub struct ScoringProfile(pub Profile);

/// A scoring profile: the rules of a jurisdiction and span of years.
#[Object]
impl ScoringProfile {
    /// Unique code, e.g. NATIONAL.
    async fn code(&self) -> &str {
        &self.0.row.code
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.row.name
    }

    /// Region it applies to (a department's region containing it); null for national.
    async fn jurisdiction(&self) -> Option<&str> {
        self.0.row.jurisdiction.as_deref()
    }

    /// First fiscal year it applies to.
    async fn year_from(&self) -> Option<i32> {
        self.0.row.year_from
    }

    /// Last fiscal year it applies to.
    async fn year_to(&self) -> Option<i32> {
        self.0.row.year_to
    }

    /// Version, bumped by every change.
    async fn version(&self) -> i32 {
        self.0.row.version
    }

    /// The rules.
    async fn rules(&self) -> Result<ScoringRules> {
        Ok(from_domain(&self.0.rules))
    }
}

/// Input of `upsertScoringProfile`.
#[derive(InputObject)]
pub struct UpsertScoringProfileInput {
    /// Unique code: the profile to create or replace.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region it applies to; null for national.
    pub jurisdiction: Option<String>,
    /// First fiscal year it applies to.
    pub year_from: Option<i32>,
    /// Last fiscal year it applies to.
    pub year_to: Option<i32>,
    /// If given, refused with STALE_VERSION unless the profile has this version.
    pub expected_version: Option<i32>,
    /// The rules.
    pub rules: ScoringRules,
}

/// Result of `upsertScoringProfile`.
#[derive(SimpleObject)]
pub struct ScoringProfilePayload {
    /// The profile after the write; null when refused.
    pub profile: Option<ScoringProfile>,
    /// Number of reports whose stored computed score was refreshed.
    pub reassessed_reports: i32,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Assessment queries.
#[derive(Default)]
pub struct AssessmentQuery;

#[Object]
impl AssessmentQuery {
    /// Every scoring profile.
    async fn scoring_profiles(&self, ctx: &Context<'_>) -> Result<Vec<ScoringProfile>> {
        Ok(domain_profile::all(db(ctx))
            .await?
            .into_iter()
            .map(ScoringProfile)
            .collect())
    }

    /// Checks an unsaved report document, so that an integrator can check before writing: every
    /// finding the saved report would have, under the profile its department and year select.
    /// Field errors (a text too long, a year out of range…) come back as ERROR findings with code
    /// INVALID_INPUT.
    async fn validate_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document to check.")] input: ReportDocumentInput,
    ) -> Result<ValidationReport> {
        let doc: ReportDocument = input.into();
        let (profile, findings, reviewed) = service::validate_unsaved(db(ctx), doc).await?;
        let mut report = validation(findings, &profile);
        report.assessment = reviewed.map(|(doc, a)| assessment(a, &profile, &doc, &[], None));
        Ok(report)
    }
}

/// Assessment mutations.
#[derive(Default)]
pub struct AssessmentMutation;

#[Object]
impl AssessmentMutation {
    /// Creates or replaces a scoring profile (ADMIN only), and refreshes the stored computed
    /// score of every report it applies to.
    async fn upsert_scoring_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile.")] input: UpsertScoringProfileInput,
    ) -> Result<ScoringProfilePayload> {
        let rules = to_domain(input.rules);
        let data = service::ProfileData {
            code: input.code,
            name: input.name,
            jurisdiction: input.jurisdiction,
            year_from: input.year_from,
            year_to: input.year_to,
            expected_version: input.expected_version,
            rules,
        };
        Ok(
            match service::upsert_profile(db(ctx), viewer(ctx), data).await? {
                Ok((profile, n)) => ScoringProfilePayload {
                    profile: Some(ScoringProfile(profile)),
                    reassessed_reports: n as i32,
                    user_errors: Vec::new(),
                },
                Err(e) => ScoringProfilePayload {
                    profile: None,
                    reassessed_reports: 0,
                    user_errors: user_errors(e, &[]),
                },
            },
        )
    }
}

/// The assessment and findings of a report, computed once per request (or per snapshot).
pub async fn of_report(
    ctx: &Context<'_>,
    report: &super::report::Report,
) -> Result<(Assessment, ValidationReport)> {
    let reviewed = report.reviewed(ctx).await?;
    let rows = report.rows::<entity::indicator::Entity>(ctx).await?;
    let r = reviewed.as_ref();
    Ok((
        assessment(
            r.assessment.clone(),
            &r.profile,
            &r.doc,
            &rows,
            Recheck::stored(report.0.recheck.as_ref()).as_ref(),
        ),
        validation(r.findings.clone(), &r.profile),
    ))
}

/// The assessment of one indicator.
pub async fn of_indicator(
    ctx: &Context<'_>,
    indicator: &super::indicator::Indicator,
) -> Result<Option<score::IndicatorAssessment>> {
    let reviewed = super::report::reviewed(ctx, indicator.0.report_id, &indicator.1).await?;
    let index = reviewed
        .doc
        .indicators
        .iter()
        .position(|i| i.id == Some(indicator.0.id));
    Ok(index.and_then(|i| reviewed.assessment.indicators.get(i).cloned()))
}
