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
use super::{children, db, load, viewer};
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
        Some(frozen) => Ok(frozen.reviewed(db(ctx)).await?),
        None => load::<super::loaders::ReviewLoader>(ctx, id)
            .await?
            .ok_or_else(|| AppError::internal("report vanished while being reviewed").into()),
    }
}

fn hide_phone(viewer: &Viewer, phone: &Option<String>) -> Option<String> {
    if policy::sees_contact_details(viewer) {
        phone.clone()
    } else {
        None
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

    /// SHA-256 (hex) of the canonical serialization of the report's content (not its workflow
    /// metadata); signatures bind to it.
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

    /// Level-1 weights the form states for itself, where it does (null: the profile's).
    async fn level1_weights(&self) -> Option<FormLevel1Weights> {
        self.0
            .level1_weights
            .as_ref()
            .and_then(|w| serde_json::from_value::<doc::FormWeights>(w.clone()).ok())
            .map(Into::into)
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
            Some(store::load(&db(ctx).conn, &self.0, code).await?)
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
        super::comment::list(
            ctx,
            self,
            filter,
            PageRequest {
                first,
                after,
                last,
                before,
            },
        )
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
        let page = crate::domain::change::page(
            db(ctx),
            select.clone(),
            &PageRequest {
                first,
                after,
                ..Default::default()
            },
        )
        .await?;
        Ok(super::history::ChangeConnection::new(
            page,
            select,
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
            })
            .collect())
    }
}

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
    /// the opinion given with the signature (README: "what a signature binds").
    pub scheme: i32,
    /// The opinion given with the signature, as signed (the group leader's with their
    /// signature, the department's on approval, the finance bureau's on review); null if none.
    pub opinion: Option<Opinion>,
    /// SHA-256 of the signed statement (scheme 2); null for scheme 1.
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
        Signature {
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
pub struct NarrativeSection {
    /// Key, unique within the report, e.g. "1.2".
    pub key: String,
    /// Heading as filed, e.g. 2、机构设置.
    pub title: String,
    /// Text under the heading; null when empty.
    pub body: Option<String>,
    /// Position in the narrative, from 1.
    pub ordinal: i32,
}

// ---------------------------------------------------------------- inputs

/// 部门（单位）基本概况. In updates, an omitted field is kept and null clears it.
#[derive(InputObject, Clone, Default)]
pub struct ProfileInput {
    /// 联系人.
    pub contact_name: MaybeUndefined<String>,
    /// 联络电话.
    pub contact_phone: MaybeUndefined<String>,
    /// 人员编制 (0 or more).
    pub authorised_headcount: MaybeUndefined<i32>,
    /// 实有人数 (0 or more).
    pub actual_headcount: MaybeUndefined<i32>,
    /// 职能职责概述.
    pub duties: MaybeUndefined<String>,
    /// 年度主要工作内容, in order.
    pub annual_tasks: MaybeUndefined<Vec<String>>,
    /// 年度部门（单位）总体运行情况及取得的成绩.
    pub achievements: MaybeUndefined<String>,
}

/// Applies a partial-update field: undefined keeps, null clears, a value sets.
pub(super) fn patch<T>(slot: &mut Option<T>, value: MaybeUndefined<T>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *slot = None,
        MaybeUndefined::Value(v) => *slot = Some(v),
    }
}

impl ProfileInput {
    fn apply(self, p: &mut doc::Profile) {
        patch(&mut p.contact_name, self.contact_name);
        patch(&mut p.contact_phone, self.contact_phone);
        patch(&mut p.authorised_headcount, self.authorised_headcount);
        patch(&mut p.actual_headcount, self.actual_headcount);
        patch(&mut p.duties, self.duties);
        match self.annual_tasks {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => p.annual_tasks.clear(),
            MaybeUndefined::Value(v) => p.annual_tasks = v,
        }
        patch(&mut p.achievements, self.achievements);
    }
}

