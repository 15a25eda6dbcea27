//! No N+1: the statements a nested page costs do not grow with the page size.

use crate::support::TestApp;
use jixiao::domain::report::{ReportDocument, service};
use jixiao::domain::{Role, Viewer};
use serde_json::json;

const PAGE: &str = "query($n: Int) { reports(first: $n) { nodes { id unitName department { code } indicators { id target { text } actual { text } } finance { units { name income { total } } summary { income { total } } } evaluators { name role } sections { key } qualitativeGoals { expected } signatures { valid } opinions { kind } funding { line } comments { totalCount nodes { body } } } } }";

#[tokio::test]
async fn nested_page_statements_are_constant_in_the_page_size() {
    // Every list of the page counted at its row limit costs more than the default budget
    // allows for 50 reports; this test is about statements, not cost.
    let app = TestApp::spawn_with(|c| c.max_complexity = 1_000_000).await;
    let admin = Viewer {
        subject: Some("t".into()),
        name: None,
        roles: vec![Role::Admin],
        departments: vec!["*".into()],
    };
    let fixture: ReportDocument = jixiao::reference::fixture().expect("fixture").document;
    for i in 0..60 {
        let mut doc = fixture.clone();
        doc.unit_name = format!("单位{i}");
        service::create(&app.db, &admin, None, None, doc)
            .await
            .expect("create")
            .expect("valid");
    }
    let token = app.token(&["AUDITOR"], &["*"]);
    let mut costs = Vec::new();
    for n in [1, 5, 50] {
        let before = app.db.statements();
        let body = app.gql(Some(&token), PAGE, json!({ "n": n })).await;
        let cost = app.db.statements() - before;
        assert!(body["errors"].is_null(), "{body}");
        let nodes = body["data"]["reports"]["nodes"].as_array().map(Vec::len);
        assert_eq!(nodes, Some(n as usize));
        assert_eq!(
            body["data"]["reports"]["nodes"][0]["indicators"]
                .as_array()
                .map(Vec::len),
            Some(16)
        );
        costs.push(cost);
    }
    println!("statements for first: 1 / 5 / 50 = {costs:?}");
    assert_eq!(
        costs[0], costs[2],
        "statements grow with the page size: {costs:?}"
    );
    assert_eq!(
        costs[1], costs[2],
        "statements grow with the page size: {costs:?}"
    );
    assert!(
        costs[2] <= 12,
        "one page query plus one batched query per nested list: {costs:?}"
    );
}
