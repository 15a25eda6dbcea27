//! Evidence over plain HTTP, for systems without a GraphQL upload client:
//!
//! - `POST /attachments?fileName=…` with the file as the body: stores it as the caller's
//!   upload and answers its `id`, to pass to `attachEvidence(input: {uploadId})`.
//! - `GET /attachments/{id}`: the file, with the read scope of the report it is attached to
//!   (anonymous callers: published reports only), its UTF-8 name in `Content-Disposition`, the
//!   SHA-256 as `ETag`, and single byte ranges.
//!
//! `POST /graphql` also takes a GraphQL multipart request (`multipart`), for Apollo and urql
//! clients' `Upload` scalar.

use super::forms::failed;
use super::{AppState, caller, error_response, refuse};
use crate::domain::evidence::{self, Incoming, blobs::Fetched};
use crate::error::AppError;
use crate::graphql::ids::{self, Kind};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

/// The refusals of an upload, in the GraphQL error shape.
fn user_errors(errors: Vec<crate::domain::FieldError>) -> Response {
    let status = if errors
        .iter()
        .any(|e| e.code == crate::domain::UserErrorCode::AttachmentTooLarge)
    {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors: Vec<_> = errors
        .into_iter()
        .map(|e| {
            crate::metrics::get().error(&e.code.name());
            serde_json::json!({
                "message": e.message,
                "extensions": { "code": e.code.name(), "field": e.field },
            })
        })
        .collect();
    (status, axum::Json(serde_json::json!({ "errors": errors }))).into_response()
}

/// The file name an upload was sent with: `?fileName=` (URL-encoded UTF-8), else the
/// `filename*` (RFC 5987) or `filename` of a `Content-Disposition` header.
fn sent_name(parts: &Parts) -> Option<String> {
    if let Some(query) = parts.uri.query() {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("fileName=") {
                return percent_decode(&value.replace('+', " "));
            }
        }
    }
    let disposition = parts
        .headers
        .get(header::CONTENT_DISPOSITION)?
        .to_str()
        .ok()?;
    let mut plain = None;
    for param in disposition.split(';').map(str::trim) {
        if let Some(v) = param.strip_prefix("filename*=") {
            let encoded = v.trim_matches('"');
            let value = encoded
                .strip_prefix("UTF-8''")
                .or_else(|| encoded.strip_prefix("utf-8''"))?;
            return percent_decode(value);
        }
        if let Some(v) = param.strip_prefix("filename=") {
            plain = Some(v.trim_matches('"').to_owned());
        }
    }
    plain
}

/// Decodes `%XX` escapes as UTF-8; `None` if they are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = bytes.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(h).ok()?, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `POST /attachments`: stores the body as the caller's upload.
pub(super) async fn upload(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let viewer = match caller(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    if viewer.is_anonymous() {
        return error_response(
            StatusCode::UNAUTHORIZED,
            &AppError::Unauthenticated("上传佐证材料需要登录".into()),
        );
    }
    if !crate::domain::report::policy::may_write_reports(&viewer) {
        return error_response(
            StatusCode::FORBIDDEN,
            &AppError::Forbidden(
                "上传佐证材料需要填报人（PREPARER）、同步客户端（SYNC_CLIENT）或管理员角色".into(),
            ),
        );
    }
    let Some(name) = sent_name(&parts) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "请以 ?fileName=（URL 编码的 UTF-8 文件名）或 Content-Disposition 的 filename* 给出文件名",
        );
    };
    let limit = match state.db.evidence() {
        Ok(e) => e.limits.max_file_bytes,
        Err(e) => return error_response(StatusCode::SERVICE_UNAVAILABLE, &e),
    };
    let file = match spool(body, limit).await {
        Ok(file) => file,
        Err(response) => return response,
    };
    let declared = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let incoming = Incoming {
        file,
        name,
        declared,
    };
    match evidence::upload(&state.db, &viewer, incoming).await {
        Ok(Ok(row)) => {
            let expires = row.uploaded_at
                + state
                    .db
                    .evidence()
                    .map(|e| e.limits.retention)
                    .unwrap_or_default();
            let body = serde_json::json!({
                "id": ids::encode(Kind::Attachment, row.id).0,
                "fileName": row.file_name,
                "mediaType": row.media_type,
                "size": row.size,
                "sha256": row.sha256,
                "expiresAt": expires.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            });
            (StatusCode::CREATED, axum::Json(body)).into_response()
        }
        Ok(Err(errors)) => user_errors(errors),
        Err(e) => failed(&e),
    }
}

/// Writes `body` to an unnamed temporary file (gone when dropped, however the request ends),
/// refusing more than `limit` bytes.
async fn spool(body: Body, limit: u64) -> Result<std::fs::File, Response> {
    use tokio::io::AsyncWriteExt;
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "ATTACHMENT_TOO_LARGE",
            &format!("文件超过单个佐证材料上限 {limit} 字节；请压缩或拆分后上传"),
        )
    };
    let std_file = tempfile::tempfile()
        .map_err(|e| error_response(StatusCode::SERVICE_UNAVAILABLE, &AppError::unavailable(e)))?;
    let clone = std_file
        .try_clone()
        .map_err(|e| error_response(StatusCode::SERVICE_UNAVAILABLE, &AppError::unavailable(e)))?;
    let mut out = tokio::fs::File::from_std(clone);
    let mut stream = body.into_data_stream();
    let mut written: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "请求体未能完整读取（连接中断或超时），请重新上传",
            )
        })?;
        written = written.saturating_add(chunk.len() as u64);
        if written > limit {
            return Err(too_large());
        }
        out.write_all(&chunk).await.map_err(|e| {
            error_response(StatusCode::SERVICE_UNAVAILABLE, &AppError::unavailable(e))
        })?;
    }
    out.flush()
        .await
        .map_err(|e| error_response(StatusCode::SERVICE_UNAVAILABLE, &AppError::unavailable(e)))?;
    Ok(std_file)
}

fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "佐证材料不存在或您无权查看",
    )
}

/// A byte range asked for: `bytes=a-b`, `bytes=a-` or `bytes=-n` (one range; several are
/// answered with the whole file, as RFC 9110 allows).
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    Whole,
    Range(u64, u64),
    Unsatisfiable,
}

fn asked(headers: &HeaderMap, size: u64, etag: &str) -> Asked {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Asked::Whole;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok())
        && if_range.trim() != etag
    {
        return Asked::Whole;
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Asked::Whole;
    };
    if spec.contains(',') {
        return Asked::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Asked::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(start), Ok(end)) if start <= end => Some((start, end.min(size.saturating_sub(1)))),
        (Ok(start), Err(_)) if b.is_empty() => Some((start, size.saturating_sub(1))),
        (Err(_), Ok(n)) if a.is_empty() && n > 0 => {
            Some((size.saturating_sub(n), size.saturating_sub(1)))
        }
        _ => return Asked::Whole,
    };
    match parsed {
        Some((start, end)) if start < size && start <= end => Asked::Range(start, end),
        _ => Asked::Unsatisfiable,
    }
}

/// `GET /attachments/{id}`.
pub(super) async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let viewer = match caller(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    let Ok(uuid) = ids::decode(Kind::Attachment, &async_graphql::ID(id)) else {
        return not_found();
    };
    let row = match evidence::find(&state.db, &viewer, uuid).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(e) => return failed(&e),
    };
    let etag = format!("\"{}\"", row.sha256);
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let matches = parts
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    let size = u64::try_from(row.size).unwrap_or(0);
    let range = asked(&parts.headers, size, &etag);
    if range == Asked::Unsatisfiable {
        return (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}"))
                    .unwrap_or(HeaderValue::from_static("bytes */0")),
            )],
        )
            .into_response();
    }
    let blobs = match state.db.evidence() {
        Ok(e) => &e.blobs,
        Err(e) => return failed(&e),
    };
    let wanted = match range {
        Asked::Range(start, end) => Some(start..end + 1),
        _ => None,
    };
    let stream = match blobs.get(&row.sha256, wanted).await {
        Ok(Fetched::Found { stream, .. }) => stream,
        Ok(Fetched::Missing) => {
            tracing::error!(sha256 = %row.sha256, attachment = %row.id, "evidence blob missing");
            return refuse(
                StatusCode::GONE,
                "ATTACHMENT_BLOB_MISSING",
                "佐证材料的文件在存储中缺失，请联系管理员核查（verifyReport 会列出缺失的文件）",
            );
        }
        Err(e) => return failed(&e),
    };
    let (status, length, content_range) = match range {
        Asked::Range(start, end) => (
            StatusCode::PARTIAL_CONTENT,
            end - start + 1,
            Some(format!("bytes {start}-{end}/{size}")),
        ),
        _ => (StatusCode::OK, size, None),
    };
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&row.media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(
        header::CONTENT_DISPOSITION,
        super::forms::disposition(&row.file_name),
    );
    headers.insert(header::ETAG, etag_value);
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    if let Some(range) = content_range
        && let Ok(v) = HeaderValue::from_str(&range)
    {
        headers.insert(header::CONTENT_RANGE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(range: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(range).unwrap());
        h
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        let e = "\"x\"";
        assert_eq!(asked(&HeaderMap::new(), 10, e), Asked::Whole);
        assert_eq!(asked(&with("bytes=0-3"), 10, e), Asked::Range(0, 3));
        assert_eq!(asked(&with("bytes=5-"), 10, e), Asked::Range(5, 9));
        assert_eq!(asked(&with("bytes=-4"), 10, e), Asked::Range(6, 9));
        assert_eq!(asked(&with("bytes=8-100"), 10, e), Asked::Range(8, 9));
        assert_eq!(asked(&with("bytes=10-"), 10, e), Asked::Unsatisfiable);
        assert_eq!(asked(&with("bytes=0-1,3-4"), 10, e), Asked::Whole);
        assert_eq!(asked(&with("bytes=4-2"), 10, e), Asked::Whole);
        assert_eq!(asked(&with("items=0-1"), 10, e), Asked::Whole);
        assert_eq!(asked(&with("bytes=-0"), 10, e), Asked::Whole);
        assert_eq!(
            asked(&with("bytes=18446744073709551615-"), 10, e),
            Asked::Unsatisfiable
        );
        let mut stale = with("bytes=0-3");
        stale.insert(header::IF_RANGE, HeaderValue::from_static("\"y\""));
        assert_eq!(asked(&stale, 10, e), Asked::Whole);
    }

    #[test]
    fn names_arrive_in_utf8() {
        assert_eq!(
            percent_decode("%E9%AA%8C%E6%94%B6%E5%8D%95.pdf").as_deref(),
            Some("验收单.pdf")
        );
        assert_eq!(percent_decode("%FF"), None);
        assert_eq!(percent_decode("100%"), Some("100%".into()));
        assert_eq!(
            crate::domain::UserErrorCode::AttachmentTooLarge.name(),
            "ATTACHMENT_TOO_LARGE"
        );
    }
}
