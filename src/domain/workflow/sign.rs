//! Signing: who signed, in which capacity, when, the content digest signed and the opinion given
//! with the signature (see [`super::binding`]).

use super::binding::{self, CURRENT_SCHEME, OpinionText};
use crate::domain::change::Operation;
use crate::domain::idempotency::{self, Answer, Call, Replay};
use crate::domain::report::aggregate::{self, OpenReport};
use crate::domain::report::snapshot::{Keep, Snapshot};
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{
    EvaluatorRole, OpinionKind, ReportStatus, SignatureRole, evaluator, report, signature,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
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
    /// The signature made with the signer's registered key over the signing payload (scheme
    /// 3); none for a server-recorded signature.
    pub key: Option<crate::domain::keys::KeySignature>,
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
            .order_by_asc(evaluator::Column::Ordinal)
            .all(&open.txn.txn)
            .await?;
        if let Some(refusal) = evaluator_refusal(&evaluators, &subject, &name, input.role) {
            return Ok(Err(vec![refusal]));
        }
    }
    let key = match &input.key {
        Some(k) => match checked_key(db, &subject, k).await? {
            Ok(checked) => Some(checked),
            Err(e) => return Ok(Err(vec![e])),
        },
        None if db.key_required(input.role) => {
            return Ok(Err(vec![FieldError::new(
                "keyId",
                UserErrorCode::KeySignatureRequired,
                format!(
                    "以 {} 身份签名须使用登记的签名密钥（signingPayload 取得待签内容，签名后连同 keyId、signature、signedAt 提交）",
                    input.role.as_str()
                ),
            )]));
        }
        None => None,
    };
    let signed_at = key.as_ref().map_or_else(Utc::now, |k| k.signed_at);
    let opinion = match opinion_of(&input, &name, signed_at) {
        Ok(o) => o,
        Err(e) => return Ok(Err(vec![e])),
    };
    let row = match key {
        None => record(&open, subject, name, input.role, opinion).await?,
        Some(key) => {
            let payload = binding::signing_payload(
                id,
                &open.row.content_digest,
                input.role,
                &subject,
                opinion.as_ref(),
                signed_at,
            );
            let parsed = crate::domain::keys::base64(&key.row.public_key).and_then(|b| {
                crate::domain::keys::parse(
                    key.row.algorithm,
                    &b,
                    key.row
                        .sm2_id
                        .as_deref()
                        .unwrap_or(crate::domain::keys::DEFAULT_SM2_ID),
                )
            });
            if !parsed.is_some_and(|k| crate::domain::keys::verifies(&k, &payload, &key.value)) {
                return Ok(Err(vec![FieldError::new(
                    "signature",
                    UserErrorCode::SignatureInvalid,
                    "签名值不能用该密钥验证：须为该私钥对 signingPayload 所给字节（同一角色、意见与 signedAt）的签名",
                )]));
            }
            record_signed(
                &open,
                (subject, name),
                input.role,
                opinion,
                Some((key, payload)),
            )
            .await?
        }
    };
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

