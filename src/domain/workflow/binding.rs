//! What a signature binds, under each signing scheme, and how a signature is judged.
//!
//! Every signature records the scheme it was made under (`signature.scheme`) and is always
//! checked under that scheme, so a later change of a canonical form never invalidates the
//! signatures made before it.
//!
//! - **Scheme 1** (every signature made before schemes were recorded): the content digest,
//!   [`ContentForm::V1`]. Valid while the report's content hashes to it.
//! - **Scheme 2** (current): the content digest, in the same content form (the report's
//!   `contentDigest` does not move when later signers add their opinions), and the opinion given
//!   with the signature, if any: the signature records the opinion as given (kind, text, person,
//!   date) and `bindingDigest`, the SHA-256 of the signed statement ([`binding_digest`]). Valid
//!   while the content hashes to the signed content digest, the statement rebuilt from the
//!   signature's record hashes to its binding digest, and the report's stored opinion of that
//!   kind is still the one signed.
//!
//! An opinion given with a signature belongs to its signer: nobody else may change or remove it
//! ([`guard_opinions`], applied to every content write); when the signer changes it, their
//! signature no longer holds and they sign again.

use crate::domain::report::document::{ContentForm, OpinionDoc, ReportDocument, sha256_hex};
use crate::domain::{FieldError, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::NaiveDate;
use entity::{OpinionKind, SignatureRole, opinion, signature};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use uuid::Uuid;

/// The scheme new signatures are made under.
pub const CURRENT_SCHEME: i32 = 2;

/// The content form a scheme's content digest is computed in; `None` for a scheme this release
/// does not know (a signature written by a newer release).
pub fn content_form(scheme: i32) -> Option<ContentForm> {
    match scheme {
        1 | 2 | KEY_SCHEME => Some(ContentForm::V1),
        _ => None,
    }
}

/// An opinion as given and as stored: whose, the text, who gave it and the date beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionText {
    /// Whose opinion.
    pub kind: OpinionKind,
    /// Text.
    pub text: Option<String>,
    /// 负责人.
    pub person: Option<String>,
    /// Date.
    pub date: Option<NaiveDate>,
}

impl OpinionText {
    /// The opinion a signature was given with, as it records it.
    pub fn signed_with(s: &signature::Model) -> Option<Self> {
        s.opinion_kind.map(|kind| OpinionText {
            kind,
            text: s.opinion_text.clone(),
            person: s.opinion_person.clone(),
            date: s.opinion_date,
        })
    }
}

impl From<&opinion::Model> for OpinionText {
    fn from(o: &opinion::Model) -> Self {
        OpinionText {
            kind: o.kind,
            text: o.text.clone(),
            person: o.person.clone(),
            date: o.date,
        }
    }
}

impl From<&OpinionDoc> for OpinionText {
    fn from(o: &OpinionDoc) -> Self {
        OpinionText {
            kind: o.kind,
            text: o.text.clone(),
            person: o.person.clone(),
            date: o.date,
        }
    }
}

/// What the form calls each opinion.
pub fn opinion_label(kind: OpinionKind) -> &'static str {
    match kind {
        OpinionKind::GroupLeader => "评价组组长意见",
        OpinionKind::Department => "部门（单位）意见",
        OpinionKind::Finance => "财政部门归口业务股室意见",
    }
}

/// The signed statement of scheme 2, serialized in this field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Statement<'a> {
    scheme: i32,
    role: &'a str,
    signer_subject: &'a str,
    content_digest: &'a str,
    opinion: Option<StatementOpinion<'a>>,
}

#[derive(Serialize)]
struct StatementOpinion<'a> {
    kind: &'a str,
    text: Option<&'a str>,
    person: Option<&'a str>,
    date: Option<NaiveDate>,
}

/// The binding digest of a signature made under `scheme`: for scheme 2, the lowercase hex
/// SHA-256 of the compact UTF-8 JSON
/// `{"scheme":2,"role":…,"signerSubject":…,"contentDigest":…,"opinion":{"kind":…,"text":…,"person":…,"date":"YYYY-MM-DD"}}`
/// (keys in this order, `null` for absent values, `"opinion":null` when none was given);
/// `None` for scheme 1, which binds the content digest alone.
pub fn binding_digest(
    scheme: i32,
    role: SignatureRole,
    signer_subject: &str,
    content_digest: &str,
    opinion: Option<&OpinionText>,
) -> Option<String> {
    match scheme {
        2 => {
            let statement = Statement {
                scheme,
                role: role.as_str(),
                signer_subject,
                content_digest,
                opinion: opinion.map(|o| StatementOpinion {
                    kind: o.kind.as_str(),
                    text: o.text.as_deref(),
                    person: o.person.as_deref(),
                    date: o.date,
                }),
            };
            Some(sha256_hex(
                &serde_json::to_vec(&statement).unwrap_or_default(),
            ))
        }
        _ => None,
    }
}

