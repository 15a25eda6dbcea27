//! The lifecycle of a report (docs/domain.md §7) and its signatures.
//!
//! ```text
//!            submit (PREPARER)          approve (DEPARTMENT_HEAD)        review (FINANCE_REVIEWER)
//!   DRAFT ─────────────────▶ SUBMITTED ─────────────────▶ DEPARTMENT_APPROVED ─────────────▶ FINANCE_REVIEWED
//!     ▲                         │                              │                              │
//!     │ edit            return  │ (DEPARTMENT_HEAD,            │ return                       │ publish
//!  RETURNED ◀───────────────────┴── FINANCE_REVIEWER) ◀────────┴──────────────────────────────┤ (FINANCE_REVIEWER)
//!     │ submit                                                                                ▼
//!     └──────────────────────────▶ SUBMITTED                                              PUBLISHED
//! ```
//! Content may change only in DRAFT and RETURNED. Submission needs the evaluation group
//! leader's valid signature; approval needs the department head's. A signature binds the
//! report's `contentDigest` at that moment and the opinion given with it (the group leader's
//! with their signature; approval and review sign the department's and the finance bureau's
//! opinion in the caller's capacity), and stays valid only while both do (see [`binding`]).

pub mod binding;
pub mod bundle;
pub mod recheck;
pub mod sign;

use entity::signature;

use crate::domain::change::Operation;
use crate::domain::idempotency::{self, Call};
use crate::domain::report::aggregate::{self, OpenReport};
use crate::domain::report::service::{self, WriteKind, Written};
use crate::domain::report::snapshot::Keep;
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use binding::{OpinionText, Verdict};
use chrono::Utc;
use entity::{OpinionKind, ReportStatus, SignatureRole, opinion, report, review_comment};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use tracing::instrument;
use uuid::Uuid;

/// A workflow step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// DRAFT/RETURNED → SUBMITTED, by the preparer.
    Submit,
    /// SUBMITTED → DEPARTMENT_APPROVED, by the department head, with the department opinion.
    Approve,
    /// SUBMITTED/DEPARTMENT_APPROVED/FINANCE_REVIEWED → RETURNED, with a reason.
    Return,
    /// DEPARTMENT_APPROVED → FINANCE_REVIEWED, by the finance reviewer, with the finance opinion.
    Review,
    /// FINANCE_REVIEWED → PUBLISHED, by the finance reviewer.
    Publish,
}

impl Transition {
    /// States the step starts from.
    pub fn from(self) -> &'static [ReportStatus] {
        use ReportStatus::*;
        match self {
            Transition::Submit => &[Draft, Returned],
            Transition::Approve => &[Submitted],
            Transition::Return => &[Submitted, DepartmentApproved, FinanceReviewed],
            Transition::Review => &[DepartmentApproved],
            Transition::Publish => &[FinanceReviewed],
        }
    }

    /// State the step leads to.
    pub fn to(self) -> ReportStatus {
        match self {
            Transition::Submit => ReportStatus::Submitted,
            Transition::Approve => ReportStatus::DepartmentApproved,
            Transition::Return => ReportStatus::Returned,
            Transition::Review => ReportStatus::FinanceReviewed,
            Transition::Publish => ReportStatus::Published,
        }
    }

    /// Roles that may take the step (ADMIN may take any).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Transition::Submit => &[Role::Preparer],
            Transition::Approve => &[Role::DepartmentHead],
            Transition::Return => &[Role::DepartmentHead, Role::FinanceReviewer],
            Transition::Review | Transition::Publish => &[Role::FinanceReviewer],
        }
    }

    fn operation(self) -> Operation {
        match self {
            Transition::Submit => Operation::Submit,
            Transition::Approve => Operation::Approve,
            Transition::Return => Operation::Return,
            Transition::Review => Operation::Review,
            Transition::Publish => Operation::Publish,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Transition::Submit => "提交",
            Transition::Approve => "部门审核通过",
            Transition::Return => "退回",
            Transition::Review => "财政复核",
            Transition::Publish => "公开",
        }
    }
}

