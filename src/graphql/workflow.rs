//! The workflow: transitions, signatures and integrity verification.

use super::enums::SignatureRole;
use super::frozen::Frozen;
use super::ids::{self, Kind};
use super::payload::{UserError, user_errors};
use super::report::{Report, ReportPayload, Signature};
use super::{db, viewer};
use crate::domain::Outcome;
use crate::domain::workflow::sign::{self, SignInput, Signed};
use crate::domain::workflow::{self, StepInput, Transition};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

/// Input of `submitReport` and `publishReport`.
#[derive(InputObject)]
pub struct TransitionInput {
    /// The report.
    pub report_id: ID,
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
}

/// Input of `approveReport` and `reviewReport`.
#[derive(InputObject)]
pub struct OpinionTransitionInput {
    /// The report.
    pub report_id: ID,
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// The opinion (部门（单位）意见 on approval, 财政部门归口业务股室意见 on review).
    pub opinion: String,
    /// Who gives it, if not the caller (负责人).
    pub person: Option<String>,
}

/// Input of `returnReport`.
#[derive(InputObject)]
pub struct ReturnReportInput {
    /// The report.
    pub report_id: ID,
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// Why it is returned; recorded as a review comment on the report.
    pub reason: String,
}

/// Input of `signReport`.
#[derive(InputObject)]
pub struct SignReportInput {
    /// The report.
    pub report_id: ID,
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// Capacity in which the caller signs.
    pub role: SignatureRole,
    /// The `contentDigest` the signer reviewed; refused with DIGEST_MISMATCH if the content changed since.
    pub expected_digest: Option<String>,
    /// Opinion given with the signature (评价组组长意见, when signing as GROUP_LEADER): it
    /// becomes the report's group leader opinion, bound to this signature; only the signer may
    /// change it, and a change invalidates the signature.
    pub opinion: Option<String>,
    /// To sign with your registered key (scheme 3): the key's ID, with `signature` and
    /// `signedAt`. Without it the server records the signature (scheme 2).
    pub key_id: Option<ID>,
    /// The key's signature of the bytes `signingPayload` gave for the same report, role,
    /// opinion and `signedAt`, base64 (SM2 and P-256: `r‖s` or DER; Ed25519: 64 bytes).
    pub signature: Option<String>,
    /// The `signedAt` of the payload signed (RFC 3339, whole seconds, within 10 minutes of the
    /// server's clock).
    pub signed_at: Option<String>,
}

/// Result of `signReport`.
#[derive(SimpleObject)]
pub struct SignReportPayload {
    /// The signature given; null when refused.
    pub signature: Option<Signature>,
    /// The report after signing; null when refused.
    pub report: Option<Report>,
    /// Why the signature was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A report's integrity: its stored digest, the digest recomputed from its content now, and
/// each signature with its validity.
#[derive(SimpleObject)]
pub struct ReportVerification {
    /// The report.
    pub report: Report,
    /// The digest stored with the report.
    pub content_digest: String,
    /// The digest recomputed from the stored content now.
    pub recomputed_digest: String,
    /// Whether the stored content still hashes to the stored digest.
    pub intact: bool,
    /// Signatures in signing order, each judged under the scheme it was made under against the
    /// content as recomputed now and the opinions as stored: valid only if it signed the current
    /// content and the opinion given with it is stored as signed (`invalidReason` otherwise).
    pub signatures: Vec<Signature>,
    /// Whether every signature is valid (false when there are none).
    pub all_signatures_valid: bool,
    /// Each attached evidence file, its stored bytes re-hashed (tamper detection at rest).
    pub evidence: Vec<EvidenceCheck>,
    /// Whether every evidence file's stored bytes still hash to its recorded SHA-256 (true when
    /// there is none).
    pub evidence_intact: bool,
}

/// What re-hashing an evidence file's stored bytes found.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EvidenceState {
    /// The bytes hash to the recorded SHA-256.
    Intact,
    /// The bytes were altered: they hash to another digest (`foundSha256`).
    Altered,
    /// No file is stored under the recorded SHA-256.
    Missing,
    /// The store could not be read just now.
    Unreadable,
}

