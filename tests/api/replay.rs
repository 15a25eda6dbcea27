//! Replays of idempotency keys give the first answer, never the report as it is now (later
//! edits by others, a soft delete), and only to a caller who would pass a fresh call's checks
//! now: one who has lost the department gets the fresh call's refusal and nothing of the report.

use crate::support::TestApp;
use serde_json::{Value, json};

/// Everything a report answer can show: nested objects, computed fields, links inside it.
const REPORT: &str = "id externalId version status title unitName contentDigest updatedAt
  finance { units { name income { total publicFinance } } summary { income { total } } }
  indicators { id name target { text } actual { text } achievement computedScore assessmentExplanation report { id title version } }
  evaluators { name role } sections { key title body } opinions { kind text }
  signatures { role signerName valid contentDigest }
  assessment { profileCode computedScore computedGrade indicators { computedScore } }
  validation { errorCount warningCount findings { code path } }
  history { nodes { operation version entityType } }
  comments { totalCount nodes { body resolved report { title version } replies { body } } }
  iati { title indicators { title } } fiscalData { unit amount }";

fn create_query() -> String {
    format!(
        "mutation($i: CreateReportInput!) {{ createReport(input: $i) {{ result report {{ {REPORT} }} userErrors {{ code field message }} }} }}"
    )
}

fn upsert_query() -> String {
    format!(
        "mutation($i: UpsertReportInput!) {{ upsertReport(input: $i) {{ result report {{ {REPORT} }} userErrors {{ code field message }} }} }}"
    )
}

const SIGN: &str = "mutation($i: SignReportInput!) { signReport(input: $i) { signature { role signerName valid contentDigest } report { id version title contentDigest signatures { role valid } } userErrors { code message } } }";
const COMMENT: &str = "mutation($i: AddReviewCommentInput!) { addReviewComment(input: $i) { comment { id body resolved report { id title version } } userErrors { code message } } }";
const UPDATE: &str = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { report { version } userErrors { code message } } }";
const IMPORT: &str = "mutation($i: ImportReportsInput!) { importReports(input: $i) { created updated unchanged failed results { externalId result report { id title version } userErrors { code field message } } userErrors { code } } }";

fn document(unit: &str) -> Value {
    json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": unit, "title": "初稿标题",
        "declaredScore": "90",
        "indicators": [
            { "category": "OUTPUT", "subcategory": "QUANTITY", "name": "企业数", "target": { "text": "≥50个" }, "actual": { "text": "52个" } },
            { "category": "OUTCOME", "subcategory": "SOCIAL", "target": { "text": "效果明显" } }
        ],
        "evaluators": [{ "name": "姚骄阳", "position": "组长", "role": "GROUP_LEADER", "subject": "e-yao" }],
        "sections": [{ "key": "1", "title": "一、概况", "body": "初稿正文" }],
        "finance": { "units": [{ "name": "局机关", "income": { "total": "10.50", "publicFinance": "10.50" } }] }
    })
}

/// The raw UUID inside a global ID.
fn uuid_of(global: &Value) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global.as_str().expect("id"))
        .expect("base64");
    let text = String::from_utf8(bytes).expect("utf-8");
    text.split_once(':').expect("kind:uuid").1.to_owned()
}

/// Asserts that `body` is a refusal with `code` and shows nothing of the report.
fn refused_blind(body: &Value, field: &str, code: &str, secrets: &[&str]) {
    assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    assert_eq!(body["data"][field], Value::Null, "{body}");
    let text = body.to_string();
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} leaked in {body}");
    }
}

