//! Exchange formats on a report: IATI results and Fiscal Data Package amounts.

use super::scalars::{Date, Decimal};
use crate::domain::report::standards as std_;
use async_graphql::SimpleObject;

/// A target or actual value (IATI).
#[derive(SimpleObject)]
pub struct IatiValue {
    /// The figure read from the text, in the indicator's unit; null when none could be read.
    pub value: Option<Decimal>,
    /// The text as filed.
    pub comment: String,
}

/// An IATI indicator with one period (the fiscal year).
#[derive(SimpleObject)]
pub struct IatiIndicator {
    /// Title.
    pub title: String,
    /// IATI IndicatorMeasure code: 1 unit, 2 percentage, 3 nominal, 5 qualitative.
    pub measure: i32,
    /// Whether a higher value is better.
    pub ascending: bool,
    /// Unit of the values (万元 for money).
    pub unit: Option<String>,
    /// Period start.
    pub period_start: Date,
    /// Period end.
    pub period_end: Date,
    /// Target.
    pub target: IatiValue,
    /// Actual; null when not filed.
    pub actual: Option<IatiValue>,
}

/// An IATI result: one level-2 indicator group.
#[derive(SimpleObject)]
pub struct IatiResult {
    /// IATI ResultType: 1 output, 2 outcome.
    pub result_type: i32,
    /// Title, e.g. 产出指标·数量指标.
    pub title: String,
    /// Indicators.
    pub indicators: Vec<IatiIndicator>,
}

/// An amount in Fiscal Data Package form: in the report's unit, so multiply by `factor` for CNY.
#[derive(SimpleObject)]
pub struct FiscalAmount {
    /// Unit or funding line.
    pub unit: String,
    /// Table: income, expenditure, threePublic, fixedAssets or funding.
    pub table: String,
    /// Column, e.g. publicFinance.
    pub column: String,
    /// Budget phase: proposed (年初预算数), adjusted (全年预算数) or executed.
    pub phase: String,
    /// Amount as filed, in the report's unit (`amountUnit`).
    pub amount: Decimal,
    /// Currency: CNY.
    pub currency: String,
    /// Factor to yuan: 10000 for a report in 万元, 1 for one in 元.
    pub factor: i32,
}

fn value(v: std_::IatiValue) -> IatiValue {
    IatiValue {
        value: v.value.map(|d| Decimal(d.normalize())),
        comment: v.comment,
    }
}

/// Maps the domain results.
pub fn iati(results: Vec<std_::IatiResult>) -> Vec<IatiResult> {
    results
        .into_iter()
        .map(|r| IatiResult {
            result_type: r.result_type,
            title: r.title,
            indicators: r
                .indicators
                .into_iter()
                .map(|i| IatiIndicator {
                    title: i.title,
                    measure: i.measure.code(),
                    ascending: i.ascending,
                    unit: i.unit,
                    period_start: Date(i.period_start),
                    period_end: Date(i.period_end),
                    target: value(i.target),
                    actual: i.actual.map(value),
                })
                .collect(),
        })
        .collect()
}

/// Maps the domain amounts.
pub fn fiscal(amounts: Vec<std_::FiscalAmount>) -> Vec<FiscalAmount> {
    amounts
        .into_iter()
        .map(|a| FiscalAmount {
            unit: a.unit,
            table: a.table.to_owned(),
            column: a.column.to_owned(),
            phase: a.phase.to_owned(),
            amount: Decimal(a.amount),
            currency: "CNY".into(),
            factor: a.factor,
        })
        .collect()
}
