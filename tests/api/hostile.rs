//! Hostile and heavy clients against the real binary: nesting that would overflow the parser's
//! stack, half-open connections, costly documents refused before they are parsed, the cost
//! and size of answers, subscriptions per socket, writers on one report, and log forging.

use crate::live::{connect, next_json};
use crate::support::{SECRET, TestApp, fixture, fresh_database, spawn_server_with, wait_up};
use futures_util::SinkExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

pub(crate) fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// A token signed with the test secret.
pub(crate) fn token(sub: &str, roles: &[&str], departments: &[&str]) -> String {
    let auth = jixiao::http::auth::Authenticator::hs256(SECRET, None, "jixiao".into());
    let roles: Vec<String> = roles.iter().map(|s| (*s).to_owned()).collect();
    let departments: Vec<String> = departments.iter().map(|s| (*s).to_owned()).collect();
    auth.mint(sub, "测试用户", &roles, &departments, 1)
        .expect("mint")
}

/// Resident memory of a process, in bytes.
fn rss(pid: u32) -> u64 {
    memory(pid, "VmRSS:")
}

/// A memory figure of a process (`VmRSS:`, `VmHWM:` for the peak), in bytes.
pub(crate) fn memory(pid: u32, line: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(line))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("memory line")
        * 1024
}

pub(crate) fn alive(child: &mut std::process::Child) -> bool {
    child.try_wait().expect("wait").is_none()
}

