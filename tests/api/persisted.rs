//! Automatic persisted queries as Apollo Client's persisted-query link speaks them, over POST
//! and GET.

use crate::support::TestApp;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn hash_only_requests_are_answered_once_the_query_is_registered() {
    let app = TestApp::with_reference().await;
    let query = "query Years { reports(first: 5) { nodes { fiscalYear unitName } } }";
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let post = |body: Value| {
        let app = &app;
        async move {
            app.client()
                .post(format!("{}/graphql", app.base))
                .json(&body)
                .send()
                .await
                .expect("post")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    // Unknown hash: the client is asked for the query.
    let first = post(json!({ "extensions": ext })).await;
    assert_eq!(code(&first), "PERSISTED_QUERY_NOT_FOUND", "{first}");
    // A query sent under another query's hash is refused, and not registered.
    let forged = post(json!({ "query": "{ viewer { roles } }", "extensions": ext })).await;
    assert_eq!(code(&forged), "PERSISTED_QUERY_HASH_MISMATCH", "{forged}");
    assert_eq!(
        code(&post(json!({ "extensions": ext })).await),
        "PERSISTED_QUERY_NOT_FOUND"
    );
    // Hash and query: answered and registered.
    let full = post(json!({ "query": query, "extensions": ext })).await;
    assert_eq!(
        full["data"]["reports"]["nodes"][0]["fiscalYear"], 2019,
        "{full}"
    );
    // From now on the hash alone is enough, over POST and over GET.
    let again = post(json!({ "extensions": ext })).await;
    assert_eq!(again["data"], full["data"], "{again}");
    let url = reqwest::Url::parse_with_params(
        &format!("{}/graphql", app.base),
        &[("extensions", ext.to_string())],
    )
    .expect("url");
    let got: Value = app
        .client()
        .get(url)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(got["data"], full["data"], "{got}");
    // A malformed extension is refused with its own code.
    let bad =
        post(json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }))
            .await;
    assert_eq!(code(&bad), "PERSISTED_QUERY_NOT_SUPPORTED", "{bad}");
}

/// With a trusted-documents manifest and `only`, listed documents answer by hash from the first
/// request; anything else — as text, by an unknown hash, or as a WebSocket subscription — is
/// `DOCUMENT_NOT_TRUSTED`.
#[tokio::test]
async fn only_trusted_documents_run_over_http_and_the_websocket() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let listed = "query Listed { reports(first: 1) { totalCount } }";
    let hash = format!("{:x}", Sha256::digest(listed.as_bytes()));
    let dir = tempfile::tempdir().expect("dir");
    let manifest = dir.path().join("persisted-documents.json");
    std::fs::write(&manifest, serde_json::json!({ &hash: listed }).to_string()).expect("write");
    let app = crate::support::TestApp::spawn_with(|c| {
        c.trusted_documents = Some(manifest.clone());
        c.trusted_documents_only = true;
    })
    .await;
    let by_hash = |hash: &str| serde_json::json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    let post = |body: serde_json::Value| {
        let client = app.client();
        let url = format!("{}/graphql", app.base);
        async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("post")
                .json::<serde_json::Value>()
                .await
                .expect("json")
        }
    };
    let answer = post(by_hash(&hash)).await;
    assert!(
        answer["data"]["reports"]["totalCount"].is_number(),
        "{answer}"
    );
    let answer = post(serde_json::json!({ "query": listed })).await;
    assert!(
        answer["data"]["reports"]["totalCount"].is_number(),
        "{answer}"
    );
    for refused in [
        serde_json::json!({ "query": "{ reports(first: 1) { totalCount } }" }),
        by_hash(&"0".repeat(64)),
    ] {
        let answer = post(refused.clone()).await;
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "DOCUMENT_NOT_TRUSTED",
            "{refused}: {answer}"
        );
    }
    let mut ws = crate::live::connect(&app.base, None)
        .await
        .expect("acknowledged");
    ws.send(Message::text(
        serde_json::json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { reportEvents { cursor } }" } }).to_string(),
    ))
    .await
    .expect("subscribe");
    let answer = crate::live::next_json(&mut ws).await.expect("answer");
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "DOCUMENT_NOT_TRUSTED",
        "{answer}"
    );
}
