//! Threaded review comments anchored to parts of a report.

use crate::report_fk;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_create_review_comment"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReviewComment::Table)
                    .col(pk_uuid(ReviewComment::Id))
                    .col(uuid(ReviewComment::ReportId))
                    .col(uuid_null(ReviewComment::ParentId))
                    .col(string_len(ReviewComment::TargetKind, 32))
                    .col(text_null(ReviewComment::TargetPath))
                    .col(uuid_null(ReviewComment::IndicatorId))
                    .col(string_len(ReviewComment::AuthorSubject, 200))
                    .col(text(ReviewComment::AuthorName))
                    .col(string_len(ReviewComment::AuthorRole, 32))
                    .col(text(ReviewComment::Body))
                    .col(boolean(ReviewComment::Resolved))
                    .col(string_len_null(ReviewComment::ResolvedBy, 200))
                    .col(timestamp_with_time_zone_null(ReviewComment::ResolvedAt))
                    .col(timestamp_with_time_zone(ReviewComment::CreatedAt))
                    .col(timestamp_with_time_zone(ReviewComment::UpdatedAt))
                    .foreign_key(&mut report_fk(ReviewComment::Table))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReviewComment::Table, ReviewComment::ParentId)
                            .to(ReviewComment::Table, ReviewComment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_comment_report")
                    .table(ReviewComment::Table)
                    .col(ReviewComment::ReportId)
                    .col(ReviewComment::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReviewComment::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ReviewComment {
    Table,
    Id,
    ReportId,
    ParentId,
    TargetKind,
    TargetPath,
    IndicatorId,
    AuthorSubject,
    AuthorName,
    AuthorRole,
    Body,
    Resolved,
    ResolvedBy,
    ResolvedAt,
    CreatedAt,
    UpdatedAt,
}
