//! `POST /graphql` as a GraphQL multipart request (the multipart request specification that
//! Apollo and urql clients follow for the `Upload` scalar), for `attachEvidence` only.

use super::{AppState, error_response, refuse};
use crate::error::AppError;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

/// Whether a request is `multipart/form-data` sent with a token.
pub(super) fn is_multipart_with_token(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("multipart/form-data")
            })
}

/// `POST /graphql` as a GraphQL multipart request (the files spooled to unnamed temporary
/// files, at most the upload limit in all): signed-in writers only, one operation, which does
/// nothing but `attachEvidence`.
pub(super) async fn graphql_multipart(
    state: &AppState,
    viewer: crate::domain::Viewer,
    format: super::Format,
    parts: &Parts,
    body: Body,
    started: std::time::Instant,
) -> Response {
    use futures_util::TryStreamExt;
    if !crate::domain::report::policy::may_write_reports(&viewer) {
        return error_response(
            StatusCode::FORBIDDEN,
            &AppError::Forbidden(
                "上传佐证材料需要填报人（PREPARER）、同步客户端（SYNC_CLIENT）或管理员角色".into(),
            ),
        );
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let limit = state.edge.upload_limit;
    let body = http_body_util::Limited::new(body, limit);
    let reader = Body::new(body)
        .into_data_stream()
        .map_err(std::io::Error::other)
        .into_async_read();
    let options = async_graphql::http::MultipartOptions::default()
        .max_file_size(limit)
        .max_num_files(1);
    let batch = match async_graphql::http::receive_batch_body(Some(content_type), reader, options)
        .await
    {
        Ok(batch) => batch,
        Err(e) if too_large(&e) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "ATTACHMENT_TOO_LARGE",
                &format!("上传内容超过 {limit} 字节的上限；请压缩或拆分后上传"),
            );
        }
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!(
                    "multipart 请求不符合 GraphQL multipart 规范（operations、map 与文件三部分）：{e}"
                ),
            );
        }
    };
    let async_graphql::BatchRequest::Single(request) = batch else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BATCH_TOO_LARGE",
            "multipart 上传每次只能包含一个操作",
        );
    };
    if !super::body::only_mutations(&request.query, &state.limits, &["attachEvidence"]) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "multipart 请求只用于 attachEvidence 上传佐证材料；其他操作请以 JSON 发送",
        );
    }
    super::respond(
        state,
        viewer,
        format,
        async_graphql::BatchRequest::Single(request),
        started,
    )
    .await
}

/// Whether reading the multipart body failed on a size limit: the file's (`PayloadTooLarge`), or
/// the whole body's — the [`http_body_util::LengthLimitError`] of the `Limited` body, found by
/// type wherever the readers wrapped it (an `io::Error` around axum's error around it, or
/// multer's stream error).
fn too_large(e: &async_graphql::ParseRequestError) -> bool {
    use std::error::Error;
    let mut next: Option<&(dyn Error + 'static)> = match e {
        async_graphql::ParseRequestError::PayloadTooLarge => return true,
        async_graphql::ParseRequestError::Io(io) => Some(io),
        async_graphql::ParseRequestError::InvalidMultipart(m) => Some(m),
        _ => None,
    };
    // Chains are a few links long; the bound only guards against a cycle.
    for _ in 0..16 {
        let Some(e) = next else { break };
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        // An `io::Error`'s `source` skips the error it wraps, so that one is taken directly.
        next = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn Error + 'static)),
            None => e.source(),
        };
    }
    false
}
