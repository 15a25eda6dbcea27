//! Hostile input is refused with a code before it reaches the database: money in one strict
//! grammar (`INVALID_DECIMAL`), control characters in any string (`INVALID_CHARACTER`), tampered
//! cursors (`BAD_USER_INPUT`), over-long search terms (`TOO_LONG`).

use crate::support::{TestApp, UPSERT, fixture};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

fn code(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["code"]
}

fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

const VALIDATE: &str =
    "query($d: ReportDocumentInput!) { validateReport(input: $d) { findings { code } } }";

/// A small document with `score` as its declared score and `income` as its income total.
fn small(score: Value, income: Value) -> Value {
    json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "岳阳市云溪区科技和工业信息化局",
        "declaredScore": score,
        "finance": { "units": [{ "name": "局机关", "income": { "total": income } }] }
    })
}

#[tokio::test]
async fn money_follows_one_strict_grammar() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let refused = [
        "1e2",
        "1e-2",
        "1E2",
        "1_000",
        "1__0",
        "1,000",
        "+1",
        " 1",
        "1 ",
        "1\u{3000}",
        "１２",
        "٣",
        "1.5\u{200b}",
        ".5",
        "5.",
        "-.5",
        "-",
        "",
        "1.2.3",
        "0x10",
        "NaN",
        "Infinity",
        "--1",
        "1-",
        "1.0000001",
        "¥5",
        "五",
    ];
    for bad in refused {
        // As a variable, in a write: refused before anything is written.
        let mut input = fixture();
        input["document"]["finance"]["units"][0]["income"]["total"] = json!(bad);
        let body = app
            .gql(Some(&preparer), UPSERT, json!({ "input": input }))
            .await;
        assert_eq!(code(&body), "INVALID_DECIMAL", "{bad:?}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            chinese(message) && message.contains("680.54"),
            "{bad:?}: {message}"
        );
        assert_eq!(app.report_count().await, 0, "{bad:?}");
        // As a literal in the document.
        let literal = format!(
            "{{ validateReport(input: {{ departmentCode: \"YX-KGJ\", fiscalYear: 2024, unitName: \"局\", declaredScore: {} }}) {{ findings {{ code }} }} }}",
            serde_json::to_string(bad).unwrap()
        );
        let body = app.gql(Some(&preparer), &literal, json!({})).await;
        assert_eq!(code(&body), "INVALID_DECIMAL", "literal {bad:?}: {body}");
    }
    // Floats and other JSON types are refused too; integers remain accepted as JSON numbers.
    for bad in [
        json!(95.5),
        json!(1e2),
        json!(true),
        json!([1]),
        json!({ "v": 1 }),
    ] {
        let body = app
            .gql(
                Some(&preparer),
                VALIDATE,
                json!({ "d": small(bad.clone(), Value::Null) }),
            )
            .await;
        assert_eq!(code(&body), "INVALID_DECIMAL", "{bad}: {body}");
    }
    for good in [
        json!("95"),
        json!("95.5"),
        json!("-0.5"),
        json!("0"),
        json!("-0"),
        json!("007"),
        json!(95),
        json!("100.00"),
    ] {
        let body = app
            .gql(
                Some(&preparer),
                VALIDATE,
                json!({ "d": small(good.clone(), json!("680.54")) }),
            )
            .await;
        assert!(body["errors"].is_null(), "{good}: {body}");
    }
    // Within the grammar, more decimals than an amount keeps (a fen: two decimals of 元) is a
    // user error on the field.
    let mut in_yuan = small(Value::Null, json!("6805400.545"));
    in_yuan["amountUnit"] = json!("YUAN");
    let body = app
        .gql(
            Some(&preparer),
            "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { id } userErrors { field code } } }",
            json!({ "d": in_yuan }),
        )
        .await;
    assert_eq!(
        body["data"]["createReport"]["userErrors"][0]["code"], "INVALID_DECIMAL",
        "{body}"
    );
    // A literal in a GraphQL document: the same rule.
    let body = app
        .gql(
            Some(&preparer),
            "{ validateReport(input: { departmentCode: \"YX-KGJ\", fiscalYear: 2024, unitName: \"局\", declaredScore: 1e2 }) { findings { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "INVALID_DECIMAL", "{body}");
    // Stored values read back unchanged: "007" is 7.
    let body = app
        .gql(
            Some(&preparer),
            "mutation($d: ReportDocumentInput!) { createReport(input: { document: $d }) { report { declaredScore finance { units { income { total } } } } userErrors { code } } }",
            json!({ "d": small(json!("007"), json!("-0")) }),
        )
        .await;
    let report = &body["data"]["createReport"]["report"];
    assert_eq!(report["declaredScore"], "7.00", "{body}");
    assert_eq!(
        report["finance"]["units"][0]["income"]["total"], "0",
        "{body}"
    );
}

