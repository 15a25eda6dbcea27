//! Amounts have a range (|x| < 10^12 万元), refused at write time; sums, averages and ratios
//! never overflow, whatever the stored values.

use crate::support::{TestApp, UPSERT, fixture};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const EDGE: &str = "999999999999.99";
const CREATE: &str = "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { id } userErrors { field code message } } }";
const STATISTICS: &str = "{ reportStatistics { count declared { count average min max distribution { from count } } computed { count } money { income expenditure basicExpenditure projectExpenditure currentBalance threePublic fixedAssets } } }";

fn doc(unit: Value) -> Value {
    json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "岳阳市云溪区科技和工业信息化局",
        "finance": { "units": [unit] }
    })
}

#[tokio::test]
async fn amounts_out_of_range_are_refused_at_write_time() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    for (value, ok) in [
        (EDGE, true),
        ("-999999999999.99", true),
        ("999999999999.999999", true),
        ("1000000000000", false),
        ("-1000000000000.00", false),
        ("9999999999999999.99", false),
        ("99999999999999999999", false),
    ] {
        let unit = json!({ "name": "局机关", "income": { "total": value }, "expenditure": { "currentBalance": value } });
        let body = app
            .gql(Some(&preparer), CREATE, json!({ "d": doc(unit) }))
            .await;
        let errors = &body["data"]["createReport"]["userErrors"];
        if ok {
            assert_eq!(errors, &json!([]), "{value}: {body}");
        } else {
            assert_eq!(errors[0]["code"], "OUT_OF_RANGE", "{value}: {body}");
            assert_eq!(
                errors[0]["field"],
                json!(["document", "finance", "units", "0", "income", "total"]),
                "{value}: {body}"
            );
            let message = errors[0]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("10^12") || message.contains("1000000000000"),
                "{message}"
            );
        }
    }
    // Beyond anything a decimal holds: refused by the scalar, with the same code.
    let unit = json!({ "name": "局机关", "income": { "total": format!("1{}", "0".repeat(40)) } });
    let body = app
        .gql(Some(&preparer), CREATE, json!({ "d": doc(unit) }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "OUT_OF_RANGE",
        "{body}"
    );
    // Parsed indicator values and funding lines share the range.
    let mut input = fixture();
    input["document"]["indicators"][0]["actual"]["value"] = json!("1000000000000");
    input["document"]["funding"] = json!([{ "line": "TOTAL", "adjustedBudget": "-1000000000000" }]);
    let body = app
        .gql(Some(&preparer), UPSERT, json!({ "input": input }))
        .await;
    let codes: Vec<&Value> = body["data"]["upsertReport"]["userErrors"]
        .as_array()
        .expect("user errors")
        .iter()
        .map(|e| &e["code"])
        .collect();
    assert_eq!(codes, vec!["OUT_OF_RANGE", "OUT_OF_RANGE"], "{body}");
}

