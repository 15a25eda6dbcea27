//! 意见: the group leader's, department's or finance bureau's opinion.

use crate::OpinionKind;
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// An opinion row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "opinion")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position.
        pub ordinal: i32,
        /// Whose opinion.
        pub kind: OpinionKind,
        /// Text of the opinion.
        #[sea_orm(column_type = "Text", nullable)]
        pub text: Option<String>,
        /// Who gave it (负责人).
        pub person: Option<String>,
        /// Date written beside it.
        pub date: Option<Date>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
