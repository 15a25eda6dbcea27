//! Evidence (佐证材料): files behind a report's figures — contracts, statistics tables,
//! acceptance certificates, photos — attached to the report, an indicator, a narrative section,
//! a finance cell or a field (the anchors review comments use).
//!
//! - A file is examined before anything is written ([`examine`]): its size against the limit,
//!   its SHA-256, and its media type sniffed from the content, which must be on the allow-list
//!   and match what its name and declared type claim.
//! - Its bytes go to the evidence store ([`blobs`]) under their SHA-256, once however often the
//!   file is attached; then the attachment row is written with the report's version bump and
//!   change event, in the report's write transaction.
//! - Attachments are content: each one's anchor, file name, media type, size, SHA-256 and
//!   description are part of the report's canonical document (`ReportDocument::evidence`), so
//!   attaching, detaching or swapping a file changes `contentDigest` and invalidates earlier
//!   signatures, exactly like editing a figure.
//! - A detached attachment keeps its row until the retention has passed, and a staged upload
//!   (`POST /attachments`, not yet attached) lives that long too; then [`sweep`] removes the rows
//!   and every blob no row refers to.

pub mod blobs;
mod examine;
mod restore;
pub mod sniff;
mod sweep;

pub use examine::examine;
pub use restore::restore;

pub use sweep::{BlobCheck, BlobState, check_blobs, sweep};

use crate::domain::change::Operation;
use crate::domain::comment::{Anchor, canonical_path};
use crate::domain::report::aggregate::{self, OpenReport};
use crate::domain::report::policy;
use crate::domain::report::store::Content;
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use blobs::Blobs;
use chrono::Utc;
use entity::attachment;
use entity::row::SelectRows;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// Limits of the evidence (each configurable; README, Configuration).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file, in bytes.
    pub max_file_bytes: u64,
    /// Most files attached to one report.
    pub max_files: usize,
    /// Most bytes attached to one report.
    pub max_report_bytes: u64,
    /// Media types taken.
    pub allowed: Vec<String>,
    /// How long a detached attachment's blob and a staged upload are kept.
    pub retention: chrono::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_files: crate::domain::report::document::max_rows::ATTACHMENTS,
            max_report_bytes: 1024 * 1024 * 1024,
            allowed: sniff::DEFAULT_ALLOWED
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            retention: chrono::Duration::hours(24),
        }
    }
}

/// The evidence store and its limits.
pub struct Evidence {
    /// Where blobs live.
    pub blobs: Blobs,
    /// The limits.
    pub limits: Limits,
}

/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 2_000;

/// A file handed in: its content in a temporary file, and the name and type the client gave.
pub struct Incoming {
    /// The content.
    pub file: std::fs::File,
    /// The file name as sent.
    pub name: String,
    /// The media type as declared (multipart part or `Content-Type`).
    pub declared: Option<String>,
}

/// A file examined: what its content is.
#[derive(Debug, Clone)]
pub struct Examined {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// Sniffed media type.
    pub media_type: &'static str,
    /// The file name to keep.
    pub file_name: String,
}

fn refused<T>(code: UserErrorCode, message: impl Into<String>) -> Outcome<T> {
    Err(vec![FieldError::new("file", code, message)])
}

/// Examines `incoming` and stores its bytes; the row is the caller's to write.
async fn store(evidence: &Evidence, incoming: Incoming) -> Result<Outcome<Examined>, AppError> {
    let (examined, file) = match examine(&evidence.limits, incoming).await? {
        Ok(e) => e,
        Err(errors) => return Ok(Err(errors)),
    };
    evidence
        .blobs
        .put_file(&file, &examined.sha256, examined.size)
        .await?;
    Ok(Ok(examined))
}

fn row_of(viewer: &Viewer, examined: Examined, description: Option<String>) -> attachment::Model {
    attachment::Model {
        id: Uuid::now_v7(),
        report_id: None,
        target_kind: None,
        target_path: None,
        indicator_id: None,
        file_name: examined.file_name,
        media_type: examined.media_type.to_owned(),
        size: i64::try_from(examined.size).unwrap_or(i64::MAX),
        sha256: examined.sha256,
        description,
        uploaded_by: viewer.actor().unwrap_or_default(),
        uploader_name: viewer.name.clone().unwrap_or_default(),
        uploaded_at: Utc::now(),
        attached_at: None,
        detached_at: None,
    }
}

/// Stores a file handed in without a report (`POST /attachments`): an upload its uploader
/// attaches later with `attachEvidence(uploadId:)`, removed if not attached within the
/// retention. Any caller who may write reports somewhere may upload.
pub async fn upload(
    db: &Db,
    viewer: &Viewer,
    incoming: Incoming,
) -> Result<Outcome<attachment::Model>, AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("上传佐证材料需要登录".into()));
    }
    if !policy::may_write_reports(viewer) {
        return Err(AppError::Forbidden(
            "上传佐证材料需要填报人（PREPARER）、同步客户端（SYNC_CLIENT）或管理员角色".into(),
        ));
    }
    let evidence = db.evidence()?;
    let examined = match store(evidence, incoming).await? {
        Ok(e) => e,
        Err(errors) => return Ok(Err(errors)),
    };
    let row = row_of(viewer, examined, None);
    attachment::Entity::insert(attachment::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(&db.conn)
        .await?;
    Ok(Ok(row))
}

