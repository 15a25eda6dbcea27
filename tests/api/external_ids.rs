//! External IDs belong to departments: two departments may use the same one, each for its
//! own report, and a caller learns nothing about another department's IDs or reports.

use crate::support::{TestApp, UPSERT};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateReportInput!) { createReport(input: $i) { result report { id externalId unitName } userErrors { code field message } } }";
const IMPORT: &str = "mutation($i: ImportReportsInput!) { importReports(input: $i) { created updated unchanged failed results { externalId result report { id externalId } userErrors { code field message } } } }";
const READ: &str =
    "query($id: ID!) { report(id: $id) { id externalId unitName version department { code } } }";

fn upsert(code: &str, external_id: &str, unit: &str) -> Value {
    json!({ "input": { "externalId": external_id, "document": { "departmentCode": code, "fiscalYear": 2024, "unitName": unit } } })
}

#[tokio::test]
async fn two_departments_using_one_external_id_each_get_their_own_report() {
    let app = TestApp::spawn().await;
    let kgj = app.preparer();
    let czj = app.token_for("u-czj", "财政局填报人", &["PREPARER"], &["YX-CZJ"]);
    let a = app
        .gql(Some(&kgj), UPSERT, upsert("YX-KGJ", "shared-1", "科工局"))
        .await;
    assert_eq!(a["data"]["upsertReport"]["result"], "CREATED", "{a}");
    let b = app
        .gql(Some(&czj), UPSERT, upsert("YX-CZJ", "shared-1", "财政局"))
        .await;
    assert_eq!(b["data"]["upsertReport"]["result"], "CREATED", "{b}");
    let (a_id, b_id) = (
        a["data"]["upsertReport"]["report"]["id"].clone(),
        b["data"]["upsertReport"]["report"]["id"].clone(),
    );
    assert_ne!(a_id, b_id);
    // Each department's upserts reach its own report only.
    let again = app
        .gql(
            Some(&kgj),
            UPSERT,
            upsert("YX-KGJ", "shared-1", "科工局（改）"),
        )
        .await;
    assert_eq!(
        again["data"]["upsertReport"]["result"], "UPDATED",
        "{again}"
    );
    assert_eq!(again["data"]["upsertReport"]["report"]["id"], a_id);
    let theirs = app.gql(Some(&czj), READ, json!({ "id": b_id })).await;
    assert_eq!(theirs["data"]["report"]["unitName"], "财政局", "{theirs}");
    assert_eq!(theirs["data"]["report"]["version"], 1);
    // An import across both departments lands each document in its own department.
    let sync = app.token(&["SYNC_CLIENT"], &["*"]);
    let docs = json!([
        { "externalId": "shared-1", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "科工局（改）" } },
        { "externalId": "shared-1", "document": { "departmentCode": "YX-CZJ", "fiscalYear": 2024, "unitName": "财政局（导入）" } },
        { "externalId": "shared-2", "document": { "departmentCode": "YX-CZJ", "fiscalYear": 2024, "unitName": "财政局二" } },
    ]);
    let imported = app
        .gql(Some(&sync), IMPORT, json!({ "i": { "documents": docs } }))
        .await;
    let p = &imported["data"]["importReports"];
    assert_eq!(
        (
            p["unchanged"].clone(),
            p["updated"].clone(),
            p["created"].clone()
        ),
        (json!(1), json!(1), json!(1)),
        "{imported}"
    );
    assert_eq!(p["results"][0]["report"]["id"], a_id);
    assert_eq!(p["results"][1]["report"]["id"], b_id);
    assert_eq!(app.report_count().await, 3);
    // Within a department the ID stays unique.
    let dup = app
        .gql(Some(&czj), CREATE, json!({ "i": { "externalId": "shared-1", "document": { "departmentCode": "YX-CZJ", "fiscalYear": 2025, "unitName": "重复" } } }))
        .await;
    assert_eq!(
        dup["data"]["createReport"]["userErrors"][0]["code"], "DUPLICATE",
        "{dup}"
    );
    assert!(
        !dup.to_string().contains(&b_id.as_str().expect("id")[..8]),
        "{dup}"
    );
}

/// The raw UUID of the only report with this external ID.
async fn raw_id(app: &TestApp, external_id: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::report::Entity::find()
        .filter(entity::report::Column::ExternalId.eq(external_id))
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("report")
        .id
        .to_string()
}

/// `body` with the values that differ between two fresh writes (new ids) blanked.
fn shape(mut body: Value) -> Value {
    fn blank(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if k == "id" || k == "externalId" {
                        *v = Value::Null;
                    } else {
                        blank(v);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(blank),
            _ => {}
        }
    }
    blank(&mut body);
    body
}

