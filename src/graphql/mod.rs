//! The GraphQL adapter: thin resolvers that parse arguments, call one domain function and map
//! the result to output types. One file per aggregate, merged into one schema.

mod assessment;
mod comment;
mod connection;
mod department;
pub mod documents;
mod enums;
mod evidence;
mod exchange;
mod finance;
mod forms;
mod frozen;
mod history;
mod idempotent;
pub(crate) mod ids;
mod indicator;
pub mod input_guard;
pub(crate) mod keys;
pub mod limits;
mod loaders;
mod node;
pub mod order;
mod payload;
pub mod persisted;
pub mod precheck;
mod recheck;
mod report;
pub mod request_errors;
mod scalars;
mod standards;
mod viewer;
mod webhook;
mod workflow;

use crate::domain::{Db, Viewer};
use crate::error::AppError;
use async_graphql::dataloader::Loader;
use async_graphql::{Context, MergedObject, Schema};
use uuid::Uuid;

/// The root query.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    viewer::ViewerQuery,
    department::DepartmentQuery,
    report::ReportQuery,
    indicator::IndicatorQuery,
    workflow::WorkflowQuery,
    assessment::AssessmentQuery,
    assessment::StatisticsQuery,
    history::FeedQuery,
    webhook::WebhookQuery,
    keys::KeyQuery,
);

/// The root mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    report::ReportMutation,
    indicator::IndicatorMutation,
    department::DepartmentMutation,
    workflow::WorkflowMutation,
    recheck::RecheckMutation,
    comment::CommentMutation,
    assessment::AssessmentMutation,
    exchange::ExchangeMutation,
    forms::FormMutation,
    evidence::EvidenceMutation,
    keys::KeyMutation,
    webhook::WebhookMutation,
);

/// The executable schema.
pub type AppSchema = Schema<Query, Mutation, history::SubscriptionRoot>;

/// Which endpoint a schema serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// POST/GET /graphql: the handler applies the shape limits and error codes itself.
    Http,
    /// /graphql/ws: the [`limits::LimitsExtension`] applies them.
    WebSocket,
}

/// Choices of the schema a deployment makes.
#[derive(Clone, Copy, Debug)]
pub struct SchemaOptions {
    /// "Did you mean …" in validation errors (development).
    pub suggestions: bool,
    /// The files reports are offered as.
    pub offered: crate::forms::Offered,
}

/// Builds the schema over `db`. Each request gets its loaders from [`with_loaders`].
pub fn schema(
    db: &Db,
    idempotency_ttl: chrono::Duration,
    events: crate::domain::events::EventHub,
    limits: limits::Limits,
    options: SchemaOptions,
    shutdown: tokio_util::sync::CancellationToken,
    transport: Transport,
) -> AppSchema {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        history::SubscriptionRoot,
    )
    .data(db.clone())
    .data(options.offered)
    .data(events)
    .data(shutdown)
    .data(idempotent::KeyTtl(idempotency_ttl))
    .limit_depth(limits.depth)
    // The parser's own nesting guard (fragments count too) must not undercut the depth limit.
    .limit_recursive_depth(limits.depth.saturating_mul(2).max(32))
    .limit_complexity(limits.complexity)
    .limit_directives(limits.directives);
    let builder = match transport {
        Transport::Http => builder,
        Transport::WebSocket => builder.extension(limits::LimitsExtension(limits)),
    };
    if options.suggestions {
        builder.finish()
    } else {
        builder.disable_suggestions().finish()
    }
}

/// Attaches the per-request DataLoaders to a request.
pub fn with_loaders(request: async_graphql::Request, db: &Db) -> async_graphql::Request {
    loaders::attach(request, db)
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        history::SubscriptionRoot,
    )
    .finish()
    .sdl()
}

/// The operation of `doc` that a request naming `name` runs (the only one when none is named).
pub fn chosen_operation<'a>(
    doc: &'a async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a async_graphql::Positioned<async_graphql::parser::types::OperationDefinition>> {
    use async_graphql::parser::types::DocumentOperations;
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The database handle of the request.
pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a Db {
    ctx.data_unchecked::<Db>()
}

/// The caller of the request (anonymous if the HTTP layer set none).
pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    static ANONYMOUS: std::sync::OnceLock<Viewer> = std::sync::OnceLock::new();
    ctx.data_opt::<Viewer>()
        .unwrap_or_else(|| ANONYMOUS.get_or_init(Viewer::anonymous))
}

/// Loads one value through the request's loader `L`.
pub(crate) async fn load<L>(ctx: &Context<'_>, key: Uuid) -> async_graphql::Result<Option<L::Value>>
where
    L: Loader<Uuid, Error = std::sync::Arc<AppError>>,
{
    ctx.data_unchecked::<loaders::Cached<L>>()
        .load_one(key)
        .await
        .map_err(|e| async_graphql::ErrorExtensions::extend(e.as_ref()))
}

/// A resolver's large, occasional call (a page, a document review, a single-row lookup) in an
/// allocation of its own. async-graphql allocates and copies, for every selected field of every
/// object in an answer, a future as large as the largest resolver of that object's type; with
/// such calls inline, each field of `Report` and `Indicator` (a name, a number) cost 3–4 KiB,
/// 1,800 times in a page of 50 reports with their indicators. Awaited through this, the call
/// costs one allocation when its field is selected, and the common fields stay small.
pub(crate) fn boxed<'a, T>(
    call: impl std::future::Future<Output = T> + Send + 'a,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>> {
    Box::pin(call)
}

/// Loads a report's child rows of `E` (shared, not copied).
pub(crate) async fn children<E>(
    ctx: &Context<'_>,
    report: Uuid,
) -> async_graphql::Result<std::sync::Arc<Vec<E::Model>>>
where
    E: loaders::ReportChild,
    E::Model: Clone + Send + Sync,
{
    Ok(load::<loaders::ChildLoader<E>>(ctx, report)
        .await?
        .unwrap_or_default())
}

/// Prefetches the selected children of a page of reports (see [`loaders::prefetch_reports`]).
pub(crate) async fn prefetch(
    ctx: &Context<'_>,
    reports: &[&entity::report::Model],
) -> async_graphql::Result<()> {
    let look = ctx.look_ahead();
    let selection = [look.field("nodes"), look.field("edges").field("node")];
    loaders::prefetch_reports(ctx, &selection, reports)
        .await
        .map_err(|e| async_graphql::ErrorExtensions::extend(e.as_ref()))
}
