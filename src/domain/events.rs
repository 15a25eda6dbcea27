//! Live events: every committed change event is broadcast to this instance's subscribers.
//!
//! One pump per instance reads the change-event table from its own cursor whenever it is woken:
//! by a local commit, by PostgreSQL `NOTIFY` (so an event written by another instance sharing the
//! database arrives too), or once a second as a safety net. Subscribers receive exactly the rows
//! of the feed, in sequence order.

use crate::domain::Db;
use crate::domain::change::CHANNEL;
use entity::change_event;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::time::Duration;
use tokio::sync::broadcast;

/// Broadcasts committed events.
#[derive(Clone)]
pub struct EventHub {
    sender: broadcast::Sender<change_event::Model>,
}

impl EventHub {
    /// Receives events committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<change_event::Model> {
        self.sender.subscribe()
    }

    /// Starts the pump (and, on PostgreSQL, the listener) for `db`.
    pub async fn start(
        db: &Db,
        database_url: &str,
        background: &crate::domain::background::Background,
    ) -> EventHub {
        let (sender, _) = broadcast::channel(4096);
        let hub = EventHub { sender };
        let start = change_event::Entity::find()
            .select_only()
            .column_as(change_event::Column::Sequence.max(), "m")
            .into_tuple::<Option<i64>>()
            .one(&db.conn)
            .await
            .ok()
            .flatten()
            .flatten()
            .unwrap_or(0);
        if db.backend() == DbBackend::Postgres {
            background.spawn(listen(database_url.to_owned(), db.clone()));
        }
        background.spawn(pump(db.clone(), hub.sender.clone(), start));
        hub
    }
}

async fn pump(db: Db, sender: broadcast::Sender<change_event::Model>, mut cursor: i64) {
    loop {
        let woken = db.changed();
        let rows = change_event::Entity::find()
            .filter(change_event::Column::Sequence.gt(cursor))
            .order_by_asc(change_event::Column::Sequence)
            .limit(500)
            .all(&db.conn)
            .await;
        match rows {
            Ok(rows) if !rows.is_empty() => {
                for row in rows {
                    cursor = row.sequence;
                    let _ = sender.send(row);
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "event pump could not read the change events"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), woken).await;
    }
}

/// Wakes the pump on every `NOTIFY` from any instance.
async fn listen(url: String, db: Db) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        match PgListener::connect(&url).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "cannot LISTEN for change events");
                } else {
                    while listener.recv().await.is_ok() {
                        db.poke();
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect the change-event listener"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