/// One evidence file, checked.
#[derive(SimpleObject)]
pub struct EvidenceCheck {
    /// The attachment.
    pub attachment: super::evidence::Attachment,
    /// What its stored bytes are.
    pub state: EvidenceState,
    /// The SHA-256 the stored bytes hash to, when they were read.
    pub found_sha256: Option<String>,
}

/// The inputs of the workflow steps: which report, the idempotency key, and the step's arguments.
trait StepArgs {
    fn split(self) -> (ID, Option<String>, StepInput);
}

impl StepArgs for TransitionInput {
    fn split(self) -> (ID, Option<String>, StepInput) {
        let args = StepInput {
            expected_version: self.expected_version,
            ..Default::default()
        };
        (self.report_id, self.idempotency_key, args)
    }
}

impl StepArgs for OpinionTransitionInput {
    fn split(self) -> (ID, Option<String>, StepInput) {
        let args = StepInput {
            expected_version: self.expected_version,
            opinion: Some(self.opinion),
            person: self.person,
            ..Default::default()
        };
        (self.report_id, self.idempotency_key, args)
    }
}

impl StepArgs for ReturnReportInput {
    fn split(self) -> (ID, Option<String>, StepInput) {
        let args = StepInput {
            expected_version: self.expected_version,
            reason: Some(self.reason),
            ..Default::default()
        };
        (self.report_id, self.idempotency_key, args)
    }
}

/// Runs one workflow step (under the input's idempotency key, if any).
async fn step(ctx: &Context<'_>, step: Transition, input: impl StepArgs) -> Result<ReportPayload> {
    let (id, key, input) = input.split();
    let id = ids::decode(Kind::Report, &id)?;
    let call = super::idempotent::call(ctx, key.as_deref())?;
    let outcome =
        workflow::transition(db(ctx), viewer(ctx), call.as_ref(), id, step, input).await?;
    Ok(ReportPayload::from_outcome(outcome, &[]))
}

impl From<Outcome<Signed>> for SignReportPayload {
    fn from(outcome: Outcome<Signed>) -> Self {
        match outcome {
            Ok(signed) => {
                let source = Frozen::source(signed.snapshot);
                SignReportPayload {
                    // A signature is valid when it is made, and a replay answers what
                    // the first call did.
                    signature: Some(Signature::judged(signed.signature, Ok(()))),
                    report: Some(Report(signed.report, source)),
                    user_errors: Vec::new(),
                }
            }
            Err(e) => SignReportPayload {
                signature: None,
                report: None,
                user_errors: user_errors(e, &[]),
            },
        }
    }
}

/// Workflow mutations.
#[derive(Default)]
pub struct WorkflowMutation;

