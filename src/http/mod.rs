//! The HTTP edge: router, GraphQL endpoint, GraphiQL, health, and the middleware integrators
//! expect (request id, tracing, CORS, compression, body limit, timeout).

mod attachments;
pub mod auth;
pub mod body;
pub mod cache;
mod call;
mod capped;
mod forms;
mod graphiql;
mod log;
mod multipart;
mod ops;
pub mod rate;
pub mod serve;
mod ws;

use call::Call;
use capped::Capped;
pub use log::Escaped;
use log::safe_request_id;
use ops::{health, metrics, ready};
use ws::graphql_ws;

use crate::config::Introspection;
use crate::domain::{Db, Viewer};
use crate::error::AppError;
use crate::graphql::AppSchema;
use async_graphql::{BatchRequest, BatchResponse};
use auth::Authenticator;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::compression::{CompressionLayer, Predicate};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request-id header, set when absent and echoed in every response.
pub const REQUEST_ID: &str = "x-request-id";

/// What handlers share, cloned (one reference count) for each request.
pub type AppState = Arc<Shared>;

/// What handlers share.
pub struct Shared {
    /// The GraphQL schema of POST/GET /graphql.
    pub schema: AppSchema,
    /// The same schema with the limits as an extension, for /graphql/ws.
    pub ws_schema: AppSchema,
    /// Query limits (applied by the handler for HTTP).
    pub limits: crate::graphql::limits::Limits,
    /// The database.
    pub db: Db,
    /// Token verification.
    pub auth: Arc<Authenticator>,
    /// Edge settings.
    pub edge: Arc<EdgeConfig>,
    /// Per-caller rate limits.
    pub rate: Arc<rate::RateLimit>,
    /// Whole-response cache of queries, checked against the data version.
    pub cache: Arc<cache::ResponseCache>,
    /// Open subscriptions per caller.
    pub subscriptions: Arc<crate::graphql::limits::SubscriptionRegistry>,
    /// Parsed documents by text.
    pub documents: crate::graphql::documents::Documents,
    /// Automatic persisted queries: query texts by their SHA-256.
    pub persisted: Arc<crate::graphql::persisted::PersistedQueries>,
    /// The PDF converter, when one is configured.
    pub pdf: Option<Arc<crate::forms::pdf::Converter>>,
    /// Cancelled when the service shuts down; WebSocket sessions are tracked so that shutdown
    /// can wait for them to close.
    pub lifecycle: Lifecycle,
}

/// Shutdown signal, the WebSocket sessions to drain and the background loops to stop.
#[derive(Clone)]
pub struct Lifecycle {
    /// Cancelled at shutdown.
    pub shutdown: CancellationToken,
    /// Open WebSocket sessions.
    pub sessions: TaskTracker,
    /// Background loops (event pump, listener, webhook dispatcher, rate sweep).
    pub background: crate::domain::background::Background,
}

impl Default for Lifecycle {
    fn default() -> Self {
        let shutdown = CancellationToken::new();
        Self {
            background: crate::domain::background::Background::new(shutdown.clone()),
            shutdown,
            sessions: TaskTracker::new(),
        }
    }
}

impl Lifecycle {
    /// Signals shutdown and waits (at most `grace`) for WebSocket sessions to close and the
    /// background loops to stop.
    pub async fn drain(&self, grace: Duration) {
        self.shutdown.cancel();
        self.sessions.close();
        let sessions = self.sessions.clone();
        let background = self.background.clone();
        let all = async move {
            sessions.wait().await;
            background.stopped().await;
        };
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!(
                open = self.sessions.len(),
                "WebSocket sessions or background loops still running after the grace period"
            );
        }
    }
}

