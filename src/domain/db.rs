//! The database handle: pool, statement counter, and the write gate for SQLite.

use crate::error::AppError;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    TransactionTrait,
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
    /// Signalled after every committed write, to wake the event pump.
    changed: Arc<tokio::sync::Notify>,
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

/// A write transaction, holding the SQLite write gate while it lives.
pub struct WriteTxn {
    /// The transaction.
    pub txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    changed: Arc<tokio::sync::Notify>,
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
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Self, AppError> {
        let statements = Arc::new(AtomicU64::new(0));
        let mut conn = Self::pool(url, POOL_SIZE).await?;
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
            changed: Arc::new(tokio::sync::Notify::new()),
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
            changed: self.changed.clone(),
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

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), AppError> {
        Migrator::up(&self.conn, None).await.map_err(AppError::from)
    }

    /// Statements executed since start (for tests and benchmarks).
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The database kind.
    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begins a write transaction (queued behind other writers on SQLite).
    pub async fn begin_write(&self) -> Result<WriteTxn, AppError> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let txn = self.conn.begin().await?;
        Ok(WriteTxn {
            txn,
            _gate: gate,
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

    /// Bumps the data version outside a write transaction (for writes made without one).
    pub async fn bump_data_version(&self) -> Result<(), AppError> {
        self.conn
            .execute_unprepared(bump_data_version_sql(self.backend()))
            .await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.conn.execute_unprepared("SELECT 1").await.is_ok()
    }
}
