//! The job queue and its worker: the registry, what a crash mid-send
//! leaves behind, what given-up jobs keep, and the daily clean-up.

use axum::http::Method;
use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;
use socialbid::db::ids::JobId;
use socialbid::db::schema::{email_tokens, jobs, rate_limits, sessions};
use socialbid::error::AppError;
use socialbid::jobs::{self as queue, worker};
use socialbid::retention;
use socialbid_tests::{Backend, PASSWORD, TestApp, on_both_databases};

on_both_databases!(
    a_mail_carries_a_message_id_derived_from_its_job,
    a_crash_in_a_job_that_stays_in_the_database_only_delays_it,
    a_crash_while_sending_never_sends_twice_and_keeps_no_link,
    a_job_of_an_unknown_kind_fails_and_is_retried_later,
    the_daily_clean_up_deletes_only_what_has_expired_and_queues_the_next,
);

async fn register(app: &TestApp, email: &str) {
    app.register(json!({
        "email": email, "password": PASSWORD, "name": "Anna Jensen", "role": "entrepreneur",
    }))
    .await;
}

/// The one due job, claimed as a worker claims it, then left as a worker
/// killed at that point leaves it.
async fn claim_and_die(app: &TestApp) -> JobId {
    let now = app.state.clock.now();
    let leaving = socialbid::background::registry()
        .leaving_the_database()
        .to_vec();
    app.state
        .db
        .run(move |conn| {
            let job = queue::claim(conn, now, &leaving, 1)?
                .pop()
                .expect("a due job");
            assert!(!job.begun_before, "{job:?}");
            Ok::<_, AppError>(job.id)
        })
        .await
        .unwrap()
}

async fn job_row(app: &TestApp, id: JobId) -> (String, Option<String>, bool, bool) {
    app.state
        .db
        .run(move |conn| {
            let row = jobs::table
                .find(id)
                .select((
                    jobs::payload,
                    jobs::last_error,
                    jobs::finished_at.is_not_null(),
                    jobs::failed_at.is_not_null(),
                ))
                .first(conn)?;
            Ok::<_, AppError>(row)
        })
        .await
        .unwrap()
}

async fn a_mail_carries_a_message_id_derived_from_its_job(backend: Backend) {
    let app = TestApp::new(backend).await;
    register(&app, "anna@example.dk").await;
    app.run_jobs().await;
    let mails = app.mails_to("anna@example.dk");
    assert_eq!(mails.len(), 1);
    let id = &mails[0].message_id;
    assert!(
        id.starts_with("<job-") && id.ends_with("@socialbid.test>"),
        "{id}"
    );
}

/// A worker that dies while running a job whose effects stay in the
/// database (they roll back with it) holds the lock until it is stale;
/// then another worker runs the job again, in full.
async fn a_crash_in_a_job_that_stays_in_the_database_only_delays_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Today's clean-up (the one every process queues at start), due at
    // 02:00: the clock is moved there when the test runs earlier.
    let now = app.state.clock.now();
    let due = now.date().and_hms_opt(2, 0, 0).expect("02:00");
    if due > now {
        app.state.clock.advance(due - now + Duration::seconds(1));
    }
    let now = app.state.clock.now();
    app.state
        .db
        .run(move |conn| retention::schedule(conn, now.date(), now).map_err(AppError::from))
        .await
        .unwrap();
    let id = claim_and_die(&app).await;
    assert_eq!(app.run_jobs().await, 0, "the lock still holds");
    app.state
        .clock
        .advance(Duration::minutes(queue::STALE_LOCK_MINUTES + 1));
    assert_eq!(app.run_jobs().await, 1);
    let (_, reason, finished, failed) = job_row(&app, id).await;
    assert!(finished && !failed, "{reason:?}");
}

/// A worker that dies once it has claimed a mail (the claim commits the
/// mark that its sending has begun) may or may not have delivered it. The
/// job is not repeated (no duplicate), is given up with the reason, and
/// keeps neither the link nor the full address.
async fn a_crash_while_sending_never_sends_twice_and_keeps_no_link(backend: Backend) {
    let app = TestApp::new(backend).await;
    register(&app, "anna@example.dk").await;
    let id = claim_and_die(&app).await;
    app.state
        .clock
        .advance(Duration::minutes(queue::STALE_LOCK_MINUTES + 1));
    assert_eq!(app.run_jobs().await, 1, "the job is taken over");
    assert!(app.mails_to("anna@example.dk").is_empty(), "no second send");
    let (payload, reason, finished, failed) = job_row(&app, id).await;
    assert!(failed && !finished);
    assert_eq!(reason.as_deref(), Some(worker::INTERRUPTED));
    assert!(!payload.contains("token="), "the link is gone: {payload}");
    assert!(
        !payload.contains("anna@"),
        "the address is masked: {payload}"
    );
    assert!(payload.contains("a***@example.dk"), "{payload}");
    assert_eq!(app.pending_jobs().await, 0);
}

#[derive(serde::Serialize)]
struct Unknown;

