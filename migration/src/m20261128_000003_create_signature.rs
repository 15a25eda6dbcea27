//! Signatures, each bound to the content digest it signed.

use crate::{child_index, report_fk};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_create_signature"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Signature::Table)
                    .col(pk_uuid(Signature::Id))
                    .col(uuid(Signature::ReportId))
                    .col(integer(Signature::Ordinal))
                    .col(string_len(Signature::SignerSubject, 200))
                    .col(text(Signature::SignerName))
                    .col(string_len(Signature::Role, 32))
                    .col(timestamp_with_time_zone(Signature::SignedAt))
                    .col(string_len(Signature::ContentDigest, 64))
                    .foreign_key(&mut report_fk(Signature::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(child_index(Signature::Table, "idx_signature_report"))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Signature::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Signature {
    Table,
    Id,
    ReportId,
    Ordinal,
    SignerSubject,
    SignerName,
    Role,
    SignedAt,
    ContentDigest,
}
