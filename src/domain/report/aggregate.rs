//! Writing to a report as an aggregate: open it in a transaction (visible to the caller or
//! NOT_FOUND), check the caller's version, then commit a change together with its version bump
//! and its change event. Content edits, workflow transitions and signatures all go through here.

use super::policy;
use crate::domain::change::{self, Change, Operation};
use crate::domain::db::WriteTxn;
use crate::domain::{Db, FieldError, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{department, report};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use uuid::Uuid;

/// A report opened for writing.
pub struct OpenReport {
    /// The transaction (and, on SQLite, the write gate).
    pub txn: WriteTxn,
    /// The row as read in the transaction.
    pub row: report::Model,
    /// Its department's code.
    pub department_code: String,
}

/// Opens the report `id` for writing, if the viewer can see it. The row is locked until the
/// transaction ends (`FOR UPDATE`; SQLite's writers queue at the write gate instead), so
/// concurrent writers take turns: each sees the version the one before it wrote, and only a
/// caller who named an `expectedVersion` gets STALE_VERSION.
pub async fn open(db: &Db, viewer: &Viewer, id: Uuid) -> Result<OpenReport, AppError> {
    use sea_orm::QuerySelect;
    let txn = db.begin_write_on(&id.to_string()).await?;
    let Some(row) = report::Entity::find_by_id(id)
        .filter(policy::readable(viewer))
        .lock_exclusive()
        .one(&txn.txn)
        .await?
    else {
        return Err(not_found());
    };
    let department_code = department::Entity::find_by_id(row.department_id)
        .one(&txn.txn)
        .await?
        .map(|d| d.code)
        .ok_or_else(|| AppError::internal(format!("department of report {id} missing")))?;
    Ok(OpenReport {
        txn,
        row,
        department_code,
    })
}

/// The refusal for a report that does not exist or that the caller may not see: the same
/// for both, and naming no report.
pub fn not_found() -> AppError {
    AppError::NotFound("报告不存在或您无权查看".into())
}

/// The report `id` as the viewer may see it now, with its department's code; NOT_FOUND as
/// [`open`] refuses. For checking a caller again without opening the report for writing (a
/// replayed write).
pub async fn visible(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
) -> Result<(report::Model, String), AppError> {
    let row = super::query::find(db, viewer, id)
        .await?
        .ok_or_else(not_found)?;
    let code = department::Entity::find_by_id(row.department_id)
        .one(&db.conn)
        .await?
        .map(|d| d.code)
        .ok_or_else(|| AppError::internal(format!("department of report {id} missing")))?;
    Ok((row, code))
}

/// The STALE_VERSION error, if the caller's version is not the current one.
pub fn stale(row: &report::Model, expected: Option<i32>) -> Option<FieldError> {
    match expected {
        Some(v) if v != row.version => Some(FieldError::new(
            "expectedVersion",
            UserErrorCode::StaleVersion,
            format!(
                "报告已被他人修改：您基于第 {v} 版，当前为第 {} 版，请刷新后重试",
                row.version
            ),
        )),
        _ => None,
    }
}

/// Records an event about the report in the open transaction.
pub async fn record(
    open: &OpenReport,
    viewer: &Viewer,
    entity: (&str, Uuid),
    operation: Operation,
    version: i32,
) -> Result<(), AppError> {
    change::record(
        &open.txn.txn,
        Change {
            entity_type: entity.0,
            entity_id: entity.1,
            report_id: Some(open.row.id),
            department_id: Some(open.row.department_id),
            operation,
            version: Some(version),
            actor: viewer.actor(),
        },
    )
    .await
}

/// Applies `update` to the report row with the version bumped, guarded by the version read
/// (a concurrent writer makes this STALE_VERSION), and records the one event of the change,
/// about `entity` (the report itself, or the signature or comment the change made). Returns the new
/// version. The transaction stays open for more writes; commit it after.
pub async fn bump(
    open: &OpenReport,
    viewer: &Viewer,
    entity: (&str, Uuid),
    operation: Operation,
    update: impl FnOnce(&mut report::ActiveModel),
) -> Result<Result<i32, FieldError>, AppError> {
    let current = open.row.version;
    let version = current + 1;
    let mut row = open.row.clone().into_active_model();
    update(&mut row);
    row.version = Set(version);
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(viewer.actor());
    let result = report::Entity::update_many()
        .set(row)
        .filter(report::Column::Id.eq(open.row.id))
        .filter(report::Column::Version.eq(current))
        .exec(&open.txn.txn)
        .await?;
    if result.rows_affected != 1 {
        return Ok(Err(FieldError::new(
            "expectedVersion",
            UserErrorCode::StaleVersion,
            "报告刚被他人修改，请刷新后重试",
        )));
    }
    record(open, viewer, entity, operation, version).await?;
    Ok(Ok(version))
}

/// Reads the report after a committed write.
pub async fn reload(db: &Db, id: Uuid) -> Result<report::Model, AppError> {
    report::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::internal(format!("report {id} vanished after write")))
}
