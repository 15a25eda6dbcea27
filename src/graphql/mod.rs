//! The GraphQL adapter: thin resolvers that parse arguments, call one domain function and map
//! the result to output types. One file per aggregate, merged into one schema.

mod connection;
mod department;
mod enums;
mod finance;
mod ids;
mod indicator;
mod loaders;
mod node;
mod payload;
mod report;
mod scalars;
mod viewer;

use crate::domain::{Db, Viewer};
use crate::error::AppError;
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
use uuid::Uuid;

/// The root query.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    viewer::ViewerQuery,
    department::DepartmentQuery,
    report::ReportQuery,
    indicator::IndicatorQuery,
);

/// The root mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    report::ReportMutation,
    indicator::IndicatorMutation,
    department::DepartmentMutation,
);

/// The executable schema.
pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema over `db`, with its DataLoaders.
pub fn schema(db: &Db) -> AppSchema {
    use entity::*;
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(db.clone())
        .data(loaders::child::<finance_unit::Entity>(db))
        .data(loaders::child::<qualitative_goal::Entity>(db))
        .data(loaders::child::<indicator::Entity>(db))
        .data(loaders::child::<evaluator::Entity>(db))
        .data(loaders::child::<opinion::Entity>(db))
        .data(loaders::child::<narrative_section::Entity>(db))
        .data(loaders::child::<funding_line::Entity>(db))
        .data(loaders::child::<signature::Entity>(db))
        .data(loaders::by_id::<department::Entity>(db))
        .data(loaders::by_id::<report::Entity>(db))
        .limit_depth(16)
        .finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .finish()
        .sdl()
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

/// Loads one value through the schema's loader `L`.
pub(crate) async fn load<L>(ctx: &Context<'_>, key: Uuid) -> async_graphql::Result<Option<L::Value>>
where
    L: Loader<Uuid, Error = std::sync::Arc<AppError>>,
{
    ctx.data_unchecked::<DataLoader<L>>()
        .load_one(key)
        .await
        .map_err(|e| async_graphql::ErrorExtensions::extend(e.as_ref()))
}

/// Loads a report's child rows of `E`.
pub(crate) async fn children<E>(
    ctx: &Context<'_>,
    report: Uuid,
) -> async_graphql::Result<Vec<E::Model>>
where
    E: loaders::ReportChild,
    E::Model: Clone + Send + Sync,
{
    Ok(load::<loaders::ChildLoader<E>>(ctx, report)
        .await?
        .unwrap_or_default())
}
