//! A reviewer's finding: a coded check result with severity, path, message, expected and actual.

use super::profile::{Rules, Severity};

macro_rules! finding_codes {
    ($($variant:ident => $code:literal: $doc:literal,)*) => {
        /// Every check's stable code: the one list (README and `docs/domain.md` are checked
        /// against it; a scoring profile's severity override must name one of them).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FindingCode {
            $(#[doc = $doc] $variant,)*
        }

        impl FindingCode {
            /// Every code.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant,)*];

            /// The code as it appears in answers and profiles.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FindingCode::$variant => $code,)*
                }
            }

            /// What the check finds.
            pub fn description(self) -> &'static str {
                match self {
                    $(FindingCode::$variant => $doc,)*
                }
            }
        }
    };
}

finding_codes! {
    ActualEqualsTarget => "ACTUAL_EQUALS_TARGET": "An outcome exactly equal to its target (实际完成值 = 年度指标值), often copied rather than measured.",
    AmountInYuan => "AMOUNT_IN_YUAN": "An amount in a 万元 form that looks written in 元 (far too large).",
    BasicExpenditureMismatch => "BASIC_EXPENDITURE_MISMATCH": "基本支出 differs from 人员经费 + 公用经费.",
    BudgetAdjusted => "BUDGET_ADJUSTED": "全年预算数 differs from 年初预算数: the budget changed during the year.",
    BudgetCodeMissing => "BUDGET_CODE_MISSING": "The budget code (预算编码) is blank.",
    CategoryNotReported => "CATEGORY_NOT_REPORTED": "A level-1 indicator group with weight in the profile has no indicator.",
    CoefficientScoreMismatch => "COEFFICIENT_SCORE_MISMATCH": "A declared row score is not 分值 × 得分系数.",
    CoreIndicatorNotMet => "CORE_INDICATOR_NOT_MET": "A core indicator (核心指标) is not fully met.",
    CurrentBalanceMismatch => "CURRENT_BALANCE_MISMATCH": "当年结余 differs from 收入合计 − 支出合计.",
    DeclaredGradeMissing => "DECLARED_GRADE_MISSING": "No declared grade (自评等级).",
    DeclaredGradeNotSupported => "DECLARED_GRADE_NOT_SUPPORTED": "The declared grade is not the grade of the computed total.",
    DeclaredRateMismatch => "DECLARED_RATE_MISMATCH": "A declared 执行率 differs from 全年执行数 / 全年预算数.",
    DeclaredScoreDiffers => "DECLARED_SCORE_DIFFERS": "The declared total differs from the computed total.",
    DeclaredScoreMissing => "DECLARED_SCORE_MISSING": "No declared total score (自评得分).",
    DeviationReasonMissing => "DEVIATION_REASON_MISSING": "An indicator not fully met has no 偏差原因分析.",
    EvaluatorsMissing => "EVALUATORS_MISSING": "No evaluator is listed (评价人员).",
    ExecutedOverBudget => "EXECUTED_OVER_BUDGET": "全年执行数 exceeds 全年预算数.",
    ExecutionLow => "EXECUTION_LOW": "Budget execution below the profile's `lowExecutionPercent`.",
    ExecutionScoreMismatch => "EXECUTION_SCORE_MISMATCH": "The declared budget-execution score differs from 执行率 × 分值.",
    ExpenditureTotalMismatch => "EXPENDITURE_TOTAL_MISMATCH": "支出合计 differs from the sum of its parts.",
    FigureUnsure => "FIGURE_UNSURE": "A figure read without confidence (a scanned look-alike): check the paper form.",
    FixedAssetsTotalMismatch => "FIXED_ASSETS_TOTAL_MISMATCH": "固定资产 total differs from the sum of its parts.",
    FullMarksForMissedTarget => "FULL_MARKS_FOR_MISSED_TARGET": "Full marks declared for a row whose own figures miss the target.",
    FundingMissing => "FUNDING_MISSING": "A project report without its funding block (资金 rows).",
    FundingTotalMismatch => "FUNDING_TOTAL_MISMATCH": "年度资金总额 differs from 财政拨款 + 上年结转 + 其他资金.",
    FundingTotalMissing => "FUNDING_TOTAL_MISSING": "Funding sub-rows without the total row.",
    GradeMismatch => "GRADE_MISMATCH": "The declared grade is not the grade of the declared score.",
    GradeUnknown => "GRADE_UNKNOWN": "The declared grade names no band of the profile.",
    HeadcountOverAuthorised => "HEADCOUNT_OVER_AUTHORISED": "实有人数 exceeds 编制人数.",
    IncomeTotalMismatch => "INCOME_TOTAL_MISMATCH": "收入合计 differs from the sum of its parts.",
    IndicatorNotAssessable => "INDICATOR_NOT_ASSESSABLE": "An indicator whose texts give nothing to compare.",
    NarrativeContradictsTables => "NARRATIVE_CONTRADICTS_TABLES": "A figure in the narrative contradicts the tables.",
    NarrativeMissing => "NARRATIVE_MISSING": "No narrative section (评价报告).",
    NegativeAmount => "NEGATIVE_AMOUNT": "A negative amount where none can be.",
    OverAchievement => "OVER_ACHIEVEMENT": "An outcome far above its target: was the target set too low?",
    PartialMarksForMetTarget => "PARTIAL_MARKS_FOR_MET_TARGET": "Partial marks declared for a row whose own figures meet the target.",
    PartialYearData => "PARTIAL_YEAR_DATA": "An outcome reported for part of the year (截止11月…).",
    PercentOutOfRange => "PERCENT_OUT_OF_RANGE": "A percentage outside 0–100 where it is a share.",
    QualitativeScoreOutOfBand => "QUALITATIVE_SCORE_OUT_OF_BAND": "A qualitative row's declared score outside its band.",
    ReportDateMissing => "REPORT_DATE_MISSING": "No report date (填报日期).",
    ScoreOverWeight => "SCORE_OVER_WEIGHT": "A declared score above its weight (分值).",
    SummaryBlank => "SUMMARY_BLANK": "Several finance units but no summary row (合计).",
    SummaryMismatch => "SUMMARY_MISMATCH": "The summary row differs from the sum of the units.",
    TargetImplausible => "TARGET_IMPLAUSIBLE": "A target outside its plausible range (a rate over 100 %).",
    ThreePublicTotalMismatch => "THREE_PUBLIC_TOTAL_MISMATCH": "三公经费 total differs from the sum of its parts.",
    TotalBlank => "TOTAL_BLANK": "A table row with parts but a blank total.",
    TotalNotSum => "TOTAL_NOT_SUM": "The declared total is not the sum of the declared row scores.",
    UnitNameMissing => "UNIT_NAME_MISSING": "The cover's unit name is blank.",
    WeightsSum => "WEIGHTS_SUM": "The weights do not add up to 100.",
    WeightWithoutTarget => "WEIGHT_WITHOUT_TARGET": "A row with weight and score but no target.",
}

