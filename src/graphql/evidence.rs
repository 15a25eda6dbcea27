//! Evidence (佐证材料): the `Attachment` type and `attachEvidence` / `detachEvidence`.

use super::comment::{CommentTarget, CommentTargetInput};
use super::frozen::Source;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::loaders::ByIdLoader;
use super::payload::{UserError, user_errors};
use super::report::Report;
use super::scalars::DateTime;
use super::{db, load, viewer};
use crate::domain::Outcome;
use crate::domain::evidence::{self, Attach, Attached, Incoming};
use crate::error::AppError;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Upload};
use entity::attachment;

/// An evidence file (佐证材料) attached to a report: a contract, a statistics table, an
/// acceptance certificate, a photo. Its SHA-256, file name, anchor and description are part of
/// the report's content (`contentDigest`), so attaching, detaching or replacing a file
/// invalidates earlier signatures.
#[derive(Clone)]
pub struct Attachment(pub attachment::Model);

/// Who uploaded a file.
#[derive(SimpleObject)]
pub struct Uploader {
    /// Identity-provider subject.
    pub subject: String,
    /// Name.
    pub name: String,
}

/// An evidence file (佐证材料) attached to a report, an indicator, a narrative section, a
/// finance cell or a field: a contract, a statistics table, an acceptance certificate, a photo.
/// Its SHA-256, file name, media type, size, anchor and description are part of the report's
/// content (`contentDigest`), so attaching, detaching or replacing a file invalidates earlier
/// signatures. Download it from `url`.
#[Object]
impl Attachment {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Attachment, self.0.id)
    }

    /// The file's name as uploaded (kept exactly, without any folder part).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// Media type, sniffed from the content (never taken from the client).
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }

    /// Size in bytes.
    async fn size(&self) -> i64 {
        self.0.size
    }

    /// SHA-256 of the content, lowercase hex; also the download's `ETag`.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// What the file shows.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Who uploaded it.
    async fn uploader(&self) -> Uploader {
        Uploader {
            subject: self.0.uploaded_by.clone(),
            name: self.0.uploader_name.clone(),
        }
    }

    /// When it was uploaded.
    async fn uploaded_at(&self) -> DateTime {
        DateTime(self.0.uploaded_at)
    }

    /// When it was attached to the report (null for an upload not attached yet).
    async fn attached_at(&self) -> Option<DateTime> {
        self.0.attached_at.map(DateTime)
    }

    /// Where on the report it is attached (null for an upload not attached yet).
    async fn target(&self, ctx: &Context<'_>) -> Result<Option<CommentTarget>> {
        let Some(kind) = self.0.target_kind else {
            return Ok(None);
        };
        let indicator = match self.0.indicator_id {
            Some(id) => super::boxed(crate::domain::report::query::find_indicator(
                db(ctx),
                viewer(ctx),
                id,
            ))
            .await?
            .map(Indicator::live),
            None => None,
        };
        Ok(Some(CommentTarget {
            kind: kind.into(),
            path: self.0.target_path.clone(),
            indicator,
        }))
    }

    /// The report it is attached to.
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<Report>> {
        let Some(id) = self.0.report_id else {
            return Ok(None);
        };
        Ok(load::<ByIdLoader<entity::report::Entity>>(ctx, id)
            .await?
            .map(Report::live))
    }

    /// Where to download it, relative to this service: `/attachments/{id}` (with the report's
    /// read scope; `Range` requests and `If-None-Match` are answered).
    async fn url(&self) -> String {
        format!(
            "/attachments/{}",
            ids::encode(Kind::Attachment, self.0.id).0
        )
    }
}

/// The attachments of a report among `rows` on `kind` (all when `None`) and, for an indicator,
/// that indicator.
pub(super) fn on(
    rows: &[attachment::Model],
    kind: Option<entity::CommentTargetKind>,
    path: Option<&str>,
    indicator: Option<uuid::Uuid>,
) -> Vec<Attachment> {
    rows.iter()
        .filter(|a| kind.is_none() || a.target_kind == kind)
        .filter(|a| path.is_none() || a.target_path.as_deref() == path)
        .filter(|a| indicator.is_none() || a.indicator_id == indicator)
        .cloned()
        .map(Attachment)
        .collect()
}