/// What a step carries besides itself.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    /// The caller's version, checked if given.
    pub expected_version: Option<i32>,
    /// Opinion text (approve: department; review: finance).
    pub opinion: Option<String>,
    /// Who gives the opinion (default: the caller's name).
    pub person: Option<String>,
    /// Reason for returning; becomes a review comment.
    pub reason: Option<String>,
}

fn refuse<T>(
    field: &str,
    code: UserErrorCode,
    message: impl Into<String>,
) -> Result<Outcome<T>, AppError> {
    Ok(Err(vec![FieldError::new(field, code, message)]))
}

/// Whether the report holds a signature in `role` that still holds (under the scheme it was
/// made under: its content digest and, from scheme 2, the opinion given with it).
async fn has_valid_signature(
    open: &OpenReport,
    role: SignatureRole,
    with_key: bool,
) -> Result<bool, AppError> {
    let signatures = signature::Entity::find()
        .filter(signature::Column::ReportId.eq(open.row.id))
        .filter(signature::Column::Role.eq(role))
        .all(&open.txn.txn)
        .await?;
    if signatures.is_empty() {
        return Ok(false);
    }
    let verdicts = binding::judge_stored(&open.txn.txn, &open.row, &signatures).await?;
    Ok(signatures
        .iter()
        .zip(&verdicts)
        .any(|(s, v)| v.is_ok() && (!with_key || s.scheme == binding::KEY_SCHEME)))
}

/// Writes (or replaces) the report's opinion of its kind.
pub(crate) async fn give_opinion(open: &OpenReport, given: &OpinionText) -> Result<(), AppError> {
    opinion::Entity::delete_many()
        .filter(opinion::Column::ReportId.eq(open.row.id))
        .filter(opinion::Column::Kind.eq(given.kind))
        .exec(&open.txn.txn)
        .await?;
    let ordinal = match given.kind {
        OpinionKind::GroupLeader => 1,
        OpinionKind::Department => 2,
        OpinionKind::Finance => 3,
    };
    opinion::Entity::insert(opinion::ActiveModel {
        id: Set(Uuid::now_v7()),
        report_id: Set(open.row.id),
        ordinal: Set(ordinal),
        kind: Set(given.kind),
        text: Set(given.text.clone()),
        person: Set(given.person.clone()),
        date: Set(given.date),
    })
    .exec_without_returning(&open.txn.txn)
    .await?;
    Ok(())
}

/// Gives a step's opinion (the department's on approval, the finance bureau's on review),
/// signed with it by the caller in `capacity`, so that it is theirs (see [`binding`]).
async fn sign_opinion(
    open: &OpenReport,
    viewer: &Viewer,
    capacity: SignatureRole,
    kind: OpinionKind,
    text: String,
    person: Option<String>,
) -> Result<(), AppError> {
    let subject = viewer.actor().unwrap_or_default();
    let name = viewer.name.clone().unwrap_or_else(|| subject.clone());
    let given = OpinionText {
        kind,
        text: Some(text),
        person,
        date: Some(Utc::now().date_naive()),
    };
    sign::record(open, subject, name, capacity, Some(given)).await?;
    Ok(())
}

pub(crate) fn required_text(
    value: &Option<String>,
    field: &str,
    label: &str,
) -> Result<String, FieldError> {
    match value.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() && t.chars().count() <= 20_000 => Ok(t.to_owned()),
        Some(t) if !t.is_empty() => Err(FieldError::new(
            field,
            UserErrorCode::TooLong,
            format!("{label}最多 20000 个字符"),
        )),
        _ => Err(FieldError::new(
            field,
            UserErrorCode::Required,
            format!("{label}不能为空"),
        )),
    }
}

