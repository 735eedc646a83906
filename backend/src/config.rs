//! Configuration: environment variables only, each documented here, in the
//! README and in `.env.example`. Every subcommand reads the same set.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use crate::auth::password::HashCost;
use crate::db::Backend;

/// The variables as clap reads them; see [`Config`] for the resolved values.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "SOCIALBID_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder for the embedded database, the JWT key, the search index and
    /// mail written to files.
    #[arg(long, env = "SOCIALBID_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `postgres://user@host/db` for PostgreSQL; default: SQLite in the data
    /// folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// `smtp://host:port` or `smtps://user:pass@host`; unset: mail is written
    /// as .eml files under the data folder.
    #[arg(long, env = "SOCIALBID_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Key that signs access tokens (at least 32 characters). Required with
    /// PostgreSQL; with SQLite one is generated in the data folder.
    #[arg(long, env = "SOCIALBID_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Key that seals bid content at rest (64 hex digits, 32 bytes).
    /// Required with PostgreSQL; with SQLite one is generated in the data
    /// folder. Losing it loses every bid sealed with it.
    #[arg(long, env = "SOCIALBID_BID_KEY", hide_env_values = true)]
    pub bid_key: Option<String>,
    /// The address people reach the service at, for links in mail.
    #[arg(long, env = "SOCIALBID_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Sender of every mail.
    #[arg(
        long,
        env = "SOCIALBID_MAIL_FROM",
        default_value = "Socialbid <noreply@socialbid.localhost>"
    )]
    pub mail_from: String,
    /// Where the footer's accessibility statement link points.
    #[arg(
        long,
        env = "SOCIALBID_ACCESSIBILITY_URL",
        default_value = "/accessibility"
    )]
    pub accessibility_url: String,
    /// The day this instance's accessibility statement was made
    /// (YYYY-MM-DD); the statement shows it, as the law asks.
    #[arg(
        long,
        env = "SOCIALBID_ACCESSIBILITY_PREPARED_ON",
        default_value = "2026-12-02"
    )]
    pub accessibility_prepared_on: NaiveDate,
    /// The day the statement was last reviewed (YYYY-MM-DD; at least once a
    /// year). Unset: the day it was made.
    #[arg(long, env = "SOCIALBID_ACCESSIBILITY_REVIEWED_ON")]
    pub accessibility_reviewed_on: Option<NaiveDate>,
    /// Who runs this instance, named in the header ("Drives af ...").
    #[arg(long, env = "SOCIALBID_OPERATOR_NAME", default_value = "Socialbid")]
    pub operator_name: String,
    /// A phone number for contact and accessibility feedback, shown in the
    /// footer and the accessibility statement when set.
    #[arg(long, env = "SOCIALBID_CONTACT_PHONE")]
    pub contact_phone: Option<String>,
    /// Contact address shown in the footer.
    #[arg(
        long,
        env = "SOCIALBID_CONTACT_EMAIL",
        default_value = "kontakt@socialbid.localhost"
    )]
    pub contact_email: String,
    /// Connections in the database pool.
    #[arg(long, env = "SOCIALBID_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
    /// Behind a reverse proxy: take the caller's address from the last
    /// entry of `X-Forwarded-For` (the one the proxy added). Only turn on
    /// when every request passes the proxy, or callers can pick their own.
    #[arg(long, env = "SOCIALBID_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,
    /// The prefix of every OCDS `ocid`. A public deployment registers its
    /// own with the Open Contracting Partnership.
    #[arg(long, env = "SOCIALBID_OCID_PREFIX", default_value = "ocds-socialbid")]
    pub ocid_prefix: String,
    /// At most this many mails a second leave each process (a provider's
    /// quota); unset or 0: as fast as the SMTP server takes them.
    #[arg(long, env = "SOCIALBID_MAIL_RATE")]
    pub mail_rate: Option<u32>,
    /// SMTP connections each process keeps open and reuses.
    #[arg(long, env = "SOCIALBID_SMTP_CONNECTIONS", default_value_t = 4)]
    pub smtp_connections: u32,
    /// Lanes each worker runs. A lane claims up to 8 due jobs together,
    /// runs them at the same time and records their ends in one
    /// transaction; a mail job spends most of its time waiting (for the
    /// database to flush a commit, for the SMTP server), so several lanes
    /// keep the process busy. Each running job holds a connection of the
    /// pool while it talks to the database, and in `serve` the pages share
    /// that pool: raise both together.
    #[arg(long, env = "SOCIALBID_WORKER_LANES", default_value_t = 4)]
    pub worker_lanes: u32,
    /// How long, in milliseconds, a public page or open-data response that
    /// every anonymous visitor gets alike is served again without being
    /// made anew (`web::page_cache`); 0 makes every one anew.
    #[arg(long, env = "SOCIALBID_PAGE_CACHE_MS", default_value_t = 1000)]
    pub page_cache_ms: u64,
    /// What hashing a new password costs: `standard` (argon2id, 19 MiB,
    /// two passes); `minimal` is for test suites only.
    #[arg(long, env = "SOCIALBID_PASSWORD_COST", value_enum, default_value_t = HashCost::Standard)]
    pub password_cost: HashCost,
}

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub smtp_url: Option<SecretString>,
    pub jwt_secret: SecretString,
    /// `None`: the key file in the data folder (the embedded default).
    pub bid_key: Option<SecretString>,
    pub public_url: String,
    pub mail_from: String,
    pub accessibility_url: String,
    pub accessibility_prepared_on: NaiveDate,
    pub accessibility_reviewed_on: NaiveDate,
    pub contact_email: String,
    pub operator_name: String,
    pub contact_phone: Option<String>,
    pub db_pool_size: u32,
    pub trust_forwarded_for: bool,
    pub ocid_prefix: String,
    pub mail_rate: Option<u32>,
    pub smtp_connections: u32,
    pub worker_lanes: u32,
    pub page_cache_ms: u64,
    pub password_cost: HashCost,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("backend", &Backend::from_url(&self.database_url).name())
            .field("smtp", &self.smtp_url.is_some())
            .field("public_url", &self.public_url)
            .field("password_cost", &self.password_cost)
            .finish_non_exhaustive()
    }
}

