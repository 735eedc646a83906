//! Facts about the caller's connection that the login rate limit needs.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;

use crate::app::AppState;

/// The caller's address and browser. The address is the socket's, or,
/// with `SOCIALBID_TRUST_FORWARDED_FOR`, the one our proxy appended to
/// `X-Forwarded-For`; "unknown" when the router is driven without a socket.
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: Option<String>,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip =
            client_ip(parts, app.config.trust_forwarded_for).unwrap_or_else(|| "unknown".into());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(ClientInfo { ip, user_agent })
    }
}

/// The caller's address: with `trust_forwarded_for`, the last one in
/// `X-Forwarded-For` (the one our own proxy appended), else the socket's;
/// none when the router is driven without a socket and nothing is trusted.
/// The login limit and the per-address mail limit both key on this.
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<String> {
    let forwarded = trust_forwarded_for
        .then(|| {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty())
                .map(str::to_owned)
        })
        .flatten();
    forwarded.or_else(|| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
    })
}
