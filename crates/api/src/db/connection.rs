//! Database connections: the backend chosen from the URL scheme, pooled, migrated.
//!
//! One `DbConnection` type serves both backends (diesel's `MultiConnection`), so
//! repositories are written once. The backend is picked from `DATABASE_URL`'s scheme
//! here, never by "whichever connects", so a typo is a clear start-up error instead of a
//! silently created empty database.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use parking_lot::FairMutex;

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same diesel expression on whichever backend `conn` is. For the few
/// statements diesel's `MultiConnection` cannot express once for both (multi-row
/// inserts): the code is still written once.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// The pool every request and job borrows connections from.
pub type DbPool = r2d2::Pool<ConnectionManager>;
/// A connection borrowed from the pool.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Runs blocking database work with a connection of `pool` on actix's blocking pool,
/// off the async runtime.
pub async fn run_blocking<T, F>(pool: &DbPool, work: F) -> Result<T, crate::error::ApiError>
where
    F: FnOnce(&mut PooledConnection) -> Result<T, crate::error::ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Which database a `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A SQLite file (the embedded default).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, kept whole for libpq.
    Postgres(String),
}

/// Why a `DATABASE_URL` was refused or a connection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL '{0}' is not supported: use sqlite://PATH, a plain file path, or postgres://…")]
    UnsupportedScheme(String),
    #[error("DATABASE_URL is empty")]
    Empty,
    #[error("could not create the directory {path} for the SQLite database: {source}")]
    CreateDirectory { path: String, source: std::io::Error },
    #[error("could not open the database: {0}")]
    Connect(String),
    #[error("could not run migrations: {0}")]
    Migrate(String),
}

impl DatabaseTarget {
    /// Parses `sqlite://PATH`, `sqlite:PATH`, a plain path, or `postgres(ql)://…`.
    pub fn parse(url: &str) -> Result<Self, DatabaseError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DatabaseError::Empty);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(DatabaseError::UnsupportedScheme(url.to_owned()));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        // Anything with a scheme we do not know (mysql://, http://, postgre://) is a
        // mistake, not a file name.
        if url.contains("://") {
            return Err(DatabaseError::UnsupportedScheme(redact(url)));
        }
        Ok(Self::Sqlite(PathBuf::from(url)))
    }

    /// The directory that holds the SQLite file (where generated secrets live too).
    pub fn sqlite_dir(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(path) => Some(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))),
            Self::Postgres(_) => None,
        }
    }

    /// A name for logs that carries no password.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{}", path.display()),
            Self::Postgres(url) => redact(url),
        }
    }
}

/// Removes the password from a URL for logs and error messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Opens connections for the pool and applies SQLite's per-connection settings.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
    busy_timeout_ms: u64,
}

/// How long a SQLite write waits for the one writer by default, in milliseconds.
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 10_000;

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.target {
            DatabaseTarget::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            DatabaseTarget::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout makes a writer wait for the lock instead of failing at
                // once; WAL lets readers run beside the one writer; foreign keys are
                // off by default in SQLite.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                    self.busy_timeout_ms
                ))
                .map_err(r2d2::Error::QueryError)?;
                switch_to_wal(&mut conn, self.busy_timeout_ms)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        diesel::sql_query("SELECT 1").execute(conn).map(|_| ()).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Puts a SQLite file in WAL mode (it stays so). Switching needs the file to itself, and
/// SQLite answers "locked" at once, without waiting out busy_timeout, when another
/// process is opening the same new file: so it is tried again for as long as a write
/// would wait.
fn switch_to_wal(conn: &mut SqliteConnection, busy_timeout_ms: u64) -> Result<(), r2d2::Error> {
    let deadline = std::time::Instant::now() + Duration::from_millis(busy_timeout_ms);
    loop {
        match conn.batch_execute("PRAGMA journal_mode = WAL;") {
            Ok(()) => return Ok(()),
            Err(error) if error.to_string().contains("locked") && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(error) => return Err(r2d2::Error::QueryError(error)),
        }
    }
}

/// Builds the pool for `target`, creating the SQLite file's directory when needed.
pub fn build_pool(target: &DatabaseTarget, max_size: u32) -> Result<DbPool, DatabaseError> {
    build_pool_waiting(target, max_size, DEFAULT_BUSY_TIMEOUT_MS)
}

/// As [`build_pool`], with SQLite writes waiting `busy_timeout_ms` for the writer.
pub fn build_pool_waiting(
    target: &DatabaseTarget,
    max_size: u32,
    busy_timeout_ms: u64,
) -> Result<DbPool, DatabaseError> {
    if let DatabaseTarget::Sqlite(path) = target {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| DatabaseError::CreateDirectory { path: dir.display().to_string(), source })?;
        }
    }
    let manager = ConnectionManager { target: target.clone(), busy_timeout_ms };
    // Try one connection first so a bad URL fails now with the real reason instead of
    // r2d2's 30-second timeout.
    let mut probe = manager.connect().map_err(|e| DatabaseError::Connect(e.to_string()))?;
    manager.is_valid(&mut probe).map_err(|e| DatabaseError::Connect(e.to_string()))?;
    drop(probe);
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .map_err(|e| DatabaseError::Connect(e.to_string()))
}

