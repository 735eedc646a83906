//! Sessions: one row per login, holding the hash of the current refresh
//! token. Refreshing rotates the token; presenting an already rotated token
//! means it was stolen or replayed, so the whole session is revoked.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::tokens::{hash_token, random_token};
use crate::db::DbConn;
use crate::db::schema::sessions;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};

pub const REFRESH_DAYS: i64 = 30;

pub struct NewSession {
    pub session_id: i64,
    pub refresh_token: String,
}

pub fn create(
    conn: &mut DbConn,
    user_id: i64,
    user_agent: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<NewSession> {
    let (raw, hashed) = random_token();
    let user_agent = user_agent.map(|ua| ua.chars().take(255).collect::<String>());
    let session_id = diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::refresh_hash.eq(hashed),
            sessions::user_agent.eq(user_agent),
            sessions::created_at.eq(now),
            sessions::last_used_at.eq(now),
            sessions::expires_at.eq(now + Duration::days(REFRESH_DAYS)),
        ))
        .returning(sessions::id)
        .get_result(conn)?;
    Ok(NewSession {
        session_id,
        refresh_token: raw,
    })
}

pub struct Rotated {
    pub user_id: i64,
    pub session: NewSession,
}

/// Exchanges a refresh token for a new one in the same session.
pub fn rotate(conn: &mut DbConn, refresh_token: &str, now: NaiveDateTime) -> AppResult<Rotated> {
    let presented = hash_token(refresh_token);
    write_transaction::<AppResult<Rotated>, diesel::result::Error, _>(conn, |conn| {
        let current: Option<(i64, i64, NaiveDateTime, Option<NaiveDateTime>)> = sessions::table
            .filter(sessions::refresh_hash.eq(&presented))
            .select((
                sessions::id,
                sessions::user_id,
                sessions::expires_at,
                sessions::revoked_at,
            ))
            .first(conn)
            .optional()?;
        let Some((session_id, user_id, expires_at, revoked_at)) = current else {
            let replayed: Option<i64> = sessions::table
                .filter(sessions::previous_refresh_hash.eq(&presented))
                .select(sessions::id)
                .first(conn)
                .optional()?;
            if let Some(session_id) = replayed {
                tracing::warn!(
                    session_id,
                    "a rotated refresh token was replayed; revoking the session"
                );
                revoke(conn, session_id, now)?;
                return Ok(Err(AppError::unauthenticated("session_revoked")));
            }
            return Ok(Err(AppError::unauthenticated("token_invalid")));
        };
        if revoked_at.is_some() {
            return Ok(Err(AppError::unauthenticated("session_revoked")));
        }
        if expires_at <= now {
            return Ok(Err(AppError::unauthenticated("token_expired")));
        }
        let (raw, hashed) = random_token();
        diesel::update(sessions::table.find(session_id))
            .set((
                sessions::previous_refresh_hash.eq(&presented),
                sessions::refresh_hash.eq(hashed),
                sessions::last_used_at.eq(now),
            ))
            .execute(conn)?;
        Ok(Ok(Rotated {
            user_id,
            session: NewSession {
                session_id,
                refresh_token: raw,
            },
        }))
    })
    .map_err(AppError::from)?
}

pub fn revoke(conn: &mut DbConn, session_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)
}

/// Ends every session of a user except `keep` (after a password change the
/// device that changed it stays logged in).
pub fn revoke_all_for_user(
    conn: &mut DbConn,
    user_id: i64,
    keep: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let keep = keep.unwrap_or(-1);
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)
}

/// True when the session exists for this user, is not revoked and has not
/// expired: checked on every request, so logout takes effect at once.
pub fn is_active(
    conn: &mut DbConn,
    session_id: i64,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let found: Option<i64> = sessions::table
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select(sessions::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}