/// Refuses unless the viewer may take `step` on a report of department `code`.
fn may_take(viewer: &Viewer, step: Transition, code: &str) -> Result<(), AppError> {
    crate::domain::report::policy::ensure_role_in(viewer, step.roles(), code, step.label())
}

/// Takes a workflow step, under the call's idempotency key if it has one. A replay is refused
/// as the step itself would refuse the caller now: NOT_FOUND if they may no longer see the
/// report, FORBIDDEN if they may no longer take the step in its department.
pub async fn transition(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    id: Uuid,
    step: Transition,
    input: StepInput,
) -> Result<Outcome<Written>, AppError> {
    idempotency::run(
        db,
        viewer,
        call,
        |w| async move {
            let (_, code) = aggregate::visible(db, viewer, id).await?;
            may_take(viewer, step, &code).map(|()| w)
        },
        |claim| async move {
            transition_with(db, viewer, id, step, input, Keep::key(claim.as_ref())).await
        },
    )
    .await
}

#[instrument(skip_all, fields(report.id = %id, step = ?step))]
async fn transition_with(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    step: Transition,
    input: StepInput,
    keep: Keep<'_>,
) -> Result<Outcome<Written>, AppError> {
    let open = aggregate::open(db, viewer, id).await?;
    may_take(viewer, step, &open.department_code)?;
    if let Some(e) = aggregate::stale(&open.row, input.expected_version) {
        return Ok(Err(vec![e]));
    }
    if !step.from().contains(&open.row.status) {
        let from: Vec<&str> = step.from().iter().map(|s| s.as_str()).collect();
        return refuse(
            "",
            UserErrorCode::InvalidState,
            format!(
                "报告当前状态为 {}，只有 {} 状态的报告可以{}",
                open.row.status.as_str(),
                from.join("、"),
                step.label()
            ),
        );
    }
    let person = input.person.clone().or_else(|| viewer.name.clone());
    match step {
        Transition::Submit => {
            let with_key = db.key_required(SignatureRole::GroupLeader);
            if !has_valid_signature(&open, SignatureRole::GroupLeader, with_key).await? {
                return refuse(
                    "",
                    UserErrorCode::SignatureRequired,
                    "提交前需要评价组组长对当前内容的有效签名（按配置须以登记的密钥签名时，须为密钥签名）",
                );
            }
            let doc = crate::domain::report::store::load(
                &open.txn.txn,
                &open.row,
                open.department_code.clone(),
            )
            .await?;
            let errors = crate::domain::assessment::service::blocking(db, &doc).await?;
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
        }
        Transition::Approve => {
            let text = match required_text(&input.opinion, "opinion", "部门（单位）意见") {
                Ok(t) => t,
                Err(e) => return Ok(Err(vec![e])),
            };
            let with_key = db.key_required(SignatureRole::DepartmentHead);
            if !has_valid_signature(&open, SignatureRole::DepartmentHead, with_key).await? {
                return refuse(
                    "",
                    UserErrorCode::SignatureRequired,
                    "审核通过前需要部门（单位）负责人对当前内容的有效签名（按配置须以登记的密钥签名时，须为密钥签名）",
                );
            }
            sign_opinion(
                &open,
                viewer,
                SignatureRole::DepartmentHead,
                OpinionKind::Department,
                text,
                person,
            )
            .await?;
        }
        Transition::Review => {
            let text = match required_text(&input.opinion, "opinion", "财政部门归口业务股室意见")
            {
                Ok(t) => t,
                Err(e) => return Ok(Err(vec![e])),
            };
            sign_opinion(
                &open,
                viewer,
                SignatureRole::FinanceReviewer,
                OpinionKind::Finance,
                text,
                person,
            )
            .await?;
        }
        Transition::Return => {
            let reason = match required_text(&input.reason, "reason", "退回原因") {
                Ok(t) => t,
                Err(e) => return Ok(Err(vec![e])),
            };
            let now = Utc::now();
            let comment = Uuid::now_v7();
            review_comment::Entity::insert(review_comment::ActiveModel {
                id: Set(comment),
                report_id: Set(open.row.id),
                parent_id: Set(None),
                target_kind: Set(entity::CommentTargetKind::Report),
                target_path: Set(None),
                indicator_id: Set(None),
                author_subject: Set(viewer.actor().unwrap_or_default()),
                author_name: Set(viewer.name.clone().unwrap_or_default()),
                author_role: Set(step
                    .roles()
                    .iter()
                    .find(|r| viewer.has_role(**r))
                    .map_or("ADMIN", |r| r.as_str())
                    .to_owned()),
                body: Set(reason),
                resolved: Set(false),
                resolved_by: Set(None),
                resolved_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(&open.txn.txn)
            .await?;
        }
        Transition::Publish => {
            if db.key_required(SignatureRole::FinanceReviewer)
                && !has_valid_signature(&open, SignatureRole::FinanceReviewer, true).await?
            {
                return refuse(
                    "",
                    UserErrorCode::KeySignatureRequired,
                    "公开前需要财政复核人员以登记的密钥对当前内容签名",
                );
            }
        }
    }
    let to = step.to();
    let entity = ("Report", open.row.id);
    if let Err(e) = aggregate::bump(&open, viewer, entity, step.operation(), |row| {
        row.status = Set(to)
    })
    .await?
    {
        return Ok(Err(vec![e]));
    }
    service::finish(db, open.txn, keep, id, WriteKind::Updated).await
}

/// The result of checking a report's integrity.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The report.
    pub report: report::Model,
    /// The digest recomputed from the stored content now.
    pub recomputed_digest: String,
    /// Signatures in signing order, each judged against the content as recomputed now and the
    /// opinions as stored, under the scheme it was made under.
    pub signatures: Vec<(signature::Model, Verdict)>,
    /// Each attached evidence file's blob, re-hashed.
    pub blobs: Vec<crate::domain::evidence::BlobCheck>,
}

/// A visible report with its stored document and its signatures in signing order.
pub(crate) async fn signed_document(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
) -> Result<
    Option<(
        entity::report::Model,
        crate::domain::report::ReportDocument,
        Vec<signature::Model>,
    )>,
    AppError,
> {
    use sea_orm::QueryOrder;
    let Some(row) = crate::domain::report::query::find(db, viewer, id).await? else {
        return Ok(None);
    };
    let code = crate::domain::department::by_id(db, row.department_id)
        .await?
        .map(|d| d.code)
        .ok_or_else(|| AppError::internal("report without department"))?;
    let doc = crate::domain::report::store::load(&db.conn, &row, code).await?;
    let signatures = signature::Entity::find()
        .filter(signature::Column::ReportId.eq(id))
        .order_by_asc(signature::Column::Ordinal)
        .all(&db.conn)
        .await?;
    Ok(Some((row, doc, signatures)))
}

/// Recomputes a visible report's digest from its stored content and judges its signatures.
pub async fn verify(db: &Db, viewer: &Viewer, id: Uuid) -> Result<Option<Verification>, AppError> {
    let Some((row, doc, signatures)) = signed_document(db, viewer, id).await? else {
        return Ok(None);
    };
    let recomputed_digest = doc.digest();
    let opinions: Vec<OpinionText> = doc.opinions.iter().map(OpinionText::from).collect();
    let now = binding::Current {
        digest: &recomputed_digest,
        document: Some(&doc),
        opinions: &opinions,
    };
    let signatures = signatures
        .into_iter()
        .map(|s| {
            let verdict = binding::judge(&s, &now);
            (s, verdict)
        })
        .collect();
    let blobs = crate::domain::evidence::check_blobs(db, id).await?;
    Ok(Some(Verification {
        recomputed_digest,
        report: row,
        signatures,
        blobs,
    }))
}
