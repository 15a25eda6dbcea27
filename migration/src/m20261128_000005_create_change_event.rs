//! The change-event table: the outbox behind history and the sync feed.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000005_create_change_event"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeEvent::Table)
                    .col(big_pk_auto(ChangeEvent::Sequence))
                    .col(uuid_uniq(ChangeEvent::Id))
                    .col(string_len(ChangeEvent::EntityType, 64))
                    .col(uuid(ChangeEvent::EntityId))
                    .col(uuid_null(ChangeEvent::ReportId))
                    .col(uuid_null(ChangeEvent::DepartmentId))
                    .col(string_len(ChangeEvent::Operation, 32))
                    .col(integer_null(ChangeEvent::Version))
                    .col(string_len_null(ChangeEvent::Actor, 200))
                    .col(timestamp_with_time_zone(ChangeEvent::OccurredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_change_event_report")
                    .table(ChangeEvent::Table)
                    .col(ChangeEvent::ReportId)
                    .col(ChangeEvent::Sequence)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChangeEvent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ChangeEvent {
    Table,
    Sequence,
    Id,
    EntityType,
    EntityId,
    ReportId,
    DepartmentId,
    Operation,
    Version,
    Actor,
    OccurredAt,
}
