//! The `idempotencyKey` of a mutation, as the domain's idempotency runner takes it.

use crate::domain::idempotency::Call;
use async_graphql::Context;

/// How long keys hold, from configuration.
#[derive(Clone, Copy, Debug)]
pub struct KeyTtl(pub chrono::Duration);

/// The keyed call of the current mutation, if `key` is given: the mutation's name and its
/// `input` argument as sent (variables resolved, object keys sorted).
pub fn call(ctx: &Context<'_>, key: Option<&str>) -> async_graphql::Result<Option<Call>> {
    let Some(key) = key else {
        return Ok(None);
    };
    let input = ctx
        .field()
        .arguments()?
        .into_iter()
        .find(|(name, _)| name.as_str() == "input")
        .map(|(_, value)| value.into_json().unwrap_or_default())
        .unwrap_or_default();
    Ok(Some(Call {
        key: key.to_owned(),
        operation: ctx.field().name().to_owned(),
        input: serde_json::to_vec(&input).unwrap_or_default(),
        ttl: ctx
            .data_opt::<KeyTtl>()
            .map_or(chrono::Duration::hours(24), |t| t.0),
    }))
}
