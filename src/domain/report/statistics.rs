//! `reportStatistics`: counts, score statistics and distributions, grade distributions and money
//! totals across the reports a viewer can see, computed in SQL (exact integer sums; averages
//! divided in `Decimal`).
//!
//! Sums never overflow, on either database: SQLite's `SUM` of integers fails past 2^63 and
//! PostgreSQL's `SUM(bigint)` is a `numeric` that no longer fits back in a `BIGINT`, so each
//! column is summed in two parts — the quotient and the remainder of the value by 10^9 — which
//! stay far inside 64 bits for billions of rows of any `BIGINT`, and are joined in 128 bits
//! here ([`Split`]).

use super::query::{self, ReportFilter};
use crate::domain::{Db, Viewer};
use crate::error::AppError;
use entity::{finance_unit, report};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

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

/// Money totals over the units of the reports, in 万元 whatever unit each report was filed in,
/// exact to the fen.
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

/// The divisor of the two-part sums.
const SPLIT: i64 = 1_000_000_000;

/// The two parts of an exact sum: `SUM(x / 10^9)` and `SUM(x % 10^9)` (both databases truncate
/// toward zero and give the remainder the sign of `x`, so x = 10^9 · q + r row by row). With
/// |q| < 10^10 and |r| < 10^9, neither part leaves 64 bits before 9 × 10^8 rows.
type Split = (Option<i64>, Option<i64>);

/// Adds the two-part sum of `col` to `select` as `{alias}_q` and `{alias}_r`.
fn sum<S: QuerySelect>(
    select: S,
    col: impl sea_orm::sea_query::IntoColumnRef + Copy,
    alias: &str,
) -> S {
    let part =
        |e: SimpleExpr| -> SimpleExpr { Func::cast_as(Func::sum(e), Alias::new("BIGINT")).into() };
    select
        .column_as(part(Expr::col(col).div(SPLIT)), format!("{alias}_q"))
        .column_as(part(Expr::col(col).modulo(SPLIT)), format!("{alias}_r"))
}

/// Joins the two parts of a sum (`None` when no row had a value) in 128 bits.
fn joined((quotient, remainder): Split) -> Option<i128> {
    let (q, r) = (quotient?, remainder?);
    Some(i128::from(q) * i128::from(SPLIT) + i128::from(r))
}

/// A sum of fixed-point values at `scale` as a decimal. Every `BIGINT` sum of fewer than 2^32
/// rows is below 2^96, the largest decimal mantissa; anything beyond is an error, never a
/// wrong figure.
fn at_scale(sum: Option<i128>, scale: u32) -> Result<Option<Decimal>, AppError> {
    sum.map(|v| {
        Decimal::try_from_i128_with_scale(v, scale)
            .map_err(|_| AppError::internal(format!("sum {v} beyond the decimal range")))
    })
    .transpose()
}

fn hundredths(sum: Option<i128>) -> Result<Option<Decimal>, AppError> {
    at_scale(sum, entity::Hundredths::SCALE)
}

/// A sum of amounts (fen) in 万元: exact, with the decimals it needs and at least two.
fn wan_yuan(sum: Option<i128>) -> Result<Option<Decimal>, AppError> {
    Ok(at_scale(sum, entity::Millionths::SCALE)?.map(|v| {
        let mut v = v.normalize();
        if v.scale() < 2 {
            v.rescale(2);
        }
        v
    }))
}

fn scale(v: Option<entity::Hundredths>) -> Option<Decimal> {
    v.map(entity::Hundredths::to_decimal)
}

async fn score_stats(
    db: &Db,
    viewer: &Viewer,
    filter: &ReportFilter,
    score: report::Column,
    grade: report::Column,
) -> Result<ScoreStats, AppError> {
    type Row = (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let select = query::visible(viewer, filter)
        .select_only()
        .column_as(SimpleExpr::from(Func::count(Expr::col(score))), "n");
    let row: Option<Row> = sum(select, score, "total")
        .column_as(SimpleExpr::from(Func::min(Expr::col(score))), "low")
        .column_as(SimpleExpr::from(Func::max(Expr::col(score))), "high")
        .into_tuple()
        .one(&db.conn)
        .await?;
    let (count, quotient, remainder, min, max) = row.unwrap_or_default();
    let average = match (hundredths(joined((quotient, remainder)))?, count) {
        (Some(total), n) if n > 0 => total
            .checked_div(Decimal::from(n))
            .map(|a| a.round_dp(entity::Hundredths::SCALE)),
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
        min: scale(min.map(entity::Hundredths)),
        max: scale(max.map(entity::Hundredths)),
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
    let columns = [
        finance_unit::Column::IncomeTotal,
        finance_unit::Column::ExpenditureTotal,
        finance_unit::Column::ExpenditureBasic,
        finance_unit::Column::ExpenditureProject,
        finance_unit::Column::BalanceCurrent,
        finance_unit::Column::ThreePublicTotal,
        finance_unit::Column::FixedAssetsTotal,
    ];
    let mut select = finance_unit::Entity::find()
        .filter(finance_unit::Column::IsSummary.eq(false))
        .filter(finance_unit::Column::ReportId.in_subquery(ids))
        .select_only();
    for (i, column) in columns.iter().enumerate() {
        select = sum(select, *column, &format!("c{i}"));
    }
    let row = db.conn.query_one(&select.into_query()).await?;
    let mut totals = [None; 7];
    if let Some(row) = row {
        for (i, total) in totals.iter_mut().enumerate() {
            let part = |p: &str| row.try_get::<Option<i64>>("", &format!("c{i}_{p}"));
            *total = wan_yuan(joined((part("q")?, part("r")?)))?;
        }
    }
    let [
        income,
        expenditure,
        basic,
        project,
        current_balance,
        three_public,
        fixed_assets,
    ] = totals;
    Ok(Statistics {
        count,
        declared,
        computed,
        money: MoneyTotals {
            income,
            expenditure,
            basic,
            project,
            current_balance,
            three_public,
            fixed_assets,
        },
    })
}