/// Edge settings.
#[derive(Clone, Debug)]
pub struct EdgeConfig {
    /// Allowed browser origins (`*` for any).
    pub cors_origins: Vec<String>,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Largest body of a signed-in caller's `importReports`.
    pub import_body_limit: usize,
    /// Largest upload body (an evidence file, with a multipart request's overhead).
    pub upload_limit: usize,
    /// Request timeout.
    pub timeout: Duration,
    /// Most operations in a batch (0: no batches).
    pub max_batch: usize,
    /// Serve GraphiQL on GET /graphql.
    pub graphiql: bool,
    /// Who may introspect.
    pub introspection: Introspection,
    /// Largest answer, in bytes.
    pub max_response_bytes: usize,
    /// Most subscriptions at once on one socket.
    pub max_subscriptions_per_socket: usize,
    /// Most subscriptions at once for one caller.
    pub max_subscriptions_per_caller: usize,
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
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/reports/forms.xlsx", get(forms::workbook))
        .route("/reports/{id}/{file}", get(forms::download))
        .route("/attachments", post(attachments::upload))
        .route("/attachments/{id}", get(attachments::download))
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(state)
        // Files served with byte ranges (evidence) go out as stored: a range of a compressed
        // body would not be the range asked for.
        .layer(CompressionLayer::new().compress_when(
            tower_http::compression::predicate::DefaultPredicate::new().and(
                |_: StatusCode, _: axum::http::Version, headers: &HeaderMap, _: &axum::http::Extensions| {
                    !headers.contains_key(header::ACCEPT_RANGES)
                },
            ),
        ))
        // The outer bound; each handler reads within its own allowance (`body.rs`, uploads).
        .layer(RequestBodyLimitLayer::new(
            edge.body_limit.max(edge.import_body_limit).max(edge.upload_limit),
        ))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, edge.timeout))
        .layer(axum::middleware::map_response(graphql_shaped))
        .layer(cors(&edge.cors_origins))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The id is ours or checked (see `safe_request_id`); the path is the caller's, so it
            // is logged escaped, never raw.
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %Escaped(req.uri().path()), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::map_request(safe_request_id))
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
        // A GraphQL multipart upload is taken from a caller who sends a token: a cross-site
        // form cannot set `Authorization`, so the request was preflighted.
        if !json && !multipart::is_multipart_with_token(request.headers()) {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "请求须以 JSON 发送（Content-Type: application/json）",
            );
        }
    }
    next.run(request).await
}

/// A GraphQL-shaped error answered by the HTTP edge itself.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    crate::metrics::get().error(code);
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
        StatusCode::PAYLOAD_TOO_LARGE if plain => refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "REQUEST_TOO_LARGE",
            "请求体过大，请分批提交（如 importReports 每次不超过 500 份）",
        ),
        StatusCode::REQUEST_TIMEOUT if plain => refuse(
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
    refuse(status, err.code(), &err.message())
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"))
}

/// The media type of GraphQL responses, chosen from `Accept` (GraphQL-over-HTTP).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `application/graphql-response+json`: request errors answer 400.
    GraphqlResponse,
    /// `application/json`: every well-formed request answers 200.
    Json,
}

impl Format {
    fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Some(Self::Json);
        };
        let types: Vec<String> = accept
            .split(',')
            .filter_map(|t| {
                let mut parts = t.split(';').map(str::trim);
                let name = parts.next()?.to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.replace(' ', "")
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        == Some(0.0)
                });
                (!refused).then_some(name)
            })
            .collect();
        if types
            .iter()
            .any(|t| t == "application/graphql-response+json")
        {
            Some(Self::GraphqlResponse)
        } else if types
            .iter()
            .any(|t| t == "application/json" || t == "application/*" || t == "*/*")
        {
            Some(Self::Json)
        } else {
            None
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// Who is calling, for the rate limit: the subject, else the peer address.
fn caller_key(viewer: &Viewer, request: &axum::http::request::Parts) -> String {
    match &viewer.subject {
        Some(subject) => format!("sub:{subject}"),
        None => request
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "ip:unknown".to_owned(), |c| format!("ip:{}", c.0.ip())),
    }
}

fn rate_limited(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    crate::metrics::get().error("RATE_LIMITED");
    let body = serde_json::json!({ "errors": [{
        "message": format!("请求过于频繁，请 {seconds} 秒后重试"),
        "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": seconds },
    }] });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The caller and the format of a GraphQL request, or the response that refuses it.
#[allow(clippy::result_large_err)]
fn admit(
    state: &AppState,
    parts: &axum::http::request::Parts,
) -> Result<(Viewer, Format), Response> {
    let format = Format::negotiate(&parts.headers).ok_or_else(|| {
        refuse(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "只提供 application/graphql-response+json 或 application/json 格式的响应",
        )
    })?;
    Ok((caller(state, parts)?, format))
}

/// The caller of a request (anonymous without a token), after its rate token; or the response
/// that refuses it.
#[allow(clippy::result_large_err)]
fn caller(state: &AppState, parts: &axum::http::request::Parts) -> Result<Viewer, Response> {
    let viewer = match state.auth.viewer(authorization(&parts.headers)) {
        Ok(viewer) => viewer,
        Err(e) => {
            // Refused tokens cost the sender's address, so guessing is rate-limited too.
            if let Err(wait) = state.rate.take(&caller_key(&Viewer::anonymous(), parts), 1) {
                return Err(rate_limited(wait));
            }
            let mut response = error_response(StatusCode::UNAUTHORIZED, &e);
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"jixiao\""),
            );
            return Err(response);
        }
    };
    state
        .rate
        .take(&caller_key(&viewer, parts), 1)
        .map_err(rate_limited)?;
    Ok(viewer)
}

