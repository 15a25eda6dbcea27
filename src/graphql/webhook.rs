//! Webhooks (ADMIN): registration, state, and their deliveries.

use super::history::ChangeOperation;
use super::payload::{UserError, user_errors};
use super::scalars::DateTime;
use super::{db, viewer};
use crate::domain::webhook::{self, Filter, NewWebhook};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use entity::{webhook as row, webhook_delivery};

/// A registered webhook.
pub struct Webhook(pub row::Model);

/// One delivery of one event to a webhook.
#[derive(SimpleObject)]
pub struct WebhookDelivery {
    /// Delivery ID (UUID).
    pub id: String,
    /// Event ID (UUID), also sent in `X-Jixiao-Event-Id`.
    pub event_id: String,
    /// Event sequence in the feed.
    pub event_sequence: i64,
    /// PENDING, DELIVERED or FAILED (gave up after 12 attempts).
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// When the next attempt is due (backoff 1 s, 2 s, 4 s … at most an hour).
    pub next_attempt_at: DateTime,
    /// HTTP status of the last attempt.
    pub last_status_code: Option<i32>,
    /// Error of the last attempt.
    pub last_error: Option<String>,
    /// When it was accepted.
    pub delivered_at: Option<DateTime>,
}

impl From<webhook_delivery::Model> for WebhookDelivery {
    fn from(d: webhook_delivery::Model) -> Self {
        WebhookDelivery {
            id: d.id.to_string(),
            event_id: d.event_id.to_string(),
            event_sequence: d.event_sequence,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: DateTime(d.next_attempt_at),
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(DateTime),
        }
    }
}

/// A registered webhook: where change events are POSTed, signed with HMAC-SHA256.
#[Object]
impl Webhook {
    /// Webhook ID (UUID).
    async fn id(&self) -> String {
        self.0.id.to_string()
    }

    /// Target URL.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// Whether deliveries are made.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Entity types it receives (empty: all).
    async fn entity_types(&self) -> Vec<String> {
        serde_json::from_value::<Filter>(self.0.filter.clone())
            .unwrap_or_default()
            .entity_types
    }

    /// Operations it receives (empty: all).
    async fn operations(&self) -> Vec<String> {
        serde_json::from_value::<Filter>(self.0.filter.clone())
            .unwrap_or_default()
            .operations
            .into_iter()
            .map(|o| o.as_str().to_owned())
            .collect()
    }

    /// Last event sequence turned into deliveries.
    async fn cursor_sequence(&self) -> i64 {
        self.0.cursor_sequence
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// Its deliveries, newest first.
    #[graphql(complexity = "super::limits::cost(first, None, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only deliveries in this status (PENDING, DELIVERED, FAILED).")]
        status: Option<String>,
        #[graphql(desc = "At most this many (at most 100; default 20).")] first: Option<i32>,
    ) -> Result<Vec<WebhookDelivery>> {
        let limit = first.unwrap_or(20).clamp(0, 100) as u64;
        Ok(
            webhook::deliveries(db(ctx), self.0.id, status.as_deref(), limit)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
}

/// Which events a webhook receives.
#[derive(InputObject, Default)]
pub struct WebhookFilterInput {
    /// Entity types: Report, Signature, ReviewComment (empty: all).
    #[graphql(default)]
    pub entity_types: Vec<String>,
    /// Operations (empty: all).
    #[graphql(default)]
    pub operations: Vec<ChangeOperation>,
    /// Department codes (empty: all).
    #[graphql(default)]
    pub department_codes: Vec<String>,
}

/// Input of `registerWebhook`.
#[derive(InputObject)]
pub struct RegisterWebhookInput {
    /// Where to POST the events (http:// or https://).
    pub url: String,
    /// Shared secret for the `X-Jixiao-Signature` HMAC (16–200 characters).
    pub secret: String,
    /// Which events (default: all).
    pub filter: Option<WebhookFilterInput>,
}

/// Input of `setWebhookActive`.
#[derive(InputObject)]
pub struct SetWebhookActiveInput {
    /// Webhook ID.
    pub id: String,
    /// Whether to deliver.
    pub active: bool,
}

/// Result of a webhook mutation.
#[derive(SimpleObject)]
pub struct WebhookPayload {
    /// The webhook after the write; null when refused.
    pub webhook: Option<Webhook>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Webhook queries.
#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Every webhook (ADMIN).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<Webhook>> {
        Ok(webhook::list(db(ctx), viewer(ctx))
            .await?
            .into_iter()
            .map(Webhook)
            .collect())
    }
}

/// Webhook mutations.
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers a webhook (ADMIN); it receives the events committed from now on.
    async fn register_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook.")] input: RegisterWebhookInput,
    ) -> Result<WebhookPayload> {
        let f = input.filter.unwrap_or_default();
        let new = NewWebhook {
            url: input.url,
            secret: input.secret,
            entity_types: f.entity_types,
            operations: f.operations.into_iter().map(Into::into).collect(),
            department_codes: f.department_codes,
        };
        Ok(match webhook::register(db(ctx), viewer(ctx), new).await? {
            Ok(w) => WebhookPayload {
                webhook: Some(Webhook(w)),
                user_errors: Vec::new(),
            },
            Err(e) => WebhookPayload {
                webhook: None,
                user_errors: user_errors(e, &[]),
            },
        })
    }

    /// Turns a webhook's deliveries on or off (ADMIN).
    async fn set_webhook_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change.")] input: SetWebhookActiveInput,
    ) -> Result<WebhookPayload> {
        let id = uuid::Uuid::parse_str(&input.id).map_err(|_| {
            crate::error::AppError::BadUserInput(format!("“{}”不是 Webhook 编号", input.id))
        })?;
        match webhook::set_active(db(ctx), viewer(ctx), id, input.active).await? {
            Some(w) => Ok(WebhookPayload {
                webhook: Some(Webhook(w)),
                user_errors: Vec::new(),
            }),
            None => Err(crate::error::AppError::NotFound(format!("Webhook {id} 不存在")).into()),
        }
    }
}
