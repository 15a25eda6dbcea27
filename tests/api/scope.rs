//! Reads are scoped to the caller's departments, in SQL.

use crate::states::{Group, report_in};
use crate::support::TestApp;
use entity::ReportStatus;
use serde_json::json;

#[tokio::test]
async fn reads_are_scoped_to_the_callers_departments() {
    let app = TestApp::spawn().await;
    let draft = report_in(&app, ReportStatus::Draft, Group::Identified).await;
    let other = app.token_for("other", "外单位", &["PREPARER"], &["YX-CZJ"]);
    let mine = app.preparer();
    let q = "query($id: ID!, $ind: ID!) { reports { totalCount } indicators { totalCount } node(id: $id) { id } nodes(ids: [$id, $ind]) { id } report(id: $id) { id } }";
    let vars = json!({ "id": draft.report, "ind": draft.indicator });
    let seen = app.gql(Some(&other), q, vars.clone()).await;
    assert_eq!(
        seen["data"],
        json!({ "reports": { "totalCount": 0 }, "indicators": { "totalCount": 0 }, "node": null, "nodes": [null, null], "report": null }),
        "{seen}"
    );
    let anon = app.gql(None, q, vars.clone()).await;
    assert_eq!(anon["data"]["reports"]["totalCount"], 0);
    let own = app.gql(Some(&mine), q, vars).await;
    assert_eq!(own["data"]["reports"]["totalCount"], 1, "{own}");
    assert_eq!(own["data"]["indicators"]["totalCount"], 1);
    assert_eq!(own["data"]["nodes"][1]["id"], draft.indicator);
}
