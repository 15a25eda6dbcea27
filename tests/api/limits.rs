//! Limits that refuse abusive requests cheaply, each with its own code: depth, cost, aliases,
//! root fields, directives, batches, body size, time, and the per-caller rate.

use crate::support::{TestApp, fixture};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn depth_cost_aliases_root_fields_and_directives_are_limited() {
    let app = TestApp::with_reference().await;
    let admin = app.token(&["ADMIN"], &["*"]);

    let nested = |levels: usize| {
        let mut q = "code".to_owned();
        for _ in 0..levels {
            q = format!("children(first: 1) {{ nodes {{ {q} }} }}");
        }
        format!("{{ departments(first: 1) {{ nodes {{ {q} }} }} }}")
    };
    let (_, ok) = app.post(Some(&admin), &nested(5), json!({})).await;
    assert!(ok.get("errors").is_none(), "{ok}");
    let (_, deep) = app.post(Some(&admin), &nested(9), json!({})).await;
    assert_eq!(code(&deep), "QUERY_TOO_DEEP", "{deep}");
    assert!(deep["data"].is_null(), "nothing ran: {deep}");

    // Cost: a connection's selection counts once per row asked for.
    let costly = |first: u32| {
        format!(
            "{{ reports(first: {first}) {{ nodes {{ id comments(first: {first}) {{ nodes {{ id body createdAt resolved resolvedAt resolvedBy report {{ id unitName fiscalYear }} }} }} }} }} }}"
        )
    };
    let (_, small) = app.post(Some(&admin), &costly(5), json!({})).await;
    assert!(small.get("errors").is_none(), "{small}");
    let (_, big) = app.post(Some(&admin), &costly(100), json!({})).await;
    assert_eq!(code(&big), "QUERY_TOO_COMPLEX", "{big}");

    let aliases = (0..31)
        .map(|i| format!("a{i}: anonymous"))
        .collect::<Vec<_>>()
        .join(" ");
    let (_, body) = app
        .post(None, &format!("{{ viewer {{ {aliases} }} }}"), json!({}))
        .await;
    assert_eq!(code(&body), "TOO_MANY_ALIASES", "{body}");
    let few = (0..5)
        .map(|i| format!("a{i}: anonymous"))
        .collect::<Vec<_>>()
        .join(" ");
    let (_, body) = app
        .post(None, &format!("{{ viewer {{ {few} }} }}"), json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    // Root fields, also when hidden in a fragment.
    let roots = "__typename ".repeat(16);
    let (_, body) = app
        .post(
            None,
            &format!("query {{ ...F }} fragment F on Query {{ {roots} }}"),
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "TOO_MANY_ROOT_FIELDS", "{body}");

    let directives = "@include(if: true) ".repeat(5);
    let (_, body) = app
        .post(None, &format!("{{ __typename {directives} }}"), json!({}))
        .await;
    assert_eq!(code(&body), "TOO_MANY_DIRECTIVES", "{body}");
}

#[tokio::test]
async fn limits_are_configurable() {
    let app = TestApp::spawn_with(|c| {
        c.max_depth = 3;
        c.max_aliases = 1;
    })
    .await;
    let (_, body) = app
        .post(
            None,
            "{ departments { nodes { children { nodes { code } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "QUERY_TOO_DEEP", "{body}");
    let (_, body) = app
        .post(None, "{ a: __typename b: __typename }", json!({}))
        .await;
    assert_eq!(code(&body), "TOO_MANY_ALIASES", "{body}");
}

#[tokio::test]
async fn batches_are_capped() {
    let app = TestApp::with_reference().await;
    let url = format!("{}/graphql", app.base);
    let one = json!({ "query": "{ reports { totalCount } }" });
    let two = app
        .client()
        .post(&url)
        .json(&json!([one, one]))
        .send()
        .await
        .expect("post");
    assert_eq!(two.status(), StatusCode::OK);
    let body: Value = two.json().await.expect("json");
    assert_eq!(body[1]["data"]["reports"]["totalCount"], 1, "{body}");

    let eleven = app
        .client()
        .post(&url)
        .json(&Value::Array(vec![one.clone(); 11]))
        .send()
        .await
        .expect("post");
    assert_eq!(eleven.status(), StatusCode::BAD_REQUEST);
    let body: Value = eleven.json().await.expect("json");
    assert_eq!(code(&body), "BATCH_TOO_LARGE", "{body}");

    let off = TestApp::spawn_with(|c| c.max_batch = 0).await;
    let refused = off
        .client()
        .post(format!("{}/graphql", off.base))
        .json(&json!([one]))
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        code(&refused.json().await.expect("json")),
        "BATCH_TOO_LARGE"
    );
}

#[tokio::test]
async fn only_imports_may_send_large_bodies() {
    let app = TestApp::spawn_with(|c| {
        c.body_limit = 64 * 1024;
        c.import_body_limit = 1024 * 1024;
    })
    .await;
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let documents: Vec<Value> = (0..6)
        .map(|i| {
            let mut d = fixture();
            d["externalId"] = json!(format!("big-{i}"));
            d
        })
        .collect();
    let import = "mutation($i: ImportReportsInput!) { importReports(input: $i) { results { externalId userErrors { code } } } }";
    let variables = json!({ "i": { "documents": documents } });
    assert!(variables.to_string().len() > 64 * 1024);

    let (status, body) = app.post(None, import, variables.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "anonymous: {body}");
    assert_eq!(code(&body), "REQUEST_TOO_LARGE");

    // The same size for anything but importReports is refused, signed in or not.
    let padded = format!("{{ reports {{ totalCount }} }} # {}", "x".repeat(70 * 1024));
    let (status, body) = app.post(Some(&sync), &padded, json!({})).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(app.report_count().await, 0);

    let (status, body) = app.post(Some(&sync), import, variables).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["importReports"]["results"][5]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(app.report_count().await, 6);
}

#[tokio::test]
async fn a_stalled_request_times_out_in_graphql_shape() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(|c| c.request_timeout = 1).await;
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    // Headers promise a body that never comes.
    stream
        .write_all(
            format!("POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"query\":")
                .as_bytes(),
        )
        .await
        .expect("write");
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.expect("read");
            response.extend_from_slice(&buf[..n]);
            if n == 0 || String::from_utf8_lossy(&response).contains("REQUEST_TIMEOUT") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer within 10 s");
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"REQUEST_TIMEOUT\""), "{text}");
}

