//! Authentication and who may write.

use crate::support::{SECRET, TestApp, UPSERT, fixture};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn invalid_tokens_are_401_in_graphql_shape() {
    let app = TestApp::with_reference().await;
    let other = jixiao::http::auth::Authenticator::hs256("another-secret", None, "jixiao".into());
    let foreign = other
        .mint("u", "n", &["ADMIN".into()], &["*".into()], 1)
        .expect("mint");
    let expired = jixiao::http::auth::Authenticator::hs256(SECRET, None, "jixiao".into())
        .mint("u", "n", &["ADMIN".into()], &["*".into()], -1)
        .expect("mint");
    let wrong_aud = jixiao::http::auth::Authenticator::hs256(SECRET, None, "elsewhere".into())
        .mint("u", "n", &["ADMIN".into()], &["*".into()], 1)
        .expect("mint");
    let unknown_role = app.token(&["OVERLORD"], &["*"]);
    for (what, token) in [
        ("garbage", "abc.def.ghi".to_owned()),
        ("wrong key", foreign),
        ("expired", expired),
        ("wrong audience", wrong_aud),
        ("unknown role", unknown_role),
    ] {
        let (status, body) = app
            .post(Some(&token), "{ viewer { subject } }", json!({}))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{what}: {body}"
        );
    }
    let (status, body) = app.post(None, "{ viewer { anonymous } }", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["viewer"]["anonymous"], true);
}

#[tokio::test]
async fn writes_need_a_writer_role_in_the_department() {
    let app = TestApp::spawn().await;
    let input = json!({ "input": fixture() });
    let anonymous = app.gql(None, UPSERT, input.clone()).await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{anonymous}"
    );
    for (roles, departments, code) in [
        (vec!["AUDITOR"], vec!["YX-KGJ"], "FORBIDDEN"),
        (vec!["FINANCE_REVIEWER"], vec!["*"], "FORBIDDEN"),
        (vec!["PREPARER"], vec!["YX-CZJ"], "FORBIDDEN"),
    ] {
        let token = app.token(&roles, &departments);
        let body = app.gql(Some(&token), UPSERT, input.clone()).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{roles:?} {departments:?}: {body}"
        );
    }
    assert_eq!(app.report_count().await, 0);
    for (roles, departments) in [
        (vec!["SYNC_CLIENT"], vec!["YX-KGJ"]),
        (vec!["ADMIN"], vec![]),
    ] {
        let token = app.token(&roles, &departments);
        let body = app.gql(Some(&token), UPSERT, input.clone()).await;
        assert_eq!(
            body["data"]["upsertReport"]["userErrors"],
            json!([]),
            "{roles:?}: {body}"
        );
    }
}

#[tokio::test]
async fn drafts_are_visible_only_in_scope() {
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "草稿局", None).await;
    let q = "query($id: ID!) { report(id: $id) { id } }";
    let anonymous = app.gql(None, q, json!({ "id": id })).await;
    assert_eq!(anonymous["data"]["report"], serde_json::Value::Null);
    let outsider = app.token(&["AUDITOR"], &["YX-CZJ"]);
    assert_eq!(
        app.gql(Some(&outsider), q, json!({ "id": id })).await["data"]["report"],
        serde_json::Value::Null
    );
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    assert_eq!(
        app.gql(Some(&auditor), q, json!({ "id": id })).await["data"]["report"]["id"],
        id.as_str()
    );
    let count = app
        .gql(Some(&outsider), "{ reports { totalCount } }", json!({}))
        .await;
    assert_eq!(count["data"]["reports"]["totalCount"], 0);
}