/// Strings with NUL or another control character, as variables and literals, nested in input
/// objects and lists, from anonymous and signed-in callers: all `INVALID_CHARACTER`, none a 500.
#[tokio::test]
async fn control_characters_are_refused_in_every_string_input() {
    let app = TestApp::with_reference().await;
    let preparer = app.preparer();
    let search = "query($s: String) { reports(filter: { search: $s }) { totalCount } }";
    for bad in [
        "\u{0}",
        "a\u{0}b",
        "\u{1}",
        "\u{8}",
        "\u{b}",
        "\u{c}",
        "\u{1b}[2J",
        "\u{1f}",
        "\u{7f}",
        "\u{85}",
        "\u{9f}",
    ] {
        for token in [None, Some(preparer.as_str())] {
            let body = app.gql(token, search, json!({ "s": bad })).await;
            assert_eq!(code(&body), "INVALID_CHARACTER", "{bad:?}: {body}");
            assert!(body["data"].is_null(), "{body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(chinese(message), "{message}");
        }
        // The same character as an escape in a literal.
        let escaped = serde_json::to_string(bad).unwrap();
        let literal = format!("{{ reports(filter: {{ search: {escaped} }}) {{ totalCount }} }}");
        let body = app.gql(None, &literal, json!({})).await;
        assert_eq!(code(&body), "INVALID_CHARACTER", "literal {bad:?}: {body}");
        let literal =
            format!("{{ departments(filter: {{ search: {escaped} }}) {{ totalCount }} }}");
        let body = app.gql(None, &literal, json!({})).await;
        assert_eq!(code(&body), "INVALID_CHARACTER", "literal {bad:?}: {body}");
    }
    // Tab, newline and carriage return are text.
    let body = app.gql(None, search, json!({ "s": "科技\t\n\r" })).await;
    assert!(body["errors"].is_null(), "{body}");
    // Other arguments and filters: department code, feed filter lists, ids.
    for (query, variables) in [
        (
            "query($c: String) { reports(filter: { departmentCode: $c }) { totalCount } }",
            json!({ "c": "YX\u{0}" }),
        ),
        (
            "query($c: String) { department(code: $c) { id } }",
            json!({ "c": "\u{0}" }),
        ),
        (
            "query($t: [String!]) { changes(filter: { entityTypes: $t }) { nodes { id } } }",
            json!({ "t": ["Report", "Sig\u{0}nature"] }),
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": "UmVw\u{0}" }),
        ),
        // Unused variables and object keys count too.
        (
            "{ viewer { anonymous } }",
            json!({ "unused": { "deep": ["ok", "\u{0}"] } }),
        ),
    ] {
        let body = app.gql(Some(&preparer), query, variables.clone()).await;
        assert_eq!(
            code(&body),
            "INVALID_CHARACTER",
            "{query} {variables}: {body}"
        );
    }
    // Nested input objects and lists of a write: nothing is written.
    let before = app.report_count().await;
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<Edit> = vec![
        Box::new(|d| d["unitName"] = json!("科工局\u{0}")),
        Box::new(|d| d["profile"]["annualTasks"][1] = json!("任务\u{7}")),
        Box::new(|d| d["finance"]["units"][0]["name"] = json!("局机关\u{1b}")),
        Box::new(|d| d["indicators"][0]["target"]["text"] = json!("≥50个\u{0}")),
        Box::new(|d| d["sections"][0]["body"] = json!("正文\u{85}")),
    ];
    for edit in &edits {
        let mut input = fixture();
        input["externalId"] = json!("nul-test");
        edit(&mut input["document"]);
        let body = app
            .gql(Some(&preparer), UPSERT, json!({ "input": input }))
            .await;
        assert_eq!(code(&body), "INVALID_CHARACTER", "{body}");
    }
    // The same as a literal in the query text, nested in input objects and lists.
    for (unit_name, tasks) in [
        ("科工局\\u0000", "[\"任务\"]"),
        ("科工局", "[\"任务\", \"任务\\u0007\"]"),
    ] {
        let literal = format!(
            "mutation {{ upsertReport(input: {{ externalId: \"nul-literal\", document: {{ departmentCode: \"YX-KGJ\", fiscalYear: 2024, unitName: \"{unit_name}\", profile: {{ annualTasks: {tasks} }} }} }}) {{ result }} }}"
        );
        let body = app.gql(Some(&preparer), &literal, json!({})).await;
        assert_eq!(code(&body), "INVALID_CHARACTER", "{literal}: {body}");
    }
    // In an import document.
    let mut bad = fixture();
    bad["externalId"] = json!("import-\u{0}");
    let mut good = fixture();
    good["externalId"] = json!("import-ok");
    let body = app
        .gql(
            Some(&preparer),
            "mutation($d: [UpsertReportInput!]!) { importReports(input: { documents: $d }) { created failed } }",
            json!({ "d": [good, bad] }),
        )
        .await;
    assert_eq!(code(&body), "INVALID_CHARACTER", "{body}");
    assert_eq!(app.report_count().await, before, "nothing written");
    // Claims of a signed token are text too: refused as a malformed token.
    for token in [
        app.token_for("u-\u{0}", "测试", &["PREPARER"], &["YX-KGJ"]),
        app.token_for("u-1", "测试\u{1}", &["PREPARER"], &["YX-KGJ"]),
        app.token_for("u-1", "测试", &["PREPARER"], &["YX-KGJ\u{0}"]),
    ] {
        let (status, body) = app
            .post(Some(&token), "{ viewer { subject } }", json!({}))
            .await;
        assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    // Over WebSocket (subscriptions): the same refusal.
    let answer = subscribe_with(
        &app,
        "subscription($c: String) { reportEvents(filter: { departmentCode: $c }) { sequence } }",
        json!({ "c": "YX\u{0}" }),
    )
    .await;
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "INVALID_CHARACTER",
        "{answer}"
    );
}

/// Sends one subscription over /graphql/ws as an AUDITOR; returns the first answer.
async fn subscribe_with(app: &TestApp, query: &str, variables: Value) -> Value {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("{}/graphql/ws", app.base.replace("http://", "ws://"))
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let token = app.token(&["AUDITOR"], &["*"]);
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }).to_string(),
    ))
    .await
    .expect("init");
    let ack = crate::live::next_json(&mut ws).await.expect("ack");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } }).to_string(),
    ))
    .await
    .expect("subscribe");
    crate::live::next_json(&mut ws).await.expect("answer")
}

