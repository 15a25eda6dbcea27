//! Reading reports and indicators: filters, orderings and pages, scoped to the viewer in SQL.

use super::policy;
use crate::domain::pagination::{self, KeyKind, KeyValue, Page, PageRequest, SortKey};
use crate::domain::{Db, Viewer};
use crate::error::AppError;
use entity::{
    IndicatorCategory, IndicatorSubcategory, ReportKind, ReportStatus, department, indicator,
    report,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

/// Which reports.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Department id.
    pub department_id: Option<Uuid>,
    /// Department code.
    pub department_code: Option<String>,
    /// Kind.
    pub kind: Option<ReportKind>,
    /// Status.
    pub status: Option<ReportStatus>,
    /// Text searched in unit name, title and project name.
    pub search: Option<String>,
    /// Changed at or after this moment.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Changed before this moment.
    pub updated_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Created at or after this moment.
    pub created_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Created before this moment.
    pub created_before: Option<chrono::DateTime<chrono::Utc>>,
}

/// Report sort fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSort {
    /// Fiscal year.
    FiscalYear,
    /// Last change.
    UpdatedAt,
    /// Creation.
    CreatedAt,
    /// Declared score (unscored last when descending).
    DeclaredScore,
    /// Unit name.
    UnitName,
}

fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn contains(column: report::Column, pattern: &str) -> sea_orm::sea_query::Expr {
    Expr::col(column).like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
}

