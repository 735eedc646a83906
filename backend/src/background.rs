//! The background work of every feature, assembled: the job registry the
//! worker runs with, and what a worker process does when it starts. The
//! queue and the worker (`crate::jobs`) know no feature; this module does.

use std::sync::Arc;

use crate::app::AppState;
use crate::error::AppError;
use crate::jobs::{Registry, worker};
use crate::{mail, matching, notify, retention, tenders};

/// Every kind of job, with the code that runs it.
pub fn registry() -> Registry {
    Registry::default()
        .register::<mail::SendEmail>()
        .register::<tenders::service::CloseTender>()
        .register::<retention::Retention>()
        .register::<matching::ComputeMatches>()
        .register::<notify::NotifyMail>()
        .register::<notify::SendDigest>()
        .register::<notify::LastChance>()
        .register::<notify::WeeklySummary>()
}

/// Runs the worker until `shutdown`, after making sure today's clean-up
/// and the coming officers' summary are queued (once each, however many
/// processes start).
pub async fn run_worker(app: AppState, shutdown: impl std::future::Future<Output = ()>) {
    let now = app.clock.now();
    let scheduled = app
        .db
        .run(move |conn| {
            retention::schedule(conn, now.date(), now)?;
            notify::WeeklySummary::schedule_next(conn, now).map_err(AppError::from)
        })
        .await;
    if let Err(error) = scheduled {
        tracing::error!(
            ?error,
            "cannot queue the daily clean-up or the weekly summary"
        );
    }
    let lanes = app.config.worker_lanes as usize;
    worker::run_until(app, Arc::new(registry()), lanes, shutdown).await;
}
