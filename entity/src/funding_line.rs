//! A row of a project report's funding block (万元).

use crate::{FundingLineKind, Hundredths};
use sea_orm::entity::prelude::*;

/// A funding row: budgets, execution, weight and declared score.
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
    pub initial_budget: Option<Hundredths>,
    /// 全年预算数.
    pub adjusted_budget: Option<Hundredths>,
    /// 全年执行数.
    pub executed: Option<Hundredths>,
    /// 分值.
    pub weight: Option<Hundredths>,
    /// 得分 as declared.
    pub declared_score: Option<Hundredths>,
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
