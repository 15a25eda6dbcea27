//! External IDs are unique within a department instead of across all reports: another
//! department can no longer take an ID first and block this one's sync for good, nor learn
//! from the refusal that a report it may not read exists.
//!
//! The global constraint goes (`report_external_id_key` on PostgreSQL; on SQLite an inline
//! `UNIQUE`, which SQLite removes only by rebuilding the table) and a unique index on
//! `(department_id, external_id)` takes its place. A deleted report keeps its ID until its own
//! department uses the ID again (the service then clears it), as before.
//!
//! Down restores the global constraint, and refuses, changing nothing, while two reports share
//! an external ID (two departments using the same one).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseExecutor, DbBackend, Statement, sqlx};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000013_external_id_per_department"
    }
}

/// The new index.
const INDEX: &str = "idx_report_department_external_id";
/// The global constraint as PostgreSQL names it.
const PG_CONSTRAINT: &str = "report_external_id_key";
/// The column as migration 2 declared it on SQLite, with and without its global `UNIQUE`.
const SQLITE_GLOBAL: &str = r#""external_id" varchar(200) NULL UNIQUE"#;
const SQLITE_PLAIN: &str = r#""external_id" varchar(200) NULL,"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                manager
                    .get_connection()
                    .execute_unprepared(&format!(
                        r#"ALTER TABLE "report" DROP CONSTRAINT "{PG_CONSTRAINT}""#
                    ))
                    .await?;
            }
            _ => rebuild_sqlite_report(manager, &format!("{SQLITE_GLOBAL},"), SQLITE_PLAIN).await?,
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Report::Table)
                    .col(Report::DepartmentId)
                    .col(Report::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let shared = conn
            .query_all_raw(Statement::from_string(
                manager.get_database_backend(),
                r#"SELECT "external_id" FROM "report" WHERE "external_id" IS NOT NULL
                   GROUP BY "external_id" HAVING COUNT(*) > 1 ORDER BY "external_id" LIMIT 5"#,
            ))
            .await?;
        if !shared.is_empty() {
            let ids: Vec<String> = shared
                .iter()
                .filter_map(|row| row.try_get_by_index::<String>(0).ok())
                .collect();
            return Err(DbErr::Migration(format!(
                "cannot make external ids unique across departments again: several reports use {} \
                 (rename or clear them first)",
                ids.join(", ")
            )));
        }
        manager
            .drop_index(Index::drop().name(INDEX).table(Report::Table).to_owned())
            .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                conn.execute_unprepared(&format!(
                    r#"ALTER TABLE "report" ADD CONSTRAINT "{PG_CONSTRAINT}" UNIQUE ("external_id")"#
                ))
                .await?;
                Ok(())
            }
            _ => rebuild_sqlite_report(manager, SQLITE_PLAIN, &format!("{SQLITE_GLOBAL},")).await,
        }
    }
}

fn sqlx_err(e: sqlx::Error) -> DbErr {
    DbErr::Migration(format!("rebuilding report: {e}"))
}

/// Rebuilds SQLite's `report` table with its `CREATE TABLE` text changed from `from` to `to`,
/// keeping every row, column and index (SQLite's documented procedure for schema changes that
/// `ALTER TABLE` cannot make). Foreign keys must be off while the old table is dropped, or the
/// drop would cascade to every child row; that is a per-connection setting that cannot change
/// inside a transaction, so the rebuild runs on a connection of its own, which is never handed
/// back to the pool with foreign keys off.
async fn rebuild_sqlite_report(
    manager: &SchemaManager<'_>,
    from: &str,
    to: &str,
) -> Result<(), DbErr> {
    let DatabaseExecutor::Connection(conn) = manager.get_connection() else {
        return Err(DbErr::Migration(
            "rebuilding report on SQLite must run outside a transaction".into(),
        ));
    };
    let mut connection = conn
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(sqlx_err)?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *connection)
        .await
        .map_err(sqlx_err)?;
    let rebuilt = rebuild(&mut connection, from, to).await;
    if rebuilt.is_err() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    }
    if sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *connection)
        .await
        .is_err()
    {
        // Closed rather than pooled without foreign keys.
        drop(connection.detach());
    }
    rebuilt
}

async fn rebuild(
    connection: &mut sqlx::SqliteConnection,
    from: &str,
    to: &str,
) -> Result<(), DbErr> {
    async fn run(connection: &mut sqlx::SqliteConnection, sql: &str) -> Result<(), DbErr> {
        // Statements built from constants and the stored schema, never from input.
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut *connection)
            .await
            .map(|_| ())
            .map_err(sqlx_err)
    }
    run(connection, "BEGIN IMMEDIATE").await?;
    let (table,): (String,) =
        sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'report'")
            .fetch_one(&mut *connection)
            .await
            .map_err(sqlx_err)?;
    let indexes: Vec<(String,)> = sqlx::query_as(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'report' \
         AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(sqlx_err)?;
    let (Some(columns), true) = (table.find('('), table.contains(from)) else {
        return Err(DbErr::Migration(format!(
            "report's schema is not the expected one (no {from}): {table}"
        )));
    };
    let create = format!(
        r#"CREATE TABLE "report_rebuilt" {}"#,
        table[columns..].replacen(from, to, 1)
    );
    run(connection, &create).await?;
    run(
        connection,
        r#"INSERT INTO "report_rebuilt" SELECT * FROM "report""#,
    )
    .await?;
    run(connection, r#"DROP TABLE "report""#).await?;
    run(
        connection,
        r#"ALTER TABLE "report_rebuilt" RENAME TO "report""#,
    )
    .await?;
    for (index,) in &indexes {
        run(connection, index).await?;
    }
    let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&mut *connection)
        .await
        .map_err(sqlx_err)?;
    if !broken.is_empty() {
        return Err(DbErr::Migration(format!(
            "rebuilding report would break foreign keys in {}",
            broken.len()
        )));
    }
    run(connection, "COMMIT").await
}

#[derive(DeriveIden)]
enum Report {
    Table,
    DepartmentId,
    ExternalId,
}
