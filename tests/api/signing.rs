//! Signatures and the opinions given with them (issue #11, items 7 and 8), over HTTP.
//!
//! - An opinion given with a signature (the group leader's with their signature, the
//!   department's on approval, the finance bureau's on review) is its signer's: nobody else
//!   changes or removes it, through any write path; a change by the signer, or one made in the
//!   database behind the service's back, shows the signature invalid, with the reason.
//! - Evaluators sign only as the evaluator whose `subject` is their token's `sub`: never by name,
//!   and nobody signs for an evaluator without a subject until the preparer sets one.

use crate::support::{TestApp, UPSERT, fixture};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const SIGN: &str = "mutation($i: SignReportInput!) { signReport(input: $i) { signature { ordinal role scheme valid bindingDigest opinion { kind text person } } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { result report { version } userErrors { field code message } } }";
const IMPORT: &str = "mutation($i: ImportReportsInput!) { importReports(input: $i) { results { result userErrors { field code message } } } }";
const SUBMIT: &str = "mutation($i: TransitionInput!) { submitReport(input: $i) { report { status } userErrors { code message } } }";
const APPROVE: &str = "mutation($i: OpinionTransitionInput!) { approveReport(input: $i) { report { status } userErrors { code message } } }";
const REVIEW: &str = "mutation($i: OpinionTransitionInput!) { reviewReport(input: $i) { report { status } userErrors { code message } } }";
const RETURN: &str = "mutation($i: ReturnReportInput!) { returnReport(input: $i) { report { status } userErrors { code message } } }";
const VERIFY: &str = "query($id: ID!) { verifyReport(id: $id) { intact allSignaturesValid signatures { ordinal role signerSubject scheme valid invalidReason invalidMessage bindingDigest opinion { kind text person date } } } }";
const STATE: &str = "query($id: ID!) { report(id: $id) { status version opinions { kind text person date } signatures { ordinal role valid invalidReason } evaluators { name subject } } }";

const EXTERNAL_ID: &str = "yunxi-2019-kgj-department-overall";
const DISSENT: &str = "不同意：产出指标中两项未达到市定目标，自评得分偏高";

/// The evaluators of the reference report and the subjects their tokens carry.
const EVALUATORS: [(&str, &str); 4] = [
    ("e-yao", "姚骄阳"),
    ("e-chen", "陈石许"),
    ("e-lin", "林立雄"),
    ("e-kang", "康雄"),
];

/// The reference document, ready to be submitted: 姚骄阳 is the group leader, the income table
/// adds up, and the evaluators have the subjects in `subjects` (by position).
fn document(subjects: &[Option<&str>]) -> Value {
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    for (i, subject) in subjects.iter().enumerate() {
        input["document"]["evaluators"][i]["subject"] = json!(subject);
    }
    input["document"]["finance"]["units"][0]["income"]["publicFinance"] = json!("604.54");
    input
}

fn all_subjects() -> Vec<Option<&'static str>> {
    EVALUATORS.iter().map(|(sub, _)| Some(*sub)).collect()
}

/// Creates the report; returns its id and digest.
async fn create(app: &TestApp, subjects: &[Option<&str>]) -> (String, String) {
    let r = app
        .gql(
            Some(&app.preparer()),
            UPSERT,
            json!({ "input": document(subjects) }),
        )
        .await;
    assert_eq!(r["data"]["upsertReport"]["userErrors"], json!([]), "{r}");
    let report = &r["data"]["upsertReport"]["report"];
    (
        report["id"].as_str().expect("id").to_owned(),
        report["contentDigest"].as_str().expect("digest").to_owned(),
    )
}

fn evaluator(app: &TestApp, (sub, name): (&str, &str)) -> String {
    app.token_for(sub, name, &["EVALUATOR"], &["YX-KGJ"])
}

async fn sign(app: &TestApp, token: &str, id: &str, role: &str, opinion: Option<&str>) -> Value {
    app.gql(
        Some(token),
        SIGN,
        json!({ "i": { "reportId": id, "role": role, "opinion": opinion } }),
    )
    .await["data"]["signReport"]
        .clone()
}

async fn state(app: &TestApp, id: &str) -> Value {
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    app.gql(Some(&auditor), STATE, json!({ "id": id })).await["data"]["report"].clone()
}

async fn verify(app: &TestApp, id: &str) -> Value {
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let v = app.gql(Some(&auditor), VERIFY, json!({ "id": id })).await;
    assert!(v["errors"].is_null(), "{v}");
    v["data"]["verifyReport"].clone()
}

