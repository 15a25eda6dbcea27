//! The change-event table (outbox): one row per change, written in the change's transaction.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A change event; `sequence` strictly increases.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "change_event")]
    pub struct Model {
        /// Feed position.
        #[sea_orm(primary_key)]
        pub sequence: i64,
        /// Event id.
        #[sea_orm(unique)]
        pub id: Uuid,
        /// Entity type, e.g. `Report`.
        pub entity_type: String,
        /// Entity id.
        pub entity_id: Uuid,
        /// Report concerned.
        pub report_id: Option<Uuid>,
        /// Department concerned.
        pub department_id: Option<Uuid>,
        /// Operation, e.g. `CREATE`.
        pub operation: String,
        /// Aggregate version after the change.
        pub version: Option<i32>,
        /// Subject who acted.
        pub actor: Option<String>,
        /// When.
        pub occurred_at: DateTimeUtc,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
