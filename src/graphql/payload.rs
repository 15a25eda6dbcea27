//! `UserError`: an expected failure of a mutation, returned in its payload.

use crate::domain::{self, FieldError};
use async_graphql::{Enum, SimpleObject};

/// Stable code of an expected failure.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::UserErrorCode")]
pub enum UserErrorCode {
    /// A required value is missing or blank.
    Required,
    /// Text longer than allowed.
    TooLong,
    /// A number outside its allowed range (years, headcounts, scores, page sizes).
    OutOfRange,
    /// A decimal with more fractional digits than kept (two for 万元), or too large.
    InvalidDecimal,
    /// A value that is not allowed here.
    Invalid,
    /// A key that must be unique is repeated.
    Duplicate,
    /// A referenced record does not exist.
    NotFound,
    /// The caller may not do this.
    Forbidden,
    /// `expectedVersion` differs from the current version: reload and retry.
    StaleVersion,
    /// The report's workflow state does not allow this.
    InvalidState,
    /// The same idempotency key was used before with a different input.
    IdempotencyKeyReused,
    /// The report's content changed since you reviewed it: `expectedDigest` differs from `contentDigest`.
    DigestMismatch,
    /// A valid signature this step needs is missing (the group leader's before submission, the
    /// department head's before approval).
    SignatureRequired,
    /// Only an evaluator listed on the report may sign as MEMBER or GROUP_LEADER: the caller's
    /// token `sub` must be the `subject` of an evaluator (of the group leader, for GROUP_LEADER).
    NotAnEvaluator,
    /// The evaluator to sign for has no `subject` yet: the preparer must set the evaluator's
    /// identity-provider subject (`evaluators[].subject`) before they can sign.
    EvaluatorSubjectMissing,
    /// The opinion was given with another person's signature (the group leader's with their
    /// signature, the department's on approval, the finance bureau's on review): only that
    /// signer may change or remove it, and doing so invalidates their signature.
    OpinionSigned,
    /// The report has ERROR findings (see `Report.validation`) and cannot be submitted; each
    /// finding comes as one user error.
    ValidationFailed,
    /// The database failed for a moment while this item was written (in a batch such as
    /// `importReports`); nothing of it was written. Retry the item.
    Unavailable,
    /// A handed-in form (`readForm`) is beyond a reading limit (file size, parts, inflated size,
    /// XML depth, sheet extent): split or trim it.
    FormTooLarge,
    /// A handed-in form is damaged or not what its content claims (a broken zip, malformed
    /// XML, an undefined entity, an unknown text encoding).
    FormUnreadable,
    /// A handed-in file is not a form the readers take (a PDF, a .doc, a zip of something
    /// else, a DTD in the XML), or holds no 部门整体支出 report or 项目支出绩效自评表.
    FormUnsupported,
    /// An evidence file is larger than one file may be.
    AttachmentTooLarge,
    /// An evidence file's content is of a type the allow-list does not take, or of no type
    /// recognised.
    AttachmentTypeNotAllowed,
    /// An evidence file's content does not match the type its name or declared media type
    /// claims.
    AttachmentTypeMismatch,
    /// The report already holds as many evidence files, or bytes of them, as it may.
    AttachmentLimit,
    /// The change would remove the indicator, section or finance unit evidence is attached to.
    AttachmentAnchored,
    /// A key registration's challenge is unknown, used or expired.
    ChallengeInvalid,
    /// A public key or signature value is not one of its algorithm.
    KeyInvalid,
    /// A signature does not verify with the key.
    SignatureInvalid,
    /// The key was revoked, or is not the signer's.
    KeyRevoked,
    /// This capacity must sign with a registered key.
    KeySignatureRequired,
}

/// An expected failure of a mutation; nothing was written.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the input field at fault, e.g. ["document", "fiscalYear"]; empty for the whole input.
    pub field: Option<Vec<String>>,
    /// Stable code to match on.
    pub code: UserErrorCode,
    /// What is wrong, in Chinese, so that the person filing can fix it.
    pub message: String,
}

/// Maps domain field errors, prefixing their paths with `prefix` (the input field they sit in).
pub fn user_errors(errors: Vec<FieldError>, prefix: &[&str]) -> Vec<UserError> {
    errors
        .into_iter()
        .map(|e| {
            let mut field: Vec<String> = prefix.iter().map(|s| (*s).to_owned()).collect();
            field.extend(e.field);
            UserError {
                field: Some(field),
                code: e.code.into(),
                message: e.message,
            }
        })
        .collect()
}
