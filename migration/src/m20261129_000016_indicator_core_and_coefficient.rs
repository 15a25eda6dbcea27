//! Columns real forms have and the model lacked: on an indicator row the core-indicator flag
//! (核心指标) and the score coefficient (得分系数) of forms that score a row as 分值 × 得分系数;
//! on a qualitative goal the goal as set at the start of the year (年初目标) beside the adjusted
//! one. Existing rows are not core, have no coefficient and no initial goal.

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
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("indicator"))
                    .add_column(boolean(Alias::new("is_core")).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("indicator"))
                    .add_column(big_integer_null(Alias::new("score_coefficient")))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("qualitative_goal"))
                    .add_column(text_null(Alias::new("initial")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("qualitative_goal"))
                    .drop_column(Alias::new("initial"))
                    .to_owned(),
            )
            .await?;
        for column in ["score_coefficient", "is_core"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("indicator"))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
