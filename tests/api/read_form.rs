//! `readForm`: official forms handed in as files come back as drafts in the `upsertReport`
//! shape; saved, a draft holds exactly the content of the report the form was made from (the
//! same `contentDigest`). Bad files get coded userErrors; callers outside the department are
//! refused.

use crate::support::TestApp;
use base64::Engine as _;
use serde_json::{Value, json};

const READ: &str = "mutation($i: ReadFormInput!) { readForm(input: $i) {
  drafts { document unplaced { location { text line sheet cell } text } warnings { location { text } code message } }
  userErrors { field code message } } }";

const UPSERT: &str = "mutation($i: UpsertReportInput!) { upsertReport(input: $i) {
  report { contentDigest } userErrors { field code message } } }";

async fn read(app: &TestApp, token: &str, input: Value) -> Value {
    let r = app.gql(Some(token), READ, json!({ "i": input })).await;
    assert!(r["errors"].is_null(), "{r}");
    r["data"]["readForm"].clone()
}

/// The draft saved under a new external id; its content digest.
async fn saved(app: &TestApp, draft: &Value, external_id: &str) -> String {
    let r = app
        .gql(
            Some(&app.preparer()),
            UPSERT,
            json!({ "i": { "externalId": external_id, "document": draft["document"] } }),
        )
        .await;
    let payload = &r["data"]["upsertReport"];
    assert_eq!(payload["userErrors"], json!([]), "{r}");
    payload["report"]["contentDigest"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_owned()
}

async fn file(app: &TestApp, url: &str) -> String {
    let bytes = app
        .client()
        .get(format!("{}{url}", app.base))
        .bearer_auth(app.preparer())
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("body");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The only draft of an answer, with nothing unplaced and no warnings.
fn clean(answer: &Value) -> &Value {
    assert_eq!(answer["userErrors"], json!([]), "{answer}");
    let drafts = answer["drafts"].as_array().expect("drafts");
    assert_eq!(drafts.len(), 1, "{answer}");
    assert_eq!(drafts[0]["unplaced"], json!([]), "{answer}");
    assert_eq!(drafts[0]["warnings"], json!([]), "{answer}");
    &drafts[0]
}

#[tokio::test]
async fn forms_handed_in_come_back_as_the_reports_they_were_made_from() {
    let app = TestApp::with_reference().await;
    let preparer = app.preparer();
    let r = app
        .gql(
            Some(&preparer),
            "{ reports(first: 5) { nodes { kind contentDigest downloads { format url } } } }",
            json!({}),
        )
        .await;
    let reference = r["data"]["reports"]["nodes"][0].clone();
    let (_, _) = app.upsert_project().await;
    let r = app
        .gql(
            Some(&preparer),
            "{ reports(first: 5, filter: { kind: PROJECT }) { nodes { contentDigest downloads { format url } } } }",
            json!({}),
        )
        .await;
    let project = r["data"]["reports"]["nodes"][0].clone();
    let url = |report: &Value, format: &str| {
        report["downloads"]
            .as_array()
            .and_then(|d| d.iter().find(|f| f["format"] == format))
            .and_then(|f| f["url"].as_str())
            .unwrap_or_else(|| panic!("{report}"))
            .to_owned()
    };

    // The reference report's text, as Word saves it.
    let text = include_str!("../../data/reference/yunxi-2019-report.txt");
    let answer = read(
        &app,
        &preparer,
        json!({ "departmentCode": "YX-KGJ", "text": text }),
    )
    .await;
    let draft = clean(&answer);
    assert_eq!(
        draft["document"]["unitName"],
        "岳阳市云溪区科技和工业信息化局"
    );
    assert_eq!(
        saved(&app, draft, "from-text").await,
        reference["contentDigest"].as_str().expect("digest")
    );

    // Each report's Word and Excel forms.
    let forms = [
        (&reference, "DOCX"),
        (&reference, "XLSX"),
        (&project, "DOCX"),
        (&project, "XLSX"),
    ];
    for (i, (report, format)) in forms.into_iter().enumerate() {
        let content = file(&app, &url(report, format)).await;
        let answer = read(
            &app,
            &preparer,
            json!({ "departmentCode": "YX-KGJ", "contentBase64": content, "fileName": "表.docx" }),
        )
        .await;
        let draft = clean(&answer);
        assert_eq!(
            saved(&app, draft, &format!("from-form-{i}")).await,
            report["contentDigest"].as_str().expect("digest"),
            "{format} of {report}"
        );
    }

    // Several reports in one workbook (one sheet each): a draft per sheet, each the report.
    let content = file(
        &app,
        "/reports/forms.xlsx?departmentCode=YX-KGJ&fiscalYear=2024",
    )
    .await;
    let answer = read(
        &app,
        &preparer,
        json!({ "departmentCode": "YX-KGJ", "contentBase64": content }),
    )
    .await;
    assert_eq!(answer["userErrors"], json!([]), "{answer}");
    let drafts = answer["drafts"].as_array().expect("drafts");
    assert!(
        drafts.len() >= 2,
        "the project and the drafts saved from it: {answer}"
    );
    for (i, draft) in drafts.iter().enumerate() {
        assert_eq!(draft["unplaced"], json!([]), "{draft}");
        assert_eq!(
            saved(&app, draft, &format!("from-book-{i}")).await,
            project["contentDigest"].as_str().expect("digest"),
        );
    }
}

#[tokio::test]
async fn what_cannot_be_read_is_left_blank_and_listed_with_its_place() {
    let app = TestApp::spawn().await;
    // A project table as a unit fills it in Word and saves as text: one number is not a
    // number, one line belongs nowhere.
    let text = "2023年度农村道路养护项目支出绩效自评表\n\n\t项目名称\n\t农村道路养护\n\n\t主管部门\n\t云溪区交通运输局\n\t实施单位\n\t云溪区公路中心\n\n\t\n\t\n\t年初预算数\n\t全年预算数\n\t全年执行数\n\t分值\n\t执行率\n\t得分\n\n\t年度资金总额\n\t\n\t约50\n\t120\n\t110\n\t10\n\t\n\t9\n\n\n备注：本表由公路中心填报\n";
    let answer = read(
        &app,
        &app.preparer(),
        json!({ "departmentCode": "YX-KGJ", "text": text }),
    )
    .await;
    assert_eq!(answer["userErrors"], json!([]), "{answer}");
    let draft = &answer["drafts"][0];
    assert_eq!(draft["document"]["projectName"], "农村道路养护");
    assert_eq!(draft["document"]["fiscalYear"], 2023);
    let total = &draft["document"]["funding"][0];
    assert_eq!(
        total["initialBudget"],
        Value::Null,
        "never guessed: {draft}"
    );
    assert_eq!(total["adjustedBudget"], "120");
    let warning = draft["warnings"]
        .as_array()
        .and_then(|w| w.iter().find(|w| w["code"] == "NUMBER_UNREADABLE"))
        .unwrap_or_else(|| panic!("{draft}"));
    assert!(
        warning["message"].as_str().unwrap_or("").contains("约50"),
        "{warning}"
    );
    assert!(
        warning["location"]["text"]
            .as_str()
            .unwrap_or("")
            .starts_with('第'),
        "{warning}"
    );
    let unplaced = draft["unplaced"].as_array().expect("unplaced");
    assert!(
        unplaced
            .iter()
            .any(|f| f["text"] == "备注：本表由公路中心填报" && f["location"]["line"].is_number()),
        "{draft}"
    );
}

#[tokio::test]
async fn bad_files_and_callers_get_coded_refusals() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for (input, code) in [
        (json!({ "departmentCode": "YX-KGJ" }), "INVALID"),
        (
            json!({ "departmentCode": "YX-KGJ", "text": "a", "contentBase64": "YQ==" }),
            "INVALID",
        ),
        (
            json!({ "departmentCode": "YX-KGJ", "contentBase64": "不是base64" }),
            "INVALID",
        ),
        (
            json!({ "departmentCode": "YX-KGJ", "contentBase64": b64(b"%PDF-1.7 ...") }),
            "FORM_UNSUPPORTED",
        ),
        (
            json!({ "departmentCode": "YX-KGJ", "contentBase64": b64(b"PK\x03\x04broken zip") }),
            "FORM_UNREADABLE",
        ),
        (
            json!({ "departmentCode": "YX-KGJ", "contentBase64": b64(b"\x00\x01binary") }),
            "FORM_UNSUPPORTED",
        ),
        (
            json!({ "departmentCode": "YX-KGJ", "text": "一段与表格无关的文字" }),
            "FORM_UNSUPPORTED",
        ),
    ] {
        let answer = read(&app, &preparer, input.clone()).await;
        assert_eq!(answer["drafts"], json!([]), "{input}");
        assert_eq!(answer["userErrors"][0]["code"], code, "{input}: {answer}");
        assert!(
            answer["userErrors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_ascii()),
            "a message in Chinese: {answer}"
        );
    }
    // A file larger than the ordinary body limit (2 MiB) is taken from a writer, as an import.
    let big = "项目名称\n".repeat(300_000);
    let answer = read(
        &app,
        &preparer,
        json!({ "departmentCode": "YX-KGJ", "text": big }),
    )
    .await;
    assert_eq!(answer["userErrors"], json!([]), "{answer}");
    // Anonymous, a reader, another department: refused before anything is read.
    let text = json!({ "departmentCode": "YX-KGJ", "text": "项目名称" });
    for (token, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(app.token(&["AUDITOR"], &["YX-KGJ"])), "FORBIDDEN"),
        (Some(app.token(&["PREPARER"], &["OTHER"])), "FORBIDDEN"),
    ] {
        let r = app.gql(token.as_deref(), READ, json!({ "i": text })).await;
        assert_eq!(r["errors"][0]["extensions"]["code"], code, "{r}");
    }
}