/// Applies every pending migration of the connection's backend. On PostgreSQL several
/// servers may start at once: each takes an advisory lock on the schema first, so one
/// migrates while the others wait and then find nothing left to do; on SQLite the
/// file's write lock, taken first, does the same.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, DatabaseError> {
    let failed = |e: &dyn std::fmt::Display| DatabaseError::Migrate(e.to_string());
    let applied = match conn {
        DbConnection::Postgresql(pg) => {
            pg.batch_execute(MIGRATION_LOCK).map_err(|e| failed(&e))?;
            let applied = pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len());
            // A session lock: released here, or with the connection if this fails.
            let unlocked = pg.batch_execute(MIGRATION_UNLOCK);
            let applied = applied.map_err(|e| failed(&e))?;
            unlocked.map_err(|e| failed(&e))?;
            applied
        }
        DbConnection::Sqlite(sqlite) => {
            use diesel::connection::{AnsiTransactionManager, TransactionManager};
            // The file's one writer, taken up front: another process migrating waits
            // here (busy_timeout), then finds nothing left. Each migration's own
            // transaction becomes a savepoint inside this one.
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE").map_err(|e| failed(&e))?;
            match sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()) {
                Ok(applied) => {
                    AnsiTransactionManager::commit_transaction(sqlite).map_err(|e| failed(&e))?;
                    applied
                }
                Err(error) => {
                    let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                    return Err(failed(&error));
                }
            }
        }
    };
    Ok(applied)
}

/// The advisory lock migrations take on PostgreSQL, one per schema (servers sharing a
/// schema share the lock; tests with schemas of their own do not wait for each other).
const MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(hashtext('tidings-migrations:' || current_schema()))";
const MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(hashtext('tidings-migrations:' || current_schema()))";

/// Whether every embedded migration has been applied (for `/readyz`).
pub fn migrations_pending(conn: &mut DbConnection) -> Result<bool, DatabaseError> {
    let pending = match conn {
        DbConnection::Postgresql(pg) => pg.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(sqlite) => sqlite.has_pending_migration(SQLITE_MIGRATIONS),
    };
    pending.map_err(|e| DatabaseError::Migrate(e.to_string()))
}

/// The writers of one SQLite file in this process, in the order they asked.
///
/// SQLite's own lock is not fair: a writer that finds it taken sleeps in its busy
/// handler (up to 100 ms a step) and may find it taken again when it wakes, while a
/// writer that just committed takes it straight back. Under load writers sleep while the
/// lock is free, and a long series of short transactions (a launch's chunks) starves a
/// STOP until the series ends. Queuing in-process first, on a fair lock handed to the
/// longest waiter, keeps SQLite's lock busy and its waiters in order.
fn sqlite_writers(conn: &mut SqliteConnection) -> Option<&'static FairMutex<()>> {
    static QUEUES: OnceLock<Mutex<HashMap<String, &'static FairMutex<()>>>> = OnceLock::new();
    let file: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        "(SELECT file FROM pragma_database_list WHERE name = 'main')",
    ))
    .get_result(conn)
    .ok()?;
    let mut queues = QUEUES.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // One queue per file for the life of the process (a few bytes each).
    Some(*queues.entry(file).or_insert_with(|| Box::leak(Box::new(FairMutex::new(())))))
}

/// Runs `work` in a transaction that writes. On SQLite it begins `IMMEDIATE`, taking the
/// write lock up front: a deferred transaction that reads and then writes can fail with
/// `SQLITE_BUSY` when another connection wrote in between, and busy_timeout cannot help.
/// PostgreSQL uses a plain transaction. Must not be called inside another transaction.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if matches!(conn, DbConnection::Postgresql(_)) {
        return conn.transaction(work);
    }
    // Held until the transaction ends. A writer that waited out the busy timeout in the
    // queue goes on without its turn, and SQLite's own lock decides, as before.
    let mut _turn = None;
    if let DbConnection::Sqlite(inner) = conn {
        _turn =
            sqlite_writers(inner).and_then(|queue| queue.try_lock_for(Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS)));
        AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    }
    let outcome = work(conn);
    if let DbConnection::Sqlite(inner) = conn {
        match &outcome {
            Ok(_) => {
                if let Err(error) = AnsiTransactionManager::commit_transaction(inner) {
                    let _ = AnsiTransactionManager::rollback_transaction(inner);
                    return Err(error.into());
                }
            }
            Err(_) => AnsiTransactionManager::rollback_transaction(inner)?,
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_their_backend_by_scheme() {
        assert_eq!(
            DatabaseTarget::parse("sqlite://data/tidings.db").ok(),
            Some(DatabaseTarget::Sqlite(PathBuf::from("data/tidings.db")))
        );
        assert_eq!(DatabaseTarget::parse("/tmp/x.db").ok(), Some(DatabaseTarget::Sqlite(PathBuf::from("/tmp/x.db"))));
        assert!(matches!(DatabaseTarget::parse("postgres://u@h/db"), Ok(DatabaseTarget::Postgres(_))));
        assert!(matches!(DatabaseTarget::parse("mysql://u@h/db"), Err(DatabaseError::UnsupportedScheme(_))));
        assert!(matches!(DatabaseTarget::parse(""), Err(DatabaseError::Empty)));
    }

    #[test]
    fn passwords_never_reach_messages() {
        let Err(err) = DatabaseTarget::parse("mysql://ann:secret@h/db") else { panic!("refused") };
        assert!(!err.to_string().contains("secret"));
        assert_eq!(redact("postgres://ann:secret@h:5432/db"), "postgres://ann:***@h:5432/db");
    }
}
