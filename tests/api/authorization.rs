//! Every mutation × every role (plus anonymous and a caller from another department): allowed,
//! or refused with FORBIDDEN / NOT_FOUND / UNAUTHENTICATED and nothing written. Signing and
//! opinions add cases where a caller with the right role is refused with a user error and
//! nothing written: signing for an evaluator by name (every test token is named 组长, as the
//! group leader is) or for one without a subject, and changing an opinion given with someone
//! else's signature through every write path. Reads are scoped in SQL.

use crate::support::TestApp;
use entity::{ReportStatus, SignatureRole};
use jixiao::domain::report::{ReportDocument, service};
use jixiao::domain::workflow::sign::{self, SignInput};
use jixiao::domain::workflow::{self, StepInput, Transition};
use jixiao::domain::{Role, Viewer};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
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

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap_or_default()
}

fn id(kind: &str, uuid: uuid::Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{uuid}"))
}

struct Fixture {
    report: String,
    external_id: String,
    unit_name: String,
    indicator: String,
    comment: String,
    /// A registered webhook (active), by its id.
    webhook: String,
}

/// How the fixture's evaluation group is set up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Group {
    /// Leader 组长 with subject `admin`, member 组员 with subject `u`.
    Identified,
    /// As `Identified`, and the leader's signature in DRAFT is given with a dissenting opinion.
    Dissent,
    /// The same evaluators without subjects, and no signature.
    Unidentified,
}

/// A report of YX-KGJ in `status`, with the signatures its next step needs, signed by its group
/// leader 组长 (subject `admin`; every test token has the name 组长, but only `admin` has the
/// leader's subject), with an indicator and a review comment. The evaluation group's member has
/// the subject `u` of the test tokens' EVALUATOR. See [`Group`] for the variants.
async fn report_in(app: &TestApp, status: ReportStatus, group: Group) -> Fixture {
    let admin = Viewer {
        subject: Some("admin".into()),
        name: Some("组长".into()),
        roles: vec![Role::Admin],
        departments: vec!["*".into()],
    };
    let mut doc: ReportDocument = serde_json::from_value(json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "测试局",
        "indicators": [{ "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≥50个" } }],
        "evaluators": [
            { "name": "组长", "role": "GROUP_LEADER", "subject": "admin" },
            { "name": "组员", "role": "MEMBER", "subject": "u" }
        ],
        "sections": [{ "key": "1", "title": "一、概况" }]
    }))
    .expect("document");
    doc.unit_name = format!("测试局{}", uuid::Uuid::new_v4().simple());
    if group == Group::Unidentified {
        for e in &mut doc.evaluators {
            e.subject = None;
        }
    }
    let unit_name = doc.unit_name.clone();
    let external_id = format!("ext-{}", uuid::Uuid::new_v4());
    let report = service::create(&app.db, &admin, None, Some(external_id.clone()), doc)
        .await
        .expect("create")
        .expect("valid")
        .report;
    let rid = report.id;
    let steps: &[(Option<SignatureRole>, Option<Transition>)] = match status {
        ReportStatus::Draft if group == Group::Unidentified => &[],
        ReportStatus::Draft => &[(Some(SignatureRole::GroupLeader), None)],
        ReportStatus::Submitted => &[
            (Some(SignatureRole::GroupLeader), Some(Transition::Submit)),
            (Some(SignatureRole::DepartmentHead), None),
        ],
        ReportStatus::DepartmentApproved => &[
            (Some(SignatureRole::GroupLeader), Some(Transition::Submit)),
            (
                Some(SignatureRole::DepartmentHead),
                Some(Transition::Approve),
            ),
        ],
        ReportStatus::Returned => &[
            (Some(SignatureRole::GroupLeader), Some(Transition::Submit)),
            (
                Some(SignatureRole::DepartmentHead),
                Some(Transition::Approve),
            ),
            (None, Some(Transition::Return)),
        ],
        _ => &[
            (Some(SignatureRole::GroupLeader), Some(Transition::Submit)),
            (
                Some(SignatureRole::DepartmentHead),
                Some(Transition::Approve),
            ),
            (None, Some(Transition::Review)),
        ],
    };
    for (role, step) in steps {
        if let Some(role) = role {
            sign::sign(
                &app.db,
                &admin,
                None,
                rid,
                SignInput {
                    role: *role,
                    expected_digest: None,
                    opinion: (group == Group::Dissent && *role == SignatureRole::GroupLeader)
                        .then(|| "不同意：产出指标未达成".to_owned()),
                },
            )
            .await
            .expect("sign")
            .expect("signed");
        }
        if let Some(step) = step {
            let input = StepInput {
                opinion: Some("同意".into()),
                reason: Some("请修改".into()),
                ..Default::default()
            };
            workflow::transition(&app.db, &admin, None, rid, *step, input)
                .await
                .expect("step")
                .expect("stepped");
        }
    }
    let indicator = entity::indicator::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("indicators")
        .into_iter()
        .find(|i| i.report_id == rid)
        .expect("indicator")
        .id;
    let comment = jixiao::domain::comment::add(
        &app.db,
        &admin,
        None,
        rid,
        jixiao::domain::comment::Anchor {
            kind: entity::CommentTargetKind::Report,
            path: None,
            indicator: None,
        },
        "请核对",
    )
    .await
    .expect("comment")
    .expect("commented")
    .comment;
    let register = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { webhook { id } userErrors { code } } }";
    let hook = app
        .gql(
            Some(&app.token(&["ADMIN"], &["*"])),
            register,
            json!({ "i": { "url": "http://127.0.0.1:9/hook", "secret": "s".repeat(16), "filter": { "operations": ["DELETE"] } } }),
        )
        .await;
    let webhook = hook["data"]["registerWebhook"]["webhook"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{hook}"))
        .to_owned();
    Fixture {
        report: id("Report", rid),
        external_id,
        unit_name,
        indicator: id("Indicator", indicator),
        comment: id("ReviewComment", comment.id),
        webhook,
    }
}

