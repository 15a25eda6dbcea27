//! The finance bureau's re-check score (复核分): one JSON value per report holding the score per
//! indicator row and the total, recorded during review beside the filed content. Existing
//! reports have none.

use crate::{add_column, drop_column};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000017_finance_recheck"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "report", &mut json_null("recheck")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "report", "recheck").await
    }
}
