//! A webhook: a URL that receives signed change events.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A webhook row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Where deliveries are POSTed.
        #[sea_orm(column_type = "Text")]
        pub url: String,
        /// HMAC-SHA256 secret.
        pub secret: String,
        /// Event filter (JSON: entityTypes, operations, departmentIds).
        pub filter: Json,
        /// Whether deliveries are made.
        pub active: bool,
        /// Last event sequence turned into deliveries.
        pub cursor_sequence: i64,
        /// Who registered it.
        pub created_by: String,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last changed.
        pub updated_at: DateTimeUtc,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
