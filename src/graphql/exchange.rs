//! `importReports`: many documents in one call, one result each.

use super::payload::{UserError, user_errors};
use super::report::{Report, UpsertReportInput, WriteResult};
use super::scalars::JsonObject;
use super::{db, viewer};
use crate::domain::report::exchange::{self, ItemResult, Line, Unreadable};
use crate::domain::{FieldError, UserErrorCode};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

/// Input of `importReports`.
#[derive(InputObject)]
pub struct ImportReportsInput {
    /// Retrying with the same key and input returns the first results and writes nothing.
    pub idempotency_key: Option<String>,
    /// Up to 500 documents in the `upsertReport` shape; each is written or refused on its own.
    /// A value that does not fit its type (a Decimal "abc", an unknown enum value) refuses the
    /// whole call, as GraphQL coerces arguments before running: to have such a document refused
    /// alone, send `documentsJson` instead. Give exactly one of the two.
    pub documents: Option<Vec<UpsertReportInput>>,
    /// Up to 500 documents, each a JSON object in the `UpsertReportInput` shape, read one by
    /// one: an object that does not fit (a Decimal "abc", an unknown enum value, a missing
    /// field) is that document's result, with userErrors coded INVALID_DECIMAL, OUT_OF_RANGE
    /// or INVALID and the field's path, and the others are written. For sync jobs that pass
    /// documents through from another system.
    pub documents_json: Option<Vec<JsonObject>>,
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
        let line = |d: UpsertReportInput| Line {
            external_id: d.external_id,
            status: None,
            document: d.document.into(),
        };
        let lines: Vec<Result<Line, Unreadable>> = match (input.documents, input.documents_json) {
            (Some(documents), None) => documents.into_iter().map(|d| Ok(line(d))).collect(),
            (None, Some(objects)) => objects.into_iter().map(|o| read(o).map(line)).collect(),
            _ => {
                return Ok(refused(user_errors(
                    vec![FieldError::new(
                        "documents",
                        UserErrorCode::Invalid,
                        "documents 与 documentsJson 须给且只给其中一个",
                    )],
                    &[],
                )));
            }
        };
        // Errors of a document that could not be read are relative to its object; the
        // domain's, to its `document`.
        let unreadable: Vec<bool> = lines.iter().map(Result::is_err).collect();
        let ids: Vec<String> = lines
            .iter()
            .map(|l| match l {
                Ok(l) => l.external_id.clone(),
                Err(u) => u.external_id.clone(),
            })
            .collect();
        let imported = match exchange::import(db(ctx), viewer(ctx), call.as_ref(), lines).await? {
            Ok(imported) => imported,
            Err(errors) => return Ok(refused(user_errors(errors, &[]))),
        };
        let results = ids
            .into_iter()
            .zip(imported.0)
            .zip(unreadable)
            .map(|((external_id, item), unreadable)| match item {
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
                    user_errors: user_errors(errors, if unreadable { &[] } else { &["document"] }),
                },
            })
            .collect();
        Ok(tally(results))
    }
}

/// Reads one `documentsJson` object as an `UpsertReportInput`, with the library's own input
/// coercion (the same scalars and enums as over GraphQL); what does not fit is the object's
/// userError, with the code of the value at fault and, where the value can be found, its path.
fn read(object: JsonObject) -> Result<UpsertReportInput, Unreadable> {
    use async_graphql::InputType;
    let external_id = match object.0.get("externalId") {
        Some(async_graphql::Value::String(s)) => s.chars().take(200).collect(),
        _ => String::new(),
    };
    let value = async_graphql::Value::Object(object.0);
    UpsertReportInput::parse(Some(value.clone())).map_err(|e| {
        let e = e.into_server_error(async_graphql::Pos::default());
        let code = match e.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(c)) if c == "INVALID_DECIMAL" => {
                UserErrorCode::InvalidDecimal
            }
            Some(async_graphql::Value::String(c)) if c == "OUT_OF_RANGE" => {
                UserErrorCode::OutOfRange
            }
            _ => UserErrorCode::Invalid,
        };
        // The library names the types it was in, innermost first, not the field.
        let (why, types) = match e.message.split_once(" (occurred while parsing ") {
            Some((why, chain)) => (
                why.to_owned(),
                chain.replace("\") (occurred while parsing \"", " ‹ "),
            ),
            None => (e.message.clone(), String::new()),
        };
        // `Failed to parse "T": reason` → the reason, in Chinese where the library's is English.
        let (ty, why) = match why
            .strip_prefix("Failed to parse \"")
            .and_then(|r| r.split_once("\": "))
        {
            Some((ty, reason)) => (ty.to_owned(), reason.to_owned()),
            None => (String::new(), why),
        };
        let types = types.trim_matches(|c| c == '"' || c == ')').to_owned();
        let path = culprit(&why)
            .and_then(|bad| only_path_of(&value, &bad))
            .unwrap_or_default();
        let why = match culprit(&why) {
            Some(bad) if why.starts_with("Enumeration type does not contain value") => {
                format!("枚举 {ty} 没有取值 {bad}")
            }
            Some(bad) if why.starts_with("Expected input type") => {
                let expected = why.split('"').nth(1).unwrap_or_default();
                format!("应为 {expected} 类型的值，收到 {bad}")
            }
            _ => why,
        };
        let within = if types.is_empty() {
            String::new()
        } else {
            format!("（位于 {types}）")
        };
        Unreadable {
            external_id,
            errors: vec![FieldError::new(
                &path,
                code,
                format!("文档不符合 UpsertReportInput 的格式：{why}{within}"),
            )],
        }
    })
}

