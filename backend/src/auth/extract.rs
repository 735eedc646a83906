//! Identity in the handler's signature. `AuthUser` fails the request when
//! the token is missing, bad, expired or its session revoked; the role
//! extractors (`Entrepreneur`, `Officer`, `Admin`) also check the role, so a
//! handler cannot forget who may call it.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use diesel::prelude::*;
use socialbid_frontend::Lang;

use crate::app::AppState;
use crate::auth::{ACCESS_COOKIE, sessions};
use crate::db::DbConn;
use crate::db::ids::{AuthorityId, SessionId, UserId};
use crate::db::schema::users;
use crate::db::stored::{StoredState, read_from_text};
use crate::error::AppError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Entrepreneur,
    Officer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Entrepreneur => "entrepreneur",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "entrepreneur" => Some(Role::Entrepreneur),
            "officer" => Some(Role::Officer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl StoredState for Role {
    const WHAT: &'static str = "role";

    fn parse(value: &str) -> Option<Role> {
        Role::parse(value)
    }
}

read_from_text!(Role);

/// Where an officer's account stands: it works only once an admin has
/// approved it. Other roles have none.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Deserialize,
    serde::Serialize,
    utoipa::ToSchema,
    diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalState {
    Pending,
    Approved,
    Rejected,
}

impl ApprovalState {
    pub const ALL: [ApprovalState; 3] = [
        ApprovalState::Pending,
        ApprovalState::Approved,
        ApprovalState::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Rejected => "rejected",
        }
    }
}

impl StoredState for ApprovalState {
    const WHAT: &'static str = "officer approval state";

    fn parse(value: &str) -> Option<ApprovalState> {
        ApprovalState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
    }
}

read_from_text!(ApprovalState);

/// The caller, checked against the database on every request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    pub session_id: SessionId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub lang: Lang,
    pub authority_id: Option<AuthorityId>,
    pub approval_state: Option<ApprovalState>,
}

impl AuthUser {
    /// An officer an admin has approved: the only one who may act for an
    /// authority.
    pub fn is_approved_officer(&self) -> bool {
        self.role == Role::Officer && self.approval_state == Some(ApprovalState::Approved)
    }
}

/// An access token the browser-session middleware has just issued from the
/// refresh cookie, preferred over the (expired) cookie of the request.
#[derive(Clone)]
pub struct FreshAccessToken(pub String);

enum Presented {
    Bearer(String),
    Cookie(String),
    Nothing,
}

fn presented_token(parts: &Parts, app: &AppState) -> Result<Presented, AppError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let value = header
            .to_str()
            .map_err(|_| AppError::unauthenticated("token_invalid"))?;
        let token = value
            .strip_prefix("Bearer ")
            .ok_or_else(|| AppError::unauthenticated("token_invalid"))?;
        return Ok(Presented::Bearer(token.trim().to_owned()));
    }
    // The API takes Bearer tokens only: a cookie would make it open to
    // cross-site requests, which only the HTML forms are protected against.
    if parts.uri.path().starts_with("/api/") {
        return Ok(Presented::Nothing);
    }
    if let Some(FreshAccessToken(token)) = parts.extensions.get::<FreshAccessToken>() {
        return Ok(Presented::Cookie(token.clone()));
    }
    let jar = CookieJar::from_headers(&parts.headers);
    Ok(match jar.get(&app.config.cookie_name(ACCESS_COOKIE)) {
        Some(cookie) if !cookie.value().is_empty() => Presented::Cookie(cookie.value().to_owned()),
        _ => Presented::Nothing,
    })
}

/// The columns of `users` that say who is calling. Read here, not through
/// `accounts`, because accounts build on auth and not the reverse.
#[derive(Queryable)]
struct Caller {
    id: UserId,
    email: String,
    name: String,
    role: Role,
    locale: String,
    authority_id: Option<AuthorityId>,
    approval_state: Option<ApprovalState>,
}

fn caller(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<Caller>> {
    users::table
        .find(user_id)
        .select((
            users::id,
            users::email,
            users::name,
            users::role,
            users::locale,
            users::authority_id,
            users::approval_state,
        ))
        .first(conn)
        .optional()
}

async fn load(app: &AppState, token: &str) -> Result<AuthUser, AppError> {
    let now = app.clock.now();
    let claims = app.tokens.decode(token, now)?;
    let user_id = claims
        .user_id()
        .ok_or_else(|| AppError::unauthenticated("token_invalid"))?;
    let session_id = claims.sid;
    app.db
        .run(move |conn| {
            if !sessions::is_active(conn, session_id, user_id, now)? {
                return Err(AppError::unauthenticated("session_revoked"));
            }
            let user = caller(conn, user_id)?
                .ok_or_else(|| AppError::unauthenticated("session_revoked"))?;
            Ok(AuthUser {
                id: user.id,
                session_id,
                role: user.role,
                lang: Lang::from_code(&user.locale).unwrap_or_default(),
                email: user.email,
                name: user.name,
                authority_id: user.authority_id,
                approval_state: user.approval_state,
            })
        })
        .await
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let user = match presented_token(parts, app)? {
            Presented::Bearer(token) | Presented::Cookie(token) => load(app, &token).await?,
            Presented::Nothing => return Err(AppError::unauthenticated("unauthenticated")),
        };
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The caller if logged in. A malformed Bearer token is still an error,
/// never an anonymous request; a stale browser cookie just means "logged
/// out".
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        match presented_token(parts, app)? {
            Presented::Nothing => Ok(MaybeUser(None)),
            Presented::Bearer(_) => AuthUser::from_request_parts(parts, app)
                .await
                .map(|u| MaybeUser(Some(u))),
            Presented::Cookie(_) => Ok(MaybeUser(
                AuthUser::from_request_parts(parts, app).await.ok(),
            )),
        }
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub AuthUser);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
                let user = AuthUser::from_request_parts(parts, app).await?;
                let check: fn(&AuthUser) -> Result<(), AppError> = $check;
                check(&user)?;
                Ok($name(user))
            }
        }
    };
}

role_extractor!(
    /// A social entrepreneur.
    Entrepreneur,
    |user| match user.role {
        Role::Entrepreneur => Ok(()),
        _ => Err(AppError::forbidden("wrong_role")),
    }
);

role_extractor!(
    /// A procurement officer whose account an admin has approved.
    Officer,
    |user| match (user.role, user.approval_state) {
        (Role::Officer, Some(ApprovalState::Approved)) => Ok(()),
        (Role::Officer, Some(ApprovalState::Rejected)) => Err(AppError::forbidden("officer_rejected")),
        (Role::Officer, _) => Err(AppError::forbidden("officer_not_approved")),
        _ => Err(AppError::forbidden("wrong_role")),
    }
);

role_extractor!(
    /// A platform admin.
    Admin,
    |user| match user.role {
        Role::Admin => Ok(()),
        _ => Err(AppError::forbidden("wrong_role")),
    }
);
