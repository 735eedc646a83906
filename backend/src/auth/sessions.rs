//! Sessions: one row per login, holding the hash of the current refresh
//! token. Refreshing rotates the token; presenting an already rotated token
//! means it was stolen or replayed, so the whole session is revoked, except
//! for the browser's parallel page loads just after a rotation.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::tokens::{hash_token, random_token};
use crate::db::DbConn;
use crate::db::ids::{SessionId, UserId};
use crate::db::schema::sessions;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};

pub const REFRESH_DAYS: i64 = 30;

pub struct NewSession {
    pub session_id: SessionId,
    pub refresh_token: String,
}

pub fn create(
    conn: &mut DbConn,
    user_id: UserId,
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

/// How long the refresh token just replaced still renews the access token.
/// Two page loads sent together after the access cookie expired (two tabs,
/// a double click, a prefetch) both present the same refresh cookie: the
/// first rotates it and the second must not look like a thief. Thirty
/// seconds covers a slow parallel request and leaves a copied token little
/// use; after that, presenting it ends the session.
pub const ROTATION_GRACE_SECONDS: i64 = 30;

/// What presenting a refresh token that was just replaced means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// The browser's cookie: parallel page loads present the same token, so
    /// within [`ROTATION_GRACE_SECONDS`] the session goes on.
    GraceWhenJustRotated,
    /// An API client refreshes deliberately, once per token: any replay
    /// ends the session.
    Revoke,
}

pub enum Rotation {
    /// A new refresh token; the presented one is now the previous one.
    Rotated {
        user_id: UserId,
        session: NewSession,
    },
    /// A parallel request rotated the presented token moments ago and holds
    /// the new one; the session goes on without rotating again.
    JustRotated {
        user_id: UserId,
        session_id: SessionId,
    },
}

#[derive(Queryable)]
struct Found {
    id: SessionId,
    user_id: UserId,
    refresh_hash: String,
    expires_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    rotated_at: Option<NaiveDateTime>,
}

fn find_by_token(conn: &mut DbConn, hashed: &str) -> QueryResult<Option<Found>> {
    sessions::table
        .filter(
            sessions::refresh_hash
                .eq(hashed)
                .or(sessions::previous_refresh_hash.eq(hashed)),
        )
        .select((
            sessions::id,
            sessions::user_id,
            sessions::refresh_hash,
            sessions::expires_at,
            sessions::revoked_at,
            sessions::rotated_at,
        ))
        .first(conn)
        .optional()
}

/// Exchanges a refresh token for a new one in the same session.
pub fn rotate(
    conn: &mut DbConn,
    refresh_token: &str,
    now: NaiveDateTime,
    replay: Replay,
) -> AppResult<Rotation> {
    let presented = hash_token(refresh_token);
    write_transaction::<AppResult<Rotation>, diesel::result::Error, _>(conn, |conn| {
        let Some(session) = find_by_token(conn, &presented)? else {
            return Ok(Err(AppError::unauthenticated("token_invalid")));
        };
        if let Some(refused) = unusable(&session, now) {
            return Ok(Err(refused));
        }
        if session.refresh_hash != presented {
            return replayed(conn, &session, now, replay);
        }
        let (raw, hashed) = random_token();
        // Conditional on the token still being current: on PostgreSQL a
        // parallel request may have rotated it since we read it.
        let updated = diesel::update(
            sessions::table
                .find(session.id)
                .filter(sessions::refresh_hash.eq(&presented)),
        )
        .set((
            sessions::previous_refresh_hash.eq(&presented),
            sessions::refresh_hash.eq(hashed),
            sessions::last_used_at.eq(now),
            sessions::rotated_at.eq(now),
        ))
        .execute(conn)?;
        if updated == 0 {
            return match find_by_token(conn, &presented)? {
                Some(rotated) => replayed(conn, &rotated, now, replay),
                None => Ok(Err(AppError::unauthenticated("token_invalid"))),
            };
        }
        Ok(Ok(Rotation::Rotated {
            user_id: session.user_id,
            session: NewSession {
                session_id: session.id,
                refresh_token: raw,
            },
        }))
    })
    .map_err(AppError::from)?
}

fn unusable(session: &Found, now: NaiveDateTime) -> Option<AppError> {
    if session.revoked_at.is_some() {
        return Some(AppError::unauthenticated("session_revoked"));
    }
    if session.expires_at <= now {
        return Some(AppError::unauthenticated("token_expired"));
    }
    None
}

/// The previous refresh token came back: a parallel page load within the
/// grace window, or else a copy, which ends the session.
fn replayed(
    conn: &mut DbConn,
    session: &Found,
    now: NaiveDateTime,
    replay: Replay,
) -> QueryResult<AppResult<Rotation>> {
    let just_rotated = session
        .rotated_at
        .is_some_and(|at| now - at <= Duration::seconds(ROTATION_GRACE_SECONDS));
    if replay == Replay::GraceWhenJustRotated && just_rotated {
        diesel::update(sessions::table.find(session.id))
            .set(sessions::last_used_at.eq(now))
            .execute(conn)?;
        return Ok(Ok(Rotation::JustRotated {
            user_id: session.user_id,
            session_id: session.id,
        }));
    }
    tracing::warn!(
        session_id = %session.id,
        "a rotated refresh token was replayed; revoking the session"
    );
    revoke(conn, session.id, now)?;
    Ok(Err(AppError::unauthenticated("session_revoked")))
}

pub fn revoke(conn: &mut DbConn, session_id: SessionId, now: NaiveDateTime) -> QueryResult<usize> {
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
    user_id: UserId,
    keep: Option<SessionId>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let keep = keep.unwrap_or(SessionId(-1));
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
    session_id: SessionId,
    user_id: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let found: Option<SessionId> = sessions::table
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select(sessions::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}
