//! 评价报告综述: one section of the narrative.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A narrative section row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "narrative_section")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position.
        pub ordinal: i32,
        /// Key, unique within the report (e.g. `1.2`).
        pub key: String,
        /// Heading as filed.
        #[sea_orm(column_type = "Text")]
        pub title: String,
        /// Text under the heading.
        #[sea_orm(column_type = "Text", nullable)]
        pub body: Option<String>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
