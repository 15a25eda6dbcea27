//! The HTTP edge: health, GraphiQL, GET semantics, CORS, request ids, compression, body limit.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_graphiql_and_get_queries() {
    let app = TestApp::with_reference().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(
        health.json::<serde_json::Value>().await.expect("json")["database"],
        "ok"
    );

    let page = app.get("/graphql").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("text").contains("graphiql"));

    let query = app
        .get("/graphql?query=%7B%20reports%20%7B%20totalCount%20%7D%20%7D")
        .await;
    assert_eq!(
        query.json::<serde_json::Value>().await.expect("json")["data"]["reports"]["totalCount"],
        1
    );
    let mutation = app.get("/graphql?query=mutation%20%7B%20deleteReport(input%3A%7Bid%3A%22x%22%7D)%20%7B%20deletedReportId%20%7D%20%7D").await;
    assert_eq!(mutation.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn cors_request_id_compression_and_body_limit() {
    let app = TestApp::with_reference().await;
    let url = format!("{}/graphql", app.base);
    let preflight = app
        .client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "https://front.example.gov.cn")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type",
        )
        .send()
        .await
        .expect("preflight");
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://front.example.gov.cn"
    );
    let foreign = app
        .client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "https://evil.example.com")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .expect("preflight");
    assert!(
        !foreign
            .headers()
            .contains_key("access-control-allow-origin")
    );

    let given = app
        .client()
        .post(&url)
        .header("x-request-id", "req-42")
        .json(&json!({ "query": "{ viewer { anonymous } }" }))
        .send()
        .await
        .expect("post");
    assert_eq!(given.headers()["x-request-id"], "req-42");

    let big = "{ reports { nodes { sections { title body } profile { duties achievements } } } }";
    let zipped = app
        .client()
        .post(&url)
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": big }))
        .send()
        .await
        .expect("post");
    assert_eq!(zipped.headers()["content-encoding"], "gzip");

    let huge = "x".repeat(3 * 1024 * 1024);
    let too_big = app
        .client()
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("post");
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_binary_serves_the_reference_report_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("jixiao.db").display()
            ),
        )
        .env("JIXIAO_LISTEN", addr.to_string())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn jixiao");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "jixiao did not come up");
    let body: serde_json::Value = client
        .post(format!("http://{addr}/graphql"))
        .json(&json!({ "query": "{ reports { totalCount nodes { unitName fiscalYear } } }" }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(body["data"]["reports"]["totalCount"], 1, "{body}");
    assert_eq!(body["data"]["reports"]["nodes"][0]["fiscalYear"], 2019);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("jixiao did not stop on SIGTERM")
    });
    assert!(status.success(), "graceful shutdown exits 0: {status}");
}

#[tokio::test]
async fn metrics_count_statements() {
    let app = TestApp::with_reference().await;
    let read = |text: String| {
        text.lines().find_map(|l| {
            l.strip_prefix("jixiao_sql_statements_total ")
                .and_then(|v| v.trim().parse::<u64>().ok())
        })
    };
    let before = read(app.get("/metrics").await.text().await.expect("text")).expect("counter");
    app.gql(
        None,
        "{ reports { nodes { indicators { id } } } }",
        json!({}),
    )
    .await;
    let after = read(app.get("/metrics").await.text().await.expect("text")).expect("counter");
    assert_eq!(
        after - before,
        2,
        "one page query and one batched indicator query"
    );
}

#[tokio::test]
async fn form_and_text_posts_are_refused_and_readiness_is_reported() {
    let app = TestApp::spawn().await;
    let url = format!("{}/graphql", app.base);
    let mutation =
        r#"{"query":"mutation { deleteReport(input: {id: \"x\"}) { deletedReportId } }"}"#;
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let r = app
            .client()
            .post(&url)
            .header("content-type", content_type)
            .body(mutation)
            .send()
            .await
            .expect("post");
        assert_eq!(
            r.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "UNSUPPORTED_MEDIA_TYPE"
        );
    }
    let ok = app
        .client()
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"query":"{ viewer { anonymous } }"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(ok.status(), StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(
        ready.json::<serde_json::Value>().await.expect("json")["status"],
        "ready"
    );
}
