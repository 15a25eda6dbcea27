//! What real forms carry beyond the reference report: blank outcomes that must not score,
//! unsaved documents assessed, and the variants of the form (own level-1 weights, 决策/过程
//! groups, expenditure funding rows, declared 执行率, core flag, 得分系数, 年初 goals). The cases
//! are written for the suite after the shapes of county and province forms (项目支出 and 部门整体).

use crate::support::TestApp;
use serde_json::{Value, json};

/// A project form published with every outcome blank scored 100 / 优 from budget execution
/// alone: now it has no computed score or grade, and says why; its stored score is null too.
#[tokio::test]
async fn a_form_with_nothing_assessable_but_execution_gets_no_score() {
    let app = TestApp::spawn().await;
    let document = json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "空表局", "kind": "PROJECT",
        "indicators": [
            { "category": "OUTPUT", "subcategory": "QUANTITY", "name": "培训人次", "target": { "text": "≥500人次" } },
            { "category": "OUTCOME", "subcategory": "SOCIAL", "name": "群众满意", "target": { "text": "≥95%" } }
        ],
        "funding": [{ "line": "TOTAL", "adjustedBudget": "100", "executed": "100", "weight": "10" }]
    });
    let body = app
        .gql(
            Some(&app.preparer()),
            "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { computedScore computedGrade assessment { applicableWeight computedScore computedGrade computedScoreWithheld } } userErrors { code } } }",
            json!({ "d": document }),
        )
        .await;
    let report = &body["data"]["createReport"]["report"];
    assert_eq!(report["computedScore"], Value::Null, "{body}");
    assert_eq!(report["computedGrade"], Value::Null, "{body}");
    let a = &report["assessment"];
    assert_eq!(a["applicableWeight"], "10.00", "{body}");
    assert_eq!(a["computedScore"], Value::Null);
    assert_eq!(a["computedGrade"], Value::Null);
    let why = a["computedScoreWithheld"].as_str().unwrap_or_default();
    assert!(why.contains("不计算总分") && why.contains("50"), "{why}");
    // As an older release stored it: 100 / 优. An upgrade recomputes the stored score.
    use migration::MigratorTrait;
    use sea_orm::ConnectionTrait;
    app.db
        .conn
        .execute_unprepared("UPDATE report SET computed_score = 10000, computed_grade = '优'")
        .await
        .expect("old score");
    migration::Migrator::down(&app.db.conn, Some(1))
        .await
        .expect("down");
    app.db.migrate().await.expect("upgrade");
    let listed = app
        .gql(
            Some(&app.preparer()),
            "{ reports(first: 5) { nodes { computedScore computedGrade } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["reports"]["nodes"],
        json!([{ "computedScore": null, "computedGrade": null }]),
        "{listed}"
    );
}

/// `validateReport` assesses the unsaved document as it would be once saved; a saved
/// indicator's target and actual give the comparator, value and unit read from the text.
#[tokio::test]
async fn unsaved_documents_are_assessed_and_saved_figures_are_read() {
    let app = TestApp::spawn().await;
    let doc = json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "读数局",
        "indicators": [
            { "category": "OUTPUT", "subcategory": "QUANTITY", "name": "企业数", "target": { "text": "≥50个" }, "actual": { "text": "52个" } },
            { "category": "OUTPUT", "subcategory": "QUANTITY", "name": "收入", "target": { "text": "技工贸收入≥500亿元，税收≥8.5亿元" }, "actual": { "text": "技工贸收入886.97亿元" } },
            { "category": "OUTPUT", "subcategory": "QUALITY", "name": "合格率", "target": { "text": "≥95%", "comparator": "GT", "value": "95", "unit": "%" } }
        ]
    });
    let q = "query($d: ReportDocumentInput!) { validateReport(input: $d) { valid assessment { computedScore applicableWeight indicators { index achievement computedScore } } } }";
    let body = app.gql(None, q, json!({ "d": doc.clone() })).await;
    let a = &body["data"]["validateReport"]["assessment"];
    assert_eq!(a["indicators"][0]["achievement"], "MET", "{body}");
    assert_eq!(a["applicableWeight"], "50", "{body}");
    assert!(a["computedScore"].is_string(), "{body}");
    // A document with field errors has findings and no assessment.
    let mut bad = doc.clone();
    bad["fiscalYear"] = json!(1900);
    let body = app.gql(None, q, json!({ "d": bad })).await;
    assert_eq!(body["data"]["validateReport"]["valid"], false, "{body}");
    assert_eq!(
        body["data"]["validateReport"]["assessment"],
        Value::Null,
        "{body}"
    );
    // Saved: parts read from a one-figure text, none from a text of several, given parts kept.
    let created = app
        .gql(
            Some(&app.preparer()),
            "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { indicators { target { text comparator value unit doubt } actual { comparator value unit } } } } }",
            json!({ "d": doc }),
        )
        .await;
    let rows = &created["data"]["createReport"]["report"]["indicators"];
    assert_eq!(
        rows[0]["target"],
        json!({ "text": "≥50个", "comparator": "GTE", "value": "50", "unit": "个", "doubt": null }),
        "{created}"
    );
    assert_eq!(
        rows[0]["actual"],
        json!({ "comparator": null, "value": "52", "unit": "个" })
    );
    assert_eq!(
        (
            &rows[1]["target"]["comparator"],
            &rows[1]["target"]["value"],
            &rows[1]["target"]["unit"]
        ),
        (&Value::Null, &Value::Null, &Value::Null),
        "two figures: none is the figure"
    );
    assert_eq!(rows[1]["actual"]["unit"], "亿元");
    assert_eq!(rows[2]["target"]["comparator"], "GT", "as given");
    // A figure read from a scanned look-alike is marked unsure, with a finding.
    let mut scanned = doc.clone();
    scanned["indicators"][0]["target"]["text"] = json!("二100%");
    let created = app
        .gql(
            Some(&app.preparer()),
            "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { indicators { target { comparator value unit doubt } } validation { findings { code path actual } } } } }",
            json!({ "d": scanned }),
        )
        .await;
    let report = &created["data"]["createReport"]["report"];
    assert_eq!(
        report["indicators"][0]["target"],
        json!({ "comparator": "EQ", "value": "100", "unit": "%", "doubt": "SCANNED_COMPARATOR" }),
        "{created}"
    );
    let findings = report["validation"]["findings"]
        .as_array()
        .expect("findings");
    assert!(
        findings.iter().any(|f| f["code"] == "FIGURE_UNSURE"
            && f["path"] == "indicators.0.target.text"
            && f["actual"] == "SCANNED_COMPARATOR"),
        "{findings:?}"
    );
}

