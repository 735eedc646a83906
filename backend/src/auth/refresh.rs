//! Tokens for a session: the pair a login hands out, and the exchange of a
//! refresh token for fresh ones. The API's refresh endpoint and the
//! browser's keep-alive middleware both come here, so accounts call auth and
//! never the reverse.

use serde::Serialize;

use crate::app::AppState;
use crate::auth::sessions::{self, NewSession, Replay, Rotation};
use crate::auth::tokens::ACCESS_TOKEN_MINUTES;
use crate::db::ids::UserId;
use crate::error::{AppError, AppResult};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    /// JWT for `Authorization: Bearer`, valid 15 minutes.
    pub access_token: String,
    /// Opaque; exchange it at `/api/v1/auth/refresh` for a new pair. Each
    /// refresh token works once.
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

impl TokenPair {
    /// The tokens of a session that has just been created or rotated.
    pub fn issue(app: &AppState, user_id: UserId, session: NewSession) -> AppResult<TokenPair> {
        let now = app.clock.now();
        Ok(TokenPair {
            access_token: app.tokens.issue(user_id, session.session_id, now)?,
            refresh_token: session.refresh_token,
            token_type: "Bearer",
            expires_in: ACCESS_TOKEN_MINUTES * 60,
        })
    }
}

/// What the browser's refresh cookie was exchanged for.
pub struct Renewed {
    pub access_token: String,
    pub expires_in: i64,
    /// `None` when a parallel page load rotated the token moments ago: the
    /// browser has the new one from that response, and must keep it.
    pub refresh_token: Option<String>,
}

/// The API's exchange: a refresh token works once; presenting it again ends
/// the session.
pub async fn refresh(app: &AppState, refresh_token: String) -> AppResult<TokenPair> {
    match rotate(app, refresh_token, Replay::Revoke).await? {
        Rotation::Rotated { user_id, session } => TokenPair::issue(app, user_id, session),
        // `Replay::Revoke` revokes instead of answering this; should it ever
        // come, refusing is the safe reading.
        Rotation::JustRotated { .. } => Err(AppError::unauthenticated("session_revoked")),
    }
}

/// The browser's exchange, with a grace window for the token just rotated
/// by a parallel page load.
pub async fn renew_browser_session(app: &AppState, refresh_token: String) -> AppResult<Renewed> {
    let now = app.clock.now();
    let (user_id, session_id, refresh_token) =
        match rotate(app, refresh_token, Replay::GraceWhenJustRotated).await? {
            Rotation::Rotated { user_id, session } => {
                (user_id, session.session_id, Some(session.refresh_token))
            }
            Rotation::JustRotated {
                user_id,
                session_id,
            } => (user_id, session_id, None),
        };
    Ok(Renewed {
        access_token: app.tokens.issue(user_id, session_id, now)?,
        expires_in: ACCESS_TOKEN_MINUTES * 60,
        refresh_token,
    })
}

async fn rotate(app: &AppState, refresh_token: String, replay: Replay) -> AppResult<Rotation> {
    let now = app.clock.now();
    app.db
        .run(move |conn| sessions::rotate(conn, &refresh_token, now, replay))
        .await
}
