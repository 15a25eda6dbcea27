//! Idempotency keys: a client sends `idempotencyKey` with a write; the same key and the same
//! input give the first result again and write nothing; the same key with another input is
//! refused (IDEMPOTENCY_KEY_REUSED). Keys belong to the token subject and expire.
//!
//! The key is recorded in the write's own transaction ([`remember`]), so a write and its key
//! commit together: a retry after a crash either finds the key or finds nothing written.

use crate::domain::{FieldError, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::{Duration, Utc};
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A write's claim on a key.
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

/// What a key says about a write.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// Not seen (or expired): do the write, recording the key.
    Fresh(Claim),
    /// Seen with the same input: this was the first result.
    Replay(serde_json::Value),
}

/// Longest key accepted.
const MAX_KEY: usize = 200;

/// Looks a key up. `input` is the canonical serialization of the mutation's input.
pub async fn lookup<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    operation: &str,
    key: &str,
    input: &[u8],
    ttl: Duration,
) -> Result<Result<Lookup, FieldError>, AppError> {
    use sha2::{Digest, Sha256};
    let Some(subject) = viewer.subject.clone() else {
        return Err(AppError::Unauthenticated("幂等键需要登录".into()));
    };
    if key.trim().is_empty() || key.chars().count() > MAX_KEY {
        return Ok(Err(FieldError::new(
            "idempotencyKey",
            UserErrorCode::Invalid,
            format!("幂等键不能为空，最多 {MAX_KEY} 个字符"),
        )));
    }
    let mut hasher = Sha256::new();
    hasher.update(operation.as_bytes());
    hasher.update([0]);
    hasher.update(input);
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
            if row.request_hash == hash && row.operation == operation {
                Ok(Ok(Lookup::Replay(row.result)))
            } else {
                Ok(Err(FieldError::new(
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
            Ok(Ok(Lookup::Fresh(Claim {
                subject,
                key: key.to_owned(),
                operation: operation.to_owned(),
                hash,
                ttl,
            })))
        }
    }
}

/// Records the key with the write's result, inside the write's transaction. A concurrent twin
/// that got there first makes this a unique-key conflict, which rolls the write back.
pub async fn remember<C: ConnectionTrait>(
    db: &C,
    claim: Option<&Claim>,
    result: serde_json::Value,
) -> Result<(), AppError> {
    let Some(claim) = claim else { return Ok(()) };
    let now = Utc::now();
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject: Set(claim.subject.clone()),
        key: Set(claim.key.clone()),
        operation: Set(claim.operation.clone()),
        request_hash: Set(claim.hash.clone()),
        result: Set(result),
        created_at: Set(now),
        expires_at: Set(now + claim.ttl),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
