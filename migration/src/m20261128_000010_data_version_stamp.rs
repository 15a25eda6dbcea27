//! A random stamp beside the data version, renewed with every bump: after a restore or a
//! fail-over to a replica that lost transactions, the version can count up to a value it had
//! before, but not with the same stamp, so no cached answer of the lost timeline is served.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000010_data_version_stamp"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DataVersion::Table)
                    .add_column(big_integer(DataVersion::Stamp).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DataVersion::Table)
                    .drop_column(DataVersion::Stamp)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum DataVersion {
    Table,
    Stamp,
}
