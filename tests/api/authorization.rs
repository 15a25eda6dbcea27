//! Every mutation × every role (plus anonymous and a caller from another department): allowed,
//! or refused with FORBIDDEN / NOT_FOUND / UNAUTHENTICATED and nothing written. Signing and
//! opinions add cases where a caller with the right role is refused with a user error and
//! nothing written: signing for an evaluator by name (every test token is named 组长, as the
//! group leader is) or for one without a subject, and changing an opinion given with someone
//! else's signature through every write path. Reads are scoped in SQL.

use crate::support::TestApp;
use entity::ReportStatus;
use jixiao::domain::{Role, Viewer};
use serde_json::{Value, json};

const CALLERS: [&str; 9] = [
    "anonymous",
    "PREPARER",
    "EVALUATOR",
    "DEPARTMENT_HEAD",
    "FINANCE_REVIEWER",
    "AUDITOR",
    "SYNC_CLIENT",
    "ADMIN",
    "OTHER_PREPARER",
];

use crate::states::*;

struct Case {
    /// What is tried (the mutation's name, unless it is tried more than one way).
    name: &'static str,
    status: ReportStatus,
    /// Resolve the fixture's comment first (to reopen it).
    resolved: bool,
    query: &'static str,
    vars: fn(&Fixture) -> Value,
    allowed: &'static [&'static str],
    /// The fixture's evaluation group.
    group: Group,
    /// Callers that hold the role but are refused with a user error (code), writing nothing.
    refused_with: &'static [(&'static str, &'static str)],
    /// Where the payload's user errors are (per document for a batch; none for a payload
    /// without them).
    errors: &'static [&'static str],
    /// An allowed call writes (false for a mutation that only reads, such as `readForm`: then
    /// it must leave the data as it was).
    writes: bool,
}

fn no_vars(_: &Fixture) -> Value {
    Value::Null
}

/// The defaults of a case.
const BASE: Case = Case {
    name: "",
    status: ReportStatus::Draft,
    resolved: false,
    query: "",
    vars: no_vars,
    allowed: &[],
    group: Group::Identified,
    refused_with: &[],
    errors: &["userErrors"],
    writes: true,
};

/// The mutation field a case's query calls.
fn field_of(query: &str) -> &str {
    query
        .split('{')
        .nth(1)
        .and_then(|s| s.split('(').next())
        .map_or("", str::trim)
}

/// The fixture's document with opinions as given (and its external ID), for upserts and imports.
fn document_with_opinions(f: &Fixture, opinions: Value) -> Value {
    json!({
        "externalId": f.external_id,
        "document": {
            "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": f.unit_name,
            "indicators": [{ "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≥50个" } }],
            "evaluators": [
                { "name": "组长", "role": "GROUP_LEADER", "subject": "admin" },
                { "name": "组员", "role": "MEMBER", "subject": "u" }
            ],
            "sections": [{ "key": "1", "title": "一、概况" }],
            "opinions": opinions
        }
    })
}

/// Only the signer of an opinion (the fixture's leader and approver, `admin`) may change it.
const NOT_THE_SIGNER: &[(&str, &str)] = &[
    ("PREPARER", "OPINION_SIGNED"),
    ("SYNC_CLIENT", "OPINION_SIGNED"),
];
/// Nobody signs for an evaluator without a subject.
const NO_SUBJECT: &[(&str, &str)] = &[
    ("EVALUATOR", "EVALUATOR_SUBJECT_MISSING"),
    ("ADMIN", "EVALUATOR_SUBJECT_MISSING"),
];

const WRITERS: &[&str] = &["PREPARER", "SYNC_CLIENT", "ADMIN"];
const COMMENTERS: &[&str] = &[
    "PREPARER",
    "EVALUATOR",
    "DEPARTMENT_HEAD",
    "FINANCE_REVIEWER",
    "ADMIN",
];

/// The caller holds the writer's role but another subject uploaded the file.
const NOT_THE_UPLOADER: &[(&str, &str)] = &[("ADMIN", "NOT_FOUND")];
/// Writers, in a state that takes no evidence.
const NOT_EDITABLE: &[(&str, &str)] = &[
    ("PREPARER", "INVALID_STATE"),
    ("SYNC_CLIENT", "INVALID_STATE"),
    ("ADMIN", "INVALID_STATE"),
];

