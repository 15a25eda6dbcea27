//! A report's signature bundle: its canonical content, its content digest, and every signature
//! with what it signed and, for signatures made with the signer's key, the public key and the
//! signature value — everything `jixiao verify` needs to check the report with no database and
//! no trust in the service (`GET /reports/{id}/bundle.json`).

use super::binding::{self, KEY_SCHEME, OpinionText};
use crate::domain::report::document::{ContentForm, sha256_hex};
use crate::domain::{Db, Viewer, keys};
use crate::error::AppError;
use chrono::NaiveDate;
use entity::{OpinionKind, SignatureAlgorithm, SignatureRole};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The bundle's format name.
pub const FORMAT: &str = "jixiao-signature-bundle/1";

/// A report's signature bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// [`FORMAT`].
    pub format: String,
    /// The report's global ID.
    pub report_id: String,
    /// Its content digest.
    pub content_digest: String,
    /// The canonical content the digest is the SHA-256 of (README, "The content digest").
    pub canonical_document: String,
    /// Every signature, in signing order.
    pub signatures: Vec<BundleSignature>,
}

/// A signature in a bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleSignature {
    /// Position in signing order.
    pub ordinal: i32,
    /// Capacity.
    pub role: SignatureRole,
    /// Signer's subject.
    pub signer_subject: String,
    /// Signer's name.
    pub signer_name: String,
    /// When (the payload's `signedAt` for scheme 3).
    pub signed_at: String,
    /// Signing scheme.
    pub scheme: i32,
    /// The content digest signed.
    pub content_digest: String,
    /// The opinion given with it, as signed.
    pub opinion: Option<BundleOpinion>,
    /// Its binding digest.
    pub binding_digest: Option<String>,
    /// The key's algorithm (scheme 3).
    pub algorithm: Option<SignatureAlgorithm>,
    /// The key's public key, base64 (scheme 3).
    pub public_key: Option<String>,
    /// The SM2 signer identity (scheme 3, SM2).
    pub sm2_id: Option<String>,
    /// The key's fingerprint (scheme 3).
    pub key_fingerprint: Option<String>,
    /// The signature value, base64 (scheme 3).
    pub signature: Option<String>,
}

/// An opinion as signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleOpinion {
    /// Whose.
    pub kind: OpinionKind,
    /// Text.
    pub text: Option<String>,
    /// 负责人.
    pub person: Option<String>,
    /// Date.
    pub date: Option<NaiveDate>,
}

/// The bundle of report `id`, for a signed-in caller who may read it (the canonical content
/// holds the contact numbers anonymous callers do not see); `None` otherwise.
pub async fn of(db: &Db, viewer: &Viewer, id: Uuid) -> Result<Option<Bundle>, AppError> {
    if viewer.is_anonymous() {
        return Ok(None);
    }
    let Some((row, doc, signatures)) = super::signed_document(db, viewer, id).await? else {
        return Ok(None);
    };
    let canonical_document = doc.canonical_in(ContentForm::CURRENT);
    let signatures = signatures
        .into_iter()
        .map(|s| BundleSignature {
            ordinal: s.ordinal,
            role: s.role,
            signed_at: keys::format_signed_at(s.signed_at),
            scheme: s.scheme,
            opinion: OpinionText::signed_with(&s).map(|o| BundleOpinion {
                kind: o.kind,
                text: o.text,
                person: o.person,
                date: o.date,
            }),
            binding_digest: s.binding_digest.clone(),
            key_fingerprint: match (s.key_algorithm, &s.key_public) {
                (Some(a), Some(p)) => keys::base64(p).map(|b| keys::fingerprint(a, &b)),
                _ => None,
            },
            algorithm: s.key_algorithm,
            public_key: s.key_public,
            sm2_id: s.key_sm2_id,
            signature: s.key_signature,
            content_digest: s.content_digest,
            signer_subject: s.signer_subject,
            signer_name: s.signer_name,
        })
        .collect();
    Ok(Some(Bundle {
        format: FORMAT.into(),
        report_id: crate::domain::global_id::encode("Report", id),
        content_digest: row.content_digest,
        canonical_document,
        signatures,
    }))
}

/// What checking one signature of a bundle found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Made with the signer's key, which verifies it over the content of the bundle.
    KeyValid,
    /// Recorded by the server (schemes 1 and 2): its record is consistent with the content, but
    /// nothing proves the signer made it.
    ServerRecorded,
    /// Does not hold, and why.
    Invalid(String),
}

/// Checks a bundle offline: whether its canonical content hashes to its digest, and each
/// signature.
pub fn verify(bundle: &Bundle) -> (bool, Vec<Finding>) {
    let content_ok = sha256_hex(bundle.canonical_document.as_bytes()) == bundle.content_digest;
    let report = crate::domain::global_id::decode("Report", &bundle.report_id);
    let findings = bundle
        .signatures
        .iter()
        .map(|s| check(s, &bundle.content_digest, report))
        .collect();
    (content_ok, findings)
}

fn check(s: &BundleSignature, content_digest: &str, report: Option<Uuid>) -> Finding {
    if s.content_digest != content_digest {
        return Finding::Invalid(format!(
            "签名时的内容摘要 {} 与报告内容摘要 {content_digest} 不符",
            s.content_digest
        ));
    }
    let opinion = s.opinion.as_ref().map(|o| OpinionText {
        kind: o.kind,
        text: o.text.clone(),
        person: o.person.clone(),
        date: o.date,
    });
    if s.scheme != KEY_SCHEME {
        let rebuilt = binding::binding_digest(
            s.scheme,
            s.role,
            &s.signer_subject,
            &s.content_digest,
            opinion.as_ref(),
        );
        return if rebuilt == s.binding_digest {
            Finding::ServerRecorded
        } else {
            Finding::Invalid("签名记录与其绑定摘要不符".into())
        };
    }
    let (Some(report), Some(at)) = (report, keys::signed_at(&s.signed_at)) else {
        return Finding::Invalid("报告编号或签名时间无法读取".into());
    };
    let payload = binding::signing_payload(
        report,
        &s.content_digest,
        s.role,
        &s.signer_subject,
        opinion.as_ref(),
        at,
    );
    let (Some(algorithm), Some(public)) = (s.algorithm, s.public_key.as_deref()) else {
        return Finding::Invalid("缺少签名者的公钥".into());
    };
    let sm2_id = s.sm2_id.as_deref().unwrap_or(keys::DEFAULT_SM2_ID);
    let Some(key) = keys::base64(public).and_then(|b| keys::parse(algorithm, &b, sm2_id)) else {
        return Finding::Invalid("签名者的公钥无法读取".into());
    };
    let value = s
        .signature
        .as_deref()
        .and_then(keys::base64)
        .unwrap_or_default();
    if !keys::verifies(&key, &payload, &value) {
        return Finding::Invalid(format!(
            "签名值不能用签名者的公钥（{}）验证",
            algorithm.as_str()
        ));
    }
    if s.binding_digest.as_deref() != Some(sha256_hex(&payload).as_str()) {
        return Finding::Invalid("绑定摘要与签名内容不符".into());
    }
    Finding::KeyValid
}
