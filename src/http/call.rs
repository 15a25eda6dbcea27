//! One GraphQL operation of a caller: runs it with the limits and the introspection policy,
//! codes its errors, orders its keys, records and logs it.

use super::*;
use async_graphql::parser::types::ExecutableDocument;

/// One GraphQL operation of a caller: runs it, codes its errors, records and logs it.
pub(super) struct Call<'a> {
    viewer: &'a Viewer,
    operation: String,
    introspection: bool,
    started: Instant,
    /// The parsed document, from the document cache (`None` if it does not parse).
    doc: Option<Arc<ExecutableDocument>>,
}

impl<'a> Call<'a> {
    pub(super) fn new(
        state: &AppState,
        viewer: &'a Viewer,
        request: &async_graphql::Request,
        started: Instant,
    ) -> Self {
        use async_graphql::parser::types::DocumentOperations;
        let doc = state.documents.parse(&request.query);
        let name = request
            .operation_name
            .clone()
            .or_else(|| match &doc.as_ref()?.operations {
                DocumentOperations::Multiple(ops) if ops.len() == 1 => {
                    ops.keys().next().map(ToString::to_string)
                }
                _ => None,
            });
        let introspection = match state.edge.introspection {
            Introspection::All => true,
            Introspection::Authenticated => !viewer.is_anonymous(),
            Introspection::Off => false,
        };
        Self {
            viewer,
            operation: crate::metrics::get().operation_label(name.as_deref()),
            introspection,
            started,
            doc,
        }
    }

    /// A call refused before its document was parsed.
    pub(super) fn unparsed(viewer: &'a Viewer, started: Instant) -> Self {
        Self {
            viewer,
            operation: crate::metrics::get().operation_label(None),
            introspection: false,
            started,
            doc: None,
        }
    }

    /// The cache key of a query (None for mutations, subscriptions, unparsable documents, or
    /// with the cache off): everything of the caller a resolver can read (subject, name, roles,
    /// departments, introspection), and the request itself.
    pub(super) fn cache_key(
        &self,
        state: &AppState,
        request: &async_graphql::Request,
    ) -> Option<String> {
        use async_graphql::parser::types::OperationType;
        if !state.cache.enabled() {
            return None;
        }
        let name = request.operation_name.clone();
        let op = crate::graphql::chosen_operation(self.doc.as_deref()?, name.as_deref())?;
        if op.node.ty != OperationType::Query {
            return None;
        }
        // `verifyReport` re-reads the evidence store, which no database write versions.
        let doc = self.doc.as_deref()?;
        if crate::graphql::limits::root_fields(doc, &op.node.selection_set)
            .iter()
            .any(|f| f.as_str() == "verifyReport")
        {
            return None;
        }
        let variables = serde_json::to_string(&request.variables).ok()?;
        let v = self.viewer;
        let roles: Vec<&str> = v.roles.iter().map(|r| r.as_str()).collect();
        serde_json::to_string(&(
            &v.subject,
            &v.name,
            roles,
            &v.departments,
            self.introspection,
            &name,
            variables,
            &request.query,
        ))
        .ok()
    }

    pub(super) async fn execute(
        &self,
        state: &AppState,
        mut request: async_graphql::Request,
    ) -> async_graphql::Response {
        let viewer = self.viewer.clone();
        let name = request.operation_name.clone();
        let doc = self.doc.clone();
        if let Some(doc) = &doc {
            request.set_parsed_query(ExecutableDocument::clone(doc));
        }
        let shape = doc.as_deref().map_or(Ok(()), |d| {
            crate::graphql::limits::check_shape(d, &state.limits)
        });
        let shape = shape.and_then(|()| crate::graphql::input_guard::check(&mut request));
        let mut response = if let Err(refused) = shape {
            async_graphql::Response::from_errors(vec![refused])
        } else if self.introspection {
            let request = crate::graphql::with_loaders(request.data(viewer), &state.db);
            state.schema.execute(request).await
        } else if request
            .parsed_query()
            .is_ok_and(crate::graphql::limits::introspects)
        {
            async_graphql::Response::from_errors(vec![
                crate::graphql::limits::introspection_refused(),
            ])
        } else {
            let request = request.disable_introspection().data(viewer);
            state
                .schema
                .execute(crate::graphql::with_loaders(request, &state.db))
                .await
        };
        // Errors raised by async-graphql itself (limits, parse, validation, input coercion)
        // carry no code.
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|e| state.limits.code(e))
            .collect();
        // Parse, validation and input-coercion errors: a stable code and a Chinese message,
        // the library's English kept in `extensions.detail`.
        for error in &mut response.errors {
            crate::graphql::request_errors::localize(error, doc.is_some());
        }
        crate::graphql::limits::truncate_errors(&mut response.errors, state.limits.errors);
        if let Some(doc) = &doc
            && response.data != async_graphql::Value::Null
            && let Some(op) = crate::graphql::chosen_operation(doc, name.as_deref())
        {
            crate::graphql::order::by_selection(&mut response.data, doc, &op.node);
        }
        let metrics = crate::metrics::get();
        let mut outcome = "ok";
        for error in &response.errors {
            if let Some(async_graphql::Value::String(code)) =
                error.extensions.as_ref().and_then(|e| e.get("code"))
            {
                metrics.error(code);
                if outcome == "ok" {
                    outcome = code;
                }
            }
        }
        self.finish(outcome);
        response
    }

    /// Records and logs the answered operation.
    pub(super) fn finish(&self, outcome: &str) {
        let seconds = self.started.elapsed().as_secs_f64();
        crate::metrics::get().request(&self.operation, outcome, seconds);
        tracing::info!(
            operation = %self.operation,
            subject = %Escaped(self.viewer.subject.as_deref().unwrap_or("anonymous")),
            outcome = %outcome,
            duration_ms = (seconds * 1000.0 * 1000.0).round() / 1000.0,
            "graphql"
        );
    }
}
