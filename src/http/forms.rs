//! `GET /reports/{id}/form.xlsx`: a report as its official form (`crate::forms`), with the read
//! scope of GraphQL: a caller gets the reports `report(id:)` would show them (anonymous:
//! published reports only, without phone numbers); any other id answers 404, so the answer never
//! tells whether a hidden report exists.

use super::{AppState, caller, error_response, refuse};
use crate::error::AppError;
use crate::graphql::ids::{self, Kind};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The files a report can be downloaded as.
pub const FILES: [&str; 1] = ["form.xlsx"];

pub(super) async fn download(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let viewer = match caller(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    if !FILES.contains(&file.as_str()) {
        return refuse(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "没有这种文件：报告可下载 form.xlsx（Excel 表格）",
        );
    }
    let Ok(uuid) = ids::decode(Kind::Report, &async_graphql::ID(id)) else {
        return not_found();
    };
    let printable = match crate::domain::report::query::printable(&state.db, &viewer, uuid).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(e) => return failed(&e),
    };
    // Who sees the phone numbers gets another file: the tag says which.
    let audience = if viewer.is_anonymous() {
        "public"
    } else {
        "signed-in"
    };
    let etag = format!(
        "\"{}-{}-{audience}\"",
        printable.row.version,
        &printable.row.content_digest[..printable.row.content_digest.len().min(16)]
    );
    let matches = parts
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let name = crate::forms::file_name(&printable.row, "xlsx");
    // Laying out a workbook is CPU work: off the request threads.
    let built = tokio::task::spawn_blocking(move || {
        let form = crate::forms::FormReport::of(&printable);
        crate::forms::workbook(&[form])
    })
    .await
    .map_err(AppError::internal)
    .and_then(|r| r);
    match built {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(crate::forms::XLSX),
                ),
                (header::CONTENT_DISPOSITION, disposition(&name)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-cache"),
                ),
                (header::ETAG, etag),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => failed(&e),
    }
}

fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "报告不存在，或您无权查看（未登录时只能下载已公开的报告）",
    )
}

fn failed(e: &AppError) -> Response {
    let status = match e {
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    if let AppError::Unavailable(cause) | AppError::Internal(cause) = e {
        tracing::error!(error = %cause, "form download failed");
    }
    error_response(status, e)
}

/// `attachment` with the file name twice: plain ASCII for old clients, and UTF-8 (RFC 6266 /
/// RFC 5987) so that a Chinese name arrives exactly.
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}
