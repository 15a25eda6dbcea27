//! The reference report goes in through the HTTP endpoint and comes back out field for field.

use crate::support::{TestApp, UPSERT, assert_same, fixture};
use serde_json::{Value, json};

pub const READ: &str = r#"
query($id: ID!) { report(id: $id) {
  externalId status version contentDigest
  department { code }
  fiscalYear kind seriesTitle title unitName projectName competentDepartment implementingUnit
  budgetCode evaluationMethod evaluatingBody reportDate issuer
  profile { contactName contactPhone authorisedHeadcount actualHeadcount duties annualTasks achievements }
  finance { summary: filedSummary { ...Unit } units { ...Unit } computed: summary { ...Unit } }
  funding { line }
  qualitativeGoals { expected actual }
  indicators { category subcategory name target { text comparator value unit } actual { text } weight declaredScore deviationReason improvementMeasures }
  declaredScore declaredGrade
  evaluators { name position unit role }
  opinions { kind text person date }
  preparer { name phone }
  sections { key title body ordinal }
} }
fragment Unit on FinanceUnit {
  name
  income { total carryover publicFinance governmentFund specialAccountNonTax other }
  expenditure { total basic personnel operating project currentBalance accumulatedBalance }
  threePublic { total reception vehicleOperation vehiclePurchase overseasTravel }
  fixedAssets { total inUse leased other }
}"#;

/// The report as read back, in the document shape of the fixture.
pub fn as_document(report: &Value) -> Value {
    let mut doc = report.clone();
    doc["departmentCode"] = report["department"]["code"].clone();
    doc
}

fn strings<'a>(value: &'a Value, key: &str, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(s) => out.push((key.to_owned(), s)),
        Value::Array(a) => a.iter().for_each(|v| strings(v, key, out)),
        Value::Object(o) => o.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

