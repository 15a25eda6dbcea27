//! Relay connections: forwards, backwards, ordering, filters, node look-ups.

use crate::support::TestApp;
use serde_json::{Value, json};

fn names(page: &Value) -> Vec<String> {
    page["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["unitName"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn pages_forwards_and_backwards_in_a_stable_order() {
    let app = TestApp::spawn().await;
    let scores = ["70", "95", "80", "95", "60", "88", "91"];
    for (i, s) in scores.iter().enumerate() {
        app.create_report(2020 + (i as i32 % 2), &format!("单位{i}"), Some(s))
            .await;
    }
    let token = app.preparer();
    let q = "query($f: Int, $a: String, $l: Int, $b: String) { reports(first: $f, after: $a, last: $l, before: $b, orderBy: [{ field: DECLARED_SCORE, direction: DESC }]) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { unitName declaredScore } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .gql(Some(&token), q, json!({ "f": 3, "a": after }))
            .await;
        let page = &body["data"]["reports"];
        assert_eq!(page["totalCount"], 7, "{body}");
        seen.extend(names(page));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 7, "every report once: {seen:?}");
    assert_eq!(
        &seen[..2],
        &["单位1", "单位3"],
        "score DESC, ties broken by id"
    );
    assert_eq!(seen[6], "单位4");

    let last = app.gql(Some(&token), q, json!({ "l": 2 })).await;
    assert_eq!(names(&last["data"]["reports"]), vec!["单位0", "单位4"]);
    assert_eq!(last["data"]["reports"]["pageInfo"]["hasPreviousPage"], true);
    let before = last["data"]["reports"]["pageInfo"]["startCursor"].clone();
    let prev = app
        .gql(Some(&token), q, json!({ "l": 2, "b": before }))
        .await;
    assert_eq!(names(&prev["data"]["reports"]), vec!["单位5", "单位2"]);

    let filtered = app
        .gql(Some(&token), "{ reports(filter: { fiscalYear: 2021, search: \"单位\", kind: DEPARTMENT_OVERALL, status: DRAFT, departmentCode: \"YX-KGJ\" }, orderBy: [{ field: UNIT_NAME }]) { totalCount nodes { unitName } } }", json!({}))
        .await;
    assert_eq!(
        names(&filtered["data"]["reports"]),
        vec!["单位1", "单位3", "单位5"],
        "{filtered}"
    );
    let search = app
        .gql(
            Some(&token),
            "{ reports(filter: { search: \"位6\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(search["data"]["reports"]["totalCount"], 1);
    let bad = app
        .gql(
            Some(&token),
            "{ reports(after: \"garbage\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn node_and_nodes_resolve_global_ids() {
    let app = TestApp::with_reference().await;
    let list = app
        .gql(
            None,
            "{ reports { nodes { id indicators { id } department { id code } } } }",
            json!({}),
        )
        .await;
    let report = &list["data"]["reports"]["nodes"][0];
    let ids = json!([
        report["id"],
        report["indicators"][0]["id"],
        report["department"]["id"],
        "bm9wZQ"
    ]);
    let q = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";
    let body = app.gql(None, q, json!({ "ids": ids })).await;
    let nodes = &body["data"]["nodes"];
    assert_eq!(nodes[0]["__typename"], "Report", "{body}");
    assert_eq!(nodes[1]["__typename"], "Indicator");
    assert_eq!(nodes[2]["__typename"], "Department");
    assert_eq!(nodes[3], Value::Null);
    let dept = app.gql(None, "{ department(code: \"YX\") { name children { nodes { code reports { totalCount } } } } departments { totalCount } }", json!({})).await;
    assert_eq!(
        dept["data"]["department"]["children"]["nodes"][0]["code"], "YX-KGJ",
        "{dept}"
    );
    assert_eq!(
        dept["data"]["department"]["children"]["nodes"][0]["reports"]["totalCount"],
        1
    );
    assert_eq!(dept["data"]["departments"]["totalCount"], 2);
}

/// `updatedSince` / `updatedBefore` (and the `created` pair) select half-open windows of time:
/// consecutive windows neither miss nor repeat a report, and a report's own `updatedAt` (shown
/// to the millisecond, stored finer) includes it.
#[tokio::test]
async fn reports_filter_by_time_windows() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for unit in ["甲单位", "乙单位", "丙单位"] {
        ids.push(app.create_report(2024, unit, None).await);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let token = app.preparer();
    let times = app
        .gql(
            Some(&token),
            "{ reports(orderBy: [{ field: CREATED_AT, direction: ASC }]) { nodes { id createdAt updatedAt } } }",
            json!({}),
        )
        .await;
    let nodes = times["data"]["reports"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    assert_eq!(nodes.len(), 3, "{times}");
    let q = "query($f: ReportFilter) { reports(filter: $f, orderBy: [{ field: CREATED_AT, direction: ASC }]) { nodes { id } } }";
    let ids_of = |body: &Value| -> Vec<String> {
        body["data"]["reports"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["id"].as_str().map(str::to_owned))
            .collect()
    };
    let window = |f: Value| {
        let app = &app;
        let token = token.clone();
        async move { app.gql(Some(&token), q, json!({ "f": f })).await }
    };
    let second = &nodes[1];
    let since = window(json!({ "updatedSince": second["updatedAt"] })).await;
    assert_eq!(
        ids_of(&since),
        vec![ids[1].clone(), ids[2].clone()],
        "{since}"
    );
    let before = window(json!({ "updatedBefore": second["updatedAt"] })).await;
    assert_eq!(ids_of(&before), vec![ids[0].clone()], "{before}");
    let created = window(
        json!({ "createdSince": nodes[0]["createdAt"], "createdBefore": nodes[2]["createdAt"] }),
    )
    .await;
    assert_eq!(
        ids_of(&created),
        vec![ids[0].clone(), ids[1].clone()],
        "{created}"
    );
    let empty = window(json!({ "updatedSince": "2999-01-01T00:00:00Z" })).await;
    assert_eq!(ids_of(&empty), Vec::<String>::new());
    let bad = window(json!({ "updatedSince": "昨天" })).await;
    assert_eq!(
        bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{bad}"
    );
}
