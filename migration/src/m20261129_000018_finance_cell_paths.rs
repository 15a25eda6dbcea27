//! One field-path format: a FINANCE_CELL comment's path is rooted at the document like every
//! other path (`finance.units.0.income.total`), no longer relative to the finance tables
//! (`units.0.income.total`). Existing anchors are rewritten; `down` restores the older form.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000018_finance_cell_paths"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE review_comment SET target_path = 'finance.' || target_path \
                 WHERE target_kind = 'FINANCE_CELL' AND target_path IS NOT NULL \
                 AND target_path NOT LIKE 'finance.%'",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE review_comment SET target_path = substr(target_path, 9) \
                 WHERE target_kind = 'FINANCE_CELL' AND target_path LIKE 'finance.%'",
            )
            .await
            .map(|_| ())
    }
}
