//! Live events over graphql-transport-ws, in one instance and across two server processes.

use crate::support::{SECRET, TestApp, fresh_database, spawn_server, wait_up};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn next_json(ws: &mut Socket) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .ok()??
            .ok()?;
        match msg {
            Message::Text(t) => return serde_json::from_str(&t).ok(),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

/// Opens a subscription to `reportEvents` at `base` (http://…) with `token`.
pub(crate) async fn subscribe(base: &str, token: Option<&str>) -> Result<Socket, Value> {
    let mut ws = connect(base, token).await?;
    let query = "subscription { reportEvents(filter: { entityTypes: [\"Report\"] }) { sequence operation entityType reportId } }";
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .expect("subscribe");
    Ok(ws)
}

/// Opens a graphql-transport-ws session at `base` with `token`; the refusal if not acknowledged.
pub(crate) async fn connect(base: &str, token: Option<&str>) -> Result<Socket, Value> {
    let url = format!("{}/graphql/ws", base.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let payload = token.map_or(
        json!({}),
        |t| json!({ "Authorization": format!("Bearer {t}") }),
    );
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": payload }).to_string(),
    ))
    .await
    .expect("init");
    let ack = next_json(&mut ws).await.unwrap_or(Value::Null);
    if ack["type"] != "connection_ack" {
        return Err(ack);
    }
    Ok(ws)
}

/// Waits up to `wait` for an event of `operation`.
async fn event_within(ws: &mut Socket, operation: &str, wait: Duration) -> Option<Value> {
    tokio::time::timeout(wait, expect_event(ws, operation))
        .await
        .ok()
}

async fn expect_event(ws: &mut Socket, operation: &str) -> Value {
    loop {
        let msg = next_json(ws).await.expect("an event within 10 s");
        if msg["type"] == "next" {
            let event = msg["payload"]["data"]["reportEvents"].clone();
            if event["operation"] == operation {
                return event;
            }
        } else {
            panic!("unexpected message {msg}");
        }
    }
}

