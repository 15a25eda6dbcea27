//! Variants of the forms real reports are filed on: the 执行率 a funding row declares (beside
//! the one computed from its amounts), and level-1 weights written on the form itself (产出 60
//! instead of the profile's 50). Both are nullable: existing reports are as they were.

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
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("funding_line"))
                    .add_column(big_integer_null(Alias::new("declared_rate")))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("report"))
                    .add_column(json_null(Alias::new("level1_weights")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("report"))
                    .drop_column(Alias::new("level1_weights"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("funding_line"))
                    .drop_column(Alias::new("declared_rate"))
                    .to_owned(),
            )
            .await
    }
}