/// A qualitative goal.
#[derive(InputObject, Clone)]
pub struct QualitativeGoalInput {
    /// 预期目标 (the adjusted goal, where the form gives both).
    pub expected: Option<String>,
    /// 实际完成.
    pub actual: Option<String>,
    /// 年初设定目标, where the form gives it beside the adjusted goal.
    pub initial: Option<String>,
}

/// An evaluator.
#[derive(InputObject, Clone)]
pub struct EvaluatorInput {
    /// 姓名.
    pub name: String,
    /// 职务/职称.
    pub position: Option<String>,
    /// 单位.
    pub unit: Option<String>,
    /// Place in the group.
    #[graphql(default_with = "EvaluatorRole::Member")]
    pub role: EvaluatorRole,
    /// The evaluator's identity-provider subject, if known (lets them sign).
    pub subject: Option<String>,
}

/// An opinion.
#[derive(InputObject, Clone)]
pub struct OpinionInput {
    /// Whose opinion.
    pub kind: OpinionKind,
    /// Text.
    pub text: Option<String>,
    /// 负责人.
    pub person: Option<String>,
    /// Date.
    pub date: Option<Date>,
}

/// A person with a phone number.
#[derive(InputObject, Clone)]
pub struct PersonInput {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// A narrative section.
#[derive(InputObject, Clone)]
pub struct NarrativeSectionInput {
    /// Key, unique within the report, e.g. "1.2".
    pub key: String,
    /// Heading as filed.
    pub title: String,
    /// Text under the heading.
    pub body: Option<String>,
}

/// Level-1 weights (一级指标分值) written on a form that states its own; a group left null takes
/// the scoring profile's weight.
#[derive(SimpleObject, InputObject, Clone, Default)]
#[graphql(input_name = "FormLevel1WeightsInput")]
pub struct FormLevel1Weights {
    /// 产出.
    pub output: Option<Decimal>,
    /// 效益.
    pub outcome: Option<Decimal>,
    /// 满意度.
    pub satisfaction: Option<Decimal>,
    /// 预算执行率.
    pub budget_execution: Option<Decimal>,
    /// 决策.
    pub decision: Option<Decimal>,
    /// 过程.
    pub process: Option<Decimal>,
}

impl From<FormLevel1Weights> for doc::FormWeights {
    fn from(w: FormLevel1Weights) -> Self {
        doc::FormWeights {
            output: w.output.map(|d| d.0),
            outcome: w.outcome.map(|d| d.0),
            satisfaction: w.satisfaction.map(|d| d.0),
            budget_execution: w.budget_execution.map(|d| d.0),
            decision: w.decision.map(|d| d.0),
            process: w.process.map(|d| d.0),
        }
    }
}

impl From<doc::FormWeights> for FormLevel1Weights {
    fn from(w: doc::FormWeights) -> Self {
        FormLevel1Weights {
            output: w.output.map(Decimal),
            outcome: w.outcome.map(Decimal),
            satisfaction: w.satisfaction.map(Decimal),
            budget_execution: w.budget_execution.map(Decimal),
            decision: w.decision.map(Decimal),
            process: w.process.map(Decimal),
        }
    }
}

/// The whole content of a report, as one document (the `upsertReport` shape).
#[derive(InputObject, Clone)]
pub struct ReportDocumentInput {
    /// Code of the filing department, e.g. YX-KGJ.
    pub department_code: String,
    /// Fiscal year evaluated (2000–2100).
    pub fiscal_year: i32,
    /// Which form.
    #[graphql(default_with = "ReportKind::DepartmentOverall")]
    pub kind: ReportKind,
    /// Series title on the cover.
    pub series_title: Option<String>,
    /// Report title.
    pub title: Option<String>,
    /// 部门（单位）名称 as on the cover. A draft may leave it out (an illegible cover): validation
    /// then reports UNIT_NAME_MISSING, which blocks submission.
    #[graphql(default)]
    pub unit_name: String,
    /// 项目名称 (PROJECT).
    pub project_name: Option<String>,
    /// 主管部门 (PROJECT).
    pub competent_department: Option<String>,
    /// 实施单位 (PROJECT).
    pub implementing_unit: Option<String>,
    /// 预算编码.
    pub budget_code: Option<String>,
    /// 评价方式.
    pub evaluation_method: Option<String>,
    /// 评价机构.
    pub evaluating_body: Option<String>,
    /// 报告日期.
    pub report_date: Option<Date>,
    /// Issuing template, e.g. 岳阳市云溪财政局（制）.
    pub issuer: Option<String>,
    /// 一、基本概况.
    #[graphql(default)]
    pub profile: ProfileInput,
    /// The unit the amounts (finance tables, funding block) are written in; 万元 if not given.
    /// Each amount comes back as written (89.974 stays 89.974).
    #[graphql(default_with = "AmountUnit::WanYuan")]
    pub amount_unit: AmountUnit,
    /// 二、收支情况.
    #[graphql(default)]
    pub finance: FinanceTablesInput,
    /// Funding block (PROJECT).
    #[graphql(default)]
    pub funding: Vec<FundingLineInput>,
    /// 定性目标.
    #[graphql(default)]
    pub qualitative_goals: Vec<QualitativeGoalInput>,
    /// 定量指标, in order.
    #[graphql(default)]
    pub indicators: Vec<IndicatorInput>,
    /// Level-1 weights the form states for itself (产出 60…), where it does; null groups take
    /// the scoring profile's.
    pub level1_weights: Option<FormLevel1Weights>,
    /// 绩效自评综合得分 (0–100).
    pub declared_score: Option<Decimal>,
    /// 评价等次.
    pub declared_grade: Option<String>,
    /// 评价人员.
    #[graphql(default)]
    pub evaluators: Vec<EvaluatorInput>,
    /// Opinions.
    #[graphql(default)]
    pub opinions: Vec<OpinionInput>,
    /// 填报人.
    pub preparer: Option<PersonInput>,
    /// 评价报告综述.
    #[graphql(default)]
    pub sections: Vec<NarrativeSectionInput>,
}

fn goals(v: Vec<QualitativeGoalInput>) -> Vec<doc::Goal> {
    v.into_iter()
        .map(|g| doc::Goal {
            id: None,
            expected: g.expected,
            actual: g.actual,
            initial: g.initial,
        })
        .collect()
}

fn evaluators(v: Vec<EvaluatorInput>) -> Vec<doc::EvaluatorDoc> {
    v.into_iter()
        .map(|e| doc::EvaluatorDoc {
            id: None,
            name: e.name,
            position: e.position,
            unit: e.unit,
            role: e.role.into(),
            subject: e.subject,
        })
        .collect()
}

fn opinions(v: Vec<OpinionInput>) -> Vec<doc::OpinionDoc> {
    v.into_iter()
        .map(|o| doc::OpinionDoc {
            id: None,
            kind: o.kind.into(),
            text: o.text,
            person: o.person,
            date: o.date.map(|d| d.0),
        })
        .collect()
}

fn sections(v: Vec<NarrativeSectionInput>) -> Vec<doc::Section> {
    v.into_iter()
        .map(|s| doc::Section {
            id: None,
            key: s.key,
            title: s.title,
            body: s.body,
        })
        .collect()
}

fn person(p: PersonInput) -> doc::Person {
    doc::Person {
        name: p.name,
        phone: p.phone,
    }
}

impl From<ReportDocumentInput> for ReportDocument {
    fn from(i: ReportDocumentInput) -> Self {
        let mut profile = doc::Profile::default();
        i.profile.apply(&mut profile);
        ReportDocument {
            department_code: i.department_code,
            fiscal_year: i.fiscal_year,
            kind: doc::ReportKindDoc(i.kind.into()),
            series_title: i.series_title,
            title: i.title,
            unit_name: i.unit_name,
            project_name: i.project_name,
            competent_department: i.competent_department,
            implementing_unit: i.implementing_unit,
            budget_code: i.budget_code,
            evaluation_method: i.evaluation_method,
            evaluating_body: i.evaluating_body,
            report_date: i.report_date.map(|d| d.0),
            issuer: i.issuer,
            profile,
            amount_unit: i.amount_unit.into(),
            finance: i.finance.into(),
            funding: i.funding.into_iter().map(Into::into).collect(),
            qualitative_goals: goals(i.qualitative_goals),
            indicators: i.indicators.into_iter().map(Into::into).collect(),
            level1_weights: i.level1_weights.map(Into::into),
            declared_score: i.declared_score.map(|d| d.0),
            declared_grade: i.declared_grade,
            evaluators: evaluators(i.evaluators),
            opinions: opinions(i.opinions),
            preparer: i.preparer.map(person),
            sections: sections(i.sections),
        }
    }
}

/// Input of `createReport`.
#[derive(InputObject)]
pub struct CreateReportInput {
    /// Retrying with the same key and input returns the first answer (the report as this write
    /// left it) and writes nothing; the same key with another input is refused
    /// (IDEMPOTENCY_KEY_REUSED).
    pub idempotency_key: Option<String>,
    /// The integrator's own key, unique within the document's department; optional.
    pub external_id: Option<String>,
    /// The report's content.
    pub document: ReportDocumentInput,
}

/// Input of `upsertReport`.
#[derive(InputObject)]
pub struct UpsertReportInput {
    /// Retrying with the same key and input returns the first answer (the report as this write
    /// left it) and writes nothing; the same key with another input is refused
    /// (IDEMPOTENCY_KEY_REUSED).
    pub idempotency_key: Option<String>,
    /// The integrator's own key: the report of the document's department to create or replace
    /// (each department has its own external IDs).
    pub external_id: String,
    /// If given, the write is refused with STALE_VERSION unless the stored report has this version.
    pub expected_version: Option<i32>,
    /// The whole content; it replaces what is stored. The same content again changes nothing.
    pub document: ReportDocumentInput,
}

/// Input of `updateReport`: only the fields given change; null clears a field; a list given
/// replaces the whole list.
#[derive(InputObject)]
pub struct UpdateReportInput {
    /// The report.
    pub id: ID,
    /// If given, the write is refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// Move the report to another department (by code).
    pub department_code: Option<String>,
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Form kind.
    pub kind: Option<ReportKind>,
    /// Series title.
    pub series_title: MaybeUndefined<String>,
    /// Title.
    pub title: MaybeUndefined<String>,
    /// 部门（单位）名称.
    pub unit_name: Option<String>,
    /// 项目名称.
    pub project_name: MaybeUndefined<String>,
    /// 主管部门.
    pub competent_department: MaybeUndefined<String>,
    /// 实施单位.
    pub implementing_unit: MaybeUndefined<String>,
    /// 预算编码.
    pub budget_code: MaybeUndefined<String>,
    /// 评价方式.
    pub evaluation_method: MaybeUndefined<String>,
    /// 评价机构.
    pub evaluating_body: MaybeUndefined<String>,
    /// 报告日期.
    pub report_date: MaybeUndefined<Date>,
    /// Issuing template.
    pub issuer: MaybeUndefined<String>,
    /// Profile fields to change.
    pub profile: Option<ProfileInput>,
    /// The unit the amounts are written in (the figures stay as written).
    pub amount_unit: Option<AmountUnit>,
    /// Level-1 weights the form states for itself (null: the profile's).
    pub level1_weights: MaybeUndefined<FormLevel1Weights>,
    /// 绩效自评综合得分.
    pub declared_score: MaybeUndefined<Decimal>,
    /// 评价等次.
    pub declared_grade: MaybeUndefined<String>,
    /// 填报人.
    pub preparer: MaybeUndefined<PersonInput>,
    /// Replaces the qualitative goals.
    pub qualitative_goals: Option<Vec<QualitativeGoalInput>>,
    /// Replaces the evaluators.
    pub evaluators: Option<Vec<EvaluatorInput>>,
    /// Replaces the opinions.
    pub opinions: Option<Vec<OpinionInput>>,
    /// Replaces the narrative sections.
    pub sections: Option<Vec<NarrativeSectionInput>>,
    /// Replaces the project funding block.
    pub funding: Option<Vec<FundingLineInput>>,
}

impl UpdateReportInput {
    fn apply(self, d: &mut ReportDocument) {
        let stored = d.clone();
        if let Some(v) = self.department_code {
            d.department_code = v;
        }
        if let Some(v) = self.fiscal_year {
            d.fiscal_year = v;
        }
        if let Some(v) = self.kind {
            d.kind = doc::ReportKindDoc(v.into());
        }
        if let Some(v) = self.unit_name {
            d.unit_name = v;
        }
        patch(&mut d.series_title, self.series_title);
        patch(&mut d.title, self.title);
        patch(&mut d.project_name, self.project_name);
        patch(&mut d.competent_department, self.competent_department);
        patch(&mut d.implementing_unit, self.implementing_unit);
        patch(&mut d.budget_code, self.budget_code);
        patch(&mut d.evaluation_method, self.evaluation_method);
        patch(&mut d.evaluating_body, self.evaluating_body);
        patch(&mut d.report_date, self.report_date.map_value(|v| v.0));
        patch(&mut d.issuer, self.issuer);
        if let Some(p) = self.profile {
            p.apply(&mut d.profile);
        }
        if let Some(unit) = self.amount_unit {
            d.amount_unit = unit.into();
        }
        patch(
            &mut d.declared_score,
            self.declared_score.map_value(|v| v.0),
        );
        patch(
            &mut d.level1_weights,
            self.level1_weights.map_value(Into::into),
        );
        patch(&mut d.declared_grade, self.declared_grade);
        patch(&mut d.preparer, self.preparer.map_value(person));
        if let Some(v) = self.qualitative_goals {
            d.qualitative_goals = goals(v);
        }
        if let Some(v) = self.evaluators {
            d.evaluators = evaluators(v);
        }
        if let Some(v) = self.opinions {
            d.opinions = opinions(v);
        }
        if let Some(v) = self.sections {
            d.sections = sections(v);
        }
        if let Some(v) = self.funding {
            d.funding = v.into_iter().map(Into::into).collect();
        }
        d.adopt_ids(&stored);
    }
}

/// Input of `deleteReport`.
#[derive(InputObject)]
pub struct DeleteReportInput {
    /// The report.
    pub id: ID,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
}

/// Input of `setFinanceTables`.
#[derive(InputObject)]
pub struct SetFinanceTablesInput {
    /// The report.
    pub report_id: ID,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// The tables; they replace the stored ones.
    pub finance: FinanceTablesInput,
}

/// What a write did.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WriteResult {
    /// A new report was created.
    Created,
    /// The report changed (its version went up).
    Updated,
    /// The same content was sent again: nothing was written and the version is unchanged.
    Unchanged,
}

