//! Departments (部门（单位）).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000001_create_department"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Department::Table)
                    .col(pk_uuid(Department::Id))
                    .col(string_len_uniq(Department::Code, 64))
                    .col(string_len(Department::Name, 200))
                    .col(uuid_null(Department::ParentId))
                    .col(string_len_null(Department::Region, 200))
                    .col(timestamp_with_time_zone(Department::CreatedAt))
                    .col(timestamp_with_time_zone(Department::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Department::Table, Department::ParentId)
                            .to(Department::Table, Department::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_department_parent")
                    .table(Department::Table)
                    .col(Department::ParentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Department::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
    Code,
    Name,
    ParentId,
    Region,
    CreatedAt,
    UpdatedAt,
}
