//! Idempotency keys: a client sends `idempotencyKey` with a write; the same key and the same
//! input give the first answer again and write nothing; the same key with another input is
//! refused (IDEMPOTENCY_KEY_REUSED). Keys belong to the token subject and expire.
//!
//! [`run`] is the one runner every idempotent mutation goes through. A fresh key lets the
//! write run; the write records its answer under the key in its own transaction
//! ([`remember`]), so a write and its key commit together: a retry after a crash either finds
//! the key or finds nothing written. The answer is a typed record ([`Replay`]) holding what
//! the caller was shown, the report as the write left it ([`Snapshot`]), so a replay returns
//! the first answer, not the report as later edits or a soft delete left it. A replay first
//! makes the checks a fresh call would make of the caller (the mutation's `admit`): a caller
//! who has since lost the department gets the refusal a fresh call gets, and nothing of the
//! report.

use crate::domain::report::service::WriteKind;
use crate::domain::report::snapshot::Snapshot;
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::{Duration, Utc};
use entity::{idempotency_key, review_comment, signature};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// A call made under a key: the key, and what it keys (the mutation and its input as sent).
#[derive(Debug, Clone)]
pub struct Call {
    /// The client's key.
    pub key: String,
    /// Mutation name.
    pub operation: String,
    /// The canonical serialization of the mutation's input.
    pub input: Vec<u8>,
    /// How long the key holds.
    pub ttl: Duration,
}

/// A write's claim on a fresh key, to record with its answer.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Token subject.
    pub subject: String,
    /// The client's key.
    pub key: String,
    /// Mutation name.
    pub operation: String,
    /// Hash of the mutation name and input.
    pub hash: String,
    /// How long the key holds.
    pub ttl: Duration,
}

/// The first answer of a keyed write, as recorded with its key: one typed record for every
/// idempotent mutation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Replay {
    /// A report created, updated, left unchanged, or moved on by a workflow step.
    #[serde(rename_all = "camelCase")]
    Report {
        /// What the write did.
        kind: WriteKind,
        /// The report as the write left it.
        snapshot: Box<Snapshot>,
    },
    /// A signature given.
    #[serde(rename_all = "camelCase")]
    Signature {
        /// The signature.
        signature: signature::Model,
        /// The report as signing left it.
        snapshot: Box<Snapshot>,
    },
    /// A review comment written.
    #[serde(rename_all = "camelCase")]
    Comment {
        /// The comment.
        comment: review_comment::Model,
        /// The report as commenting left it.
        snapshot: Box<Snapshot>,
    },
    /// An import: one result per document, in order.
    #[serde(rename_all = "camelCase")]
    Import {
        /// The results.
        items: Vec<ImportedItem>,
    },
}

/// One document of an import, as answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ImportedItem {
    /// Written (created, updated or unchanged).
    #[serde(rename_all = "camelCase")]
    Written {
        /// The document's external ID.
        external_id: String,
        /// What the write did.
        kind: WriteKind,
        /// The report as the write left it.
        snapshot: Box<Snapshot>,
    },
    /// Refused, with the reasons.
    #[serde(rename_all = "camelCase")]
    Refused {
        /// The document's external ID.
        external_id: String,
        /// Why.
        errors: Vec<FieldError>,
    },
}

impl Replay {
    /// The ids releases before the typed record replay from, in the forms they read (reports
    /// and steps `CREATED`/`UPDATED`, import items `Created`/`Updated`/`Unchanged`). Kept in
    /// `result` so that such a release, or the schema rolled back to it, still replays.
    fn ids(&self) -> serde_json::Value {
        match self {
            Replay::Report { kind, snapshot } => json!({
                "reportId": snapshot.report.id,
                "kind": if *kind == WriteKind::Created { "CREATED" } else { "UPDATED" },
            }),
            Replay::Signature {
                signature,
                snapshot,
            } => json!({ "reportId": snapshot.report.id, "signatureId": signature.id }),
            Replay::Comment { comment, .. } => json!({ "commentId": comment.id }),
            Replay::Import { items } => {
                let items: Vec<serde_json::Value> = items
                    .iter()
                    .map(|item| match item {
                        ImportedItem::Written {
                            external_id,
                            kind,
                            snapshot,
                        } => json!({
                            "externalId": external_id,
                            "reportId": snapshot.report.id,
                            "kind": format!("{kind:?}"),
                        }),
                        ImportedItem::Refused {
                            external_id,
                            errors,
                        } => json!({
                            "externalId": external_id,
                            "errors": errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
                        }),
                    })
                    .collect();
                json!({ "items": items })
            }
        }
    }
}

/// A write's answer that its key can replay.
pub trait Answer: Sized {
    /// The answer again, from its record; `None` for the record of another kind of mutation.
    fn replayed(replay: Replay) -> Option<Self>;
}

/// What a key says about a call.
enum Found {
    /// Not seen (or expired): run the write, recording the key.
    Fresh(Claim),
    /// Seen with the same input: the first answer (none if an older release recorded it).
    Replay(Option<serde_json::Value>),
    /// Unusable: blank, too long, or seen with another input.
    Refused(FieldError),
}

