//! The whole-response cache: a repeated query costs one statement (the data-version check), a
//! write through any instance makes the next answer fresh, and callers never see each other's
//! answers.

use crate::support::{TestApp, UPSERT, fixture};
use jixiao::domain::report::service;
use jixiao::domain::{Db, Role, Viewer};
use serde_json::json;

const PAGE: &str =
    "{ reports { totalCount nodes { unitName status indicators { name actual { text } } } } }";

async fn cost(app: &TestApp, token: Option<&str>, query: &str) -> (u64, serde_json::Value) {
    let before = app.db.statements();
    let body = app.gql(token, query, json!({})).await;
    (app.db.statements() - before, body)
}

#[tokio::test]
async fn repeated_queries_are_answered_from_the_cache_until_a_write() {
    let app = TestApp::with_reference().await;
    let (first, a) = cost(&app, None, PAGE).await;
    let (second, b) = cost(&app, None, PAGE).await;
    assert!(first > 1, "{first}");
    assert_eq!(second, 1, "only the data-version check");
    assert_eq!(a, b);

    // A write through this instance: the next answer is fresh.
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let mut doc = fixture();
    doc["externalId"] = json!("second-report");
    doc["document"]["unitName"] = json!("第二个单位");
    let written = app.gql(Some(&sync), UPSERT, json!({ "input": doc })).await;
    assert_eq!(
        written["data"]["upsertReport"]["userErrors"],
        json!([]),
        "{written}"
    );
    let (_, c) = cost(&app, Some(&sync), PAGE).await;
    assert_eq!(c["data"]["reports"]["totalCount"], 2, "{c}");
    // Anonymous callers see published reports only, cached or not.
    let (third, d) = cost(&app, None, PAGE).await;
    assert!(third > 1, "a write invalidates: {third}");
    assert_eq!(d["data"]["reports"]["totalCount"], 1, "{d}");

    // A write through another instance (another connection pool on the same database).
    let other = Db::connect(&app.url).await.expect("second instance");
    let admin = Viewer {
        subject: Some("other-instance".into()),
        name: None,
        roles: vec![Role::Admin],
        departments: vec!["*".into()],
    };
    let id = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::report::Entity::find()
            .filter(entity::report::Column::ExternalId.eq("second-report"))
            .one(&other.conn)
            .await
            .expect("query")
            .expect("report")
            .id
    };
    service::delete(&other, &admin, id, None)
        .await
        .expect("delete")
        .expect("deleted");
    let (_, e) = cost(&app, Some(&sync), PAGE).await;
    assert_eq!(
        e["data"]["reports"]["totalCount"], 1,
        "the other instance's delete is seen: {e}"
    );
}

#[tokio::test]
async fn the_cache_can_be_turned_off() {
    let app = TestApp::spawn_with(|c| c.response_cache_mb = 0).await;
    let (first, _) = cost(&app, None, PAGE).await;
    let (second, _) = cost(&app, None, PAGE).await;
    assert_eq!(first, second);
    assert!(second >= 1);
}

#[tokio::test]
async fn callers_never_get_each_others_cached_answers() {
    let app = TestApp::spawn().await;
    app.upsert_fixture().await;
    let q = "{ viewer { subject name roles } reports { totalCount } }";
    let a = app.token_for("same", "甲", &["PREPARER"], &["YX-KGJ"]);
    let b = app.token_for("same", "乙", &["PREPARER"], &["YX-KGJ"]);
    let c = app.token_for("same", "甲", &["AUDITOR"], &["YX-CZJ"]);
    for _ in 0..2 {
        let (_, x) = cost(&app, Some(&a), q).await;
        let (_, y) = cost(&app, Some(&b), q).await;
        let (_, z) = cost(&app, Some(&c), q).await;
        let (_, anon) = cost(&app, None, q).await;
        assert_eq!(x["data"]["viewer"]["name"], "甲");
        assert_eq!(y["data"]["viewer"]["name"], "乙");
        assert_eq!(z["data"]["viewer"]["roles"], json!(["AUDITOR"]));
        assert_eq!(
            x["data"]["reports"]["totalCount"], 1,
            "the draft is in scope: {x}"
        );
        assert_eq!(z["data"]["reports"]["totalCount"], 0, "out of scope: {z}");
        assert_eq!(anon["data"]["reports"]["totalCount"], 0, "{anon}");
    }
}
