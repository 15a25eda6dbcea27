//! Change events: a report's history (and, later, the sync feed).

use super::scalars::DateTime;
use async_graphql::{Enum, SimpleObject};
use entity::change_event;

/// What a change did.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ChangeOperation {
    /// Created.
    Create,
    /// Content changed.
    Update,
    /// Soft-deleted (a tombstone).
    Delete,
    /// Submitted.
    Submit,
    /// Approved by the department.
    Approve,
    /// Returned for changes.
    Return,
    /// Reviewed by the finance bureau.
    Review,
    /// Published.
    Publish,
    /// Signed.
    Sign,
    /// A review comment was written.
    Comment,
    /// A review comment was resolved.
    Resolve,
    /// A review comment was reopened.
    Reopen,
}

impl ChangeOperation {
    fn parse(s: &str) -> ChangeOperation {
        use ChangeOperation::*;
        match s {
            "CREATE" => Create,
            "DELETE" => Delete,
            "SUBMIT" => Submit,
            "APPROVE" => Approve,
            "RETURN" => Return,
            "REVIEW" => Review,
            "PUBLISH" => Publish,
            "SIGN" => Sign,
            "COMMENT" => Comment,
            "RESOLVE" => Resolve,
            "REOPEN" => Reopen,
            _ => Update,
        }
    }
}

/// One change to a report, written in the same transaction as the change.
#[derive(SimpleObject, Clone)]
pub struct ChangeEvent {
    /// Position in the feed; strictly increasing.
    pub sequence: i64,
    /// Type of the entity changed: Report, Signature or ReviewComment.
    pub entity_type: String,
    /// ID (UUID) of the entity changed.
    pub entity_id: String,
    /// ID (UUID) of the report concerned.
    pub report_id: Option<String>,
    /// What happened.
    pub operation: ChangeOperation,
    /// The report's version after the change.
    pub version: Option<i32>,
    /// Subject who made the change.
    pub actor: Option<String>,
    /// When.
    pub occurred_at: DateTime,
}

impl From<change_event::Model> for ChangeEvent {
    fn from(e: change_event::Model) -> Self {
        ChangeEvent {
            sequence: e.sequence,
            entity_type: e.entity_type,
            entity_id: e.entity_id.to_string(),
            report_id: e.report_id.map(|r| r.to_string()),
            operation: ChangeOperation::parse(&e.operation),
            version: e.version,
            actor: e.actor,
            occurred_at: DateTime(e.occurred_at),
        }
    }
}

super::connection::connection!(ChangeConnection, ChangeEdge, ChangeEvent, "change events");
