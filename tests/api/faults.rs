//! Faults: concurrent writers, a broken or dropped database under a live server. Every error a
//! client sees carries a code and names no SQL, table, stack or internal type; the data stays
//! whole; the service recovers by itself.

use crate::support::{TestApp, UPSERT, fixture};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// Words that would reveal internals if they reached a client.
const LEAKS: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE ",
    "sqlx",
    "sea_orm",
    "SeaORM",
    "DbErr",
    "no such table",
    "relation",
    "indicator_gone",
    "panicked",
    "src/",
    ".rs:",
    "Error {",
    "backtrace",
    "terminating connection",
    "database is locked",
    "SQLSTATE",
    "PoolTimedOut",
];

/// Every error has a code, and the body names nothing internal.
fn assert_clean(body: &Value) {
    let text = body.to_string();
    for leak in LEAKS {
        assert!(!text.contains(leak), "{leak:?} reached a client: {text}");
    }
    for error in body["errors"].as_array().into_iter().flatten() {
        assert!(error["extensions"]["code"].is_string(), "no code: {error}");
    }
}

const RECORD: &str = "mutation($i: RecordIndicatorActualInput!) { recordIndicatorActual(input: $i) { indicator { actual { text } } report { version } userErrors { code message } } }";

#[tokio::test]
async fn concurrent_writers_one_wins_the_rest_are_stale_and_none_is_locked_out() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let created = app.upsert_fixture().await;
    let id = created["report"]["id"].as_str().expect("id").to_owned();
    let version = created["report"]["version"].as_i64().expect("version");
    let body = app
        .gql(
            Some(&app.preparer()),
            "query($id: ID!) { node(id: $id) { ... on Report { indicators { id } } } }",
            json!({ "id": id }),
        )
        .await;
    let indicators: Vec<String> = body["data"]["node"]["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(indicators.len() >= 8, "{body}");

    // Eight writers race on one indicator with the same expected version.
    let racers = (0..8).map(|n| {
        let app = app.clone();
        let indicator = indicators[0].clone();
        tokio::spawn(async move {
            let token = app.preparer();
            app.gql(
                Some(&token),
                RECORD,
                json!({ "i": { "id": indicator, "expectedVersion": version, "actual": { "text": format!("9{n}%") } } }),
            )
            .await
        })
    });
    let mut winners = Vec::new();
    for (n, racer) in racers.enumerate() {
        let body = racer.await.expect("join");
        assert_clean(&body);
        let payload = &body["data"]["recordIndicatorActual"];
        match payload["userErrors"][0]["code"].as_str() {
            None => winners.push(format!("9{n}%")),
            Some(code) => assert_eq!(code, "STALE_VERSION", "{body}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer wins: {winners:?}");

    // Eight writers on different indicators without a version check: all of them land, even
    // on SQLite's single writer.
    let writers = indicators.iter().take(8).enumerate().map(|(n, indicator)| {
        let app = app.clone();
        let indicator = indicator.clone();
        tokio::spawn(async move {
            let token = app.preparer();
            app.gql(
                Some(&token),
                RECORD,
                json!({ "i": { "id": indicator, "actual": { "text": format!("8{n}%") } } }),
            )
            .await
        })
    });
    for writer in writers {
        let body = writer.await.expect("join");
        assert_clean(&body);
        assert_eq!(
            body["data"]["recordIndicatorActual"]["userErrors"],
            json!([]),
            "{body}"
        );
    }
    let body = app
        .gql(
            Some(&app.preparer()),
            "query($id: ID!) { node(id: $id) { ... on Report { version indicators { actual { text } } } } }",
            json!({ "id": id }),
        )
        .await;
    let report = &body["data"]["node"];
    assert_eq!(report["version"].as_i64(), Some(version + 1 + 8), "{body}");
    for n in 0..8 {
        assert_eq!(
            report["indicators"][n]["actual"]["text"],
            format!("8{n}%"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_broken_database_is_masked_and_recovered_from() {
    let app = TestApp::spawn().await;
    app.upsert_fixture().await;
    let preparer = app.preparer();
    let read = "{ reports { totalCount nodes { unitName indicators { id } } } }";

    // Bad inputs and constraint violations: coded, clean.
    for (query, variables) in [
        ("{ reports(first: \"x\") { totalCount } }", json!({})),
        (
            "{ node(id: \"UmVwb3J0Om5vdC1hLXV1aWQ=\") { id } }",
            json!({}),
        ),
        (
            UPSERT,
            json!({ "input": { "departmentCode": "NOPE", "fiscalYear": 2019, "unitName": "x" } }),
        ),
        (
            "mutation { upsertDepartment(input: { code: \"YX-KGJ\", name: \"重名\", parentCode: \"YX-KGJ\" }) { userErrors { code } } }",
            json!({}),
        ),
    ] {
        let (_, body) = app.post(Some(&preparer), query, variables).await;
        assert_clean(&body);
    }

    // A table vanishes under the running server.
    app.db
        .conn
        .execute_unprepared("ALTER TABLE indicator RENAME TO indicator_gone")
        .await
        .expect("rename");
    let (status, body) = app.post(Some(&preparer), read, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_clean(&body);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTERNAL_SERVER_ERROR",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("x-request-id")
    );
    let mut doc = fixture();
    doc["externalId"] = json!("written-while-broken");
    let (_, body) = app
        .post(Some(&preparer), UPSERT, json!({ "input": doc }))
        .await;
    assert_clean(&body);
    assert!(
        body["errors"][0]["extensions"]["code"].is_string(),
        "{body}"
    );
    app.db
        .conn
        .execute_unprepared("ALTER TABLE indicator_gone RENAME TO indicator")
        .await
        .expect("rename back");

    // Nothing half-written, and the service answers again without a restart.
    assert_eq!(
        app.report_count().await,
        1,
        "the failed upsert left no report"
    );
    let body = app.gql(Some(&preparer), read, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["reports"]["totalCount"], 1);
}

#[tokio::test]
async fn killed_postgres_backends_give_clean_errors_and_the_pool_recovers() {
    if !std::env::var("JIXIAO_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        eprintln!("skipped: PostgreSQL only (set JIXIAO_TEST_DATABASE_URL)");
        return;
    }
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let documents: Vec<Value> = (0..60)
        .map(|i| {
            let mut d = fixture();
            d["externalId"] = json!(format!("kill-{i}"));
            d
        })
        .collect();
    let import = "mutation($i: ImportReportsInput!) { importReports(input: $i) { results { externalId result userErrors { code } } } }";
    let variables = json!({ "i": { "documents": documents, "idempotencyKey": "kill-batch-1" } });
    let importer = {
        let app = app.clone();
        let sync = sync.clone();
        let variables = variables.clone();
        tokio::spawn(async move { app.post(Some(&sync), import, variables).await })
    };
    // Kill every backend of the app's database, again and again, while the import runs.
    let killer = Database::connect(app.url.as_str()).await.expect("connect");
    for _ in 0..20 {
        killer
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await
            .expect("terminate");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let (status, body) = importer.await.expect("join");
    assert_clean(&body);
    let results = body["data"]["importReports"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    eprintln!(
        "import under pg_terminate_backend: HTTP {status}, {} written, {} refused, errors {}",
        results.iter().filter(|r| r["result"].is_string()).count(),
        results.iter().filter(|r| r["result"].is_null()).count(),
        body["errors"]
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    if body.get("errors").is_some() {
        // The connection died before the first document (at the idempotency check).
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
            "{body}"
        );
    } else {
        // One item's failure does not fail the batch: it is refused for a retry.
        assert_eq!(results.len(), 60, "{body}");
        for r in results.iter().filter(|r| r["result"].is_null()) {
            assert_eq!(r["userErrors"][0]["code"], "UNAVAILABLE", "{r}");
        }
    }

    // The pool reconnects by itself.
    let mut answered = false;
    for _ in 0..20 {
        let (_, body) = app
            .post(Some(&sync), "{ reports { totalCount } }", json!({}))
            .await;
        if body.get("errors").is_none() {
            answered = true;
            break;
        }
        assert_clean(&body);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(answered, "the service did not recover");

    // Retrying the batch with the same key writes what was missed.
    let retried = app.gql(Some(&sync), import, variables).await;
    assert_clean(&retried);
    let results = retried["data"]["importReports"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(results.iter().all(|r| r["result"].is_string()), "{retried}");

    // Every report present is whole: all of its indicators, none of them twice.
    let expected = fixture()["document"]["indicators"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(expected > 0);
    let rows = killer
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT r.external_id, COUNT(i.id) FROM report r LEFT JOIN indicator i ON i.report_id = r.id GROUP BY r.external_id",
        ))
        .await
        .expect("count");
    let mut present = std::collections::HashSet::new();
    for row in rows {
        let external: String = row.try_get_by_index(0).expect("external id");
        let count: i64 = row.try_get_by_index(1).expect("count");
        assert_eq!(count as usize, expected, "{external} is half-written");
        present.insert(external);
    }
    assert_eq!(present.len(), 60, "every document is there after the retry");
}

#[tokio::test]
async fn concurrent_upserts_of_one_new_external_id_all_land() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let racers: Vec<_> = (0..6)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut doc = fixture();
                doc["externalId"] = json!("raced-1");
                doc["document"]["title"] = json!(format!("并发写入 {n}"));
                let token = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
                app.gql(Some(&token), UPSERT, json!({ "input": doc })).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for racer in racers {
        let body = racer.await.expect("join");
        assert_clean(&body);
        assert_eq!(
            body["data"]["upsertReport"]["userErrors"],
            json!([]),
            "{body}"
        );
        results.push(
            body["data"]["upsertReport"]["result"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        );
    }
    assert_eq!(
        results.iter().filter(|r| *r == "CREATED").count(),
        1,
        "{results:?}"
    );
    assert_eq!(app.report_count().await, 1);
}

/// A unique-constraint conflict says which value must be unique, on both databases.
#[tokio::test]
async fn a_conflict_names_the_value_that_must_be_unique() {
    use sea_orm::Statement;
    let app = TestApp::spawn().await;
    let backend = app.db.conn.get_database_backend();
    let id = uuid::Uuid::now_v7();
    let sql = format!(
        "INSERT INTO department (id, code, name, parent_id, region, created_at, updated_at) \
         VALUES ('{id}', 'YX-KGJ', '重复', NULL, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    );
    let err = app
        .db
        .conn
        .execute_raw(Statement::from_string(backend, sql))
        .await
        .expect_err("the code is taken");
    let app_err = jixiao::error::AppError::from(err);
    assert_eq!(app_err.code(), "CONFLICT");
    assert!(
        app_err.message().contains("部门编码（code）已存在"),
        "{}",
        app_err.message()
    );
}
