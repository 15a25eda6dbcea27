//! The inputs of the report mutations, and the payloads they answer with.

use super::*;

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
pub(crate) fn patch<T>(slot: &mut Option<T>, value: MaybeUndefined<T>) {
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

pub(in crate::graphql) fn goals(v: Vec<QualitativeGoalInput>) -> Vec<doc::Goal> {
    v.into_iter()
        .map(|g| doc::Goal {
            id: None,
            expected: g.expected,
            actual: g.actual,
            initial: g.initial,
        })
        .collect()
}

pub(in crate::graphql) fn evaluators(v: Vec<EvaluatorInput>) -> Vec<doc::EvaluatorDoc> {
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

pub(in crate::graphql) fn opinions(v: Vec<OpinionInput>) -> Vec<doc::OpinionDoc> {
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

pub(in crate::graphql) fn sections(v: Vec<NarrativeSectionInput>) -> Vec<doc::Section> {
    v.into_iter()
        .map(|s| doc::Section {
            id: None,
            key: s.key,
            title: s.title,
            body: s.body,
        })
        .collect()
}

pub(in crate::graphql) fn person(p: PersonInput) -> doc::Person {
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
            // Evidence is attached with attachEvidence, never written with the document.
            evidence: Vec::new(),
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
    pub(in crate::graphql) fn apply(self, d: &mut ReportDocument) {
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
    pub(in crate::graphql) fn from_outcome(outcome: Outcome<Written>, prefix: &[&str]) -> Self {
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
    #[graphql(validator(custom = "crate::graphql::input_guard::SearchTerm"))]
    pub search: Option<String>,
    /// Changed at or after this moment (`updatedAt` ≥ it). With `updatedBefore` a half-open
    /// window, so a sync job that asks for [T1, T2) and then [T2, T3) neither misses nor
    /// repeats a report; stored times are finer than the milliseconds shown, so passing a
    /// report's own `updatedAt` includes that report.
    pub updated_since: Option<DateTime>,
    /// Changed before this moment (`updatedAt` < it).
    pub updated_before: Option<DateTime>,
    /// Created at or after this moment.
    pub created_since: Option<DateTime>,
    /// Created before this moment.
    pub created_before: Option<DateTime>,
}

impl ReportFilter {
    pub(in crate::graphql) fn into_domain(self) -> Result<Filter, AppError> {
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
            updated_since: self.updated_since.map(|t| t.0),
            updated_before: self.updated_before.map(|t| t.0),
            created_since: self.created_since.map(|t| t.0),
            created_before: self.created_before.map(|t| t.0),
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
