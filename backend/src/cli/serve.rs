//! `serve`, `worker` and `migrate`.

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::app::AppState;
use crate::background;
use crate::config::{Config, Settings};
use crate::db::Backend;
use crate::router::router;
use crate::search;

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    settings: Settings,
    /// Run the job worker inside this process. Turn it off on replicas when
    /// separate `socialbid worker` processes do the work.
    #[arg(long, env = "SOCIALBID_EMBEDDED_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    embedded_worker: bool,
    /// Fill the database with the demo first (as `socialbid demo` does) and
    /// print its logins.
    #[arg(long)]
    demo: bool,
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = Config::from_settings(args.settings)?;
    tracing::info!(?config, "starting");
    let app = AppState::new(config)?;
    prepare_database(&app)?;
    if args.demo {
        print_demo(&app).await?;
    }
    search::start(&app).await?;
    let listener = TcpListener::bind(app.config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", app.config.addr))?;
    tracing::info!(addr = %app.config.addr, url = %app.config.public_url, "serving");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let follower = spawn_follower(&app, stop_rx.clone());
    let worker_task = args.embedded_worker.then(|| {
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            background::run_worker(app, async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            })
            .await
        })
    });
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop_tx.send(true);
    if let Some(task) = worker_task {
        let _ = task.await;
    }
    let _ = follower.await;
    tracing::info!("stopped");
    Ok(())
}

/// The embedded database migrates itself, and says so; a shared PostgreSQL
/// is migrated by an explicit `socialbid migrate`, so several replicas never
/// race to change the schema.
fn prepare_database(app: &AppState) -> anyhow::Result<()> {
    match app.db.backend() {
        Backend::Sqlite => {
            let applied = app.db.migrate()?;
            if applied.is_empty() {
                tracing::info!("the embedded database is up to date");
            } else {
                tracing::info!(migrations = ?applied, "applied migrations to the embedded database");
            }
        }
        Backend::Postgres => {
            if app.db.has_pending_migrations()? {
                bail!(
                    "the PostgreSQL database has pending migrations: run `socialbid migrate` first"
                );
            }
        }
    }
    Ok(())
}

pub async fn demo(settings: Settings) -> anyhow::Result<()> {
    let app = AppState::new(Config::from_settings(settings)?)?;
    prepare_database(&app)?;
    print_demo(&app).await
}

async fn print_demo(app: &AppState) -> anyhow::Result<()> {
    let logins = crate::demo::run(app).await?;
    println!(
        "Demo logins (every password: {}):",
        crate::demo::DEMO_PASSWORD
    );
    for login in logins {
        println!("  {:<13} {:<48} {}", login.role, login.email, login.note);
    }
    println!("Open {} and log in.", app.config.public_url);
    Ok(())
}

pub async fn worker(settings: Settings) -> anyhow::Result<()> {
    let config = Config::from_settings(settings)?;
    let app = AppState::new(config)?;
    if app.db.has_pending_migrations()? {
        bail!("the database has pending migrations: run `socialbid migrate` first");
    }
    search::start(&app).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let follower = spawn_follower(&app, stop_rx);
    tracing::info!("job worker running");
    background::run_worker(app, shutdown_signal()).await;
    let _ = stop_tx.send(true);
    let _ = follower.await;
    Ok(())
}

/// Keeps this process's search indexes following the change feed until
/// `stop` turns true.
fn spawn_follower(
    app: &AppState,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let app = app.clone();
    tokio::spawn(async move {
        search::follow(app, async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        })
        .await;
    })
}

pub fn migrate(settings: Settings) -> anyhow::Result<()> {
    // Migrating needs only the database: no signing key, no mail.
    let db = crate::db::Db::connect(&settings.resolved_database_url()?, 1)?;
    let applied = db.migrate()?;
    if applied.is_empty() {
        println!("The {} database is up to date.", db.backend().name());
    } else {
        println!(
            "Applied {} migration(s) to the {} database:",
            applied.len(),
            db.backend().name()
        );
        for version in applied {
            println!("  {version}");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
