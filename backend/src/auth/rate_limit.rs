//! Rate limits kept in the database, so they hold across restarts and
//! across replicas: failed logins, and mail sent to one address.
//!
//! Each limit is a counter row per key, raised by one upsert that answers
//! the new count (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so two
//! parallel requests can never both read the same count: PostgreSQL locks
//! the row for the second until the first commits, and SQLite has one
//! writer. A window starts with the first hit and ends `window` later,
//! when the count starts again from one.
//!
//! Keys never hold an e-mail address in clear (its SHA-256 instead): the
//! table is a counter, not a record of who was asked for.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use crate::auth::tokens::hash_token;
use crate::db::DbConn;
use crate::db::schema::{login_attempts, rate_limits};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};

pub const WINDOW_MINUTES: i64 = 15;
/// Wrong passwords for one account from one address: the owner somewhere
/// else is not locked out by a stranger's guesses.
pub const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: i32 = 5;
/// Wrong passwords from one address over all accounts.
pub const MAX_FAILURES_PER_ADDRESS: i32 = 20;
/// Wrong passwords for one account over all addresses: guessing spread
/// over many machines still stops.
pub const MAX_FAILURES_PER_ACCOUNT: i32 = 50;

/// Mail a stranger can cause to be sent to one address (reset links,
/// verification links, "someone tried to register" notes) per hour.
pub const MAX_MAILS_PER_RECIPIENT: i32 = 3;
pub const MAIL_WINDOW_MINUTES: i64 = 60;

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Timestamp)]
    expires_at: NaiveDateTime,
}

/// Counts one hit on `key` and answers the count within the current window
/// and when that window ends.
fn hit(conn: &mut DbConn, key: &str, window: Duration, now: NaiveDateTime) -> QueryResult<Counter> {
    // ?1 = key, ?2 = end of a new window, ?3 = now. PostgreSQL spells the
    // placeholders $1..$3; the statement is otherwise the same.
    let statement = "INSERT INTO rate_limits (key, hits, expires_at) VALUES (?1, 1, ?2) \
         ON CONFLICT (key) DO UPDATE SET \
         hits = CASE WHEN rate_limits.expires_at <= ?3 THEN 1 ELSE rate_limits.hits + 1 END, \
         expires_at = CASE WHEN rate_limits.expires_at <= ?3 THEN ?2 ELSE rate_limits.expires_at END \
         RETURNING hits, expires_at";
    macro_rules! run {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(key)
                .bind::<Timestamp, _>(now + window)
                .bind::<Timestamp, _>(now)
                .get_result::<Counter>($conn)
        };
    }
    match conn {
        DbConn::Postgres(c) => run!(c, statement.replace('?', "$")),
        DbConn::Sqlite(c) => run!(c, statement),
    }
}

/// 429 with how long to wait: `Retry-After` in seconds, and the message in
/// whole minutes (rounded up).
pub fn too_many(code: &'static str, wait: Duration) -> AppError {
    let seconds = wait.num_seconds().max(1);
    AppError::refused(axum::http::StatusCode::TOO_MANY_REQUESTS, code)
        .with("minutes", (seconds + 59) / 60)
        .with(crate::error::RETRY_AFTER_SECONDS, seconds)
}

fn email_key(email: &str) -> String {
    hash_token(email)
}

/// The login windows a password check was reserved in; a right password
/// gives them back.
pub struct LoginReservation {
    pair_key: String,
    shared: Vec<(String, NaiveDateTime)>,
}

/// Reserves one password check for `email` from `ip` before the password
/// is verified, or refuses with 429 when the pair, the address or the
/// account has used up its window. A refused attempt is not counted (its
/// savepoint rolls back), so a stranger hammering one account from one
/// address does not use up the account's wider limit.
pub fn reserve_login(
    conn: &mut DbConn,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> AppResult<LoginReservation> {
    let email = email_key(email);
    let pair_key = format!("login:{ip}:{email}");
    let address_key = format!("login-address:{ip}");
    let account_key = format!("login-account:{email}");
    let window = Duration::minutes(WINDOW_MINUTES);
    write_transaction(conn, |conn| {
        let mut shared = Vec::new();
        for (key, max) in [
            (&pair_key, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS),
            (&address_key, MAX_FAILURES_PER_ADDRESS),
            (&account_key, MAX_FAILURES_PER_ACCOUNT),
        ] {
            let counter = hit(conn, key, window, now)?;
            if counter.hits > max {
                return Err(too_many("too_many_attempts", counter.expires_at - now));
            }
            if key != &pair_key {
                shared.push((key.clone(), counter.expires_at));
            }
        }
        Ok(LoginReservation {
            pair_key: pair_key.clone(),
            shared,
        })
    })
}

/// A right password: the pair's count starts again, and the check is given
/// back to the address and the account, where only failures should count.
pub fn forgive_login(conn: &mut DbConn, reservation: &LoginReservation) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::delete(rate_limits::table.find(&reservation.pair_key)).execute(conn)?;
        for (key, expires_at) in &reservation.shared {
            diesel::update(
                rate_limits::table
                    .find(key)
                    .filter(rate_limits::expires_at.eq(expires_at))
                    .filter(rate_limits::hits.gt(0)),
            )
            .set(rate_limits::hits.eq(rate_limits::hits - 1))
            .execute(conn)?;
        }
        Ok(())
    })
}

/// Keeps a wrong password in the account's record of failed logins (shown
/// in its data export); the limit itself is `reserve_login`'s counter.
pub fn record_failure(
    conn: &mut DbConn,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Old attempts and spent windows no longer matter; dropping them here
    // keeps both tables small.
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::attempted_at.lt(now - Duration::minutes(WINDOW_MINUTES))),
    )
    .execute(conn)?;
    diesel::delete(rate_limits::table.filter(rate_limits::expires_at.le(now))).execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::ip.eq(ip),
            login_attempts::attempted_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts one mail to `email` that a stranger could have caused, and
/// answers whether it may be sent. Beyond the limit the caller answers as
/// always but queues nothing, so the answer reveals nothing either.
pub fn may_mail(conn: &mut DbConn, email: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let key = format!("mail:{}", email_key(email));
    let counter = hit(conn, &key, Duration::minutes(MAIL_WINDOW_MINUTES), now)?;
    Ok(counter.hits <= MAX_MAILS_PER_RECIPIENT)
}
