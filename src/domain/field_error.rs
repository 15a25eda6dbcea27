//! Expected failures of a write, reported to the caller as `userErrors`.

/// Stable codes of expected write failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum UserErrorCode {
    /// A required value is missing or blank.
    Required,
    /// Text longer than allowed.
    TooLong,
    /// A number outside its allowed range (every stored decimal: |x| < 10^12).
    OutOfRange,
    /// A decimal outside the grammar of [`crate::domain::money`], or with more decimals than
    /// the field keeps.
    InvalidDecimal,
    /// A value that is not allowed here.
    Invalid,
    /// A key that must be unique is repeated.
    Duplicate,
    /// A referenced record does not exist.
    NotFound,
    /// The caller may not do this.
    Forbidden,
    /// `expectedVersion` differs from the current version.
    StaleVersion,
    /// The report's state does not allow this.
    InvalidState,
    /// The same idempotency key was used with a different input.
    IdempotencyKeyReused,
    /// The content changed since the caller reviewed it (`expectedDigest`).
    DigestMismatch,
    /// A required valid signature is missing.
    SignatureRequired,
    /// The signer is not an evaluator of the report.
    NotAnEvaluator,
    /// The evaluator to sign for has no identity-provider subject yet; the preparer must set it.
    EvaluatorSubjectMissing,
    /// The opinion was given with someone else's signature: only its signer may change it.
    OpinionSigned,
    /// The report has ERROR findings (`Report.validation`) and cannot be submitted.
    ValidationFailed,
    /// The database failed for a moment while the item was written; nothing of it was written.
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
    /// An evidence file is larger than one file may be (`JIXIAO_EVIDENCE_MAX_FILE_BYTES`).
    AttachmentTooLarge,
    /// An evidence file's content is of a type the allow-list does not take
    /// (`JIXIAO_EVIDENCE_TYPES`), or of no type recognised.
    AttachmentTypeNotAllowed,
    /// An evidence file's content does not match the type its name or declared media type
    /// claims (a `.pdf` that is not a PDF).
    AttachmentTypeMismatch,
    /// The report already holds as many evidence files, or as many bytes of them, as it may
    /// (`JIXIAO_EVIDENCE_MAX_FILES`, `JIXIAO_EVIDENCE_MAX_REPORT_BYTES`).
    AttachmentLimit,
    /// The change would remove the indicator, section or finance unit evidence is attached to:
    /// detach (or move) the evidence first.
    AttachmentAnchored,
    /// A key registration's challenge is unknown, used or expired.
    ChallengeInvalid,
    /// A public key or signature value is not one of its algorithm.
    KeyInvalid,
    /// A signature does not verify with the key (over the signing payload or the challenge).
    SignatureInvalid,
    /// The key was revoked, or is not the signer's.
    KeyRevoked,
    /// This capacity must sign with a registered key (`JIXIAO_REQUIRE_KEY_SIGNATURES`).
    KeySignatureRequired,
}

impl UserErrorCode {
    /// The stable name, as `userErrors[].code` and every other edge give it
    /// (`ATTACHMENT_TOO_LARGE`).
    pub fn name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    }
}

/// One expected failure: where, what, and a message an official can act on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// Path to the input field, e.g. `["document", "finance", "units", "0", "name"]`.
    pub field: Vec<String>,
    /// Stable code.
    pub code: UserErrorCode,
    /// Message in Chinese.
    pub message: String,
}

impl FieldError {
    /// A new error at `field` (dot-separated path).
    pub fn new(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        let field = if field.is_empty() {
            Vec::new()
        } else {
            field.split('.').map(str::to_owned).collect()
        };
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

/// A use case's result: done, or refused with field errors (nothing written).
pub type Outcome<T> = Result<T, Vec<FieldError>>;
