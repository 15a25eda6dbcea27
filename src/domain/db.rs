//! The database handle: pool, statement counter, and the write gate for SQLite.

use crate::error::AppError;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Pool size: PostgreSQL serves this workload best with a small pool (8–10 connections).
const POOL_SIZE: u32 = 10;

/// A cheap-to-clone handle to the database.
#[derive(Clone)]
pub struct Db {
    /// The SeaORM connection pool.
    pub conn: DatabaseConnection,
    statements: Arc<AtomicU64>,
    /// SQLite allows one writer: writers queue here instead of failing with `SQLITE_BUSY`.
    write_gate: Option<Arc<Mutex<()>>>,
    /// Write transactions open at once: all connections but a reserve kept for reads, so
    /// writers waiting on a lock can never hold every connection.
    writers: Arc<tokio::sync::Semaphore>,
    /// Writers to one report (or one new external ID) queue here, in the process and holding
    /// no connection, instead of in the database holding one each.
    queue: Arc<WriteQueue>,
    /// Signalled after every committed write, to wake the event pump.
    changed: Arc<tokio::sync::Notify>,
    /// The evidence store and its limits (none until [`Db::with_evidence`]).
    evidence: Option<Arc<crate::domain::evidence::Evidence>>,
    /// Capacities that must sign with a registered key (`JIXIAO_REQUIRE_KEY_SIGNATURES`).
    key_required: Arc<Vec<entity::SignatureRole>>,
}

/// Every write bumps the data version, with a new random stamp, in its own transaction (see
/// [`Db::data_version`]).
fn bump_data_version_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "UPDATE data_version SET version = version + 1, \
             stamp = (random() * 9.2e18)::bigint WHERE id = 1"
        }
        _ => "UPDATE data_version SET version = version + 1, stamp = random() WHERE id = 1",
    }
}

/// The data version: a counter and the random stamp of its last bump.
pub type DataVersion = (i64, i64);

/// A write transaction, holding its place in the report's queue, a writer slot and (SQLite)
/// the write gate while it lives.
pub struct WriteTxn {
    /// The transaction.
    pub txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    _slot: tokio::sync::OwnedSemaphorePermit,
    _turn: Option<OwnedMutexGuard<()>>,
    changed: Arc<tokio::sync::Notify>,
}

/// Per-key queues of writers (keys: a report's id, a department's external ID).
#[derive(Default)]
pub struct WriteQueue {
    keys: std::sync::Mutex<std::collections::HashMap<String, std::sync::Weak<Mutex<()>>>>,
}

impl WriteQueue {
    /// Waits for the turn of `key`; the turn passes on when the guard drops.
    pub async fn turn(&self, key: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(lock) = keys.get(key).and_then(std::sync::Weak::upgrade) {
                lock
            } else {
                if keys.len() >= 1024 {
                    keys.retain(|_, lock| lock.strong_count() > 0);
                }
                let lock = Arc::new(Mutex::new(()));
                keys.insert(key.to_owned(), Arc::downgrade(&lock));
                lock
            }
        };
        lock.lock_owned().await
    }
}

/// Write slots for a pool of `size`: all but a quarter (at least one connection stays for reads).
fn write_slots(size: u32) -> usize {
    let size = size.max(2) as usize;
    size - (size / 4).max(1)
}

impl WriteTxn {
    /// Commits the transaction and wakes the event pump.
    pub async fn commit(self) -> Result<(), AppError> {
        let bump = bump_data_version_sql(self.txn.get_database_backend());
        self.txn.execute_unprepared(bump).await?;
        self.txn.commit().await.map_err(AppError::from)?;
        self.changed.notify_waiters();
        Ok(())
    }
}

impl Db {
    /// This handle with the evidence store `evidence`.
    pub fn with_evidence(mut self, evidence: Arc<crate::domain::evidence::Evidence>) -> Self {
        self.evidence = Some(evidence);
        self
    }

