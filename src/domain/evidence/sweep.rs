//! Evidence at rest: re-hashing a report's blobs (tamper detection), and removing what the
//! retention no longer keeps.

use super::Evidence;
use crate::domain::Db;
use crate::error::AppError;
use chrono::Utc;
use entity::attachment;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;

/// What re-hashing a blob found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobState {
    /// The bytes hash to the recorded SHA-256.
    Intact,
    /// The bytes hash to another digest (given).
    Altered(String),
    /// No blob is stored under the recorded SHA-256.
    Missing,
    /// The store could not be read (its error).
    Unreadable(String),
}

/// One attachment's blob, checked.
#[derive(Debug, Clone)]
pub struct BlobCheck {
    /// The attachment.
    pub attachment: attachment::Model,
    /// What its blob is.
    pub state: BlobState,
}

/// Blobs re-hashed at once in the process: `verifyReport` reads every file of a report, so
/// callers asking together take turns instead of reading gigabytes side by side.
static REHASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Re-hashes the blob of every live attachment of `report_id`.
pub async fn check_blobs(db: &Db, report_id: uuid::Uuid) -> Result<Vec<BlobCheck>, AppError> {
    let rows = super::of_reports(db, &[report_id]).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let evidence = db.evidence()?;
    let _turn = REHASHING.acquire().await.map_err(AppError::internal)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let state = match evidence.blobs.rehash(&row.sha256).await {
            Ok(Some(found)) if found == row.sha256 => BlobState::Intact,
            Ok(Some(found)) => BlobState::Altered(found),
            Ok(None) => BlobState::Missing,
            Err(e) => BlobState::Unreadable(e.message()),
        };
        out.push(BlobCheck {
            attachment: row,
            state,
        });
    }
    Ok(out)
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Rows of detached attachments and unattached uploads past the retention.
    pub rows: u64,
    /// Blobs no row refers to, older than the retention.
    pub blobs: u64,
}

/// Removes the rows of detached attachments and of unattached uploads older than the
/// retention, then every blob that no row refers to and that was written before the retention
/// began (so that an upload in progress, whose row is not written yet, keeps its blob).
pub async fn sweep(db: &Db, evidence: &Evidence) -> Result<Swept, AppError> {
    let cutoff = Utc::now() - evidence.limits.retention;
    let rows = attachment::Entity::delete_many()
        .filter(
            Condition::any()
                .add(attachment::Column::DetachedAt.lt(cutoff))
                .add(
                    Condition::all()
                        .add(attachment::Column::ReportId.is_null())
                        .add(attachment::Column::UploadedAt.lt(cutoff)),
                ),
        )
        .exec(&db.conn)
        .await?
        .rows_affected;
    let mut blobs = 0;
    let stored = evidence.blobs.list().await?;
    let old: Vec<String> = stored
        .into_iter()
        .filter(|(_, written)| *written < cutoff)
        .map(|(sha, _)| sha)
        .collect();
    for batch in old.chunks(500) {
        let referenced: HashSet<String> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::Sha256)
            .filter(attachment::Column::Sha256.is_in(batch.iter().cloned()))
            .into_tuple::<String>()
            .all(&db.conn)
            .await?
            .into_iter()
            .collect();
        for sha in batch.iter().filter(|s| !referenced.contains(*s)) {
            evidence.blobs.delete(sha).await?;
            blobs += 1;
        }
    }
    Ok(Swept { rows, blobs })
}
