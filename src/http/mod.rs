//! The HTTP edge: router, GraphQL endpoint, GraphiQL, health, and the middleware integrators
//! expect (request id, tracing, CORS, compression, body limit, timeout).

pub mod auth;

use crate::domain::Db;
use crate::error::AppError;
use crate::graphql::AppSchema;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use auth::Authenticator;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request-id header, set when absent and echoed in every response.
pub const REQUEST_ID: &str = "x-request-id";

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: AppSchema,
    /// The database.
    pub db: Db,
    /// Token verification.
    pub auth: Arc<Authenticator>,
}

/// Edge settings.
#[derive(Clone, Debug)]
pub struct EdgeConfig {
    /// Allowed browser origins (`*` for any).
    pub cors_origins: Vec<String>,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Request timeout.
    pub timeout: Duration,
}

/// The whole application as a router.
pub fn router(state: AppState, edge: &EdgeConfig) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID);
    Router::new()
        .route(
            "/graphql",
            get(graphql_get).post(graphql_post).layer(axum::middleware::from_fn(require_json)),
        )
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(state)
        .layer(axum::middleware::map_response(graphql_shaped))
        .layer(CompressionLayer::new())
        .layer(cors(&edge.cors_origins))
        .layer(RequestBodyLimitLayer::new(edge.body_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, edge.timeout))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// POSTs to /graphql must be JSON: a browser form (urlencoded, multipart, text/plain) can be
/// sent cross-site without a CORS preflight, so refusing it blocks CSRF.
async fn require_json(request: Request, next: axum::middleware::Next) -> Response {
    if request.method() == Method::POST {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|v| v == "application/json" || v == "application/graphql-response+json");
        if !json {
            return edge_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "请求须以 JSON 发送（Content-Type: application/json）",
            );
        }
    }
    next.run(request).await
}

/// A GraphQL-shaped error answered by the HTTP edge itself.
fn edge_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}

/// Gives the plain-text refusals of the middleware (body too large, timeout) the GraphQL shape
/// integrators parse everywhere else.
async fn graphql_shaped(response: Response) -> Response {
    let plain = !response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE if plain => edge_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "REQUEST_TOO_LARGE",
            "请求体过大，请分批提交（如 importReports 每次不超过 500 份）",
        ),
        StatusCode::REQUEST_TIMEOUT if plain => edge_error(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            "请求处理超时，请缩小查询范围后重试",
        ),
        _ => response,
    }
}

fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static(REQUEST_ID),
        ])
        .expose_headers([HeaderName::from_static(REQUEST_ID)])
        .max_age(Duration::from_secs(600));
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(Any)
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
            .collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}

/// A GraphQL-shaped error response outside GraphQL execution.
fn error_response(status: StatusCode, err: &AppError) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": err.message(), "extensions": { "code": err.code() } }]
    });
    (status, Json(body)).into_response()
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"))
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    request: async_graphql::Request,
) -> Response {
    let viewer = match state.auth.viewer(authorization(headers)) {
        Ok(v) => v,
        Err(e) => return error_response(StatusCode::UNAUTHORIZED, &e),
    };
    let request = crate::graphql::with_loaders(request.data(viewer), &state.db);
    let mut response = state.schema.execute(request).await;
    // Errors raised by async-graphql itself (parse, validation, input coercion) carry no code.
    for error in &mut response.errors {
        let ext = error.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", "BAD_USER_INPUT");
        }
    }
    GraphQLResponse::from(response).into_response()
}

async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    execute(&state, &headers, request.into_inner()).await
}

/// GraphiQL for browsers; queries (never mutations) via the query string otherwise.
async fn graphql_get(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let query = uri.query().unwrap_or("");
    if query.is_empty() {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("jixiao 绩效评价自评报告")
                .finish(),
        )
        .into_response();
    }
    let request = match async_graphql::http::parse_query_string(query) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                &AppError::BadUserInput(format!("{e}")),
            );
        }
    };
    if is_mutation(&request.query) {
        let err = AppError::BadUserInput("变更操作（mutation）只能用 POST 发送".into());
        return error_response(StatusCode::METHOD_NOT_ALLOWED, &err);
    }
    execute(&state, &headers, request).await
}

/// GraphQL subscriptions over WebSocket (graphql-transport-ws); the token comes in
/// `connection_init` as `{"Authorization": "Bearer …"}`.
async fn graphql_ws(
    State(state): State<AppState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let auth = state.auth.clone();
            let db = state.db.clone();
            async_graphql_axum::GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let header = ["Authorization", "authorization"]
                        .iter()
                        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
                        .or_else(|| {
                            payload
                                .get("token")
                                .and_then(|v| v.as_str())
                                .map(|t| format!("Bearer {t}"))
                        });
                    let viewer = auth
                        .viewer(header.as_deref())
                        .map_err(async_graphql::Error::from)?;
                    let mut data = async_graphql::Data::default();
                    data.insert(viewer);
                    data.insert(db);
                    Ok(data)
                })
                .serve()
                .await;
        })
}

fn is_mutation(query: &str) -> bool {
    use async_graphql::parser::types::OperationType;
    async_graphql::parser::parse_query(query)
        .map(|doc| {
            doc.operations
                .iter()
                .any(|(_, op)| op.node.ty != OperationType::Query)
        })
        .unwrap_or(false)
}

/// Prometheus text metrics (so far: SQL statements executed for requests).
async fn metrics(State(state): State<AppState>) -> Response {
    let body = format!(
        "# HELP jixiao_sql_statements_total SQL statements executed on behalf of requests.\n\
         # TYPE jixiao_sql_statements_total counter\n\
         jixiao_sql_statements_total {}\n",
        state.db.statements()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// Ready to serve: the database answers and no migration is pending.
async fn ready(State(state): State<AppState>) -> Response {
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

async fn health(State(state): State<AppState>) -> Response {
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