#[tokio::test]
async fn callers_are_rate_limited_one_by_one() {
    let app = TestApp::spawn_with(|c| {
        // One token a minute: nothing refills while the test runs, however slow the machine.
        c.rate_limit = 1;
        c.rate_burst = 3;
    })
    .await;
    let alice = app.token_for("alice", "甲", &["AUDITOR"], &["*"]);
    let bob = app.token_for("bob", "乙", &["AUDITOR"], &["*"]);
    for _ in 0..3 {
        let (status, _) = app.post(Some(&alice), "{ __typename }", json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let limited = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&alice)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("post");
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "retry after {wait}");
    let body: Value = limited.json().await.expect("json");
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["retryAfterSeconds"], wait,
        "{body}"
    );
    // Another subject has its own bucket; anonymous callers share their address's.
    let (status, _) = app.post(Some(&bob), "{ __typename }", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..3 {
        let (status, _) = app.post(None, "{ __typename }", json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body) = app.post(None, "{ __typename }", json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Refused tokens cost the sender's address: guessing is limited too.
    let guessed = TestApp::spawn_with(|c| {
        // One token a minute: nothing refills while the test runs, however slow the machine.
        c.rate_limit = 1;
        c.rate_burst = 3;
    })
    .await;
    for _ in 0..3 {
        let (status, _) = guessed
            .post(Some("not-a-token"), "{ __typename }", json!({}))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = guessed
        .post(Some("not-a-token"), "{ __typename }", json!({}))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A batch costs one token per operation.
    let (status, _) = app.post(Some(&bob), "{ __typename }", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let batch = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&bob)
        .json(&json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
        .send()
        .await
        .expect("post");
    assert_eq!(batch.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_import_holds_at_most_500_documents() {
    let app = TestApp::spawn().await;
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let documents: Vec<Value> = (0..501)
        .map(|i| json!({ "externalId": format!("many-{i}"), "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2019, "unitName": "单位" } }))
        .collect();
    let body = app
        .gql(
            Some(&sync),
            "mutation($i: ImportReportsInput!) { importReports(input: $i) { results { externalId } userErrors { code } } }",
            json!({ "i": { "documents": documents } }),
        )
        .await;
    assert_eq!(
        body["data"]["importReports"]["userErrors"][0]["code"], "OUT_OF_RANGE",
        "{body}"
    );
    assert_eq!(app.report_count().await, 0);
}

#[tokio::test]
async fn websocket_operations_meet_the_same_limits() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = TestApp::spawn().await;
    let mut request = format!("{}/graphql/ws", app.base.replace("http://", "ws://"))
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let token = app.token(&["AUDITOR"], &["*"]);
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }).to_string(),
    ))
    .await
    .expect("init");
    let ack = crate::live::next_json(&mut ws).await.expect("ack");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let aliases = (0..31)
        .map(|i| format!("a{i}: anonymous"))
        .collect::<Vec<_>>()
        .join(" ");
    ws.send(Message::text(
        json!({ "id": "9", "type": "subscribe", "payload": { "query": format!("{{ viewer {{ {aliases} }} }}") } }).to_string(),
    ))
    .await
    .expect("subscribe");
    let answer = crate::live::next_json(&mut ws).await.expect("answer");
    assert_eq!(answer["id"], "9", "{answer}");
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "TOO_MANY_ALIASES",
        "{answer}"
    );
    // Queries and mutations belong on HTTP, where every other defence applies.
    for (id, query) in [
        ("10", "{ reports { totalCount } }"),
        ("11", "{ __schema { queryType { name } } }"),
    ] {
        ws.send(Message::text(
            json!({ "id": id, "type": "subscribe", "payload": { "query": query } }).to_string(),
        ))
        .await
        .expect("subscribe");
        let answer = loop {
            let message = crate::live::next_json(&mut ws).await.expect("answer");
            if message["type"] != "complete" {
                break message;
            }
        };
        assert_eq!(answer["id"], id, "{answer}");
        assert_eq!(
            answer["payload"]["errors"][0]["extensions"]["code"], "SUBSCRIPTIONS_ONLY",
            "{answer}"
        );
    }
}

/// A multipart upload whose body passes the upload limit (the largest file plus 64 KiB for the
/// other parts) is refused 413 `ATTACHMENT_TOO_LARGE`, whether the file or the operations part is
/// what is too long; one just under stays within the domain's own check, and nothing is stored.
#[tokio::test]
async fn a_multipart_body_over_the_upload_limit_is_refused_as_too_large() {
    use crate::evidence::{blobs, multipart, report};
    use crate::states::pdf;
    let app = TestApp::spawn_with(|c| c.evidence.evidence_max_file_bytes = 4096).await;
    let (id, _) = report(&app).await;
    let over = 4096 + 64 * 1024 + 1;
    let big_file = [pdf("big"), vec![b' '; over]].concat();
    let small_file = pdf("small");
    let cases = [
        // The file carries the bulk.
        (json!({ "i": { "reportId": id, "file": null } }), &big_file),
        // The file is small; the variables carry the bulk.
        (
            json!({ "i": { "reportId": id, "file": null }, "pad": "x".repeat(over) }),
            &small_file,
        ),
    ];
    for (variables, file) in cases {
        let (status, body) = multipart(
            &app,
            Some(&app.preparer()),
            variables,
            ("大文件.pdf", "application/pdf", file),
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(code(&body), "ATTACHMENT_TOO_LARGE", "{body}");
    }
    // Within the body limit, a file over the file limit is the domain's refusal.
    let (status, body) = multipart(
        &app,
        Some(&app.preparer()),
        json!({ "i": { "reportId": id, "file": null } }),
        (
            "稍大.pdf",
            "application/pdf",
            &[pdf("x"), vec![b' '; 5000]].concat(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["attachEvidence"]["userErrors"][0]["code"], "ATTACHMENT_TOO_LARGE",
        "{body}"
    );
    assert!(blobs(&app).await.is_empty(), "nothing stored");
}