const MIN_SECRET_LEN: usize = 32;
const SECRET_FILE: &str = "jwt-secret";

impl Settings {
    /// `DATABASE_URL`, or SQLite in the data folder (which is created).
    pub fn resolved_database_url(&self) -> anyhow::Result<String> {
        fs::create_dir_all(&self.data_dir).with_context(|| {
            format!("cannot create the data folder {}", self.data_dir.display())
        })?;
        Ok(self
            .database_url
            .clone()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| {
                format!("sqlite://{}", self.data_dir.join("socialbid.db").display())
            }))
    }
}

impl Config {
    pub fn from_settings(settings: Settings) -> anyhow::Result<Config> {
        let database_url = settings.resolved_database_url()?;
        let data_dir = settings.data_dir;
        let backend = Backend::from_url(&database_url);
        let jwt_secret = match settings.jwt_secret.filter(|s| !s.is_empty()) {
            Some(secret) if secret.len() < MIN_SECRET_LEN => {
                bail!("SOCIALBID_JWT_SECRET must be at least {MIN_SECRET_LEN} characters long")
            }
            Some(secret) => SecretString::from(secret),
            None if backend == Backend::Postgres => bail!(
                "SOCIALBID_JWT_SECRET is required with PostgreSQL: every replica must sign \
                 tokens with the same key (at least {MIN_SECRET_LEN} characters)"
            ),
            None => load_or_create_secret(&data_dir)?,
        };
        let bid_key = settings.bid_key.filter(|k| !k.trim().is_empty());
        if bid_key.is_none() && backend == Backend::Postgres {
            bail!(
                "SOCIALBID_BID_KEY is required with PostgreSQL: every replica must open the \
                 bids the others sealed (64 hex digits, e.g. `openssl rand -hex 32`)"
            )
        }
        let prepared_on = settings.accessibility_prepared_on;
        let reviewed_on = settings.accessibility_reviewed_on.unwrap_or(prepared_on);
        if reviewed_on < prepared_on {
            bail!(
                "SOCIALBID_ACCESSIBILITY_REVIEWED_ON ({reviewed_on}) is before \
                 SOCIALBID_ACCESSIBILITY_PREPARED_ON ({prepared_on}): a statement is reviewed after it is made"
            )
        }
        let public_url = settings
            .public_url
            .unwrap_or_else(|| format!("http://{}", settings.addr))
            .trim_end_matches('/')
            .to_owned();
        if settings.password_cost == HashCost::Minimal {
            tracing::warn!(
                "SOCIALBID_PASSWORD_COST=minimal: new passwords are hashed for a test suite, \
                 far too cheaply for real accounts"
            );
        }
        Ok(Config {
            addr: settings.addr,
            data_dir,
            database_url,
            smtp_url: settings
                .smtp_url
                .filter(|s| !s.is_empty())
                .map(SecretString::from),
            jwt_secret,
            bid_key: bid_key.map(SecretString::from),
            public_url,
            mail_from: settings.mail_from,
            accessibility_url: settings.accessibility_url,
            accessibility_prepared_on: prepared_on,
            accessibility_reviewed_on: reviewed_on,
            contact_email: settings.contact_email,
            operator_name: settings.operator_name,
            contact_phone: settings.contact_phone.filter(|p| !p.trim().is_empty()),
            db_pool_size: settings.db_pool_size.max(1),
            trust_forwarded_for: settings.trust_forwarded_for,
            ocid_prefix: settings.ocid_prefix,
            mail_rate: settings.mail_rate.filter(|r| *r > 0),
            smtp_connections: settings.smtp_connections.max(1),
            worker_lanes: settings.worker_lanes.max(1),
            page_cache_ms: settings.page_cache_ms,
            password_cost: settings.password_cost,
        })
    }

