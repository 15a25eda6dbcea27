//! Report use cases: create, upsert, update (any change expressed as an edit of the document),
//! soft delete. Each runs in one transaction with its version bump and change event.

use super::document::ReportDocument;
use super::{aggregate, policy, store};
use crate::domain::change::{self, Change, Operation};
use crate::domain::idempotency::{self, Claim};
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{ReportStatus, department, report};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
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

/// The computed score and grade of a document under the profile its region and year select.
async fn computed(
    db: &Db,
    region: Option<&str>,
    doc: &ReportDocument,
) -> Result<(Option<entity::Hundredths>, Option<String>), AppError> {
    let profile =
        crate::domain::assessment::profile::for_report(db, region, doc.fiscal_year).await?;
    Ok(crate::domain::assessment::service::computed(
        doc,
        &profile.rules,
    ))
}

/// Creates a report from a whole document.
#[instrument(skip_all, fields(external_id = external_id.as_deref().unwrap_or("")))]
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    external_id: Option<String>,
    doc: ReportDocument,
    idem: Option<&Claim>,
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
        match taken {
            // A deleted report gives its external ID up: the ID names the new report from now on
            // (the deleted one stays a tombstone under its own id).
            // ...when the caller may write the deleted report's department too.
            Some(old)
                if old.deleted_at.is_some()
                    && department::Entity::find_by_id(old.department_id)
                        .one(&txn.txn)
                        .await?
                        .is_some_and(|d| policy::ensure_writer(viewer, &d.code).is_ok()) =>
            {
                report::Entity::update_many()
                    .col_expr(
                        report::Column::ExternalId,
                        sea_orm::sea_query::Expr::value(Option::<String>::None),
                    )
                    .filter(report::Column::Id.eq(old.id))
                    .exec(&txn.txn)
                    .await?;
            }
            Some(_) => {
                return refuse(
                    "externalId",
                    UserErrorCode::Duplicate,
                    format!("外部编号 {ext} 已被其他报告使用"),
                );
            }
            None => {}
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
    let (score, grade) = computed(db, dept.region.as_deref(), &doc).await?;
    row.computed_score = Set(score);
    row.computed_grade = Set(grade);
    report::Entity::insert(row)
        .exec_without_returning(&txn.txn)
        .await?;
    store::replace_children(&txn.txn, id, &doc).await?;
    change::record(
        &txn.txn,
        report_change(id, dept.id, Operation::Create, 1, viewer),
    )
    .await?;
    idempotency::remember(
        &txn.txn,
        idem,
        serde_json::json!({ "reportId": id, "kind": "CREATED" }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Written {
        report: aggregate::reload(db, id).await?,
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

/// Writes the whole document under `external_id`: creates the report, or replaces its content.
/// The same document again changes nothing and keeps the version.
#[instrument(skip_all, fields(external_id = %external_id))]
pub async fn upsert(
    db: &Db,
    viewer: &Viewer,
    external_id: String,
    expected_version: Option<i32>,
    doc: ReportDocument,
    idem: Option<&Claim>,
) -> Result<Outcome<Written>, AppError> {
    if let Some(e) = check_external_id(&external_id) {
        return Ok(Err(vec![e]));
    }
    // Upserts of one external ID take turns in the process (holding no connection), so the
    // first creates the report and the others update it.
    let _turn = db
        .turn(&format!("external:{}:{external_id}", doc.department_code))
        .await;
    let find = || {
        report::Entity::find()
            .filter(report::Column::ExternalId.eq(external_id.as_str()))
            .filter(report::Column::DeletedAt.is_null())
            .one(&db.conn)
    };
    let replace = |row: report::Model, doc: ReportDocument| {
        edit_with(db, viewer, row.id, expected_version, idem, |stored| {
            let mut doc = doc;
            doc.adopt_ids(stored);
            *stored = doc;
            Ok(())
        })
    };
    let Some(row) = find().await? else {
        let created = create(db, viewer, Some(external_id.clone()), doc.clone(), idem).await;
        // Another upsert of the same new external ID won the race (a unique-key conflict on
        // PostgreSQL, the in-transaction check on SQLite): this one becomes an update.
        let lost = match &created {
            Err(AppError::Conflict(_)) => true,
            Ok(Err(errors)) => errors
                .iter()
                .any(|e| e.code == UserErrorCode::Duplicate && e.field == ["externalId"]),
            _ => false,
        };
        if lost && let Some(row) = find().await? {
            return replace(row, doc).await;
        }
        return created;
    };
    replace(row, doc).await
}

/// Changes a report by editing its document: loads it, applies `change`, validates, and writes
/// it back if anything differs. Every content mutation goes through here.
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
    edit_with(db, viewer, id, expected_version, None, change).await
}

/// [`edit`], recording an idempotency key with the write.
#[instrument(skip_all, fields(report.id = %id))]
pub async fn edit_with<F>(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    expected_version: Option<i32>,
    idem: Option<&Claim>,
    change: F,
) -> Result<Outcome<Written>, AppError>
where
    F: FnOnce(&mut ReportDocument) -> Outcome<()>,
{
    let open = aggregate::open(db, viewer, id).await?;
    policy::ensure_writer(viewer, &open.department_code)?;
    if let Some(e) = aggregate::stale(&open.row, expected_version) {
        return Ok(Err(vec![e]));
    }
    let stored = store::load(&open.txn.txn, &open.row, open.department_code.clone()).await?;
    let mut doc = stored.clone();
    if let Err(errors) = change(&mut doc) {
        return Ok(Err(errors));
    }
    let mut doc = match doc.normalize() {
        Ok(doc) => doc,
        Err(errors) => return Ok(Err(errors)),
    };
    if doc.same_as(&stored) {
        return Ok(Ok(Written {
            report: open.row,
            kind: WriteKind::Unchanged,
        }));
    }
    if !policy::content_editable(open.row.status) {
        return refuse(
            "",
            UserErrorCode::InvalidState,
            format!(
                "报告当前状态为 {}，只有草稿（DRAFT）或已退回（RETURNED）的报告可以修改内容",
                open.row.status.as_str()
            ),
        );
    }
    // An opinion given with a signature is its signer's: nobody else changes or removes it,
    // whichever write path replaces the document's opinions.
    if let Some(e) = crate::domain::workflow::binding::guard_opinions(
        &open.txn.txn,
        viewer,
        id,
        &stored.opinions,
        &doc.opinions,
    )
    .await?
    {
        return Ok(Err(vec![e]));
    }
    let department_id = if doc.department_code == open.department_code {
        open.row.department_id
    } else {
        policy::ensure_writer(viewer, &doc.department_code)?;
        match department_by_code(&open.txn.txn, &doc.department_code).await? {
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
    let region = department::Entity::find_by_id(department_id)
        .one(&open.txn.txn)
        .await?
        .and_then(|d| d.region);
    let (score, grade) = computed(db, region.as_deref(), &doc).await?;
    let bumped = aggregate::bump(&open, viewer, ("Report", id), Operation::Update, |row| {
        store::apply(row, &doc, department_id);
        row.computed_score = Set(score);
        row.computed_grade = Set(grade);
    })
    .await?;
    if let Err(e) = bumped {
        return Ok(Err(vec![e]));
    }
    store::replace_children(&open.txn.txn, id, &doc).await?;
    idempotency::remember(
        &open.txn.txn,
        idem,
        serde_json::json!({ "reportId": id, "kind": "UPDATED" }),
    )
    .await?;
    open.txn.commit().await?;
    Ok(Ok(Written {
        report: aggregate::reload(db, id).await?,
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
    let open = aggregate::open(db, viewer, id).await?;
    policy::ensure_writer(viewer, &open.department_code)?;
    if let Some(e) = aggregate::stale(&open.row, expected_version) {
        return Ok(Err(vec![e]));
    }
    if !policy::content_editable(open.row.status) {
        return refuse(
            "",
            UserErrorCode::InvalidState,
            "只有草稿（DRAFT）或已退回（RETURNED）的报告可以删除",
        );
    }
    let bumped = aggregate::bump(&open, viewer, ("Report", id), Operation::Delete, |row| {
        row.deleted_at = Set(Some(Utc::now()));
    })
    .await?;
    if let Err(e) = bumped {
        return Ok(Err(vec![e]));
    }
    open.txn.commit().await?;
    Ok(Ok(id))
}

/// Sets a report's workflow state directly, without the workflow's checks: only for loading
/// documents that were already published elsewhere (the reference report).
pub async fn set_status(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    status: ReportStatus,
) -> Result<(), AppError> {
    let open = aggregate::open(db, viewer, id).await?;
    if open.row.status == status {
        return Ok(());
    }
    let operation = if status == ReportStatus::Published {
        Operation::Publish
    } else {
        Operation::Update
    };
    aggregate::bump(&open, viewer, ("Report", id), operation, |row| {
        row.status = Set(status)
    })
    .await?
    .map_err(|e| AppError::Conflict(e.message))?;
    open.txn.commit().await
}
