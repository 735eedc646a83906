//! Two `socialbid worker` processes on one PostgreSQL database send 500
//! queued mails to a real SMTP server; one is killed with SIGKILL halfway.
//! Nobody is mailed twice, and nothing is lost: the mails the dead worker
//! held are sent by the other once its hold is stale, except those it was
//! sending when it died (at most a batch per lane, `SOCIALBID_WORKER_LANES`),
//! which are given up and shown to admins rather than risk a second copy
//! (what the worker cannot know: whether the server took them).

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use socialbid::db::{Db, write_transaction};
use socialbid::error::AppError;
use socialbid::jobs::worker::{BATCH, INTERRUPTED};
use socialbid_frontend::Lang;
use socialbid_tests::{SmtpServer, SocialbidProcess, TestDb, socialbid_binary};

use crate::end_to_end::Child;

const MAILS: usize = 500;

/// Lanes each worker runs, each with up to `BATCH` jobs under way.
const LANES: i64 = 4;

fn worker(envs: &[(&str, &str)], dir: &std::path::Path) -> Child {
    Child(
        std::process::Command::new(socialbid_binary())
            .arg("worker")
            .current_dir(dir)
            .env("SOCIALBID_DATA_DIR", dir)
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("a worker starts"),
    )
}

/// How many mails the server has stored.
fn delivered(smtp: &SmtpServer) -> usize {
    std::fs::read_dir(smtp.maildir().join("new")).map_or(0, |entries| entries.count())
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "waited {timeout:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// (finished, given up as interrupted, given up otherwise, still to do).
fn job_states(db: &Db) -> (i64, i64, i64, i64) {
    use socialbid::db::schema::jobs;
    let mut conn = db.get().unwrap();
    let mails = || jobs::table.filter(jobs::kind.eq("send_email"));
    let finished: i64 = mails()
        .filter(jobs::finished_at.is_not_null())
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let interrupted: i64 = mails()
        .filter(jobs::failed_at.is_not_null())
        .filter(jobs::last_error.eq(INTERRUPTED))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let failed: i64 = mails()
        .filter(jobs::failed_at.is_not_null())
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let open: i64 = mails()
        .filter(jobs::finished_at.is_null())
        .filter(jobs::failed_at.is_null())
        .count()
        .get_result(&mut *conn)
        .unwrap();
    (finished, interrupted, failed - interrupted, open)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_loses_and_repeats_nothing() {
    let db = TestDb::postgres();
    let smtp = SmtpServer::start().await;
    let migrated = SocialbidProcess::run(&["migrate"], &[("DATABASE_URL", db.url())]).await;
    assert!(migrated.status.success(), "{migrated:?}");

    // 500 mails, queued as the platform queues them.
    let pool = Db::connect(db.url(), 2).unwrap();
    {
        let mut conn = pool.get().unwrap();
        let now = Utc::now().naive_utc();
        write_transaction(&mut conn, |conn| {
            for n in 0..MAILS {
                socialbid::mail::queue(
                    conn,
                    &format!("person{n}@example.dk"),
                    Lang::Da,
                    "verify_email",
                    serde_json::json!({"name": format!("Person {n}"),
                                       "link": format!("http://127.0.0.1/verify?token={n}"),
                                       "expires_hours": 24}),
                    format!("two-workers:{n}"),
                    now,
                )?;
            }
            Ok::<_, AppError>(())
        })
        .unwrap();
    }

    let lanes = LANES.to_string();
    let envs = [
        ("DATABASE_URL", db.url()),
        (
            "SOCIALBID_JWT_SECRET",
            "a signing key shared by every worker!!",
        ),
        (
            "SOCIALBID_BID_KEY",
            "5f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ),
        ("SOCIALBID_SMTP_URL", smtp.url()),
        ("SOCIALBID_WORKER_LANES", &lanes),
    ];
    let (one_dir, two_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut doomed = worker(&envs, one_dir.path());
    let _survivor = worker(&envs, two_dir.path());

    // Halfway, one dies without a word (SIGKILL).
    wait_until("half the mails", Duration::from_secs(120), || {
        delivered(&smtp) >= MAILS / 2
    })
    .await;
    let at_kill = delivered(&smtp);
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();

    // Its hold on the jobs it had claimed goes stale after five minutes;
    // here the clock is moved on for it in the database instead.
    wait_until(
        "the survivor to do the rest",
        Duration::from_secs(120),
        || job_states(&pool).3 <= LANES * BATCH,
    )
    .await;
    {
        use socialbid::db::schema::jobs;
        let mut conn = pool.get().unwrap();
        let stale = Utc::now().naive_utc()
            - chrono::Duration::minutes(socialbid::jobs::STALE_LOCK_MINUTES + 1);
        diesel::update(
            jobs::table
                .filter(jobs::finished_at.is_null())
                .filter(jobs::failed_at.is_null())
                .filter(jobs::locked_at.is_not_null()),
        )
        .set(jobs::locked_at.eq(stale))
        .execute(&mut *conn)
        .unwrap();
    }
    wait_until("every job to end", Duration::from_secs(60), || {
        job_states(&pool).3 == 0
    })
    .await;

    let (finished, interrupted, failed, _) = job_states(&pool);
    assert_eq!(failed, 0, "no mail failed for another reason");
    assert!(
        interrupted <= LANES * BATCH,
        "only the mails in the dead worker's hands may be given up: {interrupted}, killed after {at_kill}"
    );
    assert_eq!(finished + interrupted, MAILS as i64);
    // Everything recorded as sent arrived, and no one got two.
    let mut received: HashMap<String, usize> = HashMap::new();
    for mail in smtp.messages() {
        *received.entry(mail.to).or_default() += 1;
    }
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "mailed twice: {twice:?}");
    assert!(
        received.len() as i64 >= finished,
        "{} arrived, {finished} recorded as sent",
        received.len()
    );
    assert!(received.len() <= MAILS);
}
