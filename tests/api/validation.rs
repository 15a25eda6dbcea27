//! Bad input gets a clear, coded error and writes nothing.

use crate::support::{TestApp, UPSERT, fixture};
use serde_json::{Value, json};

async fn refused(app: &TestApp, mutate: impl Fn(&mut Value)) -> Value {
    let mut input = fixture();
    mutate(&mut input);
    let before = app.report_count().await;
    let body = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(app.report_count().await, before, "nothing written: {body}");
    body
}

/// Changes a valid input into an invalid one.
type Mutate = Box<dyn Fn(&mut Value)>;

fn user_error(body: &Value) -> (&Value, Vec<String>) {
    let e = &body["data"]["upsertReport"]["userErrors"][0];
    let field = e["field"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect();
    (&e["code"], field)
}

#[tokio::test]
async fn domain_rules_are_user_errors_with_codes_and_paths() {
    let app = TestApp::spawn().await;
    let cases: Vec<(&str, Mutate, &str, Vec<&str>)> = vec![
        (
            "negative headcount",
            Box::new(|i| i["document"]["profile"]["actualHeadcount"] = json!(-1)),
            "OUT_OF_RANGE",
            vec!["document", "profile", "actualHeadcount"],
        ),
        (
            "year out of range",
            Box::new(|i| i["document"]["fiscalYear"] = json!(1899)),
            "OUT_OF_RANGE",
            vec!["document", "fiscalYear"],
        ),
        (
            "over-long text",
            Box::new(|i| i["document"]["unitName"] = json!("局".repeat(201))),
            "TOO_LONG",
            vec!["document", "unitName"],
        ),
        (
            "less than a fen in 元",
            Box::new(|i| {
                i["document"]["amountUnit"] = json!("YUAN");
                i["document"]["finance"]["units"][0]["income"]["total"] = json!("6805454.545")
            }),
            "INVALID_DECIMAL",
            vec!["document", "finance", "units", "0", "income", "total"],
        ),
        (
            "score over 100",
            Box::new(|i| i["document"]["declaredScore"] = json!("100.5")),
            "OUT_OF_RANGE",
            vec!["document", "declaredScore"],
        ),
        (
            "unknown department",
            Box::new(|i| i["document"]["departmentCode"] = json!("NOPE")),
            "",
            vec![],
        ),
        (
            "duplicate section key",
            Box::new(|i| i["document"]["sections"][1]["key"] = json!("1")),
            "DUPLICATE",
            vec!["document", "sections", "1", "key"],
        ),
    ];
    for (what, mutate, code, field) in cases {
        let body = refused(&app, mutate).await;
        if code.is_empty() {
            // A preparer cannot write for a department outside its scope.
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{what}: {body}"
            );
            continue;
        }
        let (got, path) = user_error(&body);
        assert_eq!(got, code, "{what}: {body}");
        assert_eq!(path, field, "{what}");
        let message = body["data"]["upsertReport"]["userErrors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{what}: message in Chinese: {message}"
        );
    }
    // An unknown department for an ADMIN (in scope everywhere) is a NOT_FOUND user error.
    let mut input = fixture();
    input["document"]["departmentCode"] = json!("NOPE");
    let admin = app.token(&["ADMIN"], &["*"]);
    let body = app
        .gql(Some(&admin), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(user_error(&body).0, "NOT_FOUND", "{body}");
    assert_eq!(app.report_count().await, 0);
}

#[tokio::test]
async fn malformed_scalars_and_enums_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let cases: Vec<(&str, Mutate, &str)> = vec![
        (
            "malformed decimal",
            Box::new(|i| i["document"]["declaredScore"] = json!("九十五")),
            "INVALID_DECIMAL",
        ),
        (
            "float decimal",
            Box::new(|i| i["document"]["declaredScore"] = json!(95.5)),
            "INVALID_DECIMAL",
        ),
        (
            "unknown enum",
            Box::new(|i| i["document"]["kind"] = json!("WHOLE_DEPARTMENT")),
            "BAD_USER_INPUT",
        ),
        (
            "bad date",
            Box::new(|i| i["document"]["reportDate"] = json!("2020年7月11日")),
            "BAD_USER_INPUT",
        ),
        (
            "string headcount",
            Box::new(|i| i["document"]["profile"]["actualHeadcount"] = json!("二十二")),
            "BAD_USER_INPUT",
        ),
    ];
    for (what, mutate, code) in cases {
        let body = refused(&app, mutate).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{what}: {body}"
        );
        assert!(
            body["data"].is_null() || body["data"]["upsertReport"].is_null(),
            "{what}"
        );
    }
    let body = app
        .gql(None, "{ reports(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    let body = app
        .gql(None, "{ report(id: \"not-an-id\") { id } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}

/// A document the schema does not accept is `GRAPHQL_VALIDATION_FAILED` and a value that does
/// not fit its type `BAD_USER_INPUT`, each with a Chinese message that names the field, and the
/// library's English kept in `extensions.detail`.
#[tokio::test]
async fn validation_errors_are_coded_and_in_chinese() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "{ reports(first: 5) { nodes { titel } } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "没有字段 titel",
        ),
        (
            "{ reports(frist: 5) { totalCount } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "没有参数 frist",
        ),
        (
            "{ report { id } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "缺少必填参数 id",
        ),
        (
            "{ reports(first: 5) { nodes } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "需要选择子字段",
        ),
        (
            "query Q($n: Int) { reports(first: $n) { totalCount } }",
            json!({ "n": "五" }),
            "BAD_USER_INPUT",
            "参数 first 的值不合法",
        ),
        (
            "{ reports(first: 5, filter: { status: FINISHED }) { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
            "没有取值 FINISHED",
        ),
    ];
    for (query, variables, code, needle) in cases {
        let body = app.gql(None, query, variables).await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], code, "{query}: {body}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{query}: {message}");
        assert!(
            error["extensions"]["detail"]
                .as_str()
                .is_some_and(|d| d.is_ascii()),
            "{query}: {body}"
        );
        assert!(
            body.get("data").is_none(),
            "a request error has no data: {body}"
        );
    }
}
