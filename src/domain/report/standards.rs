//! Exchange standards: indicators as IATI results (result → indicator with measure and
//! ascending flag → period → target / actual with comments), and amounts as Fiscal Data Package
//! rows (currency CNY, factor 10000 for 万元 or 1 for 元, budget phase).

use super::document::{FinanceRow, ReportDocument};
use crate::domain::assessment::parse::{self, Dimension};
use entity::{Comparator, FundingLineKind, IndicatorCategory, IndicatorSubcategory};
use rust_decimal::Decimal;

/// IATI indicator measure (codelist IndicatorMeasure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// 1 Unit.
    Unit,
    /// 2 Percentage.
    Percentage,
    /// 3 Nominal (money).
    Nominal,
    /// 5 Qualitative.
    Qualitative,
}

impl Measure {
    /// The IATI code.
    pub fn code(self) -> i32 {
        match self {
            Measure::Unit => 1,
            Measure::Percentage => 2,
            Measure::Nominal => 3,
            Measure::Qualitative => 5,
        }
    }
}

/// A target or actual value of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct IatiValue {
    /// The figure read from the text, in the indicator's unit, if any.
    pub value: Option<Decimal>,
    /// The text as filed.
    pub comment: String,
}

/// One IATI indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IatiIndicator {
    /// Title.
    pub title: String,
    /// Measure.
    pub measure: Measure,
    /// Whether higher is better.
    pub ascending: bool,
    /// Unit of the values (万元 for money).
    pub unit: Option<String>,
    /// The fiscal year as one period: start.
    pub period_start: chrono::NaiveDate,
    /// The fiscal year as one period: end.
    pub period_end: chrono::NaiveDate,
    /// Target.
    pub target: IatiValue,
    /// Actual.
    pub actual: Option<IatiValue>,
}

/// One IATI result (a level-2 indicator group).
#[derive(Debug, Clone, PartialEq)]
pub struct IatiResult {
    /// IATI result type: 1 output, 2 outcome.
    pub result_type: i32,
    /// Title, e.g. 产出指标·数量指标.
    pub title: String,
    /// Indicators.
    pub indicators: Vec<IatiIndicator>,
}

fn group_title(c: IndicatorCategory, s: IndicatorSubcategory) -> String {
    format!(
        "{}·{}",
        super::labels::category(c),
        super::labels::subcategory(s)
    )
}

/// The indicators of a document as IATI results, one result per level-2 group, in filed order.
pub fn iati(doc: &ReportDocument) -> Vec<IatiResult> {
    let start = chrono::NaiveDate::from_ymd_opt(doc.fiscal_year, 1, 1).unwrap_or_default();
    let end = chrono::NaiveDate::from_ymd_opt(doc.fiscal_year, 12, 31).unwrap_or_default();
    let mut results: Vec<IatiResult> = Vec::new();
    for ind in &doc.indicators {
        let title = group_title(ind.category, ind.subcategory);
        let target = parse::read(&ind.target.text);
        let first = target.measures().first().cloned();
        let measure = match first.as_ref().map(|m| &m.dimension) {
            None => Measure::Qualitative,
            Some(Dimension::Percent) => Measure::Percentage,
            Some(Dimension::Money) => Measure::Nominal,
            Some(_) => Measure::Unit,
        };
        let ascending = !matches!(
            first.as_ref().and_then(|m| m.comparator),
            Some(Comparator::Lte | Comparator::Lt)
        );
        let unit = first.as_ref().map(|m| match &m.dimension {
            Dimension::Money => "万元".to_owned(),
            Dimension::Percent => "%".to_owned(),
            Dimension::Count(w) | Dimension::Other(w) => w.clone(),
            Dimension::Plain => m.unit.clone().unwrap_or_default(),
        });
        let actual = ind.actual.as_ref().map(|a| {
            let read = parse::read(&a.text);
            let value = first.as_ref().and_then(|t| {
                read.measures()
                    .iter()
                    .find(|m| !m.is_reference && m.dimension == t.dimension)
                    .map(|m| m.base_value)
            });
            IatiValue {
                value,
                comment: a.text.clone(),
            }
        });
        let indicator = IatiIndicator {
            title: ind
                .name
                .clone()
                .unwrap_or_else(|| ind.target.text.chars().take(60).collect()),
            measure,
            ascending,
            unit,
            period_start: start,
            period_end: end,
            target: IatiValue {
                value: first.map(|m| m.base_value),
                comment: ind.target.text.clone(),
            },
            actual,
        };
        let result_type = if ind.category == IndicatorCategory::Output {
            1
        } else {
            2
        };
        match results.iter_mut().find(|r| r.title == title) {
            Some(r) => r.indicators.push(indicator),
            None => results.push(IatiResult {
                result_type,
                title,
                indicators: vec![indicator],
            }),
        }
    }
    results
}

