//! A signer's public key, registered with proof of possession.

use crate::SignatureAlgorithm;
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A signer key row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "signer_key")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The owner's identity-provider subject.
        pub subject: String,
        /// Algorithm.
        pub algorithm: SignatureAlgorithm,
        /// Public key, base64 (SEC1 uncompressed point for SM2 and P-256, 32 bytes for Ed25519).
        #[sea_orm(column_type = "Text")]
        pub public_key: String,
        /// SM2 signer identity (default `1234567812345678`).
        #[sea_orm(column_type = "Text", nullable)]
        pub sm2_id: Option<String>,
        /// SHA-256 (hex) of the algorithm's name, a colon and the public key's bytes.
        #[sea_orm(unique)]
        pub fingerprint: String,
        /// The owner's name for it.
        #[sea_orm(column_type = "Text", nullable)]
        pub label: Option<String>,
        /// Registered.
        pub created_at: DateTimeUtc,
        /// Revoked (signatures made before stay valid; later ones are refused).
        pub revoked_at: Option<DateTimeUtc>,
        /// Who revoked it.
        pub revoked_by: Option<String>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