/// The scheme of signatures made with the signer's own key (`domain::keys`).
pub const KEY_SCHEME: i32 = 3;

/// The signing payload of scheme 3: what the signer's key signs, and whose SHA-256 is the
/// signature's binding digest. The compact UTF-8 JSON
/// `{"purpose":"jixiao-report-signature","scheme":3,"reportId":…,"contentDigest":…,"role":…,"signerSubject":…,"opinion":{"kind":…,"text":…,"person":…,"date":…},"signedAt":"YYYY-MM-DDTHH:MM:SSZ"}`
/// (keys in this order, non-ASCII unescaped, `null` for absent values, `"opinion":null` when
/// none is given; `reportId` the report's global ID).
pub fn signing_payload(
    report_id: Uuid,
    content_digest: &str,
    role: SignatureRole,
    signer_subject: &str,
    opinion: Option<&OpinionText>,
    signed_at: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Payload<'a> {
        purpose: &'static str,
        scheme: i32,
        report_id: String,
        content_digest: &'a str,
        role: &'a str,
        signer_subject: &'a str,
        opinion: Option<StatementOpinion<'a>>,
        signed_at: String,
    }
    let payload = Payload {
        purpose: "jixiao-report-signature",
        scheme: KEY_SCHEME,
        report_id: crate::domain::global_id::encode("Report", report_id),
        content_digest,
        role: role.as_str(),
        signer_subject,
        opinion: opinion.map(|o| StatementOpinion {
            kind: o.kind.as_str(),
            text: o.text.as_deref(),
            person: o.person.as_deref(),
            date: o.date,
        }),
        signed_at: crate::domain::keys::format_signed_at(signed_at),
    };
    serde_json::to_vec(&payload).unwrap_or_default()
}

/// Whether a scheme-3 signature's key signature verifies over its payload, rebuilt from its
/// record, with the public key it carries.
fn key_signature_holds(s: &signature::Model, payload: &[u8]) -> bool {
    use crate::domain::keys;
    let (Some(algorithm), Some(public), Some(value)) =
        (s.key_algorithm, &s.key_public, &s.key_signature)
    else {
        return false;
    };
    let sm2_id = s.key_sm2_id.as_deref().unwrap_or(keys::DEFAULT_SM2_ID);
    let key = keys::base64(public).and_then(|b| keys::parse(algorithm, &b, sm2_id));
    let value = keys::base64(value).unwrap_or_default();
    key.is_some_and(|k| keys::verifies(&k, payload, &value))
}

/// Why a signature no longer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidity {
    /// Made under a signing scheme this release does not know.
    UnknownScheme,
    /// The signature's own record no longer hashes to its binding digest.
    RecordAltered,
    /// The report's content no longer has the signed digest.
    ContentChanged,
    /// The opinion given with the signature was changed since.
    OpinionChanged,
    /// The opinion given with the signature was removed since.
    OpinionRemoved,
    /// The signer's key does not verify the signature over what it records (scheme 3).
    KeySignatureInvalid,
}

impl Invalidity {
    /// Why, in Chinese, for the signature `s`.
    pub fn message(self, s: &signature::Model) -> String {
        let label = s.opinion_kind.map_or("意见", opinion_label);
        match self {
            Invalidity::UnknownScheme => format!(
                "签名方案版本 {} 不为本系统所知，无法核验（可能由更新的版本写入）",
                s.scheme
            ),
            Invalidity::RecordAltered => {
                "签名记录与其绑定摘要不符：签名记录本身被改动过".to_owned()
            }
            Invalidity::ContentChanged => format!(
                "报告内容已变化：签名时的内容摘要为 {}，与当前内容不符",
                s.content_digest
            ),
            Invalidity::OpinionChanged => format!(
                "随签名给出的{label}已被改动：签名时为“{}”，与当前存储的不符",
                s.opinion_text.as_deref().unwrap_or("")
            ),
            Invalidity::OpinionRemoved => format!("随签名给出的{label}已被删除"),
            Invalidity::KeySignatureInvalid => format!(
                "签名值不能用签名者的公钥（{}）验证：签名值或签名记录被改动过",
                s.key_algorithm.map_or("", |a| a.as_str())
            ),
        }
    }
}

/// A signature's validity: holds, or why not.
pub type Verdict = Result<(), Invalidity>;

/// The report as it stands, to judge signatures against.
pub struct Current<'a> {
    /// Its content digest in the current form.
    pub digest: &'a str,
    /// Its document, for the digests in older forms (needed only when [`needs_document`]).
    pub document: Option<&'a ReportDocument>,
    /// Its stored opinions.
    pub opinions: &'a [OpinionText],
}

