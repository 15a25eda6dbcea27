//! Row decoding for the hot read paths.
//!
//! SeaORM's derived `FromQueryResult` decodes a NULL into `Option<T>` by first building an error
//! whose message is the column formatted with `Debug`, then turning that error into `None`
//! (sea-orm 2.0 `err_null_idx_col`). With the many nullable columns of a report or an indicator
//! that formatting was about a fifth of the CPU of a list query answered without the response
//! cache. [`DecodeRow`] decodes the same columns into the same model, but asks the driver whether
//! a cell is NULL before decoding it. Each model declares its fields once, through
//! [`decoded_model!`], so the decoder cannot miss or misname a field: a field missing from the
//! decoder is a compile error, and the test `rows_decode_as_seaorm_decodes_them` compares every
//! table's rows with SeaORM's own decoding on both databases.

use sea_orm::{DbErr, EntityTrait, FromQueryResult, QueryResult, TryGetable};

/// A model that decodes itself from a row by column name.
pub trait DecodeRow: Sized {
    /// Decodes one row.
    fn decode_row(row: &QueryResult) -> Result<Self, DbErr>;
}

/// A model decoded by [`DecodeRow`], to hand to `Select::into_model`.
pub struct Decoded<M>(pub M);

impl<M: DecodeRow> FromQueryResult for Decoded<M> {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        debug_assert!(
            pre.is_empty(),
            "decoded models are selected whole, without a prefix"
        );
        M::decode_row(row).map(Decoded)
    }
}

/// The `Select` of a table whose model decodes with [`DecodeRow`].
pub trait SelectRows<E: EntityTrait> {
    /// Every row of the select.
    fn all_rows<C: sea_orm::ConnectionTrait>(
        self,
        conn: &C,
    ) -> impl std::future::Future<Output = Result<Vec<E::Model>, DbErr>> + Send;
}

impl<E> SelectRows<E> for sea_orm::Select<E>
where
    E: EntityTrait,
    E::Model: DecodeRow + Send + Sync,
{
    async fn all_rows<C: sea_orm::ConnectionTrait>(self, conn: &C) -> Result<Vec<E::Model>, DbErr> {
        let rows = self.into_model::<Decoded<E::Model>>().all(conn).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// One cell of a row.
pub trait Cell: Sized {
    /// Decodes the cell of `column`.
    fn cell(row: &QueryResult, column: &str) -> Result<Self, DbErr>;
}

/// Whether the cell is NULL, where the driver can say so without decoding it.
fn is_null(row: &QueryResult, column: &str) -> Option<bool> {
    use sea_orm::sqlx::{Row, ValueRef};
    if let Some(row) = row.try_as_pg_row() {
        return row.try_get_raw(column).ok().map(|v| v.is_null());
    }
    if let Some(row) = row.try_as_sqlite_row() {
        return row.try_get_raw(column).ok().map(|v| v.is_null());
    }
    None
}

impl<T: TryGetable> Cell for Option<T> {
    fn cell(row: &QueryResult, column: &str) -> Result<Self, DbErr> {
        match is_null(row, column) {
            Some(true) => Ok(None),
            Some(false) => Ok(Some(T::try_get(row, "", column)?)),
            // Not a driver row, or no such column: SeaORM's own path says which.
            None => Ok(Option::<T>::try_get(row, "", column)?),
        }
    }
}

macro_rules! plain_cells {
    ($($ty:ty),* $(,)?) => {$(
        impl Cell for $ty {
            fn cell(row: &QueryResult, column: &str) -> Result<Self, DbErr> {
                Ok(<$ty as TryGetable>::try_get(row, "", column)?)
            }
        }
    )*};
}

plain_cells!(
    bool,
    i32,
    i64,
    String,
    uuid::Uuid,
    serde_json::Value,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
    crate::Hundredths,
    crate::Millionths,
    crate::AmountUnit,
    crate::CommentTargetKind,
    crate::Comparator,
    crate::EvaluatorRole,
    crate::FundingLineKind,
    crate::IndicatorCategory,
    crate::IndicatorSubcategory,
    crate::OpinionKind,
    crate::ReportKind,
    crate::ReportStatus,
    crate::SignatureRole,
);

/// Declares an entity's `Model` and its [`DecodeRow`] from one field list. Write the struct
/// as usual inside the macro; every field is decoded from the column of the same name.
#[macro_export]
macro_rules! decoded_model {
    (
        $(#[$meta:meta])*
        pub struct Model {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct Model {
            $( $(#[$field_meta])* pub $field : $ty ),*
        }

        impl $crate::row::DecodeRow for Model {
            fn decode_row(row: &sea_orm::QueryResult) -> Result<Self, sea_orm::DbErr> {
                Ok(Model {
                    $( $field: $crate::row::Cell::cell(row, stringify!($field))? ),*
                })
            }
        }
    };
}