#[tokio::test]
async fn subscribers_receive_the_events_of_the_feed() {
    let app = TestApp::spawn().await;
    let token = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let mut ws = subscribe(&app.base, Some(&token))
        .await
        .expect("subscribed");
    // The subscription listens shortly after `subscribe`: write until an event arrives.
    let mut event = None;
    for i in 0..5 {
        app.create_report(2024, &format!("实时{i}"), None).await;
        event = event_within(&mut ws, "CREATE", Duration::from_secs(2)).await;
        if event.is_some() {
            break;
        }
    }
    let event = event.expect("an event");
    assert_eq!(event["entityType"], "Report");
    // Another department's subscriber sees nothing of it.
    let outsider = app.token(&["SYNC_CLIENT"], &["YX-CZJ"]);
    let mut other = subscribe(&app.base, Some(&outsider))
        .await
        .expect("subscribed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.create_report(2024, "实时2", None).await;
    expect_event(&mut ws, "CREATE").await;
    let nothing = tokio::time::timeout(Duration::from_millis(1500), other.next()).await;
    assert!(nothing.is_err(), "the outsider received {nothing:?}");
    // A bad token is refused at connection_init.
    let refused = subscribe(&app.base, Some("not.a.token")).await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn an_event_written_through_one_instance_reaches_a_subscriber_of_another() {
    let (url, _dir) = fresh_database().await;
    let (mut a, base_a) = spawn_server(&url);
    wait_up(&reqwest::Client::new(), &base_a).await;
    let (mut b, base_b) = spawn_server(&url);
    let client = reqwest::Client::new();
    wait_up(&client, &base_b).await;
    let auth = jixiao::http::auth::Authenticator::hs256(SECRET, None, "jixiao".into());
    let token = auth
        .mint("sync", "同步", &["ADMIN".into()], &["*".into()], 1)
        .expect("mint");
    let mut ws = subscribe(&base_b, Some(&token))
        .await
        .expect("subscribed on B");
    let q = "mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } userErrors { code } } }";
    // Write through A until B's subscriber (listening shortly after `subscribe`) sees the event.
    let (mut body, mut event) = (Value::Null, None);
    for i in 0..5 {
        let document = json!({ "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": format!("经A写入{i}") });
        body = client
            .post(format!("{base_a}/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": q, "variables": { "i": { "document": document } } }))
            .send()
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        assert_eq!(
            body["data"]["createReport"]["userErrors"],
            json!([]),
            "{body}"
        );
        event = event_within(&mut ws, "CREATE", Duration::from_secs(3)).await;
        if event.is_some() {
            break;
        }
    }
    let event = event.expect("B received an event written through A");
    let written = body["data"]["createReport"]["report"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    use base64::Engine;
    let decoded = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(written)
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(
        Some(event["reportId"].as_str().unwrap_or_default()),
        decoded.strip_prefix("Report:")
    );
    let _ = a.kill();
    let _ = b.kill();
    let _ = a.wait();
    let _ = b.wait();
}

#[tokio::test]
async fn a_sync_client_mirrors_the_database_from_the_feed() {
    use std::collections::BTreeMap;
    let app = crate::support::TestApp::with_reference().await;
    let sync = app.token(&["SYNC_CLIENT"], &["*"]);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(app.create_report(2024, &format!("镜像{i}"), None).await);
    }
    let del =
        "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { userErrors { code } } }";
    app.gql(Some(&app.preparer()), del, json!({ "i": { "id": ids[1] } }))
        .await;
    let upd =
        "mutation($i: UpdateReportInput!) { updateReport(input: $i) { userErrors { code } } }";
    app.gql(
        Some(&app.preparer()),
        upd,
        json!({ "i": { "id": ids[2], "title": "改" } }),
    )
    .await;
    // The mirror: for each report the last version the feed announced, or a tombstone.
    let mut mirror: BTreeMap<String, Option<i64>> = BTreeMap::new();
    let mut cursor = Value::Null;
    loop {
        let q = "query($a: String) { changes(after: $a, first: 3, filter: { entityTypes: [\"Report\"] }) { pageInfo { endCursor hasNextPage } nodes { reportId operation version } } }";
        let page = app.gql(Some(&sync), q, json!({ "a": cursor })).await["data"]["changes"].clone();
        for e in page["nodes"].as_array().into_iter().flatten() {
            let id = e["reportId"].as_str().unwrap_or_default().to_owned();
            let state = if e["operation"] == "DELETE" {
                None
            } else {
                e["version"].as_i64()
            };
            mirror.insert(id, state);
        }
        if !page["pageInfo"]["endCursor"].is_null() {
            cursor = page["pageInfo"]["endCursor"].clone();
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
    }
    // It matches the database: every live report at its version, deleted ones gone.
    use sea_orm::EntityTrait;
    let rows = entity::report::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("reports");
    let truth: BTreeMap<String, Option<i64>> = rows
        .into_iter()
        .map(|r| {
            (
                r.id.to_string(),
                if r.deleted_at.is_some() {
                    None
                } else {
                    Some(i64::from(r.version))
                },
            )
        })
        .collect();
    assert_eq!(mirror, truth);
    assert_eq!(mirror.values().filter(|v| v.is_none()).count(), 1);
}

#[tokio::test]
async fn an_import_survives_a_server_restart_mid_batch() {
    let (url, _dir) = fresh_database().await;
    let client = reqwest::Client::new();
    let (mut server, mut base) = spawn_server(&url);
    wait_up(&client, &base).await;
    let auth = jixiao::http::auth::Authenticator::hs256(SECRET, None, "jixiao".into());
    let token = auth
        .mint("sync", "同步", &["SYNC_CLIENT".into()], &["*".into()], 1)
        .expect("mint");
    let q = "mutation($i: ImportReportsInput!) { importReports(input: $i) { created updated unchanged failed } }";
    let batch = |b: usize| -> Value {
        let docs: Vec<Value> = (0..100)
            .map(|i| json!({ "externalId": format!("restart-{b}-{i}"), "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": format!("批{b}单位{i}") } }))
            .collect();
        json!({ "query": q, "variables": { "i": { "idempotencyKey": format!("batch-{b}"), "documents": docs } } })
    };
    let mut restarted = false;
    for b in 0..4 {
        loop {
            let send = client
                .post(format!("{base}/graphql"))
                .bearer_auth(&token)
                .json(&batch(b))
                .send();
            if b == 2 && !restarted {
                // Kill the server while the third batch is being written, then start it again.
                let request = tokio::spawn(send);
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = server.kill();
                let _ = server.wait();
                restarted = true;
                // Normally the request dies with the server; if the batch had already finished,
                // the retry below replays it under its key. Either way the batch is sent again.
                let _ = request.await;
                let (s, b2) = spawn_server(&url);
                (server, base) = (s, b2);
                wait_up(&client, &base).await;
                continue;
            }
            let body: Value = send.await.expect("post").json().await.expect("json");
            let r = &body["data"]["importReports"];
            assert_eq!(r["failed"], 0, "{body}");
            break;
        }
    }
    assert!(restarted);
    // The retried batch: nothing lost, nothing twice.
    use sea_orm::{EntityTrait, PaginatorTrait};
    let db = jixiao::domain::Db::connect(&url).await.expect("db");
    let count = entity::report::Entity::find()
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(
        count,
        1 + 400,
        "the reference report and 400 imported, each once"
    );
    let _ = server.kill();
    let _ = server.wait();
}
