//! The finance tables (收支情况) and a project's funding block, in the report's `amountUnit`
//! (万元 unless the form was filed in 元), each figure as written, exact to the fen.

use super::enums::FundingLineKind;
use super::scalars::Decimal;
use crate::domain::report::document::{self as doc, FinanceRow};
use async_graphql::{InputObject, Object, SimpleObject};
use rust_decimal::Decimal as Dec;

fn dec(v: Option<Dec>) -> Option<Decimal> {
    v.map(Decimal)
}

fn raw(v: Option<Decimal>) -> Option<Dec> {
    v.map(|d| d.0)
}

/// The four finance tables of a report, one row per unit, in the report's `amountUnit` (万元 unless filed in 元), each figure as written. A blank cell is null, never 0.
pub struct FinanceTables {
    /// The units' rows.
    pub units: Vec<FinanceRow>,
    /// The summary row as filed.
    pub filed: Option<FinanceRow>,
}

/// The four finance tables of a report, one row per unit, in the report's `amountUnit` (万元 unless filed in 元), each figure as written. A blank cell is null, never 0.
#[Object]
impl FinanceTables {
    /// One row per unit (局机关, 二级机构…), in filed order.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::UNITS, child_complexity)"
    )]
    async fn units(&self) -> Vec<FinanceUnit> {
        self.units.iter().cloned().map(FinanceUnit).collect()
    }

    /// The summary row computed from the units, column by column (null where every unit is blank).
    async fn summary(&self) -> FinanceUnit {
        let name = self.filed.as_ref().map_or("汇总", |f| f.name.as_str());
        FinanceUnit(FinanceRow::sum(name, &self.units))
    }

    /// The summary row (局机关及二级机构汇总) exactly as filed, or null if none was filed.
    async fn filed_summary(&self) -> Option<FinanceUnit> {
        self.filed.clone().map(FinanceUnit)
    }
}

/// One unit's row across the four tables.
pub struct FinanceUnit(pub FinanceRow);

/// One unit's row across the four finance tables (in the report's `amountUnit`).
#[Object]
impl FinanceUnit {
    /// Unit name as filed, e.g. 局机关.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// 年度收入情况.
    async fn income(&self) -> Income {
        Income(self.0.income.clone())
    }

    /// 年度支出和结余情况.
    async fn expenditure(&self) -> Expenditure {
        Expenditure(self.0.expenditure.clone())
    }

    /// 三公经费.
    async fn three_public(&self) -> ThreePublic {
        ThreePublic(self.0.three_public.clone())
    }

    /// 固定资产.
    async fn fixed_assets(&self) -> FixedAssets {
        FixedAssets(self.0.fixed_assets.clone())
    }
}

