//! The finance bureau's re-check score (复核分): recorded by FINANCE_REVIEWER during review,
//! shown beside the declared and computed scores, outside the content digest.

use crate::support::{TestApp, UPSERT};
use serde_json::{Value, json};

const RECHECK: &str = "mutation($i: RecordRecheckInput!) { recordRecheck(input: $i) { report { version } userErrors { field code message } } }";
const SIGN: &str =
    "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code message } } }";
const STATE: &str = "query($id: ID!) { report(id: $id) { status version contentDigest declaredScore signatures { role valid } indicators { id declaredScore } recheck { total reviewerSubject reviewerName recordedAt rows { score declaredScore indicator { id } } } assessment { declaredScore computedScore recheckScore indicators { recheckScore computedScore indicator { id declaredScore } } } history(first: 50) { nodes { operation actor } } } }";

fn project() -> Value {
    serde_json::from_str(include_str!("../fixtures/project-report.json")).expect("project")
}

fn code(body: &Value) -> Value {
    if let Some(c) = body["errors"][0]["extensions"]["code"].as_str() {
        return json!(c);
    }
    body["data"]["recordRecheck"]["userErrors"][0]["code"].clone()
}

async fn state(app: &TestApp, id: &str) -> Value {
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let r = app.gql(Some(&auditor), STATE, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{r}");
    r["data"]["report"].clone()
}

/// A project report taken to SUBMITTED; returns its id.
async fn submitted(app: &TestApp, external_id: &str) -> String {
    let mut input = project();
    input["externalId"] = json!(external_id);
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    let id = r["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_owned();
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let s = app
        .gql(
            Some(&leader),
            SIGN,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "opinion": "同意" } }),
        )
        .await;
    assert_eq!(s["data"]["signReport"]["userErrors"], json!([]), "{s}");
    let submit = "mutation($i: TransitionInput!) { submitReport(input: $i) { report { status } userErrors { code message field } } }";
    let s = app
        .gql(
            Some(&app.preparer()),
            submit,
            json!({ "i": { "reportId": id } }),
        )
        .await;
    assert_eq!(
        s["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{s}"
    );
    id
}

/// Takes a SUBMITTED report to DEPARTMENT_APPROVED.
async fn approve(app: &TestApp, id: &str) {
    let head = app.token_for("h-1", "部门负责人", &["DEPARTMENT_HEAD"], &["YX-KGJ"]);
    let s = app
        .gql(
            Some(&head),
            SIGN,
            json!({ "i": { "reportId": id, "role": "DEPARTMENT_HEAD" } }),
        )
        .await;
    assert_eq!(s["data"]["signReport"]["userErrors"], json!([]), "{s}");
    let approve = "mutation($i: OpinionTransitionInput!) { approveReport(input: $i) { report { status } userErrors { code message } } }";
    let a = app
        .gql(
            Some(&head),
            approve,
            json!({ "i": { "reportId": id, "opinion": "同意" } }),
        )
        .await;
    assert_eq!(
        a["data"]["approveReport"]["report"]["status"], "DEPARTMENT_APPROVED",
        "{a}"
    );
}

