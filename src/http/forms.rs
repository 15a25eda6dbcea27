//! `GET /reports/{id}/form.xlsx` (and `form.pdf` where a converter is configured): a report as
//! its official form (`crate::forms`), with the read
//! scope of GraphQL: a caller gets the reports `report(id:)` would show them (anonymous:
//! published reports only, without phone numbers); any other id answers 404, so the answer never
//! tells whether a hidden report exists.

use super::{AppState, caller, error_response, refuse};
use crate::domain::report::query::Printable;
use crate::error::AppError;
use crate::graphql::ids::{self, Kind};
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(super) async fn download(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    let viewer = match caller(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    if file == "bundle.json" {
        return bundle(&state, &viewer, &id).await;
    }
    let format = match (file.as_str(), &state.pdf) {
        ("form.xlsx", _) => Format::Xlsx,
        ("form.docx", _) => Format::Docx,
        ("form.pdf", Some(converter)) => Format::Pdf(converter.clone()),
        _ => {
            let offered = if state.pdf.is_some() {
                "form.docx（Word 文档）、form.xlsx（Excel 表格）或 form.pdf"
            } else {
                "form.docx（Word 文档）或 form.xlsx（Excel 表格）"
            };
            return refuse(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                &format!("没有这种文件：报告可下载 {offered}"),
            );
        }
    };
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
    let kind = format.extension();
    let etag = format!(
        "\"{}-{}-{audience}-{kind}\"",
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
    let name = crate::forms::file_name(&printable.row, kind);
    let built = match format {
        Format::Docx => word(printable).await,
        _ => lay_out(vec![printable]).await,
    };
    let (bytes, media_type) = match (built, format) {
        (Ok(bytes), Format::Xlsx) => (bytes, crate::forms::XLSX),
        (Ok(bytes), Format::Docx) => (bytes, crate::forms::docx::DOCX),
        (Ok(bytes), Format::Pdf(converter)) => match converter.convert(bytes).await {
            Ok(pdf) => (pdf, crate::forms::PDF),
            Err(why) => {
                tracing::warn!(error = %why, "PDF conversion gave no file");
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UNAVAILABLE",
                    "PDF 转换暂不可用（转换繁忙、超时或失败），请稍后重试，或下载 Excel 版 form.xlsx",
                );
            }
        },
        (Err(e), _) => return failed(&e),
    };
    saved_as(bytes, media_type, &name, Some(etag))
}

/// `GET /reports/{id}/bundle.json`: the report's signature bundle (signed-in callers within
/// the read scope: its canonical content holds contact numbers), for `jixiao verify`.
async fn bundle(state: &AppState, viewer: &crate::domain::Viewer, id: &str) -> Response {
    let Ok(uuid) = ids::decode(Kind::Report, &async_graphql::ID(id.to_owned())) else {
        return not_found();
    };
    match crate::domain::workflow::bundle::of(&state.db, viewer, uuid).await {
        Ok(Some(b)) => match serde_json::to_vec_pretty(&b) {
            Ok(bytes) => saved_as(
                bytes,
                "application/json",
                &format!(
                    "report-{}-bundle.json",
                    &b.content_digest[..b.content_digest.len().min(16)]
                ),
                None,
            ),
            Err(e) => failed(&AppError::internal(e)),
        },
        Ok(None) => not_found(),
        Err(e) => failed(&e),
    }
}

/// The files a report downloads as.
enum Format {
    Xlsx,
    Docx,
    Pdf(std::sync::Arc<crate::forms::pdf::Converter>),
}

impl Format {
    fn extension(&self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Docx => "docx",
            Self::Pdf(_) => "pdf",
        }
    }
}

/// The Word form of `printable`, off the request threads.
async fn word(printable: Printable) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || {
        crate::forms::docx::document(&crate::forms::FormReport::of(&printable))
            .map_err(|e| AppError::internal(format!("docx: {e}")))
    })
    .await
    .map_err(AppError::internal)
    .and_then(|r| r)
}