/// Why the caller may not sign for the evaluation group in `capacity`, if they may not.
///
/// Evaluators are matched by identity only: the caller's token `sub` must be an evaluator's
/// `subject` (the group leader's, for GROUP_LEADER). A name proves nothing (two people can share
/// one, and a token's `name` is whatever its issuer wrote), so an evaluator without a subject
/// cannot be signed for until the preparer sets it.
fn evaluator_refusal(
    evaluators: &[evaluator::Model],
    subject: &str,
    name: &str,
    capacity: SignatureRole,
) -> Option<FieldError> {
    let mine: Vec<&evaluator::Model> = evaluators
        .iter()
        .filter(|e| e.subject.as_deref() == Some(subject))
        .collect();
    let leader = capacity == SignatureRole::GroupLeader;
    if mine
        .iter()
        .any(|e| !leader || e.role == EvaluatorRole::GroupLeader)
    {
        return None;
    }
    if !mine.is_empty() {
        return Some(FieldError::new(
            "role",
            UserErrorCode::NotAnEvaluator,
            format!("{name} 不是本报告的评价组组长，不能以组长身份签名"),
        ));
    }
    let unidentified: Vec<&str> = evaluators
        .iter()
        .filter(|e| e.subject.is_none() && (!leader || e.role == EvaluatorRole::GroupLeader))
        .map(|e| e.name.as_str())
        .collect();
    if !unidentified.is_empty() {
        let who = if leader {
            "评价组组长"
        } else {
            "评价人员"
        };
        return Some(FieldError::new(
            "role",
            UserErrorCode::EvaluatorSubjectMissing,
            format!(
                "{who} {} 尚未设置用户标识（subject）：须由填报人先为其设置用户标识，本人才能以评价组身份签名",
                unidentified.join("、")
            ),
        ));
    }
    Some(FieldError::new(
        "role",
        UserErrorCode::NotAnEvaluator,
        if leader {
            format!("{name}（{subject}）不是本报告的评价组组长，不能以组长身份签名")
        } else {
            format!("{name}（{subject}）不在本报告的评价人员名单中，不能以评价组身份签名")
        },
    ))
}

/// The opinion given with a signature: the group leader's (评价组组长意见), dated the day of
/// signing; a blank one is no opinion.
pub fn opinion_of(
    input: &SignInput,
    name: &str,
    signed_at: chrono::DateTime<Utc>,
) -> Result<Option<OpinionText>, FieldError> {
    match input.opinion.as_deref().map(str::trim) {
        Some(text) if input.role == SignatureRole::GroupLeader && !text.is_empty() => {
            let text = super::required_text(&input.opinion, "opinion", "评价组组长意见")?;
            debug_assert!(!text.is_empty());
            Ok(Some(OpinionText {
                kind: OpinionKind::GroupLeader,
                text: Some(text),
                person: Some(name.to_owned()),
                date: Some(signed_at.date_naive()),
            }))
        }
        _ => Ok(None),
    }
}

/// A key signature checked so far: the signer's live key, the time signed and the value.
pub(crate) struct CheckedKey {
    row: entity::signer_key::Model,
    signed_at: chrono::DateTime<Utc>,
    value: Vec<u8>,
}

/// The key a signature names, if it is the signer's and live, and the time it gives, if near
/// the server's clock.
async fn checked_key(
    db: &Db,
    subject: &str,
    k: &crate::domain::keys::KeySignature,
) -> Result<Result<CheckedKey, FieldError>, AppError> {
    use crate::domain::keys;
    let Some(row) = keys::find(db, k.key_id)
        .await?
        .filter(|r| r.subject == subject)
    else {
        return Ok(Err(FieldError::new(
            "keyId",
            UserErrorCode::KeyRevoked,
            "签名密钥不存在或不是签名者本人登记的",
        )));
    };
    if row.revoked_at.is_some() {
        return Ok(Err(FieldError::new(
            "keyId",
            UserErrorCode::KeyRevoked,
            "该签名密钥已吊销，不能再用于签名",
        )));
    }
    let Some(signed_at) = keys::signed_at(&k.signed_at) else {
        return Ok(Err(FieldError::new(
            "signedAt",
            UserErrorCode::Invalid,
            "signedAt 须为 signingPayload 给出的时间（RFC 3339，整秒，如 2026-11-30T08:00:00Z）",
        )));
    };
    if (Utc::now() - signed_at).num_minutes().abs() > keys::SIGNED_AT_SKEW_MINUTES {
        return Ok(Err(FieldError::new(
            "signedAt",
            UserErrorCode::OutOfRange,
            format!(
                "signedAt 须在服务器时间前后 {} 分钟内：请重新取得 signingPayload 再签名",
                keys::SIGNED_AT_SKEW_MINUTES
            ),
        )));
    }
    let Some(value) = keys::base64(&k.signature).filter(|v| v.len() <= 512) else {
        return Ok(Err(FieldError::new(
            "signature",
            UserErrorCode::KeyInvalid,
            "签名值须为 base64 编码",
        )));
    };
    Ok(Ok(CheckedKey {
        row,
        signed_at,
        value,
    }))
}

