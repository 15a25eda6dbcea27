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
