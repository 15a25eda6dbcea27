//! Evidence (佐证材料): an uploaded file, attached to a report (anchored like a review comment)
//! or waiting to be attached. The content lives in the evidence store under its SHA-256.

use crate::CommentTargetKind;
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// An attachment row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "attachment")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report (none while an upload waits to be attached).
        pub report_id: Option<Uuid>,
        /// Anchor kind (none while an upload waits to be attached).
        pub target_kind: Option<CommentTargetKind>,
        /// Anchor path (section key, finance cell, field path).
        pub target_path: Option<String>,
        /// Anchored indicator.
        pub indicator_id: Option<Uuid>,
        /// The file's name as uploaded.
        #[sea_orm(column_type = "Text")]
        pub file_name: String,
        /// Media type, sniffed from the content.
        pub media_type: String,
        /// Size in bytes.
        pub size: i64,
        /// SHA-256 of the content, lowercase hex: the blob's name in the store.
        pub sha256: String,
        /// What the file shows.
        #[sea_orm(column_type = "Text", nullable)]
        pub description: Option<String>,
        /// Uploader's subject.
        pub uploaded_by: String,
        /// Uploader's name.
        #[sea_orm(column_type = "Text")]
        pub uploader_name: String,
        /// Uploaded.
        pub uploaded_at: DateTimeUtc,
        /// Attached to the report.
        pub attached_at: Option<DateTimeUtc>,
        /// Detached from the report (kept until the retention has passed).
        pub detached_at: Option<DateTimeUtc>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