#[tokio::test]
async fn a_replay_after_others_edit_the_report_returns_the_first_answer() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let other = app.token_for("u-other", "另一填报人", &["PREPARER"], &["YX-KGJ"]);
    let create = create_query();
    let input = json!({ "i": { "idempotencyKey": "k-edit", "externalId": "replay-edit", "document": document("幂等局") } });
    let first = app.gql(Some(&preparer), &create, input.clone()).await;
    assert_eq!(
        first["data"]["createReport"]["result"], "CREATED",
        "{first}"
    );
    let report = first["data"]["createReport"]["report"].clone();
    let id = report["id"].clone();
    // Someone else edits the report, comments on it and retitles an indicator.
    let edited = app
        .gql(
            Some(&other),
            UPDATE,
            json!({ "i": { "id": id, "title": "他人改过的标题", "sections": [{ "key": "1", "title": "一、概况", "body": "他人改写" }] } }),
        )
        .await;
    assert_eq!(
        edited["data"]["updateReport"]["userErrors"],
        json!([]),
        "{edited}"
    );
    let commented = app
        .gql(
            Some(&other),
            COMMENT,
            json!({ "i": { "reportId": id, "body": "后来的批注" } }),
        )
        .await;
    assert_eq!(
        commented["data"]["addReviewComment"]["userErrors"],
        json!([])
    );
    let now = app
        .gql(
            Some(&preparer),
            &format!("query($id: ID!) {{ report(id: $id) {{ {REPORT} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(now["data"]["report"]["title"], "他人改过的标题", "{now}");
    // The replay is the first answer, byte for byte, not the report as it is now.
    let again = app.gql(Some(&preparer), &create, input).await;
    assert_eq!(again, first);
    assert_ne!(
        again["data"]["createReport"]["report"],
        now["data"]["report"]
    );

    // The same for upsertReport, including after an edit that made it UNCHANGED first.
    let upsert = upsert_query();
    let input = json!({ "i": { "idempotencyKey": "u-edit", "externalId": "replay-edit", "document": document("幂等局") } });
    let up = app.gql(Some(&preparer), &upsert, input.clone()).await;
    assert_eq!(up["data"]["upsertReport"]["result"], "UPDATED", "{up}");
    app.gql(
        Some(&other),
        UPDATE,
        json!({ "i": { "id": id, "unitName": "又改了" } }),
    )
    .await;
    assert_eq!(app.gql(Some(&preparer), &upsert, input).await, up);

    // A signature's replay shows it valid, as it was, though the content changed since.
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let sign =
        json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-edit" } });
    let signed = app.gql(Some(&leader), SIGN, sign.clone()).await;
    assert_eq!(
        signed["data"]["signReport"]["signature"]["valid"], true,
        "{signed}"
    );
    app.gql(
        Some(&other),
        UPDATE,
        json!({ "i": { "id": id, "title": "签名后又改" } }),
    )
    .await;
    assert_eq!(app.gql(Some(&leader), SIGN, sign).await, signed);

    // A comment's replay shows it unresolved, as it was, though it was resolved since.
    let comment = json!({ "i": { "reportId": id, "body": "请核对", "idempotencyKey": "c-edit" } });
    let first_comment = app.gql(Some(&preparer), COMMENT, comment.clone()).await;
    let comment_id = first_comment["data"]["addReviewComment"]["comment"]["id"].clone();
    let resolve = "mutation($i: ResolveReviewCommentInput!) { resolveReviewComment(input: $i) { userErrors { code } } }";
    app.gql(
        Some(&other),
        resolve,
        json!({ "i": { "commentId": comment_id } }),
    )
    .await;
    assert_eq!(
        app.gql(Some(&preparer), COMMENT, comment).await,
        first_comment
    );
}

#[tokio::test]
async fn a_replay_after_a_soft_delete_returns_the_first_answer_or_the_refusal_a_fresh_call_gets() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let create = create_query();
    let input = json!({ "i": { "idempotencyKey": "k-del", "document": document("将删除局") } });
    let first = app.gql(Some(&preparer), &create, input.clone()).await;
    let id = first["data"]["createReport"]["report"]["id"].clone();
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let sign =
        json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-del" } });
    let signed = app.gql(Some(&leader), SIGN, sign.clone()).await;
    assert_eq!(
        signed["data"]["signReport"]["userErrors"],
        json!([]),
        "{signed}"
    );
    let comment =
        json!({ "i": { "reportId": id, "body": "删除前的批注", "idempotencyKey": "c-del" } });
    let commented = app.gql(Some(&preparer), COMMENT, comment.clone()).await;
    assert_eq!(
        commented["data"]["addReviewComment"]["userErrors"],
        json!([])
    );
    let deleted = app
        .gql(
            Some(&preparer),
            "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { userErrors { code } } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deleteReport"]["userErrors"],
        json!([]),
        "{deleted}"
    );
    // createReport's caller may still write the department, as a fresh create would need: the
    // replay is the answer they had, the report as they created it (not deleted, no comment).
    let again = app.gql(Some(&preparer), &create, input).await;
    assert_eq!(again, first);
    // Signing and commenting address the report, which a fresh call no longer finds:
    // NOT_FOUND, as it would answer, and nothing of the report.
    let secrets = ["将删除局", "初稿标题", &uuid_of(&id)];
    let resigned = app.gql(Some(&leader), SIGN, sign).await;
    refused_blind(&resigned, "signReport", "NOT_FOUND", &secrets);
    let fresh = app
        .gql(
            Some(&leader),
            SIGN,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-del-2" } }),
        )
        .await;
    assert_eq!(
        resigned["errors"][0]["message"],
        fresh["errors"][0]["message"]
    );
    let recommented = app.gql(Some(&preparer), COMMENT, comment).await;
    refused_blind(&recommented, "addReviewComment", "NOT_FOUND", &secrets);
}

