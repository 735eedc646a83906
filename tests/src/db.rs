//! A fresh, empty database per test, on either backend.
//!
//! Socialbid supports SQLite and PostgreSQL with separate migration sets, so
//! every behaviour that touches the database should be tried on both. Each
//! test gets its own database so tests can run in parallel and never see
//! each other's rows. [`TestDb::new`] leaves the database empty: the
//! application runs its own migrations, and that is part of what the tests
//! check. [`TestDb::migrated`], for the many tests about everything else,
//! gives a PostgreSQL database a copy of one the application's migrations
//! were run on once, which is a fraction of the cost of running them again
//! in every test.

use std::path::Path;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::pg::PgConnection;
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl};
use rand::Rng;
use tempfile::TempDir;

/// Where [`TestDb::postgres`] creates its databases unless
/// `SOCIALBID_TEST_PG_URL` says otherwise (the server `scripts/test` starts).
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// Every database this harness creates starts with this prefix, so leftovers
/// are recognisable.
const PREFIX: &str = "sb_test_";

/// The databases [`TestDb::migrated`] copies: `sb_template_<hash of the
/// migrations>`, one per migration set, shared by every test process.
const TEMPLATE_PREFIX: &str = "sb_template_";

/// The advisory lock under which a template is made, so that test
/// processes starting together make it once.
const TEMPLATE_LOCK: i64 = 0x50C1_A1B1_D7E5;

/// Which database server a [`TestDb`] lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Both backends, for tests that loop over them.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A new empty database, deleted when this value is dropped.
///
/// Pass [`TestDb::url`] to the application as `DATABASE_URL`.
pub struct TestDb {
    url: String,
    backend: Backend,
    place: Place,
}

enum Place {
    /// The folder holding the SQLite file; removing it removes the database.
    Sqlite { _dir: TempDir },
    /// A database on a PostgreSQL server, dropped through the maintenance
    /// database at `admin_url`.
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh database on `backend`.
    pub fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres(),
        }
    }

    /// A SQLite database file in a new temporary folder, not yet created
    /// (the application creates it): `sqlite:///tmp/.../socialbid.db`.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("socialbid-sqlite-")
            .tempdir()
            .expect("cannot create a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("socialbid.db").display());
        TestDb {
            url,
            backend: Backend::Sqlite,
            place: Place::Sqlite { _dir: dir },
        }
    }

    /// A fresh database on `backend` that the application's migrations have
    /// already been run on: on PostgreSQL a copy of a template made once per
    /// migration set (see [`TestDb::new`] for one left empty); SQLite runs
    /// its migrations in milliseconds, so it is left to the application.
    pub fn migrated(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::on_postgres(true),
        }
    }

    /// A new empty database named `sb_test_<pid>_<counter>_<random>` on the
    /// PostgreSQL server at `SOCIALBID_TEST_PG_URL` (default
    /// [`DEFAULT_PG_URL`]; any database named in that URL is ignored).
    ///
    /// Also drops databases left behind by earlier test processes that were
    /// killed before they could clean up (a nextest timeout, say), once per
    /// process and only on a server on this machine, where a missing process
    /// id means the owner is gone.
    pub fn postgres() -> TestDb {
        TestDb::on_postgres(false)
    }

    /// A new database, empty or a copy of the migrated template.
    fn on_postgres(migrated: bool) -> TestDb {
        let server = std::env::var("SOCIALBID_TEST_PG_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_PG_URL.to_owned());
        let admin_url = with_database(&server, "postgres");
        let mut admin = connect(&admin_url);

        static CLEANUP: Once = Once::new();
        CLEANUP.call_once(|| drop_abandoned(&mut admin, &admin_url));

        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{PREFIX}{}_{}_{:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand::rng().random::<u32>()
        );
        let copy_of = if migrated {
            format!(" TEMPLATE \"{}\"", migrated_template(&server, &mut admin))
        } else {
            String::new()
        };
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"{copy_of}"))
            .execute(&mut admin)
            .unwrap_or_else(|e| panic!("cannot create database {name} on {admin_url}: {e}"));
        TestDb {
            url: with_database(&server, &name),
            backend: Backend::Postgres,
            place: Place::Postgres { admin_url, name },
        }
    }

    /// The connection URL, as `DATABASE_URL` takes it.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Place::Postgres { admin_url, name } = &self.place {
            // FORCE ends the connections the application may still hold.
            // No panic here: a panic while a failed test unwinds aborts the
            // process and hides the real failure.
            let result = PgConnection::establish(admin_url)
                .map_err(|e| e.to_string())
                .and_then(|mut admin| {
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin)
                        .map_err(|e| e.to_string())
                });
            if let Err(e) = result {
                eprintln!("warning: cannot drop test database {name}: {e}");
            }
        }
    }
}