/// A server process that is killed when the test ends, passing or not.
pub(crate) struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for Server {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

pub(crate) fn start(url: &str, env: &[(&str, &str)], log: std::process::Stdio) -> (Server, String) {
    let (child, base) = spawn_server_with(url, env, log);
    (Server(child), base)
}

pub(crate) async fn post_raw(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value, usize) {
    let mut req = client
        .post(format!("{base}/graphql"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    match req.send().await {
        Ok(resp) => {
            let status = resp.status();
            let bytes = resp.bytes().await.unwrap_or_default();
            (
                status,
                serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                bytes.len(),
            )
        }
        Err(_) => (StatusCode::IM_A_TEAPOT, Value::Null, 0),
    }
}

/// Value literals (and selections) nested 10,000 deep in every position a document can hold
/// them, over POST, GET and the WebSocket, in development and production mode: each is
/// refused with QUERY_TOO_DEEP and the process goes on serving.
#[tokio::test]
async fn nesting_ten_thousand_deep_anywhere_does_not_stop_the_process() {
    let deep = 10_000;
    let list = format!("{}1{}", "[".repeat(deep), "]".repeat(deep));
    let object = format!("{}1{}", "{a: ".repeat(deep), "}".repeat(deep));
    let mut selection = "id".to_owned();
    for _ in 0..deep {
        selection = format!("a {{ {selection} }}");
    }
    let documents = [
        format!("{{ reports(first: {list}) {{ totalCount }} }}"),
        format!("{{ reports(filter: {object}) {{ totalCount }} }}"),
        format!("{{ reports(unknown: {list}) {{ totalCount }} }}"),
        format!("{{ reports @include(if: {object}) {{ totalCount }} }}"),
        format!("query($v: [Int] = {list}) {{ reports {{ totalCount }} }}"),
        format!("{{ {selection} }}"),
        format!("subscription {{ reportEvents(filter: {object}) {{ sequence }} }}"),
    ];
    for mode in ["development", "production"] {
        let (url, _dir) = fresh_database().await;
        let (mut child, base) = start(
            &url,
            &[("JIXIAO_MODE", mode), ("JIXIAO_RATE_LIMIT", "0")],
            std::process::Stdio::null(),
        );
        // No pooled connections: a refused oversized request closes its connection.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        wait_up(&client, &base).await;
        for doc in &documents {
            let body = serde_json::to_vec(&json!({ "query": doc })).expect("json");
            let (status, answer, _) = post_raw(&client, &base, None, body).await;
            assert_eq!(
                code(&answer),
                "QUERY_TOO_DEEP",
                "{mode} POST: {status} {answer}"
            );
            let batch =
                serde_json::to_vec(&json!([{ "query": "{ __typename }" }, { "query": doc }]))
                    .expect("json");
            let (status, answer, _) = post_raw(&client, &base, None, batch).await;
            assert_eq!(
                answer[1]["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP",
                "{mode} batch: {status} {answer}"
            );
            // Over GET the encoded document is longer than a header block may be: refused
            // before the handler (431 or the connection closed), or by the pre-check.
            let resp = client
                .get(format!("{base}/graphql"))
                .query(&[("query", doc.as_str())])
                .send()
                .await;
            if let Ok(resp) = resp
                && resp.status() != StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            {
                let answer: Value = resp.json().await.unwrap_or(Value::Null);
                assert_eq!(code(&answer), "QUERY_TOO_DEEP", "{mode} GET: {answer}");
            }
            let answer = over_websocket(&base, doc).await;
            assert!(
                answer.to_string().contains("QUERY_TOO_DEEP"),
                "{mode} WebSocket: {answer}"
            );
            assert!(alive(&mut child), "{mode}: the process died");
        }
        // Deep enough to overflow the parser, short enough for a URL.
        let shallower = format!(
            "{{ reports(first: {}1{}) {{ totalCount }} }}",
            "[".repeat(3000),
            "]".repeat(3000)
        );
        let resp = client
            .get(format!("{base}/graphql"))
            .query(&[("query", shallower.as_str())])
            .send()
            .await
            .expect("GET");
        let answer: Value = resp.json().await.unwrap_or(Value::Null);
        assert_eq!(code(&answer), "QUERY_TOO_DEEP", "{mode} GET: {answer}");
        // Variables nested as deep are refused as malformed JSON.
        let variables = format!(
            "{{\"query\": \"{{ reports {{ totalCount }} }}\", \"variables\": {{\"v\": {list}}}}}"
        );
        let (status, answer, _) = post_raw(&client, &base, None, variables.into_bytes()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        // The reference report is demonstration data: loaded in development, never in production.
        let (_, count, _) = post_raw(
            &client,
            &base,
            None,
            br#"{"query": "{ reports { totalCount } }"}"#.to_vec(),
        )
        .await;
        let expected = if mode == "production" { 0 } else { 1 };
        assert_eq!(
            count["data"]["reports"]["totalCount"], expected,
            "{mode}: {count}"
        );
        let health = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("healthz");
        assert!(health.status().is_success());
        assert!(alive(&mut child), "{mode}: the process died");
    }
}

/// Sends `query` as a subscription over graphql-transport-ws; returns the first answer.
async fn over_websocket(base: &str, query: &str) -> Value {
    let mut ws = connect(base, None).await.expect("ack");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .expect("subscribe");
    next_json(&mut ws).await.unwrap_or(Value::Null)
}

/// Hundreds of connections that never finish their header block neither stop `/healthz` nor
/// stay open past the header timeout; the open-file limit is raised to the hard limit.
#[tokio::test]
async fn half_open_connections_are_closed_and_do_not_lock_others_out() {
    let (url, _dir) = fresh_database().await;
    let (mut child, base) = start(
        &url,
        &[
            ("JIXIAO_HEADER_TIMEOUT", "2"),
            ("JIXIAO_MAX_CONNECTIONS", "400"),
        ],
        std::process::Stdio::null(),
    );
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).expect("limits");
    let files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("open files line");
    let numbers: Vec<&str> = files.split_whitespace().skip(3).take(2).collect();
    assert_eq!(
        numbers[0], numbers[1],
        "soft limit raised to the hard one: {files}"
    );

    let addr = base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..600 {
        let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await else {
            continue;
        };
        let _ = stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await;
        held.push(stream);
    }
    // 600 half-open connections, 400 slots: the server still answers within the header
    // timeout of the ones holding the slots.
    let started = std::time::Instant::now();
    let health = tokio::time::timeout(
        Duration::from_secs(15),
        reqwest::Client::new().get(format!("{base}/healthz")).send(),
    )
    .await
    .expect("healthz answered in time")
    .expect("healthz");
    assert!(health.status().is_success());
    println!(
        "healthz answered after {:?} behind 600 half-open connections",
        started.elapsed()
    );
    // The server closed the half-open ones (reads end) after the header timeout.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut closed = 0;
    for stream in held.iter_mut().take(100) {
        let mut buf = [0u8; 512];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await
        {
            // EOF, or a 408 answer before closing.
            let _ = n;
            closed += 1;
        }
    }
    assert_eq!(
        closed, 100,
        "half-open connections were closed by the server"
    );
    assert!(alive(&mut child));
}

/// Hostile documents of 2 MiB (anonymous) and 16 MiB (signed in, not an import) are refused
/// before they are parsed or fully read: the server grows by less than 50 MB, answers are
/// small, and a valid document with many mistakes lists a bounded number of errors.
#[tokio::test]
async fn refusing_hostile_documents_is_cheap() {
    let (url, _dir) = fresh_database().await;
    let (mut child, base) = start(
        &url,
        &[("JIXIAO_RATE_LIMIT", "0")],
        std::process::Stdio::null(),
    );
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;
    let pid = child.id();
    // Warm up the allocator and the code paths once.
    let _ = post_raw(
        &client,
        &base,
        None,
        br#"{"query": "{ reports { totalCount } }"}"#.to_vec(),
    )
    .await;
    let before = rss(pid);
    let two_mib = 2 * 1024 * 1024 - 64;
    let fill = |unit: &str| -> String {
        let mut s = String::with_capacity(two_mib);
        while s.len() + unit.len() < two_mib - 32 {
            s.push_str(unit);
        }
        s
    };
    let many_operations = fill("query a{__typename} ");
    let deep_selections = format!("{{{}", fill("a{"));
    let variables = format!("query q({}) {{ __typename }}", fill("$v: Int "));
    let many_fields = format!("{{ {} }}", fill("reports "));
    for (name, doc) in [
        ("operations", many_operations),
        ("selections", deep_selections),
        ("variables", variables),
        ("fields", many_fields),
    ] {
        let body = serde_json::to_vec(&json!({ "query": doc })).expect("json");
        for _ in 0..3 {
            let (status, answer, size) = post_raw(&client, &base, None, body.clone()).await;
            assert!(
                matches!(code(&answer), "QUERY_TOO_LARGE" | "REQUEST_TOO_LARGE"),
                "{name}: {status} {answer}"
            );
            assert!(size < 4096, "{name}: answer of {size} bytes");
        }
    }
    // 16 MiB from signed-in callers that may not import, or that send something else.
    let auditor = token("u-aud", &["AUDITOR"], &["*"]);
    let preparer = token("u-prep", &["PREPARER"], &["YX-KGJ"]);
    let big = format!(
        "{{\"query\": \"mutation($i: ImportReportsInput!) {{ importReports(input: $i) {{ created }} }}\", \"variables\": {{\"i\": {{\"documents\": [{}1]}}}}}}",
        "1,".repeat(7 * 1024 * 1024)
    );
    let other = format!(
        "{{\"query\": \"{{ reports {{ totalCount }} }}\", \"variables\": {{\"v\": [{}1]}}}}",
        "1,".repeat(7 * 1024 * 1024)
    );
    for (who, t, body) in [
        ("auditor import", &auditor, &big),
        ("preparer query", &preparer, &other),
    ] {
        let (status, answer, _) =
            post_raw(&client, &base, Some(t), body.clone().into_bytes()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{who}: {answer}");
        assert_eq!(code(&answer), "REQUEST_TOO_LARGE", "{who}");
    }
    let grown = rss(pid).saturating_sub(before);
    println!("RSS grew by {} KiB", grown / 1024);
    assert!(grown < 50 * 1024 * 1024, "RSS grew by {grown} bytes");

    // Within the limits, a document full of mistakes gets a bounded list of errors.
    let unknown = (0..400)
        .map(|i| format!("f{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (_, answer, _) = post_raw(
        &client,
        &base,
        None,
        serde_json::to_vec(&json!({ "query": format!("{{ viewer {{ {unknown} }} }}") }))
            .expect("json"),
    )
    .await;
    let errors = answer["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 21, "{answer}");
    assert_eq!(errors[20]["extensions"]["code"], "TOO_MANY_ERRORS");
    assert!(alive(&mut child));
}

/// Limits on tokens, operations, fragments and variables each have their code.
#[tokio::test]
async fn document_counts_are_limited_before_parsing() {
    let app = TestApp::spawn().await;
    let ops = (0..11)
        .map(|i| format!("query q{i} {{ __typename }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let fragments = format!(
        "{{ __typename }} {}",
        (0..51)
            .map(|i| format!("fragment f{i} on Query {{ __typename }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let variables = format!(
        "query q({}) {{ __typename }}",
        (0..51)
            .map(|i| format!("$v{i}: Int"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let tokens = format!("{{ {} }}", "__typename ".repeat(5_001));
    for (doc, expected) in [
        (ops, "TOO_MANY_OPERATIONS"),
        (fragments, "TOO_MANY_FRAGMENTS"),
        (variables, "TOO_MANY_VARIABLES"),
        (tokens, "TOO_MANY_TOKENS"),
        ("#".repeat(70_000), "QUERY_TOO_LARGE"),
    ] {
        let (_, body) = app.post(None, &doc, json!({})).await;
        assert_eq!(code(&body), expected, "{body}");
        assert!(body["data"].is_null());
    }
}

/// Lists without paging cost their row limit; documents past the row and size limits are
/// refused at write time; answers past the size cap are refused with RESPONSE_TOO_LARGE.
#[tokio::test]
async fn cost_counts_every_row_a_list_may_hold_and_answers_are_capped() {
    let app = TestApp::with_reference().await;
    let preparer = app.preparer();
    // 100 reports × (100 indicators × 5 fields + 50 sections × 3 + 30 evaluators × 2 + 100
    // finance units × 5): about 121,000.
    let (_, body) = app
        .post(
            Some(&preparer),
            "{ reports(first: 100) { nodes { indicators { name target { text } actual { text } } sections { title body } evaluators { name } finance { units { name income { total } expenditure { total } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let (_, body) = app
        .post(
            Some(&preparer),
            "{ reports(first: 100) { nodes { assessment { computedScore } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");

    let create = "mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } userErrors { field code } } }";
    let mut doc = fixture()["document"].clone();
    let indicator = doc["indicators"][0].clone();
    doc["indicators"] = Value::Array(vec![indicator; 101]);
    let r = app
        .gql(Some(&preparer), create, json!({ "i": { "document": doc } }))
        .await;
    assert_eq!(
        r["data"]["createReport"]["userErrors"],
        json!([{ "field": ["document", "indicators"], "code": "OUT_OF_RANGE" }]),
        "{r}"
    );
    let mut doc = fixture()["document"].clone();
    let section = json!({ "key": "k", "title": "题", "body": "字".repeat(30_000) });
    doc["sections"] = Value::Array(
        (0..12)
            .map(|i| {
                let mut s = section.clone();
                s["key"] = json!(format!("k{i}"));
                s
            })
            .collect(),
    );
    let r = app
        .gql(Some(&preparer), create, json!({ "i": { "document": doc } }))
        .await;
    assert_eq!(
        r["data"]["createReport"]["userErrors"],
        json!([{ "field": ["document"], "code": "TOO_LONG" }]),
        "{r}"
    );
    assert_eq!(app.report_count().await, 1);

    let small = TestApp::spawn_with(|c| {
        c.load_reference = true;
        c.max_response_bytes = 4096;
    })
    .await;
    let (status, body) = small
        .post(
            None,
            "{ reports(first: 1) { nodes { sections { title body } } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(code(&body), "RESPONSE_TOO_LARGE", "{body}");
}

/// The heaviest query a PREPARER can build over the largest documents the limits allow, four
/// at once, stays within the documented memory budget (384 MiB of growth for four at once;
/// before the limits, four such queries took the server past 1.7 GB).
#[tokio::test]
async fn the_heaviest_query_stays_within_the_memory_budget() {
    let (url, _dir) = fresh_database().await;
    let (child, base) = start(
        &url,
        &[("JIXIAO_RATE_LIMIT", "0")],
        std::process::Stdio::null(),
    );
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;
    let preparer = token("u-prep", &["PREPARER"], &["YX-KGJ"]);
    // Documents just under the size limit: 40 sections of 8,000 characters.
    let create =
        "mutation($i: CreateReportInput!) { createReport(input: $i) { userErrors { code } } }";
    for n in 0..30 {
        let mut doc = fixture()["document"].clone();
        doc["unitName"] = json!(format!("单位{n}"));
        doc["sections"] = Value::Array(
            (0..40)
                .map(|i| json!({ "key": format!("k{i}"), "title": "题", "body": "字".repeat(8_000) }))
                .collect(),
        );
        let body = serde_json::to_vec(
            &json!({ "query": create, "variables": { "i": { "document": doc } } }),
        )
        .expect("json");
        let (_, r, _) = post_raw(&client, &base, Some(&preparer), body).await;
        assert_eq!(r["data"]["createReport"]["userErrors"], json!([]), "{r}");
    }
    let before = rss(child.id());
    // The largest page the cost allows for every section's text.
    let query = "{ reports(first: 100) { nodes { sections { key title body } } } }";
    let mut peak = before;
    let runs = (0..4).map(|_| {
        let client = client.clone();
        let base = base.clone();
        let preparer = preparer.clone();
        tokio::spawn(async move {
            post_raw(
                &client,
                &base,
                Some(&preparer),
                serde_json::to_vec(&json!({ "query": query })).expect("json"),
            )
            .await
        })
    });
    let runs: Vec<_> = runs.collect();
    for _ in 0..40 {
        peak = peak.max(rss(child.id()));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for run in runs {
        let (status, body, _) = run.await.expect("join");
        assert_eq!(status, StatusCode::OK);
        assert!(
            matches!(code(&body), "" | "RESPONSE_TOO_LARGE" | "QUERY_TOO_COMPLEX"),
            "{body}"
        );
    }
    peak = peak.max(rss(child.id()));
    let grown = peak.saturating_sub(before);
    println!("peak RSS growth {} MiB", grown / 1024 / 1024);
    assert!(grown < 384 * 1024 * 1024, "grew {grown} bytes");
}

/// One socket holds at most 10 subscriptions, one caller at most the configured number over
/// all sockets; ending one frees its place.
#[tokio::test]
async fn subscriptions_are_capped_per_socket_and_per_caller() {
    let app = TestApp::spawn_with(|c| c.max_subscriptions_per_caller = 12).await;
    let auditor = app.token(&["AUDITOR"], &["*"]);
    let subscribe = |id: String| {
        Message::text(
            json!({ "id": id, "type": "subscribe", "payload": { "query": "subscription { reportEvents { sequence } }" } })
                .to_string(),
        )
    };
    let mut first = connect(&app.base, Some(&auditor)).await.expect("ack");
    for i in 0..11 {
        first.send(subscribe(format!("s{i}"))).await.expect("send");
    }
    let refused = next_json(&mut first).await.expect("an answer");
    assert_eq!(refused["id"], "s10", "{refused}");
    assert!(
        refused.to_string().contains("TOO_MANY_SUBSCRIPTIONS"),
        "{refused}"
    );
    // Ending one frees a place on the socket.
    first
        .send(Message::text(
            json!({ "id": "s0", "type": "complete" }).to_string(),
        ))
        .await
        .expect("complete");
    tokio::time::sleep(Duration::from_millis(200)).await;
    first.send(subscribe("again".into())).await.expect("send");
    // The caller holds 10 now; a second socket gets 2 more, then is refused.
    let mut second = connect(&app.base, Some(&auditor)).await.expect("ack");
    for i in 0..3 {
        second.send(subscribe(format!("t{i}"))).await.expect("send");
    }
    let refused = next_json(&mut second).await.expect("an answer");
    assert_eq!(refused["id"], "t2", "{refused}");
    assert!(
        refused.to_string().contains("TOO_MANY_SUBSCRIPTIONS"),
        "{refused}"
    );
}

/// A caller's `x-request-id` is kept only when short and plain; anything else is replaced, and
/// caller-supplied values are escaped in the text log.
#[tokio::test]
async fn request_ids_and_logged_values_cannot_forge_log_lines() {
    let (url, _dir) = fresh_database().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let log_path = dir.path().join("log.txt");
    let log = std::fs::File::create(&log_path).expect("log");
    let (_child, base) = start(
        &url,
        &[("JIXIAO_LOG_FORMAT", "text"), ("RUST_LOG", "info")],
        std::process::Stdio::from(log),
    );
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;
    let send = |id: &'static str| {
        client
            .post(format!("{base}/graphql"))
            .header("content-type", "application/json")
            .header("x-request-id", id)
            .body(r#"{"query": "{ reports { totalCount } }"}"#)
            .send()
    };
    let kept = send("sync-2026.11.29:0001").await.expect("send");
    assert_eq!(kept.headers()["x-request-id"], "sync-2026.11.29:0001");
    for forged in [
        "x\" level=ERROR message=\"forged",
        "\u{1b}[31mred",
        "a-very-long-id-that-goes-on-and-on-and-on-and-on-and-on-and-on-and-on",
    ] {
        let Ok(value) = reqwest::header::HeaderValue::from_str(forged) else {
            continue;
        };
        let resp = client
            .post(format!("{base}/graphql"))
            .header("content-type", "application/json")
            .header("x-request-id", value)
            .body(r#"{"query": "{ reports { totalCount } }"}"#)
            .send()
            .await
            .expect("send");
        let echoed = resp.headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_ne!(echoed, forged);
        assert!(uuid::Uuid::parse_str(&echoed).is_ok(), "{echoed}");
    }
    // A subject with a line break (from a token the identity provider signed).
    let forged = token("evil\nINFO forged entry", &["AUDITOR"], &["*"]);
    let r = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&forged)
        .header("content-type", "application/json")
        .body(r#"{"query": "{ reports { totalCount } }"}"#)
        .send()
        .await
        .expect("send");
    assert!(r.status().is_success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs = std::fs::read_to_string(&log_path).expect("log");
    assert!(logs.contains("evil\\nINFO forged entry"), "{logs}");
    assert!(
        !logs.lines().any(|l| l.starts_with("INFO forged entry")),
        "{logs}"
    );
    assert!(!logs.contains("level=ERROR message=\"forged"), "{logs}");
}
