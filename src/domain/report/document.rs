//! The report as one document: the shape `upsertReport` takes, the unit of validation, and
//! the input of the content digest.

use crate::domain::{FieldError, UserErrorCode};
use chrono::NaiveDate;
use entity::{
    AmountUnit, Comparator, EvaluatorRole, FundingLineKind, Hundredths, IndicatorCategory,
    IndicatorSubcategory, Millionths, OpinionKind, ReportKind, ScaleError,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

mod canonical;
mod check;
mod evidence;
mod ids;
pub use canonical::{ContentForm, sha256_hex};
pub(crate) use check::Checker;
pub use evidence::EvidenceDoc;
pub use ids::HasId;

fn is_wan_yuan(unit: &AmountUnit) -> bool {
    *unit == AmountUnit::WanYuan
}

/// Longest short text (names, titles, codes): characters.
pub const SHORT_TEXT: usize = 200;
/// Longest long text (duties, narrative bodies): characters.
pub const LONG_TEXT: usize = 100_000;
/// Fiscal years accepted.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// Most rows in each list of a report: far above real forms (the reference report has 16
/// indicators, 17 sections, 3 finance units), low enough that a query's cost can count every
/// row a list may hold (see `graphql::limits`).
pub mod max_rows;
/// Largest document, as compact JSON in bytes (about 330,000 Chinese characters; the
/// reference report is 25 KB).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The whole content of a report. Child rows carry their ids so that rewriting a report keeps
/// them; ids are not content and are never serialized.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportDocument {
    /// Filing department's code.
    pub department_code: String,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// Form kind.
    pub kind: ReportKindDoc,
    /// Series title on the cover.
    pub series_title: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// 部门（单位）名称 as filed.
    pub unit_name: String,
    /// 项目名称.
    pub project_name: Option<String>,
    /// 主管部门.
    pub competent_department: Option<String>,
    /// 实施单位.
    pub implementing_unit: Option<String>,
    /// 预算编码.
    pub budget_code: Option<String>,
    /// 评价方式.
    pub evaluation_method: Option<String>,
    /// 评价机构.
    pub evaluating_body: Option<String>,
    /// 报告日期.
    pub report_date: Option<NaiveDate>,
    /// Issuing template.
    pub issuer: Option<String>,
    /// 一、基本概况.
    pub profile: Profile,
    /// The unit the amounts (finance tables, funding block) are written in; 万元 unless the
    /// form says otherwise. Left out of the canonical form when 万元, so digests of reports
    /// filed in 万元 are as they were before the unit was recorded.
    #[serde(skip_serializing_if = "is_wan_yuan")]
    pub amount_unit: AmountUnit,
    /// 二、收支情况.
    pub finance: Finance,
    /// Project funding block.
    pub funding: Vec<FundingLine>,
    /// 定性目标.
    pub qualitative_goals: Vec<Goal>,
    /// 定量指标.
    pub indicators: Vec<IndicatorDoc>,
    /// Level-1 weights written on the form, where it states its own (产出 60 instead of the
    /// profile's 50); a group left out takes the profile's weight. Left out of the canonical
    /// form when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level1_weights: Option<FormWeights>,
    /// 绩效自评综合得分.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub declared_score: Option<Decimal>,
    /// 评价等次.
    pub declared_grade: Option<String>,
    /// 评价人员.
    pub evaluators: Vec<EvaluatorDoc>,
    /// Opinions.
    pub opinions: Vec<OpinionDoc>,
    /// 填报人.
    pub preparer: Option<Person>,
    /// 评价报告综述.
    pub sections: Vec<Section>,
    /// 佐证材料: the evidence attached, in attaching order. Written only by `attachEvidence`
    /// and `detachEvidence`: a document written by `upsertReport` or `updateReport` keeps the
    /// stored evidence. Left out of the canonical form when there is none, so the digests of
    /// reports without evidence are what they were.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceDoc>,
}

/// Serde-friendly wrapper so that a missing kind defaults to the department form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportKindDoc(pub ReportKind);

impl Default for ReportKindDoc {
    fn default() -> Self {
        Self(ReportKind::DepartmentOverall)
    }
}

/// 部门（单位）基本概况.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Profile {
    /// 联系人.
    pub contact_name: Option<String>,
    /// 联络电话.
    pub contact_phone: Option<String>,
    /// 人员编制.
    pub authorised_headcount: Option<i32>,
    /// 实有人数.
    pub actual_headcount: Option<i32>,
    /// 职能职责概述.
    pub duties: Option<String>,
    /// 年度主要工作内容, in order.
    pub annual_tasks: Vec<String>,
    /// 年度总体运行情况及取得的成绩.
    pub achievements: Option<String>,
}