/// `server` with its path replaced by `/<database>` (query kept).
fn with_database(server: &str, database: &str) -> String {
    let mut url = url::Url::parse(server)
        .unwrap_or_else(|e| panic!("SOCIALBID_TEST_PG_URL {server:?} is not a URL: {e}"));
    url.set_path(&format!("/{database}"));
    url.to_string()
}

fn connect(url: &str) -> PgConnection {
    PgConnection::establish(url).unwrap_or_else(|e| {
        panic!(
            "cannot connect to PostgreSQL at {url}: {e}\n\
             Is the server running? `bash scripts/test` starts it, or set \
             SOCIALBID_TEST_PG_URL to another server."
        )
    })
}

#[derive(QueryableByName)]
struct DatabaseName {
    #[diesel(sql_type = Text)]
    datname: String,
}

/// Drops `sb_test_<pid>_...` databases whose process no longer exists.
fn drop_abandoned(admin: &mut PgConnection, admin_url: &str) {
    let local = url::Url::parse(admin_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|h| matches!(h.as_str(), "127.0.0.1" | "localhost" | "[::1]" | "::1"));
    if !local {
        return;
    }
    let names = diesel::sql_query(format!(
        "SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"
    ))
    .load::<DatabaseName>(admin)
    .unwrap_or_default();
    for DatabaseName { datname } in names {
        let pid = datname[PREFIX.len()..].split('_').next().unwrap_or("");
        let alive = pid.is_empty() || Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"
            ))
            .execute(admin);
        }
    }
}

/// The name of the template holding this build's PostgreSQL migrations,
/// made now if no test process has made it yet: an empty database the
/// application's own migrations run on, renamed into place once they have
/// all succeeded. Templates of other migration sets are dropped meanwhile.
fn migrated_template(server: &str, admin: &mut PgConnection) -> String {
    let name = format!("{TEMPLATE_PREFIX}{}", migrations_hash());
    let exists = |admin: &mut PgConnection| {
        diesel::sql_query(format!(
            "SELECT datname FROM pg_database WHERE datname = '{name}'"
        ))
        .load::<DatabaseName>(admin)
        .map(|rows| !rows.is_empty())
        .unwrap_or_else(|e| panic!("cannot look for the template {name}: {e}"))
    };
    if exists(admin) {
        return name;
    }
    let lock = |admin: &mut PgConnection, how: &str| {
        diesel::sql_query(format!("SELECT {how}({TEMPLATE_LOCK})"))
            .execute(admin)
            .unwrap_or_else(|e| panic!("cannot {how} the template's lock: {e}"));
    };
    lock(admin, "pg_advisory_lock");
    if !exists(admin) {
        let others = diesel::sql_query(format!(
            "SELECT datname FROM pg_database WHERE datname LIKE '{TEMPLATE_PREFIX}%'"
        ))
        .load::<DatabaseName>(admin)
        .unwrap_or_default();
        for DatabaseName { datname } in others {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"
            ))
            .execute(admin);
        }
        let building = format!("{name}_building");
        for statement in [
            format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{building}\""),
        ] {
            diesel::sql_query(statement)
                .execute(admin)
                .unwrap_or_else(|e| panic!("cannot make the template {building}: {e}"));
        }
        {
            let db = socialbid::db::Db::connect(&with_database(server, &building), 1)
                .unwrap_or_else(|e| panic!("cannot connect to {building}: {e}"));
            db.migrate()
                .unwrap_or_else(|e| panic!("the migrations fail on {building}: {e}"));
        }
        diesel::sql_query(format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
        ))
        .execute(admin)
        .unwrap_or_else(|e| panic!("cannot rename {building} to {name}: {e}"));
    }
    lock(admin, "pg_advisory_unlock");
    name
}

/// A hash of every PostgreSQL migration file, names and contents: another
/// migration set gets another template.
fn migrations_hash() -> String {
    use sha2::{Digest, Sha256};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hash = Sha256::new();
    for file in files {
        let relative = file.strip_prefix(&root).expect("beneath the root");
        hash.update(relative.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(&file).expect("a migration file"));
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..8])
}