/// The attachments of report `report` (from its snapshot when answered from one).
pub(super) async fn of_report(
    ctx: &Context<'_>,
    report: uuid::Uuid,
    source: &Source,
) -> Result<std::sync::Arc<Vec<attachment::Model>>> {
    match source {
        Some(frozen) => Ok(frozen.rows::<attachment::Entity>()),
        None => super::children::<attachment::Entity>(ctx, report).await,
    }
}

/// Input of `attachEvidence`: exactly one of `file` and `uploadId`.
#[derive(InputObject)]
pub struct AttachEvidenceInput {
    /// The report.
    pub report_id: ID,
    /// Where the evidence belongs (default: the whole report): an indicator, a narrative
    /// section, a finance cell or a field, as review comments are anchored.
    pub target: Option<CommentTargetInput>,
    /// The file, sent as a GraphQL multipart request (the `Upload` scalar of Apollo and urql
    /// clients).
    pub file: Option<Upload>,
    /// Or a file uploaded before with `POST /attachments` (its `id`), by the same caller, within
    /// the retention.
    pub upload_id: Option<ID>,
    /// What the file shows (at most 2,000 characters).
    pub description: Option<String>,
    /// The report version the caller read; STALE_VERSION if it moved on.
    pub expected_version: Option<i32>,
}

/// Input of `detachEvidence`.
#[derive(InputObject)]
pub struct DetachEvidenceInput {
    /// The attachment.
    pub attachment_id: ID,
    /// The report version the caller read; STALE_VERSION if it moved on.
    pub expected_version: Option<i32>,
}

/// Result of `attachEvidence` and `detachEvidence`.
#[derive(SimpleObject)]
pub struct EvidencePayload {
    /// The attachment (as detached, for `detachEvidence`); null when refused.
    pub attachment: Option<Attachment>,
    /// The report after the write (its new `version` and `contentDigest`); null when refused.
    pub report: Option<Report>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl From<Outcome<Attached>> for EvidencePayload {
    fn from(o: Outcome<Attached>) -> Self {
        match o {
            Ok(a) => EvidencePayload {
                attachment: Some(Attachment(a.attachment)),
                report: Some(Report::live(a.report)),
                user_errors: Vec::new(),
            },
            Err(e) => EvidencePayload {
                attachment: None,
                report: None,
                user_errors: user_errors(e, &[]),
            },
        }
    }
}

/// Evidence mutations.
#[derive(Default)]
pub struct EvidenceMutation;

#[Object]
impl EvidenceMutation {
    /// Attaches an evidence file to a report (PREPARER, SYNC_CLIENT or ADMIN of its department,
    /// while the report is DRAFT or RETURNED). The file's type is sniffed from its content and
    /// must be on the allow-list and match its name; the same file on the same anchor again
    /// changes nothing. Changes `contentDigest`.
    async fn attach_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and where it belongs.")] input: AttachEvidenceInput,
    ) -> Result<EvidencePayload> {
        let report_id = ids::decode(Kind::Report, &input.report_id)?;
        let anchor = CommentTargetInput::anchor(input.target)?;
        let source = match (input.file, input.upload_id) {
            (Some(file), None) => {
                let value = file.value(ctx)?;
                evidence::Source::File(Incoming {
                    file: value.content,
                    name: value.filename,
                    declared: value.content_type,
                })
            }
            (None, Some(id)) => evidence::Source::Upload(ids::decode(Kind::Attachment, &id)?),
            _ => {
                return Err(AppError::BadUserInput(
                    "请提供 file（multipart 上传的文件）或 uploadId（POST /attachments 返回的编号）之一".into(),
                )
                .into());
            }
        };
        let attach = Attach {
            report_id,
            anchor,
            source,
            description: input.description,
            expected_version: input.expected_version,
        };
        Ok(evidence::attach(db(ctx), viewer(ctx), attach).await?.into())
    }

    /// Detaches an evidence file (the report's writers, while it is DRAFT or RETURNED).
    /// Changes `contentDigest`; the file itself is kept for the retention, then removed if no
    /// report holds it.
    async fn detach_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The attachment.")] input: DetachEvidenceInput,
    ) -> Result<EvidencePayload> {
        let id = ids::decode(Kind::Attachment, &input.attachment_id)?;
        Ok(
            evidence::detach(db(ctx), viewer(ctx), id, input.expected_version)
                .await?
                .into(),
        )
    }
}
