//! Signatures made with the signer's own key (SM2, Ed25519, ECDSA P-256): the keys signers
//! register (with proof of possession, over a one-time challenge), and on each signature the key
//! it was made with and the signature value, so that it verifies without trusting the server.
//!
//! SQLite alters one column per statement, so each column of `signature` is its own statement.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000020_signer_keys"
    }
}

fn signature_columns() -> Vec<ColumnDef> {
    vec![
        uuid_null(Signature::KeyId),
        string_len_null(Signature::KeyAlgorithm, 16),
        text_null(Signature::KeyPublic),
        text_null(Signature::KeySm2Id),
        text_null(Signature::KeySignature),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignerKey::Table)
                    .col(pk_uuid(SignerKey::Id))
                    .col(string_len(SignerKey::Subject, 200))
                    .col(string_len(SignerKey::Algorithm, 16))
                    .col(text(SignerKey::PublicKey))
                    .col(text_null(SignerKey::Sm2Id))
                    .col(string_len_uniq(SignerKey::Fingerprint, 64))
                    .col(text_null(SignerKey::Label))
                    .col(timestamp_with_time_zone(SignerKey::CreatedAt))
                    .col(timestamp_with_time_zone_null(SignerKey::RevokedAt))
                    .col(string_len_null(SignerKey::RevokedBy, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_signer_key_subject")
                    .table(SignerKey::Table)
                    .col(SignerKey::Subject)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(KeyChallenge::Table)
                    .col(pk_uuid(KeyChallenge::Id))
                    .col(string_len(KeyChallenge::Subject, 200))
                    .col(string_len(KeyChallenge::Challenge, 64))
                    .col(timestamp_with_time_zone(KeyChallenge::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        for mut column in signature_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Signature::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Signature::KeySignature,
            Signature::KeySm2Id,
            Signature::KeyPublic,
            Signature::KeyAlgorithm,
            Signature::KeyId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Signature::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(KeyChallenge::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SignerKey::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SignerKey {
    Table,
    Id,
    Subject,
    Algorithm,
    PublicKey,
    Sm2Id,
    Fingerprint,
    Label,
    CreatedAt,
    RevokedAt,
    RevokedBy,
}

#[derive(DeriveIden)]
enum KeyChallenge {
    Table,
    Id,
    Subject,
    Challenge,
    ExpiresAt,
}

#[derive(DeriveIden)]
#[expect(
    clippy::enum_variant_names,
    reason = "the column is named key_signature, beside the table signature"
)]
enum Signature {
    Table,
    KeyId,
    KeyAlgorithm,
    KeyPublic,
    KeySm2Id,
    KeySignature,
}