/// The four finance tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Finance {
    /// The summary row as filed, if one was filed.
    pub summary: Option<FinanceRow>,
    /// One row per unit.
    pub units: Vec<FinanceRow>,
}

/// One unit's figures in 万元; `None` is a blank cell.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FinanceRow {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// Unit name.
    pub name: String,
    /// 年度收入.
    pub income: Income,
    /// 年度支出和结余.
    pub expenditure: Expenditure,
    /// 三公经费.
    pub three_public: ThreePublic,
    /// 固定资产.
    pub fixed_assets: FixedAssets,
}

/// 年度收入.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Income {
    /// 收入合计.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub total: Option<Decimal>,
    /// 上年结转.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub carryover: Option<Decimal>,
    /// 公共财政拨款.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub public_finance: Option<Decimal>,
    /// 政府基金拨款.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub government_fund: Option<Decimal>,
    /// 纳入专户管理的非税收入拨款.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub special_account_non_tax: Option<Decimal>,
    /// 其他收入.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub other: Option<Decimal>,
}

/// 年度支出和结余.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Expenditure {
    /// 支出合计.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub total: Option<Decimal>,
    /// 基本支出.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub basic: Option<Decimal>,
    /// 人员支出.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub personnel: Option<Decimal>,
    /// 公用支出.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub operating: Option<Decimal>,
    /// 项目支出.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub project: Option<Decimal>,
    /// 当年结余.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub current_balance: Option<Decimal>,
    /// 累计结余.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub accumulated_balance: Option<Decimal>,
}

/// 三公经费.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ThreePublic {
    /// 合计.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub total: Option<Decimal>,
    /// 公务接待费.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub reception: Option<Decimal>,
    /// 公务用车运维费.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub vehicle_operation: Option<Decimal>,
    /// 公务用车购置费.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub vehicle_purchase: Option<Decimal>,
    /// 因公出国（境）费.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub overseas_travel: Option<Decimal>,
}

/// 固定资产.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FixedAssets {
    /// 合计.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub total: Option<Decimal>,
    /// 在用固定资产.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub in_use: Option<Decimal>,
    /// 出租固定资产.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub leased: Option<Decimal>,
    /// 其他.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub other: Option<Decimal>,
}

/// A row of the project funding block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingLine {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// Which row.
    pub line: FundingLineKind,
    /// 年初预算数.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub initial_budget: Option<Decimal>,
    /// 全年预算数.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub adjusted_budget: Option<Decimal>,
    /// 全年执行数.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub executed: Option<Decimal>,
    /// 分值.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub weight: Option<Decimal>,
    /// 得分.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub declared_score: Option<Decimal>,
    /// 执行率 as filed, percent (left out of the canonical form when blank, so digests of
    /// documents without it are as they were).
    #[serde(
        default,
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub declared_rate: Option<Decimal>,
}

/// Level-1 weights (一级指标分值) a form states for itself; `None` for a group it does not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FormWeights {
    /// 产出.
    #[serde(
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub output: Option<Decimal>,
    /// 效益.
    #[serde(
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub outcome: Option<Decimal>,
    /// 满意度.
    #[serde(
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub satisfaction: Option<Decimal>,
    /// 预算执行率.
    #[serde(
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub budget_execution: Option<Decimal>,
    /// 决策.
    #[serde(
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub decision: Option<Decimal>,
    /// 过程.
    #[serde(
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub process: Option<Decimal>,
}

impl FormWeights {
    /// The weight the form states for a group.
    pub fn of(&self, category: IndicatorCategory) -> Option<Decimal> {
        match category {
            IndicatorCategory::Output => self.output,
            IndicatorCategory::Outcome => self.outcome,
            IndicatorCategory::Satisfaction => self.satisfaction,
            IndicatorCategory::BudgetExecution => self.budget_execution,
            IndicatorCategory::Decision => self.decision,
            IndicatorCategory::Process => self.process,
        }
    }

    /// Each group with its path and label, to check.
    fn cells(&mut self) -> [(&'static str, &'static str, &mut Option<Decimal>); 6] {
        [
            ("output", "产出分值", &mut self.output),
            ("outcome", "效益分值", &mut self.outcome),
            ("satisfaction", "满意度分值", &mut self.satisfaction),
            (
                "budgetExecution",
                "预算执行率分值",
                &mut self.budget_execution,
            ),
            ("decision", "决策分值", &mut self.decision),
            ("process", "过程分值", &mut self.process),
        ]
    }
}

/// A qualitative goal.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Goal {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// 预期目标.
    pub expected: Option<String>,
    /// 实际完成.
    pub actual: Option<String>,
    /// 年初设定目标, where the form gives it beside the adjusted goal (`expected`); left out of
    /// the canonical form when blank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial: Option<String>,
}

