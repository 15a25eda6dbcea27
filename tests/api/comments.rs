//! Review comments: anchors, threads, resolve and reopen, filters, who may comment.

use crate::support::TestApp;
use serde_json::{Value, json};

const ADD: &str = "mutation($i: AddReviewCommentInput!) { addReviewComment(input: $i) { comment { id body target { kind path indicator { id } } author { subject name role } resolved } userErrors { field code message } } }";

#[tokio::test]
async fn comments_are_anchored_threaded_and_resolved() {
    let app = TestApp::spawn().await;
    let written = app.upsert_fixture().await;
    let id = written["report"]["id"].as_str().expect("id").to_owned();
    let finance = app.token_for("f-1", "财政股室负责人", &["FINANCE_REVIEWER"], &["YX-KGJ"]);
    let preparer = app.token_for("u-1024", "葛咏芳", &["PREPARER"], &["YX-KGJ"]);
    let ind = app
        .gql(
            Some(&preparer),
            "query($id: ID!) { report(id: $id) { indicators { id } } }",
            json!({ "id": id }),
        )
        .await;
    let indicator = ind["data"]["report"]["indicators"][0]["id"].clone();

    let anchors = [
        json!({ "kind": "SECTION", "path": "1.2" }),
        json!({ "kind": "INDICATOR", "indicatorId": indicator }),
        json!({ "kind": "FINANCE_CELL", "path": "units.0.income.total" }),
        json!({ "kind": "FIELD", "path": "profile.actualHeadcount" }),
        json!({ "kind": "REPORT" }),
    ];
    let mut ids = Vec::new();
    for target in anchors {
        let r = app
            .gql(
                Some(&finance),
                ADD,
                json!({ "i": { "reportId": id, "target": target, "body": "请说明" } }),
            )
            .await;
        let p = &r["data"]["addReviewComment"];
        assert_eq!(p["userErrors"], json!([]), "{r}");
        assert_eq!(
            p["comment"]["author"],
            json!({ "subject": "f-1", "name": "财政股室负责人", "role": "FINANCE_REVIEWER" })
        );
        ids.push(p["comment"]["id"].clone());
    }
    for (target, field) in [
        (json!({ "kind": "SECTION", "path": "9.9" }), "path"),
        (
            json!({ "kind": "FINANCE_CELL", "path": "units.7.income.total" }),
            "path",
        ),
        (
            json!({ "kind": "FINANCE_CELL", "path": "units.0.income.nothing" }),
            "path",
        ),
        (json!({ "kind": "INDICATOR" }), "indicatorId"),
        (json!({ "kind": "FIELD" }), "path"),
    ] {
        let r = app
            .gql(
                Some(&finance),
                ADD,
                json!({ "i": { "reportId": id, "target": target, "body": "x" } }),
            )
            .await;
        let e = &r["data"]["addReviewComment"]["userErrors"][0];
        assert_eq!(e["code"], "INVALID", "{target}: {r}");
        assert_eq!(e["field"], json!(["target", field]));
    }
    let empty = app
        .gql(
            Some(&finance),
            ADD,
            json!({ "i": { "reportId": id, "body": " " } }),
        )
        .await;
    assert_eq!(
        empty["data"]["addReviewComment"]["userErrors"][0]["code"],
        "REQUIRED"
    );

    let reply = "mutation($i: ReplyToReviewCommentInput!) { replyToReviewComment(input: $i) { comment { id parent { id } target { kind path } } userErrors { code } } }";
    let r = app
        .gql(
            Some(&preparer),
            reply,
            json!({ "i": { "commentId": ids[0], "body": "已补充机构设置说明" } }),
        )
        .await;
    assert_eq!(
        r["data"]["replyToReviewComment"]["comment"]["parent"]["id"], ids[0],
        "{r}"
    );
    assert_eq!(
        r["data"]["replyToReviewComment"]["comment"]["target"],
        json!({ "kind": "SECTION", "path": "1.2" })
    );

    let resolve = "mutation($i: ResolveReviewCommentInput!) { resolveReviewComment(input: $i) { comment { resolved resolvedBy resolvedAt } userErrors { code } } }";
    let reopen = "mutation($i: ResolveReviewCommentInput!) { reopenReviewComment(input: $i) { comment { resolved resolvedBy } userErrors { code } } }";
    let r = app
        .gql(
            Some(&finance),
            resolve,
            json!({ "i": { "commentId": ids[0] } }),
        )
        .await;
    assert_eq!(
        r["data"]["resolveReviewComment"]["comment"]["resolved"], true,
        "{r}"
    );
    assert_eq!(
        r["data"]["resolveReviewComment"]["comment"]["resolvedBy"],
        "f-1"
    );
    let again = app
        .gql(
            Some(&finance),
            resolve,
            json!({ "i": { "commentId": ids[0] } }),
        )
        .await;
    assert_eq!(
        again["data"]["resolveReviewComment"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
    let r = app
        .gql(
            Some(&preparer),
            reopen,
            json!({ "i": { "commentId": ids[1] } }),
        )
        .await;
    assert_eq!(
        r["data"]["reopenReviewComment"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
    app.gql(
        Some(&finance),
        resolve,
        json!({ "i": { "commentId": ids[1] } }),
    )
    .await;
    let r = app
        .gql(
            Some(&preparer),
            reopen,
            json!({ "i": { "commentId": ids[1] } }),
        )
        .await;
    assert_eq!(
        r["data"]["reopenReviewComment"]["comment"],
        json!({ "resolved": false, "resolvedBy": null }),
        "{r}"
    );

    let list = "query($id: ID!, $r: Boolean, $k: CommentTargetKind, $t: Boolean) { report(id: $id) { comments(resolved: $r, targetKind: $k, threadsOnly: $t) { totalCount nodes { body replies { body } } } } }";
    let count = |v: &Value| v["data"]["report"]["comments"]["totalCount"].clone();
    assert_eq!(
        count(&app.gql(Some(&finance), list, json!({ "id": id })).await),
        6
    );
    assert_eq!(
        count(
            &app.gql(Some(&finance), list, json!({ "id": id, "t": true }))
                .await
        ),
        5
    );
    assert_eq!(
        count(
            &app.gql(Some(&finance), list, json!({ "id": id, "r": true }))
                .await
        ),
        1
    );
    assert_eq!(
        count(
            &app.gql(
                Some(&finance),
                list,
                json!({ "id": id, "r": false, "k": "FINANCE_CELL" })
            )
            .await
        ),
        1
    );
    let threads = app
        .gql(Some(&finance), list, json!({ "id": id, "t": true }))
        .await;
    assert_eq!(
        threads["data"]["report"]["comments"]["nodes"][0]["replies"][0]["body"],
        "已补充机构设置说明"
    );

    // Who may comment.
    for roles in [["AUDITOR"], ["SYNC_CLIENT"]] {
        let t = app.token(&roles, &["YX-KGJ"]);
        let r = app
            .gql(
                Some(&t),
                ADD,
                json!({ "i": { "reportId": id, "body": "x" } }),
            )
            .await;
        assert_eq!(
            r["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{roles:?}"
        );
    }
    for roles in [["DEPARTMENT_HEAD"], ["EVALUATOR"], ["PREPARER"]] {
        let t = app.token(&roles, &["YX-KGJ"]);
        let r = app
            .gql(
                Some(&t),
                ADD,
                json!({ "i": { "reportId": id, "body": "x" } }),
            )
            .await;
        assert_eq!(
            r["data"]["addReviewComment"]["userErrors"],
            json!([]),
            "{roles:?}: {r}"
        );
    }
    let node = app
        .gql(
            Some(&finance),
            "query($id: ID!) { node(id: $id) { __typename ... on ReviewComment { body } } }",
            json!({ "id": ids[2] }),
        )
        .await;
    assert_eq!(node["data"]["node"]["__typename"], "ReviewComment");
}

/// A thread holds at most 100 replies (so `replies`, a list without paging, has a real bound
/// for the query cost); the 101st is refused with OUT_OF_RANGE.
#[tokio::test]
async fn a_thread_holds_at_most_a_hundred_replies() {
    let app = TestApp::spawn().await;
    let written = app.upsert_fixture().await;
    let id = written["report"]["id"].as_str().expect("id").to_owned();
    let finance = app.token_for("f-1", "财政股室负责人", &["FINANCE_REVIEWER"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&finance),
            ADD,
            json!({ "i": { "reportId": id, "target": { "kind": "REPORT" }, "body": "请说明" } }),
        )
        .await;
    let root = r["data"]["addReviewComment"]["comment"]["id"].clone();
    let reply = "mutation($i: ReplyToReviewCommentInput!) { replyToReviewComment(input: $i) { comment { id } userErrors { field code } } }";
    for n in 0..101 {
        let r = app
            .gql(
                Some(&finance),
                reply,
                json!({ "i": { "commentId": root, "body": format!("第 {n} 条") } }),
            )
            .await;
        let errors = &r["data"]["replyToReviewComment"]["userErrors"];
        if n < 100 {
            assert_eq!(errors, &json!([]), "{r}");
        } else {
            assert_eq!(
                errors,
                &json!([{ "field": ["parentId"], "code": "OUT_OF_RANGE" }]),
                "{r}"
            );
        }
    }
}

/// A finance cell's path is rooted at the document like every other field path
/// (`finance.units.0.income.total`); the older form relative to the tables is accepted, stored
/// rooted and found by a filter in either form; the migration rewrites older anchors and back.
#[tokio::test]
async fn finance_cell_paths_are_rooted_at_the_document_in_either_form() {
    let app = TestApp::spawn().await;
    let written = app.upsert_fixture().await;
    let id = written["report"]["id"].as_str().expect("id").to_owned();
    let finance = app.token_for("f-1", "财政股室负责人", &["FINANCE_REVIEWER"], &["YX-KGJ"]);
    for (given, stored) in [
        ("units.0.income.total", "finance.units.0.income.total"),
        (
            "finance.summary.income.total",
            "finance.summary.income.total",
        ),
    ] {
        let r = app
            .gql(
                Some(&finance),
                ADD,
                json!({ "i": { "reportId": id, "target": { "kind": "FINANCE_CELL", "path": given }, "body": "请核对" } }),
            )
            .await;
        assert_eq!(
            r["data"]["addReviewComment"]["comment"]["target"]["path"], stored,
            "{r}"
        );
    }
    let paths = |filter: &str| {
        let q = format!(
            "query($id: ID!) {{ report(id: $id) {{ comments(path: \"{filter}\") {{ nodes {{ target {{ path }} }} }} }} }}"
        );
        let (app, finance, id) = (&app, &finance, &id);
        async move {
            let r = app.gql(Some(finance), &q, json!({ "id": id })).await;
            r["data"]["report"]["comments"]["nodes"]
                .as_array()
                .map(|n| n.len())
                .unwrap_or_else(|| panic!("{r}"))
        }
    };
    assert_eq!(paths("finance.units.0.income.total").await, 1);
    assert_eq!(paths("units.0.income.total").await, 1);
    // Down to the release before: the older form; up again: rooted.
    let stored = || async {
        use sea_orm::{ConnectionTrait, Statement};
        let row = app
            .db
            .conn
            .query_one_raw(Statement::from_string(
                app.db.conn.get_database_backend(),
                "SELECT target_path FROM review_comment WHERE target_path LIKE '%units.0.income.total'",
            ))
            .await
            .expect("select")
            .expect("a row");
        row.try_get_by_index::<String>(0).expect("path")
    };
    crate::migrations::down_to_just_after(&app.db.conn, "000017").await;
    assert_eq!(stored().await, "units.0.income.total");
    {
        use migration::MigratorTrait;
        migration::Migrator::up(&app.db.conn, None)
            .await
            .expect("up");
    }
    assert_eq!(stored().await, "finance.units.0.income.total");
}
