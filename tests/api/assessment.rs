//! Assessment and the reviewer's checks on the reference report, and on a project report that
//! exercises every scoring rule.

use crate::support::{TestApp, UPSERT, fixture};
use serde_json::{Value, json};

const VALIDATION: &str = "query($id: ID!) { report(id: $id) { validation { profileCode valid errorCount warningCount findings { code severity path message expected actual } } } }";

fn findings<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == code)
        .collect()
}

#[tokio::test]
async fn the_reference_reports_arithmetic_and_plausibility_findings() {
    let app = TestApp::spawn().await;
    let id = app.upsert_fixture().await["report"]["id"].clone();
    let body = app
        .gql(Some(&app.preparer()), VALIDATION, json!({ "id": id }))
        .await;
    let v = &body["data"]["report"]["validation"];
    assert_eq!(v["profileCode"], "NATIONAL", "{body}");
    assert_eq!(v["valid"], false);
    let income = findings(v, "INCOME_TOTAL_MISMATCH");
    assert_eq!(income.len(), 1, "{v}");
    assert_eq!(income[0]["severity"], "ERROR");
    assert_eq!(income[0]["path"], "finance.units.0.income.total");
    assert_eq!(income[0]["expected"], "680.52");
    assert_eq!(income[0]["actual"], "680.54");
    assert!(
        income[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("相差 0.02 万元"),
        "{}",
        income[0]
    );
    for code in [
        "EXPENDITURE_TOTAL_MISMATCH",
        "BASIC_EXPENDITURE_MISMATCH",
        "CURRENT_BALANCE_MISMATCH",
        "GRADE_MISMATCH",
    ] {
        assert!(
            findings(v, code).is_empty(),
            "{code} holds in the reference: {v}"
        );
    }
    let headcount = findings(v, "HEADCOUNT_OVER_AUTHORISED");
    assert_eq!(headcount.len(), 1);
    assert!(
        headcount[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("129.41%"),
        "{}",
        headcount[0]
    );
    assert_eq!(findings(v, "BUDGET_CODE_MISSING").len(), 1);
    assert_eq!(findings(v, "SUMMARY_BLANK").len(), 1);
    assert_eq!(
        v["errorCount"], 1,
        "only the income identity is an error: {v}"
    );
}

#[tokio::test]
async fn submission_is_refused_while_validation_has_errors() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let id = app
        .gql(Some(&preparer), UPSERT, json!({ "input": input }))
        .await["data"]["upsertReport"]["report"]["id"]
        .clone();
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let sign = "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }";
    app.gql(
        Some(&leader),
        sign,
        json!({ "i": { "reportId": id, "role": "GROUP_LEADER" } }),
    )
    .await;
    let submit = "mutation($i: TransitionInput!) { submitReport(input: $i) { report { status } userErrors { code field message } } }";
    let r = app
        .gql(Some(&preparer), submit, json!({ "i": { "reportId": id } }))
        .await;
    let errors = &r["data"]["submitReport"]["userErrors"];
    assert_eq!(errors[0]["code"], "VALIDATION_FAILED", "{r}");
    assert_eq!(
        errors[0]["field"],
        json!(["finance", "units", "0", "income", "total"])
    );
}

pub(crate) const ASSESSMENT: &str = "query($id: ID!) { report(id: $id) { computedScore computedGrade assessment { profileCode computedScore computedGrade declaredScore declaredGrade scoreDifference gradeMatches applicableWeight rawScore budgetExecution { rate weight score } indicators { index achievement reason weight computedScore explanation indicator { id } comparisons { label comparator target actual unit met ratio } } } validation { valid findings { code severity path message expected actual } } } }";

pub(crate) fn project() -> Value {
    serde_json::from_str(include_str!("../fixtures/project-report.json")).expect("project fixture")
}

#[tokio::test]
async fn the_project_report_exercises_every_scoring_rule() {
    let app = TestApp::spawn().await;
    let written = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": project() }))
        .await;
    let id = written["data"]["upsertReport"]["report"]["id"].clone();
    assert!(!id.is_null(), "{written}");
    let body = app
        .gql(Some(&app.preparer()), ASSESSMENT, json!({ "id": id }))
        .await;
    let r = &body["data"]["report"];
    let a = &r["assessment"];
    let scores: Vec<Value> = a["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["computedScore"].clone())
        .collect();
    // ≥ met; ≥ short (16/20); = 100%; ≥ met; ≤ over by 10 % (linear: 1 − 9/90); ≥ met in 亿元;
    // = 0 met; qualitative band 达成年度指标 (top of 80–100 %); ≥ met.
    assert_eq!(
        scores,
        [
            "15.00", "8.00", "10.00", "5.00", "9.00", "10.00", "5.00", "15.00", "10.00"
        ]
        .map(|s| json!(s)),
        "{a}"
    );
    let achievements: Vec<&str> = a["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["achievement"].as_str())
        .collect();
    assert_eq!(
        achievements,
        [
            "MET", "NOT_MET", "MET", "MET", "NOT_MET", "MET", "MET", "MET", "MET"
        ]
    );
    assert_eq!(
        a["budgetExecution"],
        json!({ "rate": "95.00", "weight": "10.00", "score": "9.50" })
    );
    assert_eq!(a["computedScore"], "96.50", "{a}");
    assert_eq!(a["computedGrade"], "优");
    assert_eq!(a["declaredScore"], "95.50");
    assert_eq!(a["scoreDifference"], "-1.00");
    assert_eq!(a["gradeMatches"], true);
    assert_eq!(r["computedScore"], "96.50", "stored at write time");
    let per = app.gql(Some(&app.preparer()), "query($id: ID!) { report(id: $id) { indicators { achievement computedScore qualitativeOutcome } } }", json!({ "id": id })).await;
    let rows = &per["data"]["report"]["indicators"];
    assert_eq!(
        rows[1],
        json!({ "achievement": "NOT_MET", "computedScore": "8.00", "qualitativeOutcome": null }),
        "{per}"
    );
    assert_eq!(
        rows[7],
        json!({ "achievement": "MET", "computedScore": "15.00", "qualitativeOutcome": "达成年度指标" })
    );
    assert_eq!(
        a["indicators"][5]["comparisons"][0],
        json!({ "label": a["indicators"][5]["comparisons"][0]["label"], "comparator": "GTE", "target": "15000", "actual": "21000", "unit": "万元", "met": true, "ratio": "1" })
    );
    let v = &r["validation"];
    assert_eq!(v["valid"], true, "{v}");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"OVER_ACHIEVEMENT"), "{codes:?}");
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "ACTUAL_EQUALS_TARGET")
            .count(),
        2,
        "{codes:?}"
    );
    for absent in [
        "WEIGHTS_SUM",
        "TOTAL_NOT_SUM",
        "EXECUTION_SCORE_MISMATCH",
        "FUNDING_TOTAL_MISMATCH",
        "DEVIATION_REASON_MISSING",
        "QUALITATIVE_SCORE_OUT_OF_BAND",
    ] {
        assert!(!codes.contains(&absent), "{absent}: {v}");
    }
}

