//! Mail the notifier gave up on, for admins: a permanent refusal (5xx) at
//! once, a temporary one after a day of tries, or a send interrupted by a
//! worker's death. Each with the server's answer (addresses masked), and a
//! button that queues it again.

use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::deliver::{NotifyMail, SendDigest};
use crate::app::AppState;
use crate::auth::Admin;
use crate::db::DbConn;
use crate::db::ids::{JobId, UserId};
use crate::db::schema::{jobs, notifications, users};
use crate::error::{AppError, AppResult};
use crate::jobs::Job;
use crate::mail::mask;
use crate::web::extract::Path;
use crate::web::page::Page;

/// The most failed mails the page lists, newest first.
const SHOWN: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/mail", get(list_page))
        .route("/admin/mail/{id}/retry", post(retry_one))
}

#[derive(Debug, Serialize)]
pub struct FailedMail {
    pub job_id: JobId,
    /// `a***@example.dk`.
    pub to: String,
    /// `match`, `amendment`, ... or `digest`.
    pub kind: String,
    pub failed_at: Option<NaiveDateTime>,
    pub reason: String,
    pub attempts: i32,
}

/// id, kind, payload, failed_at, last_error, attempts.
type JobRow = (
    JobId,
    String,
    String,
    Option<NaiveDateTime>,
    Option<String>,
    i32,
);

const KINDS: [&str; 2] = [NotifyMail::KIND, SendDigest::KIND];

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<FailedMail>> {
    let rows: Vec<JobRow> = jobs::table
        .filter(jobs::kind.eq_any(KINDS.to_vec()))
        .filter(jobs::failed_at.is_not_null())
        .order((jobs::failed_at.desc(), jobs::id.desc()))
        .limit(SHOWN)
        .select((
            jobs::id,
            jobs::kind,
            jobs::payload,
            jobs::failed_at,
            jobs::last_error,
            jobs::attempts,
        ))
        .load(conn)?;
    let mut failed = Vec::with_capacity(rows.len());
    for (job_id, job_kind, payload, failed_at, reason, attempts) in rows {
        let (user_id, kind) = if job_kind == NotifyMail::KIND {
            let Ok(job) = serde_json::from_str::<NotifyMail>(&payload) else {
                continue;
            };
            let found: Option<(UserId, String)> = notifications::table
                .find(job.notification_id)
                .select((notifications::user_id, notifications::kind))
                .first(conn)
                .optional()?;
            match found {
                Some(found) => found,
                None => continue,
            }
        } else {
            let Ok(job) = serde_json::from_str::<SendDigest>(&payload) else {
                continue;
            };
            (job.user_id, "digest".to_owned())
        };
        let email: Option<String> = users::table
            .find(user_id)
            .select(users::email)
            .first(conn)
            .optional()?;
        let Some(email) = email else {
            continue;
        };
        failed.push(FailedMail {
            job_id,
            to: mask(&email),
            kind,
            failed_at,
            reason: reason.unwrap_or_default(),
            attempts,
        });
    }
    Ok(failed)
}

/// Queues a given-up mail job again, due now, with a fresh count of
/// attempts. 404 for anything but a given-up notifier mail.
pub fn retry(conn: &mut DbConn, job_id: JobId, now: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(
        jobs::table
            .filter(jobs::id.eq(job_id))
            .filter(jobs::kind.eq_any(KINDS.to_vec()))
            .filter(jobs::failed_at.is_not_null()),
    )
    .set((
        jobs::failed_at.eq(None::<NaiveDateTime>),
        jobs::started_at.eq(None::<NaiveDateTime>),
        jobs::locked_at.eq(None::<NaiveDateTime>),
        jobs::attempts.eq(0),
        jobs::run_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

async fn list_page(
    State(app): State<AppState>,
    page: Page,
    _admin: Admin,
) -> AppResult<Html<String>> {
    let failed = app
        .db
        .run(|conn| list(conn).map_err(AppError::from))
        .await?;
    page.render(
        "pages/notify/failed.html",
        serde_json::json!({ "failed": failed }),
    )
}

async fn retry_one(
    State(app): State<AppState>,
    _admin: Admin,
    Path(id): Path<JobId>,
) -> AppResult<Response> {
    let now = app.clock.now();
    let retried = app
        .db
        .run(move |conn| retry(conn, id, now).map_err(AppError::from))
        .await?;
    if !retried {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to("/admin/mail?notice=mail_retried").into_response())
}
