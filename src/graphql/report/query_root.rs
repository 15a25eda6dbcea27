//! The report queries: one report by id, and the paged list.

use super::*;

/// Report queries.
#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// A report by global ID; null if it does not exist or is not visible to the caller.
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the report.")] id: ID,
    ) -> Result<Option<Report>> {
        let id = ids::decode(Kind::Report, &id)?;
        Ok(query::find(db(ctx), viewer(ctx), id)
            .await?
            .map(Report::live))
    }

    /// Reports visible to the caller (anonymous: published only), filtered and ordered
    /// (default: fiscal year descending, then unit name).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::graphql::limits::cost(first, last, child_complexity)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size forwards (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size backwards (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
        #[graphql(desc = "Which reports.")] filter: Option<ReportFilter>,
        #[graphql(desc = "Ordering keys, most significant first.")] order_by: Option<
            Vec<ReportOrder>,
        >,
    ) -> Result<ReportConnection> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let order: Vec<(ReportSort, bool)> = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| {
                let sort = match o.field {
                    ReportOrderField::FiscalYear => ReportSort::FiscalYear,
                    ReportOrderField::UpdatedAt => ReportSort::UpdatedAt,
                    ReportOrderField::CreatedAt => ReportSort::CreatedAt,
                    ReportOrderField::DeclaredScore => ReportSort::DeclaredScore,
                    ReportOrderField::UnitName => ReportSort::UnitName,
                };
                (sort, o.direction == OrderDirection::Desc)
            })
            .collect();
        let request = PageRequest {
            first,
            after,
            last,
            before,
        };
        let (db, viewer) = (db(ctx), viewer(ctx));
        let page = query::page(db, viewer, &filter, &order, &request).await?;
        let rows: Vec<_> = page.items.iter().map(|(_, r)| r).collect();
        crate::graphql::prefetch(ctx, &rows).await?;
        let viewer = viewer.clone();
        Ok(ReportConnection::new(
            page,
            move || query::visible(&viewer, &filter),
            Report::live,
        ))
    }
}