/// Everything a refused call must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    counts: [u64; 8],
    versions: i64,
    /// Every opinion: report, kind, text, person.
    opinions: Vec<(uuid::Uuid, String, Option<String>, Option<String>)>,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let db = &app.db.conn;
    let versions: i64 = entity::report::Entity::find()
        .all(db)
        .await
        .expect("reports")
        .iter()
        .map(|r| i64::from(r.version))
        .sum();
    let mut opinions: Vec<_> = entity::opinion::Entity::find()
        .all(db)
        .await
        .expect("opinions")
        .into_iter()
        .map(|o| (o.report_id, o.kind.as_str().to_owned(), o.text, o.person))
        .collect();
    opinions.sort();
    Snapshot {
        counts: [
            entity::report::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::change_event::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::review_comment::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::department::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::scoring_profile::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::signature::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::webhook::Entity::find()
                .count(db)
                .await
                .expect("count"),
            entity::webhook::Entity::find()
                .filter(entity::webhook::Column::Active.eq(true))
                .count(db)
                .await
                .expect("count"),
        ],
        versions,
        opinions,
    }
}

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
    /// Where the payload's user errors are (per document for a batch).
    errors: &'static [&'static str],
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

fn cases() -> Vec<Case> {
    use ReportStatus::*;
    vec![
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
                assert_eq!(errors, &json!([]), "{name} by {caller}: {body}");
                assert_ne!(
                    snapshot(&app).await,
                    before,
                    "{name} by {caller} wrote nothing"
                );
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

/// The mutations `schema.graphql` declares (fields of `type Mutation`: every one takes
/// arguments, so each is a line one tab deep holding a lower-case name and `(`).
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
            (name.starts_with(|c: char| c.is_ascii_lowercase()) && l == format!("{name}("))
                .then_some(name)
        })
        .collect();
    assert!(names.len() > 20, "{names:?}");
    names
}

#[tokio::test]
async fn reads_are_scoped_to_the_callers_departments() {
    let app = TestApp::spawn().await;
    let draft = report_in(&app, ReportStatus::Draft, Group::Identified).await;
    let other = app.token_for("other", "外单位", &["PREPARER"], &["YX-CZJ"]);
    let mine = app.preparer();
    let q = "query($id: ID!, $ind: ID!) { reports { totalCount } indicators { totalCount } node(id: $id) { id } nodes(ids: [$id, $ind]) { id } report(id: $id) { id } }";
    let vars = json!({ "id": draft.report, "ind": draft.indicator });
    let seen = app.gql(Some(&other), q, vars.clone()).await;
    assert_eq!(
        seen["data"],
        json!({ "reports": { "totalCount": 0 }, "indicators": { "totalCount": 0 }, "node": null, "nodes": [null, null], "report": null }),
        "{seen}"
    );
    let anon = app.gql(None, q, vars.clone()).await;
    assert_eq!(anon["data"]["reports"]["totalCount"], 0);
    let own = app.gql(Some(&mine), q, vars).await;
    assert_eq!(own["data"]["reports"]["totalCount"], 1, "{own}");
    assert_eq!(own["data"]["indicators"]["totalCount"], 1);
    assert_eq!(own["data"]["nodes"][1]["id"], draft.indicator);
}
