//! Webhooks: signed deliveries to a receiver on 127.0.0.1, retried until accepted, from a
//! persisted queue.

use crate::support::TestApp;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "s3cret-0123456789abcdef";

#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    fail_first: bool,
}

/// Serves a receiver that records every call and answers 500 to the first one if asked.
async fn receiver(fail_first: bool) -> (String, Receiver) {
    let state = Receiver {
        fail_first,
        ..Default::default()
    };
    let handler = {
        let state = state.clone();
        move |headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move {
                let mut calls = state.calls.lock().expect("lock");
                calls.push((headers, body));
                if state.fail_first && calls.len() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), state)
}

async fn register(app: &TestApp, url: &str) -> Value {
    let admin = app.token(&["ADMIN"], &["*"]);
    let q = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { webhook { id url active } userErrors { code field } } }";
    let r = app.gql(Some(&admin), q, json!({ "i": { "url": url, "secret": SECRET, "filter": { "entityTypes": ["Report"], "operations": ["CREATE"] } } })).await;
    assert_eq!(r["data"]["registerWebhook"]["userErrors"], json!([]), "{r}");
    r["data"]["registerWebhook"]["webhook"].clone()
}

fn check_signature(headers: &HeaderMap, body: &[u8]) -> Value {
    let event: Value = serde_json::from_slice(body).expect("json body");
    let id = uuid::Uuid::parse_str(headers["x-jixiao-event-id"].to_str().unwrap_or(""))
        .expect("event id");
    let ts: i64 = headers["x-jixiao-timestamp"]
        .to_str()
        .unwrap_or("0")
        .parse()
        .expect("timestamp");
    assert_eq!(event["id"], id.to_string());
    let expected = jixiao::domain::webhook::signature(SECRET, ts, id, body);
    assert_eq!(
        headers["x-jixiao-signature"].to_str().unwrap_or(""),
        expected
    );
    assert_ne!(
        jixiao::domain::webhook::signature("another-secret-xxxxx", ts, id, body),
        expected
    );
    event
}

