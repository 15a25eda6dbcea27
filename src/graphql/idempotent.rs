//! The `idempotencyKey` gate in front of creating and state-changing mutations.

use super::payload::{UserError, user_errors};
use super::{db, viewer};
use crate::domain::idempotency::{self, Claim, Lookup};
use async_graphql::Context;

/// How long keys hold, from configuration.
#[derive(Clone, Copy, Debug)]
pub struct KeyTtl(pub chrono::Duration);

/// What to do with a keyed mutation.
pub enum Gate {
    /// Run it, recording the claim (none without a key).
    Run(Option<Claim>),
    /// Return the first result again (the stored ids).
    Replay(serde_json::Value),
    /// Refuse it: the key was used with another input.
    Refused(Vec<UserError>),
}

/// Checks `key` for the current mutation, hashing its `input` argument as sent (variables
/// resolved, object keys sorted).
pub async fn gate(ctx: &Context<'_>, key: Option<&str>) -> async_graphql::Result<Gate> {
    let Some(key) = key else {
        return Ok(Gate::Run(None));
    };
    let operation = ctx.field().name().to_owned();
    let input = ctx
        .field()
        .arguments()?
        .into_iter()
        .find(|(name, _)| name.as_str() == "input")
        .map(|(_, value)| value.into_json().unwrap_or_default())
        .unwrap_or_default();
    let bytes = serde_json::to_vec(&input).unwrap_or_default();
    let ttl = ctx
        .data_opt::<KeyTtl>()
        .map_or(chrono::Duration::hours(24), |t| t.0);
    Ok(
        match idempotency::lookup(&db(ctx).conn, viewer(ctx), &operation, key, &bytes, ttl).await? {
            Ok(Lookup::Fresh(claim)) => Gate::Run(Some(claim)),
            Ok(Lookup::Replay(result)) => Gate::Replay(result),
            Err(e) => Gate::Refused(user_errors(vec![e], &[])),
        },
    )
}

/// A uuid stored in a replayed result.
pub fn stored_id(result: &serde_json::Value, field: &str) -> Option<uuid::Uuid> {
    result
        .get(field)
        .and_then(|v| v.as_str())
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
}
