//! Report use cases: create, upsert, update (any change expressed as an edit of the document),
//! soft delete. Each runs in one transaction with its version bump and change event.

use super::document::ReportDocument;
use super::{policy, store};
use crate::domain::change::{self, Change, Operation};
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{ReportStatus, department, report};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use tracing::instrument;
use uuid::Uuid;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// A new report.
    Created,
    /// An existing report changed.
    Updated,
    /// The same content was sent again: nothing written, version kept.
    Unchanged,
}

/// A report after a write.
#[derive(Debug, Clone)]
pub struct Written {
    /// The stored row.
    pub report: report::Model,
    /// What happened.
    pub kind: WriteKind,
}

fn refuse<T>(
    field: &str,
    code: UserErrorCode,
    message: impl Into<String>,
) -> Result<Outcome<T>, AppError> {
    Ok(Err(vec![FieldError::new(field, code, message)]))
}

async fn department_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<Option<department::Model>, AppError> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(db)
        .await?)
}

async fn department_code<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<String, AppError> {
    department::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|d| d.code)
        .ok_or_else(|| AppError::internal(format!("report department {id} missing")))
}

/// Creates a report from a whole document.
#[instrument(skip_all, fields(external_id = external_id.as_deref().unwrap_or("")))]
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    external_id: Option<String>,
    doc: ReportDocument,
) -> Result<Outcome<Written>, AppError> {
    policy::ensure_writer(viewer, &doc.department_code)?;
    let mut doc = match doc.normalize() {
        Ok(doc) => doc,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(e) = external_id.as_deref().and_then(check_external_id) {
        return Ok(Err(vec![e]));
    }
    let txn = db.begin_write().await?;
    let Some(dept) = department_by_code(&txn.txn, &doc.department_code).await? else {
        return refuse(
            "departmentCode",
            UserErrorCode::NotFound,
            format!("部门编码 {} 不存在", doc.department_code),
        );
    };
    if let Some(ext) = &external_id {
        let taken = report::Entity::find()
            .filter(report::Column::ExternalId.eq(ext.as_str()))
            .one(&txn.txn)
            .await?;
        if taken.is_some() {
            return refuse(
                "externalId",
                UserErrorCode::Duplicate,
                format!("外部编号 {ext} 已被其他报告使用"),
            );
        }
    }
    doc.adopt_ids(&ReportDocument::default());
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut row = report::ActiveModel {
        id: Set(id),
        external_id: Set(external_id),
        status: Set(ReportStatus::Draft),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        created_by: Set(viewer.actor()),
        updated_by: Set(viewer.actor()),
        ..Default::default()
    };
    store::apply(&mut row, &doc, dept.id);
    report::Entity::insert(row)
        .exec_without_returning(&txn.txn)
        .await?;
    store::replace_children(&txn.txn, id, &doc).await?;
    change::record(
        &txn.txn,
        report_change(id, dept.id, Operation::Create, 1, viewer),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Written {
        report: reload(db, id).await?,
        kind: WriteKind::Created,
    }))
}

fn check_external_id(ext: &str) -> Option<FieldError> {
    if ext.trim().is_empty() {
        Some(FieldError::new(
            "externalId",
            UserErrorCode::Required,
            "外部编号不能为空",
        ))
    } else if ext.chars().count() > 200 {
        Some(FieldError::new(
            "externalId",
            UserErrorCode::TooLong,
            "外部编号最多 200 个字符",
        ))
    } else {
        None
    }
}

fn report_change(
    id: Uuid,
    department_id: Uuid,
    operation: Operation,
    version: i32,
    viewer: &Viewer,
) -> Change<'static> {
    Change {
        entity_type: "Report",
        entity_id: id,
        report_id: Some(id),
        department_id: Some(department_id),
        operation,
        version: Some(version),
        actor: viewer.actor(),
    }
}

async fn reload(db: &Db, id: Uuid) -> Result<report::Model, AppError> {
    report::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::internal(format!("report {id} vanished after write")))
}

/// Writes the whole document under `external_id`: creates the report, or replaces its content.
/// The same document again changes nothing and keeps the version.
#[instrument(skip_all, fields(external_id = %external_id))]
pub async fn upsert(
    db: &Db,
    viewer: &Viewer,
    external_id: String,
    expected_version: Option<i32>,
    doc: ReportDocument,
) -> Result<Outcome<Written>, AppError> {
    if let Some(e) = check_external_id(&external_id) {
        return Ok(Err(vec![e]));
    }
    let existing = report::Entity::find()
        .filter(report::Column::ExternalId.eq(external_id.as_str()))
        .one(&db.conn)
        .await?;
    match existing {
        None => create(db, viewer, Some(external_id), doc).await,
        Some(row) => {
            edit(db, viewer, row.id, expected_version, |stored| {
                let mut doc = doc;
                doc.adopt_ids(stored);
                *stored = doc;
                Ok(())
            })
            .await
        }
    }
}

