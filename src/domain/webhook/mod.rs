//! Webhooks for systems that cannot hold a socket: an ADMIN registers a URL with an event filter
//! and a secret; every matching change event becomes a persisted delivery, POSTed as JSON with an
//! HMAC-SHA256 signature and retried with exponential backoff until it is accepted.
//!
//! Deliveries are rows, created from each webhook's own cursor over the change-event table, so a
//! restart loses none: the dispatcher picks up where the table says.
//!
//! Signature: header `X-Jixiao-Signature: sha256=<hex>` over `<timestamp>.<event id>.<body>`, with
//! `X-Jixiao-Event-Id` and `X-Jixiao-Timestamp` (Unix seconds) beside it.

pub mod dispatch;

use crate::domain::change::Operation;
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{change_event, webhook, webhook_delivery};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Which events a webhook receives: the feed's own filter.
pub use crate::domain::change::EventFilter as Filter;

/// A webhook to register.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Target URL (http or https).
    pub url: String,
    /// Shared secret for the signature (at least 16 characters).
    pub secret: String,
    /// Event filter.
    pub entity_types: Vec<String>,
    /// Operations.
    pub operations: Vec<Operation>,
    /// Department codes.
    pub department_codes: Vec<String>,
}

fn ensure_admin(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("需要登录".into()));
    }
    if !viewer.has_role(Role::Admin) {
        return Err(AppError::Forbidden("只有 ADMIN 可以管理 Webhook".into()));
    }
    Ok(())
}

/// Registers a webhook; it receives events committed from now on.
pub async fn register(
    db: &Db,
    viewer: &Viewer,
    new: NewWebhook,
) -> Result<Outcome<webhook::Model>, AppError> {
    ensure_admin(viewer)?;
    let mut errors = Vec::new();
    let url_ok = (new.url.starts_with("https://") || new.url.starts_with("http://"))
        && new.url.len() <= 2000
        && !new.url.contains(char::is_whitespace);
    if !url_ok {
        errors.push(FieldError::new(
            "url",
            UserErrorCode::Invalid,
            "URL 须以 http:// 或 https:// 开头，且不含空白",
        ));
    }
    if new.secret.chars().count() < 16 || new.secret.chars().count() > 200 {
        errors.push(FieldError::new(
            "secret",
            UserErrorCode::Invalid,
            "签名密钥须为 16 到 200 个字符",
        ));
    }
    let mut department_ids = Vec::new();
    for code in &new.department_codes {
        match crate::domain::department::by_code(db, code).await? {
            Some(d) => department_ids.push(d.id),
            None => errors.push(FieldError::new(
                "departmentCodes",
                UserErrorCode::NotFound,
                format!("部门编码 {code} 不存在"),
            )),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let filter = Filter {
        entity_types: new.entity_types,
        operations: new.operations,
        department_ids,
        report_id: None,
    };
    let cursor: i64 = change_event::Entity::find()
        .select_only()
        .column_as(change_event::Column::Sequence.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(&db.conn)
        .await?
        .flatten()
        .unwrap_or(0);
    let now = Utc::now();
    let row = webhook::Model {
        id: Uuid::now_v7(),
        url: new.url,
        secret: new.secret,
        filter: serde_json::to_value(&filter).map_err(AppError::internal)?,
        active: true,
        cursor_sequence: cursor,
        created_by: viewer.actor().unwrap_or_default(),
        created_at: now,
        updated_at: now,
    };
    let txn = db.begin_write().await?;
    webhook::Entity::insert(sea_orm::ActiveModelTrait::reset_all(
        webhook::ActiveModel::from(row.clone()),
    ))
    .exec_without_returning(&txn.txn)
    .await?;
    txn.commit().await?;
    Ok(Ok(row))
}

/// Turns a webhook's deliveries on or off.
pub async fn set_active(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    active: bool,
) -> Result<Option<webhook::Model>, AppError> {
    ensure_admin(viewer)?;
    let Some(row) = webhook::Entity::find_by_id(id).one(&db.conn).await? else {
        return Ok(None);
    };
    let mut am: webhook::ActiveModel = row.into();
    am.active = Set(active);
    am.updated_at = Set(Utc::now());
    let txn = db.begin_write().await?;
    let updated = sea_orm::ActiveModelTrait::update(am, &txn.txn).await?;
    txn.commit().await?;
    Ok(Some(updated))
}

/// Every webhook (ADMIN).
pub async fn list(db: &Db, viewer: &Viewer) -> Result<Vec<webhook::Model>, AppError> {
    ensure_admin(viewer)?;
    Ok(webhook::Entity::find()
        .order_by_asc(webhook::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// A webhook's deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    webhook: Uuid,
    status: Option<&str>,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, AppError> {
    let mut q =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(webhook));
    if let Some(s) = status {
        q = q.filter(webhook_delivery::Column::Status.eq(s));
    }
    Ok(q.order_by_desc(webhook_delivery::Column::EventSequence)
        .limit(limit)
        .all(&db.conn)
        .await?)
}

/// The signature header value for a delivery.
pub fn signature(secret: &str, timestamp: i64, event_id: Uuid, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(format!("{timestamp}.{event_id}.").as_bytes());
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    format!(
        "sha256={}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}
