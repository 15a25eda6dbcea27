//! Relay connections: `edges { cursor node }`, `nodes`, `pageInfo`, and a `totalCount` that is
//! only counted when asked for. [`connection!`] makes one concrete pair of types per node type.

use crate::domain::pagination::Page;
use crate::error::AppError;
use async_graphql::SimpleObject;
use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Select};
use std::sync::Arc;

/// Counts every item matching a connection's filter.
pub type Counter =
    Arc<dyn Fn(DatabaseConnection) -> BoxFuture<'static, Result<u64, AppError>> + Send + Sync>;

/// Pagination state of a connection page.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether more items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item, to page backwards with `before`.
    pub start_cursor: Option<String>,
    /// Cursor of the last item, to page forwards with `after`.
    pub end_cursor: Option<String>,
}

/// A fetched page, ready to wrap as a connection.
pub struct Parts<N> {
    /// Items with their cursors.
    pub edges: Vec<(String, N)>,
    /// Page state.
    pub page_info: PageInfo,
    /// Counts all matches on demand.
    pub counter: Counter,
}

impl<N> Parts<N> {
    /// Builds the parts from a fetched page and what builds the query that counts all matches
    /// (built only when `totalCount` is asked for).
    pub fn new<M, E>(
        page: Page<M>,
        count: impl Fn() -> Select<E> + Send + Sync + 'static,
        wrap: impl Fn(M) -> N,
    ) -> Self
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        let page_info = PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: page.items.first().map(|(c, _)| c.clone()),
            end_cursor: page.items.last().map(|(c, _)| c.clone()),
        };
        let edges = page.items.into_iter().map(|(c, m)| (c, wrap(m))).collect();
        let counter: Counter = Arc::new(move |conn| {
            let count = count();
            Box::pin(async move { count.count(&conn).await.map_err(AppError::from) })
        });
        Self {
            edges,
            page_info,
            counter,
        }
    }
}

impl<N> Parts<N> {
    /// Builds the parts from a page whose total is already known.
    pub fn counted<M>(page: Page<M>, total: u64, wrap: impl Fn(M) -> N) -> Self {
        let page_info = PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: page.items.first().map(|(c, _)| c.clone()),
            end_cursor: page.items.last().map(|(c, _)| c.clone()),
        };
        let edges = page.items.into_iter().map(|(c, m)| (c, wrap(m))).collect();
        let counter: Counter = Arc::new(move |_| Box::pin(async move { Ok(total) }));
        Self {
            edges,
            page_info,
            counter,
        }
    }
}

/// Defines `$conn` and `$edge` for node type `$node`.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", with cursors and the total count.")]
        pub struct $conn(pub $crate::graphql::connection::Parts<$node>);

        impl $conn {
            /// Builds the connection from a fetched page and what builds the query that
            /// counts all matches (only when `totalCount` is asked for).
            pub fn new<M, E>(
                page: $crate::domain::pagination::Page<M>,
                count: impl Fn() -> sea_orm::Select<E> + Send + Sync + 'static,
                wrap: impl Fn(M) -> $node,
            ) -> Self
            where
                E: sea_orm::EntityTrait,
                E::Model: Sync,
            {
                Self($crate::graphql::connection::Parts::new(page, count, wrap))
            }

            /// Builds the connection from a page whose total is already known.
            #[allow(dead_code, reason = "not every connection has a counted first page")]
            pub fn counted<M>(
                page: $crate::domain::pagination::Page<M>,
                total: u64,
                wrap: impl Fn(M) -> $node,
            ) -> Self {
                Self($crate::graphql::connection::Parts::counted(
                    page, total, wrap,
                ))
            }
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque cursor of this item, for `after` and `before`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        #[doc = concat!("A page of ", $what, ", with cursors and the total count.")]
        #[async_graphql::Object]
        impl $conn {
            /// The items of this page with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                self.0
                    .edges
                    .iter()
                    .map(|(cursor, node)| $edge {
                        cursor: cursor.clone(),
                        node: node.clone(),
                    })
                    .collect()
            }

            /// The items of this page.
            async fn nodes(&self) -> Vec<$node> {
                self.0.edges.iter().map(|(_, n)| n.clone()).collect()
            }

            /// Where this page stands.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.0.page_info
            }

            /// How many items match across all pages (counted only when asked for).
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<i64> {
                let conn = $crate::graphql::db(ctx).conn.clone();
                let n = (self.0.counter)(conn).await?;
                Ok(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    };
}
pub(crate) use connection;
