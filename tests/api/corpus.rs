//! The corpus of real-form variants (`tests/fixtures/real-forms.json`): cases written for the
//! suite after the shapes real 项目支出 and 部门整体 forms take (each says where its variant comes
//! from). Each is saved as filed and read back through the API: the values and parsed figures
//! it names (JSON pointers into the report), the findings it must raise and those it must not.

use crate::support::TestApp;
use serde_json::{Value, json};

const REPORT: &str = "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { unitName amountUnit computedScore funding { line initialBudget adjustedBudget executed executionRate declaredExecutionRate } indicators { target { comparator value unit doubt } actual { comparator value unit doubt } } assessment { computedScore computedScoreWithheld computedGrade indicators { achievement reason comparisons { unit met } } } validation { findings { code path } } } userErrors { field code message } } }";

#[tokio::test]
async fn every_variant_of_the_corpus_is_stored_read_and_checked() {
    let app = TestApp::spawn().await;
    let corpus: Vec<Value> =
        serde_json::from_str(include_str!("../fixtures/real-forms.json")).expect("corpus");
    assert!(corpus.len() >= 12);
    for case in &corpus {
        let name = case["name"].as_str().expect("name");
        assert!(
            case["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: its source"
        );
        let body = app
            .gql(
                Some(&app.preparer()),
                REPORT,
                json!({ "d": case["document"] }),
            )
            .await;
        let payload = &body["data"]["createReport"];
        assert_eq!(
            payload["userErrors"],
            json!([]),
            "{name}: stored as filed: {body}"
        );
        let report = &payload["report"];
        let codes: Vec<&str> = report["validation"]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        for (pointer, expected) in case["expect"].as_object().into_iter().flatten() {
            assert_eq!(
                report.pointer(pointer),
                Some(expected),
                "{name}: {pointer} in {report}"
            );
        }
        for code in case["findings"].as_array().into_iter().flatten() {
            let code = code.as_str().expect("code");
            assert!(
                codes.contains(&code),
                "{name}: finding {code} among {codes:?}"
            );
        }
        for code in case["absent"].as_array().into_iter().flatten() {
            let code = code.as_str().expect("code");
            assert!(!codes.contains(&code), "{name}: no {code} among {codes:?}");
        }
    }
}
