//! Change events: a report's history (and, later, the sync feed).

use super::scalars::DateTime;
use crate::domain::global_id;
use async_graphql::{Enum, SimpleObject};
use entity::change_event;

/// What a change did.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::change::Operation")]
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
    /// The finance bureau recorded its re-check score (复核分, `recordRecheck`).
    Recheck,
    /// Evidence (佐证材料) was attached (`attachEvidence`; the event's entity is the
    /// `Attachment`).
    Attach,
    /// Evidence was detached (`detachEvidence`).
    Detach,
}

/// One change to a report, written in the same transaction as the change.
#[derive(SimpleObject, Clone)]
pub struct ChangeEvent {
    /// Opaque cursor of this event: pass it as `after` to read what follows.
    pub cursor: String,
    /// Event ID (UUID), unique; use it to deduplicate deliveries.
    pub id: String,
    /// Raw UUID of the department concerned; `departmentGlobalId` is the ID the API takes.
    #[graphql(deprecation = "a raw UUID: use departmentGlobalId (2026-11-29)")]
    pub department_id: Option<String>,
    /// Global ID of the department concerned (for `department(id:)`, `node`, filters).
    pub department_global_id: Option<async_graphql::ID>,
    /// Position in the feed; strictly increasing.
    pub sequence: i64,
    /// Type of the entity changed: Report, Signature, ReviewComment or Attachment.
    pub entity_type: String,
    /// Raw UUID of the entity changed; `entityGlobalId` is the ID the API takes.
    #[graphql(deprecation = "a raw UUID: use entityGlobalId (2026-11-29)")]
    pub entity_id: String,
    /// Global ID of the entity changed, for the types that have one (Report, ReviewComment, Attachment; a
    /// Signature has none: reach it through `reportGlobalId`).
    pub entity_global_id: Option<async_graphql::ID>,
    /// Raw UUID of the report concerned; `reportGlobalId` is the ID the API takes.
    #[graphql(deprecation = "a raw UUID: use reportGlobalId (2026-11-29)")]
    pub report_id: Option<String>,
    /// Global ID of the report concerned (for `report(id:)`, `node`, `ChangeFilter.reportId`).
    pub report_global_id: Option<async_graphql::ID>,
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
        let entity_global_id =
            global_id::of_entity(&e.entity_type, e.entity_id).map(async_graphql::ID);
        ChangeEvent {
            entity_global_id,
            cursor: crate::domain::change::cursor_of(&e),
            id: e.id.to_string(),
            department_id: e.department_id.map(|d| d.to_string()),
            department_global_id: e
                .department_id
                .map(|d| async_graphql::ID(global_id::encode("Department", d))),
            sequence: e.sequence,
            entity_type: e.entity_type,
            entity_id: e.entity_id.to_string(),
            report_id: e.report_id.map(|r| r.to_string()),
            report_global_id: e
                .report_id
                .map(|r| async_graphql::ID(global_id::encode("Report", r))),
            operation: crate::domain::change::Operation::parse(&e.operation)
                .unwrap_or(crate::domain::change::Operation::Update)
                .into(),
            version: e.version,
            actor: e.actor,
            occurred_at: DateTime(e.occurred_at),
        }
    }
}

super::connection::connection!(ChangeConnection, ChangeEdge, ChangeEvent, "change events");

/// Which events of the feed.
#[derive(async_graphql::InputObject, Default)]
pub struct ChangeFilter {
    /// Entity types: Report, Signature, ReviewComment.
    pub entity_types: Option<Vec<String>>,
    /// Operations.
    pub operations: Option<Vec<ChangeOperation>>,
    /// Department (global ID).
    pub department_id: Option<async_graphql::ID>,
    /// Department code.
    pub department_code: Option<String>,
    /// Report (global ID).
    pub report_id: Option<async_graphql::ID>,
}

/// The change feed.
#[derive(Default)]
pub struct FeedQuery;

