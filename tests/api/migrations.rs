//! Migrations go up, down and up again on the test database.

use crate::support::fresh_database;
use migration::{Migrator, MigratorTrait};
use sea_orm::Database;

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
    let last = Migrator::migrations().len() - 1;
    Migrator::down(&app.db.conn, Some(1)).await.expect("down");
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
