//! 定性目标: an expected goal and what was achieved.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A qualitative goal row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "qualitative_goal")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position.
        pub ordinal: i32,
        /// 预期目标.
        #[sea_orm(column_type = "Text", nullable)]
        pub expected: Option<String>,
        /// 实际完成.
        #[sea_orm(column_type = "Text", nullable)]
        pub actual: Option<String>,
        /// 年初设定目标, where the form gives the goal as set at the start of the year beside the
        /// adjusted one (`expected`).
        #[sea_orm(column_type = "Text", nullable)]
        pub initial: Option<String>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