#[async_graphql::Object]
impl FeedQuery {
    /// The change feed: every change to the reports the caller may read (tombstones of deleted
    /// reports included), in strictly increasing `sequence`. Read it to the end, keep the last
    /// `endCursor`, and continue from there: nothing is missed and nothing repeats.
    /// `pageInfo.endCursor` is never null here: on a page with no events it is the `after` sent
    /// (or, without one, the cursor of the feed's start), so a client can always store it.
    #[graphql(complexity = "super::limits::cost(first, None, child_complexity)")]
    async fn changes(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(
            desc = "Cursor to continue after (from pageInfo.endCursor or an event's cursor); without it, the feed starts at its first event."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Which events.")] filter: Option<ChangeFilter>,
    ) -> async_graphql::Result<ChangeConnection> {
        let filter = feed_filter(ctx, filter.unwrap_or_default()).await?;
        let select = crate::domain::change::feed(super::viewer(ctx), &filter);
        let request = crate::domain::pagination::PageRequest {
            first,
            after,
            ..Default::default()
        };
        let page = crate::domain::change::page(super::db(ctx), select.clone(), &request).await?;
        let mut connection = ChangeConnection::new(page, move || select.clone(), Into::into);
        // Nothing new: the caller keeps its place (the cursor it sent, already checked by the
        // page query, or the start of the feed).
        let info = &mut connection.0.page_info;
        if info.end_cursor.is_none() {
            info.end_cursor = Some(
                request
                    .after
                    .unwrap_or_else(crate::domain::change::start_cursor),
            );
        }
        Ok(connection)
    }
}

/// Resolves a GraphQL change filter.
pub async fn feed_filter(
    ctx: &async_graphql::Context<'_>,
    f: ChangeFilter,
) -> async_graphql::Result<crate::domain::change::EventFilter> {
    use super::ids::{self, Kind};
    let mut department_id = f
        .department_id
        .as_ref()
        .map(|id| ids::decode(Kind::Department, id))
        .transpose()?;
    if let Some(code) = &f.department_code {
        let found = crate::domain::department::by_code(super::db(ctx), code).await?;
        department_id = Some(found.map(|d| d.id).unwrap_or_else(uuid::Uuid::nil));
    }
    Ok(crate::domain::change::EventFilter {
        entity_types: f.entity_types.unwrap_or_default(),
        operations: f
            .operations
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        department_ids: department_id.into_iter().collect(),
        report_id: f
            .report_id
            .as_ref()
            .map(|id| ids::decode(Kind::Report, id))
            .transpose()?,
    })
}

/// Live events.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live events.
#[async_graphql::Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// The change events of the reports the caller may read, as they commit — the same events
    /// as the `changes` feed. Over graphql-transport-ws at /graphql/ws; authenticate with
    /// `{"Authorization": "Bearer <token>"}` in `connection_init`. On PostgreSQL, events written
    /// through any instance sharing the database arrive.
    async fn report_events(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<ChangeFilter>,
    ) -> async_graphql::Result<impl futures_util::Stream<Item = ChangeEvent> + use<>> {
        use futures_util::StreamExt;
        let viewer = super::viewer(ctx).clone();
        if viewer.is_anonymous() {
            return Err(crate::error::AppError::Unauthenticated(
                "订阅需要在 connection_init 中提供令牌".into(),
            )
            .into());
        }
        let filter = feed_filter(ctx, filter.unwrap_or_default()).await?;
        let scope: Option<Vec<uuid::Uuid>> = if viewer.all_departments() {
            None
        } else {
            let mut ids = Vec::new();
            for code in &viewer.departments {
                if let Some(d) = crate::domain::department::by_code(super::db(ctx), code).await? {
                    ids.push(d.id);
                }
            }
            Some(ids)
        };
        let receiver = ctx
            .data_unchecked::<crate::domain::events::EventHub>()
            .subscribe();
        let events = futures_util::stream::unfold(receiver, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(event) => return Some((event, rx)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(
                            missed = n,
                            "a subscriber fell behind; it should re-read the changes feed"
                        );
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Ok(events
            .filter(move |e| {
                let visible = scope
                    .as_ref()
                    .is_none_or(|s| e.department_id.is_some_and(|d| s.contains(&d)));
                std::future::ready(visible && filter.matches(e))
            })
            .map(|e| {
                crate::metrics::get().event_delivered("subscription");
                ChangeEvent::from(e)
            })
            // On shutdown the stream ends, so the client gets `complete` and the socket closes.
            .take_until(
                ctx.data_unchecked::<tokio_util::sync::CancellationToken>()
                    .clone()
                    .cancelled_owned(),
            ))
    }
}
