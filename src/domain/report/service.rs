//! Report use cases: create, upsert, update (any change expressed as an edit of the document),
//! soft delete. Each runs in one transaction with its version bump and change event.

use super::document::ReportDocument;
use super::snapshot::{Keep, Snapshot};
use super::{aggregate, policy, store};
use crate::domain::change::{self, Change, Operation};
use crate::domain::db::WriteTxn;
use crate::domain::idempotency::{self, Answer, Call, Replay};
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{ReportStatus, department, report};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tracing::instrument;
use uuid::Uuid;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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
    /// Every row of the report as the write left it, read in its transaction: kept by writes
    /// under an idempotency key (and the items of a keyed import), whose answers, first and
    /// replayed, are made from it. `None`: the answer reads the report as it is.
    pub snapshot: Option<Arc<Snapshot>>,
}

impl Written {
    /// The answer of a committed write to report `id`: from the snapshot it kept, or from the
    /// report read after it.
    pub async fn of(
        db: &Db,
        id: Uuid,
        kind: WriteKind,
        snapshot: Option<Arc<Snapshot>>,
    ) -> Result<Self, AppError> {
        let report = match &snapshot {
            Some(s) => s.report.clone(),
            None => aggregate::reload(db, id).await?,
        };
        Ok(Written {
            report,
            kind,
            snapshot,
        })
    }

    /// A recorded write.
    pub fn recorded(kind: WriteKind, snapshot: Box<Snapshot>) -> Self {
        Written {
            report: snapshot.report.clone(),
            kind,
            snapshot: Some(Arc::new(*snapshot)),
        }
    }
}

impl Answer for Written {
    fn replayed(replay: Replay) -> Option<Self> {
        match replay {
            Replay::Report { kind, snapshot } => Some(Written::recorded(kind, snapshot)),
            _ => None,
        }
    }
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

/// Takes `external_id` for a report of department `department_id`, in the write's
/// transaction: free if no report of the department has it, or if the one that had it was
/// deleted (a deleted report gives its external ID up to the next report its department files
/// under it; it stays a tombstone under its own id). `false` if a live report of the
/// department has it. Other departments' IDs are never looked at: each department has its own.
async fn take_external_id<C: ConnectionTrait>(
    db: &C,
    department_id: Uuid,
    external_id: &str,
) -> Result<bool, AppError> {
    let holder = report::Entity::find()
        .filter(report::Column::DepartmentId.eq(department_id))
        .filter(report::Column::ExternalId.eq(external_id))
        .one(db)
        .await?;
    match holder {
        None => Ok(true),
        Some(old) if old.deleted_at.is_some() => {
            report::Entity::update_many()
                .col_expr(
                    report::Column::ExternalId,
                    sea_orm::sea_query::Expr::value(Option::<String>::None),
                )
                .filter(report::Column::Id.eq(old.id))
                .exec(db)
                .await?;
            Ok(true)
        }
        Some(_) => Ok(false),
    }
}

/// Creates a report from a whole document, under the call's idempotency key if it has one.
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    external_id: Option<String>,
    doc: ReportDocument,
) -> Result<Outcome<Written>, AppError> {
    let department = doc.department_code.clone();
    idempotency::run(
        db,
        viewer,
        call,
        |w| async move { policy::ensure_writer(viewer, &department).map(|()| w) },
        |claim| async move {
            create_with(db, viewer, external_id, doc, Keep::key(claim.as_ref())).await
        },
    )
    .await
}

