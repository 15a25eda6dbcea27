//! The life of the reference report through the workflow, over HTTP with real JWTs.

use crate::support::{TestApp, UPSERT, fixture};
use serde_json::{Value, json};

const SIGN: &str = "mutation($i: SignReportInput!) { signReport(input: $i) { signature { role signerName valid contentDigest } report { version contentDigest } userErrors { field code message } } }";
const SUBMIT: &str = "mutation($i: TransitionInput!) { submitReport(input: $i) { report { status version } userErrors { code message } } }";
const APPROVE: &str = "mutation($i: OpinionTransitionInput!) { approveReport(input: $i) { report { status } userErrors { code message } } }";
const RETURN: &str = "mutation($i: ReturnReportInput!) { returnReport(input: $i) { report { status } userErrors { code message } } }";
const REVIEW: &str = "mutation($i: OpinionTransitionInput!) { reviewReport(input: $i) { report { status } userErrors { code message } } }";
const PUBLISH: &str = "mutation($i: TransitionInput!) { publishReport(input: $i) { report { status } userErrors { code message } } }";
const STATE: &str = "query($id: ID!) { report(id: $id) { status version contentDigest signatures { role signerName valid } opinions { kind text person date } comments { totalCount nodes { body author { role } } } history(first: 100) { nodes { sequence entityType operation version actor } } } }";

const EVALUATORS: [(&str, &str); 4] = [
    ("e-yao", "姚骄阳"),
    ("e-chen", "陈石许"),
    ("e-lin", "林立雄"),
    ("e-kang", "康雄"),
];

fn code(body: &Value, mutation: &str) -> Value {
    if let Some(c) = body["errors"][0]["extensions"]["code"].as_str() {
        return json!(c);
    }
    body["data"][mutation]["userErrors"][0]["code"].clone()
}

async fn state(app: &TestApp, id: &str) -> Value {
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    app.gql(Some(&auditor), STATE, json!({ "id": id })).await["data"]["report"].clone()
}

async fn sign_all(app: &TestApp, id: &str, digest: &Value) {
    for (sub, name) in EVALUATORS {
        let token = app.token_for(sub, name, &["EVALUATOR"], &["YX-KGJ"]);
        let r = app
            .gql(
                Some(&token),
                SIGN,
                json!({ "i": { "reportId": id, "role": "MEMBER", "expectedDigest": digest } }),
            )
            .await;
        assert_eq!(
            r["data"]["signReport"]["userErrors"],
            json!([]),
            "{name}: {r}"
        );
        assert_eq!(r["data"]["signReport"]["signature"]["valid"], true);
    }
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let r = app
        .gql(Some(&leader), SIGN, json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "expectedDigest": digest, "opinion": "同意自评结果" } }))
        .await;
    assert_eq!(
        r["data"]["signReport"]["userErrors"],
        json!([]),
        "leader: {r}"
    );
}