    /// This handle with the capacities that must sign with a registered key.
    pub fn with_key_required(mut self, roles: Vec<entity::SignatureRole>) -> Self {
        self.key_required = Arc::new(roles);
        self
    }

    /// Whether `role` must sign with a registered key.
    pub fn key_required(&self, role: entity::SignatureRole) -> bool {
        self.key_required.contains(&role)
    }

    /// The evidence store, or UNAVAILABLE where none is configured (a command that works on
    /// reports alone).
    pub fn evidence(&self) -> Result<&crate::domain::evidence::Evidence, AppError> {
        self.evidence
            .as_deref()
            .ok_or_else(|| AppError::unavailable("no evidence store configured"))
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`) with the default pool size.
    pub async fn connect(url: &str) -> Result<Self, AppError> {
        Self::connect_with(url, POOL_SIZE).await
    }

    /// Connects to `url` with a pool of `size` connections.
    pub async fn connect_with(url: &str, size: u32) -> Result<Self, AppError> {
        let statements = Arc::new(AtomicU64::new(0));
        let mut conn = Self::pool(url, size.max(2)).await?;
        let counter = statements.clone();
        conn.set_metric_callback(move |info| {
            tracing::trace!(target: "jixiao::sql", elapsed_us = info.elapsed.as_micros() as u64, sql = %info.statement.sql);
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let write_gate =
            (conn.get_database_backend() == DbBackend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Self {
            conn,
            statements,
            write_gate,
            writers: Arc::new(tokio::sync::Semaphore::new(write_slots(size.max(2)))),
            queue: Arc::new(WriteQueue::default()),
            changed: Arc::new(tokio::sync::Notify::new()),
            evidence: None,
            key_required: Arc::default(),
        })
    }

    /// A handle for background work (event pump, webhooks) with its own two connections, so
    /// that it neither takes request connections nor counts in the request statement counter.
    /// It shares the write gate and the change signal.
    pub async fn background(&self, url: &str) -> Result<Self, AppError> {
        Ok(Self {
            conn: Self::pool(url, 2).await?,
            statements: Arc::new(AtomicU64::new(0)),
            write_gate: self.write_gate.clone(),
            writers: Arc::new(tokio::sync::Semaphore::new(write_slots(2))),
            queue: self.queue.clone(),
            changed: self.changed.clone(),
            evidence: self.evidence.clone(),
            key_required: self.key_required.clone(),
        })
    }

    async fn pool(url: &str, size: u32) -> Result<DatabaseConnection, AppError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(size)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            });
        Database::connect(options).await.map_err(AppError::from)
    }

    /// Applies pending migrations. After an upgrade (any migration applied), the stored computed
    /// score and grade of every report are recomputed under the current scoring code, so that a
    /// release that changes how scores are computed never leaves old figures in lists and
    /// statistics.
    pub async fn migrate(&self) -> Result<(), AppError> {
        let pending = Migrator::get_pending_migrations(&self.conn).await?.len();
        Migrator::up(&self.conn, None).await?;
        if pending > 0 {
            let changed = crate::domain::assessment::service::refresh_all(self).await?;
            if changed > 0 {
                tracing::info!(
                    reports = changed,
                    "recomputed stored scores after the upgrade"
                );
            }
        }
        Ok(())
    }

    /// Statements executed since start (for tests and benchmarks).
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The database kind.
    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begins a write transaction: it waits for a writer slot (so reads always find a free
    /// connection) and, on SQLite, for the write gate.
    pub async fn begin_write(&self) -> Result<WriteTxn, AppError> {
        self.begin(None).await
    }

    /// Begins a write transaction on `key` (a report's id, a department's external ID): writers
    /// of one key first queue in the process, holding nothing, so that fifty writers to one
    /// report take one connection at a time instead of fifty that wait for its row lock.
    pub async fn begin_write_on(&self, key: &str) -> Result<WriteTxn, AppError> {
        let turn = self.queue.turn(key).await;
        self.begin(Some(turn)).await
    }

    /// Waits for the turn of `key` without beginning anything (for a use case that opens
    /// several transactions on one key, such as an upsert by external ID).
    pub async fn turn(&self, key: &str) -> OwnedMutexGuard<()> {
        self.queue.turn(key).await
    }

    async fn begin(&self, turn: Option<OwnedMutexGuard<()>>) -> Result<WriteTxn, AppError> {
        let slot = self
            .writers
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::unavailable)?;
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        // SQLite: take the write lock as the transaction begins, where a busy lock is waited
        // for. A deferred transaction that has read cannot wait: it fails at its first write
        // while the writer before it still holds the lock (a writer that gave up releases it
        // only when its connection rolls back, after the gate has passed on).
        let txn = self
            .conn
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: (self.backend() == DbBackend::Sqlite)
                    .then_some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        Ok(WriteTxn {
            txn,
            _gate: gate,
            _slot: slot,
            _turn: turn,
            changed: self.changed.clone(),
        })
    }

    /// Resolves at the next committed write (or [`Db::poke`]).
    pub fn changed(&self) -> tokio::sync::futures::OwnedNotified {
        // Created now, so a commit between this call and the first poll still wakes it.
        self.changed.clone().notified_owned()
    }

    /// Wakes whoever waits in [`Db::changed`].
    pub fn poke(&self) {
        self.changed.notify_waiters();
    }

    /// Pool connections in use and idle.
    pub fn pool_state(&self) -> (i64, i64) {
        let (size, idle) = match self.backend() {
            DbBackend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        (i64::from(size) - idle, idle)
    }

    /// The data version: it changes with every committed write, through any instance, so a
    /// result computed at one version is current while the version is unchanged.
    pub async fn data_version(&self) -> Result<DataVersion, AppError> {
        let row = self
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT version, stamp FROM data_version WHERE id = 1",
            ))
            .await?
            .ok_or_else(|| AppError::internal("data_version has no row"))?;
        Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))
    }

    /// Bumps the data version in a write transaction of its own (for writes made without one).
    pub async fn bump_data_version(&self) -> Result<(), AppError> {
        self.begin_write().await?.commit().await
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.conn.execute_unprepared("SELECT 1").await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Db;
    use sea_orm::{ConnectionTrait, TransactionTrait};
    use std::time::Duration;

    /// A write transaction waits for a write lock held elsewhere (another process, or a writer
    /// that gave up and whose connection has not yet rolled back after the gate passed on)
    /// instead of failing with `SQLITE_BUSY`: a deferred transaction that has read cannot wait
    /// for the lock at its first write, so every write transaction takes the lock as it begins.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_waits_for_a_lock_held_elsewhere() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect_with(&url, 4).await.expect("connect");
        for sql in [
            "CREATE TABLE t (n INTEGER NOT NULL)",
            "CREATE TABLE data_version (id INTEGER PRIMARY KEY, version INTEGER, stamp INTEGER)",
        ] {
            db.conn.execute_unprepared(sql).await.expect("table");
        }
        // Another handle on the file: its writes do not pass our gate.
        let elsewhere = Db::connect_with(&url, 2).await.expect("connect");
        let holder = elsewhere.conn.begin().await.expect("begin");
        holder
            .execute_unprepared("INSERT INTO t (n) VALUES (1)")
            .await
            .expect("holds the write lock");
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            holder.commit().await.expect("commits");
        });
        let ours = db
            .begin_write()
            .await
            .expect("begins once the lock is free");
        let count = ours
            .txn
            .execute_unprepared("SELECT count(*) FROM t")
            .await
            .map(|_| ());
        let wrote = ours
            .txn
            .execute_unprepared("INSERT INTO t (n) VALUES (2)")
            .await
            .map(|_| ());
        assert!(count.is_ok() && wrote.is_ok(), "{count:?} {wrote:?}");
        ours.commit().await.expect("commits");
        release.await.expect("released");
    }
}