fn first_code(payload: &Value) -> Value {
    payload["userErrors"][0]["code"].clone()
}

/// Changes the database behind the service's back, as someone with SQL access would, and bumps
/// the data version as the README asks of such edits (so no cached answer hides it).
async fn tamper(app: &TestApp, sql: &str) {
    app.db.conn.execute_unprepared(sql).await.expect("tamper");
    app.db
        .conn
        .execute_unprepared("UPDATE data_version SET version = version + 1")
        .await
        .expect("bump");
}

#[tokio::test]
async fn nobody_but_the_signer_changes_an_opinion_given_with_a_signature() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let (id, digest) = create(&app, &all_subjects()).await;

    // The group leader signs with a dissenting opinion.
    let leader = evaluator(&app, EVALUATORS[0]);
    let s = app
        .gql(
            Some(&leader),
            SIGN,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "expectedDigest": digest, "opinion": DISSENT } }),
        )
        .await["data"]["signReport"]
        .clone();
    assert_eq!(s["userErrors"], json!([]), "{s}");
    assert_eq!(s["signature"]["scheme"], 2);
    assert_eq!(
        s["signature"]["opinion"],
        json!({ "kind": "GROUP_LEADER", "text": DISSENT, "person": "姚骄阳" })
    );
    assert_eq!(
        s["signature"]["bindingDigest"].as_str().map(str::len),
        Some(64)
    );
    let before = state(&app, &id).await;

    // The attack of issue #11 item 7: the preparer replaces the dissent with 同意.
    let consent = json!([{ "kind": "GROUP_LEADER", "text": "同意", "person": "姚骄阳" }]);
    let r = app
        .gql(
            Some(&preparer),
            UPDATE,
            json!({ "i": { "id": id, "opinions": consent } }),
        )
        .await["data"]["updateReport"]
        .clone();
    assert_eq!(first_code(&r), "OPINION_SIGNED", "{r}");
    assert!(
        r["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("姚骄阳") && m.contains("评价组组长意见")),
        "{r}"
    );
    // ... or removes it, or writes it through the other paths that replace opinions.
    let r = app
        .gql(
            Some(&preparer),
            UPDATE,
            json!({ "i": { "id": id, "opinions": [] } }),
        )
        .await;
    assert_eq!(
        first_code(&r["data"]["updateReport"]),
        "OPINION_SIGNED",
        "{r}"
    );
    let mut upsert = document(&all_subjects());
    upsert["document"]["opinions"] = consent.clone();
    let r = app
        .gql(Some(&preparer), UPSERT, json!({ "input": upsert }))
        .await;
    assert_eq!(
        first_code(&r["data"]["upsertReport"]),
        "OPINION_SIGNED",
        "{r}"
    );
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&sync),
            IMPORT,
            json!({ "i": { "documents": [{ "externalId": EXTERNAL_ID, "document": upsert["document"] }] } }),
        )
        .await;
    assert_eq!(
        first_code(&r["data"]["importReports"]["results"][0]),
        "OPINION_SIGNED",
        "{r}"
    );
    // Not even an administrator.
    let admin = app.token(&["ADMIN"], &["*"]);
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "i": { "id": id, "opinions": consent } }),
        )
        .await;
    assert_eq!(
        first_code(&r["data"]["updateReport"]),
        "OPINION_SIGNED",
        "{r}"
    );

    // Nothing was written: the dissent stands and the leader's signature holds.
    assert_eq!(state(&app, &id).await, before);
    assert_eq!(before["opinions"][0]["text"], DISSENT);
    let v = verify(&app, &id).await;
    assert_eq!(v["intact"], true, "{v}");
    assert_eq!(v["allSignaturesValid"], true, "{v}");
    assert_eq!(v["signatures"][0]["opinion"]["text"], DISSENT);
    assert_eq!(v["signatures"][0]["invalidReason"], Value::Null);

    // The report goes on with the dissent; the department's and the finance bureau's opinions
    // are signed with the approval and the review.
    let i = json!({ "i": { "reportId": id } });
    let r = app.gql(Some(&preparer), SUBMIT, i.clone()).await;
    assert_eq!(
        r["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{r}"
    );
    let head = app.token_for("h-1", "部门负责人", &["DEPARTMENT_HEAD"], &["YX-KGJ"]);
    let r = sign(&app, &head, &id, "DEPARTMENT_HEAD", None).await;
    assert_eq!(r["userErrors"], json!([]), "{r}");
    let r = app
        .gql(
            Some(&head),
            APPROVE,
            json!({ "i": { "reportId": id, "opinion": "同意上报。" } }),
        )
        .await;
    assert_eq!(
        r["data"]["approveReport"]["report"]["status"], "DEPARTMENT_APPROVED",
        "{r}"
    );
    let finance = app.token_for("f-1", "财政股室负责人", &["FINANCE_REVIEWER"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&finance),
            REVIEW,
            json!({ "i": { "reportId": id, "opinion": "经复核，同意。", "person": "李四" } }),
        )
        .await;
    assert_eq!(
        r["data"]["reviewReport"]["report"]["status"], "FINANCE_REVIEWED",
        "{r}"
    );
    let v = verify(&app, &id).await;
    let signed: Vec<(Value, Value, Value)> = v["signatures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["role"].clone(),
                s["opinion"]["text"].clone(),
                s["valid"].clone(),
            )
        })
        .collect();
    assert_eq!(
        signed,
        vec![
            (json!("GROUP_LEADER"), json!(DISSENT), json!(true)),
            (json!("DEPARTMENT_HEAD"), Value::Null, json!(true)),
            (json!("DEPARTMENT_HEAD"), json!("同意上报。"), json!(true)),
            (
                json!("FINANCE_REVIEWER"),
                json!("经复核，同意。"),
                json!(true)
            ),
        ],
        "{v}"
    );

    // Returned, the content is editable again, but not the opinions others signed.
    let r = app
        .gql(
            Some(&finance),
            RETURN,
            json!({ "i": { "reportId": id, "reason": "请补充说明" } }),
        )
        .await;
    assert_eq!(
        r["data"]["returnReport"]["report"]["status"], "RETURNED",
        "{r}"
    );
    let returned = state(&app, &id).await;
    let opinions = returned["opinions"].clone();
    for (kind, label) in [
        ("GROUP_LEADER", "评价组组长意见"),
        ("DEPARTMENT", "部门（单位）意见"),
        ("FINANCE", "财政部门归口业务股室意见"),
    ] {
        let mut changed = opinions.clone();
        for o in changed.as_array_mut().into_iter().flatten() {
            if o["kind"] == kind {
                o["text"] = json!("同意");
            }
        }
        let removed: Vec<&Value> = opinions
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["kind"] != kind)
            .collect();
        for attempt in [changed, json!(removed)] {
            let r = app
                .gql(
                    Some(&preparer),
                    UPDATE,
                    json!({ "i": { "id": id, "opinions": attempt } }),
                )
                .await["data"]["updateReport"]
                .clone();
            assert_eq!(first_code(&r), "OPINION_SIGNED", "{kind}: {r}");
            assert!(
                r["userErrors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(label)),
                "{r}"
            );
        }
    }
    assert_eq!(state(&app, &id).await, returned);
    // Sending the opinions back as read changes none of them: the content edit goes through.
    let r = app
        .gql(
            Some(&preparer),
            UPDATE,
            json!({ "i": { "id": id, "title": "2019年度部门整体支出绩效自评报告（修订）", "opinions": opinions } }),
        )
        .await["data"]["updateReport"]
        .clone();
    assert_eq!(r["userErrors"], json!([]), "{r}");
    assert_eq!(r["result"], "UPDATED");
    assert_eq!(state(&app, &id).await["opinions"], opinions);
}

