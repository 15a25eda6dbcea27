//! The finance bureau's re-check score (复核分): what `recordRecheck` writes and
//! `Report.recheck` shows (rules in [`crate::domain::workflow::recheck`]).

use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::report::{Report, ReportPayload};
use super::scalars::{DateTime, Decimal};
use super::{db, viewer};
use crate::domain::workflow::recheck::{self, RecheckInput};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::indicator;

/// The finance bureau's re-check of a report (复核分), recorded by FINANCE_REVIEWER during
/// review; shown beside the declared scores (`Report.declaredScore`, `Indicator.declaredScore`)
/// and the computed ones (`Report.assessment`).
#[derive(SimpleObject)]
pub struct Recheck {
    /// 复核总分, when the bureau gave one.
    pub total: Option<Decimal>,
    /// 复核得分 per indicator row, in the report's indicator order.
    pub rows: Vec<RecheckRow>,
    /// Identity-provider subject of the reviewer who recorded it.
    pub reviewer_subject: String,
    /// Name of the reviewer who recorded it.
    pub reviewer_name: String,
    /// When it was recorded.
    pub recorded_at: DateTime,
}

/// One indicator row's re-check score.
#[derive(SimpleObject)]
pub struct RecheckRow {
    /// The indicator (null if it has since been removed from the report).
    pub indicator: Option<Indicator>,
    /// Its declared score (得分 as filed).
    pub declared_score: Option<Decimal>,
    /// 复核得分.
    pub score: Decimal,
}

/// The re-check shown on `report`, with each row's indicator.
pub async fn of_report(ctx: &Context<'_>, report: &Report) -> Result<Option<Recheck>> {
    let Some(stored) = recheck::Recheck::stored(report.0.recheck.as_ref()) else {
        return Ok(None);
    };
    let rows = report.rows::<indicator::Entity>(ctx).await?;
    Ok(Some(Recheck {
        total: stored.total.map(Decimal),
        rows: stored
            .rows
            .iter()
            .map(|r| {
                let row = rows.iter().find(|i| i.id == r.indicator_id);
                RecheckRow {
                    declared_score: row
                        .and_then(|i| i.declared_score)
                        .map(|s| Decimal(s.to_decimal())),
                    indicator: row.map(|i| Indicator(i.clone(), report.1.clone())),
                    score: Decimal(r.score),
                }
            })
            .collect(),
        reviewer_subject: stored.subject,
        reviewer_name: stored.name,
        recorded_at: DateTime(stored.recorded_at),
    }))
}

/// One row of `recordRecheck`.
#[derive(InputObject)]
pub struct RecheckRowInput {
    /// The indicator, one of the report's.
    pub indicator_id: ID,
    /// 复核得分: from 0 to the row's 分值 (to 100 where it has none), at most two decimals.
    pub score: Decimal,
}

/// Input of `recordRecheck`.
#[derive(InputObject)]
pub struct RecordRecheckInput {
    /// The report.
    pub report_id: ID,
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// 复核总分 (0–100, at most two decimals).
    pub total: Option<Decimal>,
    /// 复核得分 per indicator row (each indicator at most once; rows not listed are not
    /// re-checked).
    #[graphql(default)]
    pub rows: Vec<RecheckRowInput>,
}

/// The re-check mutation.
#[derive(Default)]
pub struct RecheckMutation;

#[Object]
impl RecheckMutation {
    /// Records the finance bureau's re-check score (复核分) per indicator row and in total
    /// (FINANCE_REVIEWER of the report's department, or ADMIN; DEPARTMENT_APPROVED, that is
    /// during review, before `reviewReport`). Replaces an earlier record whole. It is not part of
    /// the content digest and changes no signature; it bumps the version and writes a RECHECK
    /// change event. Refused with a userError for a foreign or repeated indicator (NOT_FOUND,
    /// DUPLICATE), a score outside 0–分值 or a total outside 0–100 (OUT_OF_RANGE), more than two
    /// decimals (INVALID_DECIMAL), neither total nor rows (REQUIRED), or another state
    /// (INVALID_STATE).
    async fn record_recheck(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The re-check.")] input: RecordRecheckInput,
    ) -> Result<ReportPayload> {
        let id = ids::decode(Kind::Report, &input.report_id)?;
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
        let mut rows = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            rows.push((
                ids::decode(Kind::Indicator, &row.indicator_id)?,
                row.score.0,
            ));
        }
        let args = RecheckInput {
            expected_version: input.expected_version,
            total: input.total.map(|t| t.0),
            rows,
        };
        let outcome = recheck::record(db(ctx), viewer(ctx), call.as_ref(), id, args).await?;
        Ok(ReportPayload::from_outcome(outcome, &[]))
    }
}