/// Records a signature of the report's current content by `subject` in `role`, under the
/// current scheme, with the opinion given with it (which becomes the report's opinion of its
/// kind, replacing an earlier one).
pub(crate) async fn record(
    open: &OpenReport,
    subject: String,
    name: String,
    role: SignatureRole,
    opinion: Option<OpinionText>,
) -> Result<signature::Model, AppError> {
    record_signed(open, (subject, name), role, opinion, None).await
}

/// [`record`], made with the signer's key (scheme 3) when `key` holds it and the payload it
/// signed.
async fn record_signed(
    open: &OpenReport,
    (subject, name): (String, String),
    role: SignatureRole,
    opinion: Option<OpinionText>,
    key: Option<(CheckedKey, Vec<u8>)>,
) -> Result<signature::Model, AppError> {
    if let Some(o) = &opinion {
        super::give_opinion(open, o).await?;
    }
    let ordinal = signature::Entity::find()
        .filter(signature::Column::ReportId.eq(open.row.id))
        .count(&open.txn.txn)
        .await? as i32
        + 1;
    let content_digest = open.row.content_digest.clone();
    let (scheme, binding_digest, signed_at) = match &key {
        Some((k, payload)) => (
            binding::KEY_SCHEME,
            Some(crate::domain::report::document::sha256_hex(payload)),
            k.signed_at,
        ),
        None => (
            CURRENT_SCHEME,
            binding::binding_digest(
                CURRENT_SCHEME,
                role,
                &subject,
                &content_digest,
                opinion.as_ref(),
            ),
            Utc::now(),
        ),
    };
    let key = key.map(|(k, _)| k);
    let row = signature::Model {
        id: Uuid::now_v7(),
        report_id: open.row.id,
        ordinal,
        binding_digest,
        signer_subject: subject,
        signer_name: name,
        role,
        signed_at,
        content_digest,
        scheme,
        opinion_kind: opinion.as_ref().map(|o| o.kind),
        opinion_text: opinion.as_ref().and_then(|o| o.text.clone()),
        opinion_person: opinion.as_ref().and_then(|o| o.person.clone()),
        opinion_date: opinion.as_ref().and_then(|o| o.date),
        key_id: key.as_ref().map(|k| k.row.id),
        key_algorithm: key.as_ref().map(|k| k.row.algorithm),
        key_public: key.as_ref().map(|k| k.row.public_key.clone()),
        key_sm2_id: key.as_ref().and_then(|k| k.row.sm2_id.clone()),
        key_signature: key.as_ref().map(|k| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&k.value)
        }),
    };
    signature::Entity::insert(signature::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(&open.txn.txn)
        .await?;
    Ok(row)
}

/// A signature by id (to replay a signing).
pub async fn find(db: &Db, id: Uuid) -> Result<Option<signature::Model>, AppError> {
    Ok(signature::Entity::find_by_id(id).one(&db.conn).await?)
}

/// What a signer's key signs to sign report `id` now in `role` with `opinion` (scheme 3): the
/// payload bytes and the time they hold. `None` if the report is not visible to the caller.
pub async fn payload_for(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    role: SignatureRole,
    opinion: Option<String>,
) -> Result<Option<(Vec<u8>, chrono::DateTime<Utc>, String)>, AppError> {
    let Some(row) = crate::domain::report::query::find(db, viewer, id).await? else {
        return Ok(None);
    };
    let Some(subject) = viewer.subject.clone() else {
        return Err(AppError::Unauthenticated("签名需要登录".into()));
    };
    let name = viewer.name.clone().unwrap_or_else(|| subject.clone());
    let now = Utc::now();
    let signed_at = chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    let input = SignInput {
        role,
        expected_digest: None,
        opinion,
        key: None,
    };
    let opinion =
        opinion_of(&input, &name, signed_at).map_err(|e| AppError::BadUserInput(e.message))?;
    let payload = binding::signing_payload(
        id,
        &row.content_digest,
        role,
        &subject,
        opinion.as_ref(),
        signed_at,
    );
    Ok(Some((payload, signed_at, row.content_digest)))
}
