//! An index in the default order of `reports` (fiscal year descending, unit name, id), so that
//! the first page costs the same at 2,000 reports as at 20,000.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000009_index_report_default_order"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_report_default_order")
                    .table(Report::Table)
                    .col((Report::FiscalYear, IndexOrder::Desc))
                    .col((Report::UnitName, IndexOrder::Asc))
                    .col((Report::Id, IndexOrder::Asc))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_report_default_order")
                    .table(Report::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Report {
    Table,
    FiscalYear,
    UnitName,
    Id,
}
