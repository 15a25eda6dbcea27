//! Operating the real binary: JSON logs with request id, operation, subject and duration (and
//! never a token or a phone number), Prometheus metrics, and a shutdown that closes
//! subscriptions cleanly.

use crate::live::{next_json, subscribe};
use crate::support::{SECRET, spawn_server_with, terminate, wait_up};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn logs_metrics_and_shutdown_of_the_binary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log_path = dir.path().join("jixiao.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("jixiao.db").display()
    );
    let (mut child, base) = spawn_server_with(
        &url,
        &[("JIXIAO_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
        log.into(),
    );
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;

    let token = jixiao::http::auth::Authenticator::hs256(SECRET, None, "jixiao".into())
        .mint("u-ops", "运维", &["ADMIN".into()], &["*".into()], 1)
        .expect("mint");
    let mut ws = subscribe(&base, Some(&token)).await.expect("subscribed");

    let phone = "13907301234";
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .header("x-request-id", "ops-req-1")
        .json(&json!({
            "query": "query Lookup($n: Int) { reports(first: $n) { totalCount } }",
            "variables": { "n": phone },
            "operationName": "Lookup"
        }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );

    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for needle in [
        "jixiao_graphql_requests_total{operation=\"Lookup\",outcome=\"BAD_USER_INPUT\"} 1",
        "jixiao_graphql_request_duration_seconds_count{operation=\"Lookup\"} 1",
        "jixiao_errors_total{code=\"BAD_USER_INPUT\"}",
        "jixiao_db_pool_connections{state=\"in_use\"}",
        "jixiao_sql_statements_total",
        "# EOF",
    ] {
        assert!(
            metrics.contains(needle),
            "{needle} missing from:\n{metrics}"
        );
    }

    // A long request in flight when SIGTERM arrives still gets its whole answer.
    let documents: Vec<serde_json::Value> = (0..150)
        .map(|i| {
            let mut d: serde_json::Value =
                serde_json::from_str(jixiao::reference::FIXTURE).expect("fixture");
            d["externalId"] = json!(format!("drain-{i}"));
            d
        })
        .collect();
    let in_flight = {
        let client = client.clone();
        let url = format!("{base}/graphql");
        let token = token.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({
                    "query": "mutation Drain($i: ImportReportsInput!) { importReports(input: $i) { results { result } } }",
                    "variables": { "i": { "documents": documents } }
                }))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;

    // SIGTERM (from a task, while the subscription is read here): the subscription completes,
    // the socket closes with 1001, the process exits 0.
    let stopping = tokio::spawn(async move { terminate(&mut child).await });
    let mut completed = false;
    while let Some(message) = next_json(&mut ws).await {
        if message["type"] == "complete" && message["id"] == "1" {
            completed = true;
        }
    }
    assert!(
        completed,
        "the subscription was completed before the socket closed"
    );
    let status = stopping.await.expect("join");
    assert!(status.success(), "graceful shutdown exits 0: {status}");
    let drained: serde_json::Value = in_flight
        .await
        .expect("join")
        .expect("the request in flight was answered")
        .json()
        .await
        .expect("json");
    let results = drained["data"]["importReports"]["results"]
        .as_array()
        .expect("results");
    assert_eq!(results.len(), 150, "{drained}");
    assert!(
        results.iter().all(|r| r["result"] == "CREATED"),
        "{drained}"
    );

    let logs = std::fs::read_to_string(&log_path).expect("logs");
    let line = logs
        .lines()
        .find(|l| l.contains("\"operation\":\"Lookup\""))
        .unwrap_or_else(|| panic!("no request log line in:\n{logs}"));
    let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
    assert_eq!(entry["fields"]["subject"], "u-ops", "{line}");
    assert_eq!(entry["fields"]["outcome"], "BAD_USER_INPUT", "{line}");
    assert!(entry["fields"]["duration_ms"].is_number(), "{line}");
    assert_eq!(entry["span"]["request_id"], "ops-req-1", "{line}");
    for line in logs.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every line is JSON");
    }
    let signal = logs
        .find("shutdown signal received")
        .expect("shutdown logged");
    let answered = logs.find("\"operation\":\"Drain\"").expect("import logged");
    assert!(signal < answered, "the import was still running at SIGTERM");
    assert!(!logs.contains(&token), "a token reached the log");
    assert!(!logs.contains(phone), "a phone number reached the log");
}
