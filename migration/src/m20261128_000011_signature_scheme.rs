//! What a signature binds besides the content digest: the signing scheme it was made under
//! (existing signatures: 1, content digest only) and, from scheme 2, the opinion it was given
//! with and the binding digest over (scheme, role, signer, content digest, opinion).
//!
//! SQLite alters one column per statement, so each column is its own statement.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000011_signature_scheme"
    }
}

fn columns() -> Vec<ColumnDef> {
    vec![
        // Every signature made before this migration was made under scheme 1.
        integer(Signature::Scheme).default(1).to_owned(),
        string_len_null(Signature::OpinionKind, 32),
        text_null(Signature::OpinionText),
        text_null(Signature::OpinionPerson),
        date_null(Signature::OpinionDate),
        string_len_null(Signature::BindingDigest, 64),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in columns() {
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
            Signature::BindingDigest,
            Signature::OpinionDate,
            Signature::OpinionPerson,
            Signature::OpinionText,
            Signature::OpinionKind,
            Signature::Scheme,
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
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Signature {
    Table,
    Scheme,
    OpinionKind,
    OpinionText,
    OpinionPerson,
    OpinionDate,
    BindingDigest,
}
