//! Contention against the real binary: writers on one report never starve readers, and imports
//! while webhooks deliver lose no document.

use crate::hostile::{alive, post_raw, start, token};
use crate::support::{SECRET, TestApp, fixture, fresh_database, wait_up};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// Fifty writers on one report and fifty upserts of one new external ID all land while a
/// reader keeps being answered; with a pool of four connections, writers queue in the process
/// instead of holding every connection while they wait for the report's row lock.
#[tokio::test]
async fn writers_to_one_report_never_starve_readers() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 4).await;
    let preparer = app.preparer();
    let id = app.create_report(2024, "单位", None).await;
    let update = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { report { version } userErrors { code } } }";
    let upsert = crate::support::UPSERT;
    let reading = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let reader = {
        let base = app.base.clone();
        let reading = reading.clone();
        let auditor = app.token(&["AUDITOR"], &["*"]);
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut answered = 0;
            let mut slowest = Duration::ZERO;
            while reading.load(std::sync::atomic::Ordering::Relaxed) {
                let started = std::time::Instant::now();
                let body = serde_json::to_vec(&json!({ "query": "{ reports { totalCount } }" }))
                    .expect("json");
                let (status, answer, _) = post_raw(&client, &base, Some(&auditor), body).await;
                assert_eq!(status, StatusCode::OK, "{answer}");
                assert!(answer["errors"].is_null(), "a read failed: {answer}");
                slowest = slowest.max(started.elapsed());
                answered += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (answered, slowest)
        })
    };
    let mut writers = Vec::new();
    for i in 0..50 {
        let (base, preparer) = (app.base.clone(), preparer.clone());
        let id = id.clone();
        writers.push(tokio::spawn(async move {
            let body = serde_json::to_vec(&json!({ "query": update, "variables": { "i": { "id": id, "unitName": format!("单位{i}") } } }))
                .expect("json");
            post_raw(&reqwest::Client::new(), &base, Some(&preparer), body).await
        }));
    }
    for i in 0..50 {
        let (base, preparer) = (app.base.clone(), preparer.clone());
        let mut doc = fixture();
        doc["externalId"] = json!("race-new");
        doc["document"]["unitName"] = json!(format!("并发{i}"));
        writers.push(tokio::spawn(async move {
            let body =
                serde_json::to_vec(&json!({ "query": upsert, "variables": { "input": doc } }))
                    .expect("json");
            post_raw(&reqwest::Client::new(), &base, Some(&preparer), body).await
        }));
    }
    for w in writers {
        let (status, answer, _) = w.await.expect("join");
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(answer["errors"].is_null(), "a write failed: {answer}");
        let payload = answer["data"]
            .as_object()
            .and_then(|o| o.values().next())
            .cloned()
            .unwrap_or(Value::Null);
        assert_eq!(payload["userErrors"], json!([]), "{answer}");
    }
    reading.store(false, std::sync::atomic::Ordering::Relaxed);
    let (answered, slowest) = reader.await.expect("reader");
    println!("reader answered {answered} times, slowest {slowest:?}");
    assert!(answered > 0);
    assert_eq!(app.report_count().await, 2);
    let r = app
        .gql(
            Some(&preparer),
            "query($id: ID!) { report(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r["data"]["report"]["version"], 51, "{r}");
}

/// SQLite: an import while webhooks are being delivered loses no document to "database is
/// locked": every write, the deliveries' included, queues at the one write gate.
#[tokio::test]
async fn imports_while_webhooks_deliver_lose_no_document() {
    let (url, _dir) = fresh_database().await;
    let (mut child, base) = start(
        &url,
        &[("JIXIAO_RATE_LIMIT", "0")],
        std::process::Stdio::null(),
    );
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;
    // A receiver that accepts every delivery.
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(|| async { StatusCode::NO_CONTENT }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook_url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, hook).await });
    let admin = token("u-admin", &["ADMIN"], &["*"]);
    let register = json!({ "query": "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { userErrors { code } } }",
        "variables": { "i": { "url": hook_url, "secret": SECRET } } });
    for _ in 0..3 {
        let (_, r, _) = post_raw(
            &client,
            &base,
            Some(&admin),
            serde_json::to_vec(&register).expect("json"),
        )
        .await;
        assert_eq!(r["data"]["registerWebhook"]["userErrors"], json!([]), "{r}");
    }
    let sync = token("u-sync", &["SYNC_CLIENT"], &["YX-KGJ"]);
    let import = "mutation($i: ImportReportsInput!) { importReports(input: $i) { failed results { userErrors { code message } } } }";
    let mut failed = 0;
    for batch in 0..5 {
        let documents: Vec<Value> = (0..100)
            .map(|i| {
                let mut d = fixture();
                d["externalId"] = json!(format!("wh-{batch}-{i}"));
                d
            })
            .collect();
        let body = serde_json::to_vec(
            &json!({ "query": import, "variables": { "i": { "documents": documents } } }),
        )
        .expect("json");
        let (status, r, _) = post_raw(&client, &base, Some(&sync), body).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        failed += r["data"]["importReports"]["failed"].as_i64().unwrap_or(999);
        assert!(!r.to_string().contains("UNAVAILABLE"), "{r}");
    }
    assert_eq!(failed, 0);
    assert!(alive(&mut child));
}
