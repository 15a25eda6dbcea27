//! 绩效指标: a quantitative indicator with its target and outcome.

use crate::{Comparator, Hundredths, IndicatorCategory, IndicatorSubcategory, Millionths};
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// An indicator row. Texts are verbatim; comparator, value and unit are read from them.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "indicator")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position within the report.
        pub ordinal: i32,
        /// 一级指标.
        pub category: IndicatorCategory,
        /// 二级指标.
        pub subcategory: IndicatorSubcategory,
        /// 三级指标 name, where the form has one.
        pub name: Option<String>,
        /// 年度指标值 / 绩效目标, verbatim.
        #[sea_orm(column_type = "Text")]
        pub target_text: String,
        /// Target comparator.
        pub target_comparator: Option<Comparator>,
        /// Target value.
        pub target_value: Option<Millionths>,
        /// Target unit.
        pub target_unit: Option<String>,
        /// 实际完成值 / 完成情况, verbatim.
        #[sea_orm(column_type = "Text", nullable)]
        pub actual_text: Option<String>,
        /// Actual comparator.
        pub actual_comparator: Option<Comparator>,
        /// Actual value.
        pub actual_value: Option<Millionths>,
        /// Actual unit.
        pub actual_unit: Option<String>,
        /// 分值.
        pub weight: Option<Hundredths>,
        /// 得分 as declared.
        pub declared_score: Option<Hundredths>,
        /// Whether the form marks it a core indicator (核心指标).
        pub is_core: bool,
        /// 得分系数 as filed, where the form scores rows as 分值 × 得分系数.
        pub score_coefficient: Option<Millionths>,
        /// 偏差原因分析.
        #[sea_orm(column_type = "Text", nullable)]
        pub deviation_reason: Option<String>,
        /// 改进措施.
        #[sea_orm(column_type = "Text", nullable)]
        pub improvement_measures: Option<String>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
