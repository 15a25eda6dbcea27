//! Indicators: the `Indicator` type, the cross-report `indicators` query, and the indicator
//! mutations (each an edit of the report's document).

use super::enums::*;
use super::frozen::Source;
use super::ids::{self, Kind};
use super::loaders::ByIdLoader;
use super::payload::{UserError, user_errors};
use super::report::{Report, patch};
use super::scalars::Decimal;
use super::{db, load, viewer};
use crate::domain::assessment::parse::Measure;
use crate::domain::pagination::PageRequest;
use crate::domain::report::document::{IndicatorDoc, ValueDoc};
use crate::domain::report::query::{self, IndicatorFilter as Filter};
use crate::domain::report::service::{self, Written};
use crate::domain::{FieldError, Outcome, UserErrorCode};
use crate::error::AppError;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::{Millionths, indicator};
use uuid::Uuid;

/// A quantitative indicator (绩效指标) with its target (年度指标值) and outcome (实际完成值).
#[derive(Clone)]
pub struct Indicator(pub indicator::Model, pub Source);

impl Indicator {
    /// An indicator as it is now.
    pub fn live(row: indicator::Model) -> Self {
        Indicator(row, None)
    }
}

/// A target or outcome: the verbatim text, plus comparator, value and unit — as given with the
/// document, or else read from the text when it holds exactly one figure ("≥50个": GTE, 50, 个);
/// null where neither.
pub struct IndicatorValue {
    text: String,
    /// The parts given with the document, if any was.
    given: Option<(Option<entity::Comparator>, Option<Decimal>, Option<String>)>,
    /// The one figure of the text, read on first use (only when nothing was given).
    read: std::sync::OnceLock<Option<Measure>>,
}

impl IndicatorValue {
    /// The figure the text holds, when it holds exactly one.
    fn figure(&self) -> Option<&Measure> {
        self.read
            .get_or_init(
                || match crate::domain::assessment::parse::read(&self.text).measures() {
                    [one] => Some(one.clone()),
                    _ => None,
                },
            )
            .as_ref()
    }
}

/// A target or outcome: the verbatim text, plus comparator, value and unit — as given with the
/// document, or else read from the text when it holds exactly one figure ("≥50个": GTE, 50, 个);
/// null where neither.
#[Object]
impl IndicatorValue {
    /// The text exactly as filed.
    async fn text(&self) -> &str {
        &self.text
    }

    /// Comparator, as given or read from the text.
    async fn comparator(&self) -> Option<Comparator> {
        match &self.given {
            Some((c, _, _)) => c.map(Into::into),
            None => self.figure().and_then(|m| m.comparator).map(Into::into),
        }
    }

    /// Number, as given or read from the text (as written: 500 for "500亿元").
    async fn value(&self) -> Option<Decimal> {
        match &self.given {
            Some((_, v, _)) => *v,
            None => self.figure().map(|m| Decimal(m.value.normalize())),
        }
    }

    /// Unit, as given or read from the text, e.g. 亿元, %, 个.
    async fn unit(&self) -> Option<&str> {
        match &self.given {
            Some((_, _, u)) => u.as_deref(),
            None => self.figure().and_then(|m| m.unit.as_deref()),
        }
    }

    /// True when comparator, value and unit were given with the document; false when they are
    /// read from the text here (or are all null). Only given parts are content: the content
    /// digest holds read parts as null (README, “The content digest”).
    async fn parts_given(&self) -> bool {
        self.given.is_some()
    }

    /// Why the figure read from the text is not read with confidence ("二100%": a scanned 二
    /// read as =); null when it is, or when the parts were given with the document. It is still
    /// compared; the reviewer's check FIGURE_UNSURE asks for the paper form.
    async fn doubt(&self) -> Option<FigureDoubt> {
        match &self.given {
            Some(_) => None,
            None => self.figure().and_then(|m| m.doubt).map(Into::into),
        }
    }
}

/// Why a figure read from an indicator text is not read with confidence.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::assessment::parse::Doubt")]
pub enum FigureDoubt {
    /// The comparator is a scanned look-alike: 二 directly before the number, read as `=`.
    ScannedComparator,
}

