//! The webhook dispatcher: turns new events into deliveries, and delivers what is due.

use super::Filter;
use crate::domain::Db;
use crate::error::AppError;
use chrono::{Duration, Utc};
use entity::{change_event, webhook, webhook_delivery};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 12;
/// Delivery timeout.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Backoff before attempt `n + 1`: 1 s, 2 s, 4 s … at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds(1i64 << attempts.clamp(0, 12)).min(Duration::hours(1))
}

/// Runs the dispatcher until shutdown.
pub fn spawn(db: Db, background: &crate::domain::background::Background) {
    background.spawn(async move {
        let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "webhook dispatcher cannot start");
                return;
            }
        };
        loop {
            let woken = db.changed();
            if let Err(e) = enqueue(&db).await {
                tracing::warn!(error = ?e, "webhook enqueue failed");
            }
            match deliver_due(&db, &client).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "webhook delivery failed"),
            }
            let _ = tokio::time::timeout(std::time::Duration::from_millis(500), woken).await;
        }
    });
}

/// Creates the deliveries of events after each active webhook's cursor, and moves the cursor,
/// in one transaction per webhook.
pub async fn enqueue(db: &Db) -> Result<usize, AppError> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Active.eq(true))
        .all(&db.conn)
        .await?;
    let mut created = 0;
    for hook in hooks {
        let events = change_event::Entity::find()
            .filter(change_event::Column::Sequence.gt(hook.cursor_sequence))
            .order_by_asc(change_event::Column::Sequence)
            .limit(500)
            .all(&db.conn)
            .await?;
        let Some(last) = events.last().map(|e| e.sequence) else {
            continue;
        };
        // A filter that does not read (written by a newer release, or edited by hand) delivers
        // nothing rather than everything.
        let filter: Filter = match serde_json::from_value(hook.filter.clone()) {
            Ok(filter) => filter,
            Err(e) => {
                tracing::error!(webhook = %hook.id, error = %e, "webhook filter unreadable; no deliveries");
                continue;
            }
        };
        let now = Utc::now();
        let rows: Vec<webhook_delivery::ActiveModel> = events
            .iter()
            .filter(|e| filter.matches(e))
            .map(|e| webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                webhook_id: Set(hook.id),
                event_id: Set(e.id),
                event_sequence: Set(e.sequence),
                status: Set("PENDING".into()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                last_status_code: Set(None),
                last_error: Set(None),
                created_at: Set(now),
                delivered_at: Set(None),
            })
            .collect();
        let txn = db.begin_write().await?;
        let moved = webhook::Entity::update_many()
            .col_expr(
                webhook::Column::CursorSequence,
                sea_orm::sea_query::Expr::value(last),
            )
            .filter(webhook::Column::Id.eq(hook.id))
            .filter(webhook::Column::CursorSequence.eq(hook.cursor_sequence))
            .exec(&txn.txn)
            .await?;
        if moved.rows_affected == 1 && !rows.is_empty() {
            created += rows.len();
            webhook_delivery::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        webhook_delivery::Column::WebhookId,
                        webhook_delivery::Column::EventId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn.txn)
                .await?;
        }
        txn.commit().await?;
    }
    Ok(created)
}

/// Delivers up to 20 due deliveries; returns how many were attempted.
pub async fn deliver_due(db: &Db, client: &reqwest::Client) -> Result<usize, AppError> {
    let now = Utc::now();
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq("PENDING"))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::EventSequence)
        .limit(20)
        .all(&db.conn)
        .await?;
    let mut attempted = 0;
    for d in due {
        // Lease it: another instance that read it too finds next_attempt_at moved and skips it.
        // Every write here goes through a write transaction, so on SQLite it queues at the
        // write gate with the requests' writes instead of failing with "database is locked".
        let txn = db.begin_write().await?;
        let lease = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(now + Duration::seconds(60)),
            )
            .filter(webhook_delivery::Column::Id.eq(d.id))
            .filter(webhook_delivery::Column::NextAttemptAt.eq(d.next_attempt_at))
            .exec(&txn.txn)
            .await?;
        if lease.rows_affected != 1 {
            continue;
        }
        txn.commit().await?;
        attempted += 1;
        let (Some(hook), Some(event)) = (
            webhook::Entity::find_by_id(d.webhook_id)
                .one(&db.conn)
                .await?,
            change_event::Entity::find()
                .filter(change_event::Column::Id.eq(d.event_id))
                .one(&db.conn)
                .await?,
        ) else {
            continue;
        };
        let external_id = match event.report_id {
            Some(r) => entity::report::Entity::find_by_id(r)
                .one(&db.conn)
                .await?
                .and_then(|r| r.external_id),
            None => None,
        };
        let body = serde_json::to_vec(&body(&event, external_id)).map_err(AppError::internal)?;
        let timestamp = Utc::now().timestamp();
        let result = client
            .post(&hook.url)
            .header("content-type", "application/json")
            .header("x-jixiao-event-id", event.id.to_string())
            .header("x-jixiao-timestamp", timestamp.to_string())
            .header(
                "x-jixiao-signature",
                super::signature(&hook.secret, timestamp, event.id, &body),
            )
            .body(body)
            .send()
            .await;
        let attempts = d.attempts + 1;
        let (status, code, error) = match result {
            Ok(r) if r.status().is_success() => {
                ("DELIVERED", Some(i32::from(r.status().as_u16())), None)
            }
            Ok(r) => (
                "PENDING",
                Some(i32::from(r.status().as_u16())),
                Some(format!("HTTP {}", r.status())),
            ),
            Err(e) => ("PENDING", None, Some(e.to_string())),
        };
        if status == "DELIVERED" {
            crate::metrics::get().event_delivered("webhook");
        }
        let status = if status == "PENDING" && attempts >= super::dispatch::MAX_ATTEMPTS {
            "FAILED"
        } else {
            status
        };
        let mut am: webhook_delivery::ActiveModel = d.clone().into();
        am.status = Set(status.into());
        am.attempts = Set(attempts);
        am.last_status_code = Set(code);
        am.last_error = Set(error);
        am.next_attempt_at = Set(Utc::now() + backoff(attempts - 1));
        am.delivered_at = Set((status == "DELIVERED").then(Utc::now));
        let txn = db.begin_write().await?;
        webhook_delivery::Entity::update(am).exec(&txn.txn).await?;
        txn.commit().await?;
    }
    Ok(attempted)
}

/// A delivery's body: the event as the feed gives it, with global IDs the API takes, the
/// report's external ID and the event's feed cursor; raw UUIDs keep their old names.
fn body(event: &change_event::Model, external_id: Option<String>) -> serde_json::Value {
    use crate::domain::global_id;
    serde_json::json!({
        "id": event.id,
        "cursor": crate::domain::change::cursor_of(event),
        "sequence": event.sequence,
        "entityType": event.entity_type,
        "entityId": event.entity_id,
        "entityGlobalId": global_id::of_entity(&event.entity_type, event.entity_id),
        "reportId": event.report_id,
        "reportGlobalId": event.report_id.map(|r| global_id::encode("Report", r)),
        "externalId": external_id,
        "departmentId": event.department_id,
        "departmentGlobalId": event.department_id.map(|d| global_id::encode("Department", d)),
        "operation": event.operation,
        "version": event.version,
        "actor": event.actor,
        "occurredAt": event
            .occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })
}