    pub fn backend(&self) -> Backend {
        Backend::from_url(&self.database_url)
    }

    /// The service is reached over HTTPS: cookies get the `Secure` flag and
    /// the `__Host-` prefix, and responses carry HSTS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.to_ascii_lowercase().starts_with("https://")
    }

    /// The name a session or CSRF cookie goes by. Over HTTPS it has the
    /// `__Host-` prefix, which browsers accept only on a Secure cookie for
    /// this exact host and path `/`, so neither a sibling subdomain nor a
    /// plain-http page can plant or overwrite it.
    pub fn cookie_name(&self, name: &str) -> String {
        if self.secure_cookies() {
            format!("__Host-{name}")
        } else {
            name.to_owned()
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn jwt_secret_bytes(&self) -> &[u8] {
        self.jwt_secret.expose_secret().as_bytes()
    }
}

/// The embedded default keeps its signing key beside the database, readable
/// by the owner only, so tokens survive a restart without any configuration.
fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    let path = data_dir.join(SECRET_FILE);
    if path.exists() {
        let secret =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let secret = secret.trim().to_owned();
        if secret.len() < MIN_SECRET_LEN {
            bail!(
                "{} is shorter than {MIN_SECRET_LEN} characters",
                path.display()
            );
        }
        return Ok(SecretString::from(secret));
    }
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new token signing key");
    Ok(SecretString::from(secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings(args: &[&str]) -> Settings {
        let mut all = vec!["test"];
        all.extend_from_slice(args);
        Wrapper::parse_from(all).settings
    }

    #[test]
    fn embedded_default_generates_a_private_key_once() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let args = ["--data-dir", data.to_str().unwrap()];
        let first = Config::from_settings(settings(&args)).unwrap();
        let second = Config::from_settings(settings(&args)).unwrap();
        assert_eq!(first.jwt_secret_bytes(), second.jwt_secret_bytes());
        assert!(first.database_url.starts_with("sqlite://"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(data.join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn postgres_requires_a_configured_key() {
        let dir = tempfile::tempdir().unwrap();
        let error = Config::from_settings(settings(&[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--database-url",
            "postgres://localhost/x",
        ]))
        .unwrap_err();
        assert!(
            error.to_string().contains("SOCIALBID_JWT_SECRET"),
            "{error}"
        );
    }

    #[test]
    fn short_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = Config::from_settings(settings(&[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--jwt-secret",
            "short",
        ]))
        .unwrap_err();
        assert!(error.to_string().contains("at least 32"), "{error}");
    }

    #[test]
    fn the_accessibility_statement_is_reviewed_after_it_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let made = [
            "--data-dir",
            data,
            "--accessibility-prepared-on",
            "2026-09-01",
        ];
        let unreviewed = Config::from_settings(settings(&made)).unwrap();
        assert_eq!(
            unreviewed.accessibility_reviewed_on,
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
        );
        let mut backwards = made.to_vec();
        backwards.extend(["--accessibility-reviewed-on", "2026-08-31"]);
        let error = Config::from_settings(settings(&backwards)).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("SOCIALBID_ACCESSIBILITY_REVIEWED_ON"),
            "{error}"
        );
    }
}
