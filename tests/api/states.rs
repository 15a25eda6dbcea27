//! A report of YX-KGJ in any workflow state, with what its next step needs, and a snapshot of
//! everything a refused call must leave as it was (for the authorization matrix and the scope
//! tests).

use crate::support::TestApp;
use entity::{ReportStatus, SignatureRole};
use jixiao::domain::report::{ReportDocument, service};
use jixiao::domain::workflow::sign::{self, SignInput};
use jixiao::domain::workflow::{self, StepInput, Transition};
use jixiao::domain::{Role, Viewer};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

pub(crate) fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap_or_default()
}

pub(crate) fn id(kind: &str, uuid: uuid::Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{uuid}"))
}

pub(crate) struct Fixture {
    pub(crate) report: String,
    pub(crate) external_id: String,
    pub(crate) unit_name: String,
    pub(crate) indicator: String,
    pub(crate) comment: String,
    /// A registered webhook (active), by its id.
    pub(crate) webhook: String,
    /// Evidence attached to the report (a PDF, on the report) while it was a draft.
    pub(crate) attachment: String,
    /// An upload (another PDF) of subject `u`, the test tokens' subject, not attached yet.
    pub(crate) upload: String,
}

/// A small PDF whose bytes differ by `tag`.
pub(crate) fn pdf(tag: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% {tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

/// `bytes` as a file handed in, named `name`.
pub(crate) fn incoming(name: &str, bytes: &[u8]) -> jixiao::domain::evidence::Incoming {
    use std::io::Write;
    let mut file = tempfile::tempfile().expect("tempfile");
    file.write_all(bytes).expect("write");
    jixiao::domain::evidence::Incoming {
        file,
        name: name.into(),
        declared: None,
    }
}

/// How the fixture's evaluation group is set up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Group {
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
pub(crate) async fn report_in(app: &TestApp, status: ReportStatus, group: Group) -> Fixture {
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
    let attachment = jixiao::domain::evidence::attach(
        &app.db,
        &admin,
        jixiao::domain::evidence::Attach {
            report_id: rid,
            anchor: jixiao::domain::comment::Anchor {
                kind: entity::CommentTargetKind::Report,
                path: None,
                indicator: None,
            },
            source: jixiao::domain::evidence::Source::File(incoming("合同.pdf", &pdf("contract"))),
            description: Some("采购合同".into()),
            expected_version: None,
        },
    )
    .await
    .expect("attach")
    .expect("attached")
    .attachment;
    let preparer = Viewer {
        subject: Some("u".into()),
        name: Some("组长".into()),
        roles: vec![Role::Preparer],
        departments: vec!["YX-KGJ".into()],
    };
    let upload = jixiao::domain::evidence::upload(
        &app.db,
        &preparer,
        incoming("验收单.pdf", &pdf(&uuid::Uuid::new_v4().to_string())),
    )
    .await
    .expect("upload")
    .expect("uploaded");
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
                    key: None,
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
        attachment: id("Attachment", attachment.id),
        upload: id("Attachment", upload.id),
    }
}

/// Everything a refused call must leave as it was.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    counts: [u64; 8],
    versions: i64,
    /// Every opinion: report, kind, text, person.
    opinions: Vec<(uuid::Uuid, String, Option<String>, Option<String>)>,
}

pub(crate) async fn snapshot(app: &TestApp) -> Snapshot {
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
