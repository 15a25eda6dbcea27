//! A row of a project report's funding block (万元).

use crate::{FundingLineKind, Hundredths, Millionths};
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A funding row: budgets and execution in millionths of 万元 (fen), weight and declared score.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "funding_line")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position.
        pub ordinal: i32,
        /// Which row.
        pub line: FundingLineKind,
        /// 年初预算数.
        pub initial_budget: Option<Millionths>,
        /// 全年预算数.
        pub adjusted_budget: Option<Millionths>,
        /// 全年执行数.
        pub executed: Option<Millionths>,
        /// 分值.
        pub weight: Option<Hundredths>,
        /// 得分 as declared.
        pub declared_score: Option<Hundredths>,
        /// 执行率 as filed (percent), beside the one computed from the amounts.
        pub declared_rate: Option<Hundredths>,
        /// How the amounts were written (see `finance_unit::Model::amount_format`).
        pub amount_format: Option<Json>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
