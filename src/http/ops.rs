//! Operations endpoints: Prometheus metrics, liveness and readiness.

use super::*;

/// Prometheus metrics (see [`crate::metrics`]).
pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    let (in_use, idle) = state.db.pool_state();
    let body = crate::metrics::get().encode(state.db.statements(), in_use, idle);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// Ready to serve: the database answers and no migration is pending.
pub(super) async fn ready(State(state): State<AppState>) -> Response {
    use migration::MigratorTrait;
    let pending = migration::Migrator::get_pending_migrations(&state.db.conn)
        .await
        .map(|p| p.len());
    match (state.db.ping().await, pending) {
        (true, Ok(0)) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        )
            .into_response(),
        (reachable, pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "status": "not ready",
                "database": if reachable { "ok" } else { "unreachable" },
                "pendingMigrations": pending.ok(),
            })),
        )
            .into_response(),
    }
}

pub(super) async fn health(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": "ok" })),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" })),
        )
            .into_response()
    }
}