/// A target or an outcome: verbatim text plus what could be read from it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ValueDoc {
    /// The text as filed.
    pub text: String,
    /// Comparator read from the text.
    pub comparator: Option<Comparator>,
    /// Number read from the text.
    #[serde(deserialize_with = "crate::domain::money::deserialize_option")]
    pub value: Option<Decimal>,
    /// Unit read from the text.
    pub unit: Option<String>,
}

/// A quantitative indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorDoc {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// 一级指标.
    pub category: IndicatorCategory,
    /// 二级指标.
    pub subcategory: IndicatorSubcategory,
    /// 三级指标 name.
    #[serde(default)]
    pub name: Option<String>,
    /// 年度指标值.
    pub target: ValueDoc,
    /// 实际完成值.
    #[serde(default)]
    pub actual: Option<ValueDoc>,
    /// 分值.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub weight: Option<Decimal>,
    /// 得分 as declared.
    #[serde(default, deserialize_with = "crate::domain::money::deserialize_option")]
    pub declared_score: Option<Decimal>,
    /// 偏差原因分析.
    #[serde(default)]
    pub deviation_reason: Option<String>,
    /// 改进措施.
    #[serde(default)]
    pub improvement_measures: Option<String>,
    /// 核心指标: the form marks it core (left out of the canonical form unless set).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
    /// 得分系数 as filed, where the form scores a row as 分值 × 得分系数 (left out of the
    /// canonical form when blank).
    #[serde(
        default,
        deserialize_with = "crate::domain::money::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub score_coefficient: Option<Decimal>,
}

/// An evaluator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluatorDoc {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// 姓名.
    pub name: String,
    /// 职务/职称.
    #[serde(default)]
    pub position: Option<String>,
    /// 单位.
    #[serde(default)]
    pub unit: Option<String>,
    /// Role in the group.
    pub role: EvaluatorRole,
    /// Identity-provider subject.
    #[serde(default)]
    pub subject: Option<String>,
}

/// An opinion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpinionDoc {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// Whose.
    pub kind: OpinionKind,
    /// Text.
    #[serde(default)]
    pub text: Option<String>,
    /// 负责人.
    #[serde(default)]
    pub person: Option<String>,
    /// Date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// A person with a phone number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Person {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// A narrative section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Section {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// Key, unique in the report.
    pub key: String,
    /// Heading.
    pub title: String,
    /// Text.
    pub body: Option<String>,
}

impl ReportDocument {
    /// Whether two documents hold the same data (row ids aside), opinions included.
    pub fn same_as(&self, other: &ReportDocument) -> bool {
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }
}

impl FinanceRow {
    /// Every amount cell of the row, in table order, mutably.
    fn cells_mut(&mut self) -> [&mut Option<Decimal>; 22] {
        [
            &mut self.income.total,
            &mut self.income.carryover,
            &mut self.income.public_finance,
            &mut self.income.government_fund,
            &mut self.income.special_account_non_tax,
            &mut self.income.other,
            &mut self.expenditure.total,
            &mut self.expenditure.basic,
            &mut self.expenditure.personnel,
            &mut self.expenditure.operating,
            &mut self.expenditure.project,
            &mut self.expenditure.current_balance,
            &mut self.expenditure.accumulated_balance,
            &mut self.three_public.total,
            &mut self.three_public.reception,
            &mut self.three_public.vehicle_operation,
            &mut self.three_public.vehicle_purchase,
            &mut self.three_public.overseas_travel,
            &mut self.fixed_assets.total,
            &mut self.fixed_assets.in_use,
            &mut self.fixed_assets.leased,
            &mut self.fixed_assets.other,
        ]
    }

    /// The summary of `units`, column by column: the exact sum of the filled cells, or blank
    /// where every unit left the cell blank. The sums are checked: at most [`MAX_ROWS`] cells
    /// below 10^12 each cannot overflow a decimal (≈ 7.9 × 10^28), and a column that somehow
    /// did would be blank, never a panic.
    pub fn sum(name: &str, units: &[FinanceRow]) -> FinanceRow {
        let mut total = FinanceRow {
            name: name.to_owned(),
            ..Default::default()
        };
        let mut overflowed = [false; 22];
        for unit in units {
            let mut unit = unit.clone();
            for ((sum, cell), over) in total
                .cells_mut()
                .into_iter()
                .zip(unit.cells_mut())
                .zip(overflowed.iter_mut())
            {
                if let Some(v) = *cell
                    && !*over
                {
                    *sum = sum.unwrap_or(Decimal::ZERO).checked_add(v);
                    *over = sum.is_none();
                }
            }
        }
        total
    }
}
