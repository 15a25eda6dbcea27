//! Query limits: depth, cost, aliases, root fields and directives per field, each refused with
//! its own stable code before anything runs. Depth, cost and directives are counted by
//! async-graphql; aliases and root fields here ([`check_shape`]); [`Limits::code`] gives
//! async-graphql's refusals their codes and Chinese messages. The HTTP handler calls both
//! directly; WebSocket sessions get them through [`LimitsExtension`] (an extension slows every
//! field down, so the HTTP schema has none).

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult, ValidationResult, Variables};
use std::collections::HashSet;
use std::sync::Arc;

/// The configured limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest selection nesting.
    pub depth: usize,
    /// Largest cost (see [`cost`]).
    pub complexity: usize,
    /// Most aliased fields in a document.
    pub aliases: usize,
    /// Most root fields in an operation.
    pub root_fields: usize,
    /// Most directives on one field.
    pub directives: usize,
    /// Most bytes of query text.
    pub query_bytes: usize,
    /// Most lexical tokens in a document.
    pub tokens: usize,
    /// Deepest nesting of braces, brackets and parentheses.
    pub nesting: usize,
    /// Most operations in a document.
    pub operations: usize,
    /// Most fragment definitions in a document.
    pub fragments: usize,
    /// Most variable definitions of one operation.
    pub variables: usize,
    /// Most errors listed in one answer.
    pub errors: usize,
}

impl Limits {
    /// The limits of a configuration.
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            depth: config.max_depth,
            complexity: config.max_complexity,
            aliases: config.max_aliases,
            root_fields: config.max_root_fields,
            directives: config.max_directives,
            query_bytes: config.max_query_bytes,
            tokens: config.max_tokens,
            nesting: config.max_nesting,
            operations: config.max_operations,
            fragments: config.max_fragments,
            variables: config.max_variables,
            errors: config.max_errors,
        }
    }
}

/// The cost of a connection: its selection's cost once per row of the page asked for.
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let rows = first
        .or(last)
        .unwrap_or(crate::domain::pagination::DEFAULT_PAGE)
        .clamp(1, crate::domain::pagination::MAX_PAGE);
    (rows as usize).saturating_mul(child_complexity.max(1))
}

/// The cost of a list without paging: its selection's cost once per row the list may hold
/// (the document's limit for that list), so that a query's cost bounds its answer whatever the
/// stored documents hold. Fields computed from a whole document (assessment, validation,
/// standards exports) are costed as a list of its indicators.
pub fn rows(max_rows: usize, child_complexity: usize) -> usize {
    max_rows.saturating_mul(child_complexity.max(1))
}

/// The cost of a field computed from a report's whole document (assessment, validation,
/// IATI and Fiscal Data exports): loading and checking every part of it, plus its selection
/// once per indicator.
pub fn whole_document(child_complexity: usize) -> usize {
    1_000usize.saturating_add(rows(
        crate::domain::report::document::max_rows::INDICATORS,
        child_complexity,
    ))
}

/// The extension of the WebSocket schema: enforces [`Limits`], codes their refusals, and admits
/// subscriptions only.
pub struct LimitsExtension(pub Limits);

impl ExtensionFactory for LimitsExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Enforce(self.0))
    }
}

struct Enforce(Limits);