#[tokio::test]
async fn the_reference_report_goes_round_the_whole_workflow() {
    let app = TestApp::spawn().await;
    let preparer = app.token_for("u-1024", "葛咏芳", &["PREPARER"], &["YX-KGJ"]);
    let head = app.token_for("h-1", "部门负责人", &["DEPARTMENT_HEAD"], &["YX-KGJ"]);
    let finance = app.token_for("f-1", "财政股室负责人", &["FINANCE_REVIEWER"], &["YX-KGJ"]);

    // Prepared: the reference document, with 姚骄阳 designated group leader and each evaluator's
    // identity-provider subject set (the paper form has none; only the holder of an evaluator's
    // subject signs for them).
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    for (i, (sub, _)) in EVALUATORS.iter().enumerate() {
        input["document"]["evaluators"][i]["subject"] = json!(sub);
    }
    let created = app
        .gql(Some(&preparer), UPSERT, json!({ "input": input }))
        .await;
    let id = created["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let digest = created["data"]["upsertReport"]["report"]["contentDigest"].clone();

    // Refused steps, each with its code, writing nothing.
    let i = json!({ "i": { "reportId": id } });
    assert_eq!(
        code(
            &app.gql(Some(&preparer), SUBMIT, i.clone()).await,
            "submitReport"
        ),
        "SIGNATURE_REQUIRED"
    );
    assert_eq!(
        code(
            &app.gql(Some(&finance), PUBLISH, i.clone()).await,
            "publishReport"
        ),
        "INVALID_STATE"
    );
    assert_eq!(
        code(
            &app.gql(Some(&head), SUBMIT, i.clone()).await,
            "submitReport"
        ),
        "FORBIDDEN"
    );
    let stranger = app.token_for("e-x", "王五", &["EVALUATOR"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&stranger),
            SIGN,
            json!({ "i": { "reportId": id, "role": "MEMBER" } }),
        )
        .await;
    assert_eq!(code(&r, "signReport"), "NOT_AN_EVALUATOR");
    let member = app.token_for("e-chen", "陈石许", &["EVALUATOR"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&member),
            SIGN,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER" } }),
        )
        .await;
    assert_eq!(code(&r, "signReport"), "NOT_AN_EVALUATOR");
    let r = app
        .gql(
            Some(&member),
            SIGN,
            json!({ "i": { "reportId": id, "role": "MEMBER", "expectedDigest": "0".repeat(64) } }),
        )
        .await;
    assert_eq!(code(&r, "signReport"), "DIGEST_MISMATCH");
    let r = app
        .gql(
            Some(&preparer),
            SIGN,
            json!({ "i": { "reportId": id, "role": "MEMBER" } }),
        )
        .await;
    assert_eq!(code(&r, "signReport"), "FORBIDDEN");
    assert_eq!(state(&app, &id).await["signatures"], json!([]));

    // Signed by the four evaluators and the group leader; submission is refused while the
    // tables do not add up, so the preparer corrects them and the group signs again.
    sign_all(&app, &id, &digest).await;
    let refused = app.gql(Some(&preparer), SUBMIT, i.clone()).await;
    assert_eq!(
        code(&refused, "submitReport"),
        "VALIDATION_FAILED",
        "{refused}"
    );
    let mut tables = fixture()["document"]["finance"].clone();
    // 收入合计 agrees with 当年结余 (680.54 − 631.44 = 49.10), so a part is wrong.
    tables["units"][0]["income"]["publicFinance"] = json!("604.54");
    let set = "mutation($i: SetFinanceTablesInput!) { setFinanceTables(input: $i) { report { contentDigest } userErrors { code } } }";
    let fixed = app
        .gql(
            Some(&preparer),
            set,
            json!({ "i": { "reportId": id, "finance": tables } }),
        )
        .await;
    let digest = fixed["data"]["setFinanceTables"]["report"]["contentDigest"].clone();
    sign_all(&app, &id, &digest).await;
    let s = app.gql(Some(&preparer), SUBMIT, i.clone()).await;
    assert_eq!(
        s["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{s}"
    );
    let edit = app.gql(Some(&preparer), UPSERT, json!({ "input": { "externalId": "yunxi-2019-kgj-department-overall", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2019, "unitName": "改" } } })).await;
    assert_eq!(code(&edit, "upsertReport"), "INVALID_STATE");

    // Returned by the finance reviewer with a comment.
    let r = app
        .gql(
            Some(&finance),
            RETURN,
            json!({ "i": { "reportId": id, "reason": "  " } }),
        )
        .await;
    assert_eq!(code(&r, "returnReport"), "REQUIRED");
    let r = app
        .gql(
            Some(&finance),
            RETURN,
            json!({ "i": { "reportId": id, "reason": "收入合计与分项之和不符，请核对" } }),
        )
        .await;
    assert_eq!(
        r["data"]["returnReport"]["report"]["status"], "RETURNED",
        "{r}"
    );
    let st = state(&app, &id).await;
    assert_eq!(
        st["comments"]["nodes"][0]["body"],
        "收入合计与分项之和不符，请核对"
    );
    assert_eq!(
        st["comments"]["nodes"][0]["author"]["role"],
        "FINANCE_REVIEWER"
    );

    // Edited: the earlier signatures no longer hold.
    let update = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { report { contentDigest } userErrors { code } } }";
    let e = app
        .gql(
            Some(&preparer),
            update,
            json!({ "i": { "id": id, "profile": { "actualHeadcount": 21 } } }),
        )
        .await;
    let new_digest = e["data"]["updateReport"]["report"]["contentDigest"].clone();
    assert_ne!(new_digest, digest);
    let st = state(&app, &id).await;
    assert!(
        st["signatures"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| s["valid"] == false),
        "{st}"
    );
    let verify = "query($id: ID!) { verifyReport(id: $id) { intact contentDigest recomputedDigest allSignaturesValid signatures { valid } } }";
    let v = app.gql(Some(&preparer), verify, json!({ "id": id })).await;
    assert_eq!(v["data"]["verifyReport"]["intact"], true, "{v}");
    assert_eq!(v["data"]["verifyReport"]["allSignaturesValid"], false);
    assert_eq!(
        code(
            &app.gql(Some(&preparer), SUBMIT, i.clone()).await,
            "submitReport"
        ),
        "SIGNATURE_REQUIRED"
    );

    // Re-signed and resubmitted; approved after the department head signs.
    sign_all(&app, &id, &new_digest).await;
    let s = app.gql(Some(&preparer), SUBMIT, i.clone()).await;
    assert_eq!(
        s["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{s}"
    );
    let approve = json!({ "i": { "reportId": id, "opinion": "同意。" } });
    assert_eq!(
        code(
            &app.gql(Some(&head), APPROVE, approve.clone()).await,
            "approveReport"
        ),
        "SIGNATURE_REQUIRED"
    );
    assert_eq!(
        code(
            &app.gql(Some(&preparer), APPROVE, approve.clone()).await,
            "approveReport"
        ),
        "FORBIDDEN"
    );
    let r = app.gql(Some(&head), SIGN, json!({ "i": { "reportId": id, "role": "DEPARTMENT_HEAD", "expectedDigest": new_digest } })).await;
    assert_eq!(r["data"]["signReport"]["userErrors"], json!([]), "{r}");
    let a = app.gql(Some(&head), APPROVE, approve).await;
    assert_eq!(
        a["data"]["approveReport"]["report"]["status"], "DEPARTMENT_APPROVED",
        "{a}"
    );

    // Reviewed and published by the finance bureau.
    assert_eq!(
        code(
            &app.gql(Some(&head), PUBLISH, i.clone()).await,
            "publishReport"
        ),
        "FORBIDDEN"
    );
    let rv = app
        .gql(
            Some(&finance),
            REVIEW,
            json!({ "i": { "reportId": id, "opinion": "经复核，同意。", "person": "李四" } }),
        )
        .await;
    assert_eq!(
        rv["data"]["reviewReport"]["report"]["status"], "FINANCE_REVIEWED",
        "{rv}"
    );
    let p = app.gql(Some(&finance), PUBLISH, i.clone()).await;
    assert_eq!(
        p["data"]["publishReport"]["report"]["status"], "PUBLISHED",
        "{p}"
    );

    let st = state(&app, &id).await;
    let opinions: Vec<_> = st["opinions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| (o["kind"].clone(), o["text"].clone(), o["person"].clone()))
        .collect();
    assert_eq!(
        opinions,
        vec![
            (
                json!("GROUP_LEADER"),
                json!("同意自评结果"),
                json!("姚骄阳")
            ),
            (json!("DEPARTMENT"), json!("同意。"), json!("部门负责人")),
            (json!("FINANCE"), json!("经复核，同意。"), json!("李四")),
        ]
    );
    // Approval and review sign the opinions they give (in the caller's capacity), so the head
    // signs twice (before approving, and the approval with its opinion) and the finance reviewer
    // once (the review with its opinion).
    let valid: Vec<(Value, Value)> = st["signatures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["valid"] == true)
        .map(|s| (s["role"].clone(), s["signerName"].clone()))
        .collect();
    assert_eq!(
        valid.len(),
        8,
        "5 evaluator signatures, the head's two and the reviewer's hold: {valid:?}"
    );
    assert_eq!(
        valid[5..],
        [
            (json!("DEPARTMENT_HEAD"), json!("部门负责人")),
            (json!("DEPARTMENT_HEAD"), json!("部门负责人")),
            (json!("FINANCE_REVIEWER"), json!("财政股室负责人")),
        ]
    );
    let ops: Vec<String> = st["history"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["operation"].as_str().unwrap_or("").to_owned())
        .collect();
    let expected: Vec<&str> = ["CREATE"]
        .into_iter()
        .chain(["SIGN"; 5])
        .chain(["UPDATE"])
        .chain(["SIGN"; 5])
        .chain(["SUBMIT", "RETURN", "UPDATE"])
        .chain(["SIGN"; 5])
        .chain(["SUBMIT", "SIGN", "APPROVE", "REVIEW", "PUBLISH"])
        .collect();
    assert_eq!(ops, expected);
    let seqs: Vec<i64> = st["history"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["sequence"].as_i64())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing: {seqs:?}"
    );
    let versions: Vec<i64> = st["history"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["version"].as_i64())
        .collect();
    assert_eq!(
        versions,
        (1..=versions.len() as i64).collect::<Vec<_>>(),
        "one version per change"
    );
    assert_eq!(st["history"]["nodes"][1]["entityType"], "Signature");
    assert_eq!(st["history"]["nodes"][1]["actor"], "e-yao");

    // Published: anyone may read it.
    let public = app
        .gql(
            None,
            "query($id: ID!) { report(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(public["data"]["report"]["status"], "PUBLISHED");
}

/// A draft may be saved without the cover's unit name (an illegible scan): it is stored, its
/// validation reports UNIT_NAME_MISSING as an error, and that blocks submission until filled.
#[tokio::test]
async fn an_incomplete_draft_is_stored_and_cannot_be_submitted() {
    let app = TestApp::spawn().await;
    let preparer = app.token_for("u-1024", "葛咏芳", &["PREPARER"], &["YX-KGJ"]);
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    for (i, (sub, _)) in EVALUATORS.iter().enumerate() {
        input["document"]["evaluators"][i]["subject"] = json!(sub);
    }
    input["document"]
        .as_object_mut()
        .expect("document")
        .remove("unitName");
    let created = app
        .gql(Some(&preparer), UPSERT, json!({ "input": input }))
        .await;
    let report = &created["data"]["upsertReport"];
    assert_eq!(report["userErrors"], json!([]), "stored: {created}");
    let id = report["report"]["id"].as_str().expect("id").to_owned();
    let digest = report["report"]["contentDigest"].clone();
    let validation = app
        .gql(
            Some(&preparer),
            "query($id: ID!) { report(id: $id) { unitName validation { errorCount findings { code severity path } } } }",
            json!({ "id": id }),
        )
        .await;
    let stored = &validation["data"]["report"];
    assert_eq!(stored["unitName"], "", "{validation}");
    let missing: Vec<&Value> = stored["validation"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "UNIT_NAME_MISSING")
        .collect();
    assert_eq!(
        missing,
        vec![&json!({ "code": "UNIT_NAME_MISSING", "severity": "ERROR", "path": "unitName" })],
        "{validation}"
    );
    sign_all(&app, &id, &digest).await;
    let refused = app
        .gql(Some(&preparer), SUBMIT, json!({ "i": { "reportId": id } }))
        .await;
    let errors = &refused["data"]["submitReport"]["userErrors"];
    assert_eq!(errors[0]["code"], "VALIDATION_FAILED", "{refused}");
    assert!(
        errors.as_array().into_iter().flatten().any(|e| e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("UNIT_NAME_MISSING")),
        "{refused}"
    );
    assert_eq!(state(&app, &id).await["status"], "DRAFT");
}
