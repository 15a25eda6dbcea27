//! The content digest recomputed outside the service, as README (“The content digest and what a
//! signature binds”) tells another system to: from what `report { … }` answers, with the keys in
//! the order of `ReportDocumentInput`'s fields as introspection lists them. Nothing here calls
//! the service's own serializer, so a change of the canonical form that README does not describe
//! (a reordered field, a new field, other number formatting) fails this test.

use crate::support::{TestApp, UPSERT};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A field's type as introspection gives it, wrappers unwrapped to what matters here.
#[derive(Debug, Clone)]
enum Shape {
    /// A scalar or an enum: the answer's value is written as it is.
    Leaf,
    /// An input object, by name.
    Object(String),
    /// A list of the inner shape.
    List(Box<Shape>),
}

type InputTypes = HashMap<String, Vec<(String, Shape)>>;

const INTROSPECT: &str = "{ __schema { types { name kind inputFields { name type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

fn shape(t: &Value) -> Shape {
    match t["kind"].as_str() {
        Some("NON_NULL") => shape(&t["ofType"]),
        Some("LIST") => Shape::List(Box::new(shape(&t["ofType"]))),
        Some("INPUT_OBJECT") => Shape::Object(t["name"].as_str().expect("name").to_owned()),
        _ => Shape::Leaf,
    }
}

async fn input_types(app: &TestApp) -> InputTypes {
    let r = app.gql(None, INTROSPECT, json!({})).await;
    let mut types = InputTypes::new();
    for t in r["data"]["__schema"]["types"].as_array().expect("types") {
        if t["kind"] == "INPUT_OBJECT" {
            let fields = t["inputFields"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|f| {
                    (
                        f["name"].as_str().expect("name").to_owned(),
                        shape(&f["type"]),
                    )
                })
                .collect();
            types.insert(t["name"].as_str().expect("name").to_owned(), fields);
        }
    }
    types
}

/// Where the answer keeps an input field when the name differs (README lists these).
fn output_field(ty: &str, field: &str) -> &'static str {
    match (ty, field) {
        ("ReportDocumentInput", "departmentCode") => "department { code }",
        ("FinanceTablesInput", "summary") => "filedSummary",
        // Whether the parts below were given (content) or read from the text (not content).
        ("IndicatorValueInput", "text") => "text partsGiven",
        _ => "",
    }
}

/// The `report { … }` selection that fetches every field of input type `ty`.
fn selection(types: &InputTypes, ty: &str) -> String {
    let mut s = String::from("{ ");
    for (name, shape) in &types[ty] {
        match output_field(ty, name) {
            "" => s.push_str(name),
            other if other.contains(['{', ' ']) => {
                s.push_str(other);
                s.push(' ');
                continue;
            }
            other => write!(s, "{name}: {other}").expect("write"),
        }
        let mut inner = shape;
        while let Shape::List(i) = inner {
            inner = i;
        }
        if let Shape::Object(t) = inner {
            s.push(' ');
            s.push_str(&selection(types, t));
        }
        s.push(' ');
    }
    s.push('}');
    s
}

/// README: fields left out of the canonical form when blank (so that digests of documents
/// written before they existed stay as they were).
fn left_out(ty: &str, field: &str, value: &Value) -> bool {
    match (ty, field) {
        ("ReportDocumentInput", "amountUnit") => value != "YUAN",
        ("ReportDocumentInput", "level1Weights")
        | ("IndicatorInput", "scoreCoefficient")
        | ("FundingLineInput", "declaredExecutionRate")
        | ("QualitativeGoalInput", "initial")
        | ("FormLevel1WeightsInput", _) => value.is_null(),
        ("IndicatorInput", "core") => value == false,
        _ => false,
    }
}