/// Longest key accepted.
const MAX_KEY: usize = 200;

/// Runs a write under its key, if the call has one: replays the first answer for a repeated
/// key and input (once `admit` has passed the caller as a fresh call would be, or refused
/// them), refuses a reused key, and otherwise runs `write` with the claim to record in its
/// transaction. A twin call with the same key that finishes first wins: this call then answers
/// as the twin did.
pub async fn run<T, A, AF, W, WF>(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    admit: A,
    write: W,
) -> Result<Outcome<T>, AppError>
where
    T: Answer,
    A: FnOnce(T) -> AF,
    AF: Future<Output = Result<T, AppError>>,
    W: FnOnce(Option<Claim>) -> WF,
    WF: Future<Output = Result<Outcome<T>, AppError>>,
{
    // The writes are boxed: their futures are large, and a chain of them held inline would
    // make every caller's future (and, in debug builds, its stack frames) as large.
    let Some(call) = call else {
        return Box::pin(write(None)).await;
    };
    let claim = match lookup(&db.conn, viewer, call).await? {
        Found::Fresh(claim) => claim,
        Found::Replay(stored) => return replay(stored, call, admit).await,
        Found::Refused(e) => return Ok(Err(vec![e])),
    };
    let outcome = Box::pin(write(Some(claim))).await;
    // The twin's key makes recording ours a unique-key conflict; or the twin's write left
    // nothing for ours to do (the step already taken): either way its answer is the answer.
    if matches!(outcome, Err(AppError::Conflict(_)) | Ok(Err(_)))
        && let Found::Replay(stored) = lookup(&db.conn, viewer, call).await?
    {
        return replay(stored, call, admit).await;
    }
    outcome
}

async fn replay<T, A, AF>(
    stored: Option<serde_json::Value>,
    call: &Call,
    admit: A,
) -> Result<Outcome<T>, AppError>
where
    T: Answer,
    A: FnOnce(T) -> AF,
    AF: Future<Output = Result<T, AppError>>,
{
    let Some(stored) = stored else {
        return Err(AppError::Conflict(format!(
            "幂等键“{}”由旧版本记录，无法重放首次结果；请查询当前状态，或换一个键重新提交",
            call.key
        )));
    };
    let record: Replay = serde_json::from_value(stored).map_err(AppError::internal)?;
    let answer = T::replayed(record).ok_or_else(|| {
        AppError::internal(format!(
            "replay record of another kind for {}",
            call.operation
        ))
    })?;
    Box::pin(admit(answer)).await.map(Ok)
}

/// Looks the call's key up, deleting it if it expired.
async fn lookup<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    call: &Call,
) -> Result<Found, AppError> {
    use sha2::{Digest, Sha256};
    let Some(subject) = viewer.subject.clone() else {
        return Err(AppError::Unauthenticated("幂等键需要登录".into()));
    };
    let key = call.key.as_str();
    if key.trim().is_empty() || key.chars().count() > MAX_KEY {
        return Ok(Found::Refused(FieldError::new(
            "idempotencyKey",
            UserErrorCode::Invalid,
            format!("幂等键不能为空，最多 {MAX_KEY} 个字符"),
        )));
    }
    let mut hasher = Sha256::new();
    hasher.update(call.operation.as_bytes());
    hasher.update([0]);
    hasher.update(&call.input);
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let existing = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Subject.eq(subject.as_str()))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(db)
        .await?;
    match existing {
        Some(row) if row.expires_at > Utc::now() => {
            if row.request_hash == hash && row.operation == call.operation {
                Ok(Found::Replay(row.replay))
            } else {
                Ok(Found::Refused(FieldError::new(
                    "idempotencyKey",
                    UserErrorCode::IdempotencyKeyReused,
                    format!(
                        "幂等键“{key}”已用于另一个不同的请求（{}），请换一个键",
                        row.operation
                    ),
                )))
            }
        }
        stale => {
            if let Some(row) = stale {
                idempotency_key::Entity::delete_by_id(row.id)
                    .exec(db)
                    .await?;
            }
            Ok(Found::Fresh(Claim {
                subject,
                key: key.to_owned(),
                operation: call.operation.clone(),
                hash,
                ttl: call.ttl,
            }))
        }
    }
}

/// Records the key with the write's answer, inside the write's transaction. A concurrent twin
/// that got there first makes this a unique-key conflict, which rolls the write back.
pub async fn remember<C: ConnectionTrait>(
    db: &C,
    claim: &Claim,
    answer: &Replay,
) -> Result<(), AppError> {
    let now = Utc::now();
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject: Set(claim.subject.clone()),
        key: Set(claim.key.clone()),
        operation: Set(claim.operation.clone()),
        request_hash: Set(claim.hash.clone()),
        result: Set(answer.ids()),
        replay: Set(Some(
            serde_json::to_value(answer).map_err(AppError::internal)?,
        )),
        created_at: Set(now),
        expires_at: Set(now + claim.ttl),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
