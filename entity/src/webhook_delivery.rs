//! A queued delivery of one event to one webhook.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A delivery row: PENDING until delivered (DELIVERED) or given up (FAILED).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_delivery")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Webhook.
        pub webhook_id: Uuid,
        /// Event id.
        pub event_id: Uuid,
        /// Event sequence.
        pub event_sequence: i64,
        /// PENDING, DELIVERED or FAILED.
        pub status: String,
        /// Attempts made.
        pub attempts: i32,
        /// When to try next.
        pub next_attempt_at: DateTimeUtc,
        /// HTTP status of the last attempt.
        pub last_status_code: Option<i32>,
        /// Error of the last attempt.
        #[sea_orm(column_type = "Text", nullable)]
        pub last_error: Option<String>,
        /// Queued.
        pub created_at: DateTimeUtc,
        /// Delivered.
        pub delivered_at: Option<DateTimeUtc>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