#[tokio::test]
async fn a_signer_who_changes_their_own_opinion_must_sign_again() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let (id, _) = create(&app, &all_subjects()).await;
    // The group leader also prepares reports of the department, so may edit the document.
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR", "PREPARER"], &["YX-KGJ"]);
    let s = sign(&app, &leader, &id, "GROUP_LEADER", Some(DISSENT)).await;
    assert_eq!(s["userErrors"], json!([]), "{s}");

    // The signer changes their own opinion: allowed, and their signature no longer holds.
    let r = app
        .gql(
            Some(&leader),
            UPDATE,
            json!({ "i": { "id": id, "opinions": [{ "kind": "GROUP_LEADER", "text": "同意", "person": "姚骄阳" }] } }),
        )
        .await["data"]["updateReport"]
        .clone();
    assert_eq!(r["userErrors"], json!([]), "{r}");
    assert_eq!(r["result"], "UPDATED");
    let v = verify(&app, &id).await;
    assert_eq!(v["intact"], true, "the content did not change: {v}");
    assert_eq!(v["allSignaturesValid"], false);
    let sig = &v["signatures"][0];
    assert_eq!(sig["valid"], false, "{v}");
    assert_eq!(sig["invalidReason"], "OPINION_CHANGED");
    assert!(
        sig["invalidMessage"]
            .as_str()
            .is_some_and(|m| m.contains(DISSENT)),
        "{v}"
    );
    assert_eq!(
        state(&app, &id).await["signatures"][0]["invalidReason"],
        "OPINION_CHANGED"
    );

    // Submission needs a group leader's signature that holds: a fresh one.
    let i = json!({ "i": { "reportId": id } });
    let r = app.gql(Some(&preparer), SUBMIT, i.clone()).await;
    assert_eq!(
        first_code(&r["data"]["submitReport"]),
        "SIGNATURE_REQUIRED",
        "{r}"
    );
    let s = sign(&app, &leader, &id, "GROUP_LEADER", Some("基本同意")).await;
    assert_eq!(s["signature"]["valid"], true, "{s}");
    let v = verify(&app, &id).await;
    let verdicts: Vec<(Value, Value)> = v["signatures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| (s["valid"].clone(), s["invalidReason"].clone()))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            (json!(false), json!("OPINION_CHANGED")),
            (json!(true), Value::Null)
        ]
    );
    let r = app.gql(Some(&preparer), SUBMIT, i).await;
    assert_eq!(
        r["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{r}"
    );
    assert_eq!(state(&app, &id).await["opinions"][0]["text"], "基本同意");
}

