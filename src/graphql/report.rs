//! Reports: the `Report` type, its parts, the report queries and the report mutations.

use super::department::Department;
use super::enums::*;
use super::finance::{FinanceTables, FinanceTablesInput, FundingLine, FundingLineInput};
use super::frozen::{Frozen, Source};
use super::ids::{self, Kind};
use super::indicator::{Indicator, IndicatorInput};
use super::loaders::ByIdLoader;
use super::payload::{UserError, user_errors};
use super::scalars::{Date, DateTime, Decimal};
use super::{boxed, children, db, load, viewer};
use crate::domain::pagination::PageRequest;
use crate::domain::report::document::{self as doc, ReportDocument};
use crate::domain::report::query::{self, ReportFilter as Filter, ReportSort};
use crate::domain::report::service::{self, WriteKind, Written};
use crate::domain::report::{policy, store};
use crate::domain::workflow::binding::{self, OpinionText, Verdict};
use crate::domain::{Outcome, Viewer};
use crate::error::AppError;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::{
    department, evaluator, finance_unit, funding_line, indicator, narrative_section, opinion,
    qualitative_goal, report, signature,
};

mod input;
mod parts;
mod query_root;
pub use input::*;
pub use parts::*;
pub use query_root::ReportQuery;

/// A performance self-evaluation report (绩效评价自评报告): cover, profile, finance tables,
/// goals, indicators, score, evaluators, signatures, opinions and narrative.
#[derive(Clone)]
pub struct Report(pub report::Model, pub Source);

impl Report {
    /// A report as it is now.
    pub fn live(row: report::Model) -> Self {
        Report(row, None)
    }

    /// A report as a write left it: from the write's snapshot if it kept one.
    pub fn written(w: &Written) -> Self {
        Report(w.report.clone(), Frozen::source(w.snapshot.clone()))
    }