async fn graphql_post(State(state): State<AppState>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let (viewer, format) = match admit(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    if multipart::is_multipart_with_token(&parts.headers) {
        return multipart::graphql_multipart(&state, viewer, format, &parts, body, started).await;
    }
    // Every body may be `body_limit` bytes. Only a signed-in writer's `importReports` (or
    // `readForm`) may be larger, which is decided from the query at the start of the body
    // before more is read.
    let may_import = crate::domain::report::policy::may_write_reports(&viewer);
    let limits = state.limits;
    let read = body::read(
        body,
        state.edge.body_limit,
        state.edge.import_body_limit,
        |prefix| {
            may_import
                && body::leading_query(prefix).is_some_and(|q| body::only_imports(&q, &limits))
        },
    )
    .await;
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(body::Refused::TooLarge) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "REQUEST_TOO_LARGE",
                &format!(
                    "请求体过大：一般请求不超过 {} 字节；有写入权限的调用方提交 importReports 或 readForm 时不超过 {} 字节（JSON 中 query 须写在 variables 之前），请分批提交",
                    state.edge.body_limit, state.edge.import_body_limit
                ),
            );
        }
        Err(body::Refused::Unreadable) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "请求体未能完整读取（连接中断或超时），请重新发送",
            );
        }
    };
    let batch: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!(
                    "请求体须为 JSON 对象 {{\"query\", \"variables\", \"operationName\"}}（或其数组），第 {} 行第 {} 列有误",
                    e.line(),
                    e.column()
                ),
            );
        }
    };
    if let BatchRequest::Batch(items) = &batch {
        if items.is_empty() || items.len() > state.edge.max_batch {
            let message = if state.edge.max_batch == 0 {
                "不接受批量请求，请逐个发送".to_owned()
            } else {
                format!("批量请求须包含 1 到 {} 个操作", state.edge.max_batch)
            };
            return refuse(StatusCode::BAD_REQUEST, "BATCH_TOO_LARGE", &message);
        }
        let extra = u32::try_from(items.len() - 1).unwrap_or(u32::MAX);
        if extra > 0
            && let Err(wait) = state.rate.take(&caller_key(&viewer, &parts), extra)
        {
            return rate_limited(wait);
        }
    }
    drop(bytes);
    respond(&state, viewer, format, batch, started).await
}

