//! Retention: what the platform keeps only as long as it serves a purpose.
//! A job runs once a day and deletes, in one transaction each:
//!
//! | what | kept for |
//! |---|---|
//! | finished jobs (who was mailed what, masked) | 30 days after they finished |
//! | jobs given up (with their reason, for admins) | 90 days after they were given up |
//! | sessions | 30 days after they expired or were revoked |
//! | e-mail links (verification, reset) | 7 days after they were used or expired |
//! | failed login attempts | 1 day (the limits look back 15 minutes) |
//! | rate-limit counters | until their window has passed |
//! | uploads a crash interrupted (`*.part` files) | 1 day after their last write |
//! | sealed bid documents no row names (their bid was deleted, or a crash came between file and row) | 1 day after they were written |
//!
//! The audit log is never deleted: accountability outlives everything else.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::db::schema::{email_tokens, jobs, login_attempts, rate_limits, sessions};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::jobs::{self as queue, BackgroundJob, Job, JobContext};

pub const FINISHED_JOBS_DAYS: i64 = 30;
pub const FAILED_JOBS_DAYS: i64 = 90;
pub const SESSIONS_DAYS: i64 = 30;
pub const EMAIL_LINKS_DAYS: i64 = 7;
pub const LOGIN_ATTEMPTS_DAYS: i64 = 1;
/// Far longer than any upload takes, so one in progress is never touched.
pub const PARTIAL_UPLOADS_DAYS: i64 = 1;

/// The clean-up of one day; the next day's is queued when it runs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Retention {
    pub day: NaiveDate,
}

impl Job for Retention {
    const KIND: &'static str = "retention";
}

impl BackgroundJob for Retention {
    async fn run(self, app: AppState, _: JobContext) -> anyhow::Result<String> {
        let now = app.clock.now();
        let next = self.day.succ_opt().unwrap_or(self.day);
        let mut deleted = app
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let deleted = delete_expired(conn, now)?;
                    schedule(conn, next, now)?;
                    Ok::<_, AppError>(deleted)
                })
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let cutoff = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(
                u64::try_from(
                    (now - Duration::days(PARTIAL_UPLOADS_DAYS))
                        .and_utc()
                        .timestamp(),
                )
                .unwrap_or(0),
            );
        deleted.partial_uploads =
            crate::tenders::documents::sweep_interrupted_uploads(&app, cutoff).await?;
        let folder = crate::bids::documents::store::folder(&app);
        deleted.orphaned_bid_documents = app
            .db
            .run(move |conn| {
                crate::bids::documents::store::sweep_orphans(conn, &folder, cutoff)
                    .map_err(AppError::internal)
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        tracing::info!(?deleted, "retention: expired rows and files deleted");
        Ok(serde_json::to_string(&deleted)?)
    }
}

/// How many rows of each kind a run deleted.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Deleted {
    pub finished_jobs: usize,
    pub failed_jobs: usize,
    pub sessions: usize,
    pub email_links: usize,
    pub login_attempts: usize,
    pub rate_limits: usize,
    pub partial_uploads: usize,
    pub orphaned_bid_documents: usize,
}

pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Deleted> {
    let days = |n: i64| now - Duration::days(n);
    Ok(Deleted {
        finished_jobs: diesel::delete(
            jobs::table.filter(jobs::finished_at.lt(days(FINISHED_JOBS_DAYS))),
        )
        .execute(conn)?,
        failed_jobs: diesel::delete(jobs::table.filter(jobs::failed_at.lt(days(FAILED_JOBS_DAYS))))
            .execute(conn)?,
        sessions: diesel::delete(
            sessions::table.filter(
                sessions::expires_at
                    .lt(days(SESSIONS_DAYS))
                    .or(sessions::revoked_at.lt(days(SESSIONS_DAYS))),
            ),
        )
        .execute(conn)?,
        email_links: diesel::delete(
            email_tokens::table.filter(
                email_tokens::expires_at
                    .lt(days(EMAIL_LINKS_DAYS))
                    .or(email_tokens::used_at.lt(days(EMAIL_LINKS_DAYS))),
            ),
        )
        .execute(conn)?,
        login_attempts: diesel::delete(
            login_attempts::table
                .filter(login_attempts::attempted_at.lt(days(LOGIN_ATTEMPTS_DAYS))),
        )
        .execute(conn)?,
        rate_limits: diesel::delete(rate_limits::table.filter(rate_limits::expires_at.le(now)))
            .execute(conn)?,
        partial_uploads: 0,
        orphaned_bid_documents: 0,
    })
}

/// Queues the clean-up of `day`, due at 02:00 UTC that day (a quiet hour in
/// Europe); queuing the same day twice is a no-op, so every process may
/// call this at start.
pub fn schedule(conn: &mut DbConn, day: NaiveDate, now: NaiveDateTime) -> QueryResult<()> {
    let due = day.and_time(NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default());
    queue::enqueue_at(
        conn,
        &Retention { day },
        Some(format!("retention:{day}")),
        due.max(now),
        now,
    )
}
