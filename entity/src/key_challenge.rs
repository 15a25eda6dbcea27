//! A one-time challenge a signer signs to prove they hold the key they register.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A challenge row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "key_challenge")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Who asked for it.
        pub subject: String,
        /// The challenge (random, hex).
        pub challenge: String,
        /// When it stops being accepted.
        pub expires_at: DateTimeUtc,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
