//! `importReports`: many documents in one call, one result each.

use super::payload::{UserError, user_errors};
use super::report::{Report, UpsertReportInput, WriteResult};
use super::{db, viewer};
use crate::domain::report::exchange::{self, ItemResult, Line};
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
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
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
        let imported = match exchange::import(db(ctx), viewer(ctx), call.as_ref(), lines).await? {
            Ok(imported) => imported,
            Err(errors) => return Ok(refused(user_errors(errors, &[]))),
        };
        let results = ids
            .into_iter()
            .zip(imported.0)
            .map(|(external_id, item)| match item {
                ItemResult::Written(w) => ImportResult {
                    external_id,
                    result: Some(w.kind.into()),
                    report: Some(Report::written(&w)),
                    user_errors: Vec::new(),
                },
                ItemResult::Refused(errors) => ImportResult {
                    external_id,
                    result: None,
                    report: None,
                    user_errors: user_errors(errors, &["document"]),
                },
            })
            .collect();
        Ok(tally(results))
    }
}
