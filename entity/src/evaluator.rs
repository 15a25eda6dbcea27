//! 评价人员: a member of the evaluation group.

use crate::EvaluatorRole;
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// An evaluator row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "evaluator")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position.
        pub ordinal: i32,
        /// 姓名.
        pub name: String,
        /// 职务/职称.
        pub position: Option<String>,
        /// 单位.
        pub unit: Option<String>,
        /// Role in the group.
        pub role: EvaluatorRole,
        /// Identity-provider subject, when known.
        pub subject: Option<String>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
