//! A threaded review comment anchored to part of a report.

use crate::CommentTargetKind;
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A review comment row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "review_comment")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Comment replied to.
        pub parent_id: Option<Uuid>,
        /// Anchor kind.
        pub target_kind: CommentTargetKind,
        /// Anchor path (section key, finance cell, field path).
        pub target_path: Option<String>,
        /// Anchored indicator.
        pub indicator_id: Option<Uuid>,
        /// Author's subject.
        pub author_subject: String,
        /// Author's name.
        pub author_name: String,
        /// Author's role.
        pub author_role: String,
        /// Text.
        #[sea_orm(column_type = "Text")]
        pub body: String,
        /// Resolved flag.
        pub resolved: bool,
        /// Who resolved it.
        pub resolved_by: Option<String>,
        /// When resolved.
        pub resolved_at: Option<DateTimeUtc>,
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