#[tokio::test]
async fn validate_report_checks_an_unsaved_document() {
    let app = TestApp::spawn().await;
    let mut doc = project()["document"].clone();
    doc["indicators"][7]["declaredScore"] = json!("8");
    doc["funding"][0]["executed"] = json!("500");
    doc["funding"][0]["declaredScore"] = json!("10");
    doc["declaredGrade"] = json!("良好");
    let q = "query($d: ReportDocumentInput!) { validateReport(input: $d) { valid errorCount findings { code severity path expected actual message } } }";
    let body = app.gql(None, q, json!({ "d": doc })).await;
    let v = &body["data"]["validateReport"];
    let find = |code: &str| {
        v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["code"] == code)
            .cloned()
    };
    let band = find("QUALITATIVE_SCORE_OUT_OF_BAND").expect("band finding");
    assert_eq!(band["path"], "indicators.7.declaredScore", "{v}");
    assert_eq!(band["expected"], "12.00–15.00");
    let over = find("EXECUTED_OVER_BUDGET").expect("over budget");
    assert_eq!(over["actual"], "500", "as written");
    let mismatch = find("FUNDING_TOTAL_MISMATCH").expect("funding parts");
    assert_eq!(mismatch["expected"], "456");
    assert!(
        find("GRADE_MISMATCH").is_some(),
        "95.5 is 优, not 良好: {v}"
    );
    assert!(find("TOTAL_NOT_SUM").is_some(), "{v}");
    assert_eq!(v["valid"], false);
    assert_eq!(app.report_count().await, 0, "validateReport writes nothing");
    let bad = app
        .gql(
            None,
            q,
            json!({ "d": { "departmentCode": "YX-KGJ", "fiscalYear": 1800, "unitName": "x" } }),
        )
        .await;
    assert_eq!(
        bad["data"]["validateReport"]["findings"][0]["code"], "INVALID_INPUT",
        "{bad}"
    );
}

