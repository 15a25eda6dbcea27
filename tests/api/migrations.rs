//! Migrations go up, down and up again on the test database.

use crate::support::fresh_database;
use migration::{Migrator, MigratorTrait};
use sea_orm::Database;

/// Undoes the migrations after the one whose name contains `fragment`.
pub(crate) async fn down_to_just_after(conn: &sea_orm::DatabaseConnection, fragment: &str) {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n.contains(fragment))
        .expect("the migration");
    let after = u32::try_from(names.len() - at - 1).expect("few");
    if after > 0 {
        Migrator::down(conn, Some(after)).await.expect("down");
    }
}

#[tokio::test]
async fn migrations_go_up_down_and_up() {
    let (url, _dir) = fresh_database().await;
    let conn = Database::connect(url.as_str()).await.expect("connect");
    Migrator::up(&conn, None).await.expect("up");
    let applied = Migrator::get_applied_migrations(&conn)
        .await
        .expect("applied")
        .len();
    assert_eq!(applied, Migrator::migrations().len());
    Migrator::down(&conn, None).await.expect("down");
    assert!(
        Migrator::get_applied_migrations(&conn)
            .await
            .expect("applied")
            .is_empty()
    );
    Migrator::up(&conn, None).await.expect("up again");
    assert!(
        Migrator::get_pending_migrations(&conn)
            .await
            .expect("pending")
            .is_empty()
    );
}

/// Signatures made before signing schemes were recorded are scheme 1 (the content digest
/// alone), and the scheme migration goes down and up again over existing signatures.
#[tokio::test]
async fn signatures_from_before_the_scheme_migration_are_scheme_1() {
    use crate::support::TestApp;
    use sea_orm::EntityTrait;
    use serde_json::json;
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "测试局", None).await;
    let sign = "mutation($i: SignReportInput!) { signReport(input: $i) { signature { scheme } userErrors { code } } }";
    let r = app
        .gql(
            Some(&app.preparer()),
            sign,
            json!({ "i": { "reportId": id, "role": "PREPARER" } }),
        )
        .await;
    assert_eq!(r["data"]["signReport"]["signature"]["scheme"], 2, "{r}");
    // Down to just before the scheme migration (the migrations after it first), then up.
    down_to_just_after(&app.db.conn, "signature_scheme").await;
    Migrator::down(&app.db.conn, Some(1)).await.expect("down");
    let last = Migrator::migrations()
        .iter()
        .position(|m| m.name().contains("signature_scheme"))
        .expect("the scheme migration");
    assert_eq!(
        Migrator::get_applied_migrations(&app.db.conn)
            .await
            .expect("applied")
            .len(),
        last
    );
    Migrator::up(&app.db.conn, None).await.expect("up");
    let signatures = entity::signature::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("signatures");
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0].scheme, 1);
    assert_eq!(signatures[0].binding_digest, None);
    assert_eq!(signatures[0].opinion_kind, None);
}

/// Runs one statement of the test's own making.
async fn run(conn: &sea_orm::DatabaseConnection, sql: &str) -> Result<(), sea_orm::DbErr> {
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared(sql).await.map(|_| ())
}

async fn count(conn: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get_by_index::<i64>(0).expect("number")
}

const KGJ: &str = "00000000-0000-7000-8000-000000000001";
const CZJ: &str = "00000000-0000-7000-8000-000000000002";

fn report(id: u32, department: &str, external_id: &str) -> String {
    format!(
        "INSERT INTO report (id, external_id, department_id, fiscal_year, kind, status, unit_name, \
         annual_tasks, content_digest, version, created_at, updated_at) VALUES \
         ('00000000-0000-7000-8000-0000000001{id:02}', '{external_id}', '{department}', 2024, \
         'DEPARTMENT_OVERALL', 'DRAFT', '单位', '[]', 'd', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
    )
}

#[tokio::test]
async fn external_ids_go_per_department_and_back_keeping_every_row() {
    let (url, _dir) = fresh_database().await;
    let conn = Database::connect(url.as_str()).await.expect("connect");
    Migrator::up(&conn, None).await.expect("up");
    for (id, code) in [(KGJ, "YX-KGJ"), (CZJ, "YX-CZJ")] {
        run(&conn, &format!("INSERT INTO department (id, code, name, created_at, updated_at) VALUES ('{id}', '{code}', '{code}', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"))
            .await
            .expect("department");
    }
    run(&conn, &report(1, KGJ, "a")).await.expect("report");
    run(&conn, &report(2, CZJ, "b")).await.expect("report");
    run(&conn, "INSERT INTO finance_unit (id, report_id, ordinal, is_summary, name) VALUES ('00000000-0000-7000-8000-000000000201', '00000000-0000-7000-8000-000000000101', 1, false, '局机关')")
        .await
        .expect("finance row");
    // Down: external IDs unique across departments again, every row kept.
    down_to_just_after(&conn, "external_id_per_department").await;
    Migrator::down(&conn, Some(1)).await.expect("down");
    assert_eq!(
        (
            count(&conn, "report").await,
            count(&conn, "finance_unit").await
        ),
        (2, 1)
    );
    assert!(
        run(&conn, &report(3, CZJ, "a")).await.is_err(),
        "global again"
    );
    // Up: per department; the same ID in another department is a report of its own.
    Migrator::up(&conn, None).await.expect("up again");
    assert_eq!(
        (
            count(&conn, "report").await,
            count(&conn, "finance_unit").await
        ),
        (2, 1)
    );
    run(&conn, &report(3, CZJ, "a"))
        .await
        .expect("another department's ID");
    assert!(
        run(&conn, &report(4, CZJ, "a")).await.is_err(),
        "unique within the department"
    );
    // Down refuses while two departments share an ID, and changes nothing.
    down_to_just_after(&conn, "external_id_per_department").await;
    let refused = Migrator::down(&conn, Some(1))
        .await
        .expect_err("shared IDs");
    assert!(refused.to_string().contains("a"), "{refused}");
    assert!(
        Migrator::get_pending_migrations(&conn)
            .await
            .expect("pending")
            .iter()
            .all(|m| m.name() > "m20261129_000013_external_id_per_department")
    );
    assert!(run(&conn, &report(4, CZJ, "a")).await.is_err());
    // Child rows still belong to their report: deleting it still cascades.
    run(
        &conn,
        "DELETE FROM report WHERE id = '00000000-0000-7000-8000-000000000101'",
    )
    .await
    .expect("delete");
    assert_eq!(count(&conn, "finance_unit").await, 0);
}