/// Many reports with amounts at the edge of the range, then stored values far beyond it (rows
/// written before the range existed): `reportStatistics` answers exactly, on both databases.
#[tokio::test]
async fn statistics_sum_without_overflow() {
    let app = TestApp::spawn().await;
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let reports = 40usize;
    let units = 10usize;
    let cells = json!({
        "income": { "total": EDGE },
        "expenditure": { "total": EDGE, "basic": EDGE, "project": EDGE, "currentBalance": format!("-{EDGE}") },
        "threePublic": { "total": EDGE },
        "fixedAssets": { "total": EDGE }
    });
    let documents: Vec<Value> = (0..reports)
        .map(|i| {
            let mut unit_rows = Vec::new();
            for u in 0..units {
                let mut row = cells.clone();
                row["name"] = json!(format!("单位{u}"));
                unit_rows.push(row);
            }
            json!({ "externalId": format!("edge-{i}"), "document": {
                "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": format!("单位{i}"),
                "declaredScore": "100", "finance": { "units": unit_rows }
            } })
        })
        .collect();
    let body = app
        .gql(
            Some(&sync),
            "mutation($d: [UpsertReportInput!]!) { importReports(input: { documents: $d }) { created failed results { userErrors { code message } } } }",
            json!({ "d": documents }),
        )
        .await;
    assert_eq!(body["data"]["importReports"]["created"], reports, "{body}");
    let admin = app.token(&["ADMIN"], &["*"]);
    let stats = app.gql(Some(&admin), STATISTICS, json!({})).await;
    assert!(stats["errors"].is_null(), "{stats}");
    let s = &stats["data"]["reportStatistics"];
    let n = (reports * units) as i128;
    let edge_total = format_fen(n * 999_999_999_999_990_000);
    assert_eq!(s["count"], reports, "{stats}");
    assert_eq!(s["money"]["income"], edge_total.as_str(), "{stats}");
    assert_eq!(s["money"]["fixedAssets"], edge_total.as_str(), "{stats}");
    assert_eq!(
        s["money"]["currentBalance"],
        format!("-{edge_total}").as_str(),
        "{stats}"
    );
    assert_eq!(s["declared"]["average"], "100.00", "{stats}");
    assert_eq!(
        s["declared"]["distribution"],
        json!([{ "from": 90, "count": reports }])
    );
    // Rows far beyond today's range (as an older release could store them): the sums exceed
    // 64 bits and are still exact.
    let big: i64 = 999_999_999_999_999_999;
    for sql in [
        format!(
            "UPDATE finance_unit SET income_total = {big}, balance_current = -{big}, expenditure_total = {}",
            i64::MAX
        ),
        "UPDATE data_version SET version = version + 1".to_owned(),
    ] {
        app.db.conn.execute_unprepared(&sql).await.expect("update");
    }
    let stats = app.gql(Some(&admin), STATISTICS, json!({})).await;
    assert!(stats["errors"].is_null(), "{stats}");
    let s = &stats["data"]["reportStatistics"];
    assert_eq!(
        s["money"]["income"],
        format_fen(n * i128::from(big)).as_str(),
        "{stats}"
    );
    assert_eq!(
        s["money"]["currentBalance"],
        format_fen(-n * i128::from(big)).as_str(),
        "{stats}"
    );
    assert_eq!(
        s["money"]["expenditure"],
        format_fen(n * i128::from(i64::MAX)).as_str(),
        "{stats}"
    );
    // Anyone whose scope holds these reports gets the answer, not an error.
    let preparer = app.preparer();
    let stats = app.gql(Some(&preparer), STATISTICS, json!({})).await;
    assert!(stats["errors"].is_null(), "{stats}");
}