/// Variants of real forms: a form that states its own level-1 weights (产出 60), scores 决策 and
/// 过程 groups with weights of their own, has 基本支出 / 项目支出 funding rows with 分值 and 得分,
/// and declares its 执行率 (here wrongly).
#[tokio::test]
async fn the_forms_variants_have_a_home_and_are_scored() {
    let app = TestApp::spawn().await;
    let document = json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "变体局", "kind": "PROJECT",
        "level1Weights": { "output": "60", "outcome": "20" },
        "qualitativeGoals": [{ "initial": "年初：培训 600 人次", "expected": "调整后：培训 500 人次", "actual": "完成 500 人次" }],
        "indicators": [
            { "category": "OUTPUT", "subcategory": "QUANTITY", "name": "培训人次", "target": { "text": "≥500人次" }, "actual": { "text": "500人次" }, "core": true, "scoreCoefficient": "1" },
            { "category": "OUTPUT", "subcategory": "QUALITY", "name": "合格率", "target": { "text": "≥90%" }, "actual": { "text": "95%" } },
            { "category": "OUTCOME", "subcategory": "SOCIAL", "name": "受益人数", "target": { "text": "≥1000人" }, "actual": { "text": "800人" } },
            { "category": "DECISION", "subcategory": "PROJECT_APPROVAL", "name": "立项规范性", "target": { "text": "规范" }, "actual": { "text": "达成年度指标" }, "weight": "5", "declaredScore": "5" },
            { "category": "PROCESS", "subcategory": "FUNDING_MANAGEMENT", "name": "资金使用合规性", "target": { "text": "=100%" }, "actual": { "text": "100" }, "weight": "5", "declaredScore": "5" }
        ],
        "funding": [
            { "line": "TOTAL", "adjustedBudget": "200", "executed": "180", "weight": "10", "declaredScore": "9", "declaredExecutionRate": "95" },
            { "line": "BASIC_EXPENDITURE", "adjustedBudget": "50", "executed": "50", "weight": "2", "declaredScore": "2" },
            { "line": "PROJECT_EXPENDITURE", "adjustedBudget": "150", "executed": "130" }
        ]
    });
    let body = app
        .gql(
            Some(&app.preparer()),
            "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { id qualitativeGoals { initial expected actual } indicators { core scoreCoefficient } level1Weights { output outcome satisfaction } funding { line declaredExecutionRate executionRate } assessment { applicableWeight indicators { index achievement weight computedScore } } validation { findings { code path expected actual } } } userErrors { field code message } } }",
            json!({ "d": document }),
        )
        .await;
    let created = &body["data"]["createReport"];
    assert_eq!(created["userErrors"], json!([]), "{body}");
    let report = &created["report"];
    assert_eq!(
        report["level1Weights"],
        json!({ "output": "60.00", "outcome": "20.00", "satisfaction": null }),
        "{body}"
    );
    assert_eq!(
        report["qualitativeGoals"][0]["initial"], "年初：培训 600 人次",
        "{body}"
    );
    assert_eq!(
        report["indicators"][0],
        json!({ "core": true, "scoreCoefficient": "1" }),
        "{body}"
    );
    assert_eq!(
        report["indicators"][1],
        json!({ "core": false, "scoreCoefficient": null })
    );
    let lines: Vec<&Value> = report["funding"].as_array().into_iter().flatten().collect();
    assert_eq!(lines[0]["declaredExecutionRate"], "95.00");
    assert_eq!(lines[0]["executionRate"], "90.00");
    assert_eq!(lines[1]["line"], "BASIC_EXPENDITURE");
    assert_eq!(lines[2]["line"], "PROJECT_EXPENDITURE");
    let rows = &report["assessment"]["indicators"];
    // The form's 60 shared by its two output rows, its 20 by the one outcome row.
    assert_eq!(rows[0]["weight"], "30.00", "{body}");
    assert_eq!(rows[2]["weight"], "20.00", "{body}");
    // 决策 and 过程 rows are scored on their own weights (过程: 100 read as 100 %).
    assert_eq!(rows[3]["achievement"], "MET", "{body}");
    assert_eq!(rows[4]["computedScore"], "5.00", "{body}");
    let mismatch: Vec<&Value> = report["validation"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "DECLARED_RATE_MISMATCH")
        .collect();
    assert_eq!(
        mismatch,
        vec![
            &json!({ "code": "DECLARED_RATE_MISMATCH", "path": "funding.0.declaredRate", "expected": "90.00%", "actual": "95.00%" })
        ],
        "{body}"
    );
}
