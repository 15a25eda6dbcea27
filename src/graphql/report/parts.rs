//! The parts of a report as GraphQL objects: profile, goals, evaluators, signatures, opinions,
//! people and narrative sections.

use super::*;

/// 部门（单位）基本概况.
#[derive(SimpleObject)]
pub struct DepartmentProfile {
    /// 联系人.
    pub contact_name: Option<String>,
    /// 联络电话 (hidden from anonymous callers).
    pub contact_phone: Option<String>,
    /// 人员编制 (authorised headcount).
    pub authorised_headcount: Option<i32>,
    /// 实有人数 (actual headcount).
    pub actual_headcount: Option<i32>,
    /// 职能职责概述.
    pub duties: Option<String>,
    /// 年度主要工作内容, in order.
    pub annual_tasks: Vec<String>,
    /// 年度部门（单位）总体运行情况及取得的成绩.
    pub achievements: Option<String>,
}

/// A qualitative goal (定性目标).
#[derive(SimpleObject)]
pub struct QualitativeGoal {
    /// 预期目标 (the adjusted goal, where the form gives both).
    pub expected: Option<String>,
    /// 实际完成.
    pub actual: Option<String>,
    /// 年初设定目标, where the form gives it beside the adjusted goal.
    pub initial: Option<String>,
}

/// A member of the evaluation group (评价人员).
#[derive(SimpleObject)]
pub struct Evaluator {
    /// 姓名.
    pub name: String,
    /// 职务/职称.
    pub position: Option<String>,
    /// 单位.
    pub unit: Option<String>,
    /// Place in the group.
    pub role: EvaluatorRole,
    /// Identity-provider subject: only the caller whose token `sub` is this may sign for the
    /// evaluator; null until the preparer sets it (and for anonymous callers).
    pub subject: Option<String>,
}

/// A signature, bound to the content digest signed and (from scheme 2) to the opinion given with it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Signature {
    /// When it was given, in signing order from 1.
    pub ordinal: i32,
    /// Signer's identity-provider subject.
    pub signer_subject: String,
    /// Signer's name.
    pub signer_name: String,
    /// Capacity in which they signed.
    pub role: SignatureRole,
    /// When.
    pub signed_at: DateTime,
    /// The content digest signed.
    pub content_digest: String,
    /// Signing scheme the signature was made under, and is verified under: 1 = the content
    /// digest only (signatures made before schemes were recorded), 2 = the content digest and
    /// the opinion given with the signature, recorded by the server; 3 = made with the signer's
    /// own key over the signing payload (README: "what a signature binds").
    pub scheme: i32,
    /// Whether the server recorded it (schemes 1 and 2) rather than the signer's key made it
    /// (scheme 3).
    pub server_recorded: bool,
    /// The algorithm of the signer's key (scheme 3).
    pub algorithm: Option<SignatureAlgorithm>,
    /// The fingerprint of the signer's key (scheme 3; see `SignerKey.fingerprint`).
    pub key_fingerprint: Option<String>,
    /// The signer's key (scheme 3), by its ID.
    pub key_id: Option<ID>,
    /// The key's row id (scheme 3).
    #[graphql(skip)]
    pub key_row: Option<uuid::Uuid>,
    /// The signature value over the signing payload, base64 (scheme 3).
    pub signature_value: Option<String>,
    /// The opinion given with the signature, as signed (the group leader's with their
    /// signature, the department's on approval, the finance bureau's on review); null if none.
    pub opinion: Option<Opinion>,
    /// SHA-256 of the signed statement (scheme 2) or of the signing payload (scheme 3); null
    /// for scheme 1.
    pub binding_digest: Option<String>,
    /// Whether the signature still holds: the report's content still has the signed digest
    /// and the opinion given with it is still stored as signed.
    pub valid: bool,
    /// Why it no longer holds; null while valid.
    pub invalid_reason: Option<SignatureInvalidReason>,
    /// Why it no longer holds, in Chinese; null while valid.
    pub invalid_message: Option<String>,
}