#[tokio::test]
async fn deliveries_are_signed_and_retried_until_accepted() {
    let (url, recv) = receiver(true).await;
    let app = TestApp::spawn().await;
    let hook = register(&app, &url).await;
    let report = app.create_report(2024, "推送", None).await;
    let mut delivered = false;
    for _ in 0..100 {
        if recv.calls.lock().expect("lock").len() >= 2 {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "two attempts within 10 s");
    let calls = recv.calls.lock().expect("lock").clone();
    let event = check_signature(&calls[1].0, &calls[1].1);
    assert_eq!(event["operation"], "CREATE");
    assert_eq!(
        calls[0].0["x-jixiao-event-id"], calls[1].0["x-jixiao-event-id"],
        "the retry carries the same event"
    );
    use base64::Engine;
    let decoded = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&report)
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(
        Some(event["reportId"].as_str().unwrap_or("")),
        decoded.strip_prefix("Report:")
    );
    // The body links to the API: global IDs the API takes, the feed's cursor, milliseconds.
    assert_eq!(event["reportGlobalId"], report.as_str(), "{event}");
    assert_eq!(event["entityGlobalId"], report.as_str());
    assert!(event["departmentGlobalId"].is_string(), "{event}");
    assert!(event.get("externalId").is_some(), "{event}");
    let occurred = event["occurredAt"].as_str().expect("occurredAt");
    assert_eq!(
        occurred.len(),
        "2026-11-29T15:25:21.123Z".len(),
        "{occurred}"
    );
    let admin = app.token(&["ADMIN"], &["*"]);
    let feed = app
        .gql(
            Some(&admin),
            "{ changes(first: 1) { nodes { cursor reportGlobalId entityGlobalId departmentGlobalId occurredAt } } }",
            json!({}),
        )
        .await;
    let first = &feed["data"]["changes"]["nodes"][0];
    assert_eq!(first["cursor"], event["cursor"], "{feed} {event}");
    assert_eq!(first["reportGlobalId"], event["reportGlobalId"]);
    assert_eq!(first["departmentGlobalId"], event["departmentGlobalId"]);
    assert_eq!(first["occurredAt"], event["occurredAt"]);
    let linked = app
        .gql(
            Some(&admin),
            "query($id: ID!) { report(id: $id) { unitName } department(id: $d) { code } }"
                .replace("$id: ID!)", "$id: ID!, $d: ID!)")
                .as_str(),
            json!({ "id": event["reportGlobalId"], "d": event["departmentGlobalId"] }),
        )
        .await;
    assert_eq!(linked["data"]["report"]["unitName"], "推送", "{linked}");
    assert_eq!(linked["data"]["department"]["code"], "YX-KGJ", "{linked}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let list = app
        .gql(
            Some(&admin),
            "{ webhooks { id deliveries { status attempts lastStatusCode } } }",
            json!({}),
        )
        .await;
    assert_eq!(list["data"]["webhooks"][0]["id"], hook["id"]);
    assert_eq!(
        list["data"]["webhooks"][0]["deliveries"],
        json!([{ "status": "DELIVERED", "attempts": 2, "lastStatusCode": 204 }]),
        "{list}"
    );
    let refused = app
        .gql(Some(&app.preparer()), "{ webhooks { id } }", json!({}))
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let bad = app.gql(Some(&admin), "mutation { registerWebhook(input: { url: \"ftp://x\", secret: \"short\" }) { userErrors { field } } }", json!({})).await;
    assert_eq!(
        bad["data"]["registerWebhook"]["userErrors"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{bad}"
    );
}

#[tokio::test]
async fn events_wait_in_the_table_while_no_dispatcher_runs() {
    let (url, recv) = receiver(false).await;
    let app = TestApp::spawn_with(|c| c.webhooks = false).await;
    register(&app, &url).await;
    app.create_report(2024, "停机期间写入1", None).await;
    app.create_report(2024, "停机期间写入2", None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(recv.calls.lock().expect("lock").is_empty());
    // A dispatcher that starts later (a restarted instance) finds them all.
    use jixiao::domain::webhook::dispatch;
    assert_eq!(dispatch::enqueue(&app.db).await.expect("enqueue"), 2);
    assert_eq!(
        dispatch::enqueue(&app.db).await.expect("enqueue"),
        0,
        "enqueued once"
    );
    let client = reqwest::Client::new();
    assert_eq!(
        dispatch::deliver_due(&app.db, &client)
            .await
            .expect("deliver"),
        2
    );
    let calls = recv.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 2);
    for (headers, body) in &calls {
        check_signature(headers, body);
    }
    assert_eq!(
        dispatch::deliver_due(&app.db, &client)
            .await
            .expect("deliver"),
        0,
        "delivered once"
    );
}

/// Evidence attached and detached reaches webhooks filtered on those operations, with the
/// attachment's global ID.
#[tokio::test]
async fn evidence_events_are_delivered() {
    let (url, recv) = receiver(false).await;
    let app = TestApp::spawn().await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let q = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { userErrors { code } } }";
    let r = app
        .gql(
            Some(&admin),
            q,
            json!({ "i": { "url": url, "secret": SECRET, "filter": { "operations": ["ATTACH", "DETACH"] } } }),
        )
        .await;
    assert_eq!(r["data"]["registerWebhook"]["userErrors"], json!([]), "{r}");
    let (report, _) = crate::evidence::report(&app).await;
    let attached = crate::evidence::attach(
        &app,
        json!({ "i": { "reportId": report, "file": null } }),
        "合同.pdf",
        &crate::states::pdf("hook"),
    )
    .await;
    let id = attached["attachment"]["id"].clone();
    let r = app
        .gql(
            Some(&app.preparer()),
            crate::evidence::DETACH,
            json!({ "i": { "attachmentId": id } }),
        )
        .await;
    assert_eq!(r["data"]["detachEvidence"]["userErrors"], json!([]), "{r}");
    let mut events = Vec::new();
    for _ in 0..100 {
        events = recv
            .calls
            .lock()
            .expect("lock")
            .iter()
            .map(|(h, b)| check_signature(h, b))
            .collect();
        if events.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ops: Vec<(&Value, &Value, &Value)> = events
        .iter()
        .map(|e| (&e["operation"], &e["entityType"], &e["entityGlobalId"]))
        .collect();
    assert_eq!(
        ops,
        vec![
            (&json!("ATTACH"), &json!("Attachment"), &id),
            (&json!("DETACH"), &json!("Attachment"), &id)
        ],
        "{events:?}"
    );
}
