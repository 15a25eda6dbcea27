//! The first answer of a keyed write, as a typed record (`replay`), beside the ids that older
//! releases replay from (`result`, still written): a replay returns what the first call
//! returned instead of the report as it is now. Down drops the column; `result` is still
//! complete, so the older release replays as it did.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000012_idempotency_replay"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdempotencyKey::Table)
                    .add_column(json_null(IdempotencyKey::Replay))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdempotencyKey::Table)
                    .drop_column(IdempotencyKey::Replay)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    Replay,
}
