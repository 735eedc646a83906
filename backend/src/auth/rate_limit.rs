//! Failed logins are counted per account and per address in the database,
//! so the limit holds across restarts and across replicas.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_attempts;
use crate::error::{AppError, AppResult};

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;

/// Refuses with 429 when the account or the address has failed too often
/// within the window. Checked before the password, so guessing stops even
/// when a guess would be right.
pub fn check(conn: &mut DbConn, email: &str, ip: &str, now: NaiveDateTime) -> AppResult<()> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let per_account: i64 = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::attempted_at.gt(since))
        .count()
        .get_result(conn)?;
    let per_address: i64 = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::attempted_at.gt(since))
        .count()
        .get_result(conn)?;
    if per_account >= MAX_FAILURES_PER_ACCOUNT || per_address >= MAX_FAILURES_PER_ADDRESS {
        return Err(AppError::refused(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
        )
        .with("minutes", WINDOW_MINUTES));
    }
    Ok(())
}

pub fn record_failure(
    conn: &mut DbConn,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Old attempts no longer count; dropping them here keeps the table small.
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::attempted_at.lt(now - Duration::minutes(WINDOW_MINUTES))),
    )
    .execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::ip.eq(ip),
            login_attempts::attempted_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A successful login forgives the account's failures (not the address's).
pub fn clear_account(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    diesel::delete(login_attempts::table.filter(login_attempts::email.eq(email))).execute(conn)?;
    Ok(())
}
