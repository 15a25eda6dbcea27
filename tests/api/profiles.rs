//! Scoring profiles as data (the coefficient scheme among their rules) and the statistics
//! computed in SQL.

use crate::support::{TestApp, UPSERT};
use serde_json::json;

use super::assessment::{ASSESSMENT, project};

#[tokio::test]
async fn profiles_are_data_and_select_by_jurisdiction() {
    let app = TestApp::spawn().await;
    let id = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": project() }))
        .await["data"]["upsertReport"]["report"]["id"]
        .clone();
    let list = app.gql(None, "{ scoringProfiles { code version rules { level1Weights { output } lowerBetter gradeBands { minScore grade labels } } } }", json!({})).await;
    let national = &list["data"]["scoringProfiles"][0];
    assert_eq!(national["code"], "NATIONAL", "{list}");
    assert_eq!(national["rules"]["level1Weights"]["output"], "50");
    let mut rules = app.gql(None, "{ scoringProfiles { rules { level1Weights { budgetExecution output outcome satisfaction } higherBetter lowerBetter equality qualitativeBands { label minPercent maxPercent achievement } overAchievement { thresholdPercent scoreCapPercent } gradeBands { minScore grade labels } arithmeticTolerance severities { code severity } partialYearMarkers } } }", json!({})).await["data"]["scoringProfiles"][0]["rules"].clone();
    rules["lowerBetter"] = json!("RATIO");
    let upsert = "mutation($i: UpsertScoringProfileInput!) { upsertScoringProfile(input: $i) { profile { code version } reassessedReports userErrors { code field message } } }";
    let input = json!({ "i": { "code": "YUEYANG-YUNXI", "name": "云溪区评分规则", "jurisdiction": "云溪区", "rules": rules } });
    let refused = app.gql(Some(&app.preparer()), upsert, input.clone()).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let admin = app.token(&["ADMIN"], &["*"]);
    let r = app.gql(Some(&admin), upsert, input).await;
    assert_eq!(
        r["data"]["upsertScoringProfile"]["reassessedReports"], 1,
        "{r}"
    );
    let body = app
        .gql(Some(&app.preparer()), ASSESSMENT, json!({ "id": id }))
        .await;
    let a = &body["data"]["report"]["assessment"];
    assert_eq!(a["profileCode"], "YUEYANG-YUNXI");
    // ≤ under the ratio rule: 10 × 90 / 99.
    assert_eq!(a["indicators"][4]["computedScore"], "9.09", "{a}");
    // The coefficient scheme: 90 / 99 of the target is in the band from 80 %, coefficient 0.8.
    let mut stepped = rules.clone();
    stepped["coefficientBands"] = json!([
        { "minPercent": "100", "coefficient": "1" },
        { "minPercent": "80", "coefficient": "0.8" },
        { "minPercent": "60", "coefficient": "0.6" }
    ]);
    let input = json!({ "i": { "code": "YUEYANG-YUNXI", "name": "云溪区评分规则", "jurisdiction": "云溪区", "rules": stepped } });
    let r = app.gql(Some(&admin), upsert, input).await;
    assert_eq!(
        r["data"]["upsertScoringProfile"]["userErrors"],
        json!([]),
        "{r}"
    );
    let body = app
        .gql(Some(&app.preparer()), ASSESSMENT, json!({ "id": id }))
        .await;
    let a = &body["data"]["report"]["assessment"];
    assert_eq!(a["indicators"][4]["computedScore"], "8.00", "{a}");
    assert_eq!(
        a["indicators"][0]["computedScore"], "15.00",
        "met: coefficient 1"
    );
    let listed = app
        .gql(
            None,
            "{ scoringProfiles { code rules { coefficientBands { minPercent coefficient } } } }",
            json!({}),
        )
        .await;
    let profiles = listed["data"]["scoringProfiles"]
        .as_array()
        .expect("profiles");
    let ours = profiles
        .iter()
        .find(|p| p["code"] == "YUEYANG-YUNXI")
        .expect("ours");
    assert_eq!(
        ours["rules"]["coefficientBands"][1],
        json!({ "minPercent": "80", "coefficient": "0.8" })
    );
    let national = profiles
        .iter()
        .find(|p| p["code"] == "NATIONAL")
        .expect("national");
    assert_eq!(national["rules"]["coefficientBands"], json!([]));
    // A severity override must name a check that exists (a typo would be silently ignored).
    let mut typo = rules.clone();
    typo["severities"] = json!([{ "code": "WEIGHT_SUM", "severity": "ERROR" }]);
    let r = app
        .gql(
            Some(&admin),
            upsert,
            json!({ "i": { "code": "TYPO", "name": "坏", "rules": typo } }),
        )
        .await;
    let e = &r["data"]["upsertScoringProfile"]["userErrors"][0];
    assert_eq!(e["code"], "INVALID", "{r}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("WEIGHT_SUM")),
        "{r}"
    );
    for bad_bands in [
        json!([{ "minPercent": "80", "coefficient": "1.5" }]),
        json!([{ "minPercent": "120", "coefficient": "1" }]),
        json!([{ "minPercent": "80", "coefficient": "0.8" }, { "minPercent": "80.0", "coefficient": "0.7" }]),
    ] {
        let mut bad = rules.clone();
        bad["coefficientBands"] = bad_bands.clone();
        let r = app
            .gql(
                Some(&admin),
                upsert,
                json!({ "i": { "code": "BAD-BANDS", "name": "坏", "rules": bad } }),
            )
            .await;
        assert_eq!(
            r["data"]["upsertScoringProfile"]["userErrors"][0]["code"], "INVALID",
            "{bad_bands}: {r}"
        );
    }
    let mut bad = rules.clone();
    bad["level1Weights"]["output"] = json!("60");
    let r = app
        .gql(
            Some(&admin),
            upsert,
            json!({ "i": { "code": "BAD", "name": "坏", "rules": bad } }),
        )
        .await;
    assert_eq!(
        r["data"]["upsertScoringProfile"]["userErrors"][0]["code"], "INVALID",
        "{r}"
    );
}

