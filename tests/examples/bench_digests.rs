//! How long the daily digests take for a hundred thousand people, each
//! with three matched tenders waiting, on SQLite and on PostgreSQL.
//!
//! `cargo run --release -p socialbid-tests --example bench_digests`
//! (`BENCH_PEOPLE=10000` for fewer)
//!
//! One real match is made the platform's way: an approved organisation,
//! a tender published that fits it, the index and the matcher run, and the
//! member's daily digest queued for the morning. That person, the
//! notification and the queued digest are then copied by a few set-based
//! SQL statements to `BENCH_PEOPLE` people with three notifications each.
//! The clock moves to the digest hour and one worker (`BENCH_LANES` lanes
//! of up to eight jobs each; the configured default otherwise) runs every
//! digest:
//! gathering each person's notifications, rendering the mail in their
//! language, handing it to SMTP (pooled connections to a sink on loopback
//! that keeps nothing; `BENCH_MAIL=files` writes it to the mail folder as
//! the embedded default does) and recording the send. Prints
//! the time and the rate; checks that every digest was mailed.

use std::time::Instant;

use diesel::prelude::*;
use socialbid::db::schema::{jobs, notifications, users};
use socialbid::error::AppError;
use socialbid_tests::{AARHUS_CVR, Backend, TenderBuilder, TestApp, offering_body, smtp_sink};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let people: i64 = std::env::var("BENCH_PEOPLE")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    for backend in Backend::ALL {
        bench(backend, people).await;
    }
}

/// `FROM` a series `g` from 1 to `n` on `backend`.
fn series(backend: Backend, n: i64) -> String {
    match backend {
        Backend::Postgres => format!("generate_series(1, {n}) AS seq(g)"),
        Backend::Sqlite => format!(
            "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) SELECT g FROM s) AS seq"
        ),
    }
}

async fn bench(backend: Backend, people: i64) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(
        &anna,
        &admin,
        offering_body("Grøn Rengøring", 1, &["90910000"], &["DK04"], 2_000_000),
    )
    .await;
    TenderBuilder::new(&app).publish(&app, &officer).await;
    app.run_jobs().await;

    // The one real match: its person, notification and queued digest.
    let (user_id, notification_id, job_id, payload, run_at) = app
        .state
        .db
        .run(|conn| {
            let (user_id, notification_id): (i64, i64) = notifications::table
                .inner_join(users::table)
                .filter(users::email.eq("anna@cafe-lyst.dk"))
                .filter(notifications::kind.eq("match"))
                .select((notifications::user_id, notifications::id))
                .first(conn)?;
            let (job_id, payload, run_at): (i64, String, chrono::NaiveDateTime) = jobs::table
                .filter(jobs::kind.eq("notify_digest"))
                .filter(jobs::finished_at.is_null())
                .select((jobs::id, jobs::payload, jobs::run_at))
                .first(conn)?;
            Ok::<_, AppError>((user_id, notification_id, job_id, payload, run_at))
        })
        .await
        .expect("publishing the tender queued a daily digest of its match");
    let marker = format!("\"user_id\":{user_id}");
    assert!(payload.contains(&marker), "{payload}");

    let copies = people - 1;
    let seeding = Instant::now();
    let statements = [
        format!(
            "INSERT INTO users (email, name, password_hash, role, locale, email_verified_at, created_at, updated_at) \
             SELECT 'person' || g || '@bench.dk', name, password_hash, role, \
                    CASE WHEN g % 4 = 0 THEN 'en' ELSE 'da' END, email_verified_at, created_at, updated_at \
             FROM users, {} WHERE users.id = {user_id}",
            series(backend, copies)
        ),
        format!(
            "INSERT INTO notifications (user_id, kind, event_key, tender_id, cadence, vars, created_at) \
             SELECT u.id, n.kind, n.event_key || ':' || g, n.tender_id, n.cadence, n.vars, n.created_at \
             FROM users u, notifications n, {} \
             WHERE n.id = {notification_id} AND (u.email LIKE '%@bench.dk' OR (u.id = {user_id} AND g > 1))",
            series(backend, 3)
        ),
        format!(
            "INSERT INTO jobs (kind, payload, run_at, attempts, max_attempts, created_at) \
             SELECT j.kind, replace(j.payload, '{marker}', '\"user_id\":' || u.id), j.run_at, 0, \
                    j.max_attempts, j.created_at \
             FROM jobs j, users u WHERE j.id = {job_id} AND u.email LIKE '%@bench.dk'"
        ),
    ];
    app.state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                for sql in &statements {
                    diesel::sql_query(sql).execute(conn)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .map_err(AppError::from)
        })
        .await
        .unwrap();
    println!(
        "{}: seeded {people} people with 3 notifications and a digest each in {:.1} s",
        backend.name(),
        seeding.elapsed().as_secs_f64()
    );

    // The worker as `socialbid worker` runs it, with `lanes` lanes and the
    // default pool of ten connections.
    let lanes: usize = std::env::var("BENCH_LANES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(app.state.config.worker_lanes as usize);
    let mut config = app.state.config.clone();
    config.db_pool_size = 10;
    config.worker_lanes = lanes as u32;
    let to_files = std::env::var("BENCH_MAIL").is_ok_and(|m| m == "files");
    if !to_files {
        let port = smtp_sink().await.expect("the SMTP sink starts");
        config.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
    }
    let worker = socialbid::app::AppState::new(config).expect("the worker's state");
    let now = worker.clock.now();
    if run_at > now {
        worker
            .clock
            .advance(run_at - now + chrono::Duration::seconds(1));
    }
    let started = Instant::now();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(socialbid::background::run_worker(
        worker.clone(),
        async move {
            let _ = done_rx.await;
        },
    ));
    let due_at = worker.clock.now();
    loop {
        // Whether any job is left, which (unlike counting them) costs the
        // database next to nothing while the worker runs.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let left: Option<i64> = worker
            .db
            .run(move |conn| {
                Ok::<_, AppError>(
                    jobs::table
                        .filter(jobs::finished_at.is_null())
                        .filter(jobs::failed_at.is_null())
                        .filter(jobs::run_at.le(due_at))
                        .select(jobs::id)
                        .first(conn)
                        .optional()?,
                )
            })
            .await
            .unwrap();
        if left.is_none() {
            break;
        }
    }
    let _ = done_tx.send(());
    running.await.unwrap();
    let took = started.elapsed().as_secs_f64();
    let ran: i64 = worker
        .db
        .run(|conn| {
            Ok::<_, AppError>(
                jobs::table
                    .filter(jobs::kind.eq("notify_digest"))
                    .filter(jobs::finished_at.is_not_null())
                    .count()
                    .get_result(conn)?,
            )
        })
        .await
        .unwrap();
    let unsent: i64 = app
        .state
        .db
        .run(|conn| {
            Ok::<_, AppError>(
                notifications::table
                    .filter(notifications::sent_at.is_null())
                    .count()
                    .get_result(conn)?,
            )
        })
        .await
        .unwrap();
    assert_eq!(unsent, 0, "every notification went out in a digest");
    assert!(ran >= people, "{ran} digests finished for {people} people");
    println!(
        "{}: {people} daily digests (3 items each) in {took:.1} s, {:.0} a second, one worker with {lanes} lanes, mail {}",
        backend.name(),
        people as f64 / took,
        if to_files {
            "written to files"
        } else {
            "to an SMTP sink"
        }
    );
}