/// The filter as a SQL condition (without visibility).
pub fn condition(filter: &ReportFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(year) = filter.fiscal_year {
        c = c.add(report::Column::FiscalYear.eq(year));
    }
    if let Some(id) = filter.department_id {
        c = c.add(report::Column::DepartmentId.eq(id));
    }
    if let Some(code) = &filter.department_code {
        c = c.add(
            report::Column::DepartmentId.in_subquery(
                Query::select()
                    .column(department::Column::Id)
                    .from(department::Entity)
                    .and_where(department::Column::Code.eq(code.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(kind) = filter.kind {
        c = c.add(report::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        c = c.add(report::Column::Status.eq(status));
    }
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = like_pattern(text);
        c = c.add(
            Condition::any()
                .add(contains(report::Column::UnitName, &pattern))
                .add(contains(report::Column::Title, &pattern))
                .add(contains(report::Column::ProjectName, &pattern)),
        );
    }
    // Half-open ranges [since, before): consecutive windows neither miss nor repeat a report.
    if let Some(t) = filter.updated_since {
        c = c.add(report::Column::UpdatedAt.gte(t));
    }
    if let Some(t) = filter.updated_before {
        c = c.add(report::Column::UpdatedAt.lt(t));
    }
    if let Some(t) = filter.created_since {
        c = c.add(report::Column::CreatedAt.gte(t));
    }
    if let Some(t) = filter.created_before {
        c = c.add(report::Column::CreatedAt.lt(t));
    }
    c
}

/// Reports visible to the viewer and matching the filter.
pub fn visible(viewer: &Viewer, filter: &ReportFilter) -> Select<report::Entity> {
    report::Entity::find()
        .filter(policy::readable(viewer))
        .filter(condition(filter))
}

fn sort_key(sort: ReportSort, descending: bool) -> SortKey<report::Model> {
    type Read = fn(&report::Model) -> KeyValue;
    let (expr, kind, value): (Expr, KeyKind, Read) = match sort {
        ReportSort::FiscalYear => (
            Expr::col(report::Column::FiscalYear),
            KeyKind::Integer,
            |m| KeyValue::I(i64::from(m.fiscal_year)),
        ),
        ReportSort::UpdatedAt => (Expr::col(report::Column::UpdatedAt), KeyKind::Time, |m| {
            KeyValue::T(m.updated_at)
        }),
        ReportSort::CreatedAt => (Expr::col(report::Column::CreatedAt), KeyKind::Time, |m| {
            KeyValue::T(m.created_at)
        }),
        ReportSort::DeclaredScore => (
            Func::coalesce([Expr::col(report::Column::DeclaredScore), Expr::val(-1i64)]).into(),
            KeyKind::Integer,
            |m| KeyValue::I(m.declared_score.map_or(-1, |s| s.0)),
        ),
        ReportSort::UnitName => (Expr::col(report::Column::UnitName), KeyKind::Text, |m| {
            KeyValue::S(m.unit_name.clone())
        }),
    };
    SortKey {
        expr,
        kind,
        descending,
        value,
    }
}

/// One page of visible reports.
pub async fn page(
    db: &Db,
    viewer: &Viewer,
    filter: &ReportFilter,
    order: &[(ReportSort, bool)],
    request: &PageRequest,
) -> Result<Page<report::Model>, AppError> {
    let order: Vec<(ReportSort, bool)> = if order.is_empty() {
        vec![
            (ReportSort::FiscalYear, true),
            (ReportSort::UnitName, false),
        ]
    } else {
        order.to_vec()
    };
    let keys: Vec<_> = order.iter().map(|(s, d)| sort_key(*s, *d)).collect();
    pagination::fetch(
        &db.conn,
        visible(viewer, filter),
        &keys,
        Expr::col((report::Entity, report::Column::Id)),
        |m| m.id,
        request,
    )
    .await
}

/// A visible report by id.
pub async fn find(db: &Db, viewer: &Viewer, id: Uuid) -> Result<Option<report::Model>, AppError> {
    Ok(report::Entity::find_by_id(id)
        .filter(policy::readable(viewer))
        .one(&db.conn)
        .await?)
}

/// Which indicators (across reports).
#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    /// Level-1 group.
    pub category: Option<IndicatorCategory>,
    /// Level-2 group.
    pub subcategory: Option<IndicatorSubcategory>,
    /// Fiscal year of the report.
    pub fiscal_year: Option<i32>,
    /// Report.
    pub report_id: Option<Uuid>,
    /// Department of the report.
    pub department_id: Option<Uuid>,
}

/// Indicators of visible reports matching the filter.
pub fn visible_indicators(viewer: &Viewer, filter: &IndicatorFilter) -> Select<indicator::Entity> {
    let reports = ReportFilter {
        fiscal_year: filter.fiscal_year,
        department_id: filter.department_id,
        ..Default::default()
    };
    let mut report_ids = Query::select();
    report_ids
        .column(report::Column::Id)
        .from(report::Entity)
        .cond_where(policy::readable(viewer))
        .cond_where(condition(&reports));
    if let Some(id) = filter.report_id {
        report_ids.and_where(report::Column::Id.eq(id));
    }
    let mut select = indicator::Entity::find()
        .filter(indicator::Column::ReportId.in_subquery(report_ids.to_owned()));
    if let Some(category) = filter.category {
        select = select.filter(indicator::Column::Category.eq(category));
    }
    if let Some(subcategory) = filter.subcategory {
        select = select.filter(indicator::Column::Subcategory.eq(subcategory));
    }
    select
}

/// One page of visible indicators, in the order they were created.
pub async fn indicator_page(
    db: &Db,
    viewer: &Viewer,
    filter: &IndicatorFilter,
    request: &PageRequest,
) -> Result<Page<indicator::Model>, AppError> {
    pagination::fetch(
        &db.conn,
        visible_indicators(viewer, filter),
        &[],
        Expr::col((indicator::Entity, indicator::Column::Id)),
        |m| m.id,
        request,
    )
    .await
}

/// A visible indicator by id.
pub async fn find_indicator(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<indicator::Model>, AppError> {
    let filter = IndicatorFilter::default();
    Ok(visible_indicators(viewer, &filter)
        .filter(indicator::Column::Id.eq(id))
        .one(&db.conn)
        .await?)
}

/// A visible report as a form prints it.
pub struct Printable {
    /// The document; phone numbers removed for callers who may not see them.
    pub document: super::ReportDocument,
    /// The report row.
    pub row: report::Model,
    /// Signatures given, in order.
    pub signatures: Vec<entity::signature::Model>,
}

/// The report `id` if the viewer may read it, with its document and signatures.
pub async fn printable(db: &Db, viewer: &Viewer, id: Uuid) -> Result<Option<Printable>, AppError> {
    let Some(row) = find(db, viewer, id).await? else {
        return Ok(None);
    };
    Ok(printables_of(db, viewer, vec![row]).await?.pop())
}

/// Most reports in one workbook of forms.
pub const MAX_PRINTABLES: usize = 100;

/// The visible reports matching `filter` (in the list's default order) as forms print them;
/// refused when more than [`MAX_PRINTABLES`] match.
pub async fn printables(
    db: &Db,
    viewer: &Viewer,
    filter: &ReportFilter,
) -> Result<Vec<Printable>, AppError> {
    let request = PageRequest {
        first: i32::try_from(MAX_PRINTABLES).ok(),
        ..Default::default()
    };
    let page = page(db, viewer, filter, &[], &request).await?;
    if page.has_next_page {
        return Err(AppError::BadUserInput(format!(
            "符合条件的报告超过 {MAX_PRINTABLES} 份，请按年度、部门或状态缩小范围后再下载"
        )));
    }
    let rows = page.items.into_iter().map(|(_, row)| row).collect();
    printables_of(db, viewer, rows).await
}

async fn printables_of(
    db: &Db,
    viewer: &Viewer,
    rows: Vec<report::Model>,
) -> Result<Vec<Printable>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let departments: Vec<Uuid> = rows.iter().map(|r| r.department_id).collect();
    let codes: std::collections::HashMap<Uuid, String> =
        super::rows::departments_by_id(db, &departments)
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
    let mut signatures = super::rows::children_of::<entity::signature::Entity>(db, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let code = codes.get(&row.department_id).cloned().unwrap_or_default();
        let mut document = super::store::load(&db.conn, &row, code).await?;
        if !policy::sees_contact_details(viewer) {
            document.profile.contact_phone = None;
            if let Some(p) = &mut document.preparer {
                p.phone = None;
            }
        }
        out.push(Printable {
            signatures: signatures.remove(&row.id).unwrap_or_default(),
            document,
            row,
        });
    }
    Ok(out)
}