fn value(
    text: String,
    comparator: Option<entity::Comparator>,
    v: Option<Millionths>,
    unit: Option<String>,
) -> IndicatorValue {
    let given = (comparator.is_some() || v.is_some() || unit.is_some()).then(|| {
        (
            comparator,
            v.map(|x| Decimal(x.to_decimal().normalize())),
            unit,
        )
    });
    IndicatorValue {
        text,
        given,
        read: std::sync::OnceLock::new(),
    }
}

/// A quantitative indicator (绩效指标) with its target (年度指标值) and outcome (实际完成值).
#[Object]
impl Indicator {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Indicator, self.0.id)
    }

    /// The report it belongs to.
    async fn report(&self, ctx: &Context<'_>) -> Result<Report> {
        if let Some(frozen) = &self.1 {
            return Ok(Report(frozen.snapshot.report.clone(), self.1.clone()));
        }
        load::<ByIdLoader<entity::report::Entity>>(ctx, self.0.report_id)
            .await?
            .map(Report::live)
            .ok_or_else(|| AppError::internal("indicator without report").into())
    }

    /// Evidence (佐证材料) attached to this indicator, in attaching order.
    #[graphql(
        complexity = "super::limits::rows(crate::domain::report::document::max_rows::ATTACHMENTS, child_complexity)"
    )]
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<super::evidence::Attachment>> {
        let rows = super::evidence::of_report(ctx, self.0.report_id, &self.1).await?;
        Ok(super::evidence::on(
            &rows,
            Some(entity::CommentTargetKind::Indicator),
            None,
            Some(self.0.id),
        ))
    }

    /// 一级指标.
    async fn category(&self) -> IndicatorCategory {
        self.0.category.into()
    }

    /// 二级指标.
    async fn subcategory(&self) -> IndicatorSubcategory {
        self.0.subcategory.into()
    }

    /// Position within the report, from 1.
    async fn ordinal(&self) -> i32 {
        self.0.ordinal
    }

    /// 三级指标 name, where the form has one.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// 年度指标值 / 绩效目标.
    async fn target(&self) -> IndicatorValue {
        let i = &self.0;
        value(
            i.target_text.clone(),
            i.target_comparator,
            i.target_value,
            i.target_unit.clone(),
        )
    }

    /// 实际完成值 / 完成情况; null when left blank.
    async fn actual(&self) -> Option<IndicatorValue> {
        let i = &self.0;
        i.actual_text.clone().map(|t| {
            value(
                t,
                i.actual_comparator,
                i.actual_value,
                i.actual_unit.clone(),
            )
        })
    }

    /// 分值 (weight).
    async fn weight(&self) -> Option<Decimal> {
        self.0.weight.map(|w| Decimal(w.to_decimal()))
    }

    /// 核心指标: whether the form marks it core.
    async fn core(&self) -> bool {
        self.0.is_core
    }

    /// 得分系数 as filed, where the form scores rows as 分值 × 得分系数.
    async fn score_coefficient(&self) -> Option<Decimal> {
        self.0
            .score_coefficient
            .map(|k| Decimal(k.to_decimal().normalize()))
    }

    /// 得分 as declared.
    async fn declared_score(&self) -> Option<Decimal> {
        self.0.declared_score.map(|w| Decimal(w.to_decimal()))
    }

    /// Achievement computed under the report's scoring profile (see `Report.assessment`).
    async fn achievement(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::assessment::Achievement>> {
        Ok(super::assessment::of_indicator(ctx, self)
            .await?
            .map(|a| a.achievement.into()))
    }

    /// Score computed under the report's scoring profile; null when it cannot be assessed.
    async fn computed_score(&self, ctx: &Context<'_>) -> Result<Option<Decimal>> {
        Ok(super::assessment::of_indicator(ctx, self)
            .await?
            .and_then(|a| a.score)
            .map(Decimal))
    }

    /// Why it was judged so, in Chinese, with the numbers.
    async fn assessment_explanation(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(super::assessment::of_indicator(ctx, self)
            .await?
            .map(|a| a.explanation))
    }

    /// The qualitative band (达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差)
    /// named in the outcome, if any.
    async fn qualitative_outcome(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let Some(actual) = &self.0.actual_text else {
            return Ok(None);
        };
        let reviewed = super::report::reviewed(ctx, self.0.report_id, &self.1).await?;
        Ok(reviewed
            .profile
            .rules
            .band_in(actual)
            .map(|b| b.label.clone()))
    }

    /// 偏差原因分析.
    async fn deviation_reason(&self) -> Option<&str> {
        self.0.deviation_reason.as_deref()
    }

    /// 改进措施.
    async fn improvement_measures(&self) -> Option<&str> {
        self.0.improvement_measures.as_deref()
    }
}

