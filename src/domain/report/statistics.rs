//! `reportStatistics`: counts, score statistics and distributions, grade distributions and money
//! totals across the reports a viewer can see, computed in SQL (exact integer sums; averages
//! divided in `Decimal`).

use super::query::{self, ReportFilter};
use crate::domain::{Db, Viewer};
use crate::error::AppError;
use entity::{finance_unit, report};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

/// Statistics of one score column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreStats {
    /// Reports with a score.
    pub count: i64,
    /// Average, two decimals.
    pub average: Option<Decimal>,
    /// Lowest.
    pub min: Option<Decimal>,
    /// Highest.
    pub max: Option<Decimal>,
    /// Reports per band of ten points: (lowest score of the band, count); 100 counts in 90.
    pub distribution: Vec<(i64, i64)>,
    /// Reports per grade.
    pub grades: Vec<(Option<String>, i64)>,
}

/// Money totals over the units of the reports (万元).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MoneyTotals {
    /// 收入合计.
    pub income: Option<Decimal>,
    /// 支出合计.
    pub expenditure: Option<Decimal>,
    /// 基本支出.
    pub basic: Option<Decimal>,
    /// 项目支出.
    pub project: Option<Decimal>,
    /// 当年结余.
    pub current_balance: Option<Decimal>,
    /// 三公经费.
    pub three_public: Option<Decimal>,
    /// 固定资产.
    pub fixed_assets: Option<Decimal>,
}

/// The statistics of a set of reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// Reports.
    pub count: i64,
    /// Declared scores.
    pub declared: ScoreStats,
    /// Computed scores.
    pub computed: ScoreStats,
    /// Money.
    pub money: MoneyTotals,
}

fn sum(col: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    Func::cast_as(Func::sum(Expr::col(col)), Alias::new("BIGINT")).into()
}

fn hundredths(v: Option<i64>) -> Option<Decimal> {
    v.map(|v| Decimal::new(v, 2))
}

async fn score_stats(
    db: &Db,
    viewer: &Viewer,
    filter: &ReportFilter,
    score: report::Column,
    grade: report::Column,
) -> Result<ScoreStats, AppError> {
    type Row = (i64, Option<i64>, Option<i64>, Option<i64>);
    let row: Option<Row> = query::visible(viewer, filter)
        .select_only()
        .column_as(SimpleExpr::from(Func::count(Expr::col(score))), "n")
        .column_as(sum(score), "total")
        .column_as(SimpleExpr::from(Func::min(Expr::col(score))), "low")
        .column_as(SimpleExpr::from(Func::max(Expr::col(score))), "high")
        .into_tuple()
        .one(&db.conn)
        .await?;
    let (count, total, min, max) = row.unwrap_or_default();
    let average = match (total, count) {
        (Some(t), n) if n > 0 => Some((Decimal::new(t, 2) / Decimal::from(n)).round_dp(2)),
        _ => None,
    };
    let bucket: SimpleExpr = Expr::col(score).div(1000).mul(10);
    let buckets: Vec<(Option<i64>, i64)> = query::visible(viewer, filter)
        .filter(score.is_not_null())
        .select_only()
        .column_as(bucket, "bucket")
        .column_as(
            SimpleExpr::from(Func::count(Expr::col(report::Column::Id))),
            "n",
        )
        .group_by(Expr::col(Alias::new("bucket")))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut distribution: Vec<(i64, i64)> = Vec::new();
    for (b, n) in buckets {
        let b = Ord::min(b.unwrap_or(0), 90);
        match distribution.iter_mut().find(|(k, _)| *k == b) {
            Some(slot) => slot.1 += n,
            None => distribution.push((b, n)),
        }
    }
    distribution.sort();
    let mut grades: Vec<(Option<String>, i64)> = query::visible(viewer, filter)
        .select_only()
        .column(grade)
        .column_as(
            SimpleExpr::from(Func::count(Expr::col(report::Column::Id))),
            "n",
        )
        .group_by(grade)
        .into_tuple()
        .all(&db.conn)
        .await?;
    grades.sort();
    Ok(ScoreStats {
        count,
        average,
        min: hundredths(min),
        max: hundredths(max),
        distribution,
        grades,
    })
}

/// Computes the statistics of the reports visible to `viewer` that match `filter`.
pub async fn compute(
    db: &Db,
    viewer: &Viewer,
    filter: &ReportFilter,
) -> Result<Statistics, AppError> {
    use sea_orm::PaginatorTrait;
    let count = query::visible(viewer, filter).count(&db.conn).await? as i64;
    let declared = score_stats(
        db,
        viewer,
        filter,
        report::Column::DeclaredScore,
        report::Column::DeclaredGrade,
    )
    .await?;
    let computed = score_stats(
        db,
        viewer,
        filter,
        report::Column::ComputedScore,
        report::Column::ComputedGrade,
    )
    .await?;
    let ids = query::visible(viewer, filter)
        .select_only()
        .column(report::Column::Id)
        .into_query();
    type Seven = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let money: Option<Seven> = finance_unit::Entity::find()
        .filter(finance_unit::Column::IsSummary.eq(false))
        .filter(finance_unit::Column::ReportId.in_subquery(ids))
        .select_only()
        .column_as(sum(finance_unit::Column::IncomeTotal), "income")
        .column_as(sum(finance_unit::Column::ExpenditureTotal), "expenditure")
        .column_as(sum(finance_unit::Column::ExpenditureBasic), "basic")
        .column_as(sum(finance_unit::Column::ExpenditureProject), "project")
        .column_as(sum(finance_unit::Column::BalanceCurrent), "balance")
        .column_as(sum(finance_unit::Column::ThreePublicTotal), "three_public")
        .column_as(sum(finance_unit::Column::FixedAssetsTotal), "fixed_assets")
        .into_tuple()
        .one(&db.conn)
        .await?;
    let (income, expenditure, basic, project, balance, three_public, fixed_assets) =
        money.unwrap_or_default();
    Ok(Statistics {
        count,
        declared,
        computed,
        money: MoneyTotals {
            income: hundredths(income),
            expenditure: hundredths(expenditure),
            basic: hundredths(basic),
            project: hundredths(project),
            current_balance: hundredths(balance),
            three_public: hundredths(three_public),
            fixed_assets: hundredths(fixed_assets),
        },
    })
}
