//! The worker: claims due jobs and runs them, several at a time, with the code
//! the [`Registry`] names for their kind. It runs inside `socialbid serve`
//! by default, or alone as `socialbid worker`; several workers may share
//! one PostgreSQL database.

use std::sync::Arc;
use std::time::Duration;

use crate::app::AppState;
use crate::error::AppError;
use crate::jobs::{self, ClaimedJob, JobContext, Registry};

const IDLE_POLL: Duration = Duration::from_millis(500);

/// Why a job is given up after its worker died while its effect was under
/// way: the mail may have been delivered, and sending it again would be the
/// duplicate people learn to ignore. A person can ask again (a new link);
/// nobody can take back a second mail.
pub const INTERRUPTED: &str =
    "the worker stopped while this job's effect was under way; not repeated, it may have happened";

/// Jobs a lane claims together. They run at the same time, and the
/// successes among them are recorded in one transaction: a mail job's own
/// work is one round trip to the database, and the claim and the
/// completion would otherwise cost six more. A worker that dies leaves at
/// most this many mails per lane interrupted.
pub const BATCH: i64 = 8;

/// Runs jobs one at a time until none is due; returns how many ran
/// (succeeded or not). Tests and the command line use it, so what a job
/// does is over when it returns.
pub async fn run_due_jobs(app: &AppState, registry: &Registry) -> anyhow::Result<usize> {
    let mut ran = 0;
    loop {
        let batch = run_batch(app, registry, 1).await?;
        if batch == 0 {
            return Ok(ran);
        }
        ran += batch;
    }
}

/// Runs jobs until `shutdown` completes in `lanes` lanes of up to
/// [`BATCH`] jobs each, each lane polling when the queue is empty. Lanes claim as separate workers do
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
        let idle = match run_batch(&app, registry, BATCH).await {
            Ok(ran) => ran == 0,
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

/// Claims up to `size` due jobs, runs them together and records how each
/// ended; returns how many it claimed.
async fn run_batch(app: &AppState, registry: &Registry, size: i64) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let leaving = registry.leaving_the_database().to_vec();
    let claimed = db(app, move |conn| jobs::claim(conn, now, &leaving, size)).await?;
    let count = claimed.len();
    let outcomes =
        futures_util::future::join_all(claimed.into_iter().map(|job| run_one(app, registry, job)))
            .await;
    let mut succeeded = Vec::new();
    for (job, outcome) in outcomes {
        match outcome {
            Outcome::Done(kept) => succeeded.push((job, kept)),
            Outcome::Interrupted => {
                let (id, kept) = (job.id, registry.redact(&job.kind, &job.payload));
                db(app, move |conn| {
                    jobs::give_up(conn, id, INTERRUPTED, kept, now)
                })
                .await?;
            }
            Outcome::Failed(error) => fail(app, registry, job, error).await?,
        }
    }
    if !succeeded.is_empty() {
        let now = app.clock.now();
        let records: Vec<_> = succeeded
            .into_iter()
            .map(|(job, kept)| (registry.record_done(&job.kind), job, kept))
            .collect();
        db(app, move |conn| {
            crate::db::write_transaction(conn, |conn| {
                crate::db::commit_without_waiting_for_the_disk(conn)?;
                for (record_done, job, kept) in records {
                    let context = JobContext {
                        id: job.id,
                        attempt: job.attempts,
                    };
                    record_done(&job.payload, conn, context, now)?;
                    jobs::complete(conn, job.id, kept, now)?;
                }
                Ok(())
            })
        })
        .await?;
    }
    if count > 0 {
        // A job may have changed what a public page shows (a tender closed
        // at its deadline, matches stored).
        app.page_cache.forget();
    }
    Ok(count)
}

enum Outcome {
    /// Succeeded, keeping this payload.
    Done(String),
    /// An earlier attempt began its effect and never recorded the end.
    Interrupted,
    Failed(anyhow::Error),
}

async fn run_one(app: &AppState, registry: &Registry, job: ClaimedJob) -> (ClaimedJob, Outcome) {
    if job.begun_before {
        tracing::warn!(job = %job.id, kind = %job.kind, "{INTERRUPTED}");
        app.metrics.job_failed();
        return (job, Outcome::Interrupted);
    }
    let context = JobContext {
        id: job.id,
        attempt: job.attempts,
    };
    let outcome = match registry.run(app, &job.kind, context, &job.payload).await {
        Ok(kept) => {
            app.metrics.job_succeeded();
            Outcome::Done(kept)
        }
        Err(error) => {
            app.metrics.job_failed();
            Outcome::Failed(error)
        }
    };
    (job, outcome)
}

/// Gives the job up (a permanent failure) or lets it be tried again later.
async fn fail(
    app: &AppState,
    registry: &Registry,
    job: ClaimedJob,
    error: anyhow::Error,
) -> anyhow::Result<()> {
    let now = app.clock.now();
    let id = job.id;
    let message = crate::mail::mask_addresses(&format!("{error:#}"));
    tracing::warn!(job = %id, kind = %job.kind, attempt = job.attempts, error = %message, "job failed");
    let redacted = registry.redact(&job.kind, &job.payload);
    if error.downcast_ref::<jobs::Permanent>().is_some() {
        db(app, move |conn| {
            jobs::give_up(conn, id, &message, redacted, now)
        })
        .await
    } else {
        db(app, move |conn| {
            jobs::fail(conn, &job, &message, redacted, now)
        })
        .await
    }
}