/// Writes `value` (an answer object) as the compact canonical JSON of input type `ty`.
fn canonical(types: &InputTypes, ty: &str, value: &Value, out: &mut String) {
    out.push('{');
    let mut first = true;
    for (name, shape) in &types[ty] {
        let v = match (ty, name.as_str()) {
            ("ReportDocumentInput", "departmentCode") => &value["department"]["code"],
            // Parts read from the text for display are not content.
            ("IndicatorValueInput", "comparator" | "value" | "unit")
                if value["partsGiven"] == false =>
            {
                &Value::Null
            }
            // Opinions are emptied: each signature binds its own (README).
            ("ReportDocumentInput", "opinions") => &Value::Array(vec![]),
            _ => &value[name.as_str()],
        };
        if left_out(ty, name, v) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        // README: the one key the canonical form names differently from the schema.
        let key = match (ty, name.as_str()) {
            ("FundingLineInput", "declaredExecutionRate") => "declaredRate",
            _ => name,
        };
        write!(out, "{}:", Value::from(key)).expect("write");
        write_value(types, shape, v, out);
    }
    out.push('}');
}

fn write_value(types: &InputTypes, shape: &Shape, v: &Value, out: &mut String) {
    match shape {
        Shape::List(inner) => {
            out.push('[');
            for (i, item) in v
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                write_value(types, inner, item, out);
            }
            out.push(']');
        }
        Shape::Object(t) if !v.is_null() => canonical(types, t, v, out),
        _ => out.push_str(&serde_json::to_string(v).expect("json")),
    }
}

/// What the evidence rule of README reads.
const EVIDENCE: &str = "attachments { fileName mediaType size sha256 description target { kind path indicator { id } } } evidenceAnchors: indicators { id }";

/// README: when the report has evidence, a last key `evidence`: each attachment in attaching
/// order, `target` its anchor's kind, `path` the anchor's path (an indicator's position as
/// `indicators.N`; `null` on the report).
fn evidence(report: &Value, out: &mut String) {
    let attachments = report["attachments"].as_array().expect("attachments");
    if attachments.is_empty() {
        return;
    }
    let positions: Vec<&Value> = report["evidenceAnchors"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| &i["id"])
        .collect();
    out.pop();
    out.push_str(",\"evidence\":[");
    for (i, a) in attachments.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let target = &a["target"];
        let path = match target["kind"].as_str() {
            Some("REPORT") => Value::Null,
            Some("INDICATOR") => positions
                .iter()
                .position(|id| **id == target["indicator"]["id"])
                .map_or(Value::Null, |n| Value::from(format!("indicators.{n}"))),
            _ => target["path"].clone(),
        };
        write!(
            out,
            "{{\"target\":{},\"path\":{},\"fileName\":{},\"mediaType\":{},\"size\":{},\"sha256\":{},\"description\":{}}}",
            target["kind"], path, a["fileName"], a["mediaType"], a["size"], a["sha256"], a["description"]
        )
        .expect("write");
    }
    out.push_str("]}");
}

async fn recomputed(app: &TestApp, types: &InputTypes, id: &str) -> (String, String) {
    let query = format!(
        "query($id: ID!) {{ node(id: $id) {{ ... on Report {{ contentDigest {EVIDENCE} {} }} }}",
        &selection(types, "ReportDocumentInput")[1..]
    );
    let admin = app.token(&["ADMIN"], &["*"]);
    let r = app.gql(Some(&admin), &query, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{r}");
    let report = &r["data"]["node"];
    let mut text = String::new();
    canonical(types, "ReportDocumentInput", report, &mut text);
    evidence(report, &mut text);
    let digest = Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut s, b| {
            write!(s, "{b:02x}").expect("write");
            s
        });
    assert_eq!(
        report["contentDigest"], digest,
        "the service's digest differs from README's algorithm over:\n{text}"
    );
    (digest, text)
}