#[async_graphql::async_trait::async_trait]
impl Extension for Enforce {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        super::precheck::check(query, &self.0)?;
        if let Some(persisted) =
            ctx.data_opt::<std::sync::Arc<super::persisted::PersistedQueries>>()
        {
            persisted.check_trusted(query)?;
        }
        let doc = next.run(ctx, query, variables).await.map_err(|e| {
            let mut e = self.0.code(e);
            super::request_errors::localize(&mut e, false);
            e
        })?;
        check_shape(&doc, &self.0)?;
        super::input_guard::check_parts(Some(&doc), variables, None)?;
        // Queries and mutations go over HTTP, where the rate limit, introspection policy, body
        // limit, timeout and per-request loaders apply; sockets carry subscriptions only.
        if doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty != async_graphql::parser::types::OperationType::Subscription)
        {
            return Err(refusal(
                "SUBSCRIPTIONS_ONLY",
                "WebSocket 只用于订阅（subscription）；查询和变更请用 POST /graphql".into(),
                None,
            ));
        }
        Ok(doc)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: futures_util::stream::BoxStream<'s, async_graphql::Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures_util::stream::BoxStream<'s, async_graphql::Response> {
        use futures_util::StreamExt;
        let Some(slots) = ctx.data_opt::<SubscriptionSlots>() else {
            return next.run(ctx, stream);
        };
        match slots.take() {
            Ok(held) => next
                .run(ctx, stream)
                .map(move |response| {
                    let _held = &held;
                    response
                })
                .boxed(),
            Err(refused) => futures_util::stream::once(async move {
                async_graphql::Response::from_errors(vec![refused])
            })
            .boxed(),
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let mut e = self.0.code(e);
                    super::request_errors::localize(&mut e, true);
                    e
                })
                .collect()
        })
    }
}

impl Limits {
    /// Gives async-graphql's own limit refusals (plain English, no code) a code and a message;
    /// other errors pass unchanged.
    pub fn code(&self, error: ServerError) -> ServerError {
        let m = &error.message;
        let limits = self;
        let (code, message) = if m == "Query is nested too deep."
            || m.starts_with("The recursion depth")
        {
            (
                "QUERY_TOO_DEEP",
                format!("查询嵌套过深：最多 {} 层，请拆分查询", limits.depth),
            )
        } else if m == "Query is too complex." {
            (
                "QUERY_TOO_COMPLEX",
                format!(
                    "查询过于复杂：成本上限 {}（每个字段计 1，分页列表按 first/last 条数相乘），请减小分页或字段",
                    limits.complexity
                ),
            )
        } else if m.starts_with("The number of directives on the field") {
            (
                "TOO_MANY_DIRECTIVES",
                format!("同一字段最多使用 {} 个指令", limits.directives),
            )
        } else {
            return error;
        };
        refusal(code, message, error.locations.first().copied())
    }
}

pub(crate) fn refusal(code: &str, message: String, at: Option<async_graphql::Pos>) -> ServerError {
    let mut error = ServerError::new(message, at);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    error.extensions = Some(ext);
    error
}

/// Counts aliases in the whole document and root fields in each operation.
pub fn check_shape(doc: &ExecutableDocument, limits: &Limits) -> ServerResult<()> {
    let mut aliases = 0usize;
    for (_, op) in doc.operations.iter() {
        let roots = root_fields(doc, &op.node.selection_set).len();
        if roots > limits.root_fields {
            return Err(refusal(
                "TOO_MANY_ROOT_FIELDS",
                format!(
                    "一次操作最多包含 {} 个顶层字段（本次 {roots} 个），请分多次请求",
                    limits.root_fields
                ),
                Some(op.pos),
            ));
        }
        aliases += count_aliases(&op.node.selection_set);
    }
    for fragment in doc.fragments.values() {
        aliases += count_aliases(&fragment.node.selection_set);
    }
    if aliases > limits.aliases {
        return Err(refusal(
            "TOO_MANY_ALIASES",
            format!(
                "一个查询最多使用 {} 个别名（本次 {aliases} 个）",
                limits.aliases
            ),
            None,
        ));
    }
    Ok(())
}

/// Whether any operation asks for `__schema` or `__type`.
pub fn introspects(doc: &ExecutableDocument) -> bool {
    doc.operations.iter().any(|(_, op)| {
        root_fields(doc, &op.node.selection_set)
            .iter()
            .any(|name| matches!(name.as_str(), "__schema" | "__type"))
    })
}

/// The refusal of an introspection query where introspection is off.
pub fn introspection_refused() -> ServerError {
    refusal(
        "INTROSPECTION_DISABLED",
        "本服务不对匿名调用方开放架构查询（introspection）；接口说明见仓库中的 schema.graphql"
            .into(),
        None,
    )
}