/// A hundredths count as a decimal string with two decimals.
/// A sum of fen in 万元, as statistics show it: exact, at least two decimals.
fn format_fen(v: i128) -> String {
    let mut d = rust_decimal::Decimal::from_i128_with_scale(v, 6).normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

/// Ratios with huge or tiny figures, and zero or negative denominators, never panic or fail:
/// writes, assessments, validation and execution rates answer.
#[tokio::test]
async fn ratios_never_overflow_or_divide_by_zero() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let huge = "79228162514264337593543950335";
    let indicators = json!([
        { "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≥0.000001个" }, "actual": { "text": format!("{huge}个") } },
        { "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≤0.000001个" }, "actual": { "text": format!("{huge}个") } },
        { "category": "OUTPUT", "subcategory": "QUALITY", "target": { "text": format!("≥{huge}个") }, "actual": { "text": "0.000001个" } },
        { "category": "OUTCOME", "subcategory": "ECONOMIC", "target": { "text": "≤0.01万元" }, "actual": { "text": format!("{huge}亿元") } },
        { "category": "OUTCOME", "subcategory": "SOCIAL", "target": { "text": "≥-5个" }, "actual": { "text": "-7个" } },
        { "category": "OUTCOME", "subcategory": "SOCIAL", "target": { "text": "≤0个" }, "actual": { "text": "3个" } }
    ]);
    for (adjusted, executed, rate) in [
        ("0", "50", Value::Null),
        ("-100", "50", Value::Null),
        ("0.01", EDGE, json!("9999999999999900")),
        ("100", "45.6", json!("45.60")),
    ] {
        let d = json!({
            "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "岳阳市云溪区科技和工业信息化局",
            "kind": "PROJECT", "declaredScore": "90",
            "indicators": indicators,
            "funding": [{ "line": "TOTAL", "adjustedBudget": adjusted, "executed": executed, "weight": "10" }]
        });
        let body = app
            .gql(
                Some(&preparer),
                "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { id funding { executionRate } assessment { computedScore rawScore budgetExecution { rate score } } validation { findings { code } } } userErrors { code } } }",
                json!({ "d": d }),
            )
            .await;
        assert!(body["errors"].is_null(), "{adjusted}/{executed}: {body}");
        let report = &body["data"]["createReport"]["report"];
        assert_eq!(report["funding"][0]["executionRate"], rate, "{body}");
        if rate.is_null() {
            assert!(report["assessment"]["budgetExecution"].is_null(), "{body}");
        }
        let validated = app
            .gql(
                Some(&preparer),
                "query($d: ReportDocumentInput!) { validateReport(input: $d) { findings { code } } }",
                json!({ "d": d }),
            )
            .await;
        assert!(validated["errors"].is_null(), "{validated}");
    }
    let stats = app.gql(Some(&preparer), STATISTICS, json!({})).await;
    assert!(stats["errors"].is_null(), "{stats}");
}

/// A scoring profile's numbers have ranges too, so that no rule can push the score arithmetic
/// out of bounds: weights 0–100 (even when they sum to 100), percentages 0–1,000,000, a
/// tolerance that is an amount.
#[tokio::test]
async fn scoring_profile_numbers_have_ranges() {
    let app = TestApp::spawn().await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let rules = app.gql(None, "{ scoringProfiles { rules { level1Weights { budgetExecution output outcome satisfaction } higherBetter lowerBetter equality qualitativeBands { label minPercent maxPercent achievement } overAchievement { thresholdPercent scoreCapPercent } gradeBands { minScore grade labels } arithmeticTolerance severities { code severity } partialYearMarkers } } }", json!({})).await["data"]["scoringProfiles"][0]["rules"].clone();
    let upsert = "mutation($i: UpsertScoringProfileInput!) { upsertScoringProfile(input: $i) { profile { code } userErrors { code message } } }";
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<Edit> = vec![
        Box::new(|r| {
            r["level1Weights"]["output"] = json!("1000000000000000000050");
            r["level1Weights"]["outcome"] = json!("-999999999999999999970");
        }),
        Box::new(|r| r["overAchievement"]["scoreCapPercent"] = json!("10000000000")),
        Box::new(|r| r["overAchievement"]["thresholdPercent"] = json!("-1")),
        Box::new(|r| r["arithmeticTolerance"] = json!("0.001")),
        Box::new(|r| r["gradeBands"][0]["minScore"] = json!("1000000000000000000000")),
    ];
    for edit in edits {
        let mut bad = rules.clone();
        edit(&mut bad);
        let body = app
            .gql(
                Some(&admin),
                upsert,
                json!({ "i": { "code": "BAD", "name": "坏", "rules": bad } }),
            )
            .await;
        assert_eq!(
            body["data"]["upsertScoringProfile"]["userErrors"][0]["code"], "INVALID",
            "{bad}: {body}"
        );
    }
    let body = app
        .gql(
            Some(&admin),
            upsert,
            json!({ "i": { "code": "OK", "name": "好", "rules": rules } }),
        )
        .await;
    assert_eq!(
        body["data"]["upsertScoringProfile"]["userErrors"],
        json!([]),
        "{body}"
    );
}