#[tokio::test]
async fn opinion_tampering_in_the_database_shows_in_verify_report() {
    let app = TestApp::spawn().await;
    let (id, _) = create(&app, &all_subjects()).await;
    let leader = evaluator(&app, EVALUATORS[0]);
    let s = sign(&app, &leader, &id, "GROUP_LEADER", Some(DISSENT)).await;
    assert_eq!(s["userErrors"], json!([]), "{s}");
    assert_eq!(verify(&app, &id).await["allSignaturesValid"], true);

    // The opinion row is rewritten in SQL.
    tamper(
        &app,
        "UPDATE opinion SET text = '同意' WHERE kind = 'GROUP_LEADER'",
    )
    .await;
    let v = verify(&app, &id).await;
    assert_eq!(v["intact"], true, "opinions are not content: {v}");
    assert_eq!(v["allSignaturesValid"], false, "{v}");
    assert_eq!(v["signatures"][0]["valid"], false);
    assert_eq!(v["signatures"][0]["invalidReason"], "OPINION_CHANGED");
    assert_eq!(
        v["signatures"][0]["opinion"]["text"], DISSENT,
        "what was signed"
    );
    assert_eq!(state(&app, &id).await["signatures"][0]["valid"], false);
    let preparer = app.preparer();
    let r = app
        .gql(Some(&preparer), SUBMIT, json!({ "i": { "reportId": id } }))
        .await;
    assert_eq!(
        first_code(&r["data"]["submitReport"]),
        "SIGNATURE_REQUIRED",
        "{r}"
    );

    // Put back, the signature holds again; the opinion row deleted, it does not.
    tamper(
        &app,
        &format!("UPDATE opinion SET text = '{DISSENT}' WHERE kind = 'GROUP_LEADER'"),
    )
    .await;
    assert_eq!(verify(&app, &id).await["allSignaturesValid"], true);
    tamper(&app, "DELETE FROM opinion").await;
    let v = verify(&app, &id).await;
    assert_eq!(
        v["signatures"][0]["invalidReason"], "OPINION_REMOVED",
        "{v}"
    );

    // The opinion and the signature's own record are both rewritten to agree: the signature's
    // binding digest gives it away.
    tamper(
        &app,
        "INSERT INTO opinion (id, report_id, ordinal, kind, text, person, date) \
         SELECT id, report_id, 1, 'GROUP_LEADER', '同意', opinion_person, opinion_date FROM signature",
    )
    .await;
    tamper(&app, "UPDATE signature SET opinion_text = '同意'").await;
    let v = verify(&app, &id).await;
    assert_eq!(v["signatures"][0]["valid"], false, "{v}");
    assert_eq!(v["signatures"][0]["invalidReason"], "RECORD_ALTERED");
}