/// Result of a report mutation.
#[derive(SimpleObject)]
pub struct ReportPayload {
    /// The report after the write; null when refused.
    pub report: Option<Report>,
    /// What the write did; null when refused.
    pub result: Option<WriteResult>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl ReportPayload {
    pub(super) fn from_outcome(outcome: Outcome<Written>, prefix: &[&str]) -> Self {
        match outcome {
            Ok(w) => ReportPayload {
                result: Some(w.kind.into()),
                report: Some(Report::written(&w)),
                user_errors: Vec::new(),
            },
            Err(errors) => ReportPayload {
                report: None,
                result: None,
                user_errors: user_errors(errors, prefix),
            },
        }
    }
}

impl From<WriteKind> for WriteResult {
    fn from(kind: WriteKind) -> Self {
        match kind {
            WriteKind::Created => WriteResult::Created,
            WriteKind::Updated => WriteResult::Updated,
            WriteKind::Unchanged => WriteResult::Unchanged,
        }
    }
}

/// Result of `deleteReport`.
#[derive(SimpleObject)]
pub struct DeleteReportPayload {
    /// The deleted report's ID; null when refused.
    pub deleted_report_id: Option<ID>,
    /// Why the delete was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

// ---------------------------------------------------------------- queries

/// Which reports to list.
#[derive(InputObject, Default)]
pub struct ReportFilter {
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// Department (global ID).
    pub department_id: Option<ID>,
    /// Department code.
    pub department_code: Option<String>,
    /// Form kind.
    pub kind: Option<ReportKind>,
    /// Workflow state.
    pub status: Option<ReportStatus>,
    /// Text contained in the unit name, title or project name (at most 200 characters; longer:
    /// TOO_LONG).
    #[graphql(validator(custom = "super::input_guard::SearchTerm"))]
    pub search: Option<String>,
}

impl ReportFilter {
    pub(super) fn into_domain(self) -> Result<Filter, AppError> {
        Ok(Filter {
            fiscal_year: self.fiscal_year,
            department_id: self
                .department_id
                .as_ref()
                .map(|id| ids::decode(Kind::Department, id))
                .transpose()?,
            department_code: self.department_code,
            kind: self.kind.map(Into::into),
            status: self.status.map(Into::into),
            search: self.search,
        })
    }
}

/// Fields reports can be ordered by (the id breaks ties).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReportOrderField {
    /// Fiscal year.
    FiscalYear,
    /// Last change.
    UpdatedAt,
    /// Creation.
    CreatedAt,
    /// Declared score (reports without one count as lowest).
    DeclaredScore,
    /// Unit name.
    UnitName,
}

/// One ordering key.
#[derive(InputObject)]
pub struct ReportOrder {
    /// Field.
    pub field: ReportOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Report queries.
#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// A report by global ID; null if it does not exist or is not visible to the caller.
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the report.")] id: ID,
    ) -> Result<Option<Report>> {
        let id = ids::decode(Kind::Report, &id)?;
        Ok(query::find(db(ctx), viewer(ctx), id)
            .await?
            .map(Report::live))
    }

