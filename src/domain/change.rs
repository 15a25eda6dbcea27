//! The change-event outbox: every change to a report writes one event in its transaction.

use crate::error::AppError;
use chrono::Utc;
use entity::change_event;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, NotSet};
use uuid::Uuid;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Created.
    Create,
    /// Content changed.
    Update,
    /// Soft-deleted (a tombstone).
    Delete,
    /// Submitted by the preparer.
    Submit,
    /// Approved by the department head.
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

impl Operation {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Submit => "SUBMIT",
            Operation::Approve => "APPROVE",
            Operation::Return => "RETURN",
            Operation::Review => "REVIEW",
            Operation::Publish => "PUBLISH",
            Operation::Sign => "SIGN",
            Operation::Comment => "COMMENT",
            Operation::Resolve => "RESOLVE",
            Operation::Reopen => "REOPEN",
        }
    }
}

/// A change to record.
pub struct Change<'a> {
    /// Entity type, e.g. `Report`.
    pub entity_type: &'a str,
    /// Entity id.
    pub entity_id: Uuid,
    /// Report concerned.
    pub report_id: Option<Uuid>,
    /// Department concerned.
    pub department_id: Option<Uuid>,
    /// What happened.
    pub operation: Operation,
    /// Aggregate version after the change.
    pub version: Option<i32>,
    /// Who did it.
    pub actor: Option<String>,
}

/// Writes the event; call inside the change's transaction.
pub async fn record<C: ConnectionTrait>(db: &C, change: Change<'_>) -> Result<(), AppError> {
    let event = change_event::ActiveModel {
        sequence: NotSet,
        id: Set(Uuid::now_v7()),
        entity_type: Set(change.entity_type.to_owned()),
        entity_id: Set(change.entity_id),
        report_id: Set(change.report_id),
        department_id: Set(change.department_id),
        operation: Set(change.operation.as_str().to_owned()),
        version: Set(change.version),
        actor: Set(change.actor),
        occurred_at: Set(Utc::now()),
    };
    change_event::Entity::insert(event)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A report's history, oldest first.
pub fn of_report(report_id: Uuid) -> sea_orm::Select<change_event::Entity> {
    use sea_orm::{ColumnTrait, QueryFilter};
    change_event::Entity::find().filter(change_event::Column::ReportId.eq(report_id))
}

/// A page of events in feed order.
pub async fn page(
    db: &crate::domain::Db,
    select: sea_orm::Select<change_event::Entity>,
    request: &crate::domain::pagination::PageRequest,
) -> Result<crate::domain::pagination::Page<change_event::Model>, AppError> {
    use crate::domain::pagination::{self, KeyValue, SortKey};
    use sea_orm::sea_query::Expr;
    let keys = [SortKey::<change_event::Model> {
        expr: Expr::col(change_event::Column::Sequence),
        descending: false,
        value: |m| KeyValue::I(m.sequence),
    }];
    pagination::fetch(
        &db.conn,
        select,
        &keys,
        Expr::col((change_event::Entity, change_event::Column::Id)),
        |m| m.id,
        request,
    )
    .await
}