#[tokio::test]
async fn assessing_the_reference_report() {
    let app = TestApp::spawn().await;
    let id = app.upsert_fixture().await["report"]["id"].clone();
    let body = app
        .gql(Some(&app.preparer()), ASSESSMENT, json!({ "id": id }))
        .await;
    let a = &body["data"]["report"]["assessment"];
    println!("{}", serde_json::to_string_pretty(a).unwrap_or_default());
    let ind = |i: usize| &a["indicators"][i];
    // 质量指标2: both investment growth rates are below the city average.
    assert_eq!(ind(1)["achievement"], "PARTIALLY_MET", "{}", ind(1));
    let short: Vec<&Value> = ind(1)["comparisons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["met"] == false)
        .collect();
    assert_eq!(short.len(), 2, "{}", ind(1));
    assert_eq!(
        (short[0]["actual"].clone(), short[0]["target"].clone()),
        (json!("3.6"), json!("27.4"))
    );
    assert_eq!(
        (short[1]["actual"].clone(), short[1]["target"].clone()),
        (json!("23.7"), json!("38.1"))
    );
    // 质量指标3 names no figure the outcome can be held against.
    assert_eq!(ind(2)["achievement"], "NOT_ASSESSABLE");
    // 数量指标1 and 3: above the city's targets.
    assert_eq!(ind(3)["achievement"], "MET", "{}", ind(3));
    assert_eq!(ind(3)["comparisons"][0]["actual"], "58.47");
    assert_eq!(ind(5)["achievement"], "MET", "{}", ind(5));
    // 时效指标2 is narrative only.
    assert_eq!(ind(7)["achievement"], "NOT_ASSESSABLE");
    // The empty 效益 and 满意度 rows as filed.
    for i in 12..16 {
        assert_eq!(ind(i)["achievement"], "NOT_ASSESSABLE");
        assert_eq!(ind(i)["reason"], "TARGET_MISSING");
    }
    // 质量指标1: 886.97亿元 ≥ 500亿元, but 区本级 tax 6.29亿元 < 8.5亿.
    assert_eq!(ind(0)["achievement"], "PARTIALLY_MET", "{}", ind(0));
    assert!(
        ind(0)["explanation"]
            .as_str()
            .unwrap_or("")
            .contains("886.97亿元（目标 ≥500亿元）达成"),
        "{}",
        ind(0)
    );
    // The declared 95 against the evidence: the nine output indicators that can be checked
    // support 95.09 (50 points shared among them, exactly, rescaled to 100 and rounded once;
    // rounding row by row gave 95.14), but 效益 and 满意度 were
    // filed empty and three output rows cannot be checked.
    assert_eq!(a["declaredScore"], "95.00");
    assert_eq!(a["computedScore"], "95.09", "{a}");
    assert_eq!(a["computedGrade"], "优");
    assert_eq!(a["scoreDifference"], "-0.09");
    assert_eq!(a["applicableWeight"], "50.00");
    let not_assessable = a["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["achievement"] == "NOT_ASSESSABLE")
        .count();
    assert_eq!(not_assessable, 7, "3 output rows and the 4 empty rows");
    let v = &body["data"]["report"]["validation"];
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "ACTUAL_EQUALS_TARGET")
            .count(),
        4,
        "新增高新技术企业, 技术合同交易额, 研发经费投入, 研发经费投入增速: {codes:?}"
    );
    assert!(codes.contains(&"OVER_ACHIEVEMENT"));
    assert!(codes.contains(&"DEVIATION_REASON_MISSING"));
    assert!(codes.contains(&"PARTIAL_YEAR_DATA"));
    assert!(codes.contains(&"DECLARED_SCORE_DIFFERS"));
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "CATEGORY_NOT_REPORTED")
            .count(),
        2,
        "效益 and 满意度: {codes:?}"
    );
}