/// Where the file of an attachment comes from.
pub enum Source {
    /// Handed in with the mutation (a GraphQL multipart upload).
    File(Incoming),
    /// An earlier upload of the caller's (`POST /attachments`).
    Upload(Uuid),
}

/// What to attach, and where.
pub struct Attach {
    /// The report.
    pub report_id: Uuid,
    /// Where on the report.
    pub anchor: Anchor,
    /// The file.
    pub source: Source,
    /// What the file shows.
    pub description: Option<String>,
    /// The version the caller read (STALE_VERSION otherwise).
    pub expected_version: Option<i32>,
}

/// An attachment written, and the report's version after it.
#[derive(Debug, Clone)]
pub struct Attached {
    /// The attachment.
    pub attachment: attachment::Model,
    /// The report after the write.
    pub report: entity::report::Model,
}

fn check_description(description: Option<String>) -> Outcome<Option<String>> {
    let description = description
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    match &description {
        Some(d) if d.chars().count() > MAX_DESCRIPTION => Err(vec![FieldError::new(
            "description",
            UserErrorCode::TooLong,
            format!("说明最多 {MAX_DESCRIPTION} 个字符"),
        )]),
        _ => Ok(description),
    }
}

/// Refuses a write to evidence the report's state or the caller's version forbids.
fn check_writable(open: &OpenReport, expected: Option<i32>) -> Option<FieldError> {
    if let Some(e) = aggregate::stale(&open.row, expected) {
        return Some(e);
    }
    (!policy::content_editable(open.row.status)).then(|| {
        FieldError::new(
            "",
            UserErrorCode::InvalidState,
            format!(
                "报告当前状态为 {}，只有草稿（DRAFT）或已退回（RETURNED）的报告可以增删佐证材料",
                open.row.status.as_str()
            ),
        )
    })
}

/// Attaches a file to a report: the report's writers, while it is DRAFT or RETURNED. The same
/// file on the same anchor again changes nothing and answers the attachment already there.
pub async fn attach(
    db: &Db,
    viewer: &Viewer,
    input: Attach,
) -> Result<Outcome<Attached>, AppError> {
    let evidence = db.evidence()?;
    let description = match check_description(input.description) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    // The caller may write this report: checked before the file is read and stored.
    let (_, code) = aggregate::visible(db, viewer, input.report_id).await?;
    policy::ensure_writer(viewer, &code)?;
    let is_staged = matches!(input.source, Source::Upload(_));
    let staged = match input.source {
        Source::File(incoming) => match store(evidence, incoming).await? {
            Ok(examined) => row_of(viewer, examined, None),
            Err(errors) => return Ok(Err(errors)),
        },
        Source::Upload(id) => match staged_upload(db, viewer, id, &evidence.limits).await? {
            Some(row) => row,
            None => {
                return Ok(Err(vec![FieldError::new(
                    "uploadId",
                    UserErrorCode::NotFound,
                    "上传的文件不存在、已使用或已过期（未使用的上传保留期满即删除），请重新上传",
                )]));
            }
        },
    };
    let open = aggregate::open(db, viewer, input.report_id).await?;
    policy::ensure_writer(viewer, &open.department_code)?;
    if let Some(e) = check_writable(&open, input.expected_version) {
        return Ok(Err(vec![e]));
    }
    if let Err(e) = crate::domain::comment::check_anchor(&open, &input.anchor).await? {
        return Ok(Err(e));
    }
    let anchor = &input.anchor;
    let path = anchor
        .path
        .as_deref()
        .map(|p| canonical_path(anchor.kind, p.trim()))
        .filter(|p| !p.is_empty() && anchor.kind != entity::CommentTargetKind::Report);
    let indicator = anchor
        .indicator
        .filter(|_| anchor.kind == entity::CommentTargetKind::Indicator);
    let content = Content::load(&open.txn.txn, open.row.id).await?;
    if let Some(same) = content.attachments.iter().find(|a| {
        a.sha256 == staged.sha256
            && a.target_kind == Some(anchor.kind)
            && a.target_path == path
            && a.indicator_id == indicator
    }) {
        return Ok(Ok(Attached {
            attachment: same.clone(),
            report: open.row.clone(),
        }));
    }
    let limits = &evidence.limits;
    let bytes: i64 = content.attachments.iter().map(|a| a.size).sum();
    if content.attachments.len() >= limits.max_files {
        return Ok(refused(
            UserErrorCode::AttachmentLimit,
            format!(
                "本报告已有 {} 个佐证材料，达到上限",
                content.attachments.len()
            ),
        ));
    }
    if u64::try_from(bytes.saturating_add(staged.size)).unwrap_or(u64::MAX)
        > limits.max_report_bytes
    {
        return Ok(refused(
            UserErrorCode::AttachmentLimit,
            format!(
                "本报告佐证材料合计将超过 {} 字节的上限",
                limits.max_report_bytes
            ),
        ));
    }
    let now = Utc::now();
    let row = attachment::Model {
        report_id: Some(open.row.id),
        target_kind: Some(anchor.kind),
        target_path: path,
        indicator_id: indicator,
        description,
        attached_at: Some(now),
        ..staged
    };
    if is_staged {
        attachment::Entity::update(attachment::ActiveModel::from(row.clone()).reset_all())
            .exec(&open.txn.txn)
            .await?;
    } else {
        attachment::Entity::insert(attachment::ActiveModel::from(row.clone()).reset_all())
            .exec_without_returning(&open.txn.txn)
            .await?;
    }
    let report = redigest(&open, viewer, ("Attachment", row.id), Operation::Attach).await?;
    match report {
        Ok(report) => {
            open.txn.commit().await?;
            Ok(Ok(Attached {
                attachment: row,
                report,
            }))
        }
        Err(e) => Ok(Err(vec![e])),
    }
}