#[test]
fn fixture_is_verbatim_from_the_reference_text() {
    let text = include_str!("../../data/reference/yunxi-2019-report.txt").replace('\t', "");
    let joined = text.replace("\n\n", "");
    let fixture = fixture();
    let mut all = Vec::new();
    strings(&fixture, "", &mut all);
    let skip = [
        "externalId",
        "departmentCode",
        "kind",
        "category",
        "subcategory",
        "role",
        "reportDate",
        "key",
    ];
    let mut checked = 0;
    for (key, s) in all {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let found = if key == "title" {
            joined.contains(s)
        } else {
            text.contains(s)
        };
        assert!(found, "{key} is not verbatim from the reference: {s}");
        checked += 1;
    }
    assert!(checked > 80, "only {checked} strings checked");
    let doc = &fixture["document"];
    assert_eq!(doc["indicators"].as_array().map(Vec::len), Some(16));
    let filled = doc["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| !i["actual"].is_null())
        .count();
    assert_eq!(filled, 12, "12 filled indicator rows");
    assert_eq!(doc["evaluators"].as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn reference_report_round_trips_through_http() {
    let app = TestApp::spawn().await;
    let written = app.upsert_fixture().await;
    assert_eq!(written["userErrors"], json!([]), "{written}");
    assert_eq!(written["result"], "CREATED");
    let id = written["report"]["id"].clone();

    let body = app
        .gql(Some(&app.preparer()), READ, json!({ "id": id }))
        .await;
    let report = &body["data"]["report"];
    assert!(body["errors"].is_null(), "{body}");
    let expected = fixture();
    assert_same(&expected["document"], &as_document(report), "document");
    assert_eq!(report["externalId"], expected["externalId"]);
    // Money as exact decimals, blank cells as null (not 0).
    let unit = &report["finance"]["units"][0];
    assert_eq!(unit["income"]["total"], "680.54");
    assert_eq!(unit["income"]["publicFinance"], "604.52");
    // As written on the form: 76, not 76.00.
    assert_eq!(unit["income"]["other"], "76");
    assert_eq!(unit["income"]["carryover"], Value::Null);
    assert_eq!(
        unit["expenditure"]["currentBalance"], "49.1",
        "as on the form"
    );
    assert_eq!(
        report["finance"]["computed"]["expenditure"]["total"],
        "631.44"
    );
    assert_eq!(
        report["finance"]["computed"]["threePublic"]["total"],
        Value::Null
    );
    assert_eq!(
        report["finance"]["summary"]["income"]["total"],
        Value::Null,
        "filed summary kept as filed (blank)"
    );
    assert_eq!(report["declaredScore"], "95.00");
    assert_eq!(report["reportDate"], "2020-07-11");
    assert_eq!(report["contentDigest"].as_str().map(str::len), Some(64));

    // The same document again changes nothing and keeps the version.
    let again = app.upsert_fixture().await;
    assert_eq!(again["result"], "UNCHANGED", "{again}");
    assert_eq!(again["report"]["version"], written["report"]["version"]);
    assert_eq!(
        again["report"]["contentDigest"],
        written["report"]["contentDigest"]
    );
}

#[tokio::test]
async fn first_query_shows_the_loaded_reference_report_to_anyone() {
    let app = TestApp::with_reference().await;
    let body = app
        .gql(None, "{ reports { totalCount nodes { id status unitName profile { contactName contactPhone } preparer { name phone } } } }", json!({}))
        .await;
    let reports = &body["data"]["reports"];
    assert_eq!(reports["totalCount"], 1, "{body}");
    let report = &reports["nodes"][0];
    assert_eq!(report["status"], "PUBLISHED");
    assert_eq!(report["unitName"], "岳阳市云溪区科技和工业信息化局");
    assert_eq!(report["profile"]["contactName"], "葛咏芳");
    assert_eq!(
        report["profile"]["contactPhone"],
        Value::Null,
        "phones hidden from anonymous callers"
    );
    assert_eq!(report["preparer"]["phone"], Value::Null);

    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let full = app
        .gql(Some(&auditor), READ, json!({ "id": report["id"] }))
        .await;
    assert_same(
        &fixture()["document"],
        &as_document(&full["data"]["report"]),
        "document",
    );
    assert_eq!(full["data"]["report"]["profile"]["contactPhone"], "8418758");

    // Loading is only for an empty database: a restart does not load it twice.
    assert!(
        !jixiao::reference::load_if_empty(&app.db)
            .await
            .expect("load")
    );
    assert_eq!(app.report_count().await, 1);
}

#[tokio::test]
async fn upsert_with_a_changed_document_updates_and_bumps_the_version() {
    let app = TestApp::spawn().await;
    let first = app.upsert_fixture().await;
    let mut input = fixture();
    input["document"]["profile"]["actualHeadcount"] = json!(21);
    let second = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    let second = &second["data"]["upsertReport"];
    assert_eq!(second["result"], "UPDATED", "{second}");
    assert_eq!(
        second["report"]["version"],
        first["report"]["version"].as_i64().unwrap_or(0) + 1
    );
    assert_ne!(
        second["report"]["contentDigest"],
        first["report"]["contentDigest"]
    );
    // Indicator ids survive a whole-document rewrite.
    async fn ids(app: &TestApp, id: &Value) -> Value {
        let q = "query($id: ID!) { report(id: $id) { indicators { id } } }";
        app.gql(Some(&app.preparer()), q, json!({ "id": id })).await["data"]["report"]["indicators"]
            .clone()
    }
    let report_id = first["report"]["id"].clone();
    let before = ids(&app, &report_id).await;
    input["document"]["profile"]["actualHeadcount"] = json!(20);
    app.gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(ids(&app, &report_id).await, before);
    // A stale expectedVersion is refused and writes nothing.
    input["expectedVersion"] = json!(1);
    input["document"]["profile"]["actualHeadcount"] = json!(19);
    let stale = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(
        stale["data"]["upsertReport"]["userErrors"][0]["code"], "STALE_VERSION",
        "{stale}"
    );
}

/// The canonical form is a contract: stored signatures bind digests of it. The digests of the
/// reference report and of the project fixture are pinned, so a change of the document's field
/// order, names or number formatting (which would turn every stored signature invalid) fails
/// here first; such a change needs a new signing scheme (README, “The content digest”).
#[tokio::test]
async fn content_digests_are_pinned() {
    let app = TestApp::with_reference().await;
    let r = app
        .gql(
            None,
            "{ reports(first: 1) { nodes { contentDigest } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r["data"]["reports"]["nodes"][0]["contentDigest"],
        "3ae572ba4642775b5e27160a4e0542e98f0c2d425ed0b732ae886e1c5e3bf24f",
        "{r}"
    );
    let project: Value =
        serde_json::from_str(include_str!("../fixtures/project-report.json")).expect("project");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": project }))
        .await;
    assert_eq!(
        r["data"]["upsertReport"]["report"]["contentDigest"],
        "d6346cfc74c1f9a8233fe7b0387bc62335d223b84b060b8851a9f1f422e38c63",
        "{r}"
    );
}
