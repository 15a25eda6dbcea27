//! An idempotency key: the first result of a write, replayed for the same key and input.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// An idempotency key row; unique per (subject, key).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_key")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Token subject the key belongs to.
        pub subject: String,
        /// The client's key.
        pub key: String,
        /// Mutation name.
        pub operation: String,
        /// SHA-256 (hex) of the mutation name and input.
        pub request_hash: String,
        /// The ids the first call produced, in the form releases before the typed record replay
        /// from (kept so that they, and a rolled-back schema, still work).
        pub result: Json,
        /// The first answer as a typed record (`domain::idempotency::Replay`): what a replay
        /// returns. Null for keys recorded by an older release.
        pub replay: Option<Json>,
        /// Created.
        pub created_at: DateTimeUtc,
        /// After this the key may be reused.
        pub expires_at: DateTimeUtc,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