    /// Reports visible to the caller (anonymous: published only), filtered and ordered
    /// (default: fiscal year descending, then unit name).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "super::limits::cost(first, last, child_complexity)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size forwards (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size backwards (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
        #[graphql(desc = "Which reports.")] filter: Option<ReportFilter>,
        #[graphql(desc = "Ordering keys, most significant first.")] order_by: Option<
            Vec<ReportOrder>,
        >,
    ) -> Result<ReportConnection> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let order: Vec<(ReportSort, bool)> = order_by
            .unwrap_or_default()
            .into_iter()
            .map(|o| {
                let sort = match o.field {
                    ReportOrderField::FiscalYear => ReportSort::FiscalYear,
                    ReportOrderField::UpdatedAt => ReportSort::UpdatedAt,
                    ReportOrderField::CreatedAt => ReportSort::CreatedAt,
                    ReportOrderField::DeclaredScore => ReportSort::DeclaredScore,
                    ReportOrderField::UnitName => ReportSort::UnitName,
                };
                (sort, o.direction == OrderDirection::Desc)
            })
            .collect();
        let request = PageRequest {
            first,
            after,
            last,
            before,
        };
        let (db, viewer) = (db(ctx), viewer(ctx));
        let page = query::page(db, viewer, &filter, &order, &request).await?;
        let rows: Vec<_> = page.items.iter().map(|(_, r)| r.clone()).collect();
        super::prefetch(ctx, &rows).await?;
        Ok(ReportConnection::new(
            page,
            query::visible(viewer, &filter),
            Report::live,
        ))
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
