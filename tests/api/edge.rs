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
    use crate::support::{spawn_server, terminate, wait_up};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("jixiao.db").display()
    );
    let (mut child, base) = spawn_server(&url);
    let client = reqwest::Client::new();
    wait_up(&client, &base).await;
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": "{ reports { totalCount nodes { unitName fiscalYear } } }" }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(body["data"]["reports"]["totalCount"], 1, "{body}");
    assert_eq!(body["data"]["reports"]["nodes"][0]["fiscalYear"], 2019);
    let status = terminate(&mut child).await;
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
        3,
        "the data-version check, one page query and one batched indicator query"
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

#[tokio::test]
async fn accept_header_chooses_media_type_and_status() {
    let app = TestApp::spawn().await;
    let url = format!("{}/graphql", app.base);
    let send = |accept: Option<&'static str>, query: &'static str| {
        let mut req = app.client().post(&url).json(&json!({ "query": query }));
        if let Some(a) = accept {
            req = req.header("Accept", a);
        }
        req.send()
    };
    let modern = "application/graphql-response+json, application/json;q=0.9";
    let ok = send(Some(modern), "{ __typename }").await.expect("post");
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/graphql-response+json")
    );
    // A request that cannot start: 400 with the new media type, 200 with application/json.
    let bad = send(Some(modern), "{ reports { nosuchfield } }")
        .await
        .expect("post");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = bad.json().await.expect("json");
    assert!(
        body["errors"][0]["extensions"]["code"].is_string(),
        "{body}"
    );
    // A request error has no `data` entry (GraphQL spec §7.1.2), with either media type.
    assert!(body.get("data").is_none(), "{body}");
    let legacy = send(Some("application/json"), "{ reports { nosuchfield } }")
        .await
        .expect("post");
    assert_eq!(legacy.status(), StatusCode::OK);
    assert!(
        legacy.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    let legacy: serde_json::Value = legacy.json().await.expect("json");
    assert!(legacy.get("data").is_none(), "{legacy}");
    let syntax = send(None, "{ reports {").await.expect("post");
    assert_eq!(syntax.status(), StatusCode::OK);
    // A document that does not parse: a stable code, a message in Chinese with where, and the
    // parser's own words kept in `extensions.detail`.
    let syntax: serde_json::Value = syntax.json().await.expect("json");
    let error = &syntax["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
        "{syntax}"
    );
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("第 1 行")),
        "{syntax}"
    );
    assert!(error["extensions"]["detail"].is_string(), "{syntax}");
    assert!(syntax.get("data").is_none(), "{syntax}");
    // A refused document (over a pre-check limit) has no `data` entry either.
    let deep = format!(
        "{{ reports {} }}",
        "{ nodes ".repeat(200) + &"}".repeat(200)
    );
    let refused: serde_json::Value = app
        .client()
        .post(&url)
        .json(&json!({ "query": deep }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert!(
        refused["errors"][0]["extensions"]["code"].is_string(),
        "{refused}"
    );
    assert!(refused.get("data").is_none(), "{refused}");
    let not_acceptable = send(Some("text/html"), "{ __typename }")
        .await
        .expect("post");
    assert_eq!(not_acceptable.status(), StatusCode::NOT_ACCEPTABLE);
    let body: serde_json::Value = not_acceptable.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_ACCEPTABLE");
    // A body that is not a GraphQL request is a 400 that names no internal type.
    let garbage = app
        .client()
        .post(&url)
        .header("Content-Type", "application/json")
        .body(r#"{"query": 42}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    let text = garbage.text().await.expect("text");
    assert!(
        text.contains("BAD_REQUEST") && !text.contains("BatchRequest"),
        "{text}"
    );
}

#[tokio::test]
async fn production_mode_hides_the_schema_from_anonymous_callers() {
    let introspect = "{ __schema { queryType { name } } }";
    let typo = "{ reprts { totalCount } }";
    let dev = TestApp::spawn().await;
    let body = dev.gql(None, introspect, json!({})).await;
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );
    let body = dev.gql(None, typo, json!({})).await;
    assert!(body.to_string().contains("Did you mean"), "{body}");

    let prod = TestApp::spawn_with(|c| c.mode = jixiao::config::Mode::Production).await;
    let body = prod.gql(None, introspect, json!({})).await;
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
        "{body}"
    );
    let hidden = "query { ...F } fragment F on Query { __type(name: \"Report\") { name } }";
    let body = prod.gql(None, hidden, json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
        "{body}"
    );
    let admin = prod.token(&["AUDITOR"], &["*"]);
    let body = prod.gql(Some(&admin), introspect, json!({})).await;
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );
    let body = prod.gql(None, typo, json!({})).await;
    assert!(!body.to_string().contains("Did you mean"), "{body}");
    assert_eq!(prod.get("/graphql").await.status(), StatusCode::NOT_FOUND);

    let closed = TestApp::spawn_with(|c| {
        c.mode = jixiao::config::Mode::Production;
        c.introspection = Some(jixiao::config::Introspection::Off);
    })
    .await;
    let admin = closed.token(&["ADMIN"], &["*"]);
    let body = closed.gql(Some(&admin), introspect, json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
        "{body}"
    );
}