/// The caller's own upload `id`, not yet attached and within the retention.
async fn staged_upload(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    limits: &Limits,
) -> Result<Option<attachment::Model>, AppError> {
    let Some(actor) = viewer.actor() else {
        return Ok(None);
    };
    let row = attachment::Entity::find_by_id(id)
        .filter(attachment::Column::ReportId.is_null())
        .filter(attachment::Column::UploadedBy.eq(actor))
        .filter(attachment::Column::UploadedAt.gt(Utc::now() - limits.retention))
        .one(&db.conn)
        .await?;
    Ok(row)
}

/// Detaches an attachment: the report's writers, while it is DRAFT or RETURNED.
pub async fn detach(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<Outcome<Attached>, AppError> {
    let Some(row) = find(db, viewer, id).await? else {
        return Err(not_found());
    };
    let Some(report_id) = row.report_id else {
        return Err(not_found());
    };
    let open = aggregate::open(db, viewer, report_id).await?;
    policy::ensure_writer(viewer, &open.department_code)?;
    if let Some(e) = check_writable(&open, expected_version) {
        return Ok(Err(vec![e]));
    }
    let now = Utc::now();
    let done = attachment::Entity::update_many()
        .col_expr(
            attachment::Column::DetachedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(attachment::Column::Id.eq(id))
        .filter(attachment::Column::DetachedAt.is_null())
        .exec(&open.txn.txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(not_found());
    }
    let report = redigest(&open, viewer, ("Attachment", id), Operation::Detach).await?;
    match report {
        Ok(report) => {
            open.txn.commit().await?;
            Ok(Ok(Attached {
                attachment: attachment::Model {
                    detached_at: Some(now),
                    ..row
                },
                report,
            }))
        }
        Err(e) => Ok(Err(vec![e])),
    }
}

/// Recomputes the report's content digest after its evidence changed, and bumps its version
/// with the change's event. The report row as written.
async fn redigest(
    open: &OpenReport,
    viewer: &Viewer,
    entity: (&str, Uuid),
    operation: Operation,
) -> Result<Result<entity::report::Model, FieldError>, AppError> {
    let doc =
        crate::domain::report::store::load(&open.txn.txn, &open.row, open.department_code.clone())
            .await?;
    let digest = doc.digest();
    let bumped = aggregate::bump(open, viewer, entity, operation, |row| {
        row.content_digest = Set(digest.clone());
    })
    .await?;
    Ok(bumped.map(|version| entity::report::Model {
        version,
        content_digest: digest,
        updated_at: Utc::now(),
        updated_by: viewer.actor(),
        ..open.row.clone()
    }))
}

fn not_found() -> AppError {
    AppError::NotFound("佐证材料不存在或您无权查看".into())
}

/// An attachment the viewer may read: attached to a report they may read (anonymous callers:
/// published reports only), or their own upload not yet attached. Detached ones are gone.
pub async fn find(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<attachment::Model>, AppError> {
    let Some(row) = attachment::Entity::find_by_id(id)
        .filter(attachment::Column::DetachedAt.is_null())
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(match row.report_id {
        Some(report) => crate::domain::report::query::find(db, viewer, report)
            .await?
            .map(|_| row),
        None => (viewer.actor().is_some() && viewer.actor() == Some(row.uploaded_by.clone()))
            .then_some(row),
    })
}

/// The live attachments of `reports`, in attaching order.
pub async fn of_reports(db: &Db, reports: &[Uuid]) -> Result<Vec<attachment::Model>, AppError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ReportId.is_in(reports.iter().copied()))
        .filter(attachment::Column::DetachedAt.is_null())
        .order_by_asc(attachment::Column::Id)
        .all_rows(&db.conn)
        .await?)
}