/// One finance table, from one field list: the output object over the domain's row part, the
/// input object of the same fields and its conversion into that part.
macro_rules! money_table {
    (
        $(#[$doc:meta])* $name:ident, $input:ident($inner:ty) {
            $($(#[$fdoc:meta])* $field:ident),* $(,)?
        }
    ) => {
        $(#[$doc])*
        pub struct $name(pub $inner);

        $(#[$doc])*
        #[Object]
        impl $name {
            $(
                $(#[$fdoc])*
                async fn $field(&self) -> Option<Decimal> {
                    dec(self.0.$field)
                }
            )*
        }

        $(#[$doc])*
        #[derive(InputObject, Clone, Default)]
        pub struct $input {
            $(
                $(#[$fdoc])*
                pub $field: Option<Decimal>,
            )*
        }

        impl From<$input> for $inner {
            fn from(i: $input) -> Self {
                Self {
                    $($field: raw(i.$field),)*
                }
            }
        }
    };
}

money_table!(
    /// 年度收入 (`amountUnit`).
    Income, IncomeInput(doc::Income) {
        /// 收入合计.
        total,
        /// 上年结转.
        carryover,
        /// 公共财政拨款.
        public_finance,
        /// 政府基金拨款.
        government_fund,
        /// 纳入专户管理的非税收入拨款.
        special_account_non_tax,
        /// 其他收入.
        other,
    }
);

money_table!(
    /// 年度支出和结余 (`amountUnit`).
    Expenditure, ExpenditureInput(doc::Expenditure) {
        /// 支出合计.
        total,
        /// 基本支出.
        basic,
        /// 基本支出中的人员支出.
        personnel,
        /// 基本支出中的公用支出.
        operating,
        /// 项目支出.
        project,
        /// 当年结余.
        current_balance,
        /// 累计结余.
        accumulated_balance,
    }
);

money_table!(
    /// 三公经费 (`amountUnit`).
    ThreePublic, ThreePublicInput(doc::ThreePublic) {
        /// 三公经费合计.
        total,
        /// 公务接待费.
        reception,
        /// 公务用车运维费.
        vehicle_operation,
        /// 公务用车购置费.
        vehicle_purchase,
        /// 因公出国（境）费.
        overseas_travel,
    }
);

money_table!(
    /// 固定资产 (`amountUnit`).
    FixedAssets, FixedAssetsInput(doc::FixedAssets) {
        /// 固定资产合计.
        total,
        /// 在用固定资产.
        in_use,
        /// 出租固定资产.
        leased,
        /// 其他.
        other,
    }
);

/// One unit's row of the finance tables, in the document's `amountUnit`, exact to the fen (at most six decimals of 万元, two of 元) and kept as written; omit or null a blank cell.
#[derive(InputObject, Clone, Default)]
pub struct FinanceUnitInput {
    /// Unit name, e.g. 局机关.
    pub name: String,
    /// 年度收入.
    #[graphql(default)]
    pub income: IncomeInput,
    /// 年度支出和结余.
    #[graphql(default)]
    pub expenditure: ExpenditureInput,
    /// 三公经费.
    #[graphql(default)]
    pub three_public: ThreePublicInput,
    /// 固定资产.
    #[graphql(default)]
    pub fixed_assets: FixedAssetsInput,
}

impl From<FinanceUnitInput> for FinanceRow {
    fn from(i: FinanceUnitInput) -> Self {
        FinanceRow {
            id: None,
            name: i.name,
            income: i.income.into(),
            expenditure: i.expenditure.into(),
            three_public: i.three_public.into(),
            fixed_assets: i.fixed_assets.into(),
        }
    }
}

/// The finance tables of a report.
#[derive(InputObject, Clone, Default)]
pub struct FinanceTablesInput {
    /// The summary row as filed (局机关及二级机构汇总), if one was filed.
    pub summary: Option<FinanceUnitInput>,
    /// One row per unit, in order.
    #[graphql(default)]
    pub units: Vec<FinanceUnitInput>,
}

impl From<FinanceTablesInput> for doc::Finance {
    fn from(i: FinanceTablesInput) -> Self {
        doc::Finance {
            summary: i.summary.map(Into::into),
            units: i.units.into_iter().map(Into::into).collect(),
        }
    }
}

/// A row of a project's funding block (`amountUnit`).
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct FundingLine {
    /// Which row.
    pub line: FundingLineKind,
    /// 年初预算数.
    pub initial_budget: Option<Decimal>,
    /// 全年预算数 (A).
    pub adjusted_budget: Option<Decimal>,
    /// 全年执行数 (B).
    pub executed: Option<Decimal>,
    /// 分值.
    pub weight: Option<Decimal>,
    /// 得分 as declared.
    pub declared_score: Option<Decimal>,
    /// 执行率 as filed (percent), where the form has the cell; compare `executionRate`.
    pub declared_execution_rate: Option<Decimal>,
}

#[async_graphql::ComplexObject]
impl FundingLine {
    /// 执行率 B/A in percent, two decimals; null when either is blank or A is 0 or negative.
    async fn execution_rate(&self) -> Option<Decimal> {
        crate::domain::assessment::score::execution_rate(self.adjusted_budget?.0, self.executed?.0)
            .map(Decimal)
    }
}

impl From<doc::FundingLine> for FundingLine {
    fn from(f: doc::FundingLine) -> Self {
        FundingLine {
            line: f.line.into(),
            initial_budget: dec(f.initial_budget),
            adjusted_budget: dec(f.adjusted_budget),
            executed: dec(f.executed),
            weight: dec(f.weight),
            declared_score: dec(f.declared_score),
            declared_execution_rate: dec(f.declared_rate),
        }
    }
}

/// A row of a project's funding block (`amountUnit`).
#[derive(InputObject, Clone)]
pub struct FundingLineInput {
    /// Which row.
    pub line: FundingLineKind,
    /// 年初预算数.
    pub initial_budget: Option<Decimal>,
    /// 全年预算数.
    pub adjusted_budget: Option<Decimal>,
    /// 全年执行数.
    pub executed: Option<Decimal>,
    /// 分值.
    pub weight: Option<Decimal>,
    /// 得分 as declared.
    pub declared_score: Option<Decimal>,
    /// 执行率 as filed (percent), where the form has the cell.
    pub declared_execution_rate: Option<Decimal>,
}

impl From<FundingLineInput> for doc::FundingLine {
    fn from(i: FundingLineInput) -> Self {
        doc::FundingLine {
            id: None,
            line: i.line.into(),
            initial_budget: raw(i.initial_budget),
            adjusted_budget: raw(i.adjusted_budget),
            executed: raw(i.executed),
            weight: raw(i.weight),
            declared_score: raw(i.declared_score),
            declared_rate: raw(i.declared_execution_rate),
        }
    }
}
