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

/// A model that decodes itself from a row, each field from the column of its name.
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

/// Where a cell is: its position in the select list when the row's column there has the
/// field's name (a whole-model select lists the columns in field order), else its name. A
/// position is read directly; a name is looked up in the row's column map (hashed) on every
/// access, which for hundreds of rows of forty columns was a tenth of a list query's CPU.
#[derive(Clone, Copy, Debug)]
pub struct At<'a> {
    index: usize,
    name: &'a str,
    positional: bool,
}

impl<'a> At<'a> {
    /// The cell of field `name`, declared `index`-th in its model.
    pub fn new(row: &QueryResult, index: usize, name: &'a str) -> Self {
        use sea_orm::sqlx::{Column, Row};
        let named = |n: Option<&str>| n == Some(name);
        let positional = if let Some(r) = row.try_as_pg_row() {
            named(r.columns().get(index).map(|c| c.name()))
        } else if let Some(r) = row.try_as_sqlite_row() {
            named(r.columns().get(index).map(|c| c.name()))
        } else {
            false
        };
        Self {
            index,
            name,
            positional,
        }
    }

    fn get<T: TryGetable>(self, row: &QueryResult) -> Result<T, sea_orm::TryGetError> {
        if self.positional {
            T::try_get_by(row, self.index)
        } else {
            T::try_get_by(row, self.name)
        }
    }

    /// Whether the cell is NULL, where the driver can say so without decoding it.
    fn is_null(self, row: &QueryResult) -> Option<bool> {
        use sea_orm::sqlx::{Row, ValueRef};
        fn raw<R: Row>(r: &R, at: At<'_>) -> Option<bool>
        where
            usize: sea_orm::sqlx::ColumnIndex<R>,
            for<'n> &'n str: sea_orm::sqlx::ColumnIndex<R>,
        {
            let value = if at.positional {
                r.try_get_raw(at.index)
            } else {
                r.try_get_raw(at.name)
            };
            value.ok().map(|v| v.is_null())
        }
        if let Some(r) = row.try_as_pg_row() {
            return raw(r, self);
        }
        if let Some(r) = row.try_as_sqlite_row() {
            return raw(r, self);
        }
        None
    }
}

/// One cell of a row.
pub trait Cell: Sized {
    /// Decodes the cell at `at`.
    fn cell(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr>;
}

impl<T: Cell + TryGetable> Cell for Option<T> {
    fn cell(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr> {
        match at.is_null(row) {
            Some(true) => Ok(None),
            Some(false) => Ok(Some(T::cell(row, at)?)),
            // Not a driver row, or no such column: SeaORM's own path says which.
            None => Ok(at.get::<Option<T>>(row)?),
        }
    }
}

/// Types that SeaORM reads straight from the driver (`try_getable_all!`: `row.try_get`, no
/// conversion of its own). At a column's position they are decoded with `try_get_unchecked`,
/// which skips the driver's per-cell check of the column's declared type against the Rust type
/// (for text on PostgreSQL, a comparison with every text-like type name: a tenth of a list
/// query's CPU without the response cache). The columns and their types are the migrations'
/// own, and `rows_decode_as_seaorm_decodes_them` compares every table's rows with SeaORM's
/// checked decoding on both databases; elsewhere (a column found by name) SeaORM decodes.
/// The stored enumerations and the fixed-point numbers decode through these (`enums.rs`,
/// `fixed.rs`).
macro_rules! direct_cells {
    ($($ty:ty),* $(,)?) => {$(
        impl Cell for $ty {
            fn cell(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr> {
                use sea_orm::sqlx::Row;
                if at.positional {
                    let decoded = if let Some(r) = row.try_as_pg_row() {
                        Some(r.try_get_unchecked::<$ty, _>(at.index))
                    } else if let Some(r) = row.try_as_sqlite_row() {
                        Some(r.try_get_unchecked::<$ty, _>(at.index))
                    } else {
                        None
                    };
                    if let Some(decoded) = decoded {
                        return decoded
                            .map_err(|e| DbErr::Type(format!("column {}: {e}", at.name)));
                    }
                }
                Ok(at.get::<$ty>(row)?)
            }
        }
    )*};
}

direct_cells!(
    bool,
    i32,
    i64,
    String,
    uuid::Uuid,
    serde_json::Value,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
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
            #[allow(unused_assignments, reason = "the last field's position is not read")]
            fn decode_row(row: &sea_orm::QueryResult) -> Result<Self, sea_orm::DbErr> {
                let mut index = 0usize;
                $(
                    let $field = $crate::row::Cell::cell(
                        row,
                        $crate::row::At::new(row, index, stringify!($field)),
                    )?;
                    index += 1;
                )*
                Ok(Model { $( $field ),* })
            }
        }
    };
}