#[tokio::test]
async fn a_replay_for_a_caller_who_lost_the_department_is_refused_and_reveals_nothing() {
    let app = TestApp::spawn().await;
    // The same subject before and after its department was taken away.
    let before = app.token_for("u-1", "葛咏芳", &["PREPARER", "SYNC_CLIENT"], &["YX-KGJ"]);
    let after = app.token_for("u-1", "葛咏芳", &["PREPARER", "SYNC_CLIENT"], &["YX-CZJ"]);
    let create = create_query();
    let doc = document("机密单位");
    let input =
        json!({ "i": { "idempotencyKey": "k-lost", "externalId": "ext-lost", "document": doc } });
    let first = app.gql(Some(&before), &create, input.clone()).await;
    let id = first["data"]["createReport"]["report"]["id"].clone();
    let uuid = uuid_of(&id);
    let secrets = [
        "机密单位",
        "初稿标题",
        "ext-lost",
        id.as_str().expect("id"),
        &uuid,
    ];
    let replayed = app.gql(Some(&after), &create, input).await;
    refused_blind(&replayed, "createReport", "FORBIDDEN", &secrets);
    // The refusal a fresh call gets.
    let fresh = app
        .gql(
            Some(&after),
            &create,
            json!({ "i": { "idempotencyKey": "k-lost-2", "document": doc } }),
        )
        .await;
    assert_eq!(
        replayed["errors"][0]["message"],
        fresh["errors"][0]["message"]
    );
    refused_blind(&fresh, "createReport", "FORBIDDEN", &secrets);

    // upsertReport, the same.
    let upsert = upsert_query();
    let input =
        json!({ "i": { "idempotencyKey": "u-lost", "externalId": "ext-lost", "document": doc } });
    let up = app.gql(Some(&before), &upsert, input.clone()).await;
    assert_eq!(up["data"]["upsertReport"]["result"], "UNCHANGED", "{up}");
    let replayed = app.gql(Some(&after), &upsert, input).await;
    refused_blind(&replayed, "upsertReport", "FORBIDDEN", &secrets);

    // importReports: the documents of the lost department are refused as a fresh import
    // refuses them, with nothing of their reports.
    let batch = json!({ "i": { "idempotencyKey": "i-lost", "documents": [{ "externalId": "ext-lost", "document": doc }] } });
    let imported = app.gql(Some(&before), IMPORT, batch.clone()).await;
    assert_eq!(
        imported["data"]["importReports"]["unchanged"], 1,
        "{imported}"
    );
    let replayed = app.gql(Some(&after), IMPORT, batch).await;
    let fresh = app
        .gql(
            Some(&after),
            IMPORT,
            json!({ "i": { "documents": [{ "externalId": "ext-lost", "document": doc }] } }),
        )
        .await;
    assert_eq!(replayed, fresh);
    assert_eq!(replayed["data"]["importReports"]["failed"], 1, "{replayed}");
    assert_eq!(
        replayed["data"]["importReports"]["results"][0]["userErrors"][0]["code"],
        "FORBIDDEN"
    );
    let text = replayed.to_string();
    assert!(
        !text.contains(&uuid) && !text.contains("机密单位"),
        "{replayed}"
    );

    // A signer who lost the department no longer sees the draft: NOT_FOUND, as a fresh call.
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let moved = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-CZJ"]);
    let sign =
        json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-lost" } });
    let signed = app.gql(Some(&leader), SIGN, sign.clone()).await;
    assert_eq!(
        signed["data"]["signReport"]["userErrors"],
        json!([]),
        "{signed}"
    );
    let replayed = app.gql(Some(&moved), SIGN, sign).await;
    refused_blind(&replayed, "signReport", "NOT_FOUND", &secrets);
    // One who kept the department but lost the role sees it, and is FORBIDDEN, as a fresh call.
    let demoted = app.token_for("e-yao", "姚骄阳", &["AUDITOR"], &["YX-KGJ"]);
    let sign =
        json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-lost" } });
    let replayed = app.gql(Some(&demoted), SIGN, sign).await;
    refused_blind(&replayed, "signReport", "FORBIDDEN", &secrets);

    // A comment's replay, the same.
    let comment =
        json!({ "i": { "reportId": id, "body": "内部意见", "idempotencyKey": "c-lost" } });
    let commented = app.gql(Some(&before), COMMENT, comment.clone()).await;
    assert_eq!(
        commented["data"]["addReviewComment"]["userErrors"],
        json!([])
    );
    let replayed = app.gql(Some(&after), COMMENT, comment).await;
    refused_blind(
        &replayed,
        "addReviewComment",
        "NOT_FOUND",
        &["内部意见", "机密单位", &uuid],
    );

    // Back in the department, the replay is the first answer again.
    let create = create_query();
    let input =
        json!({ "i": { "idempotencyKey": "k-lost", "externalId": "ext-lost", "document": doc } });
    assert_eq!(app.gql(Some(&before), &create, input).await, first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twins_with_one_key_write_once_and_answer_alike() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let create = std::sync::Arc::new(create_query());
    let twins: Vec<_> = (0..6)
        .map(|_| {
            let (app, create) = (app.clone(), create.clone());
            tokio::spawn(async move {
                let input =
                    json!({ "i": { "idempotencyKey": "twin", "document": document("双生局") } });
                app.gql(Some(&app.preparer()), &create, input).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for twin in twins {
        answers.push(twin.await.expect("join"));
    }
    assert_eq!(app.report_count().await, 1, "written once");
    assert_eq!(
        answers[0]["data"]["createReport"]["result"], "CREATED",
        "{}",
        answers[0]
    );
    for answer in &answers {
        assert_eq!(answer, &answers[0]);
    }
}

#[tokio::test]
async fn a_key_an_older_release_recorded_is_refused_not_answered_from_the_report_as_it_is() {
    use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
    let app = TestApp::spawn().await;
    let create = create_query();
    let input = json!({ "i": { "idempotencyKey": "k-old", "document": document("旧版本局") } });
    let first = app.gql(Some(&app.preparer()), &create, input.clone()).await;
    assert_eq!(
        first["data"]["createReport"]["result"], "CREATED",
        "{first}"
    );
    // What a release before the typed record wrote: the ids only.
    app.db
        .conn
        .execute_unprepared("UPDATE idempotency_key SET replay = NULL")
        .await
        .expect("forget the record");
    let again = app.gql(Some(&app.preparer()), &create, input).await;
    refused_blind(
        &again,
        "createReport",
        "CONFLICT",
        &["旧版本局", "初稿标题"],
    );
    assert_eq!(app.report_count().await, 1, "nothing written again");
    assert_eq!(
        entity::idempotency_key::Entity::find()
            .count(&app.db.conn)
            .await
            .expect("count"),
        1
    );
}