impl Current<'_> {
    fn digest_in(&self, form: ContentForm) -> Option<String> {
        if form == ContentForm::CURRENT {
            Some(self.digest.to_owned())
        } else {
            self.document.map(|d| d.digest_in(form))
        }
    }
}

/// Whether judging `signatures` needs the document (some were made in an older content form).
pub fn needs_document(signatures: &[signature::Model]) -> bool {
    signatures
        .iter()
        .any(|s| content_form(s.scheme).is_some_and(|f| f != ContentForm::CURRENT))
}

/// Whether judging `signatures` needs the report's opinions (some were given with one).
pub fn needs_opinions(signatures: &[signature::Model]) -> bool {
    signatures.iter().any(|s| s.opinion_kind.is_some())
}

/// Judges a signature under the scheme it was made under.
pub fn judge(s: &signature::Model, now: &Current<'_>) -> Verdict {
    let Some(form) = content_form(s.scheme) else {
        return Err(Invalidity::UnknownScheme);
    };
    let signed = OpinionText::signed_with(s);
    let rebuilt = if s.scheme == KEY_SCHEME {
        let payload = signing_payload(
            s.report_id,
            &s.content_digest,
            s.role,
            &s.signer_subject,
            signed.as_ref(),
            s.signed_at,
        );
        if !key_signature_holds(s, &payload) {
            return Err(Invalidity::KeySignatureInvalid);
        }
        Some(sha256_hex(&payload))
    } else {
        binding_digest(
            s.scheme,
            s.role,
            &s.signer_subject,
            &s.content_digest,
            signed.as_ref(),
        )
    };
    if rebuilt != s.binding_digest {
        return Err(Invalidity::RecordAltered);
    }
    if now.digest_in(form).as_deref() != Some(s.content_digest.as_str()) {
        return Err(Invalidity::ContentChanged);
    }
    if let Some(signed) = signed {
        match now.opinions.iter().find(|o| o.kind == signed.kind) {
            None => return Err(Invalidity::OpinionRemoved),
            Some(stored) if stored != &signed => return Err(Invalidity::OpinionChanged),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Judges the stored signatures of a stored report against its stored digest and opinions,
/// loading the opinions (and the document) only when a signature needs them.
pub async fn judge_stored<C: ConnectionTrait>(
    conn: &C,
    row: &entity::report::Model,
    signatures: &[signature::Model],
) -> Result<Vec<Verdict>, AppError> {
    let opinions: Vec<OpinionText> = if needs_opinions(signatures) {
        opinion::Entity::find()
            .filter(opinion::Column::ReportId.eq(row.id))
            .all(conn)
            .await?
            .iter()
            .map(OpinionText::from)
            .collect()
    } else {
        Vec::new()
    };
    let document = if needs_document(signatures) {
        let code = entity::department::Entity::find_by_id(row.department_id)
            .one(conn)
            .await?
            .map(|d| d.code)
            .ok_or_else(|| AppError::internal("report without department"))?;
        Some(crate::domain::report::store::load(conn, row, code).await?)
    } else {
        None
    };
    let now = Current {
        digest: &row.content_digest,
        document: document.as_ref(),
        opinions: &opinions,
    };
    Ok(signatures.iter().map(|s| judge(s, &now)).collect())
}

/// Refuses a write that changes or removes an opinion given with someone else's signature.
///
/// The owner of each kind of opinion is the signer of the latest signature given with an opinion
/// of that kind (the group leader's with their signature, the department head's on approval, the
/// finance reviewer's on review). Opinions no signature was given with (filed with the
/// document, or bound by a scheme-1 signature) stay editable as content is.
pub async fn guard_opinions<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    report_id: Uuid,
    before: &[OpinionDoc],
    after: &[OpinionDoc],
) -> Result<Option<FieldError>, AppError> {
    use sea_orm::Iterable;
    let find = |list: &[OpinionDoc], kind: OpinionKind| {
        list.iter().find(|o| o.kind == kind).map(OpinionText::from)
    };
    let changed: Vec<OpinionKind> = OpinionKind::iter()
        .filter(|k| find(before, *k) != find(after, *k))
        .collect();
    if changed.is_empty() {
        return Ok(None);
    }
    let given = signature::Entity::find()
        .filter(signature::Column::ReportId.eq(report_id))
        .filter(signature::Column::OpinionKind.is_not_null())
        .order_by_desc(signature::Column::Ordinal)
        .all(conn)
        .await?;
    for kind in changed {
        let Some(owner) = given.iter().find(|s| s.opinion_kind == Some(kind)) else {
            continue;
        };
        if viewer.subject.as_deref() != Some(owner.signer_subject.as_str()) {
            let index = after
                .iter()
                .position(|o| o.kind == kind)
                .map_or_else(|| "opinions".to_owned(), |i| format!("opinions.{i}"));
            return Ok(Some(FieldError::new(
                &index,
                UserErrorCode::OpinionSigned,
                format!(
                    "{}由 {} 随签名给出（{}），只有本人可以修改或删除；如需改变意见，请其本人重新签名",
                    opinion_label(kind),
                    owner.signer_name,
                    owner.signed_at.format("%Y-%m-%d")
                ),
            )));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn signature(scheme: i32, opinion: Option<&OpinionText>) -> signature::Model {
        let digest = "a".repeat(64);
        signature::Model {
            id: Uuid::nil(),
            report_id: Uuid::nil(),
            ordinal: 1,
            signer_subject: "e-yao".into(),
            signer_name: "姚骄阳".into(),
            role: SignatureRole::GroupLeader,
            signed_at: Utc::now(),
            binding_digest: binding_digest(
                scheme,
                SignatureRole::GroupLeader,
                "e-yao",
                &digest,
                opinion,
            ),
            content_digest: digest,
            scheme,
            key_id: None,
            key_algorithm: None,
            key_public: None,
            key_sm2_id: None,
            key_signature: None,
            opinion_kind: opinion.map(|o| o.kind),
            opinion_text: opinion.and_then(|o| o.text.clone()),
            opinion_person: opinion.and_then(|o| o.person.clone()),
            opinion_date: opinion.and_then(|o| o.date),
        }
    }

    fn dissent() -> OpinionText {
        OpinionText {
            kind: OpinionKind::GroupLeader,
            text: Some("不同意：产出指标未完成".into()),
            person: Some("姚骄阳".into()),
            date: NaiveDate::from_ymd_opt(2026, 11, 28),
        }
    }

    #[test]
    fn the_statement_is_fixed() {
        let o = dissent();
        let json = serde_json::to_string(&Statement {
            scheme: 2,
            role: "GROUP_LEADER",
            signer_subject: "e-yao",
            content_digest: "ab",
            opinion: Some(StatementOpinion {
                kind: o.kind.as_str(),
                text: o.text.as_deref(),
                person: o.person.as_deref(),
                date: o.date,
            }),
        })
        .unwrap_or_default();
        assert_eq!(
            json,
            r#"{"scheme":2,"role":"GROUP_LEADER","signerSubject":"e-yao","contentDigest":"ab","opinion":{"kind":"GROUP_LEADER","text":"不同意：产出指标未完成","person":"姚骄阳","date":"2026-11-28"}}"#
        );
        assert_eq!(
            binding_digest(2, SignatureRole::GroupLeader, "e-yao", "ab", Some(&o)),
            Some(sha256_hex(json.as_bytes()))
        );
        assert_eq!(
            binding_digest(1, SignatureRole::GroupLeader, "e-yao", "ab", Some(&o)),
            None
        );
    }

    fn check(s: &signature::Model, digest: &str, opinions: &[OpinionText]) -> Verdict {
        judge(
            s,
            &Current {
                digest,
                document: None,
                opinions,
            },
        )
    }

    #[test]
    fn each_scheme_is_judged_by_its_own_rules() {
        let digest = "a".repeat(64);
        let o = dissent();
        let mut changed = o.clone();
        changed.text = Some("同意".into());
        let stored = [o.clone()];
        let tampered = [changed];
        let v2 = signature(2, Some(&o));
        assert_eq!(check(&v2, &digest, &stored), Ok(()));
        assert_eq!(
            check(&v2, &digest, &tampered),
            Err(Invalidity::OpinionChanged)
        );
        assert_eq!(check(&v2, &digest, &[]), Err(Invalidity::OpinionRemoved));
        // Scheme 1 bound the content alone: an opinion beside it does not matter.
        let v1 = signature(1, None);
        assert_eq!(check(&v1, &digest, &tampered), Ok(()));
        assert_eq!(check(&v1, "b", &stored), Err(Invalidity::ContentChanged));
        assert_eq!(check(&v2, "b", &stored), Err(Invalidity::ContentChanged));
        // The record itself changed to match a tampered opinion: its binding no longer holds.
        let mut forged = v2.clone();
        forged.opinion_text = Some("同意".into());
        assert_eq!(
            check(&forged, &digest, &tampered),
            Err(Invalidity::RecordAltered)
        );
        let mut future = v2;
        future.scheme = 99;
        assert_eq!(
            check(&future, &digest, &stored),
            Err(Invalidity::UnknownScheme)
        );
    }
}
