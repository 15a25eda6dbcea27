//! A signature bound to the content digest at the moment of signing.

use crate::SignatureRole;
use sea_orm::entity::prelude::*;

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
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
