//! The worker: claims due jobs and runs them, several at a time, with the code
//! the [`Registry`] names for their kind. It runs inside `socialbid serve`
//! by default, or alone as `socialbid worker`; several workers may share
//! one PostgreSQL database.

use std::sync::Arc;
use std::time::Duration;

use crate::app::AppState;
use crate::error::AppError;
use crate::jobs::{self, JobContext, Registry};

const IDLE_POLL: Duration = Duration::from_millis(500);

/// Why a job is given up after its worker died while its effect was under
/// way: the mail may have been delivered, and sending it again would be the
/// duplicate people learn to ignore. A person can ask again (a new link);
/// nobody can take back a second mail.
pub const INTERRUPTED: &str =
    "the worker stopped while this job's effect was under way; not repeated, it may have happened";

/// Runs jobs until none is due; returns how many ran (succeeded or not).
pub async fn run_due_jobs(app: &AppState, registry: &Registry) -> anyhow::Result<usize> {
    let mut ran = 0;
    while run_next(app, registry).await? {
        ran += 1;
    }
    Ok(ran)
}

/// Runs jobs until `shutdown` completes, `lanes` at a time, each lane
/// polling when the queue is empty. Lanes claim as separate workers do
/// (`FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer on SQLite), so a
/// lane is as safe as another process; a job under way when `shutdown`
/// comes is finished first.
pub async fn run_until(
    app: AppState,
    registry: Arc<Registry>,
    lanes: usize,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..lanes.max(1) {
        let (app, registry, stop) = (app.clone(), registry.clone(), stop_rx.clone());
        running.spawn(async move { run_lane(app, &registry, stop).await });
    }
    shutdown.await;
    let _ = stop_tx.send(true);
    while running.join_next().await.is_some() {}
}

async fn run_lane(
    app: AppState,
    registry: &Registry,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        let idle = match run_next(&app, registry).await {
            Ok(ran) => !ran,
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "the job worker cannot reach the database"
                );
                true
            }
        };
        if idle {
            tokio::select! {
                _ = stop.wait_for(|stopped| *stopped) => return,
                _ = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }
}

async fn db<T: Send + 'static>(
    app: &AppState,
    f: impl FnOnce(&mut crate::db::DbConn) -> diesel::QueryResult<T> + Send + 'static,
) -> anyhow::Result<T> {
    app.db
        .run(move |conn| f(conn).map_err(AppError::from))
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))
}

async fn run_next(app: &AppState, registry: &Registry) -> anyhow::Result<bool> {
    let now = app.clock.now();
    let leaving = registry.leaving_the_database();
    let Some(job) = db(app, move |conn| jobs::claim(conn, now, &leaving)).await? else {
        return Ok(false);
    };
    let id = job.id;
    if job.begun_before {
        tracing::warn!(job = %id, kind = %job.kind, "{INTERRUPTED}");
        app.metrics.job_failed();
        let kept = registry.redact(&job.kind, &job.payload);
        db(app, move |conn| {
            jobs::give_up(conn, id, INTERRUPTED, kept, now)
        })
        .await?;
        return Ok(true);
    }
    let context = JobContext {
        id,
        attempt: job.attempts,
    };
    let outcome = registry.run(app, &job.kind, context, &job.payload).await;
    let now = app.clock.now();
    match outcome {
        Ok(kept_payload) => {
            app.metrics.job_succeeded();
            let record_done = registry.record_done(&job.kind);
            db(app, move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    crate::db::commit_without_waiting_for_the_disk(conn)?;
                    record_done(&job.payload, conn, context, now)?;
                    jobs::complete(conn, id, kept_payload, now)
                })
            })
            .await?;
        }
        Err(error) => {
            let message = crate::mail::mask_addresses(&format!("{error:#}"));
            tracing::warn!(job = %id, kind = %job.kind, attempt = job.attempts, error = %message, "job failed");
            app.metrics.job_failed();
            let redacted = registry.redact(&job.kind, &job.payload);
            if error.downcast_ref::<jobs::Permanent>().is_some() {
                db(app, move |conn| {
                    jobs::give_up(conn, id, &message, redacted, now)
                })
                .await?;
            } else {
                db(app, move |conn| {
                    jobs::fail(conn, &job, &message, redacted, now)
                })
                .await?;
            }
        }
    }
    Ok(true)
}