/// Lays out the workbook of `printables`, off the request threads (it is CPU work).
async fn lay_out(printables: Vec<Printable>) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || {
        let forms: Vec<_> = printables
            .iter()
            .map(crate::forms::FormReport::of)
            .collect();
        crate::forms::workbook(&forms)
    })
    .await
    .map_err(AppError::internal)
    .and_then(|r| r)
}

/// A file to save, private to the caller.
fn saved_as(
    bytes: Vec<u8>,
    media_type: &'static str,
    name: &str,
    etag: Option<HeaderValue>,
) -> Response {
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::CONTENT_DISPOSITION, disposition(name)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            ),
        ],
        bytes,
    )
        .into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// `GET /reports/forms.xlsx?fiscalYear=…&departmentCode=…&status=…&kind=…`: the visible reports
/// matching the filter as one workbook, one sheet per report (at most
/// `query::MAX_PRINTABLES`; more is refused, never cut short).
pub(super) async fn workbook(
    State(state): State<AppState>,
    Query(params): Query<std::collections::BTreeMap<String, String>>,
    parts: Parts,
) -> Response {
    let viewer = match caller(&state, &parts) {
        Ok(v) => v,
        Err(response) => return response,
    };
    let filter = match filter_of(&params) {
        Ok(f) => f,
        Err(e) => return failed(&e),
    };
    let printables =
        match crate::domain::report::query::printables(&state.db, &viewer, &filter).await {
            Ok(p) if p.is_empty() => {
                return refuse(
                    StatusCode::NOT_FOUND,
                    "NOT_FOUND",
                    "没有符合条件、且您可以查看的报告",
                );
            }
            Ok(p) => p,
            Err(e) => return failed(&e),
        };
    match lay_out(printables).await {
        Ok(bytes) => saved_as(bytes, crate::forms::XLSX, "绩效自评报告.xlsx", None),
        Err(e) => failed(&e),
    }
}

/// The report filter of a workbook's query string; an unknown name or a bad value is refused.
fn filter_of(
    params: &std::collections::BTreeMap<String, String>,
) -> Result<crate::domain::report::query::ReportFilter, AppError> {
    let mut filter = crate::domain::report::query::ReportFilter::default();
    let bad =
        |name: &str, value: &str| AppError::BadUserInput(format!("参数 {name} 的值“{value}”无效"));
    let named = |value: &str| serde_json::Value::String(value.to_owned());
    for (name, value) in params {
        if crate::domain::text::first_forbidden(value).is_some() {
            return Err(bad(name, value.escape_debug().to_string().as_str()));
        }
        match name.as_str() {
            "fiscalYear" => {
                filter.fiscal_year = Some(value.parse().map_err(|_| bad(name, value))?);
            }
            "departmentCode" if value.chars().count() <= 100 => {
                filter.department_code = Some(value.clone());
            }
            "status" => {
                filter.status =
                    Some(serde_json::from_value(named(value)).map_err(|_| bad(name, value))?);
            }
            "kind" => {
                filter.kind =
                    Some(serde_json::from_value(named(value)).map_err(|_| bad(name, value))?);
            }
            "departmentCode" => return Err(bad(name, value)),
            _ => {
                return Err(AppError::BadUserInput(format!(
                    "未知参数 {name}：可用 fiscalYear、departmentCode、status、kind"
                )));
            }
        }
    }
    Ok(filter)
}

fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "报告不存在，或您无权查看（未登录时只能下载已公开的报告）",
    )
}

/// A download's or upload's failure as an HTTP answer (the cause of an internal or passing
/// failure goes to the log only).
pub(super) fn failed(e: &AppError) -> Response {
    let status = match e {
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    if let AppError::Unavailable(cause) | AppError::Internal(cause) = e {
        tracing::error!(error = %cause, "file request failed");
    }
    error_response(status, e)
}

/// `attachment` with the file name twice: plain ASCII for old clients, and UTF-8 (RFC 6266 /
/// RFC 5987) so that a Chinese name arrives exactly.
pub(super) fn disposition(name: &str) -> HeaderValue {
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