#[Object]
impl WorkflowMutation {
    /// Submits a report (PREPARER; DRAFT or RETURNED → SUBMITTED). Needs the evaluation group
    /// leader's valid signature.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: TransitionInput,
    ) -> Result<ReportPayload> {
        step(ctx, Transition::Submit, input).await
    }

    /// Approves a report with the department opinion (DEPARTMENT_HEAD; SUBMITTED →
    /// DEPARTMENT_APPROVED). Needs the department head's valid signature. The caller signs the
    /// opinion in the DEPARTMENT_HEAD capacity with the approval: only they may change it.
    async fn approve_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The approval.")] input: OpinionTransitionInput,
    ) -> Result<ReportPayload> {
        step(ctx, Transition::Approve, input).await
    }

    /// Returns a report for changes, with a reason that becomes a review comment
    /// (DEPARTMENT_HEAD or FINANCE_REVIEWER; SUBMITTED, DEPARTMENT_APPROVED or FINANCE_REVIEWED → RETURNED).
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The return.")] input: ReturnReportInput,
    ) -> Result<ReportPayload> {
        step(ctx, Transition::Return, input).await
    }

    /// Reviews a report with the finance opinion (FINANCE_REVIEWER; DEPARTMENT_APPROVED →
    /// FINANCE_REVIEWED). The caller signs the opinion in the FINANCE_REVIEWER capacity with the
    /// review: only they may change it.
    async fn review_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review.")] input: OpinionTransitionInput,
    ) -> Result<ReportPayload> {
        step(ctx, Transition::Review, input).await
    }

    /// Publishes a report (FINANCE_REVIEWER; FINANCE_REVIEWED → PUBLISHED).
    async fn publish_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: TransitionInput,
    ) -> Result<ReportPayload> {
        step(ctx, Transition::Publish, input).await
    }

    /// Signs the report's current content in a capacity: MEMBER or GROUP_LEADER (EVALUATOR
    /// whose token `sub` is the `subject` of an evaluator of the report, of its group leader for
    /// GROUP_LEADER; DRAFT or RETURNED), PREPARER (DRAFT or RETURNED), DEPARTMENT_HEAD
    /// (SUBMITTED), FINANCE_REVIEWER (DEPARTMENT_APPROVED or FINANCE_REVIEWED).
    async fn sign_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signature.")] input: SignReportInput,
    ) -> Result<SignReportPayload> {
        let id = ids::decode(Kind::Report, &input.report_id)?;
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
        let key = match (input.key_id, input.signature, input.signed_at) {
            (None, None, None) => None,
            (Some(key), Some(signature), Some(signed_at)) => {
                Some(crate::domain::keys::KeySignature {
                    key_id: ids::decode(Kind::SignerKey, &key)?,
                    signature,
                    signed_at,
                })
            }
            _ => {
                return Err(crate::error::AppError::BadUserInput(
                    "以密钥签名须同时给出 keyId、signature 和 signedAt".into(),
                )
                .into());
            }
        };
        let args = SignInput {
            role: input.role.into(),
            expected_digest: input.expected_digest,
            opinion: input.opinion,
            key,
        };
        Ok(sign::sign(db(ctx), viewer(ctx), call.as_ref(), id, args)
            .await?
            .into())
    }
}

/// Workflow queries.
#[derive(Default)]
pub struct WorkflowQuery;

#[Object]
impl WorkflowQuery {
    /// Checks a report's integrity: recomputes its content digest and tells which signatures
    /// still hold (content and the opinion given with each, under each signature's scheme), and
    /// why not. Null if the report does not exist or is not visible.
    async fn verify_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] id: ID,
    ) -> Result<Option<ReportVerification>> {
        let id = ids::decode(Kind::Report, &id)?;
        let Some(v) = workflow::verify(db(ctx), viewer(ctx), id).await? else {
            return Ok(None);
        };
        let digest = v.report.content_digest.clone();
        let signatures: Vec<Signature> = v
            .signatures
            .into_iter()
            .map(|(s, verdict)| Signature::judged(s, verdict))
            .collect();
        use crate::domain::evidence::BlobState;
        let evidence: Vec<EvidenceCheck> = v
            .blobs
            .into_iter()
            .map(|c| {
                let (state, found_sha256) = match c.state {
                    BlobState::Intact => (EvidenceState::Intact, Some(c.attachment.sha256.clone())),
                    BlobState::Altered(found) => (EvidenceState::Altered, Some(found)),
                    BlobState::Missing => (EvidenceState::Missing, None),
                    BlobState::Unreadable(_) => (EvidenceState::Unreadable, None),
                };
                EvidenceCheck {
                    attachment: super::evidence::Attachment(c.attachment),
                    state,
                    found_sha256,
                }
            })
            .collect();
        Ok(Some(ReportVerification {
            evidence_intact: evidence.iter().all(|e| e.state == EvidenceState::Intact),
            evidence,
            intact: v.recomputed_digest == digest,
            all_signatures_valid: !signatures.is_empty() && signatures.iter().all(|s| s.valid),
            recomputed_digest: v.recomputed_digest,
            content_digest: digest,
            signatures,
            report: Report::live(v.report),
        }))
    }
}
