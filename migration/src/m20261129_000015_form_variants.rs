//! Variants of the forms real reports are filed on: the 执行率 a funding row declares (beside
//! the one computed from its amounts), and level-1 weights written on the form itself (产出 60
//! instead of the profile's 50). Both are nullable: existing reports are as they were.

use crate::{add_column, drop_column};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000015_form_variants"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "funding_line",
            &mut big_integer_null("declared_rate"),
        )
        .await?;
        add_column(manager, "report", &mut json_null("level1_weights")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "report", "level1_weights").await?;
        drop_column(manager, "funding_line", "declared_rate").await
    }
}