impl FindingCode {
    /// The code named `name`, if there is one.
    pub fn parse(name: &str) -> Option<FindingCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable code, e.g. `INCOME_TOTAL_MISMATCH`.
    pub code: &'static str,
    /// Severity (from the profile).
    pub severity: Severity,
    /// Where, e.g. `finance.units[0].income.total`.
    pub path: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// The value the check expected.
    pub expected: Option<String>,
    /// The value found.
    pub actual: Option<String>,
}

/// Collects findings with the profile's severities.
pub struct Findings<'a> {
    rules: &'a Rules,
    /// The findings so far.
    pub list: Vec<Finding>,
}

impl<'a> Findings<'a> {
    /// An empty collection under `rules`.
    pub fn new(rules: &'a Rules) -> Self {
        Self {
            rules,
            list: Vec::new(),
        }
    }

    /// Adds a finding; its severity is the profile's for `code`, else `default`.
    pub fn add(
        &mut self,
        code: FindingCode,
        default: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        let code = code.as_str();
        self.list.push(Finding {
            code,
            severity: self.rules.severity(code, default),
            path: path.into(),
            message: message.into(),
            expected,
            actual,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::FindingCode;

    /// `docs/domain.md` lists every check code, and nothing else under its list.
    #[test]
    fn the_domain_reference_lists_every_check_code() {
        let doc = include_str!("../../../docs/domain.md");
        let list = doc
            .split("### Check codes")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/domain.md has a check-code list");
        let listed: Vec<&str> = list
            .lines()
            .filter_map(|l| l.strip_prefix("- `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let known: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, known);
        assert!(known.iter().all(|c| FindingCode::parse(c).is_some()));
        assert_eq!(FindingCode::parse("NO_SUCH_CHECK"), None);
    }
}