/// The names of the root fields of a selection set, fragments (each once) included.
pub fn root_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
) -> Vec<&'a async_graphql::Name> {
    fn walk<'a>(
        doc: &'a ExecutableDocument,
        set: &'a Positioned<SelectionSet>,
        seen: &mut HashSet<&'a str>,
        out: &mut Vec<&'a async_graphql::Name>,
    ) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(f) => out.push(&f.node.name.node),
                Selection::InlineFragment(f) => walk(doc, &f.node.selection_set, seen, out),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    if let Some(f) = doc.fragments.get(&s.node.fragment_name.node)
                        && seen.insert(name)
                    {
                        walk(doc, &f.node.selection_set, seen, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, set, &mut HashSet::new(), &mut out);
    out
}

fn count_aliases(set: &Positioned<SelectionSet>) -> usize {
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Keeps the first `max` errors of an answer and replaces the rest with one `TOO_MANY_ERRORS`
/// entry that counts them, so a document with thousands of mistakes gets a small answer.
pub fn truncate_errors(errors: &mut Vec<ServerError>, max: usize) {
    if errors.len() <= max {
        return;
    }
    let left_out = errors.len() - max;
    errors.truncate(max);
    errors.push(refusal(
        "TOO_MANY_ERRORS",
        format!("另有 {left_out} 个错误未列出；请先改正以上错误"),
        None,
    ));
}

/// Subscriptions open on one socket and for its caller, each capped: a subscription holds a
/// permit of both while it runs.
#[derive(Clone)]
pub struct SubscriptionSlots {
    socket: Arc<tokio::sync::Semaphore>,
    caller: Arc<tokio::sync::Semaphore>,
    socket_max: usize,
    caller_max: usize,
}

/// The permits a running subscription holds.
pub type HeldSlots = (
    tokio::sync::OwnedSemaphorePermit,
    tokio::sync::OwnedSemaphorePermit,
);

impl SubscriptionSlots {
    /// A permit of the socket and of the caller, or the refusal.
    pub fn take(&self) -> ServerResult<HeldSlots> {
        let socket = self.socket.clone().try_acquire_owned().map_err(|_| {
            refusal(
                "TOO_MANY_SUBSCRIPTIONS",
                format!(
                    "一个 WebSocket 连接最多同时保持 {} 个订阅，请先结束（complete）不用的订阅",
                    self.socket_max
                ),
                None,
            )
        })?;
        let caller = self.caller.clone().try_acquire_owned().map_err(|_| {
            refusal(
                "TOO_MANY_SUBSCRIPTIONS",
                format!(
                    "同一调用方最多同时保持 {} 个订阅（所有连接合计），请先结束不用的订阅",
                    self.caller_max
                ),
                None,
            )
        })?;
        Ok((socket, caller))
    }
}

/// The subscription counts of every caller (by subject, or address when anonymous).
pub struct SubscriptionRegistry {
    callers: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Semaphore>>>,
    socket_max: usize,
    caller_max: usize,
}

impl SubscriptionRegistry {
    /// A registry with these caps.
    pub fn new(socket_max: usize, caller_max: usize) -> Self {
        Self {
            callers: Default::default(),
            socket_max,
            caller_max,
        }
    }

    /// The slots of a new socket of `caller`.
    pub fn socket(&self, caller: &str) -> SubscriptionSlots {
        let mut callers = self.callers.lock().unwrap_or_else(|e| e.into_inner());
        if callers.len() > 10_000 {
            // Forget callers with nothing open.
            let max = self.caller_max;
            callers.retain(|_, s| s.available_permits() < max || Arc::strong_count(s) > 1);
        }
        let caller = callers
            .entry(caller.to_owned())
            .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(self.caller_max)))
            .clone();
        SubscriptionSlots {
            socket: Arc::new(tokio::sync::Semaphore::new(self.socket_max)),
            caller,
            socket_max: self.socket_max,
            caller_max: self.caller_max,
        }
    }
}
