//! The browser's session: the access token and refresh token live in
//! HttpOnly cookies. When the 15-minute access token has expired, this
//! middleware rotates the refresh token before the page handler runs, so a
//! person stays logged in for as long as the session lives.

use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::app::AppState;
use crate::auth::extract::FreshAccessToken;
use crate::auth::refresh::{Renewed, TokenPair, renew_browser_session};
use crate::auth::sessions::REFRESH_DAYS;
use crate::auth::{ACCESS_COOKIE, REFRESH_COOKIE};

fn cookie(
    app: &AppState,
    name: &'static str,
    value: String,
    max_age_seconds: i64,
) -> Cookie<'static> {
    Cookie::build((app.config.cookie_name(name), value))
        .path("/")
        .http_only(true)
        .secure(app.config.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build()
}

/// The cookies that log a browser in.
pub fn session_cookies(app: &AppState, tokens: &TokenPair) -> CookieJar {
    CookieJar::new()
        .add(cookie(
            app,
            ACCESS_COOKIE,
            tokens.access_token.clone(),
            tokens.expires_in,
        ))
        .add(cookie(
            app,
            REFRESH_COOKIE,
            tokens.refresh_token.clone(),
            REFRESH_DAYS * 24 * 3600,
        ))
}

/// The cookies of a renewed session. Without a new refresh token (a
/// parallel page load rotated it a moment ago) the refresh cookie is left
/// alone, so the one that response set stays.
fn renewed_cookies(app: &AppState, renewed: &Renewed) -> CookieJar {
    let jar = CookieJar::new().add(cookie(
        app,
        ACCESS_COOKIE,
        renewed.access_token.clone(),
        renewed.expires_in,
    ));
    match &renewed.refresh_token {
        Some(refresh) => jar.add(cookie(
            app,
            REFRESH_COOKIE,
            refresh.clone(),
            REFRESH_DAYS * 24 * 3600,
        )),
        None => jar,
    }
}

/// The cookies that log a browser out.
pub fn clear_session_cookies(app: &AppState) -> CookieJar {
    CookieJar::new()
        .add(cookie(app, ACCESS_COOKIE, String::new(), 0))
        .add(cookie(app, REFRESH_COOKIE, String::new(), 0))
}

pub async fn keep_alive(
    State(app): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/") || request.uri().path().starts_with("/static/") {
        return next.run(request).await;
    }
    let now = app.clock.now();
    let access_name = app.config.cookie_name(ACCESS_COOKIE);
    let access_valid = jar
        .get(&access_name)
        .is_some_and(|c| app.tokens.decode(c.value(), now).is_ok());
    let refresh = jar
        .get(&app.config.cookie_name(REFRESH_COOKIE))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty());
    let Some(refresh) = refresh.filter(|_| !access_valid) else {
        return next.run(request).await;
    };
    let renewed = renew_browser_session(&app, refresh).await;
    if let Ok(renewed) = &renewed {
        request
            .extensions_mut()
            .insert(FreshAccessToken(renewed.access_token.clone()));
    }
    let response = next.run(request).await;
    // A handler that set the session cookies itself (log in, log out) has
    // the last word.
    let handler_set_session = response.headers().get_all(SET_COOKIE).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.starts_with(&format!("{access_name}=")))
    });
    if handler_set_session {
        return response;
    }
    match renewed {
        Ok(renewed) => (renewed_cookies(&app, &renewed), response).into_response(),
        Err(_) => (clear_session_cookies(&app), response).into_response(),
    }
}