/// A target or outcome.
#[derive(InputObject, Clone)]
pub struct IndicatorValueInput {
    /// The text exactly as filed, e.g. "≥50个" or "完成技工贸收入886.97亿元".
    pub text: String,
    /// Comparator, if known.
    pub comparator: Option<Comparator>,
    /// Number, if known.
    pub value: Option<Decimal>,
    /// Unit, if known.
    pub unit: Option<String>,
}

impl From<IndicatorValueInput> for ValueDoc {
    fn from(v: IndicatorValueInput) -> Self {
        ValueDoc {
            text: v.text,
            comparator: v.comparator.map(Into::into),
            value: v.value.map(|d| d.0),
            unit: v.unit,
        }
    }
}

/// An indicator.
#[derive(InputObject, Clone)]
pub struct IndicatorInput {
    /// 一级指标.
    pub category: IndicatorCategory,
    /// 二级指标.
    pub subcategory: IndicatorSubcategory,
    /// 三级指标 name.
    pub name: Option<String>,
    /// 年度指标值.
    pub target: IndicatorValueInput,
    /// 实际完成值.
    pub actual: Option<IndicatorValueInput>,
    /// 分值.
    pub weight: Option<Decimal>,
    /// 得分 as declared.
    pub declared_score: Option<Decimal>,
    /// 偏差原因分析.
    pub deviation_reason: Option<String>,
    /// 改进措施.
    pub improvement_measures: Option<String>,
    /// 核心指标: whether the form marks it core.
    #[graphql(default)]
    pub core: bool,
    /// 得分系数 as filed (0–10), where the form scores rows as 分值 × 得分系数.
    pub score_coefficient: Option<Decimal>,
}

impl From<IndicatorInput> for IndicatorDoc {
    fn from(i: IndicatorInput) -> Self {
        IndicatorDoc {
            id: None,
            category: i.category.into(),
            subcategory: i.subcategory.into(),
            name: i.name,
            target: i.target.into(),
            actual: i.actual.map(Into::into),
            weight: i.weight.map(|d| d.0),
            declared_score: i.declared_score.map(|d| d.0),
            deviation_reason: i.deviation_reason,
            improvement_measures: i.improvement_measures,
            core: i.core,
            score_coefficient: i.score_coefficient.map(|d| d.0),
        }
    }
}

/// Input of `addIndicator`.
#[derive(InputObject)]
pub struct AddIndicatorInput {
    /// The report.
    pub report_id: ID,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// Position to insert at, from 1 (default: last).
    pub position: Option<i32>,
    /// The indicator.
    pub indicator: IndicatorInput,
}

/// Input of `updateIndicator`: only the fields given change; null clears a field.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// The indicator.
    pub id: ID,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// 一级指标.
    pub category: Option<IndicatorCategory>,
    /// 二级指标.
    pub subcategory: Option<IndicatorSubcategory>,
    /// 三级指标 name.
    pub name: MaybeUndefined<String>,
    /// 年度指标值.
    pub target: Option<IndicatorValueInput>,
    /// 实际完成值.
    pub actual: MaybeUndefined<IndicatorValueInput>,
    /// 分值.
    pub weight: MaybeUndefined<Decimal>,
    /// 得分 as declared.
    pub declared_score: MaybeUndefined<Decimal>,
    /// 偏差原因分析.
    pub deviation_reason: MaybeUndefined<String>,
    /// 改进措施.
    pub improvement_measures: MaybeUndefined<String>,
    /// 核心指标.
    pub core: Option<bool>,
    /// 得分系数.
    pub score_coefficient: MaybeUndefined<Decimal>,
}

