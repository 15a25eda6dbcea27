//! An exported report's evidence put back on import.

use super::{attachment, blobs, check_writable, redigest, refused, sniff};
use crate::domain::change::Operation;
use crate::domain::report::aggregate;
use crate::domain::report::policy;
use crate::domain::report::store::Content;
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Makes the report's evidence exactly `wanted` (an import of an exported report: its
/// documents list their evidence, whose files the importer has put in the store already).
/// Nothing changes when it is so already; otherwise the report must be DRAFT or RETURNED, every
/// file must be in the store, and every anchor on the report (an indicator by its position).
/// Answers whether anything changed.
pub async fn restore(
    db: &Db,
    viewer: &Viewer,
    report_id: Uuid,
    wanted: &[crate::domain::report::document::EvidenceDoc],
) -> Result<Outcome<bool>, AppError> {
    let evidence = db.evidence()?;
    let open = aggregate::open(db, viewer, report_id).await?;
    policy::ensure_writer(viewer, &open.department_code)?;
    let content = Content::load(&open.txn.txn, report_id).await?;
    let stored = content
        .document(&open.row, open.department_code.clone())
        .evidence;
    let same = serde_json::to_value(&stored).ok() == serde_json::to_value(wanted).ok();
    if same {
        return Ok(Ok(false));
    }
    if let Some(e) = check_writable(&open, None) {
        return Ok(Err(vec![e]));
    }
    if wanted.len() > evidence.limits.max_files {
        return Ok(refused(
            UserErrorCode::AttachmentLimit,
            format!(
                "佐证材料 {} 个，超过每份报告 {} 个的上限",
                wanted.len(),
                evidence.limits.max_files
            ),
        ));
    }
    let mut rows = Vec::with_capacity(wanted.len());
    let mut errors = Vec::new();
    let now = Utc::now();
    for (i, e) in wanted.iter().enumerate() {
        let field = format!("evidence.{i}");
        if !blobs::is_sha256(&e.sha256) || !evidence.blobs.exists(&e.sha256).await? {
            errors.push(FieldError::new(
                &field,
                UserErrorCode::NotFound,
                format!(
                    "佐证材料“{}”的文件（{}）不在证据存储中",
                    e.file_name, e.sha256
                ),
            ));
            continue;
        }
        let indicator = match e.target {
            entity::CommentTargetKind::Indicator => {
                let at = e
                    .path
                    .as_deref()
                    .and_then(|p| p.strip_prefix("indicators."))
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| content.indicators.get(n));
                match at {
                    Some(i) => Some(i.id),
                    None => {
                        errors.push(FieldError::new(
                            &field,
                            UserErrorCode::AttachmentAnchored,
                            format!("佐证材料“{}”所附的指标不在报告中", e.file_name),
                        ));
                        continue;
                    }
                }
            }
            _ => None,
        };
        let name = sniff::file_name(&e.file_name).unwrap_or_else(|_| "未命名文件".into());
        rows.push(attachment::Model {
            id: Uuid::now_v7(),
            report_id: Some(report_id),
            target_kind: Some(e.target),
            target_path: if indicator.is_some() {
                None
            } else {
                e.path.clone()
            },
            indicator_id: indicator,
            file_name: name,
            media_type: e.media_type.clone(),
            size: e.size,
            sha256: e.sha256.clone(),
            description: e.description.clone(),
            uploaded_by: viewer.actor().unwrap_or_default(),
            uploader_name: viewer.name.clone().unwrap_or_default(),
            uploaded_at: now,
            attached_at: Some(now),
            detached_at: None,
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    attachment::Entity::update_many()
        .col_expr(
            attachment::Column::DetachedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(attachment::Column::ReportId.eq(report_id))
        .filter(attachment::Column::DetachedAt.is_null())
        .exec(&open.txn.txn)
        .await?;
    for row in rows {
        attachment::Entity::insert(attachment::ActiveModel::from(row).reset_all())
            .exec_without_returning(&open.txn.txn)
            .await?;
    }
    match redigest(&open, viewer, ("Report", report_id), Operation::Attach).await? {
        Ok(_) => {
            open.txn.commit().await?;
            Ok(Ok(true))
        }
        Err(e) => Ok(Err(vec![e])),
    }
}