impl Signature {
    /// A stored signature with its verdict.
    pub fn judged(s: signature::Model, verdict: Verdict) -> Self {
        let (invalid_reason, invalid_message) = match verdict {
            Ok(()) => (None, None),
            Err(why) => (Some(why.into()), Some(why.message(&s))),
        };
        let opinion = OpinionText::signed_with(&s).map(|o| Opinion {
            kind: o.kind.into(),
            text: o.text,
            person: o.person,
            date: o.date.map(Date),
        });
        let key_fingerprint = match (s.key_algorithm, &s.key_public) {
            (Some(a), Some(p)) => crate::domain::keys::base64(p)
                .map(|bytes| crate::domain::keys::fingerprint(a, &bytes)),
            _ => None,
        };
        Signature {
            server_recorded: s.scheme != crate::domain::workflow::binding::KEY_SCHEME,
            algorithm: s.key_algorithm.map(Into::into),
            key_fingerprint,
            key_row: s.key_id,
            key_id: s
                .key_id
                .map(|k| crate::graphql::ids::encode(crate::graphql::ids::Kind::SignerKey, k)),
            signature_value: s.key_signature.clone(),
            ordinal: s.ordinal,
            signer_subject: s.signer_subject,
            signer_name: s.signer_name,
            role: s.role.into(),
            signed_at: DateTime(s.signed_at),
            content_digest: s.content_digest,
            scheme: s.scheme,
            opinion,
            binding_digest: s.binding_digest,
            valid: verdict.is_ok(),
            invalid_reason,
            invalid_message,
        }
    }
}

#[async_graphql::ComplexObject]
impl Signature {
    /// The signer's registered key (scheme 3), with when it was revoked, if it was: a signature
    /// made before the revocation (`signedAt` earlier than `key.revokedAt`) still holds.
    async fn key(&self, ctx: &Context<'_>) -> Result<Option<crate::graphql::keys::SignerKey>> {
        let Some(id) = self.key_row else {
            return Ok(None);
        };
        Ok(
            crate::graphql::boxed(crate::domain::keys::find(crate::graphql::db(ctx), id))
                .await?
                .map(crate::graphql::keys::SignerKey),
        )
    }
}

/// An opinion with its author and date.
#[derive(SimpleObject)]
pub struct Opinion {
    /// Whose opinion.
    pub kind: OpinionKind,
    /// Text.
    pub text: Option<String>,
    /// 负责人 who gave it.
    pub person: Option<String>,
    /// Date beside it.
    pub date: Option<Date>,
}

/// A person with a phone number.
#[derive(SimpleObject)]
pub struct Person {
    /// Name.
    pub name: Option<String>,
    /// Phone (hidden from anonymous callers).
    pub phone: Option<String>,
}

/// A section of the narrative (评价报告综述).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct NarrativeSection {
    /// Key, unique within the report, e.g. "1.2".
    pub key: String,
    /// Heading as filed, e.g. 2、机构设置.
    pub title: String,
    /// Text under the heading; null when empty.
    pub body: Option<String>,
    /// Position in the narrative, from 1.
    pub ordinal: i32,
    /// The report.
    #[graphql(skip)]
    pub report: uuid::Uuid,
    /// The snapshot the report is answered from, if any.
    #[graphql(skip)]
    pub source: Source,
}

#[async_graphql::ComplexObject]
impl NarrativeSection {
    /// Evidence (佐证材料) attached to this section, in attaching order.
    #[graphql(
        complexity = "crate::graphql::limits::rows(crate::domain::report::document::max_rows::ATTACHMENTS, child_complexity)"
    )]
    async fn attachments(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::evidence::Attachment>> {
        let rows = crate::graphql::evidence::of_report(ctx, self.report, &self.source).await?;
        Ok(crate::graphql::evidence::on(
            &rows,
            Some(entity::CommentTargetKind::Section),
            Some(&self.key),
            None,
        ))
    }
}

pub(in crate::graphql) fn hide_phone(viewer: &Viewer, phone: &Option<String>) -> Option<String> {
    if policy::sees_contact_details(viewer) {
        phone.clone()
    } else {
        None
    }
}

/// A file a report can be downloaded as.
#[derive(SimpleObject, Clone, Debug)]
pub struct Download {
    /// Which file.
    pub format: DownloadFormat,
    /// Where, relative to this service, e.g. `/reports/UmVwb3J0Oi4uLg/form.xlsx`.
    pub url: String,
    /// Its media type.
    pub media_type: String,
    /// The name it is saved under (unit or project, year and form), e.g.
    /// `岳阳市云溪区科技和工业信息化局-2019-部门整体支出绩效自评报告.xlsx`.
    pub file_name: String,
}

/// The files a report is offered as.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DownloadFormat {
    /// The official form as an Excel workbook (项目支出绩效自评表 or 部门整体支出绩效自评报告),
    /// one sheet, A4, sums as formulas.
    Xlsx,
    /// The official form as a Word document, in the layout of the paper form (the reference
    /// report's for 部门整体支出; the national table for 项目支出), A4.
    Docx,
    /// The same form as PDF, for publication (offered where a converter is configured).
    Pdf,
}
