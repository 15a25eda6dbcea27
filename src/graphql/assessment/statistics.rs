//! `reportStatistics`: the GraphQL shape of the domain statistics.

use super::*;

// ---------------------------------------------------------------- statistics

/// Reports in one band of ten points.
#[derive(SimpleObject)]
pub struct ScoreBand {
    /// Lowest score of the band (0, 10, … 90; 100 counts in 90).
    pub from: i32,
    /// Reports in the band.
    pub count: i64,
}

/// Reports with one grade.
#[derive(SimpleObject)]
pub struct GradeCount {
    /// Grade label (null: none).
    pub grade: Option<String>,
    /// Reports.
    pub count: i64,
}

/// Statistics of one score.
#[derive(SimpleObject)]
pub struct ScoreStatistics {
    /// Reports with a score.
    pub count: i64,
    /// Average, two decimals.
    pub average: Option<Decimal>,
    /// Lowest.
    pub min: Option<Decimal>,
    /// Highest.
    pub max: Option<Decimal>,
    /// Reports per band of ten points.
    pub distribution: Vec<ScoreBand>,
    /// Reports per grade.
    pub grades: Vec<GradeCount>,
}

/// Money totals over all units of the reports, in 万元 (blank cells count as nothing).
#[derive(SimpleObject)]
pub struct MoneyTotals {
    /// 收入合计.
    pub income: Option<Decimal>,
    /// 支出合计.
    pub expenditure: Option<Decimal>,
    /// 基本支出.
    pub basic_expenditure: Option<Decimal>,
    /// 项目支出.
    pub project_expenditure: Option<Decimal>,
    /// 当年结余.
    pub current_balance: Option<Decimal>,
    /// 三公经费.
    pub three_public: Option<Decimal>,
    /// 固定资产.
    pub fixed_assets: Option<Decimal>,
}

/// Statistics across the filtered reports visible to the caller, computed in SQL.
#[derive(SimpleObject)]
pub struct ReportStatistics {
    /// Reports.
    pub count: i64,
    /// Declared scores (绩效自评综合得分) and grades.
    pub declared: ScoreStatistics,
    /// Computed scores and grades (as stored at each report's last write).
    pub computed: ScoreStatistics,
    /// Money totals.
    pub money: MoneyTotals,
}

pub(super) fn score_statistics(
    s: crate::domain::report::statistics::ScoreStats,
) -> ScoreStatistics {
    ScoreStatistics {
        count: s.count,
        average: s.average.map(d),
        min: s.min.map(d),
        max: s.max.map(d),
        distribution: s
            .distribution
            .into_iter()
            .map(|(from, count)| ScoreBand {
                from: from as i32,
                count,
            })
            .collect(),
        grades: s
            .grades
            .into_iter()
            .map(|(grade, count)| GradeCount { grade, count })
            .collect(),
    }
}

/// Statistics query.
#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// Counts, average and distribution of computed and declared scores, grade distributions and
    /// money totals across the filtered reports the caller can see.
    async fn report_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which reports.")] filter: Option<crate::graphql::report::ReportFilter>,
    ) -> Result<ReportStatistics> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let s = crate::domain::report::statistics::compute(db(ctx), viewer(ctx), &filter).await?;
        let m = s.money;
        Ok(ReportStatistics {
            count: s.count,
            declared: score_statistics(s.declared),
            computed: score_statistics(s.computed),
            money: MoneyTotals {
                income: m.income.map(d),
                expenditure: m.expenditure.map(d),
                basic_expenditure: m.basic.map(d),
                project_expenditure: m.project.map(d),
                current_balance: m.current_balance.map(d),
                three_public: m.three_public.map(d),
                fixed_assets: m.fixed_assets.map(d),
            },
        })
    }
}
