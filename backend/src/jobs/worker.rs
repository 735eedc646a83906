//! The worker: claims due jobs one at a time and runs them. It runs inside
//! `socialbid serve` by default, or alone as `socialbid worker`; several
//! workers may share one PostgreSQL database.

use std::time::Duration;

use crate::app::AppState;
use crate::error::AppError;
use crate::jobs::{self, ClaimedJob};
use crate::mail::{self, SendEmail};

const IDLE_POLL: Duration = Duration::from_millis(500);

/// Runs jobs until none is due; returns how many ran (succeeded or not).
pub async fn run_due_jobs(app: &AppState) -> anyhow::Result<usize> {
    let mut ran = 0;
    while run_next(app).await? {
        ran += 1;
    }
    Ok(ran)
}

/// Runs jobs until `shutdown` completes, polling when the queue is empty.
pub async fn run_until(app: AppState, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let idle = match run_next(&app).await {
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

async fn run_next(app: &AppState) -> anyhow::Result<bool> {
    let now = app.clock.now();
    let claimed = app
        .db
        .run(move |conn| jobs::claim(conn, now).map_err(AppError::from))
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let Some(job) = claimed else {
        return Ok(false);
    };
    let outcome = perform(app, &job).await;
    let now = app.clock.now();
    let id = job.id;
    match outcome {
        Ok(kept_payload) => {
            app.metrics.job_succeeded();
            app.db
                .run(move |conn| {
                    jobs::complete(conn, id, kept_payload, now).map_err(AppError::from)
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
        Err(error) => {
            let message = format!("{error:#}");
            tracing::warn!(job = id, kind = %job.kind, attempt = job.attempts, error = %message, "job failed");
            app.metrics.job_failed();
            app.db
                .run(move |conn| jobs::fail(conn, &job, &message, now).map_err(AppError::from))
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
    }
    Ok(true)
}

/// Runs one job and returns what its row keeps once done.
async fn perform(app: &AppState, job: &ClaimedJob) -> anyhow::Result<String> {
    match job.kind.as_str() {
        <SendEmail as jobs::Job>::KIND => {
            let email: SendEmail = serde_json::from_str(&job.payload)?;
            mail::deliver(app, &email).await?;
            Ok(email.record())
        }
        <crate::tenders::service::CloseTender as jobs::Job>::KIND => {
            let job: crate::tenders::service::CloseTender = serde_json::from_str(&job.payload)?;
            let closed = crate::tenders::service::close_if_due(app, &job)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok(serde_json::json!({ "tender_id": job.tender_id, "closed": closed }).to_string())
        }
        other => anyhow::bail!("no worker knows the job kind {other:?}"),
    }
}