#[tokio::test]
async fn probing_another_departments_external_id_learns_nothing() {
    let app = TestApp::spawn().await;
    let kgj = app.preparer();
    let hidden = app
        .gql(
            Some(&kgj),
            UPSERT,
            upsert("YX-KGJ", "hidden-1", "未公开的单位"),
        )
        .await;
    let global = hidden["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let raw = raw_id(&app, "hidden-1").await;
    let prober = app.token_for(
        "u-probe",
        "他部门",
        &["PREPARER", "SYNC_CLIENT"],
        &["YX-CZJ"],
    );
    let blind = |body: &Value| {
        let text = body.to_string();
        assert!(
            !text.contains(&raw) && !text.contains(&global) && !text.contains("未公开的单位"),
            "the hidden report leaked: {body}"
        );
    };
    // Into the other department: refused alike whether or not the ID is used there.
    for (used, unused) in [
        (
            app.gql(Some(&prober), UPSERT, upsert("YX-KGJ", "hidden-1", "探")).await,
            app.gql(Some(&prober), UPSERT, upsert("YX-KGJ", "never-used-1", "探")).await,
        ),
        (
            app.gql(Some(&prober), CREATE, json!({ "i": { "externalId": "hidden-1", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "探" } } })).await,
            app.gql(Some(&prober), CREATE, json!({ "i": { "externalId": "never-used-1", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "探" } } })).await,
        ),
    ] {
        assert_eq!(used["errors"][0]["extensions"]["code"], "FORBIDDEN", "{used}");
        assert_eq!(used, unused);
        blind(&used);
    }
    let probe = |ext: &str| json!({ "i": { "documents": [{ "externalId": ext, "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "探" } }] } });
    let used = app.gql(Some(&prober), IMPORT, probe("hidden-1")).await;
    let unused = app.gql(Some(&prober), IMPORT, probe("never-used-1")).await;
    assert_eq!(
        used["data"]["importReports"]["results"][0]["userErrors"][0]["code"], "FORBIDDEN",
        "{used}"
    );
    assert_eq!(
        used["data"]["importReports"]["results"][0]["userErrors"],
        unused["data"]["importReports"]["results"][0]["userErrors"]
    );
    blind(&used);
    // In their own department the ID is simply free, used elsewhere or not: a new report.
    let mine = app
        .gql(Some(&prober), UPSERT, upsert("YX-CZJ", "hidden-1", "探"))
        .await;
    let fresh = app
        .gql(
            Some(&prober),
            UPSERT,
            upsert("YX-CZJ", "never-used-2", "探"),
        )
        .await;
    assert_eq!(mine["data"]["upsertReport"]["result"], "CREATED", "{mine}");
    assert_eq!(shape(mine.clone()), shape(fresh));
    blind(&mine);
    let created = app.gql(Some(&prober), CREATE, json!({ "i": { "externalId": "hidden-2", "document": { "departmentCode": "YX-CZJ", "fiscalYear": 2024, "unitName": "探" } } })).await;
    assert_eq!(
        created["data"]["createReport"]["result"], "CREATED",
        "{created}"
    );
    // The hidden report is as it was, and the prober still cannot read it.
    let seen = app.gql(Some(&prober), READ, json!({ "id": global })).await;
    assert_eq!(seen["data"]["report"], Value::Null, "{seen}");
    let owner = app.gql(Some(&kgj), READ, json!({ "id": global })).await;
    assert_eq!(owner["data"]["report"]["version"], 1, "{owner}");
    assert_eq!(owner["data"]["report"]["unitName"], "未公开的单位");
}

#[tokio::test]
async fn a_report_moves_only_into_a_department_where_its_external_id_is_free() {
    let app = TestApp::spawn().await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let a = app
        .gql(Some(&admin), UPSERT, upsert("YX-KGJ", "move-1", "甲"))
        .await;
    let b = app
        .gql(Some(&admin), UPSERT, upsert("YX-CZJ", "move-1", "乙"))
        .await;
    let (a_id, b_id) = (
        a["data"]["upsertReport"]["report"]["id"].clone(),
        b["data"]["upsertReport"]["report"]["id"].clone(),
    );
    let update = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { report { externalId department { code } } userErrors { code field message } } }";
    let moved = app
        .gql(
            Some(&admin),
            update,
            json!({ "i": { "id": a_id, "departmentCode": "YX-CZJ" } }),
        )
        .await;
    assert_eq!(
        moved["data"]["updateReport"]["userErrors"][0]["code"], "DUPLICATE",
        "{moved}"
    );
    assert_eq!(
        moved["data"]["updateReport"]["userErrors"][0]["field"],
        json!(["departmentCode"])
    );
    // Once the other department's report is deleted, the ID is free there.
    app.gql(
        Some(&admin),
        "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { userErrors { code } } }",
        json!({ "i": { "id": b_id } }),
    )
    .await;
    let moved = app
        .gql(
            Some(&admin),
            update,
            json!({ "i": { "id": a_id, "departmentCode": "YX-CZJ" } }),
        )
        .await;
    assert_eq!(
        moved["data"]["updateReport"]["userErrors"],
        json!([]),
        "{moved}"
    );
    assert_eq!(
        moved["data"]["updateReport"]["report"],
        json!({ "externalId": "move-1", "department": { "code": "YX-CZJ" } })
    );
}
