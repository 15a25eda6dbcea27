//! 复核分: the finance bureau's re-check score, per indicator row and in total.
//!
//! The bureau re-scores a report while reviewing it: FINANCE_REVIEWER of the report's department
//! (or ADMIN) records it while the report is DEPARTMENT_APPROVED, before `reviewReport`; after the
//! review it is fixed with the rest of the report. It is the bureau's, not the filer's, so it lives
//! beside the content (column `report.recheck`), outside the content digest that the filer's
//! signatures bind; recording it bumps the report's version and writes a RECHECK change event.
//! A new record replaces the previous one whole; a report returned and approved again may be
//! re-checked again.

use super::refuse;
use crate::domain::change::Operation;
use crate::domain::idempotency::{self, Call};
use crate::domain::report::aggregate::{self, OpenReport};
use crate::domain::report::document::Checker;
use crate::domain::report::service::{self, WriteKind, Written};
use crate::domain::report::snapshot::Keep;
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use entity::{Hundredths, ReportStatus, indicator};
use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The recorded re-check, as stored in `report.recheck`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recheck {
    /// 复核总分, when the bureau gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Decimal>,
    /// 复核得分 per indicator row, in the report's indicator order.
    #[serde(default)]
    pub rows: Vec<RecheckRow>,
    /// Identity-provider subject of the reviewer who recorded it.
    pub subject: String,
    /// The reviewer's name.
    pub name: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One indicator row's re-check score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecheckRow {
    /// The indicator.
    pub indicator_id: Uuid,
    /// 复核得分.
    pub score: Decimal,
}

impl Recheck {
    /// Reads the stored column; a value that does not read is treated as absent (it is only
    /// ever written by [`record`]).
    pub fn stored(value: Option<&serde_json::Value>) -> Option<Recheck> {
        value.and_then(|v| Recheck::deserialize(v).ok())
    }

    /// The row score of `indicator`, if re-checked.
    pub fn of(&self, indicator: Uuid) -> Option<Decimal> {
        self.rows
            .iter()
            .find(|r| r.indicator_id == indicator)
            .map(|r| r.score)
    }
}

/// What the reviewer records.
#[derive(Debug, Clone, Default)]
pub struct RecheckInput {
    /// If given, refused with STALE_VERSION unless the report has this version.
    pub expected_version: Option<i32>,
    /// 复核总分 (0–100).
    pub total: Option<Decimal>,
    /// Per-row scores: indicator and score (0 to the row's 分值, or to 100 without one).
    pub rows: Vec<(Uuid, Decimal)>,
}

/// The most rows one record may carry (a report holds at most this many indicators).
pub const MAX_ROWS: usize = crate::domain::report::document::max_rows::INDICATORS;

const ROLES: &[Role] = &[Role::FinanceReviewer];

fn may_record(viewer: &Viewer, code: &str) -> Result<(), AppError> {
    crate::domain::report::policy::ensure_role_in(viewer, ROLES, code, "记录财政复核分")
}

/// Records the re-check, under the call's idempotency key if it has one.
pub async fn record(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    id: Uuid,
    input: RecheckInput,
) -> Result<Outcome<Written>, AppError> {
    idempotency::run(
        db,
        viewer,
        call,
        |w| async move {
            let (_, code) = aggregate::visible(db, viewer, id).await?;
            may_record(viewer, &code).map(|()| w)
        },
        |claim| async move { record_with(db, viewer, id, input, Keep::key(claim.as_ref())).await },
    )
    .await
}

async fn record_with(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    input: RecheckInput,
    keep: Keep<'_>,
) -> Result<Outcome<Written>, AppError> {
    if input.rows.len() > MAX_ROWS {
        return refuse(
            "rows",
            UserErrorCode::TooLong,
            format!("复核得分最多 {MAX_ROWS} 行，收到 {} 行", input.rows.len()),
        );
    }
    let open = aggregate::open(db, viewer, id).await?;
    may_record(viewer, &open.department_code)?;
    if let Some(e) = aggregate::stale(&open.row, input.expected_version) {
        return Ok(Err(vec![e]));
    }
    if open.row.status != ReportStatus::DepartmentApproved {
        return refuse(
            "",
            UserErrorCode::InvalidState,
            format!(
                "报告当前状态为 {}，只有 DEPARTMENT_APPROVED 状态（财政复核前）的报告可以记录复核分",
                open.row.status.as_str()
            ),
        );
    }
    let recheck = match checked(&open, viewer, input).await? {
        Ok(r) => r,
        Err(errors) => return Ok(Err(errors)),
    };
    let value = serde_json::to_value(&recheck)
        .map_err(|e| AppError::internal(format!("re-check does not serialize: {e}")))?;
    let entity = ("Report", open.row.id);
    if let Err(e) = aggregate::bump(&open, viewer, entity, Operation::Recheck, |row| {
        row.recheck = Set(Some(value))
    })
    .await?
    {
        return Ok(Err(vec![e]));
    }
    service::finish(db, open.txn, keep, id, WriteKind::Updated).await
}

/// Checks the input against the report's indicators: every row names one of them once, and
/// every score is exact to 0.01 and within its range.
async fn checked(
    open: &OpenReport,
    viewer: &Viewer,
    input: RecheckInput,
) -> Result<Result<Recheck, Vec<FieldError>>, AppError> {
    let indicators: HashMap<Uuid, (i32, Option<Hundredths>)> = indicator::Entity::find()
        .filter(indicator::Column::ReportId.eq(open.row.id))
        .all(&open.txn.txn)
        .await?
        .into_iter()
        .map(|i| (i.id, (i.ordinal, i.weight)))
        .collect();
    let mut check = Checker::default();
    if input.total.is_none() && input.rows.is_empty() {
        check.push(
            "total",
            UserErrorCode::Required,
            "请填写复核总分或至少一行指标的复核得分".into(),
        );
    }
    let mut total = input.total;
    check.score("total", "复核总分", &mut total);
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(input.rows.len());
    for (i, (indicator_id, score)) in input.rows.into_iter().enumerate() {
        let path = format!("rows.{i}");
        let Some((_, weight)) = indicators.get(&indicator_id) else {
            check.push(
                &format!("{path}.indicatorId"),
                UserErrorCode::NotFound,
                "该指标不属于这份报告".into(),
            );
            continue;
        };
        if !seen.insert(indicator_id) {
            check.push(
                &format!("{path}.indicatorId"),
                UserErrorCode::Duplicate,
                "同一指标的复核得分只能填写一次".into(),
            );
            continue;
        }
        let mut value = Some(score);
        if !check.hundredths(&format!("{path}.score"), "复核得分", &mut value) {
            continue;
        }
        let score = value.unwrap_or(score);
        let max = weight.map_or(Decimal::ONE_HUNDRED, Hundredths::to_decimal);
        if score < Decimal::ZERO || score > max {
            check.push(
                &format!("{path}.score"),
                UserErrorCode::OutOfRange,
                format!("复核得分必须在 0 到该指标分值 {max} 之间，收到 {score}"),
            );
            continue;
        }
        rows.push(RecheckRow {
            indicator_id,
            score,
        });
    }
    if !check.errors.is_empty() {
        return Ok(Err(check.errors));
    }
    rows.sort_by_key(|r| indicators.get(&r.indicator_id).map(|(ordinal, _)| *ordinal));
    let subject = viewer.actor().unwrap_or_default();
    Ok(Ok(Recheck {
        total,
        rows,
        name: viewer.name.clone().unwrap_or_else(|| subject.clone()),
        subject,
        recorded_at: Utc::now(),
    }))
}