/// [`create`], keeping what `keep` asks.
#[instrument(skip_all, fields(external_id = external_id.as_deref().unwrap_or("")))]
async fn create_with(
    db: &Db,
    viewer: &Viewer,
    external_id: Option<String>,
    doc: ReportDocument,
    keep: Keep<'_>,
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
    if let Some(ext) = &external_id
        && !take_external_id(&txn.txn, dept.id, ext).await?
    {
        return refuse(
            "externalId",
            UserErrorCode::Duplicate,
            format!("本部门已有外部编号为 {ext} 的报告"),
        );
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
    finish(db, txn, keep, id, WriteKind::Created).await
}

/// Keeps what `keep` asks of report `id` after a write (its snapshot, and the answer under the
/// key), commits, and answers. A write that changed nothing commits only to record its key.
pub(crate) async fn finish(
    db: &Db,
    txn: WriteTxn,
    keep: Keep<'_>,
    id: Uuid,
    kind: WriteKind,
) -> Result<Outcome<Written>, AppError> {
    let snapshot =
        Box::pin(keep.keep(&txn.txn, id, |snapshot| Replay::Report { kind, snapshot })).await?;
    if kind != WriteKind::Unchanged || keep.records() {
        txn.commit().await?;
    } else {
        drop(txn);
    }
    Written::of(db, id, kind, snapshot).await.map(Ok)
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

/// Writes the whole document under `external_id` in the document's department: creates the
/// report, or replaces its content. The same document again changes nothing and keeps the
/// version. Under the call's idempotency key if it has one.
pub async fn upsert(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    external_id: String,
    expected_version: Option<i32>,
    doc: ReportDocument,
) -> Result<Outcome<Written>, AppError> {
    let department = doc.department_code.clone();
    idempotency::run(
        db,
        viewer,
        call,
        |w| async move { policy::ensure_writer(viewer, &department).map(|()| w) },
        |claim| async move {
            let keep = Keep::key(claim.as_ref());
            upsert_with(db, viewer, external_id, expected_version, doc, keep).await
        },
    )
    .await
}

/// [`upsert`], keeping what `keep` asks. The report is looked up among the document's
/// department's only, after the caller was checked against that department: a caller learns
/// nothing of other departments' external IDs, which are theirs to use too.
#[instrument(skip_all, fields(external_id = %external_id))]
pub async fn upsert_with(
    db: &Db,
    viewer: &Viewer,
    external_id: String,
    expected_version: Option<i32>,
    doc: ReportDocument,
    keep: Keep<'_>,
) -> Result<Outcome<Written>, AppError> {
    policy::ensure_writer(viewer, &doc.department_code)?;
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
            .filter(
                report::Column::DepartmentId.in_subquery(
                    Query::select()
                        .column(department::Column::Id)
                        .from(department::Entity)
                        .and_where(department::Column::Code.eq(doc.department_code.as_str()))
                        .to_owned(),
                ),
            )
            .filter(report::Column::DeletedAt.is_null())
            .one(&db.conn)
    };
    let replace = |row: report::Model, doc: ReportDocument| {
        Box::pin(edit_with(
            db,
            viewer,
            row.id,
            expected_version,
            keep,
            |stored| {
                let mut doc = doc;
                doc.adopt_ids(stored);
                *stored = doc;
                Ok(())
            },
        ))
    };
    let Some(row) = find().await? else {
        let created = Box::pin(create_with(
            db,
            viewer,
            Some(external_id.clone()),
            doc.clone(),
            keep,
        ))
        .await;
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
    edit_with(db, viewer, id, expected_version, Keep::Nothing, change).await
}

/// [`edit`], keeping what `keep` asks.
#[instrument(skip_all, fields(report.id = %id))]
async fn edit_with<F>(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    expected_version: Option<i32>,
    keep: Keep<'_>,
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
    // Evidence is written by attachEvidence and detachEvidence only.
    doc.evidence = stored.evidence.clone();
    if doc.same_as(&stored) {
        if let Keep::Nothing = keep {
            return Ok(Ok(Written {
                report: open.row,
                kind: WriteKind::Unchanged,
                snapshot: None,
            }));
        }
        return finish(db, open.txn, keep, id, WriteKind::Unchanged).await;
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
        let Some(d) = department_by_code(&open.txn.txn, &doc.department_code).await? else {
            return refuse(
                "departmentCode",
                UserErrorCode::NotFound,
                format!("部门编码 {} 不存在", doc.department_code),
            );
        };
        // The report takes its external ID along, into the new department's namespace.
        if let Some(ext) = &open.row.external_id
            && !take_external_id(&open.txn.txn, d.id, ext).await?
        {
            return refuse(
                "departmentCode",
                UserErrorCode::Duplicate,
                format!(
                    "部门 {} 已有外部编号为 {ext} 的报告，本报告不能移入",
                    doc.department_code
                ),
            );
        }
        d.id
    };
    doc.adopt_ids(&ReportDocument::default());
    if let Err(errors) = doc.keep_evidence(&stored.evidence) {
        return Ok(Err(errors));
    }
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
    finish(db, open.txn, keep, id, WriteKind::Updated).await
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
/// documents that were already published elsewhere (the reference report). Returns the snapshot
/// `keep` asks for (never recorded under a key).
pub async fn set_status(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    status: ReportStatus,
    keep: Keep<'_>,
) -> Result<Option<Arc<Snapshot>>, AppError> {
    let open = aggregate::open(db, viewer, id).await?;
    let changed = open.row.status != status;
    if changed {
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
    }
    let snapshot = keep
        .keep(&open.txn.txn, id, |snapshot| Replay::Report {
            kind: WriteKind::Updated,
            snapshot,
        })
        .await?;
    if changed {
        open.txn.commit().await?;
    }
    Ok(snapshot)
}
