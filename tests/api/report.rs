//! Report and indicator mutations: partial updates, versions, finance tables, soft deletion.

use crate::support::TestApp;
use serde_json::{Value, json};

const UPDATE: &str = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { result report { version title profile { actualHeadcount contactName annualTasks } declaredScore } userErrors { field code message } } }";

async fn version(app: &TestApp, id: &str) -> i64 {
    let r = app
        .gql(
            Some(&app.preparer()),
            "query($id: ID!) { report(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    r["data"]["report"]["version"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn update_is_partial_and_checks_the_version() {
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "测试局", Some("88")).await;
    let v = version(&app, &id).await;
    let r = app
        .gql(Some(&app.preparer()), UPDATE, json!({ "i": { "id": id, "expectedVersion": v, "title": "新标题", "profile": { "actualHeadcount": 9 } } }))
        .await;
    let p = &r["data"]["updateReport"];
    assert_eq!(p["userErrors"], json!([]), "{r}");
    assert_eq!(p["result"], "UPDATED");
    assert_eq!(p["report"]["version"], v + 1);
    assert_eq!(p["report"]["title"], "新标题");
    assert_eq!(p["report"]["profile"]["actualHeadcount"], 9);
    assert_eq!(
        p["report"]["declaredScore"], "88.00",
        "untouched fields keep their value"
    );

    // null clears; the stale version is refused and nothing changes.
    let stale = app
        .gql(
            Some(&app.preparer()),
            UPDATE,
            json!({ "i": { "id": id, "expectedVersion": v, "title": null } }),
        )
        .await;
    assert_eq!(
        stale["data"]["updateReport"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    assert_eq!(version(&app, &id).await, v + 1);
    let cleared = app
        .gql(
            Some(&app.preparer()),
            UPDATE,
            json!({ "i": { "id": id, "title": null } }),
        )
        .await;
    assert_eq!(
        cleared["data"]["updateReport"]["report"]["title"],
        Value::Null
    );
}

#[tokio::test]
async fn finance_tables_are_replaced_and_summed_exactly() {
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "测试局", None).await;
    let q = "mutation($i: SetFinanceTablesInput!) { setFinanceTables(input: $i) { report { finance { units { name income { total } } summary { income { total carryover } expenditure { total } } filedSummary { name } } } userErrors { code } } }";
    let units = json!([
        { "name": "局机关", "income": { "total": "0.10" } },
        { "name": "二级机构1", "income": { "total": "0.20" } },
        { "name": "二级机构2", "income": { "total": "123456789012.45" } }
    ]);
    let r = app
        .gql(
            Some(&app.preparer()),
            q,
            json!({ "i": { "reportId": id, "finance": { "units": units } } }),
        )
        .await;
    let f = &r["data"]["setFinanceTables"]["report"]["finance"];
    assert_eq!(f["units"].as_array().map(Vec::len), Some(3), "{r}");
    assert_eq!(
        f["summary"]["income"]["total"], "123456789012.75",
        "exact decimal sum"
    );
    assert_eq!(
        f["summary"]["income"]["carryover"],
        Value::Null,
        "blank stays blank"
    );
    assert_eq!(f["filedSummary"], Value::Null);
}

#[tokio::test]
async fn indicators_are_added_updated_recorded_and_removed() {
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "测试局", None).await;
    let add = "mutation($i: AddIndicatorInput!) { addIndicator(input: $i) { indicator { id ordinal target { text } } report { version } userErrors { code field } } }";
    let r = app
        .gql(Some(&app.preparer()), add, json!({ "i": { "reportId": id, "position": 1, "indicator": { "category": "OUTPUT", "subcategory": "TIMELINESS", "target": { "text": "=100%" }, "weight": "10" } } }))
        .await;
    let ind = &r["data"]["addIndicator"]["indicator"];
    assert_eq!(ind["ordinal"], 1, "{r}");
    let ind_id = ind["id"].as_str().unwrap_or_default().to_owned();
    let v = r["data"]["addIndicator"]["report"]["version"]
        .as_i64()
        .unwrap_or(0);

    let rec = "mutation($i: RecordIndicatorActualInput!) { recordIndicatorActual(input: $i) { indicator { actual { text } } report { version } userErrors { code } } }";
    let stale = app
        .gql(
            Some(&app.preparer()),
            rec,
            json!({ "i": { "id": ind_id, "expectedVersion": v - 1, "actual": { "text": "98%" } } }),
        )
        .await;
    assert_eq!(
        stale["data"]["recordIndicatorActual"]["userErrors"][0]["code"],
        "STALE_VERSION"
    );
    let ok = app
        .gql(
            Some(&app.preparer()),
            rec,
            json!({ "i": { "id": ind_id, "expectedVersion": v, "actual": { "text": "98%" } } }),
        )
        .await;
    assert_eq!(
        ok["data"]["recordIndicatorActual"]["indicator"]["actual"]["text"], "98%",
        "{ok}"
    );

    let upd = "mutation($i: UpdateIndicatorInput!) { updateIndicator(input: $i) { indicator { name weight deviationReason } userErrors { code } } }";
    let u = app.gql(Some(&app.preparer()), upd, json!({ "i": { "id": ind_id, "name": "验收及时率", "deviationReason": "设备到货延迟" } })).await;
    assert_eq!(
        u["data"]["updateIndicator"]["indicator"],
        json!({ "name": "验收及时率", "weight": "10.00", "deviationReason": "设备到货延迟" })
    );

    // Across reports, by subcategory and year.
    let list = app
        .gql(Some(&app.preparer()), "{ indicators(filter: { subcategory: TIMELINESS, fiscalYear: 2024 }) { totalCount nodes { id report { fiscalYear } } } }", json!({}))
        .await;
    assert_eq!(list["data"]["indicators"]["totalCount"], 1, "{list}");
    assert_eq!(list["data"]["indicators"]["nodes"][0]["id"], ind_id);
    let none = app
        .gql(
            Some(&app.preparer()),
            "{ indicators(filter: { fiscalYear: 2023 }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(none["data"]["indicators"]["totalCount"], 0);

    let rm = "mutation($i: RemoveIndicatorInput!) { removeIndicator(input: $i) { report { indicators { id } } userErrors { code } } }";
    let r = app
        .gql(Some(&app.preparer()), rm, json!({ "i": { "id": ind_id } }))
        .await;
    assert_eq!(
        r["data"]["removeIndicator"]["report"]["indicators"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{r}"
    );
}

#[tokio::test]
async fn delete_is_soft_and_leaves_a_tombstone() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "测试局", None).await;
    let q = "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { deletedReportId userErrors { code } } }";
    let r = app
        .gql(Some(&app.preparer()), q, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(
        r["data"]["deleteReport"]["deletedReportId"],
        id.as_str(),
        "{r}"
    );
    let gone = app
        .gql(
            Some(&app.preparer()),
            "query($id: ID!) { report(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(gone["data"]["report"], Value::Null);
    assert_eq!(app.report_count().await, 1, "the row stays (soft deletion)");
    let events = entity::change_event::Entity::find()
        .filter(entity::change_event::Column::Operation.eq("DELETE"))
        .all(&app.db.conn)
        .await
        .expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].entity_type, "Report");
}