/// Input of `recordIndicatorActual`.
#[derive(InputObject)]
pub struct RecordIndicatorActualInput {
    /// The indicator.
    pub id: ID,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// The outcome (实际完成值).
    pub actual: IndicatorValueInput,
}

/// Input of `removeIndicator`.
#[derive(InputObject)]
pub struct RemoveIndicatorInput {
    /// The indicator.
    pub id: ID,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
}

/// Result of an indicator mutation.
#[derive(SimpleObject)]
pub struct IndicatorPayload {
    /// The indicator after the write; null when refused or removed.
    pub indicator: Option<Indicator>,
    /// The report after the write (with its new version); null when refused.
    pub report: Option<Report>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn missing(id: Uuid) -> Vec<FieldError> {
    vec![FieldError::new(
        "id",
        UserErrorCode::NotFound,
        format!("指标 {id} 不存在"),
    )]
}

/// Finds the report of a visible indicator.
async fn report_of(ctx: &Context<'_>, id: Uuid) -> Result<Uuid> {
    query::find_indicator(db(ctx), viewer(ctx), id)
        .await?
        .map(|i| i.report_id)
        .ok_or_else(|| AppError::NotFound(format!("指标 {id} 不存在或您无权查看")).into())
}

/// Edits the indicator `id` of its report through `change`.
async fn edit_indicator(
    ctx: &Context<'_>,
    id: Uuid,
    expected_version: Option<i32>,
    change: impl FnOnce(&mut IndicatorDoc),
) -> Result<IndicatorPayload> {
    let report = report_of(ctx, id).await?;
    let outcome = service::edit(db(ctx), viewer(ctx), report, expected_version, |d| {
        let Some(row) = d.indicators.iter_mut().find(|i| i.id == Some(id)) else {
            return Err(missing(id));
        };
        change(row);
        Ok(())
    })
    .await?;
    payload(ctx, outcome, Some(id)).await
}

async fn payload(
    ctx: &Context<'_>,
    outcome: Outcome<Written>,
    indicator: Option<Uuid>,
) -> Result<IndicatorPayload> {
    match outcome {
        Err(errors) => Ok(IndicatorPayload {
            indicator: None,
            report: None,
            user_errors: user_errors(errors, &[]),
        }),
        Ok(w) => {
            let indicator = match indicator {
                Some(id) => query::find_indicator(db(ctx), viewer(ctx), id)
                    .await?
                    .map(Indicator::live),
                None => None,
            };
            Ok(IndicatorPayload {
                indicator,
                report: Some(Report::written(&w)),
                user_errors: Vec::new(),
            })
        }
    }
}

/// Indicator mutations.
#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Adds an indicator to a report (DRAFT or RETURNED only).
    async fn add_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator.")] input: AddIndicatorInput,
    ) -> Result<IndicatorPayload> {
        let report = ids::decode(Kind::Report, &input.report_id)?;
        let new_id = Uuid::now_v7();
        let mut row: IndicatorDoc = input.indicator.into();
        row.id = Some(new_id);
        let position = input.position;
        let outcome = service::edit(db(ctx), viewer(ctx), report, input.expected_version, |d| {
            let len = d.indicators.len() as i32;
            let at = position.unwrap_or(len + 1);
            if !(1..=len + 1).contains(&at) {
                return Err(vec![FieldError::new(
                    "position",
                    UserErrorCode::OutOfRange,
                    format!("位置必须在 1 到 {} 之间，收到 {at}", len + 1),
                )]);
            }
            d.indicators.insert((at - 1) as usize, row);
            Ok(())
        })
        .await?;
        payload(ctx, outcome, Some(new_id)).await
    }

    /// Changes fields of an indicator (DRAFT or RETURNED only).
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Fields to change.")] input: UpdateIndicatorInput,
    ) -> Result<IndicatorPayload> {
        let id = ids::decode(Kind::Indicator, &input.id)?;
        edit_indicator(ctx, id, input.expected_version, |i| {
            if let Some(v) = input.category {
                i.category = v.into();
            }
            if let Some(v) = input.subcategory {
                i.subcategory = v.into();
            }
            patch(&mut i.name, input.name);
            if let Some(v) = input.target {
                i.target = v.into();
            }
            patch(&mut i.actual, input.actual.map_value(Into::into));
            patch(&mut i.weight, input.weight.map_value(|d| d.0));
            patch(
                &mut i.declared_score,
                input.declared_score.map_value(|d| d.0),
            );
            patch(&mut i.deviation_reason, input.deviation_reason);
            patch(&mut i.improvement_measures, input.improvement_measures);
            if let Some(core) = input.core {
                i.core = core;
            }
            patch(
                &mut i.score_coefficient,
                input.score_coefficient.map_value(|d| d.0),
            );
        })
        .await
    }

    /// Records an indicator's outcome (实际完成值), with a version check (DRAFT or RETURNED only).
    async fn record_indicator_actual(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The outcome.")] input: RecordIndicatorActualInput,
    ) -> Result<IndicatorPayload> {
        let id = ids::decode(Kind::Indicator, &input.id)?;
        let actual = input.actual.into();
        edit_indicator(ctx, id, input.expected_version, |i| i.actual = Some(actual)).await
    }

    /// Removes an indicator (DRAFT or RETURNED only).
    async fn remove_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator.")] input: RemoveIndicatorInput,
    ) -> Result<IndicatorPayload> {
        let id = ids::decode(Kind::Indicator, &input.id)?;
        let report = report_of(ctx, id).await?;
        let outcome = service::edit(db(ctx), viewer(ctx), report, input.expected_version, |d| {
            let before = d.indicators.len();
            d.indicators.retain(|i| i.id != Some(id));
            if d.indicators.len() == before {
                Err(missing(id))
            } else {
                Ok(())
            }
        })
        .await?;
        payload(ctx, outcome, None).await
    }
}

