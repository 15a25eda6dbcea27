//! Every mutation × every role (plus anonymous and a caller from another department): allowed,
//! or refused with FORBIDDEN / NOT_FOUND / UNAUTHENTICATED and nothing written. Reads are
//! scoped in SQL.

use crate::support::TestApp;
use entity::{ReportStatus, SignatureRole};
use jixiao::domain::report::{ReportDocument, service};
use jixiao::domain::workflow::sign::{self, SignInput};
use jixiao::domain::workflow::{self, StepInput, Transition};
use jixiao::domain::{Role, Viewer};
use sea_orm::{EntityTrait, PaginatorTrait};
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
    indicator: String,
    comment: String,
}

/// A report of YX-KGJ in `status`, with the signatures its next step needs, signed by its group leader 组长 (the name every test token
/// has), with an indicator and a review comment.
async fn report_in(app: &TestApp, status: ReportStatus) -> Fixture {
    let admin = Viewer {
        subject: Some("admin".into()),
        name: Some("组长".into()),
        roles: vec![Role::Admin],
        departments: vec!["*".into()],
    };
    let mut doc: ReportDocument = serde_json::from_value(json!({
        "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "测试局",
        "indicators": [{ "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≥50个" } }],
        "evaluators": [{ "name": "组长", "role": "GROUP_LEADER" }],
        "sections": [{ "key": "1", "title": "一、概况" }]
    }))
    .expect("document");
    doc.unit_name = format!("测试局{}", uuid::Uuid::new_v4().simple());
    let report = service::create(&app.db, &admin, None, None, doc)
        .await
        .expect("create")
        .expect("valid")
        .report;
    let rid = report.id;
    let steps: &[(Option<SignatureRole>, Option<Transition>)] = match status {
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
                    opinion: None,
                },
            )
            .await
            .expect("sign")
            .expect("signed");
        }
        if let Some(step) = step {
            let input = StepInput {
                opinion: Some("同意".into()),
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
    Fixture {
        report: id("Report", rid),
        indicator: id("Indicator", indicator),
        comment: id("ReviewComment", comment.id),
    }
}

/// Everything a refused call must leave as it was.
async fn snapshot(app: &TestApp) -> (u64, u64, u64, u64, i64, u64) {
    let db = &app.db.conn;
    let versions: i64 = entity::report::Entity::find()
        .all(db)
        .await
        .expect("reports")
        .iter()
        .map(|r| i64::from(r.version))
        .sum();
    (
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
        versions,
        entity::scoring_profile::Entity::find()
            .count(db)
            .await
            .expect("count"),
    )
}

struct Case {
    name: &'static str,
    status: ReportStatus,
    /// Resolve the fixture's comment first (to reopen it).
    resolved: bool,
    query: &'static str,
    vars: fn(&Fixture) -> Value,
    allowed: &'static [&'static str],
}

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
        },
        Case {
            name: "upsertReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertReportInput!) { upsertReport(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "externalId": format!("ext-{}", uuid::Uuid::new_v4()), "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "新建" } } }),
            allowed: WRITERS,
        },
        Case {
            name: "updateReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpdateReportInput!) { updateReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.report, "title": "改" } }),
            allowed: WRITERS,
        },
        Case {
            name: "setFinanceTables",
            status: Draft,
            resolved: false,
            query: "mutation($i: SetFinanceTablesInput!) { setFinanceTables(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "finance": { "units": [{ "name": "局机关" }] } } }),
            allowed: WRITERS,
        },
        Case {
            name: "deleteReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.report } }),
            allowed: WRITERS,
        },
        Case {
            name: "addIndicator",
            status: Draft,
            resolved: false,
            query: "mutation($i: AddIndicatorInput!) { addIndicator(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "indicator": { "category": "OUTPUT", "subcategory": "COST", "target": { "text": "≤90万元" } } } }),
            allowed: WRITERS,
        },
        Case {
            name: "updateIndicator",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpdateIndicatorInput!) { updateIndicator(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.indicator, "name": "改" } }),
            allowed: WRITERS,
        },
        Case {
            name: "recordIndicatorActual",
            status: Draft,
            resolved: false,
            query: "mutation($i: RecordIndicatorActualInput!) { recordIndicatorActual(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.indicator, "actual": { "text": "52个" } } }),
            allowed: WRITERS,
        },
        Case {
            name: "removeIndicator",
            status: Draft,
            resolved: false,
            query: "mutation($i: RemoveIndicatorInput!) { removeIndicator(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "id": f.indicator } }),
            allowed: WRITERS,
        },
        Case {
            name: "signReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "role": "MEMBER" } }),
            allowed: &["EVALUATOR", "ADMIN"],
        },
        Case {
            name: "submitReport",
            status: Draft,
            resolved: false,
            query: "mutation($i: TransitionInput!) { submitReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report } }),
            allowed: &["PREPARER", "ADMIN"],
        },
        Case {
            name: "approveReport",
            status: Submitted,
            resolved: false,
            query: "mutation($i: OpinionTransitionInput!) { approveReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "opinion": "同意" } }),
            allowed: &["DEPARTMENT_HEAD", "ADMIN"],
        },
        Case {
            name: "returnReport",
            status: Submitted,
            resolved: false,
            query: "mutation($i: ReturnReportInput!) { returnReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "reason": "请修改" } }),
            allowed: &["DEPARTMENT_HEAD", "FINANCE_REVIEWER", "ADMIN"],
        },
        Case {
            name: "reviewReport",
            status: DepartmentApproved,
            resolved: false,
            query: "mutation($i: OpinionTransitionInput!) { reviewReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "opinion": "同意" } }),
            allowed: &["FINANCE_REVIEWER", "ADMIN"],
        },
        Case {
            name: "publishReport",
            status: FinanceReviewed,
            resolved: false,
            query: "mutation($i: TransitionInput!) { publishReport(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report } }),
            allowed: &["FINANCE_REVIEWER", "ADMIN"],
        },
        Case {
            name: "addReviewComment",
            status: Submitted,
            resolved: false,
            query: "mutation($i: AddReviewCommentInput!) { addReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "reportId": f.report, "body": "请说明" } }),
            allowed: COMMENTERS,
        },
        Case {
            name: "replyToReviewComment",
            status: Submitted,
            resolved: false,
            query: "mutation($i: ReplyToReviewCommentInput!) { replyToReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "commentId": f.comment, "body": "已说明" } }),
            allowed: COMMENTERS,
        },
        Case {
            name: "resolveReviewComment",
            status: Submitted,
            resolved: false,
            query: "mutation($i: ResolveReviewCommentInput!) { resolveReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "commentId": f.comment } }),
            allowed: COMMENTERS,
        },
        Case {
            name: "reopenReviewComment",
            status: Submitted,
            resolved: true,
            query: "mutation($i: ResolveReviewCommentInput!) { reopenReviewComment(input: $i) { userErrors { code } } }",
            vars: |f| json!({ "i": { "commentId": f.comment } }),
            allowed: COMMENTERS,
        },
        Case {
            name: "upsertScoringProfile",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertScoringProfileInput!) { upsertScoringProfile(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "code": format!("P-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "name": "规则", "jurisdiction": "不存在的地区", "rules": serde_json::from_str::<Value>(migration::NATIONAL_RULES).map(|mut r| { r["severities"] = json!([]); r }).unwrap_or_default() } }),
            allowed: &["ADMIN"],
        },
        Case {
            name: "upsertDepartment",
            status: Draft,
            resolved: false,
            query: "mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { userErrors { code } } }",
            vars: |_| json!({ "i": { "code": format!("D-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "name": "新部门" } }),
            allowed: &["ADMIN"],
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
    for case in cases() {
        for caller in CALLERS {
            let fixture = report_in(&app, case.status).await;
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
            if case.allowed.contains(&caller) {
                assert!(
                    top.is_none(),
                    "{} by {caller} should be allowed: {body}",
                    case.name
                );
                let errors = &body["data"][case.name]["userErrors"];
                assert_eq!(errors, &json!([]), "{} by {caller}: {body}", case.name);
                assert_ne!(
                    snapshot(&app).await,
                    before,
                    "{} by {caller} wrote nothing",
                    case.name
                );
            } else {
                assert!(
                    matches!(top, Some("FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED")),
                    "{} by {caller} should be refused: {body}",
                    case.name
                );
                assert_eq!(
                    snapshot(&app).await,
                    before,
                    "{} by {caller} was refused but wrote",
                    case.name
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 21 * CALLERS.len());
}

#[tokio::test]
async fn reads_are_scoped_to_the_callers_departments() {
    let app = TestApp::spawn().await;
    let draft = report_in(&app, ReportStatus::Draft).await;
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