#[tokio::test]
async fn statistics_are_computed_in_sql() {
    let app = TestApp::spawn().await;
    app.upsert_fixture().await;
    app.gql(Some(&app.preparer()), UPSERT, json!({ "input": project() }))
        .await;
    let q = "query($f: ReportFilter) { reportStatistics(filter: $f) { count declared { count average min max distribution { from count } grades { grade count } } computed { count average grades { grade count } } money { income expenditure basicExpenditure projectExpenditure currentBalance threePublic } } }";
    let s = app.gql(Some(&app.preparer()), q, json!({})).await;
    let st = &s["data"]["reportStatistics"];
    assert_eq!(st["count"], 2, "{s}");
    assert_eq!(st["declared"]["average"], "95.25");
    assert_eq!(st["declared"]["min"], "95.00");
    assert_eq!(st["declared"]["max"], "95.50");
    assert_eq!(
        st["declared"]["distribution"],
        json!([{ "from": 90, "count": 2 }])
    );
    assert_eq!(
        st["declared"]["grades"],
        json!([{ "grade": "优秀", "count": 2 }])
    );
    assert_eq!(st["computed"]["count"], 2);
    assert_eq!(st["money"]["income"], "680.54");
    assert_eq!(st["money"]["expenditure"], "631.44");
    assert_eq!(st["money"]["threePublic"], serde_json::Value::Null);
    let year = app
        .gql(
            Some(&app.preparer()),
            q,
            json!({ "f": { "fiscalYear": 2024 } }),
        )
        .await;
    assert_eq!(year["data"]["reportStatistics"]["count"], 1);
    assert_eq!(
        year["data"]["reportStatistics"]["money"]["income"],
        serde_json::Value::Null
    );
    let anonymous = app.gql(None, q, json!({})).await;
    assert_eq!(
        anonymous["data"]["reportStatistics"]["count"], 0,
        "drafts are not public"
    );
}