/// Which indicators to list.
#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// Level-1 group.
    pub category: Option<IndicatorCategory>,
    /// Level-2 group.
    pub subcategory: Option<IndicatorSubcategory>,
    /// Fiscal year of the report.
    pub fiscal_year: Option<i32>,
    /// Report (global ID).
    pub report_id: Option<ID>,
    /// Department of the report (global ID).
    pub department_id: Option<ID>,
}

/// Indicator queries.
#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// Indicators across the reports visible to the caller, in the order they were created.
    #[graphql(complexity = "super::limits::cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size forwards (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size backwards (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
        #[graphql(desc = "Which indicators.")] filter: Option<IndicatorFilter>,
    ) -> Result<IndicatorConnection> {
        let f = filter.unwrap_or_default();
        let filter = Filter {
            category: f.category.map(Into::into),
            subcategory: f.subcategory.map(Into::into),
            fiscal_year: f.fiscal_year,
            report_id: f
                .report_id
                .as_ref()
                .map(|id| ids::decode(Kind::Report, id))
                .transpose()?,
            department_id: f
                .department_id
                .as_ref()
                .map(|id| ids::decode(Kind::Department, id))
                .transpose()?,
        };
        let (db, viewer) = (db(ctx), viewer(ctx));
        let page = query::indicator_page(
            db,
            viewer,
            &filter,
            &PageRequest {
                first,
                after,
                last,
                before,
            },
        )
        .await?;
        let viewer = viewer.clone();
        Ok(IndicatorConnection::new(
            page,
            move || query::visible_indicators(&viewer, &filter),
            Indicator::live,
        ))
    }
}

super::connection::connection!(IndicatorConnection, IndicatorEdge, Indicator, "indicators");