#[tokio::test]
async fn response_keys_follow_the_selection_order() {
    let app = TestApp::with_reference().await;
    let query = "query { reports(first: 1) { nodes { id unitName comments { totalCount } ...F finance { units { name } } z: title signatures { role } indicators { name } evaluators { name } a: fiscalYear qualitativeGoals { expected } sections { key } } } } fragment F on Report { profile { duties } ... on Report { opinions { kind } } }";
    let expected = [
        "id",
        "unitName",
        "comments",
        "profile",
        "opinions",
        "finance",
        "z",
        "signatures",
        "indicators",
        "evaluators",
        "a",
        "qualitativeGoals",
        "sections",
    ];
    for _ in 0..5 {
        // The response text, so that the order is the server's, not a JSON library's.
        let text = app
            .client()
            .post(format!("{}/graphql", app.base))
            .header(
                "Authorization",
                format!("Bearer {}", app.token(&["AUDITOR"], &["*"])),
            )
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("post")
            .text()
            .await
            .expect("text");
        let node = &text[text.find("\"nodes\":[{").expect("nodes")..];
        let mut at = 0;
        for key in expected {
            let found = node[at..]
                .find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{key} missing or out of order in {node}"));
            at += found;
        }
    }
}

/// GraphiQL is served whole by the binary: the page names only local assets (with integrity
/// hashes), each asset answers with an ETag and revalidates to 304, and in production, where
/// the page is off, so are its assets.
#[tokio::test]
async fn graphiql_assets_are_local_cached_and_off_in_production() {
    let app = TestApp::spawn().await;
    let page = app.get("/graphql").await.text().await.expect("text");
    for external in ["unpkg.com", "jsdelivr", "https://"] {
        assert!(!page.contains(external), "{external} in the page");
    }
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "graphql-ws.min.js",
    ] {
        assert!(
            page.contains(&format!("/graphiql/{asset}\" integrity=\"sha384-")),
            "{asset}"
        );
        let first = app.get(&format!("/graphiql/{asset}")).await;
        assert_eq!(first.status(), StatusCode::OK, "{asset}");
        let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
        assert!(first.bytes().await.expect("bytes").len() > 1000, "{asset}");
        let again = app
            .client()
            .get(format!("{}/graphiql/{asset}", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{asset}");
    }
    for missing in [
        "/graphiql/other.js",
        "/graphiql/..%2FCargo.toml",
        "/graphiql/",
    ] {
        assert_eq!(
            app.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let prod = TestApp::spawn_with(|c| c.mode = jixiao::config::Mode::Production).await;
    assert_eq!(
        prod.get("/graphiql/graphiql.min.js").await.status(),
        StatusCode::NOT_FOUND
    );
}
