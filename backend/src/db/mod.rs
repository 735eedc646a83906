//! The database: one connection type over SQLite and PostgreSQL, an r2d2
//! pool, embedded migrations per backend, and one helper that runs blocking
//! diesel code on tokio's blocking pool.

mod connection;
pub mod ids;
pub mod schema;
pub mod stored;

use std::time::Duration;

use diesel::r2d2::{Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use connection::{Backend, DbConn, DbManager};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

pub type PooledConn = PooledConnection<DbManager>;

/// A cheaply cloned handle to the pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool<DbManager>,
    backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database is unreachable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("a database task panicked or was cancelled: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl Db {
    /// Opens a pool for `url` (`sqlite://path`, a plain path, or
    /// `postgres://...`). Fails with the database's own error when the first
    /// connection cannot be made.
    pub fn connect(url: &str, max_size: u32) -> Result<Db, diesel::r2d2::PoolError> {
        let manager = DbManager::new(url);
        let backend = manager.backend();
        // SQLite has one writer; more connections than that only queue on the
        // file lock, but readers do run in parallel under WAL.
        let max_size = match backend {
            Backend::Sqlite => max_size.min(8),
            Backend::Postgres => max_size,
        };
        // One connection is opened up front; for SQLite the others follow
        // on demand, because several connections switching a new file to
        // WAL at the same moment fail with "database is locked".
        let min_idle = match backend {
            Backend::Sqlite => Some(1),
            Backend::Postgres => None,
        };
        // A connection to a PostgreSQL server can break while it waits in
        // the pool (a restart, a proxy's timeout), so it is tested when
        // taken; a connection to a local SQLite file cannot, and testing it
        // cost a statement parse on every request.
        let test_on_check_out = backend == Backend::Postgres;
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(min_idle)
            .test_on_check_out(test_on_check_out)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` with a pooled connection on the blocking pool: diesel is
    /// synchronous, and async code must not block.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(DbError::from)?
    }

    /// A connection for synchronous code (the CLI, migrations).
    pub fn get(&self) -> Result<PooledConn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Applies every pending migration of this backend's set and returns the
    /// versions applied.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.get()?;
        let migrations = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let applied = conn
            .run_pending_migrations(migrations)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }

    /// Rolls back every migration (used by the reversibility test).
    pub fn revert_all(&self) -> anyhow::Result<()> {
        let mut conn = self.get()?;
        let migrations = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        conn.revert_all_migrations(migrations)
            .map_err(|e| anyhow::anyhow!("revert failed: {e}"))?;
        Ok(())
    }
}

/// True when `error` is a unique-constraint violation, which `AppError`
/// turns into a 409 naming the field.
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// The column a unique-constraint violation is about (the first, for a
/// constraint over several), read from what each database reports:
/// PostgreSQL's detail `Key (email)=(…) already exists.`, SQLite's message
/// `UNIQUE constraint failed: users.email`.
pub fn unique_violation_column(error: &diesel::result::Error) -> Option<String> {
    let diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::UniqueViolation,
        info,
    ) = error
    else {
        return None;
    };
    let from_postgres = info
        .details()
        .and_then(|detail| detail.strip_prefix("Key ("))
        .and_then(|rest| rest.split(')').next());
    let from_sqlite = info
        .message()
        .strip_prefix("UNIQUE constraint failed: ")
        .and_then(|columns| columns.split(',').next())
        .and_then(|column| column.trim().rsplit('.').next());
    from_postgres
        .or(from_sqlite)
        .and_then(|columns| columns.split(',').next())
        .map(|column| column.trim().to_owned())
}

impl Db {
    pub fn pool_state(&self) -> diesel::r2d2::State {
        self.pool.state()
    }
}

impl Db {
    pub fn has_pending_migrations(&self) -> anyhow::Result<bool> {
        let mut conn = self.get()?;
        let migrations = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        conn.has_pending_migration(migrations)
            .map_err(|e| anyhow::anyhow!("cannot read the migration state: {e}"))
    }
}

/// Runs `f` in a transaction that is allowed to write. On SQLite it starts
/// with `BEGIN IMMEDIATE`, taking the write lock up front (waiting for it
/// under `busy_timeout`): a plain deferred transaction that reads and then
/// writes fails at once with "database is locked" when another connection
/// wrote in between, because SQLite cannot upgrade its stale snapshot. On
/// PostgreSQL, and inside a transaction already open, it is an ordinary
/// (nested) transaction.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    let DbConn::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    let depth = AnsiTransactionManager::transaction_manager_status_mut(sqlite)
        .transaction_depth()
        .map_err(E::from)?;
    if depth.is_some() {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE").map_err(E::from)?;
    let outcome = f(conn);
    let DbConn::Sqlite(sqlite) = conn else {
        unreachable!("the connection does not change its backend")
    };
    match outcome {
        Ok(value) => match AnsiTransactionManager::commit_transaction(sqlite) {
            Ok(()) => Ok(value),
            Err(error) => {
                let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                Err(E::from(error))
            }
        },
        Err(error) => {
            AnsiTransactionManager::rollback_transaction(sqlite).map_err(E::from)?;
            Err(error)
        }
    }
}

/// Lets the transaction under way commit without waiting for PostgreSQL
/// to flush it to disk (`synchronous_commit` off for this transaction
/// alone). Only for a record whose loss in a crash of the database server
/// is harmless: a finished job's completion, whose loss leaves the job to
/// be run again (it changes only the database) or given up as interrupted
/// (its effect left the database, and its start was committed in full
/// before). Any later commit that waits flushes this one with it. SQLite's
/// commits do not wait for the disk anyway (`synchronous = NORMAL`).
pub fn commit_without_waiting_for_the_disk(conn: &mut DbConn) -> diesel::QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        use diesel::RunQueryDsl;
        diesel::sql_query("SET LOCAL synchronous_commit TO OFF").execute(pg)?;
    }
    Ok(())
}
