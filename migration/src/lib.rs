//! Database migrations of jixiao, for SQLite and PostgreSQL alike.
//!
//! Conventions: UUID primary keys; timestamps with time zone (UTC); amounts, scores and weights
//! as `BIGINT` hundredths (an exact `Decimal(14,2)`, see the `entity` crate); enumerations as
//! short strings. A migration that has landed is never edited: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_department;
mod m20261128_000002_create_report;
mod m20261128_000003_create_signature;
mod m20261128_000004_create_review_comment;
mod m20261128_000005_create_change_event;
mod m20261128_000006_create_scoring_profile;
mod m20261128_000007_create_integration;
mod m20261128_000008_create_data_version;
mod m20261128_000009_index_report_default_order;
mod m20261128_000010_data_version_stamp;
mod m20261128_000011_signature_scheme;
mod m20261129_000012_idempotency_replay;
mod m20261129_000013_external_id_per_department;
mod m20261129_000014_money_to_the_fen;
mod m20261129_000015_form_variants;
mod m20261129_000016_indicator_core_and_coefficient;
mod m20261129_000017_finance_recheck;
mod m20261129_000018_finance_cell_paths;
mod m20261130_000019_create_attachment;
mod m20261130_000020_signer_keys;

/// The national default scoring rules as first seeded (JSON).
pub use m20261128_000006_create_scoring_profile::NATIONAL as NATIONAL_RULES;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_department::Migration),
            Box::new(m20261128_000002_create_report::Migration),
            Box::new(m20261128_000003_create_signature::Migration),
            Box::new(m20261128_000004_create_review_comment::Migration),
            Box::new(m20261128_000005_create_change_event::Migration),
            Box::new(m20261128_000006_create_scoring_profile::Migration),
            Box::new(m20261128_000007_create_integration::Migration),
            Box::new(m20261128_000008_create_data_version::Migration),
            Box::new(m20261128_000009_index_report_default_order::Migration),
            Box::new(m20261128_000010_data_version_stamp::Migration),
            Box::new(m20261128_000011_signature_scheme::Migration),
            Box::new(m20261129_000012_idempotency_replay::Migration),
            Box::new(m20261129_000013_external_id_per_department::Migration),
            Box::new(m20261129_000014_money_to_the_fen::Migration),
            Box::new(m20261129_000015_form_variants::Migration),
            Box::new(m20261129_000016_indicator_core_and_coefficient::Migration),
            Box::new(m20261129_000017_finance_recheck::Migration),
            Box::new(m20261129_000018_finance_cell_paths::Migration),
            Box::new(m20261130_000019_create_attachment::Migration),
            Box::new(m20261130_000020_signer_keys::Migration),
        ]
    }
}

/// A `report_id` column referencing `report(id)`, deleted with it.
fn report_fk(table: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, Alias::new("report_id"))
        .to(Alias::new("report"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// The index every child table has: its rows of one report, in order.
fn child_index(table: impl IntoIden, name: &str) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(table)
        .col(Alias::new("report_id"))
        .col(Alias::new("ordinal"))
        .to_owned()
}

/// Adds `column` to `table`.
async fn add_column(
    manager: &SchemaManager<'_>,
    table: &str,
    column: &mut ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .add_column(column)
                .to_owned(),
        )
        .await
}

/// Drops `column` from `table`.
async fn drop_column(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .drop_column(Alias::new(column))
                .to_owned(),
        )
        .await
}
