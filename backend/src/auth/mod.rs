//! Who is calling: passwords, tokens, sessions, the extractors that put the
//! caller's identity and role in every handler's signature, CSRF protection
//! for forms, and the login rate limit.

pub mod browser;
pub mod csrf;
pub mod extract;
pub mod password;
pub mod rate_limit;
pub mod refresh;
pub mod sessions;
pub mod tokens;

pub use extract::{Admin, ApprovalState, AuthUser, Entrepreneur, MaybeUser, Officer, Role};

/// The browser keeps its access token here (HttpOnly, SameSite=Lax); over
/// HTTPS the name has the `__Host-` prefix (`Config::cookie_name`).
pub const ACCESS_COOKIE: &str = "sb_access";
/// The browser's refresh token; named like [`ACCESS_COOKIE`].
pub const REFRESH_COOKIE: &str = "sb_refresh";
