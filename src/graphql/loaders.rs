//! DataLoaders: every nested list and reference is fetched in one batched query per level,
//! never once per parent row. They look up by key only; the parent was authorized already.

use crate::domain::Db;
use crate::domain::report::rows;
use crate::error::AppError;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    attachment, department, evaluator, finance_unit, funding_line, indicator, narrative_section,
    opinion, qualitative_goal, report, review_comment, signature,
};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use uuid::Uuid;

pub use crate::domain::report::rows::ReportChild;

/// Loads the rows of `E` for many reports at once.
pub struct ChildLoader<E>(Db, PhantomData<fn() -> E>);

impl<E: ReportChild> Loader<Uuid> for ChildLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    /// Shared, so that handing a report's rows to its resolver copies no row.
    type Value = Arc<Vec<E::Model>>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let map = rows::children_of::<E>(&self.0, keys)
            .await
            .map_err(Arc::new)?;
        Ok(map.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// Loads rows of `E` by primary key.
pub struct ByIdLoader<E>(Db, PhantomData<fn() -> E>);

macro_rules! by_id {
    ($($module:ident => $read:ident),*) => {$(
        impl Loader<Uuid> for ByIdLoader<$module::Entity> {
            type Value = $module::Model;
            type Error = Arc<AppError>;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
                let rows = rows::$read(&self.0, keys).await.map_err(Arc::new)?;
                Ok(rows.into_iter().map(|r| (r.id, r)).collect())
            }
        }
    )*};
}
by_id!(department => departments_by_id, report => reports_by_id);

/// A stored report reviewed under its profile.
pub struct Reviewed {
    /// Its document.
    pub doc: crate::domain::report::ReportDocument,
    /// The profile used.
    pub profile: crate::domain::assessment::profile::Profile,
    /// The assessment.
    pub assessment: crate::domain::assessment::score::Assessment,
    /// The findings.
    pub findings: Vec<crate::domain::assessment::finding::Finding>,
}

impl
    From<(
        crate::domain::report::ReportDocument,
        crate::domain::assessment::profile::Profile,
        crate::domain::assessment::score::Assessment,
        Vec<crate::domain::assessment::finding::Finding>,
    )> for Reviewed
{
    fn from(
        (doc, profile, assessment, findings): (
            crate::domain::report::ReportDocument,
            crate::domain::assessment::profile::Profile,
            crate::domain::assessment::score::Assessment,
            Vec<crate::domain::assessment::finding::Finding>,
        ),
    ) -> Self {
        Reviewed {
            doc,
            profile,
            assessment,
            findings,
        }
    }
}

/// Reviews reports by id (each loads its document and profile: several statements per report,
/// so this is for fields a client asks for deliberately, such as `assessment`).
pub struct ReviewLoader(Db);

impl Loader<Uuid> for ReviewLoader {
    type Value = Arc<Reviewed>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = rows::reports_by_id(&self.0, keys).await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for row in rows {
            let reviewed = crate::domain::assessment::service::review_stored(&self.0, &row)
                .await
                .map_err(Arc::new)?;
            out.insert(row.id, Arc::new(Reviewed::from(reviewed)));
        }
        Ok(out)
    }
}

/// A loader with a per-request cache: what one resolver loaded (or a list resolver prefetched)
/// is not loaded again in the same request.
pub type Cached<L> = DataLoader<L, HashMapCache>;

fn cached<L: Loader<Uuid>>(loader: L) -> Cached<L> {
    DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
}

fn child<E: ReportChild>(db: &Db) -> Cached<ChildLoader<E>>
where
    E::Model: Clone + Send + Sync,
{
    cached(ChildLoader(db.clone(), PhantomData))
}

fn by_id<E>(db: &Db) -> Cached<ByIdLoader<E>>
where
    ByIdLoader<E>: Loader<Uuid>,
{
    cached(ByIdLoader(db.clone(), PhantomData))
}

/// Attaches a fresh set of loaders to a request.
pub fn attach(request: async_graphql::Request, db: &Db) -> async_graphql::Request {
    request
        .data(child::<finance_unit::Entity>(db))
        .data(child::<qualitative_goal::Entity>(db))
        .data(child::<indicator::Entity>(db))
        .data(child::<evaluator::Entity>(db))
        .data(child::<opinion::Entity>(db))
        .data(child::<narrative_section::Entity>(db))
        .data(child::<funding_line::Entity>(db))
        .data(child::<signature::Entity>(db))
        .data(child::<review_comment::Entity>(db))
        .data(child::<attachment::Entity>(db))
        .data(by_id::<department::Entity>(db))
        .data(by_id::<report::Entity>(db))
        .data(cached(ReviewLoader(db.clone())))
}

/// Loads, in one batched query per list, the children of `reports` that the query selects
/// under `selection` (the `nodes` or `edges.node` of a report connection), so that each report's
/// resolvers find them in the cache: a page costs the same statements whatever its size.
pub async fn prefetch_reports(
    ctx: &async_graphql::Context<'_>,
    selection: &[async_graphql::Lookahead<'_>],
    reports: &[&report::Model],
) -> Result<(), Arc<AppError>> {
    use futures_util::future::{BoxFuture, try_join_all};
    if reports.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = reports.iter().map(|r| r.id).collect();
    let selected = |field: &str| selection.iter().any(|s| s.field(field).exists());
    let mut loads: Vec<BoxFuture<'_, Result<(), Arc<AppError>>>> = Vec::new();
    macro_rules! prefetch {
        ($field:literal, $module:ident) => {
            if selected($field) {
                let loader = ctx.data_unchecked::<Cached<ChildLoader<$module::Entity>>>();
                let ids = ids.clone();
                loads.push(Box::pin(
                    async move { loader.load_many(ids).await.map(|_| ()) },
                ));
            }
        };
    }
    prefetch!("finance", finance_unit);
    prefetch!("qualitativeGoals", qualitative_goal);
    prefetch!("indicators", indicator);
    prefetch!("evaluators", evaluator);
    prefetch!("opinions", opinion);
    prefetch!("sections", narrative_section);
    prefetch!("funding", funding_line);
    prefetch!("signatures", signature);
    prefetch!("comments", review_comment);
    prefetch!("attachments", attachment);
    if selected("department") {
        let loader = ctx.data_unchecked::<Cached<ByIdLoader<department::Entity>>>();
        let departments: Vec<Uuid> = reports.iter().map(|r| r.department_id).collect();
        loads.push(Box::pin(async move {
            loader.load_many(departments).await.map(|_| ())
        }));
    }
    try_join_all(loads).await.map(|_| ())
}