#[tokio::test]
async fn the_finance_bureau_records_its_recheck_during_review() {
    let app = TestApp::spawn().await;
    let finance = app.token_for("f-1", "财政股室负责人", &["FINANCE_REVIEWER"], &["YX-KGJ"]);
    let id = submitted(&app, "recheck-1").await;
    let before = state(&app, &id).await;
    let ind: Vec<String> = before["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(ind.len() >= 3, "{before}");
    let good = json!({ "i": { "reportId": id, "total": "93.5", "rows": [
        { "indicatorId": ind[2], "score": "9" },
        { "indicatorId": ind[0], "score": "14.5" },
    ] } });

    // Not yet in review: refused.
    assert_eq!(
        code(&app.gql(Some(&finance), RECHECK, good.clone()).await),
        "INVALID_STATE"
    );
    approve(&app, &id).await;
    let approved = state(&app, &id).await;

    // Only the department's finance reviewer (or ADMIN) records it (anonymous callers cannot
    // see an unpublished report: not found for them).
    assert_eq!(
        code(&app.gql(None, RECHECK, good.clone()).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&app.gql(Some(&app.preparer()), RECHECK, good.clone()).await),
        "FORBIDDEN"
    );
    let head = app.token_for("h-1", "部门负责人", &["DEPARTMENT_HEAD"], &["YX-KGJ"]);
    assert_eq!(
        code(&app.gql(Some(&head), RECHECK, good.clone()).await),
        "FORBIDDEN"
    );
    let elsewhere = app.token(&["FINANCE_REVIEWER"], &["YX-CZJ"]);
    assert_eq!(
        code(&app.gql(Some(&elsewhere), RECHECK, good.clone()).await),
        "NOT_FOUND"
    );

    // Bad rows: each refused with its code and path, writing nothing.
    let other = app.create_report(2020, "别的单位", None).await;
    let other_ind = app
        .gql(
            Some(&app.preparer()),
            "query($id: ID!) { report(id: $id) { indicators { id } } }",
            json!({ "id": other }),
        )
        .await["data"]["report"]["indicators"][0]["id"]
        .clone();
    let cases = [
        (
            json!({ "rows": [{ "indicatorId": other_ind, "score": "1" }] }),
            "NOT_FOUND",
            json!(["rows", "0", "indicatorId"]),
        ),
        (
            json!({ "rows": [{ "indicatorId": ind[0], "score": "1" }, { "indicatorId": ind[0], "score": "2" }] }),
            "DUPLICATE",
            json!(["rows", "1", "indicatorId"]),
        ),
        (
            json!({ "rows": [{ "indicatorId": ind[0], "score": "15.01" }] }),
            "OUT_OF_RANGE",
            json!(["rows", "0", "score"]),
        ),
        (
            json!({ "rows": [{ "indicatorId": ind[0], "score": "-1" }] }),
            "OUT_OF_RANGE",
            json!(["rows", "0", "score"]),
        ),
        (
            json!({ "rows": [{ "indicatorId": ind[0], "score": "1.005" }] }),
            "INVALID_DECIMAL",
            json!(["rows", "0", "score"]),
        ),
        (
            json!({ "total": "100.5" }),
            "OUT_OF_RANGE",
            json!(["total"]),
        ),
        (json!({}), "REQUIRED", json!(["total"])),
    ];
    for (extra, expected, field) in cases {
        let mut i = json!({ "reportId": id });
        for (k, v) in extra.as_object().expect("object") {
            i[k] = v.clone();
        }
        let r = app.gql(Some(&finance), RECHECK, json!({ "i": i })).await;
        assert_eq!(code(&r), expected, "{extra}: {r}");
        assert_eq!(
            r["data"]["recordRecheck"]["userErrors"][0]["field"], field,
            "{r}"
        );
        assert!(
            r["data"]["recordRecheck"]["userErrors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_ascii()),
            "a message in Chinese: {r}"
        );
    }
    let bad_id = app
        .gql(Some(&finance), RECHECK, json!({ "i": { "reportId": id, "rows": [{ "indicatorId": "bm90LWFuLWlk", "score": "1" }] } }))
        .await;
    assert!(
        bad_id["errors"][0]["extensions"]["code"].is_string(),
        "{bad_id}"
    );
    assert_eq!(state(&app, &id).await, approved, "refusals write nothing");

    // Recorded: beside the declared and computed scores, rows in the report's order, the
    // content digest and every signature as they were.
    let r = app.gql(Some(&finance), RECHECK, good.clone()).await;
    assert_eq!(r["data"]["recordRecheck"]["userErrors"], json!([]), "{r}");
    let after = state(&app, &id).await;
    assert_eq!(
        after["version"],
        approved["version"].as_i64().expect("v") + 1
    );
    assert_eq!(after["contentDigest"], approved["contentDigest"]);
    assert_eq!(after["signatures"], approved["signatures"]);
    let recheck = &after["recheck"];
    assert_eq!(recheck["total"], "93.50", "{recheck}");
    assert_eq!(recheck["reviewerSubject"], "f-1");
    assert_eq!(recheck["reviewerName"], "财政股室负责人");
    assert_eq!(
        recheck["rows"],
        json!([
            { "score": "14.50", "declaredScore": after["indicators"][0]["declaredScore"], "indicator": { "id": ind[0] } },
            { "score": "9.00", "declaredScore": after["indicators"][2]["declaredScore"], "indicator": { "id": ind[2] } },
        ])
    );
    let a = &after["assessment"];
    assert_eq!(a["recheckScore"], "93.50");
    assert_eq!(a["declaredScore"], after["declaredScore"]);
    assert!(a["computedScore"].is_string(), "{a}");
    let rows = a["indicators"].as_array().expect("rows");
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| r["indicator"]["id"] == id)
            .expect("row")
    };
    assert_eq!(by_id(&ind[0])["recheckScore"], "14.50");
    assert_eq!(by_id(&ind[2])["recheckScore"], "9.00");
    assert_eq!(by_id(&ind[1])["recheckScore"], Value::Null);
    let history = after["history"]["nodes"].as_array().expect("history");
    assert!(
        history
            .iter()
            .any(|e| e["operation"] == "RECHECK" && e["actor"] == "f-1"),
        "{history:?}"
    );

    // A second record replaces the first whole.
    let r = app
        .gql(
            Some(&finance),
            RECHECK,
            json!({ "i": { "reportId": id, "total": "90" } }),
        )
        .await;
    assert_eq!(r["data"]["recordRecheck"]["userErrors"], json!([]), "{r}");
    let replaced = state(&app, &id).await;
    assert_eq!(replaced["recheck"]["total"], "90.00");
    assert_eq!(replaced["recheck"]["rows"], json!([]));

    // Stale version refused; after the review it is fixed.
    let stale = app
        .gql(Some(&finance), RECHECK, json!({ "i": { "reportId": id, "total": "91", "expectedVersion": approved["version"] } }))
        .await;
    assert_eq!(code(&stale), "STALE_VERSION");
    let review = "mutation($i: OpinionTransitionInput!) { reviewReport(input: $i) { report { status } userErrors { code message } } }";
    let rv = app
        .gql(
            Some(&finance),
            review,
            json!({ "i": { "reportId": id, "opinion": "复核通过" } }),
        )
        .await;
    assert_eq!(
        rv["data"]["reviewReport"]["report"]["status"], "FINANCE_REVIEWED",
        "{rv}"
    );
    assert_eq!(
        code(&app.gql(Some(&finance), RECHECK, good).await),
        "INVALID_STATE"
    );
    assert_eq!(state(&app, &id).await["recheck"]["total"], "90.00");
}
