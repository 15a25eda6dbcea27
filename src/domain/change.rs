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
    /// Evidence (佐证材料) was attached.
    Attach,
    /// Evidence was detached.
    Detach,
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
            Operation::Attach => "ATTACH",
            Operation::Detach => "DETACH",
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

/// Which events: the one filter of the feed, the subscription and webhooks (empty lists and
/// absent values: all). Stored with a webhook as JSON (`entityTypes`, `operations` by their
/// stored names, `departmentIds`, `reportId`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventFilter {
    /// Entity types (Report, Signature, ReviewComment).
    pub entity_types: Vec<String>,
    /// Operations.
    pub operations: Vec<Operation>,
    /// Departments.
    pub department_ids: Vec<Uuid>,
    /// Report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<Uuid>,
}

impl EventFilter {
    /// Whether an event matches (for events in hand: the subscription, webhook deliveries).
    pub fn matches(&self, e: &change_event::Model) -> bool {
        (self.entity_types.is_empty() || self.entity_types.contains(&e.entity_type))
            && (self.operations.is_empty()
                || self.operations.iter().any(|o| o.as_str() == e.operation))
            && (self.department_ids.is_empty()
                || e.department_id
                    .is_some_and(|d| self.department_ids.contains(&d)))
            && self.report_id.is_none_or(|r| e.report_id == Some(r))
    }

    /// The same rule in SQL (for the feed).
    fn apply(
        &self,
        mut select: sea_orm::Select<change_event::Entity>,
    ) -> sea_orm::Select<change_event::Entity> {
        use sea_orm::{ColumnTrait, QueryFilter};
        if !self.entity_types.is_empty() {
            select =
                select.filter(change_event::Column::EntityType.is_in(self.entity_types.clone()));
        }
        if !self.operations.is_empty() {
            select = select.filter(
                change_event::Column::Operation.is_in(self.operations.iter().map(|o| o.as_str())),
            );
        }
        if !self.department_ids.is_empty() {
            select = select
                .filter(change_event::Column::DepartmentId.is_in(self.department_ids.clone()));
        }
        if let Some(r) = self.report_id {
            select = select.filter(change_event::Column::ReportId.eq(r));
        }
        select
    }
}

impl serde::Serialize for Operation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Operation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Operation::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown operation {name}")))
    }
}

/// Events the viewer may read (those of departments in scope; none for anonymous callers),
/// tombstones of deleted reports included.
pub fn feed(
    viewer: &crate::domain::Viewer,
    filter: &EventFilter,
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
    filter.apply(select)
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 15] = [
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
        Operation::Attach,
        Operation::Detach,
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

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod filter_tests {
    use super::*;

    fn event(entity: &str, operation: Operation, department: Option<Uuid>) -> change_event::Model {
        change_event::Model {
            id: Uuid::now_v7(),
            sequence: 1,
            entity_type: entity.into(),
            entity_id: Uuid::now_v7(),
            report_id: None,
            department_id: department,
            operation: operation.as_str().into(),
            version: None,
            actor: None,
            occurred_at: chrono::Utc::now(),
        }
    }

    /// A webhook's filter as stored before the feed and webhooks shared one type still reads,
    /// and means what it meant.
    #[test]
    fn a_stored_webhook_filter_reads_and_matches_as_before() {
        let d = Uuid::now_v7();
        let stored = serde_json::json!({
            "entityTypes": ["Report"], "operations": ["CREATE", "PUBLISH"], "departmentIds": [d]
        });
        let filter: EventFilter = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(serde_json::to_value(&filter).unwrap(), stored);
        assert!(filter.matches(&event("Report", Operation::Create, Some(d))));
        assert!(!filter.matches(&event("Report", Operation::Update, Some(d))));
        assert!(!filter.matches(&event("Signature", Operation::Create, Some(d))));
        assert!(!filter.matches(&event("Report", Operation::Create, None)));
        assert!(EventFilter::default().matches(&event("Report", Operation::Sign, None)));
        assert!(
            serde_json::from_value::<EventFilter>(serde_json::json!({ "operations": ["EXPLODE"] }))
                .is_err()
        );
    }
}