/// One amount in Fiscal Data Package form.
#[derive(Debug, Clone, PartialEq)]
pub struct FiscalAmount {
    /// Unit (or funding line) the amount belongs to.
    pub unit: String,
    /// Table or block: income, expenditure, threePublic, fixedAssets, funding.
    pub table: &'static str,
    /// Column, e.g. publicFinance.
    pub column: &'static str,
    /// Budget phase: proposed (年初预算数), approved/adjusted (全年预算数), executed.
    pub phase: &'static str,
    /// Amount as filed, in the report's unit (multiply by `factor` for yuan).
    pub amount: Decimal,
    /// Yuan per unit of `amount`: 10000 for 万元, 1 for 元.
    pub factor: i32,
}

/// Every filled amount of a document (units, not the summary; funding lines), for exchange.
pub fn fiscal_amounts(doc: &ReportDocument) -> Vec<FiscalAmount> {
    let mut out = Vec::new();
    let factor = match doc.amount_unit {
        entity::AmountUnit::WanYuan => 10_000,
        entity::AmountUnit::Yuan => 1,
    };
    let cells = |r: &FinanceRow| -> Vec<(&'static str, &'static str, Option<Decimal>)> {
        let (i, e, t, f) = (&r.income, &r.expenditure, &r.three_public, &r.fixed_assets);
        vec![
            ("income", "total", i.total),
            ("income", "carryover", i.carryover),
            ("income", "publicFinance", i.public_finance),
            ("income", "governmentFund", i.government_fund),
            ("income", "specialAccountNonTax", i.special_account_non_tax),
            ("income", "other", i.other),
            ("expenditure", "total", e.total),
            ("expenditure", "basic", e.basic),
            ("expenditure", "personnel", e.personnel),
            ("expenditure", "operating", e.operating),
            ("expenditure", "project", e.project),
            ("expenditure", "currentBalance", e.current_balance),
            ("expenditure", "accumulatedBalance", e.accumulated_balance),
            ("threePublic", "total", t.total),
            ("threePublic", "reception", t.reception),
            ("threePublic", "vehicleOperation", t.vehicle_operation),
            ("threePublic", "vehiclePurchase", t.vehicle_purchase),
            ("threePublic", "overseasTravel", t.overseas_travel),
            ("fixedAssets", "total", f.total),
            ("fixedAssets", "inUse", f.in_use),
            ("fixedAssets", "leased", f.leased),
            ("fixedAssets", "other", f.other),
        ]
    };
    for unit in &doc.finance.units {
        for (table, column, value) in cells(unit) {
            if let Some(amount) = value {
                out.push(FiscalAmount {
                    unit: unit.name.clone(),
                    table,
                    column,
                    phase: "executed",
                    amount,
                    factor,
                });
            }
        }
    }
    for f in &doc.funding {
        let line = match f.line {
            FundingLineKind::Total => "年度资金总额",
            FundingLineKind::CurrentAppropriation => "本年财政拨款",
            FundingLineKind::PriorCarryover => "上年结转资金",
            FundingLineKind::Other => "其他资金",
            FundingLineKind::BasicExpenditure => "基本支出",
            FundingLineKind::ProjectExpenditure => "项目支出",
        };
        for (phase, value) in [
            ("proposed", f.initial_budget),
            ("adjusted", f.adjusted_budget),
            ("executed", f.executed),
        ] {
            if let Some(amount) = value {
                out.push(FiscalAmount {
                    unit: line.to_owned(),
                    table: "funding",
                    column: "amount",
                    phase,
                    amount,
                    factor,
                });
            }
        }
    }
    out
}
