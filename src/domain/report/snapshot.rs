//! A report as one write left it: its row and every row hanging off it, read in the write's own
//! transaction. A write under an idempotency key answers from its snapshot and records it with
//! the key, so the first answer and every replay of it are the same, whatever happens to the
//! report afterwards (later edits, a soft delete).

use super::store::Content;
use crate::domain::idempotency::{self, Claim, Replay};
use crate::error::AppError;
use entity::row::SelectRows;
use entity::{change_event, department, report, review_comment, signature};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// Every row of a report at one moment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The report row.
    pub report: report::Model,
    /// Its department's code then.
    pub department_code: String,
    /// The sequence of its last change event then: its history ends there.
    pub history_until: i64,
    /// The content rows.
    pub content: Content,
    /// Signatures, in signing order.
    pub signatures: Vec<signature::Model>,
    /// Review comments, oldest first.
    pub comments: Vec<review_comment::Model>,
}

impl Snapshot {
    /// Reads report `id` through `db` (inside the write's transaction, after the write).
    pub async fn take<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Self, AppError> {
        let report = report::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal(format!("report {id} vanished in its write")))?;
        let department_code = department::Entity::find_by_id(report.department_id)
            .one(db)
            .await?
            .map(|d| d.code)
            .ok_or_else(|| AppError::internal(format!("department of report {id} missing")))?;
        let history_until = change_event::Entity::find()
            .select_only()
            .column(change_event::Column::Sequence)
            .filter(change_event::Column::ReportId.eq(id))
            .order_by_desc(change_event::Column::Sequence)
            .into_tuple::<i64>()
            .one(db)
            .await?
            .unwrap_or(0);
        let signatures = signature::Entity::find()
            .filter(signature::Column::ReportId.eq(id))
            .order_by_asc(signature::Column::Ordinal)
            .all_rows(db)
            .await?;
        let comments = review_comment::Entity::find()
            .filter(review_comment::Column::ReportId.eq(id))
            .order_by_asc(review_comment::Column::CreatedAt)
            .order_by_asc(review_comment::Column::Id)
            .all_rows(db)
            .await?;
        Ok(Snapshot {
            content: Content::load(db, id).await?,
            report,
            department_code,
            history_until,
            signatures,
            comments,
        })
    }

    /// The report's document as it was.
    pub fn document(&self) -> super::ReportDocument {
        self.content
            .document(&self.report, self.department_code.clone())
    }
}

/// What a write keeps of the report it leaves.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// Nothing: its answer reads the report as it is when the answer is written.
    Nothing,
    /// A snapshot to answer from (an item of a keyed import, whose batch records them all).
    Snapshot,
    /// A snapshot, recorded under the key with the answer.
    Key(&'a Claim),
}

impl<'a> Keep<'a> {
    /// Keeps the key's claim, if any.
    pub fn key(claim: Option<&'a Claim>) -> Self {
        claim.map_or(Keep::Nothing, Keep::Key)
    }

    /// The snapshot of report `id` this write keeps, if any.
    pub async fn snapshot<C: ConnectionTrait>(
        self,
        db: &C,
        id: Uuid,
    ) -> Result<Option<Snapshot>, AppError> {
        match self {
            Keep::Nothing => Ok(None),
            Keep::Snapshot | Keep::Key(_) => Snapshot::take(db, id).await.map(Some),
        }
    }

    /// Takes the snapshot of report `id` this write keeps, if any, and records the answer
    /// `answer` makes of it under the key, in the write's transaction `db`.
    pub async fn keep<C: ConnectionTrait>(
        self,
        db: &C,
        id: Uuid,
        answer: impl FnOnce(Box<Snapshot>) -> Replay,
    ) -> Result<Option<Arc<Snapshot>>, AppError> {
        let Some(snapshot) = self.snapshot(db, id).await? else {
            return Ok(None);
        };
        if let Keep::Key(claim) = self {
            idempotency::remember(db, claim, &answer(Box::new(snapshot.clone()))).await?;
        }
        Ok(Some(Arc::new(snapshot)))
    }

    /// Whether a key is recorded (then the transaction commits even if nothing else changed).
    pub fn records(self) -> bool {
        matches!(self, Keep::Key(_))
    }
}
