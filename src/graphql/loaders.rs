//! DataLoaders: every nested list and reference is fetched in one batched query per level,
//! never once per parent row. They look up by key only; the parent was authorized already.

use crate::domain::Db;
use crate::error::AppError;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    department, evaluator, finance_unit, funding_line, indicator, narrative_section, opinion,
    qualitative_goal, report, signature,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use uuid::Uuid;

/// A table whose rows belong to a report, in `ordinal` order.
pub trait ReportChild: EntityTrait {
    /// The `report_id` column.
    fn report_column() -> Self::Column;
    /// The `ordinal` column.
    fn ordinal_column() -> Self::Column;
    /// A row's report.
    fn report_of(model: &Self::Model) -> Uuid;
}

macro_rules! report_child {
    ($($module:ident),*) => {$(
        impl ReportChild for $module::Entity {
            fn report_column() -> Self::Column { $module::Column::ReportId }
            fn ordinal_column() -> Self::Column { $module::Column::Ordinal }
            fn report_of(model: &Self::Model) -> Uuid { model.report_id }
        }
    )*};
}
report_child!(
    finance_unit,
    qualitative_goal,
    indicator,
    evaluator,
    opinion,
    narrative_section,
    funding_line,
    signature
);

/// Loads the rows of `E` for many reports at once.
pub struct ChildLoader<E>(Db, PhantomData<fn() -> E>);

impl<E: ReportChild> Loader<Uuid> for ChildLoader<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(E::report_column().is_in(keys.iter().copied()))
            .order_by_asc(E::report_column())
            .order_by_asc(E::ordinal_column())
            .all(&self.0.conn)
            .await
            .map_err(|e| Arc::new(AppError::from(e)))?;
        let mut map: HashMap<Uuid, Vec<E::Model>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(E::report_of(&row)).or_default().push(row);
        }
        Ok(map)
    }
}

/// Loads rows of `E` by primary key.
pub struct ByIdLoader<E>(Db, PhantomData<fn() -> E>);

macro_rules! by_id {
    ($($module:ident),*) => {$(
        impl Loader<Uuid> for ByIdLoader<$module::Entity> {
            type Value = $module::Model;
            type Error = Arc<AppError>;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
                let rows = $module::Entity::find()
                    .filter($module::Column::Id.is_in(keys.iter().copied()))
                    .all(&self.0.conn)
                    .await
                    .map_err(|e| Arc::new(AppError::from(e)))?;
                Ok(rows.into_iter().map(|r| (r.id, r)).collect())
            }
        }
    )*};
}
by_id!(department, report);

/// Creates the loader of `L` for the schema (no cache: each request reads fresh rows, and
/// concurrent requests share batches).
pub fn child<E: ReportChild>(db: &Db) -> DataLoader<ChildLoader<E>>
where
    E::Model: Clone + Send + Sync,
{
    DataLoader::new(ChildLoader(db.clone(), PhantomData), tokio::spawn)
}

/// Creates a by-id loader.
pub fn by_id<E>(db: &Db) -> DataLoader<ByIdLoader<E>>
where
    ByIdLoader<E>: Loader<Uuid>,
{
    DataLoader::new(ByIdLoader(db.clone(), PhantomData), tokio::spawn)
}
