//! Answering from a snapshot. A write under an idempotency key answers from the rows it read in
//! its own transaction (`domain::report::snapshot`), and so does every replay of it: the
//! report, its indicators, its comments and everything computed from them (assessment,
//! validation, IATI, fiscal data) resolve from the snapshot, its history stops at the
//! snapshot's last event, and links between them (an indicator's report, a comment's report,
//! replies, parents, anchored indicators) stay inside it. Only the department and the scoring
//! profile are read as they are now.

use super::loaders::{ReportChild, Reviewed};
use crate::domain::Db;
use crate::domain::report::snapshot::Snapshot;
use crate::error::AppError;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// A snapshot answered from, with its review computed once per answer.
pub struct Frozen {
    /// The rows.
    pub snapshot: Arc<Snapshot>,
    reviewed: OnceCell<Arc<Reviewed>>,
}

/// The snapshot an object is answered from; `None`: read as it is now.
pub type Source = Option<Arc<Frozen>>;

impl Frozen {
    /// Answers from `snapshot`, if there is one.
    pub fn source(snapshot: Option<Arc<Snapshot>>) -> Source {
        snapshot.map(|snapshot| {
            Arc::new(Frozen {
                snapshot,
                reviewed: OnceCell::new(),
            })
        })
    }

    /// The snapshot's rows of `E`.
    pub fn rows<E: ReportChild>(&self) -> Arc<Vec<E::Model>>
    where
        E::Model: Clone,
    {
        Arc::new(E::in_snapshot(&self.snapshot).to_vec())
    }

    /// The snapshot's document reviewed under the profile that applies now.
    pub async fn reviewed(&self, db: &Db) -> Result<Arc<Reviewed>, AppError> {
        self.reviewed
            .get_or_try_init(|| async {
                crate::domain::assessment::service::review_snapshot(db, &self.snapshot)
                    .await
                    .map(|r| Arc::new(Reviewed::from(r)))
            })
            .await
            .cloned()
    }
}