#[tokio::test]
async fn signatures_made_before_schemes_are_checked_under_scheme_1() {
    let app = TestApp::spawn().await;
    let (id, _) = create(&app, &all_subjects()).await;
    // A signature row as an earlier release wrote it (without the scheme columns): the
    // migration's defaults make it scheme 1, which binds the content digest alone.
    tamper(
        &app,
        "INSERT INTO signature (id, report_id, ordinal, signer_subject, signer_name, role, signed_at, content_digest) \
         SELECT id, id, 1, 'e-yao', '姚骄阳', 'GROUP_LEADER', updated_at, content_digest FROM report",
    )
    .await;
    let v = verify(&app, &id).await;
    let sig = &v["signatures"][0];
    assert_eq!(sig["scheme"], 1, "{v}");
    assert_eq!(sig["valid"], true, "{v}");
    assert_eq!(sig["bindingDigest"], Value::Null);
    assert_eq!(sig["opinion"], Value::Null);
    // It still counts as the group leader's signature.
    let r = app
        .gql(
            Some(&app.preparer()),
            SUBMIT,
            json!({ "i": { "reportId": id } }),
        )
        .await;
    assert_eq!(
        r["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{r}"
    );
}

#[tokio::test]
async fn evaluators_sign_by_subject_never_by_name() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let (id, _) = create(&app, &[]).await;
    let leader = evaluator(&app, EVALUATORS[0]);
    let impostor = evaluator(&app, ("x-impostor", "姚骄阳"));
    let member = evaluator(&app, EVALUATORS[1]);

    // No evaluator has a subject: nobody signs for them, the real leader included.
    for (token, role) in [
        (&leader, "GROUP_LEADER"),
        (&impostor, "GROUP_LEADER"),
        (&member, "MEMBER"),
    ] {
        let r = sign(&app, token, &id, role, Some(DISSENT)).await;
        assert_eq!(first_code(&r), "EVALUATOR_SUBJECT_MISSING", "{r}");
        assert!(
            r["userErrors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("填报人") && m.contains("用户标识")),
            "{r}"
        );
    }
    assert_eq!(state(&app, &id).await["signatures"], json!([]));

    // The preparer sets the leader's and one member's subjects.
    let mut evaluators = fixture()["document"]["evaluators"].clone();
    evaluators[0]["role"] = json!("GROUP_LEADER");
    evaluators[0]["subject"] = json!("e-yao");
    evaluators[1]["subject"] = json!("e-chen");
    let r = app
        .gql(
            Some(&preparer),
            UPDATE,
            json!({ "i": { "id": id, "evaluators": evaluators } }),
        )
        .await;
    assert_eq!(r["data"]["updateReport"]["userErrors"], json!([]), "{r}");
    let subjects: Vec<Value> = state(&app, &id).await["evaluators"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["subject"].clone())
        .collect();
    assert_eq!(
        subjects,
        vec![json!("e-yao"), json!("e-chen"), Value::Null, Value::Null]
    );

    // The attack of issue #11 item 8: same name as the leader, another subject.
    let r = sign(&app, &impostor, &id, "GROUP_LEADER", Some("同意")).await;
    assert_eq!(first_code(&r), "NOT_AN_EVALUATOR", "{r}");
    // A listed member is not the leader; a member still without a subject cannot sign yet.
    let r = sign(&app, &member, &id, "GROUP_LEADER", None).await;
    assert_eq!(first_code(&r), "NOT_AN_EVALUATOR", "{r}");
    let r = sign(&app, &evaluator(&app, EVALUATORS[2]), &id, "MEMBER", None).await;
    assert_eq!(first_code(&r), "EVALUATOR_SUBJECT_MISSING", "{r}");
    assert!(
        r["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("林立雄")),
        "{r}"
    );
    assert_eq!(state(&app, &id).await["signatures"], json!([]));
    let i = json!({ "i": { "reportId": id } });
    let r = app.gql(Some(&preparer), SUBMIT, i.clone()).await;
    assert_eq!(
        first_code(&r["data"]["submitReport"]),
        "SIGNATURE_REQUIRED",
        "{r}"
    );

    // Now the holders of the subjects sign, and the report can be submitted.
    let r = sign(&app, &member, &id, "MEMBER", None).await;
    assert_eq!(r["userErrors"], json!([]), "{r}");
    let r = sign(&app, &leader, &id, "GROUP_LEADER", Some("同意")).await;
    assert_eq!(r["userErrors"], json!([]), "{r}");
    let r = app.gql(Some(&preparer), SUBMIT, i).await;
    assert_eq!(
        r["data"]["submitReport"]["report"]["status"], "SUBMITTED",
        "{r}"
    );
}
