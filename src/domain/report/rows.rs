//! Batched reads for the GraphQL layer's DataLoaders: the rows of many reports' child tables in
//! one query per table, and rows by id. The callers authorized the parents already.

use crate::domain::Db;
use crate::domain::report::snapshot::Snapshot;
use crate::error::AppError;
use entity::row::{DecodeRow, SelectRows};
use entity::{
    attachment, department, evaluator, finance_unit, funding_line, indicator, narrative_section,
    opinion, qualitative_goal, report, review_comment, signature,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// A table whose rows belong to a report, in `ordinal` order.
pub trait ReportChild: EntityTrait<Model: DecodeRow> {
    /// The `report_id` column.
    fn report_column() -> Self::Column;
    /// The `ordinal` column.
    fn ordinal_column() -> Self::Column;
    /// A row's report.
    fn report_of(model: &Self::Model) -> Uuid;
    /// The report's rows of this table in a snapshot.
    fn in_snapshot(snapshot: &Snapshot) -> &[Self::Model];
    /// Which rows are current (all, but for evidence: not the detached).
    fn current() -> sea_orm::Condition {
        sea_orm::Condition::all()
    }
}

macro_rules! report_child {
    ($($module:ident => $($rows:ident).+),*) => {$(
        impl ReportChild for $module::Entity {
            fn report_column() -> Self::Column { $module::Column::ReportId }
            fn ordinal_column() -> Self::Column { $module::Column::Ordinal }
            fn report_of(model: &Self::Model) -> Uuid { model.report_id }
            fn in_snapshot(snapshot: &Snapshot) -> &[Self::Model] { &snapshot.$($rows).+ }
        }
    )*};
}
impl ReportChild for review_comment::Entity {
    fn report_column() -> Self::Column {
        review_comment::Column::ReportId
    }
    fn ordinal_column() -> Self::Column {
        review_comment::Column::CreatedAt
    }
    fn report_of(model: &Self::Model) -> Uuid {
        model.report_id
    }
    fn in_snapshot(snapshot: &Snapshot) -> &[Self::Model] {
        &snapshot.comments
    }
}

impl ReportChild for attachment::Entity {
    fn report_column() -> Self::Column {
        attachment::Column::ReportId
    }
    fn ordinal_column() -> Self::Column {
        attachment::Column::Id
    }
    fn report_of(model: &Self::Model) -> Uuid {
        model.report_id.unwrap_or_default()
    }
    fn in_snapshot(snapshot: &Snapshot) -> &[Self::Model] {
        &snapshot.content.attachments
    }
    fn current() -> sea_orm::Condition {
        sea_orm::Condition::all().add(attachment::Column::DetachedAt.is_null())
    }
}

report_child!(
    finance_unit => content.finance_units,
    qualitative_goal => content.qualitative_goals,
    indicator => content.indicators,
    evaluator => content.evaluators,
    opinion => content.opinions,
    narrative_section => content.sections,
    funding_line => content.funding_lines,
    signature => signatures
);

/// The rows of `E` of each of `reports`, in order (every report present, with no rows if none).
pub async fn children_of<E: ReportChild>(
    db: &Db,
    reports: &[Uuid],
) -> Result<HashMap<Uuid, Vec<E::Model>>, AppError>
where
    E::Model: Send + Sync,
{
    let rows = E::find()
        .filter(E::report_column().is_in(reports.iter().copied()))
        .filter(E::current())
        .order_by_asc(E::report_column())
        .order_by_asc(E::ordinal_column())
        .all_rows(&db.conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<E::Model>> = reports.iter().map(|k| (*k, Vec::new())).collect();
    for row in rows {
        map.entry(E::report_of(&row)).or_default().push(row);
    }
    Ok(map)
}

/// Reports by id (deleted ones included: the caller decides).
pub async fn reports_by_id(db: &Db, ids: &[Uuid]) -> Result<Vec<report::Model>, AppError> {
    Ok(report::Entity::find()
        .filter(report::Column::Id.is_in(ids.iter().copied()))
        .all_rows(&db.conn)
        .await?)
}

/// Departments by id.
pub async fn departments_by_id(db: &Db, ids: &[Uuid]) -> Result<Vec<department::Model>, AppError> {
    Ok(department::Entity::find()
        .filter(department::Column::Id.is_in(ids.iter().copied()))
        .all_rows(&db.conn)
        .await?)
}
