//! The `jobs` table: enqueue, claim, complete, fail.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text, Timestamp};
use serde::Serialize;

use crate::db::DbConn;
use crate::db::ids::JobId;
use crate::db::schema::jobs;

/// A kind of job and its payload.
pub trait Job: Serialize {
    const KIND: &'static str;
    /// How often a failing job is tried before it is given up.
    const MAX_ATTEMPTS: i32 = 8;
}

/// A claimed job ready to run.
#[derive(Debug, QueryableByName)]
pub struct ClaimedJob {
    #[diesel(sql_type = BigInt)]
    pub id: JobId,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub payload: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Integer)]
    pub max_attempts: i32,
    /// An earlier attempt began an effect outside the database and never
    /// recorded its outcome: the worker holding it died mid-way.
    #[diesel(sql_type = Bool)]
    pub begun_before: bool,
}

/// A job whose worker died holds its lock this long before another worker
/// may take it over; a crash between claim and send only delays the job.
pub const STALE_LOCK_MINUTES: i64 = 5;

/// Adds a job. With a `dedupe_key`, a second job with the same key is
/// silently dropped: the key names the recipient and subject matter, so the
/// same mail cannot be queued twice.
pub fn enqueue<J: Job>(
    conn: &mut DbConn,
    job: &J,
    dedupe_key: Option<String>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    enqueue_at(conn, job, dedupe_key, now, now)
}

/// Adds a job that is not due before `run_at` (closing a tender at its
/// deadline); otherwise as [`enqueue`].
pub fn enqueue_at<J: Job>(
    conn: &mut DbConn,
    job: &J,
    dedupe_key: Option<String>,
    run_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    insert_ignoring_duplicates(conn, &[NewJob::of(job, dedupe_key, run_at, now)?])
}

/// Adds jobs of one kind, each due now, in one statement (an import's
/// chunk queues hundreds); a job whose dedupe key is queued already is
/// dropped, as in [`enqueue`].
pub fn enqueue_all<J: Job>(
    conn: &mut DbConn,
    keyed: &[(J, Option<String>)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    if keyed.is_empty() {
        return Ok(());
    }
    let rows = keyed
        .iter()
        .map(|(job, dedupe_key)| NewJob::of(job, dedupe_key.clone(), now, now))
        .collect::<QueryResult<Vec<_>>>()?;
    insert_ignoring_duplicates(conn, &rows)
}

/// A `None` dedupe key is written as NULL, not as DEFAULT, which SQLite's
/// multi-row insert cannot take.
#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
struct NewJob {
    kind: &'static str,
    payload: String,
    dedupe_key: Option<String>,
    run_at: NaiveDateTime,
    max_attempts: i32,
    created_at: NaiveDateTime,
}

impl NewJob {
    fn of<J: Job>(
        job: &J,
        dedupe_key: Option<String>,
        run_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> QueryResult<NewJob> {
        let payload = serde_json::to_string(job)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        Ok(NewJob {
            kind: J::KIND,
            payload,
            dedupe_key,
            run_at,
            max_attempts: J::MAX_ATTEMPTS,
            created_at: now,
        })
    }
}

fn insert_ignoring_duplicates(conn: &mut DbConn, rows: &[NewJob]) -> QueryResult<()> {
    // `on_conflict` and multi-row inserts do not compile on the
    // multi-backend connection, so the statement is written once for each
    // concrete connection.
    match conn {
        DbConn::Postgres(c) => diesel::insert_into(jobs::table)
            .values(rows)
            .on_conflict(jobs::dedupe_key)
            .do_nothing()
            .execute(c),
        DbConn::Sqlite(c) => diesel::insert_into(jobs::table)
            .values(rows)
            .on_conflict(jobs::dedupe_key)
            .do_nothing()
            .execute(c),
    }?;
    Ok(())
}

/// Takes the oldest due jobs, at most `limit`, and counts an attempt of
/// each. PostgreSQL skips rows other workers hold (`FOR UPDATE SKIP
/// LOCKED`); SQLite has one writer, so the single UPDATE is already
/// exclusive.
///
/// A job of one of the `leaving` kinds (its effect leaves the database: a
/// mail) is marked started in the same statement, so the mark is committed
/// before the worker begins it, and a worker that dies from then on leaves
/// it for whoever takes the job over. A mark that was there already (it
/// differs from this claim's time) is reported as
/// [`ClaimedJob::begun_before`].
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    leaving: &[&str],
    limit: i64,
) -> QueryResult<Vec<ClaimedJob>> {
    let stale = now - Duration::minutes(STALE_LOCK_MINUTES);
    let kinds = vec!["?"; leaving.len().max(1)].join(", ");
    let sql = format!(
        "UPDATE jobs SET locked_at = ?, attempts = attempts + 1, \
         started_at = CASE WHEN kind IN ({kinds}) THEN COALESCE(started_at, ?) ELSE started_at END \
         WHERE id IN (SELECT id FROM jobs WHERE finished_at IS NULL AND failed_at IS NULL \
         AND run_at <= ? AND (locked_at IS NULL OR locked_at < ?) ORDER BY run_at, id LIMIT ?{}) \
         RETURNING id, kind, payload, attempts, max_attempts, \
         (started_at IS NOT NULL AND started_at <> ?) AS begun_before",
        match conn {
            DbConn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            DbConn::Sqlite(_) => "",
        }
    );
    // One statement for both databases; PostgreSQL numbers its parameters.
    macro_rules! run {
        ($conn:expr, $backend:ty, $sql:expr) => {{
            let mut query = diesel::sql_query($sql)
                .into_boxed::<$backend>()
                .bind::<Timestamp, _>(now);
            // `IN ()` is not SQL: with no such kind, one no job has.
            if leaving.is_empty() {
                query = query.bind::<Text, _>("");
            }
            for kind in leaving {
                query = query.bind::<Text, _>(kind.to_string());
            }
            query
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(stale)
                .bind::<BigInt, _>(limit)
                .bind::<Timestamp, _>(now)
                .load::<ClaimedJob>($conn)
        }};
    }
    match conn {
        DbConn::Postgres(c) => run!(c, diesel::pg::Pg, numbered(&sql)),
        DbConn::Sqlite(c) => run!(c, diesel::sqlite::Sqlite, sql),
    }
}

/// `?` placeholders as PostgreSQL's `$1`, `$2`, ….
fn numbered(sql: &str) -> String {
    let mut n = 0;
    sql.split('?')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_owned()
            } else {
                n += 1;
                format!("${n}{part}")
            }
        })
        .collect()
}