fn tamper(cursor: &str, edit: impl Fn(&mut Value)) -> String {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).expect("cursor is base64");
    let mut json: Value = serde_json::from_slice(&bytes).expect("cursor is JSON");
    edit(&mut json);
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&json).unwrap())
}

/// Cursors are checked against the connection's key types before any SQL runs.
#[tokio::test]
async fn tampered_cursors_are_bad_user_input() {
    let app = TestApp::spawn().await;
    app.create_report(2023, "甲单位", Some("90")).await;
    app.create_report(2024, "乙单位", Some("80")).await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let page = |order: &str| {
        format!(
            "query($a: String) {{ reports(first: 1, after: $a{order}) {{ pageInfo {{ endCursor }} nodes {{ unitName }} }} }}"
        )
    };
    let by_name = ", orderBy: [{ field: UNIT_NAME, direction: ASC }]";
    let by_updated = ", orderBy: [{ field: UPDATED_AT, direction: DESC }]";
    let default = app.gql(Some(&admin), &page(""), json!({})).await;
    let default_cursor = default["data"]["reports"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let named = app.gql(Some(&admin), &page(by_name), json!({})).await;
    let name_cursor = named["data"]["reports"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    // The untouched cursors work.
    let next = app
        .gql(Some(&admin), &page(""), json!({ "a": default_cursor }))
        .await;
    assert!(next["errors"].is_null(), "{next}");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "year as text",
            tamper(&default_cursor, |c| c["k"][0] = json!({ "S": "2024" })),
            "",
        ),
        (
            "name as number",
            tamper(&default_cursor, |c| c["k"][1] = json!({ "I": 7 })),
            "",
        ),
        (
            "name as time",
            tamper(&name_cursor, |c| {
                c["k"][0] = json!({ "T": "2024-01-01T00:00:00Z" })
            }),
            by_name,
        ),
        (
            "year as time",
            tamper(&default_cursor, |c| {
                c["k"][0] = json!({ "T": "2024-01-01T00:00:00Z" })
            }),
            "",
        ),
        (
            "text cursor for a time order",
            name_cursor.clone(),
            by_updated,
        ),
        (
            "year cursor for a time order",
            tamper(&default_cursor, |c| c["k"] = json!([{ "I": 1 }])),
            by_updated,
        ),
        (
            "NUL in a text key",
            tamper(&name_cursor, |c| c["k"][0] = json!({ "S": "甲\u{0}" })),
            by_name,
        ),
        (
            "far future",
            tamper(&name_cursor, |c| {
                c["k"] = json!([{ "T": "+262142-12-31T23:59:59Z" }])
            }),
            by_updated,
        ),
        (
            "id not a uuid",
            tamper(&name_cursor, |c| c["id"] = json!(5)),
            by_name,
        ),
        (
            "missing keys",
            tamper(&default_cursor, |c| c["k"] = json!([])),
            "",
        ),
        (
            "unknown kind",
            tamper(&default_cursor, |c| c["k"][0] = json!({ "F": 1.5 })),
            "",
        ),
        ("not base64", "!!!".into(), ""),
    ];
    for (what, cursor, order) in cases {
        let body = app
            .gql(Some(&admin), &page(order), json!({ "a": cursor }))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{what}: {body}");
        let body = app
            .gql(
                Some(&admin),
                &page(order)
                    .replace("after", "before")
                    .replace("first", "last"),
                json!({ "a": cursor }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{what} (before): {body}");
    }
    // The feed's, the departments' and the comments' cursors too.
    let feed = app
        .gql(
            Some(&admin),
            "{ changes(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let feed_cursor = feed["data"]["changes"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    for bad in [
        tamper(&feed_cursor, |c| c["k"][0] = json!({ "S": "1" })),
        tamper(&feed_cursor, |c| {
            c["k"][0] = json!({ "T": "2024-01-01T00:00:00Z" })
        }),
    ] {
        let body = app
            .gql(
                Some(&admin),
                "query($a: String) { changes(after: $a) { nodes { id } } }",
                json!({ "a": bad }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    }
    let departments = app
        .gql(
            None,
            "{ departments(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let department_cursor = departments["data"]["departments"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let body = app
        .gql(
            None,
            "query($a: String) { departments(after: $a) { nodes { code } } }",
            json!({ "a": tamper(&department_cursor, |c| c["k"][0] = json!({ "I": 1 })) }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
}

/// Search terms are capped at 200 characters; a longer one is `TOO_LONG`, not a database error.
#[tokio::test]
async fn search_terms_are_capped() {
    let app = TestApp::with_reference().await;
    for (query, path) in [
        (
            "query($s: String) { reports(filter: { search: $s }) { totalCount } }",
            "reports",
        ),
        (
            "query($s: String) { departments(filter: { search: $s }) { totalCount } }",
            "departments",
        ),
        (
            "query($s: String) { reportStatistics(filter: { search: $s }) { count } }",
            "reportStatistics",
        ),
    ] {
        for long in ["科".repeat(50_000), "%".repeat(50_000), "a".repeat(201)] {
            let body = app.gql(None, query, json!({ "s": long })).await;
            assert_eq!(code(&body), "TOO_LONG", "{path}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(chinese(message) && message.contains("200"), "{message}");
        }
        let body = app.gql(None, query, json!({ "s": "科".repeat(200) })).await;
        assert!(body["errors"].is_null(), "{path}: {body}");
    }
    // The match itself still works.
    let body = app
        .gql(
            None,
            "{ reports(filter: { search: \"科技\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["reports"]["totalCount"], 1, "{body}");
}