    /// The report's rows of `E`.
    pub(super) async fn rows<E>(&self, ctx: &Context<'_>) -> Result<std::sync::Arc<Vec<E::Model>>>
    where
        E: super::loaders::ReportChild,
        E::Model: Clone + Send + Sync,
    {
        match &self.1 {
            Some(frozen) => Ok(frozen.rows::<E>()),
            None => children::<E>(ctx, self.0.id).await,
        }
    }

    /// The report's document reviewed under its scoring profile.
    pub(super) async fn reviewed(
        &self,
        ctx: &Context<'_>,
    ) -> Result<std::sync::Arc<super::loaders::Reviewed>> {
        reviewed(ctx, self.0.id, &self.1).await
    }
}

/// The review of report `id`, from `source` if it is answered from a snapshot.
pub(super) async fn reviewed(
    ctx: &Context<'_>,
    id: uuid::Uuid,
    source: &Source,
) -> Result<std::sync::Arc<super::loaders::Reviewed>> {
    match source {
        Some(frozen) => Ok(boxed(frozen.reviewed(db(ctx))).await?),
        None => boxed(load::<super::loaders::ReviewLoader>(ctx, id))
            .await?
            .ok_or_else(|| AppError::internal("report vanished while being reviewed").into()),
    }
}

/// A performance self-evaluation report (绩效评价自评报告): cover, profile, finance tables, goals, indicators, score, evaluators, signatures, opinions and narrative.
#[Object]
impl Report {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Report, self.0.id)
    }

    /// The integrator's own key for this report, unique within its department (each department
    /// has its own external IDs).
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// The filing department.
    async fn department(&self, ctx: &Context<'_>) -> Result<Department> {
        load::<ByIdLoader<entity::department::Entity>>(ctx, self.0.department_id)
            .await?
            .map(Department)
            .ok_or_else(|| AppError::internal("report without department").into())
    }

    /// Fiscal year evaluated (预算年度).
    async fn fiscal_year(&self) -> i32 {
        self.0.fiscal_year
    }

    /// Which form this is.
    async fn kind(&self) -> ReportKind {
        self.0.kind.into()
    }

    /// Workflow state.
    async fn status(&self) -> ReportStatus {
        self.0.status.into()
    }

    /// Series title on the cover, e.g. 岳阳市云溪区财政支出绩效评价自评报告.
    async fn series_title(&self) -> Option<&str> {
        self.0.series_title.as_deref()
    }

    /// Report title, e.g. 岳阳市云溪区2019年度部门整体支出绩效评价自评报告.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// 部门（单位）名称 as written on the cover.
    async fn unit_name(&self) -> &str {
        &self.0.unit_name
    }

    /// 项目名称 (PROJECT reports).
    async fn project_name(&self) -> Option<&str> {
        self.0.project_name.as_deref()
    }

    /// 主管部门 (PROJECT reports).
    async fn competent_department(&self) -> Option<&str> {
        self.0.competent_department.as_deref()
    }

    /// 实施单位 (PROJECT reports).
    async fn implementing_unit(&self) -> Option<&str> {
        self.0.implementing_unit.as_deref()
    }

    /// 预算编码; null when left blank.
    async fn budget_code(&self) -> Option<&str> {
        self.0.budget_code.as_deref()
    }

    /// 评价方式, e.g. 部门（单位）绩效自评.
    async fn evaluation_method(&self) -> Option<&str> {
        self.0.evaluation_method.as_deref()
    }

    /// 评价机构, e.g. 部门（单位）评价组.
    async fn evaluating_body(&self) -> Option<&str> {
        self.0.evaluating_body.as_deref()
    }

    /// 报告日期.
    async fn report_date(&self) -> Option<Date> {
        self.0.report_date.map(Date)
    }

    /// The authority whose template this is, e.g. 岳阳市云溪财政局（制）.
    async fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }

    /// Version for optimistic concurrency: pass it as `expectedVersion` when writing.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The report as files, with the read scope of this query (anonymous callers: published
    /// reports, without phone numbers): the Excel and Word forms, and the PDF where the service has a
    /// converter (`JIXIAO_PDF_CONVERTER`). Each `url` is relative to this service; send the same
    /// `Authorization` header as to `/graphql`.
    async fn downloads(&self, ctx: &Context<'_>) -> Vec<Download> {
        let id = ids::encode(Kind::Report, self.0.id);
        let offered = ctx.data_unchecked::<crate::forms::Offered>();
        let mut files = vec![
            (DownloadFormat::Xlsx, "xlsx", crate::forms::XLSX),
            (DownloadFormat::Docx, "docx", crate::forms::docx::DOCX),
        ];
        if offered.pdf {
            files.push((DownloadFormat::Pdf, "pdf", crate::forms::PDF));
        }
        files
            .into_iter()
            .map(|(format, extension, media_type)| Download {
                format,
                url: format!("/reports/{}/form.{extension}", id.as_str()),
                media_type: media_type.to_owned(),
                file_name: crate::forms::file_name(&self.0, extension),
            })
            .collect()
    }

    /// SHA-256 (hex) of the canonical serialization of the report's content (not its workflow
    /// metadata); signatures bind to it. Recomputable from this type's fields: README, “The
    /// content digest and what a signature binds”.
    async fn content_digest(&self) -> &str {
        &self.0.content_digest
    }

    /// When the report was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When the report last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// 一、部门（单位）基本概况.
    async fn profile(&self, ctx: &Context<'_>) -> DepartmentProfile {
        let r = &self.0;
        DepartmentProfile {
            contact_name: r.contact_name.clone(),
            contact_phone: hide_phone(viewer(ctx), &r.contact_phone),
            authorised_headcount: r.authorised_headcount,
            actual_headcount: r.actual_headcount,
            duties: r.duties.clone(),
            annual_tasks: serde_json::from_value(r.annual_tasks.clone()).unwrap_or_default(),
            achievements: r.achievements.clone(),
        }
    }

    /// 二、收支情况: the four finance tables per unit, with the computed and filed summaries.
    async fn finance(&self, ctx: &Context<'_>) -> Result<FinanceTables> {
        let rows = self.rows::<finance_unit::Entity>(ctx).await?;
        Ok(FinanceTables {
            filed: rows.iter().find(|r| r.is_summary).map(store::finance_doc),
            units: rows
                .iter()
                .filter(|r| !r.is_summary)
                .map(store::finance_doc)
                .collect(),
        })
    }

    /// The funding block of a PROJECT report (年初预算数, 全年预算数, 全年执行数, 执行率, 分值, 得分);
    /// empty for other reports.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::FUNDING, child_complexity)"
    )]
    async fn funding(&self, ctx: &Context<'_>) -> Result<Vec<FundingLine>> {
        Ok(self
            .rows::<funding_line::Entity>(ctx)
            .await?
            .iter()
            .map(|f| FundingLine::from(store::funding_doc(f)))
            .collect())
    }

    /// 定性目标: expected goals and what was achieved.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::GOALS, child_complexity)"
    )]
    async fn qualitative_goals(&self, ctx: &Context<'_>) -> Result<Vec<QualitativeGoal>> {
        Ok(self
            .rows::<qualitative_goal::Entity>(ctx)
            .await?
            .iter()
            .cloned()
            .map(|g| QualitativeGoal {
                expected: g.expected,
                actual: g.actual,
                initial: g.initial,
            })
            .collect())
    }

    /// 定量指标, in filed order.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::INDICATORS, child_complexity)"
    )]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only indicators of this level-1 group.")] category: Option<
            IndicatorCategory,
        >,
    ) -> Result<Vec<Indicator>> {
        let wanted = category.map(entity::IndicatorCategory::from);
        Ok(self
            .rows::<indicator::Entity>(ctx)
            .await?
            .iter()
            .filter(|&i| wanted.is_none_or(|c| i.category == c))
            .map(|i| Indicator(i.clone(), self.1.clone()))
            .collect())
    }

    /// 绩效自评综合得分 as filed.
    async fn declared_score(&self) -> Option<Decimal> {
        self.0.declared_score.map(|s| Decimal(s.to_decimal()))
    }

    /// 评价等次 as filed, e.g. 优秀.
    async fn declared_grade(&self) -> Option<&str> {
        self.0.declared_grade.as_deref()
    }

    /// The unit the report's amounts (finance tables, funding block) are written in, as filed.
    async fn amount_unit(&self) -> AmountUnit {
        self.0.amount_unit.into()
    }

    /// The finance bureau's re-check score (复核分) per indicator row and in total, recorded
    /// during review (`recordRecheck`); null until recorded.
    async fn recheck(&self, ctx: &Context<'_>) -> Result<Option<super::recheck::Recheck>> {
        super::recheck::of_report(ctx, self).await
    }

    /// Level-1 weights the form states for itself, where it does (null: the profile's).
    async fn level1_weights(&self) -> Option<FormLevel1Weights> {
        store::form_weights(&self.0).map(Into::into)
    }

    /// 四、评价人员, in filed order.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::EVALUATORS, child_complexity)"
    )]
    async fn evaluators(&self, ctx: &Context<'_>) -> Result<Vec<Evaluator>> {
        Ok(self
            .rows::<evaluator::Entity>(ctx)
            .await?
            .iter()
            .cloned()
            .map(|e| Evaluator {
                name: e.name,
                position: e.position,
                unit: e.unit,
                role: e.role.into(),
                subject: e
                    .subject
                    .filter(|_| policy::sees_contact_details(viewer(ctx))),
            })
            .collect())
    }

    /// Signatures given, in signing order; `valid` tells whether each still holds (the content
    /// still has the signed digest and the opinion given with it is still stored as signed).
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::SIGNATURES, child_complexity)"
    )]
    async fn signatures(&self, ctx: &Context<'_>) -> Result<Vec<Signature>> {
        let signatures = self.rows::<signature::Entity>(ctx).await?;
        // Opinions come from the batched loader (one query per page), only when a signature
        // was given with one.
        let opinions: Vec<OpinionText> = if binding::needs_opinions(&signatures) {
            self.rows::<opinion::Entity>(ctx)
                .await?
                .iter()
                .map(OpinionText::from)
                .collect()
        } else {
            Vec::new()
        };
        // Signatures made under an older content form are checked against the document's
        // digest in that form.
        let document = if binding::needs_document(&signatures) {
            let code =
                match load::<ByIdLoader<department::Entity>>(ctx, self.0.department_id).await? {
                    Some(d) => d.code,
                    None => return Err(AppError::internal("report without department").into()),
                };
            Some(boxed(store::load(&db(ctx).conn, &self.0, code)).await?)
        } else {
            None
        };
        let now = binding::Current {
            digest: &self.0.content_digest,
            document: document.as_ref(),
            opinions: &opinions,
        };
        Ok(signatures
            .iter()
            .map(|s| Signature::judged(s.clone(), binding::judge(s, &now)))
            .collect())
    }

    /// The assessment under the scoring profile the report's jurisdiction and year select:
    /// per-indicator achievement and computed score with the numbers, the computed total and
    /// grade, and the difference from the declared ones.
    #[graphql(complexity = "super::limits::whole_document(child_complexity)")]
    async fn assessment(&self, ctx: &Context<'_>) -> Result<super::assessment::Assessment> {
        Ok(super::assessment::of_report(ctx, self).await?.0)
    }

    /// The reviewer's checks (docs/domain.md §6): arithmetic of the tables, completeness and
    /// plausibility, each a coded finding with severity, path, expected and actual values.
    #[graphql(complexity = "super::limits::whole_document(child_complexity)")]
    async fn validation(&self, ctx: &Context<'_>) -> Result<super::assessment::ValidationReport> {
        Ok(super::assessment::of_report(ctx, self).await?.1)
    }

    /// The indicators as IATI results (result → indicator with measure and ascending flag →
    /// period → target and actual with the filed texts as comments).
    #[graphql(complexity = "super::limits::whole_document(child_complexity)")]
    async fn iati(&self, ctx: &Context<'_>) -> Result<Vec<super::standards::IatiResult>> {
        let reviewed = self.reviewed(ctx).await?;
        Ok(super::standards::iati(
            crate::domain::report::standards::iati(&reviewed.doc),
        ))
    }

    /// Every filled amount in Fiscal Data Package form (currency CNY, factor 10000, phase).
    #[graphql(complexity = "super::limits::whole_document(child_complexity)")]
    async fn fiscal_data(&self, ctx: &Context<'_>) -> Result<Vec<super::standards::FiscalAmount>> {
        let reviewed = self.reviewed(ctx).await?;
        Ok(super::standards::fiscal(
            crate::domain::report::standards::fiscal_amounts(&reviewed.doc),
        ))
    }

    /// Score computed under the scoring profile at the last write (the live one is in `assessment`).
    async fn computed_score(&self) -> Option<Decimal> {
        self.0.computed_score.map(|s| Decimal(s.to_decimal()))
    }

    /// Grade of `computedScore`.
    async fn computed_grade(&self) -> Option<&str> {
        self.0.computed_grade.as_deref()
    }

    /// Evidence (佐证材料) attached to the report, in attaching order: all of it, or what is
    /// anchored to one kind of target (and path).
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::ATTACHMENTS, child_complexity)"
    )]
    async fn attachments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only evidence anchored to this kind of target.")] target_kind: Option<
            super::comment::CommentTargetKind,
        >,
        #[graphql(
            desc = "Only evidence anchored at this path (section key, finance cell or field)."
        )]
        path: Option<String>,
    ) -> Result<Vec<super::evidence::Attachment>> {
        let rows = super::evidence::of_report(ctx, self.0.id, &self.1).await?;
        Ok(super::evidence::on(
            &rows,
            target_kind.map(Into::into),
            path.as_deref(),
            None,
        ))
    }

    /// Review comments on the report (none for anonymous callers), oldest first.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "super::limits::cost(first, last, child_complexity)")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size backwards (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
        #[graphql(desc = "Only resolved (true) or open (false) comments.")] resolved: Option<bool>,
        #[graphql(desc = "Only comments anchored to this kind of target.")] target_kind: Option<
            super::comment::CommentTargetKind,
        >,
        #[graphql(desc = "Only comments anchored to this indicator.")] indicator_id: Option<ID>,
        #[graphql(
            desc = "Only comments anchored at this path (section key, finance cell or field)."
        )]
        path: Option<String>,
        #[graphql(desc = "Only the first comment of each thread (default false).")]
        threads_only: Option<bool>,
    ) -> Result<super::comment::ReviewCommentConnection> {
        let filter = crate::domain::comment::CommentFilter {
            resolved,
            kind: target_kind.map(Into::into),
            indicator: indicator_id
                .as_ref()
                .map(|id| ids::decode(Kind::Indicator, id))
                .transpose()?,
            path,
            threads_only: threads_only.unwrap_or(false),
        };
        boxed(super::comment::list(
            ctx,
            self,
            filter,
            PageRequest {
                first,
                after,
                last,
                before,
            },
        ))
        .await
    }

    /// Every change to the report (content edits, transitions, signatures, comments), oldest first.
    #[graphql(complexity = "super::limits::cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        let mut select = crate::domain::change::of_report(self.0.id);
        if let Some(frozen) = &self.1 {
            // A report answered from its snapshot has the history it had then.
            select = crate::domain::change::until(select, frozen.snapshot.history_until);
        }
        let request = PageRequest {
            first,
            after,
            ..Default::default()
        };
        let page = boxed(crate::domain::change::page(
            db(ctx),
            select.clone(),
            &request,
        ))
        .await?;
        Ok(super::history::ChangeConnection::new(
            page,
            move || select.clone(),
            Into::into,
        ))
    }

    /// Opinions of the group leader, the department and the finance bureau, as given.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::OPINIONS, child_complexity)"
    )]
    async fn opinions(&self, ctx: &Context<'_>) -> Result<Vec<Opinion>> {
        Ok(self
            .rows::<opinion::Entity>(ctx)
            .await?
            .iter()
            .cloned()
            .map(|o| Opinion {
                kind: o.kind.into(),
                text: o.text,
                person: o.person,
                date: o.date.map(Date),
            })
            .collect())
    }

    /// 填报人 and phone (the phone is hidden from anonymous callers).
    async fn preparer(&self, ctx: &Context<'_>) -> Option<Person> {
        let r = &self.0;
        (r.preparer_name.is_some() || r.preparer_phone.is_some()).then(|| Person {
            name: r.preparer_name.clone(),
            phone: hide_phone(viewer(ctx), &r.preparer_phone),
        })
    }

    /// 五、评价报告综述: the narrative, section by section.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::SECTIONS, child_complexity)"
    )]
    async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<NarrativeSection>> {
        Ok(self
            .rows::<narrative_section::Entity>(ctx)
            .await?
            .iter()
            .cloned()
            .map(|s| NarrativeSection {
                key: s.key,
                title: s.title,
                body: s.body,
                ordinal: s.ordinal,
                report: self.0.id,
                source: self.1.clone(),
            })
            .collect())
    }
}
/// Report mutations.
#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Creates a report (DRAFT) from a whole document. Needs PREPARER, SYNC_CLIENT or ADMIN in
    /// the document's department.
    async fn create_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: CreateReportInput,
    ) -> Result<ReportPayload> {
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
        let doc: ReportDocument = input.document.into();
        let outcome =
            service::create(db(ctx), viewer(ctx), call.as_ref(), input.external_id, doc).await?;
        Ok(ReportPayload::from_outcome(outcome, &["document"]))
    }

    /// Creates or replaces the report with this `externalId` in the document's department from
    /// a whole document. Sending the same document again changes nothing and keeps the version
    /// (result UNCHANGED).
    async fn upsert_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: UpsertReportInput,
    ) -> Result<ReportPayload> {
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
        let doc: ReportDocument = input.document.into();
        let outcome = service::upsert(
            db(ctx),
            viewer(ctx),
            call.as_ref(),
            input.external_id,
            input.expected_version,
            doc,
        )
        .await?;
        Ok(ReportPayload::from_outcome(outcome, &["document"]))
    }

    /// Changes some fields of a report (DRAFT or RETURNED only).
    async fn update_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Fields to change.")] input: UpdateReportInput,
    ) -> Result<ReportPayload> {
        let id = ids::decode(Kind::Report, &input.id)?;
        let expected = input.expected_version;
        let outcome = service::edit(db(ctx), viewer(ctx), id, expected, |d| {
            input.apply(d);
            Ok(())
        })
        .await?;
        Ok(ReportPayload::from_outcome(outcome, &[]))
    }

    /// Replaces a report's finance tables (DRAFT or RETURNED only).
    async fn set_finance_tables(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tables.")] input: SetFinanceTablesInput,
    ) -> Result<ReportPayload> {
        let id = ids::decode(Kind::Report, &input.report_id)?;
        let finance: doc::Finance = input.finance.into();
        let outcome = service::edit(db(ctx), viewer(ctx), id, input.expected_version, |d| {
            let stored = d.clone();
            d.finance = finance;
            d.adopt_ids(&stored);
            Ok(())
        })
        .await?;
        Ok(ReportPayload::from_outcome(outcome, &[]))
    }

    /// Soft-deletes a report (DRAFT or RETURNED only); the change feed keeps a tombstone.
    async fn delete_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: DeleteReportInput,
    ) -> Result<DeleteReportPayload> {
        let id = ids::decode(Kind::Report, &input.id)?;
        Ok(
            match service::delete(db(ctx), viewer(ctx), id, input.expected_version).await? {
                Ok(id) => DeleteReportPayload {
                    deleted_report_id: Some(ids::encode(Kind::Report, id)),
                    user_errors: Vec::new(),
                },
                Err(errors) => DeleteReportPayload {
                    deleted_report_id: None,
                    user_errors: user_errors(errors, &[]),
                },
            },
        )
    }
}

super::connection::connection!(ReportConnection, ReportEdge, Report, "reports");