/// Gives a job up without another attempt, keeping `kept_payload` (the
/// payload without its secrets) and the reason.
pub fn give_up(
    conn: &mut DbConn,
    id: JobId,
    reason: &str,
    kept_payload: String,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::failed_at.eq(now),
            jobs::locked_at.eq(None::<NaiveDateTime>),
            jobs::payload.eq(kept_payload),
            jobs::last_error.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a job done. `kept_payload` replaces the payload: a mail job keeps
/// only who was mailed what, not the link it carried.
pub fn complete(
    conn: &mut DbConn,
    id: JobId,
    kept_payload: String,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::finished_at.eq(now),
            jobs::locked_at.eq(None::<NaiveDateTime>),
            jobs::payload.eq(kept_payload),
            jobs::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failure (whose effect, if it had begun, is known not to have
/// happened); the job runs again after 2^attempts × 10 seconds (at most an
/// hour), or after its last attempt is given up keeping `redacted`, the
/// payload without its secrets.
pub fn fail(
    conn: &mut DbConn,
    job: &ClaimedJob,
    error: &str,
    redacted: String,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let error: String = error.chars().take(2000).collect();
    if job.attempts >= job.max_attempts {
        return give_up(conn, job.id, &error, redacted, now);
    }
    diesel::update(jobs::table.find(job.id))
        .set((
            jobs::run_at.eq(now + backoff(job.attempts)),
            jobs::locked_at.eq(None::<NaiveDateTime>),
            jobs::started_at.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn backoff(attempts: i32) -> Duration {
    let seconds = 10i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(seconds.min(3600))
}

/// Jobs neither finished nor given up (for `/metrics` and for tests that
/// insist nothing is left over).
pub fn pending_count(conn: &mut DbConn) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::finished_at.is_null())
        .filter(jobs::failed_at.is_null())
        .count()
        .get_result(conn)
}

/// Jobs due by `now` and neither finished nor given up: what a worker
/// would run next (tests insist none is left over).
pub fn due_count(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::finished_at.is_null())
        .filter(jobs::failed_at.is_null())
        .filter(jobs::run_at.le(now))
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgresql() {
        assert_eq!(
            numbered("a = ? AND b IN (?, ?)"),
            "a = $1 AND b IN ($2, $3)"
        );
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 20);
        assert_eq!(backoff(2).num_seconds(), 40);
        assert_eq!(backoff(30).num_seconds(), 3600);
    }
}
