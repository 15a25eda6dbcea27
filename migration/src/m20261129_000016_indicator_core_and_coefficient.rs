//! Columns real forms have and the model lacked: on an indicator row the core-indicator flag
//! (核心指标) and the score coefficient (得分系数) of forms that score a row as 分值 × 得分系数;
//! on a qualitative goal the goal as set at the start of the year (年初目标) beside the adjusted
//! one. Existing rows are not core, have no coefficient and no initial goal.

use crate::{add_column, drop_column};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000016_indicator_core_and_coefficient"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "indicator", boolean("is_core").default(false)).await?;
        add_column(
            manager,
            "indicator",
            &mut big_integer_null("score_coefficient"),
        )
        .await?;
        add_column(manager, "qualitative_goal", &mut text_null("initial")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "qualitative_goal", "initial").await?;
        drop_column(manager, "indicator", "score_coefficient").await?;
        drop_column(manager, "indicator", "is_core").await
    }
}