#[tokio::test]
async fn published_reports_are_not_editable() {
    let app = TestApp::with_reference().await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let list = app
        .gql(
            Some(&admin),
            "{ reports { nodes { id version } } }",
            json!({}),
        )
        .await;
    let report = &list["data"]["reports"]["nodes"][0];
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "i": { "id": report["id"], "title": "改" } }),
        )
        .await;
    assert_eq!(
        r["data"]["updateReport"]["userErrors"][0]["code"], "INVALID_STATE",
        "{r}"
    );
    let after = app
        .gql(
            Some(&admin),
            "query($id: ID!) { report(id: $id) { version } }",
            json!({ "id": report["id"] }),
        )
        .await;
    assert_eq!(after["data"]["report"]["version"], report["version"]);
}

#[tokio::test]
async fn a_deleted_reports_external_id_can_be_used_again() {
    let app = TestApp::spawn().await;
    let first = app.upsert_fixture().await;
    assert_eq!(first["result"], "CREATED", "{first}");
    let old_id = first["report"]["id"].as_str().expect("id").to_owned();
    let deleted = app
        .gql(
            Some(&app.preparer()),
            "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { deletedReportId userErrors { code } } }",
            json!({ "i": { "id": old_id } }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deleteReport"]["userErrors"],
        json!([]),
        "{deleted}"
    );
    // Upserting the same external ID creates a new report; the old one stays a tombstone.
    let again = app.upsert_fixture().await;
    assert_eq!(again["result"], "CREATED", "{again}");
    let new_id = again["report"]["id"].as_str().expect("id");
    assert_ne!(new_id, old_id);
    let again = app.upsert_fixture().await;
    assert_eq!(again["result"], "UNCHANGED", "{again}");
    assert_eq!(again["report"]["id"], new_id);
    assert_eq!(app.report_count().await, 2, "the tombstone row stays");
}

#[tokio::test]
async fn another_departments_external_ids_never_block_this_one() {
    let app = TestApp::spawn().await;
    let first = app.upsert_fixture().await;
    let id = first["report"]["id"].as_str().expect("id").to_owned();
    let mut doc = crate::support::fixture();
    doc["document"]["departmentCode"] = json!("YX-CZJ");
    let other = app.token(&["PREPARER"], &["YX-CZJ"]);
    // Live in YX-KGJ: YX-CZJ files its own report under the same external ID.
    let body = app
        .gql(
            Some(&other),
            crate::support::UPSERT,
            json!({ "input": doc }),
        )
        .await;
    assert_eq!(body["data"]["upsertReport"]["result"], "CREATED", "{body}");
    assert_ne!(body["data"]["upsertReport"]["report"]["id"], json!(id));
    // Deleted in YX-KGJ: still nothing to YX-CZJ, whose report is updated as before.
    app.gql(
        Some(&app.preparer()),
        "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { deletedReportId } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    doc["document"]["title"] = json!("改过的标题");
    let body = app
        .gql(
            Some(&other),
            crate::support::UPSERT,
            json!({ "input": doc }),
        )
        .await;
    assert_eq!(body["data"]["upsertReport"]["result"], "UPDATED", "{body}");
}