/// The offending value quoted in a coercion message: `“abc”` (our scalars) or `value "X"`
/// (an enum).
fn culprit(why: &str) -> Option<String> {
    if let Some((_, rest)) = why.split_once('“') {
        return rest.split_once('”').map(|(v, _)| v.to_owned());
    }
    let (_, rest) = why
        .split_once("value \"")
        .or_else(|| why.split_once("found \""))?;
    rest.split_once('"').map(|(v, _)| v.to_owned())
}

/// The dotted path of the one string leaf equal to `bad` (`document.finance.units.0.income.total`),
/// or none when it is not exactly one.
fn only_path_of(value: &async_graphql::Value, bad: &str) -> Option<String> {
    fn walk(v: &async_graphql::Value, bad: &str, at: &mut Vec<String>, found: &mut Vec<String>) {
        match v {
            async_graphql::Value::String(s) if s == bad => found.push(at.join(".")),
            async_graphql::Value::Enum(n) if n.as_str() == bad => found.push(at.join(".")),
            async_graphql::Value::Object(map) => {
                for (k, v) in map {
                    at.push(k.to_string());
                    walk(v, bad, at, found);
                    at.pop();
                }
            }
            async_graphql::Value::List(items) => {
                for (i, v) in items.iter().enumerate() {
                    at.push(i.to_string());
                    walk(v, bad, at, found);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, bad, &mut Vec::new(), &mut found);
    (found.len() == 1).then(|| found.remove(0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn object(json: serde_json::Value) -> JsonObject {
        match async_graphql::Value::from_json(json).unwrap() {
            async_graphql::Value::Object(map) => JsonObject(map),
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn an_object_that_does_not_fit_names_its_field_code_and_reason() {
        let fixture: serde_json::Value = serde_json::from_str(crate::reference::FIXTURE).unwrap();
        let cases: [(&str, serde_json::Value, UserErrorCode, &str, &str); 4] = [
            (
                "/document/declaredScore",
                "abc".into(),
                UserErrorCode::InvalidDecimal,
                "document.declaredScore",
                "“abc”不是有效的数",
            ),
            (
                "/document/kind",
                "WHOLE".into(),
                UserErrorCode::Invalid,
                "document.kind",
                "枚举 ReportKind 没有取值 WHOLE",
            ),
            (
                "/document/finance/units/0/income/total",
                "1e2".into(),
                UserErrorCode::InvalidDecimal,
                "document.finance.units.0.income.total",
                "IncomeInput",
            ),
            (
                "/document/fiscalYear",
                "二〇一九".into(),
                UserErrorCode::Invalid,
                "document.fiscalYear",
                "UpsertReportInput",
            ),
        ];
        for (pointer, bad, code, path, needle) in cases {
            let mut doc = fixture.clone();
            *doc.pointer_mut(pointer).unwrap() = bad;
            let e = read(object(doc)).err().unwrap();
            assert_eq!(e.external_id, fixture["externalId"].as_str().unwrap());
            let error = &e.errors[0];
            assert_eq!(error.code, code, "{pointer}: {error:?}");
            assert_eq!(error.field.join("."), path, "{pointer}: {error:?}");
            assert!(
                error.message.contains(needle),
                "{pointer}: {}",
                error.message
            );
        }
        assert!(read(object(fixture)).is_ok());
    }
}