/// Every signed-in caller.
const SIGNED_IN: &[&str] = CALLERS.split_at(1).1;

fn cases() -> Vec<Case> {
    use ReportStatus::*;
    vec![
        Case {
            name: "createKeyChallenge",
            query: "mutation { createKeyChallenge { challenge } }",
            allowed: SIGNED_IN,
            writes: false,
            errors: &[],
            ..BASE
        },
        Case {
            name: "registerSignerKey with an unknown challenge",
            query: "mutation($i: RegisterSignerKeyInput!) { registerSignerKey(input: $i) { key { id } userErrors { code } } }",
            vars: |_| json!({ "i": { "algorithm": "ED25519", "publicKey": "AAAA", "challenge": "nope", "proof": "AAAA" } }),
            refused_with: &[
                ("PREPARER", "CHALLENGE_INVALID"),
                ("EVALUATOR", "CHALLENGE_INVALID"),
                ("DEPARTMENT_HEAD", "CHALLENGE_INVALID"),
                ("FINANCE_REVIEWER", "CHALLENGE_INVALID"),
                ("AUDITOR", "CHALLENGE_INVALID"),
                ("SYNC_CLIENT", "CHALLENGE_INVALID"),
                ("ADMIN", "CHALLENGE_INVALID"),
                ("OTHER_PREPARER", "CHALLENGE_INVALID"),
            ],
            ..BASE
        },
        Case {
            name: "revokeSignerKey of a key that does not exist",
            query: "mutation($i: RevokeSignerKeyInput!) { revokeSignerKey(input: $i) { key { id } userErrors { code } } }",
            vars: |_| json!({ "i": { "keyId": id("SignerKey", uuid::Uuid::nil()) } }),
            ..BASE
        },
        Case {
            name: "attachEvidence",
            query: "mutation($i: AttachEvidenceInput!) { attachEvidence(input: $i) { attachment { id } userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "uploadId": f.upload, "target": { "kind": "INDICATOR", "indicatorId": f.indicator } } }),
            allowed: &["PREPARER", "SYNC_CLIENT"],
            refused_with: NOT_THE_UPLOADER,
            ..BASE
        },
        Case {
            name: "attachEvidence in SUBMITTED",
            status: Submitted,
            query: "mutation($i: AttachEvidenceInput!) { attachEvidence(input: $i) { attachment { id } userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "uploadId": f.upload } }),
            refused_with: &[
                ("PREPARER", "INVALID_STATE"),
                ("SYNC_CLIENT", "INVALID_STATE"),
                ("ADMIN", "NOT_FOUND"),
            ],
            ..BASE
        },
        Case {
            name: "detachEvidence",
            query: "mutation($i: DetachEvidenceInput!) { detachEvidence(input: $i) { attachment { id } userErrors { code } } }",
            vars: |f| json!({ "i": { "attachmentId": f.attachment } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "detachEvidence in SUBMITTED",
            status: Submitted,
            query: "mutation($i: DetachEvidenceInput!) { detachEvidence(input: $i) { attachment { id } userErrors { code } } }",
            vars: |f| json!({ "i": { "attachmentId": f.attachment } }),
            refused_with: NOT_EDITABLE,
            ..BASE
        },
        Case {
            name: "readForm",
            status: Draft,
            resolved: false,
            query: "mutation($i: ReadFormInput!) { readForm(input: $i) { drafts { document } userErrors { code } } }",
            vars: |_| json!({ "i": { "departmentCode": "YX-KGJ", "text": "2024年度项目支出绩效自评表\n\n\t项目名称\n\t测试项目\n" } }),
            allowed: WRITERS,
            writes: false,
            ..BASE
        },
        Case {
            name: "createReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: CreateReportInput!) { createReport(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "新建" } } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "upsertReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertReportInput!) { upsertReport(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "externalId": format!("ext-{}", uuid::Uuid::new_v4()), "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "新建" } } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "updateReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpdateReportInput!) { updateReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.report, "title": "改" } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "setFinanceTables",
            status: Draft,
            resolved: false,
            query: "mutation($i: SetFinanceTablesInput!) { setFinanceTables(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "finance": { "units": [{ "name": "局机关" }] } } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "deleteReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.report } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "addIndicator",
            status: Draft,
            resolved: false,
            query: "mutation($i: AddIndicatorInput!) { addIndicator(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "indicator": { "category": "OUTPUT", "subcategory": "COST", "target": { "text": "≤90万元" } } } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "updateIndicator",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpdateIndicatorInput!) { updateIndicator(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.indicator, "name": "改" } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "recordIndicatorActual",
            status: Draft,
            resolved: false,
            query: "mutation($i: RecordIndicatorActualInput!) { recordIndicatorActual(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.indicator, "actual": { "text": "52个" } } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "removeIndicator",
            status: Draft,
            resolved: false,
            query: "mutation($i: RemoveIndicatorInput!) { removeIndicator(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.indicator } }),
            allowed: WRITERS,
            ..BASE
        },
        Case {
            name: "signReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "role": "MEMBER" } }),
            allowed: &["EVALUATOR", "ADMIN"],
            ..BASE
        },
        Case {
            name: "submitReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: TransitionInput!) { submitReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report } }),
            allowed: &["PREPARER", "ADMIN"],
            ..BASE
        },
        Case {
            name: "approveReport",
            status: Submitted,
            resolved: false,
            query: "mutation($i: OpinionTransitionInput!) { approveReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "opinion": "同意" } }),
            allowed: &["DEPARTMENT_HEAD", "ADMIN"],
            ..BASE
        },
        Case {
            name: "returnReport",
            status: Submitted,
            resolved: false,
            query: "mutation($i: ReturnReportInput!) { returnReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "reason": "请修改" } }),
            allowed: &["DEPARTMENT_HEAD", "FINANCE_REVIEWER", "ADMIN"],
            ..BASE
        },
        Case {
            name: "reviewReport",
            status: DepartmentApproved,
            resolved: false,
            query: "mutation($i: OpinionTransitionInput!) { reviewReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "opinion": "同意" } }),
            allowed: &["FINANCE_REVIEWER", "ADMIN"],
            ..BASE
        },
        Case {
            name: "recordRecheck",
            status: DepartmentApproved,
            resolved: false,
            query: "mutation($i: RecordRecheckInput!) { recordRecheck(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "total": "88", "rows": [{ "indicatorId": f.indicator, "score": "10" }] } }),
            allowed: &["FINANCE_REVIEWER", "ADMIN"],
            ..BASE
        },
        Case {
            name: "publishReport",
            status: FinanceReviewed,
            resolved: false,
            query: "mutation($i: TransitionInput!) { publishReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report } }),
            allowed: &["FINANCE_REVIEWER", "ADMIN"],
            ..BASE
        },
        Case {
            name: "addReviewComment",
            status: Submitted,
            resolved: false,
            query: "mutation($i: AddReviewCommentInput!) { addReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "body": "请说明" } }),
            allowed: COMMENTERS,
            ..BASE
        },
        Case {
            name: "replyToReviewComment",
            status: Submitted,
            resolved: false,
            query: "mutation($i: ReplyToReviewCommentInput!) { replyToReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "commentId": f.comment, "body": "已说明" } }),
            allowed: COMMENTERS,
            ..BASE
        },
        Case {
            name: "resolveReviewComment",
            status: Submitted,
            resolved: false,
            query: "mutation($i: ResolveReviewCommentInput!) { resolveReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "commentId": f.comment } }),
            allowed: COMMENTERS,
            ..BASE
        },
        Case {
            name: "reopenReviewComment",
            status: Submitted,
            resolved: true,
            query: "mutation($i: ResolveReviewCommentInput!) { reopenReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "commentId": f.comment } }),
            allowed: COMMENTERS,
            ..BASE
        },
        Case {
            name: "upsertScoringProfile",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertScoringProfileInput!) { upsertScoringProfile(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "code": format!("P-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "name": "规则", "jurisdiction": "不存在的地区", "rules": serde_json::from_str::<Value>(migration::NATIONAL_RULES).map(|mut r| { r["severities"] = json!([]); r }).unwrap_or_default() } }),
            allowed: &["ADMIN"],
            ..BASE
        },
        Case {
            name: "registerWebhook",
            status: Draft,
            resolved: false,
            query: "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "url": "http://127.0.0.1:9/other", "secret": "t".repeat(16), "filter": { "operations": ["DELETE"] } } }),
            allowed: &["ADMIN"],
            ..BASE
        },
        Case {
            name: "setWebhookActive",
            status: Draft,
            resolved: false,
            query: "mutation($i: SetWebhookActiveInput!) { setWebhookActive(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.webhook, "active": false } }),
            allowed: &["ADMIN"],
            ..BASE
        },
        Case {
            name: "upsertDepartments",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertDepartmentsInput!) { upsertDepartments(input: $i) { results { userErrors { code } } } }",
            vars: |_| json!({ "i": { "departments": [{ "code": format!("D-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "name": "新部门" }] } }),
            allowed: &["ADMIN"],
            errors: &["results", "0", "userErrors"],
            ..BASE
        },
        Case {
            name: "upsertDepartment",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "code": format!("D-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "name": "新部门" } }),
            allowed: &["ADMIN"],
            ..BASE
        },
        // Item 8 of issue #11: evaluators sign by subject, never by name.
        Case {
            name: "signReport as GROUP_LEADER (same name, other subject)",
            query: "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "role": "GROUP_LEADER" } }),
            allowed: &["ADMIN"],
            refused_with: &[("EVALUATOR", "NOT_AN_EVALUATOR")],
            ..BASE
        },
        Case {
            name: "signReport as MEMBER (no evaluator has a subject)",
            query: "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "role": "MEMBER" } }),
            group: Group::Unidentified,
            refused_with: NO_SUBJECT,
            ..BASE
        },
        Case {
            name: "signReport as GROUP_LEADER (the leader has no subject)",
            query: "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "role": "GROUP_LEADER" } }),
            group: Group::Unidentified,
            refused_with: NO_SUBJECT,
            ..BASE
        },
        // Item 7 of issue #11: an opinion given with a signature is its signer's, through every
        // write path that replaces the document's opinions.
        Case {
            name: "updateReport(opinions) over the leader's signed dissent",
            query: "mutation($i: UpdateReportInput!) { updateReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.report, "opinions": [{ "kind": "GROUP_LEADER", "text": "同意", "person": "组长" }] } }),
            allowed: &["ADMIN"],
            group: Group::Dissent,
            refused_with: NOT_THE_SIGNER,
            ..BASE
        },
        Case {
            name: "upsertReport without the leader's signed dissent",
            query: "mutation($i: UpsertReportInput!) { upsertReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": document_with_opinions(f, json!([])) }),
            allowed: &["ADMIN"],
            group: Group::Dissent,
            refused_with: NOT_THE_SIGNER,
            ..BASE
        },
        Case {
            name: "importReports rewriting the leader's signed dissent",
            query: "mutation($i: ImportReportsInput!) { importReports(input: $i) { results { userErrors { code } } } }",
            vars: |f| json!({ "i": { "documents": [document_with_opinions(f, json!([{ "kind": "GROUP_LEADER", "text": "同意", "person": "组长" }]))] } }),
            allowed: &["ADMIN"],
            group: Group::Dissent,
            refused_with: NOT_THE_SIGNER,
            errors: &["results", "0", "userErrors"],
            ..BASE
        },
        Case {
            name: "updateReport(opinions) over the department's approval opinion (RETURNED)",
            status: Returned,
            query: "mutation($i: UpdateReportInput!) { updateReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.report, "opinions": [{ "kind": "DEPARTMENT", "text": "不同意", "person": "组长" }] } }),
            allowed: &["ADMIN"],
            refused_with: NOT_THE_SIGNER,
            ..BASE
        },
    ]
}

fn token(app: &TestApp, caller: &str) -> Option<String> {
    match caller {
        "anonymous" => None,
        "OTHER_PREPARER" => Some(app.token_for("other", "组长", &["PREPARER"], &["YX-CZJ"])),
        "ADMIN" => Some(app.token_for("admin", "组长", &["ADMIN"], &[])),
        role => Some(app.token_for("u", "组长", &[role], &["YX-KGJ"])),
    }
}

#[tokio::test]
async fn every_mutation_by_every_caller() {
    let app = TestApp::spawn().await;
    let mut checked = 0;
    let cases = cases();
    for case in &cases {
        let field = field_of(case.query);
        for caller in CALLERS {
            let fixture = report_in(&app, case.status, case.group).await;
            if case.resolved {
                let admin = Viewer {
                    subject: Some("admin".into()),
                    name: None,
                    roles: vec![Role::Admin],
                    departments: vec!["*".into()],
                };
                let id = uuid::Uuid::parse_str(
                    std::str::from_utf8(&base64_decode(&fixture.comment))
                        .unwrap_or("")
                        .trim_start_matches("ReviewComment:"),
                )
                .expect("comment id");
                jixiao::domain::comment::set_resolved(&app.db, &admin, id, true)
                    .await
                    .expect("resolve")
                    .expect("resolved");
            }
            let before = snapshot(&app).await;
            let body = app
                .gql(
                    token(&app, caller).as_deref(),
                    case.query,
                    (case.vars)(&fixture),
                )
                .await;
            let top = body["errors"][0]["extensions"]["code"].as_str();
            let errors =
                case.errors
                    .iter()
                    .fold(&body["data"][field], |v, k| match k.parse::<usize>() {
                        Ok(i) => &v[i],
                        Err(_) => &v[*k],
                    });
            let name = case.name;
            if case.allowed.contains(&caller) {
                assert!(
                    top.is_none(),
                    "{name} by {caller} should be allowed: {body}"
                );
                if !case.errors.is_empty() {
                    assert_eq!(errors, &json!([]), "{name} by {caller}: {body}");
                }
                if case.writes {
                    assert_ne!(
                        snapshot(&app).await,
                        before,
                        "{name} by {caller} wrote nothing"
                    );
                } else {
                    assert_eq!(
                        snapshot(&app).await,
                        before,
                        "{name} by {caller} only reads"
                    );
                }
            } else if let Some((_, code)) = case.refused_with.iter().find(|(c, _)| *c == caller) {
                assert!(
                    top.is_none(),
                    "{name} by {caller} should be refused with {code}: {body}"
                );
                assert_eq!(
                    errors[0]["code"], *code,
                    "{name} by {caller} should be refused with {code}: {body}"
                );
                assert_eq!(
                    snapshot(&app).await,
                    before,
                    "{name} by {caller} was refused but wrote"
                );
            } else {
                // A batch refuses each document it may not write, with the same codes.
                let per_document = case.errors.len() > 1
                    && top.is_none()
                    && matches!(errors[0]["code"].as_str(), Some("FORBIDDEN" | "NOT_FOUND"));
                assert!(
                    per_document
                        || matches!(top, Some("FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED")),
                    "{name} by {caller} should be refused: {body}"
                );
                assert_eq!(
                    snapshot(&app).await,
                    before,
                    "{name} by {caller} was refused but wrote"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, cases.len() * CALLERS.len());
    let covered: std::collections::BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c.name.split(' ').next())
        .collect();
    let missing: Vec<String> = schema_mutations()
        .into_iter()
        .filter(|m| !covered.contains(m.as_str()))
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "mutations without a row in the matrix"
    );
}

/// The mutations `schema.graphql` declares (fields of `type Mutation`: a line one tab deep
/// holding a lower-case name and `(`, or a name, `: ` and a type for one without arguments).
fn schema_mutations() -> Vec<String> {
    let sdl = include_str!("../../schema.graphql");
    let start = sdl.find("type Mutation {").expect("type Mutation");
    let body = &sdl[start..];
    let body = &body[..body.find("\n}").expect("end of Mutation")];
    let names: Vec<String> = body
        .lines()
        .filter_map(|l| l.strip_prefix('\t'))
        .filter_map(|l| {
            let name: String = l.chars().take_while(char::is_ascii_alphanumeric).collect();
            // `name(` opens a field with arguments; `name: Type` is one without (a description
            // line never ends in a bare type).
            let typed = l.strip_prefix(&format!("{name}: ")).is_some_and(|t| {
                t.starts_with(|c: char| c.is_ascii_uppercase() || c == '[')
                    && t.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!_[]".contains(c))
            });
            let field = l == format!("{name}(") || typed;
            (name.starts_with(|c: char| c.is_ascii_lowercase()) && field).then_some(name)
        })
        .collect();
    assert!(names.len() > 20, "{names:?}");
    names
}
