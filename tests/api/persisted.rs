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