#[tokio::test]
async fn the_content_digest_follows_readme_from_the_answer_alone() {
    let app = TestApp::with_reference().await;
    let types = input_types(&app).await;
    let r = app
        .gql(None, "{ reports(first: 1) { nodes { id } } }", json!({}))
        .await;
    let id = r["data"]["reports"]["nodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (digest, _) = recomputed(&app, &types, &id).await;
    // The same literal `reference::content_digests_are_pinned` pins.
    assert_eq!(
        digest,
        "3ae572ba4642775b5e27160a4e0542e98f0c2d425ed0b732ae886e1c5e3bf24f"
    );

    let (project, id) = app.upsert_project().await;
    let (digest, text) = recomputed(&app, &types, &id).await;
    assert_eq!(
        digest, "d6346cfc74c1f9a8233fe7b0387bc62335d223b84b060b8851a9f1f422e38c63",
        "{text}"
    );

    // The same project in 元 with every field that is left out when blank filled in.
    let mut full = project.clone();
    full["externalId"] = json!("digest-full");
    let doc = &mut full["document"];
    doc["amountUnit"] = json!("YUAN");
    doc["level1Weights"] = json!({ "output": "50", "outcome": "30", "satisfaction": "10" });
    doc["funding"][0]["declaredExecutionRate"] = json!("95");
    doc["qualitativeGoals"][0]["initial"] = json!("年初目标");
    doc["indicators"][0]["core"] = json!(true);
    doc["indicators"][0]["scoreCoefficient"] = json!("0.8");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": full }))
        .await;
    assert!(r["data"]["upsertReport"]["userErrors"] == json!([]), "{r}");
    let full_id = r["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (full_digest, text) = recomputed(&app, &types, &full_id).await;
    assert_ne!(full_digest, digest);
    for key in [
        "\"amountUnit\":\"YUAN\"",
        "\"level1Weights\":{",
        "\"declaredRate\":",
        "\"initial\":",
        "\"core\":true",
        "\"scoreCoefficient\":",
    ] {
        assert!(text.contains(key), "{key} missing from {text}");
    }
}

/// Evidence is content: attached files enter the digest as README describes, after the
/// document's own fields.
#[tokio::test]
async fn evidence_enters_the_digest_as_readme_says() {
    let app = TestApp::spawn().await;
    let types = input_types(&app).await;
    let (_, id) = app.upsert_project().await;
    let (plain, _) = recomputed(&app, &types, &id).await;
    let indicators = app
        .gql(
            Some(&app.preparer()),
            "query($id: ID!) { report(id: $id) { indicators { id } } }",
            json!({ "id": id }),
        )
        .await;
    let second = indicators["data"]["report"]["indicators"][1]["id"].clone();
    let preparer = jixiao::domain::Viewer {
        subject: Some("u-test".into()),
        name: Some("测试用户".into()),
        roles: vec![jixiao::domain::Role::Preparer],
        departments: vec!["YX-KGJ".into()],
    };
    let report = crate::states::base64_decode(id.as_str());
    let report = uuid::Uuid::parse_str(
        std::str::from_utf8(&report)
            .expect("utf8")
            .trim_start_matches("Report:"),
    )
    .expect("uuid");
    let indicator = crate::states::base64_decode(second.as_str().expect("id"));
    let indicator = uuid::Uuid::parse_str(
        std::str::from_utf8(&indicator)
            .expect("utf8")
            .trim_start_matches("Indicator:"),
    )
    .expect("uuid");
    for (kind, path, ind, name, description) in [
        (
            entity::CommentTargetKind::Report,
            None,
            None,
            "合同.pdf",
            None,
        ),
        (
            entity::CommentTargetKind::Indicator,
            None,
            Some(indicator),
            "验收单.pdf",
            Some("验收合格"),
        ),
        (
            entity::CommentTargetKind::FinanceCell,
            Some("finance.summary.income.total"),
            None,
            "收入表.pdf",
            None,
        ),
    ] {
        jixiao::domain::evidence::attach(
            &app.db,
            &preparer,
            jixiao::domain::evidence::Attach {
                report_id: report,
                anchor: jixiao::domain::comment::Anchor {
                    kind,
                    path: path.map(str::to_owned),
                    indicator: ind,
                },
                source: jixiao::domain::evidence::Source::File(crate::states::incoming(
                    name,
                    &crate::states::pdf(name),
                )),
                description: description.map(str::to_owned),
                expected_version: None,
            },
        )
        .await
        .expect("attach")
        .expect("attached");
    }
    let (with, text) = recomputed(&app, &types, &id).await;
    assert_ne!(with, plain);
    assert!(text.ends_with("\"description\":null}]}"), "{text}");
    assert!(text.contains("\"target\":\"INDICATOR\",\"path\":\"indicators.1\",\"fileName\":\"验收单.pdf\",\"mediaType\":\"application/pdf\""), "{text}");
    assert!(
        text.contains("\"target\":\"REPORT\",\"path\":null"),
        "{text}"
    );
}
