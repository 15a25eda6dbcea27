//! A signature bound to the content digest at the moment of signing and, from signing scheme 2,
//! to the opinion it was given with.

use crate::{OpinionKind, SignatureAlgorithm, SignatureRole};
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A signature row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "signature")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position (signing order).
        pub ordinal: i32,
        /// Signer's subject.
        pub signer_subject: String,
        /// Signer's name.
        pub signer_name: String,
        /// Capacity.
        pub role: SignatureRole,
        /// When.
        pub signed_at: DateTimeUtc,
        /// Content digest signed.
        pub content_digest: String,
        /// Signing scheme (canonical form) the signature was made under: 1 = content digest only
        /// (every signature made before schemes were recorded), 2 = content digest and opinion.
        pub scheme: i32,
        /// Which opinion was given with the signature, if any (scheme 2).
        pub opinion_kind: Option<OpinionKind>,
        /// The opinion's text as signed.
        #[sea_orm(column_type = "Text", nullable)]
        pub opinion_text: Option<String>,
        /// The opinion's 负责人 as signed.
        #[sea_orm(column_type = "Text", nullable)]
        pub opinion_person: Option<String>,
        /// The opinion's date as signed.
        pub opinion_date: Option<Date>,
        /// SHA-256 (hex) of the canonical signed statement (scheme 2; null for scheme 1).
        pub binding_digest: Option<String>,
        /// The signer's key the signature was made with (scheme 3).
        pub key_id: Option<Uuid>,
        /// Its algorithm (scheme 3).
        pub key_algorithm: Option<SignatureAlgorithm>,
        /// Its public key, base64 (scheme 3): the signature verifies with this copy alone.
        #[sea_orm(column_type = "Text", nullable)]
        pub key_public: Option<String>,
        /// The SM2 signer identity used (scheme 3, SM2).
        #[sea_orm(column_type = "Text", nullable)]
        pub key_sm2_id: Option<String>,
        /// The signature value over the signed payload, base64 (scheme 3).
        #[sea_orm(column_type = "Text", nullable)]
        pub key_signature: Option<String>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