impl queue::Job for Unknown {
    const KIND: &'static str = "nobody_runs_this";
}

async fn a_job_of_an_unknown_kind_fails_and_is_retried_later(backend: Backend) {
    let app = TestApp::new(backend).await;
    let now = app.state.clock.now();
    app.state
        .db
        .run(move |conn| queue::enqueue(conn, &Unknown, None, now).map_err(AppError::from))
        .await
        .unwrap();
    assert_eq!(app.run_jobs().await, 1);
    let error: Option<String> = app
        .state
        .db
        .run(|conn| {
            Ok::<_, AppError>(
                jobs::table
                    .filter(jobs::kind.eq("nobody_runs_this"))
                    .select(jobs::last_error)
                    .first(conn)?,
            )
        })
        .await
        .unwrap();
    assert!(error.unwrap_or_default().contains("nobody_runs_this"));
    assert_eq!(app.pending_jobs().await, 1, "retried later, not lost");
    assert_eq!(app.run_jobs().await, 0, "not before its back-off");
    app.state
        .db
        .run(move |conn| {
            diesel::delete(jobs::table.filter(jobs::kind.eq("nobody_runs_this"))).execute(conn)?;
            Ok::<_, AppError>(())
        })
        .await
        .unwrap();
}

async fn the_daily_clean_up_deletes_only_what_has_expired_and_queues_the_next(backend: Backend) {
    let app = TestApp::new(backend).await;
    register(&app, "old@example.dk").await;
    app.run_jobs().await;
    app.verify("old@example.dk").await;
    let person = app.login("old@example.dk", PASSWORD).await;
    let logout = app
        .api(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&person.access_token),
            None,
        )
        .await;
    assert!(logout.status.is_success(), "{}", logout.text());
    // A reset request counts towards the per-recipient mail limit.
    let reset = app
        .api(
            Method::POST,
            "/api/v1/accounts/password-reset",
            None,
            Some(json!({ "email": "old@example.dk" })),
        )
        .await;
    assert!(reset.status.is_success(), "{}", reset.text());
    app.run_jobs().await;
    app.state
        .clock
        .advance(Duration::days(retention::SESSIONS_DAYS + 1));
    register(&app, "new@example.dk").await;
    app.run_jobs().await;
    app.verify("new@example.dk").await;
    app.login("new@example.dk", PASSWORD).await;

    let now = app.state.clock.now();
    let spent_before: i64 = app
        .state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(
                rate_limits::table
                    .filter(rate_limits::expires_at.le(now))
                    .count()
                    .get_result(conn)?,
            )
        })
        .await
        .unwrap();
    // What a crash mid-upload leaves, beside a stored document as old.
    let documents = app.state.config.data_dir.join("documents");
    std::fs::create_dir_all(&documents).unwrap();
    let written_at = |age: Duration| {
        std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs((now - age).and_utc().timestamp() as u64)
    };
    let leftover = |name: &str, age: Duration| {
        let path = documents.join(name);
        let file = std::fs::File::create(&path).unwrap();
        file.set_modified(written_at(age)).unwrap();
        path
    };
    let interrupted = leftover("0a1b2c.part", Duration::days(2));
    let in_progress = leftover("3d4e5f.part", Duration::hours(1));
    let stored = leftover("7-plan.pdf", Duration::days(2));
    app.state
        .db
        .run(move |conn| retention::schedule(conn, now.date(), now).map_err(AppError::from))
        .await
        .unwrap();
    assert_eq!(
        app.run_daily_clean_up().await,
        1,
        "one clean-up a day, however often queued"
    );

    let (finished_jobs, sessions_left, links_left, counters_left, next_due) = app
        .state
        .db
        .run(move |conn| {
            let finished: i64 = jobs::table
                .filter(jobs::kind.eq("send_email"))
                .count()
                .get_result(conn)?;
            let sessions_left: i64 = sessions::table.count().get_result(conn)?;
            let links_left: i64 = email_tokens::table.count().get_result(conn)?;
            let counters_left: i64 = rate_limits::table
                .filter(rate_limits::expires_at.le(now))
                .count()
                .get_result(conn)?;
            let next: chrono::NaiveDateTime = jobs::table
                .filter(jobs::kind.eq("retention"))
                .filter(jobs::finished_at.is_null())
                .select(jobs::run_at)
                .first(conn)?;
            Ok::<_, AppError>((finished, sessions_left, links_left, counters_left, next))
        })
        .await
        .unwrap();
    assert_eq!(finished_jobs, 1, "only the new account's mail is kept");
    assert_eq!(sessions_left, 1, "the old, revoked session is gone");
    assert_eq!(links_left, 1, "the old links are gone");
    assert_eq!(counters_left, 0, "spent rate-limit windows are gone");
    assert!(
        spent_before > 0,
        "the old reset request left a spent window"
    );
    assert_eq!(next_due.date(), now.date() + Duration::days(1));
    assert!(!interrupted.exists(), "an interrupted upload is swept");
    assert!(in_progress.exists(), "an upload in progress is left alone");
    assert!(stored.exists(), "a stored document is never swept");
}
