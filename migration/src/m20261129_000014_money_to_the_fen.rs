//! Money to the fen, in the unit it was filed in: amounts (finance tables, funding block) were
//! stored as multiples of 0.01 万元; they are now multiples of 0.000001 万元 (one fen), so
//! 89.974 and 207.4538 万元 are kept exactly. A report records the unit its amounts were filed
//! in (`amount_unit`: 万元 or 元), and each money row how its figures were written
//! (`amount_format`: the unit and, per figure, the decimals written where not two), so that
//! a figure comes back as written.
//!
//! Existing amounts are multiplied by 10^4 (exact: |x| < 10^12 万元 stays inside a `BIGINT` at
//! six decimals); their written form stays the default (万元, two decimals), so every stored
//! document reads back, and digests, exactly as before. Recorded replays of keyed writes hold
//! snapshots with amounts at the old scale: they are cleared, so a retried key is refused as
//! one recorded by an older release instead of being answered with figures 10^4 too small.
//! Down divides by 10^4, refusing if a figure has more than two decimals of 万元.

use crate::{add_column, drop_column};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000014_money_to_the_fen"
    }
}

/// Amount columns of `finance_unit`.
const FINANCE_AMOUNTS: [&str; 22] = [
    "income_total",
    "income_carryover",
    "income_public_finance",
    "income_government_fund",
    "income_special_account_non_tax",
    "income_other",
    "expenditure_total",
    "expenditure_basic",
    "expenditure_personnel",
    "expenditure_operating",
    "expenditure_project",
    "balance_current",
    "balance_accumulated",
    "three_public_total",
    "three_public_reception",
    "three_public_vehicle_operation",
    "three_public_vehicle_purchase",
    "three_public_overseas_travel",
    "fixed_assets_total",
    "fixed_assets_in_use",
    "fixed_assets_leased",
    "fixed_assets_other",
];

/// Amount columns of `funding_line` (its weight and score stay at two decimals of a point).
const FUNDING_AMOUNTS: [&str; 3] = ["initial_budget", "adjusted_budget", "executed"];

fn rescale(table: &str, columns: &[&str], op: &str) -> String {
    let sets: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = {c} {op} 10000"))
        .collect();
    format!("UPDATE {table} SET {}", sets.join(", "))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "report",
            string_len("amount_unit", 32).default("WAN_YUAN"),
        )
        .await?;
        for table in ["finance_unit", "funding_line"] {
            add_column(manager, table, &mut json_null("amount_format")).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(&rescale("finance_unit", &FINANCE_AMOUNTS, "*"))
            .await?;
        db.execute_unprepared(&rescale("funding_line", &FUNDING_AMOUNTS, "*"))
            .await?;
        db.execute_unprepared("UPDATE idempotency_key SET replay = NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let tables = [
            ("finance_unit", &FINANCE_AMOUNTS[..]),
            ("funding_line", &FUNDING_AMOUNTS[..]),
        ];
        // Every table is checked before anything changes.
        for (table, columns) in tables {
            let finer: Vec<String> = columns
                .iter()
                .map(|c| format!("{c} % 10000 <> 0"))
                .collect();
            let finer = db
                .query_one_raw(sea_orm::Statement::from_string(
                    manager.get_database_backend(),
                    format!(
                        "SELECT count(*) AS n FROM {table} WHERE {}",
                        finer.join(" OR ")
                    ),
                ))
                .await?
                .map(|row| row.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            if finer > 0 {
                return Err(DbErr::Migration(format!(
                    "{finer} rows of {table} hold amounts finer than 0.01 万元; they cannot go back"
                )));
            }
        }
        for (table, columns) in tables {
            db.execute_unprepared(&rescale(table, columns, "/")).await?;
            drop_column(manager, table, "amount_format").await?;
        }
        db.execute_unprepared("UPDATE idempotency_key SET replay = NULL")
            .await?;
        drop_column(manager, "report", "amount_unit").await
    }
}