/// Each check of docs/domain.md §6 fires on a document made to break it (and only the project
/// fixture's known plausibility findings otherwise).
#[tokio::test]
async fn each_check_has_its_own_case() {
    let app = TestApp::spawn().await;
    let q = "query($d: ReportDocumentInput!) { validateReport(input: $d) { findings { code severity path expected actual } } }";
    let unit = |income: Value, expenditure: Value| json!({ "name": "局机关", "income": income, "expenditure": expenditure });
    type Break = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, &str, Break)> = vec![
        (
            "EXPENDITURE_TOTAL_MISMATCH",
            "finance.units.0.expenditure.total",
            Box::new(
                move |d| d["finance"] = json!({ "units": [unit(json!({}), json!({ "total": "100", "basic": "60", "project": "30" }))] }),
            ),
        ),
        (
            "BASIC_EXPENDITURE_MISMATCH",
            "finance.units.0.expenditure.basic",
            Box::new(
                move |d| d["finance"] = json!({ "units": [unit(json!({}), json!({ "basic": "60", "personnel": "50", "operating": "5" }))] }),
            ),
        ),
        (
            "CURRENT_BALANCE_MISMATCH",
            "finance.units.0.expenditure.currentBalance",
            Box::new(
                move |d| d["finance"] = json!({ "units": [unit(json!({ "total": "100" }), json!({ "total": "90", "currentBalance": "11" }))] }),
            ),
        ),
        (
            "INCOME_TOTAL_MISMATCH",
            "finance.units.0.income.total",
            Box::new(
                move |d| d["finance"] = json!({ "units": [unit(json!({ "total": "100", "publicFinance": "99" }), json!({}))] }),
            ),
        ),
        (
            "TOTAL_BLANK",
            "finance.units.0.income.total",
            Box::new(move |d| {
                d["finance"] =
                    json!({ "units": [unit(json!({ "publicFinance": "99" }), json!({}))] })
            }),
        ),
        (
            "THREE_PUBLIC_TOTAL_MISMATCH",
            "finance.units.0.threePublic.total",
            Box::new(
                |d| d["finance"] = json!({ "units": [{ "name": "局机关", "threePublic": { "total": "5", "reception": "1", "vehicleOperation": "2" } }] }),
            ),
        ),
        (
            "FIXED_ASSETS_TOTAL_MISMATCH",
            "finance.units.0.fixedAssets.total",
            Box::new(
                |d| d["finance"] = json!({ "units": [{ "name": "局机关", "fixedAssets": { "total": "5", "inUse": "4" } }] }),
            ),
        ),
        (
            "SUMMARY_MISMATCH",
            "finance.summary.income.total",
            Box::new(
                move |d| d["finance"] = json!({ "summary": unit(json!({ "total": "10" }), json!({})), "units": [unit(json!({ "total": "6" }), json!({})), unit(json!({ "total": "5" }), json!({}))] }),
            ),
        ),
        (
            "NEGATIVE_AMOUNT",
            "finance.units.0.income.other",
            Box::new(move |d| {
                d["finance"] = json!({ "units": [unit(json!({ "other": "-1" }), json!({}))] })
            }),
        ),
        (
            "AMOUNT_IN_YUAN",
            "finance.units.0.income.total",
            Box::new(move |d| {
                d["finance"] = json!({ "units": [unit(json!({ "total": "6805400" }), json!({}))] })
            }),
        ),
        (
            "FUNDING_TOTAL_MISMATCH",
            "funding.0.initialBudget",
            Box::new(|d| d["funding"][1]["initialBudget"] = json!("401")),
        ),
        (
            "EXECUTED_OVER_BUDGET",
            "funding.2.executed",
            Box::new(|d| d["funding"][2]["executed"] = json!("61")),
        ),
        (
            "COEFFICIENT_SCORE_MISMATCH",
            "indicators.0.declaredScore",
            Box::new(|d| d["indicators"][0]["scoreCoefficient"] = json!("0.9")),
        ),
        (
            "CORE_INDICATOR_NOT_MET",
            "indicators.1",
            Box::new(|d| d["indicators"][1]["core"] = json!(true)),
        ),
        (
            "FULL_MARKS_FOR_MISSED_TARGET",
            "indicators.1.declaredScore",
            Box::new(|d| {
                d["indicators"][1]["declaredScore"] = d["indicators"][1]["weight"].clone()
            }),
        ),
        (
            "PARTIAL_MARKS_FOR_MET_TARGET",
            "indicators.0.declaredScore",
            Box::new(|d| d["indicators"][0]["declaredScore"] = json!("14")),
        ),
        (
            "WEIGHT_WITHOUT_TARGET",
            "indicators.3.target",
            Box::new(|d| d["indicators"][3]["target"]["text"] = json!("")),
        ),
        (
            "TARGET_IMPLAUSIBLE",
            "indicators.2.target.text",
            Box::new(|d| d["indicators"][2]["target"]["text"] = json!("≥290%")),
        ),
        (
            "FIGURE_UNSURE",
            "indicators.2.target.text",
            Box::new(|d| d["indicators"][2]["target"]["text"] = json!("二100%")),
        ),
        (
            "EXECUTION_LOW",
            "funding.executed",
            Box::new(|d| d["funding"][0]["executed"] = json!("51.7")),
        ),
        (
            "SCORE_OVER_WEIGHT",
            "indicators.0.declaredScore",
            Box::new(|d| d["indicators"][0]["declaredScore"] = json!("16")),
        ),
        (
            "WEIGHTS_SUM",
            "indicators",
            Box::new(|d| d["indicators"][0]["weight"] = json!("14")),
        ),
        (
            "TOTAL_NOT_SUM",
            "declaredScore",
            Box::new(|d| d["declaredScore"] = json!("96")),
        ),
        (
            "EXECUTION_SCORE_MISMATCH",
            "funding.declaredScore",
            Box::new(|d| d["funding"][0]["declaredScore"] = json!("9")),
        ),
        (
            "QUALITATIVE_SCORE_OUT_OF_BAND",
            "indicators.7.declaredScore",
            Box::new(|d| d["indicators"][7]["declaredScore"] = json!("11")),
        ),
        (
            "DEVIATION_REASON_MISSING",
            "indicators.1.deviationReason",
            Box::new(|d| d["indicators"][1]["deviationReason"] = Value::Null),
        ),
        (
            "PERCENT_OUT_OF_RANGE",
            "indicators.8.actual.text",
            Box::new(|d| d["indicators"][8]["actual"]["text"] = json!("企业满意度130%")),
        ),
        (
            "PARTIAL_YEAR_DATA",
            "indicators.0.actual.text",
            Box::new(|d| d["indicators"][0]["actual"]["text"] = json!("截止11月支持52家")),
        ),
        (
            "NARRATIVE_CONTRADICTS_TABLES",
            "sections.0.body",
            Box::new(move |d| {
                d["finance"] = json!({ "units": [unit(json!({}), json!({ "total": "456" }))] });
                d["sections"][0]["body"] = json!("2024年总支出为460万元。");
            }),
        ),
        (
            "GRADE_MISMATCH",
            "declaredGrade",
            Box::new(|d| d["declaredGrade"] = json!("良好")),
        ),
        (
            "GRADE_UNKNOWN",
            "declaredGrade",
            Box::new(|d| d["declaredGrade"] = json!("甲等")),
        ),
        (
            "REPORT_DATE_MISSING",
            "reportDate",
            Box::new(|d| d["reportDate"] = Value::Null),
        ),
        (
            "BUDGET_CODE_MISSING",
            "budgetCode",
            Box::new(|d| d["budgetCode"] = Value::Null),
        ),
        (
            "FUNDING_MISSING",
            "funding",
            Box::new(|d| d["funding"] = json!([])),
        ),
        (
            "HEADCOUNT_OVER_AUTHORISED",
            "profile.actualHeadcount",
            Box::new(|d| {
                d["profile"] = json!({ "authorisedHeadcount": 10, "actualHeadcount": 12 })
            }),
        ),
        (
            "CATEGORY_NOT_REPORTED",
            "indicators",
            Box::new(|d| {
                let rows: Vec<Value> = d["indicators"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|i| i["category"] != "SATISFACTION")
                    .collect();
                d["indicators"] = json!(rows);
            }),
        ),
    ];
    let clean = app
        .gql(None, q, json!({ "d": project()["document"] }))
        .await;
    let baseline: Vec<String> = clean["data"]["validateReport"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        baseline,
        [
            "ACTUAL_EQUALS_TARGET",
            "OVER_ACHIEVEMENT",
            "ACTUAL_EQUALS_TARGET",
            "BUDGET_ADJUSTED",
            "DECLARED_SCORE_DIFFERS"
        ],
        "{clean}"
    );
    for (code, path, break_it) in cases {
        assert!(
            !baseline.iter().any(|b| b == code),
            "{code} fires on the clean fixture"
        );
        let mut doc = project()["document"].clone();
        break_it(&mut doc);
        let body = app.gql(None, q, json!({ "d": doc })).await;
        let found: Vec<&Value> = body["data"]["validateReport"]["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["code"] == code)
            .collect();
        assert!(!found.is_empty(), "{code} not found: {body}");
        assert_eq!(found[0]["path"], path, "{code}: {body}");
    }
}
