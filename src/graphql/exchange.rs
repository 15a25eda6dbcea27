//! `importReports`: many documents in one call, one result each.

use super::idempotent::{Gate, gate, stored_id};
use super::payload::{UserError, user_errors};
use super::report::{Report, UpsertReportInput, WriteResult};
use super::{db, viewer};
use crate::domain::report::exchange::{self, ItemResult, Line, MAX_BATCH};
use crate::domain::report::service::WriteKind;
use crate::domain::{FieldError, UserErrorCode};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

/// Input of `importReports`.
#[derive(InputObject)]
pub struct ImportReportsInput {
    /// Retrying with the same key and input returns the first results and writes nothing.
    pub idempotency_key: Option<String>,
    /// Up to 500 documents in the `upsertReport` shape; each is written or refused on its own.
    pub documents: Vec<UpsertReportInput>,
}

/// The result for one document of an import.
#[derive(SimpleObject)]
pub struct ImportResult {
    /// The document's external ID.
    pub external_id: String,
    /// What was done; null when refused.
    pub result: Option<WriteResult>,
    /// The report after the write; null when refused.
    pub report: Option<Report>,
    /// Why the document was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Result of `importReports`.
#[derive(SimpleObject)]
pub struct ImportReportsPayload {
    /// One result per document, in order.
    pub results: Vec<ImportResult>,
    /// Documents that created a report.
    pub created: i32,
    /// Documents that changed a report.
    pub updated: i32,
    /// Documents identical to what was stored.
    pub unchanged: i32,
    /// Documents refused.
    pub failed: i32,
    /// Why the whole call was refused (too many documents, key reused); empty otherwise.
    pub user_errors: Vec<UserError>,
}

fn kind(k: WriteKind) -> WriteResult {
    match k {
        WriteKind::Created => WriteResult::Created,
        WriteKind::Updated => WriteResult::Updated,
        WriteKind::Unchanged => WriteResult::Unchanged,
    }
}

fn tally(results: Vec<ImportResult>) -> ImportReportsPayload {
    let count = |r: Option<WriteResult>| results.iter().filter(|x| x.result == r).count() as i32;
    ImportReportsPayload {
        created: count(Some(WriteResult::Created)),
        updated: count(Some(WriteResult::Updated)),
        unchanged: count(Some(WriteResult::Unchanged)),
        failed: count(None),
        results,
        user_errors: Vec::new(),
    }
}

fn refused(errors: Vec<UserError>) -> ImportReportsPayload {
    ImportReportsPayload {
        results: Vec::new(),
        created: 0,
        updated: 0,
        unchanged: 0,
        failed: 0,
        user_errors: errors,
    }
}

/// Import mutation.
#[derive(Default)]
pub struct ExchangeMutation;

#[Object]
impl ExchangeMutation {
    /// Creates or replaces up to 500 reports by `externalId`, each all-or-nothing: a bad document
    /// does not stop the good ones. Needs PREPARER, SYNC_CLIENT or ADMIN in each document's department.
    async fn import_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The documents.")] input: ImportReportsInput,
    ) -> Result<ImportReportsPayload> {
        if input.documents.len() > MAX_BATCH {
            let e = FieldError::new(
                "documents",
                UserErrorCode::OutOfRange,
                format!(
                    "一次最多导入 {MAX_BATCH} 份报告，收到 {} 份",
                    input.documents.len()
                ),
            );
            return Ok(refused(user_errors(vec![e], &[])));
        }
        let claim = match gate(ctx, input.idempotency_key.as_deref()).await? {
            Gate::Refused(errors) => return Ok(refused(errors)),
            Gate::Replay(stored) => return replay(ctx, &stored).await,
            Gate::Run(claim) => claim,
        };
        let lines: Vec<Line> = input
            .documents
            .into_iter()
            .map(|d| Line {
                external_id: d.external_id,
                status: None,
                document: d.document.into(),
            })
            .collect();
        let ids: Vec<String> = lines.iter().map(|l| l.external_id.clone()).collect();
        let items = exchange::import(db(ctx), viewer(ctx), lines).await?;
        let mut stored = Vec::new();
        let results: Vec<ImportResult> = ids
            .into_iter()
            .zip(items)
            .map(|(external_id, item)| match item {
                ItemResult::Written(w) => {
                    stored.push(serde_json::json!({ "externalId": external_id, "reportId": w.report.id, "kind": format!("{:?}", w.kind) }));
                    ImportResult { external_id, result: Some(kind(w.kind)), report: Some(Report(w.report.clone())), user_errors: Vec::new() }
                }
                ItemResult::Refused(errors) => {
                    let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                    stored.push(serde_json::json!({ "externalId": external_id, "errors": messages }));
                    ImportResult { external_id, result: None, report: None, user_errors: user_errors(errors, &["document"]) }
                }
            })
            .collect();
        // A batch with items to retry is not remembered, so that retrying it with the same key
        // writes those items (the others come back unchanged).
        let retry = results.iter().any(|r| {
            r.user_errors
                .iter()
                .any(|e| e.code == super::payload::UserErrorCode::Unavailable)
        });
        if let Some(claim) = claim.filter(|_| !retry) {
            let txn = db(ctx).begin_write().await?;
            crate::domain::idempotency::remember(
                &txn.txn,
                Some(&claim),
                serde_json::json!({ "items": stored }),
            )
            .await?;
            txn.commit().await?;
        }
        Ok(tally(results))
    }
}

async fn replay(ctx: &Context<'_>, stored: &serde_json::Value) -> Result<ImportReportsPayload> {
    let mut results = Vec::new();
    for item in stored
        .get("items")
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default()
    {
        let external_id = item
            .get("externalId")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        match stored_id(&item, "reportId") {
            Some(id) => {
                let report = crate::domain::report::aggregate::reload(db(ctx), id)
                    .await
                    .ok()
                    .map(Report);
                let result = match item.get("kind").and_then(|k| k.as_str()) {
                    Some("Created") => WriteResult::Created,
                    Some("Unchanged") => WriteResult::Unchanged,
                    _ => WriteResult::Updated,
                };
                results.push(ImportResult {
                    external_id,
                    result: Some(result),
                    report,
                    user_errors: Vec::new(),
                });
            }
            None => {
                let errors = item
                    .get("errors")
                    .and_then(|e| e.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m.as_str())
                    .map(|m| FieldError::new("", UserErrorCode::Invalid, m))
                    .collect();
                results.push(ImportResult {
                    external_id,
                    result: None,
                    report: None,
                    user_errors: user_errors(errors, &["document"]),
                });
            }
        }
    }
    Ok(tally(results))
}