/// Changes a report by editing its document: loads it, applies `change`, validates, and writes
/// it back if anything differs. Every content mutation goes through here.
#[instrument(skip_all, fields(report.id = %id))]
pub async fn edit<F>(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    expected_version: Option<i32>,
    change: F,
) -> Result<Outcome<Written>, AppError>
where
    F: FnOnce(&mut ReportDocument) -> Outcome<()>,
{
    let txn = db.begin_write().await?;
    let Some(row) = report::Entity::find_by_id(id)
        .filter(policy::readable(viewer))
        .one(&txn.txn)
        .await?
    else {
        return Err(AppError::NotFound(format!("报告 {id} 不存在或您无权查看")));
    };
    let old_code = department_code(&txn.txn, row.department_id).await?;
    policy::ensure_writer(viewer, &old_code)?;
    if let Some(expected) = expected_version
        && expected != row.version
    {
        return refuse(
            "expectedVersion",
            UserErrorCode::StaleVersion,
            format!(
                "报告已被他人修改：您基于第 {expected} 版，当前为第 {} 版，请刷新后重试",
                row.version
            ),
        );
    }
    let mut doc = store::load(&txn.txn, &row, old_code.clone()).await?;
    if let Err(errors) = change(&mut doc) {
        return Ok(Err(errors));
    }
    let mut doc = match doc.normalize() {
        Ok(doc) => doc,
        Err(errors) => return Ok(Err(errors)),
    };
    if doc.digest() == row.content_digest && row.deleted_at.is_none() {
        return Ok(Ok(Written {
            report: row,
            kind: WriteKind::Unchanged,
        }));
    }
    if !policy::content_editable(row.status) {
        return refuse(
            "",
            UserErrorCode::InvalidState,
            format!(
                "报告当前状态为 {}，只有草稿（DRAFT）或已退回（RETURNED）的报告可以修改内容",
                row.status.as_str()
            ),
        );
    }
    let department_id = if doc.department_code == old_code {
        row.department_id
    } else {
        policy::ensure_writer(viewer, &doc.department_code)?;
        match department_by_code(&txn.txn, &doc.department_code).await? {
            Some(d) => d.id,
            None => {
                return refuse(
                    "departmentCode",
                    UserErrorCode::NotFound,
                    format!("部门编码 {} 不存在", doc.department_code),
                );
            }
        }
    };
    doc.adopt_ids(&ReportDocument::default());
    let version = row.version + 1;
    let current = row.version;
    let mut update = row.into_active_model();
    store::apply(&mut update, &doc, department_id);
    update.version = Set(version);
    update.updated_at = Set(Utc::now());
    update.updated_by = Set(viewer.actor());
    update.deleted_at = Set(None);
    let result = report::Entity::update_many()
        .set(update)
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::Version.eq(current))
        .exec(&txn.txn)
        .await?;
    if result.rows_affected != 1 {
        return refuse(
            "expectedVersion",
            UserErrorCode::StaleVersion,
            "报告刚被他人修改，请刷新后重试",
        );
    }
    store::replace_children(&txn.txn, id, &doc).await?;
    change::record(
        &txn.txn,
        report_change(id, department_id, Operation::Update, version, viewer),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Written {
        report: reload(db, id).await?,
        kind: WriteKind::Updated,
    }))
}

/// Soft-deletes a report, leaving a tombstone event.
#[instrument(skip_all, fields(report.id = %id))]
pub async fn delete(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<Outcome<Uuid>, AppError> {
    let txn = db.begin_write().await?;
    let Some(row) = report::Entity::find_by_id(id)
        .filter(policy::readable(viewer))
        .one(&txn.txn)
        .await?
    else {
        return Err(AppError::NotFound(format!("报告 {id} 不存在或您无权查看")));
    };
    let code = department_code(&txn.txn, row.department_id).await?;
    policy::ensure_writer(viewer, &code)?;
    if let Some(expected) = expected_version
        && expected != row.version
    {
        return refuse(
            "expectedVersion",
            UserErrorCode::StaleVersion,
            format!("报告已被他人修改：当前为第 {} 版", row.version),
        );
    }
    if !policy::content_editable(row.status) {
        return refuse(
            "",
            UserErrorCode::InvalidState,
            "只有草稿（DRAFT）或已退回（RETURNED）的报告可以删除",
        );
    }
    let version = row.version + 1;
    let department_id = row.department_id;
    let mut update = row.into_active_model();
    update.deleted_at = Set(Some(Utc::now()));
    update.version = Set(version);
    update.updated_by = Set(viewer.actor());
    report::Entity::update(update).exec(&txn.txn).await?;
    change::record(
        &txn.txn,
        report_change(id, department_id, Operation::Delete, version, viewer),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Sets a report's workflow state directly (used to load already-published documents).
pub async fn set_status(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    status: ReportStatus,
) -> Result<(), AppError> {
    let txn = db.begin_write().await?;
    let row = report::Entity::find_by_id(id)
        .one(&txn.txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("报告 {id} 不存在")))?;
    if row.status == status {
        return Ok(());
    }
    let version = row.version + 1;
    let department_id = row.department_id;
    let mut update = row.into_active_model();
    update.status = Set(status);
    update.version = Set(version);
    update.updated_at = Set(Utc::now());
    report::Entity::update(update).exec(&txn.txn).await?;
    change::record(
        &txn.txn,
        report_change(id, department_id, Operation::Update, version, viewer),
    )
    .await?;
    txn.commit().await
}
