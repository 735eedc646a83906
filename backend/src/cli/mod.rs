//! The `socialbid` command: `serve`, `worker`, `migrate`, `reindex`, `demo`,
//! `admin`.

mod admin;
mod reindex;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;

#[derive(Parser)]
#[command(
    name = "socialbid",
    version,
    about = "Socialbid: public procurement that rewards social value",
    long_about = "Socialbid: public procurement that rewards social value.\n\n\
                  With no configuration, `socialbid serve` runs everything in one process: \
                  SQLite, the job worker and mail written to files, all under ./data."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the JSON API. With the embedded SQLite
    /// database it applies pending migrations first; it runs the job worker
    /// in the same process unless told not to.
    ///
    /// Reads SOCIALBID_ADDR, SOCIALBID_DATA_DIR, DATABASE_URL,
    /// SOCIALBID_SMTP_URL, SOCIALBID_JWT_SECRET, SOCIALBID_PUBLIC_URL,
    /// SOCIALBID_MAIL_FROM, SOCIALBID_ACCESSIBILITY_URL,
    /// SOCIALBID_CONTACT_EMAIL, SOCIALBID_CONTACT_PHONE,
    /// SOCIALBID_OPERATOR_NAME, SOCIALBID_DB_POOL_SIZE,
    /// SOCIALBID_EMBEDDED_WORKER, SOCIALBID_TRUST_FORWARDED_FOR,
    /// SOCIALBID_OCID_PREFIX and RUST_LOG.
    Serve(serve::ServeArgs),
    /// Run the job worker alone, with its own search index following the
    /// change feed.
    /// Several workers may share one PostgreSQL database.
    ///
    /// Reads the same variables as `serve`.
    Worker {
        #[command(flatten)]
        settings: Settings,
    },
    /// Apply pending database migrations and exit.
    ///
    /// Reads DATABASE_URL and SOCIALBID_DATA_DIR (and the others, unused).
    Migrate {
        #[command(flatten)]
        settings: Settings,
    },
    /// Fill the database with a believable Danish demo (municipalities,
    /// officers, social enterprises, tenders) and print a login for each
    /// role. Running it again adds nothing twice.
    ///
    /// Reads the same variables as `serve`.
    Demo {
        #[command(flatten)]
        settings: Settings,
    },
    /// Rebuild this machine's search indexes from the database, with a
    /// progress bar. Index folders that a running `serve` or `worker` holds
    /// are left to it (it follows every change by itself).
    ///
    /// Reads DATABASE_URL and SOCIALBID_DATA_DIR.
    Reindex {
        #[command(flatten)]
        settings: Settings,
    },
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        task: admin::AdminTask,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("socialbid: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::serve(args).await,
            Command::Worker { settings } => serve::worker(settings).await,
            Command::Migrate { settings } => serve::migrate(settings),
            Command::Demo { settings } => serve::demo(settings).await,
            Command::Reindex { settings } => reindex::reindex(settings).await,
            Command::Admin { task } => admin::run(task).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("socialbid: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Human-readable logs on a terminal, JSON lines with
/// `SOCIALBID_LOG_FORMAT=json`; `RUST_LOG` filters (default `info`).
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("SOCIALBID_LOG_FORMAT").is_ok_and(|v| v == "json");
    // Colour codes only for a person at a terminal: a log file or journal
    // gets plain text (and a non-empty `NO_COLOR` is honoured, as
    // no-color.org asks).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