/// Runs a request (or batch) and answers it in the negotiated format.
async fn respond(
    state: &AppState,
    viewer: Viewer,
    format: Format,
    batch: BatchRequest,
    started: Instant,
) -> Response {
    // A single query may be answered from, and kept in, the response cache.
    let mut keep = None;
    let response = match batch {
        BatchRequest::Single(mut request) => {
            if let Err(refused) = state.persisted.resolve(&mut request) {
                return refused_document(&viewer, format, refused, started);
            }
            if let Err(refused) = crate::graphql::precheck::check(&request.query, &state.limits) {
                return refused_document(&viewer, format, refused, started);
            }
            let call = Call::new(state, &viewer, &request, started);
            // Its key and the current data version, when it is a cacheable query.
            if let Some(key) = call.cache_key(state, &request) {
                match state.db.data_version().await {
                    Ok(version) => keep = Some((version, key)),
                    Err(e) => {
                        tracing::warn!(error = ?e, "data version unreadable; answering uncached");
                    }
                }
            }
            if let Some((version, key)) = &keep
                && let Some(body) = state.cache.get(*version, key)
            {
                call.finish("ok");
                return json_response(StatusCode::OK, format, body);
            }
            BatchResponse::Single(call.execute(state, request).await)
        }
        BatchRequest::Batch(requests) => {
            let mut out = Vec::with_capacity(requests.len());
            for mut request in requests {
                // Nothing parses a document before it passes the pre-check.
                if let Err(refused) = state
                    .persisted
                    .resolve(&mut request)
                    .and_then(|()| crate::graphql::precheck::check(&request.query, &state.limits))
                {
                    out.push(async_graphql::Response::from_errors(vec![refused]));
                    continue;
                }
                let call = Call::new(state, &viewer, &request, started);
                out.push(call.execute(state, request).await);
            }
            BatchResponse::Batch(out)
        }
    };
    // A request that could not start (parse or validation errors, a refused document) is a
    // request error: per the GraphQL spec (§7.1.2) its answer has no `data` entry, and per
    // GraphQL-over-HTTP it is a 400 with the new media type (200 with application/json).
    let request_error = matches!(&response, BatchResponse::Single(r)
        if r.data == async_graphql::Value::Null
            && !r.errors.is_empty()
            && r.errors.iter().all(|e| e.path.is_empty()));
    let status = if request_error && format == Format::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let clean = matches!(&response, BatchResponse::Single(r) if r.errors.is_empty());
    let mut out = Capped::new(state.edge.max_response_bytes);
    let written = {
        // serde_json writes token by token; the buffer hands the cap whole chunks.
        let mut w = std::io::BufWriter::with_capacity(16 * 1024, &mut out);
        let written = match &response {
            BatchResponse::Single(r) if request_error => {
                serde_json::to_writer(&mut w, &serde_json::json!({ "errors": r.errors }))
            }
            _ => serde_json::to_writer(&mut w, &response),
        };
        written.and_then(|()| std::io::Write::flush(&mut w).map_err(serde_json::Error::io))
    };
    match written {
        Ok(()) => {
            let body = axum::body::Bytes::from(out.buf);
            if let Some((version, key)) = keep.filter(|_| clean) {
                state.cache.put(version, key, body.clone());
            }
            json_response(status, format, body)
        }
        Err(_) if out.over => {
            crate::metrics::get().error("RESPONSE_TOO_LARGE");
            let body = serde_json::json!({ "data": null, "errors": [{
                "message": format!(
                    "查询结果超过 {} 字节的上限，请减小分页（first/last）或少选字段后重试",
                    state.edge.max_response_bytes
                ),
                "extensions": { "code": "RESPONSE_TOO_LARGE" },
            }] });
            json_response(
                StatusCode::OK,
                format,
                axum::body::Bytes::from(body.to_string()),
            )
        }
        Err(e) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &AppError::internal(e)),
    }
}

/// The answer to a single request whose document the pre-check refused (it is never parsed).
fn refused_document(
    viewer: &Viewer,
    format: Format,
    refused: async_graphql::ServerError,
    started: Instant,
) -> Response {
    let code = match refused.extensions.as_ref().and_then(|e| e.get("code")) {
        Some(async_graphql::Value::String(code)) => code.clone(),
        _ => String::new(),
    };
    crate::metrics::get().error(&code);
    Call::unparsed(viewer, started).finish(&code);
    let status = if format == Format::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let response = async_graphql::Response::from_errors(vec![refused]);
    // A request error: no `data` entry (GraphQL spec §7.1.2).
    match serde_json::to_vec(&serde_json::json!({ "errors": response.errors })) {
        Ok(body) => json_response(status, format, axum::body::Bytes::from(body)),
        Err(e) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &AppError::internal(e)),
    }
}

fn json_response(status: StatusCode, format: Format, body: axum::body::Bytes) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        )],
        body,
    )
        .into_response()
}

/// GraphiQL for browsers (when enabled); queries (never mutations) via the query string.
async fn graphql_get(State(state): State<AppState>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, _) = request.into_parts();
    let query = parts.uri.query().unwrap_or("");
    if query.is_empty() {
        if !state.edge.graphiql {
            return refuse(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "本服务未开放 GraphiQL 页面；请用 POST /graphql 发送查询",
            );
        }
        return graphiql::page();
    }
    let (viewer, format) = match admit(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    let mut request = match async_graphql::http::parse_query_string(query) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                &AppError::BadUserInput(format!("查询参数无法解析：{e}")),
            );
        }
    };
    if let Err(refused) = state
        .persisted
        .resolve(&mut request)
        .and_then(|()| crate::graphql::precheck::check(&request.query, &state.limits))
    {
        return refused_document(&viewer, format, refused, started);
    }
    if is_mutation(&state, &request) {
        let err = AppError::BadUserInput("变更操作（mutation）只能用 POST 发送".into());
        let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, &err);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    respond(
        &state,
        viewer,
        format,
        BatchRequest::Single(request),
        started,
    )
    .await
}

/// Whether the operation to run is not a query.
fn is_mutation(state: &AppState, request: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::OperationType;
    state.documents.parse(&request.query).is_some_and(|doc| {
        crate::graphql::chosen_operation(&doc, request.operation_name.as_deref())
            .is_some_and(|op| op.node.ty != OperationType::Query)
    })
}
