//! Signing: who signed, in which capacity, when, and the content digest signed.

use crate::domain::change::Operation;
use crate::domain::idempotency::{self, Answer, Call, Replay};
use crate::domain::report::aggregate;
use crate::domain::report::snapshot::{Keep, Snapshot};
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{
    EvaluatorRole, OpinionKind, ReportStatus, SignatureRole, evaluator, report, signature,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::Arc;
use tracing::instrument;
use uuid::Uuid;

/// A signature request.
#[derive(Debug, Clone)]
pub struct SignInput {
    /// Capacity.
    pub role: SignatureRole,
    /// The digest the signer reviewed; refused with DIGEST_MISMATCH if the content moved on.
    pub expected_digest: Option<String>,
    /// Opinion to record with the signature (the group leader's 评价组组长意见).
    pub opinion: Option<String>,
}

/// A signature given, and the report after it.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The signature.
    pub signature: signature::Model,
    /// The report after signing.
    pub report: report::Model,
    /// The report as signing left it, for a signature given under an idempotency key (see
    /// [`Written::snapshot`](crate::domain::report::service::Written::snapshot)).
    pub snapshot: Option<Arc<Snapshot>>,
}

impl Answer for Signed {
    fn replayed(replay: Replay) -> Option<Self> {
        match replay {
            Replay::Signature {
                signature,
                snapshot,
            } => Some(Signed {
                signature,
                report: snapshot.report.clone(),
                snapshot: Some(Arc::new(*snapshot)),
            }),
            _ => None,
        }
    }
}

/// Token role needed to sign in each capacity.
fn role_for(capacity: SignatureRole) -> Role {
    match capacity {
        SignatureRole::Member | SignatureRole::GroupLeader => Role::Evaluator,
        SignatureRole::DepartmentHead => Role::DepartmentHead,
        SignatureRole::FinanceReviewer => Role::FinanceReviewer,
        SignatureRole::Preparer => Role::Preparer,
    }
}

/// States in which a capacity signs.
fn signs_in(capacity: SignatureRole) -> &'static [ReportStatus] {
    use ReportStatus::*;
    match capacity {
        SignatureRole::Member | SignatureRole::GroupLeader | SignatureRole::Preparer => {
            &[Draft, Returned]
        }
        SignatureRole::DepartmentHead => &[Submitted],
        SignatureRole::FinanceReviewer => &[DepartmentApproved, FinanceReviewed],
    }
}

/// The signer's subject and name, if the viewer may sign in `capacity` for department `code`.
fn may_sign(
    viewer: &Viewer,
    capacity: SignatureRole,
    code: &str,
) -> Result<(String, String), AppError> {
    let (Some(subject), Some(name)) = (
        viewer.subject.clone(),
        viewer.name.clone().or_else(|| viewer.subject.clone()),
    ) else {
        return Err(AppError::Unauthenticated("签名需要登录".into()));
    };
    let needed = role_for(capacity);
    if !viewer.acts_as(needed, code) {
        return Err(AppError::Forbidden(format!(
            "以 {} 身份签名需要部门 {} 的 {} 角色",
            capacity.as_str(),
            code,
            needed.as_str()
        )));
    }
    Ok((subject, name))
}

/// Signs the report's current content, under the call's idempotency key if it has one. A
/// replay is refused as signing would refuse the caller now (NOT_FOUND, FORBIDDEN).
pub async fn sign(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    id: Uuid,
    input: SignInput,
) -> Result<Outcome<Signed>, AppError> {
    let capacity = input.role;
    idempotency::run(
        db,
        viewer,
        call,
        |signed| async move {
            let (_, code) = aggregate::visible(db, viewer, id).await?;
            may_sign(viewer, capacity, &code).map(|_| signed)
        },
        |claim| async move { sign_with(db, viewer, id, input, Keep::key(claim.as_ref())).await },
    )
    .await
}

#[instrument(skip_all, fields(report.id = %id, role = ?input.role))]
async fn sign_with(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    input: SignInput,
    keep: Keep<'_>,
) -> Result<Outcome<Signed>, AppError> {
    let open = aggregate::open(db, viewer, id).await?;
    let (subject, name) = may_sign(viewer, input.role, &open.department_code)?;
    if let Some(expected) = &input.expected_digest
        && expected != &open.row.content_digest
    {
        return Ok(Err(vec![FieldError::new(
            "expectedDigest",
            UserErrorCode::DigestMismatch,
            format!(
                "报告内容已变化：您审阅的摘要为 {expected}，当前为 {}，请重新审阅后再签名",
                open.row.content_digest
            ),
        )]));
    }
    if !signs_in(input.role).contains(&open.row.status) {
        return Ok(Err(vec![FieldError::new(
            "",
            UserErrorCode::InvalidState,
            format!(
                "报告当前状态为 {}，此时不能以 {} 身份签名",
                open.row.status.as_str(),
                input.role.as_str()
            ),
        )]));
    }
    if matches!(
        input.role,
        SignatureRole::Member | SignatureRole::GroupLeader
    ) {
        let evaluators = evaluator::Entity::find()
            .filter(evaluator::Column::ReportId.eq(id))
            .all(&open.txn.txn)
            .await?;
        let me = evaluators
            .iter()
            .find(|e| e.subject.as_deref() == Some(subject.as_str()) || e.name == name);
        let allowed = match (me, input.role) {
            (Some(e), SignatureRole::GroupLeader) => e.role == EvaluatorRole::GroupLeader,
            (Some(_), _) => true,
            (None, _) => false,
        };
        if !allowed {
            let message = match me {
                Some(_) => format!("{name} 不是本报告的评价组组长，不能以组长身份签名"),
                None => format!("{name} 不在本报告的评价人员名单中，不能以评价组身份签名"),
            };
            return Ok(Err(vec![FieldError::new(
                "role",
                UserErrorCode::NotAnEvaluator,
                message,
            )]));
        }
    }
    let ordinal = signature::Entity::find()
        .filter(signature::Column::ReportId.eq(id))
        .count(&open.txn.txn)
        .await? as i32
        + 1;
    let row = signature::Model {
        id: Uuid::now_v7(),
        report_id: id,
        ordinal,
        signer_subject: subject,
        signer_name: name.clone(),
        role: input.role,
        signed_at: Utc::now(),
        content_digest: open.row.content_digest.clone(),
    };
    signature::Entity::insert(signature::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(&open.txn.txn)
        .await?;
    if let (SignatureRole::GroupLeader, Some(text)) =
        (input.role, input.opinion.as_deref().map(str::trim))
        && !text.is_empty()
    {
        super::give_opinion(&open, OpinionKind::GroupLeader, text.to_owned(), Some(name)).await?;
    }
    let bumped = aggregate::bump(
        &open,
        viewer,
        ("Signature", row.id),
        Operation::Sign,
        |_| {},
    )
    .await?;
    if let Err(e) = bumped {
        return Ok(Err(vec![e]));
    }
    let snapshot = keep
        .keep(&open.txn.txn, id, |snapshot| Replay::Signature {
            signature: row.clone(),
            snapshot,
        })
        .await?;
    open.txn.commit().await?;
    let report = match &snapshot {
        Some(s) => s.report.clone(),
        None => aggregate::reload(db, id).await?,
    };
    Ok(Ok(Signed {
        signature: row,
        report,
        snapshot,
    }))
}
