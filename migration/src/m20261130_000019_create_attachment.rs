//! Evidence (佐证材料): files behind a report's figures. A row is an upload (no report yet, from
//! `POST /attachments`) or an attachment of a report, anchored like review comments; a detached
//! attachment keeps its row (with `detached_at`) until the retention has passed, so that its
//! blob outlives it by that long. Blobs themselves live in the evidence store, named by their
//! SHA-256.

use crate::report_fk;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000019_create_attachment"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attachment::Table)
                    .col(pk_uuid(Attachment::Id))
                    .col(uuid_null(Attachment::ReportId))
                    .col(string_len_null(Attachment::TargetKind, 32))
                    .col(text_null(Attachment::TargetPath))
                    .col(uuid_null(Attachment::IndicatorId))
                    .col(text(Attachment::FileName))
                    .col(string_len(Attachment::MediaType, 100))
                    .col(big_integer(Attachment::Size))
                    .col(string_len(Attachment::Sha256, 64))
                    .col(text_null(Attachment::Description))
                    .col(string_len(Attachment::UploadedBy, 200))
                    .col(text(Attachment::UploaderName))
                    .col(timestamp_with_time_zone(Attachment::UploadedAt))
                    .col(timestamp_with_time_zone_null(Attachment::AttachedAt))
                    .col(timestamp_with_time_zone_null(Attachment::DetachedAt))
                    .foreign_key(&mut report_fk(Attachment::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachment_report")
                    .table(Attachment::Table)
                    .col(Attachment::ReportId)
                    .col(Attachment::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachment_sha256")
                    .table(Attachment::Table)
                    .col(Attachment::Sha256)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Attachment::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Attachment {
    Table,
    Id,
    ReportId,
    TargetKind,
    TargetPath,
    IndicatorId,
    FileName,
    MediaType,
    Size,
    Sha256,
    Description,
    UploadedBy,
    UploaderName,
    UploadedAt,
    AttachedAt,
    DetachedAt,
}
