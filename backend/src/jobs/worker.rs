//! The worker: claims due jobs one at a time and runs them with the code
//! the [`Registry`] names for their kind. It runs inside `socialbid serve`
//! by default, or alone as `socialbid worker`; several workers may share
//! one PostgreSQL database.

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

/// Runs jobs until `shutdown` completes, polling when the queue is empty.
pub async fn run_until(
    app: AppState,
    registry: &Registry,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
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
                _ = &mut shutdown => return,
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
    let Some(job) = db(app, move |conn| jobs::claim(conn, now)).await? else {
        return Ok(false);
    };
    let id = job.id;
    let leaves_the_database = registry.leaves_the_database(&job.kind);
    if leaves_the_database {
        if job.started_at.is_some() {
            tracing::warn!(job = %id, kind = %job.kind, "{INTERRUPTED}");
            app.metrics.job_failed();
            let kept = registry.redact(&job.kind, &job.payload);
            db(app, move |conn| {
                jobs::give_up(conn, id, INTERRUPTED, kept, now)
            })
            .await?;
            return Ok(true);
        }
        // Committed before the effect begins: a worker that dies from here
        // on leaves the mark for whoever takes the job over.
        db(app, move |conn| jobs::mark_started(conn, id, now)).await?;
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
            db(app, move |conn| jobs::complete(conn, id, kept_payload, now)).await?;
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
