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
    /// The finance bureau recorded its re-check score (复核分).
    Recheck,
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
            Operation::Recheck => "RECHECK",
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

/// PostgreSQL channel notified when events commit (the payload is empty: listeners read the
/// table from their own cursor).
pub const CHANNEL: &str = "jixiao_changes";

/// Writes the event; call inside the change's transaction.
///
/// Sequence numbers must become visible in order, or a feed reader could store a cursor past an
/// event that commits later. SQLite has one writer at a time; on PostgreSQL every transaction
/// that writes an event takes the same transaction-scoped advisory lock first, so events commit
/// in sequence order. The lock is held only from the event to the commit.
pub async fn record<C: ConnectionTrait>(db: &C, change: Change<'_>) -> Result<(), AppError> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("SELECT pg_advisory_xact_lock(7411730)")
            .await?;
        db.execute_unprepared(&format!("SELECT pg_notify('{CHANNEL}', '')"))
            .await?;
    }
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

/// The cursor before the feed's first event (sequence numbers start at 1): what `changes`
/// answers as `endCursor` when a caller without a cursor finds no events yet.
pub fn start_cursor() -> String {
    use crate::domain::pagination::{self, KeyValue};
    pagination::cursor(vec![KeyValue::I(0)], Uuid::nil())
}

/// `select`'s events up to and including sequence `last` (a report's history as it was then).
pub fn until(
    select: sea_orm::Select<change_event::Entity>,
    last: i64,
) -> sea_orm::Select<change_event::Entity> {
    use sea_orm::{ColumnTrait, QueryFilter};
    select.filter(change_event::Column::Sequence.lte(last))
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
        kind: pagination::KeyKind::Integer,
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

/// Which events of the feed.
#[derive(Debug, Clone, Default)]
pub struct FeedFilter {
    /// Entity types (Report, Signature, ReviewComment).
    pub entity_types: Vec<String>,
    /// Operations.
    pub operations: Vec<Operation>,
    /// Department.
    pub department_id: Option<Uuid>,
    /// Report.
    pub report_id: Option<Uuid>,
}

/// Events the viewer may read (those of departments in scope; none for anonymous callers),
/// tombstones of deleted reports included.
pub fn feed(
    viewer: &crate::domain::Viewer,
    filter: &FeedFilter,
) -> sea_orm::Select<change_event::Entity> {
    use sea_orm::sea_query::Query;
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut select = change_event::Entity::find();
    if viewer.is_anonymous() {
        select = select.filter(change_event::Column::Sequence.lt(0));
    } else if !viewer.all_departments() {
        select = select.filter(
            change_event::Column::DepartmentId.in_subquery(
                Query::select()
                    .column(entity::department::Column::Id)
                    .from(entity::department::Entity)
                    .and_where(entity::department::Column::Code.is_in(viewer.departments.clone()))
                    .to_owned(),
            ),
        );
    }
    if !filter.entity_types.is_empty() {
        select = select.filter(change_event::Column::EntityType.is_in(filter.entity_types.clone()));
    }
    if !filter.operations.is_empty() {
        select = select.filter(
            change_event::Column::Operation.is_in(filter.operations.iter().map(|o| o.as_str())),
        );
    }
    if let Some(d) = filter.department_id {
        select = select.filter(change_event::Column::DepartmentId.eq(d));
    }
    if let Some(r) = filter.report_id {
        select = select.filter(change_event::Column::ReportId.eq(r));
    }
    select
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 13] = [
        Operation::Create,
        Operation::Update,
        Operation::Delete,
        Operation::Submit,
        Operation::Approve,
        Operation::Return,
        Operation::Review,
        Operation::Publish,
        Operation::Sign,
        Operation::Comment,
        Operation::Resolve,
        Operation::Reopen,
        Operation::Recheck,
    ];

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

/// The feed cursor of an event (the same as its edge cursor).
pub fn cursor_of(e: &change_event::Model) -> String {
    crate::domain::pagination::cursor(
        vec![crate::domain::pagination::KeyValue::I(e.sequence)],
        e.id,
    )
}
