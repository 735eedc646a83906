//! CSRF protection for the HTML forms: a random token in a cookie that every
//! form repeats in a hidden `csrf_token` field (double submit). The check
//! runs in middleware for every unsafe request outside `/api`, so no form
//! handler can forget it. The JSON API needs none: it accepts only Bearer
//! tokens, which a foreign site cannot make a browser send.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::app::AppState;
use crate::auth::tokens::random_token;
use crate::error::AppError;

pub const CSRF_COOKIE: &str = "sb_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
/// Forms here are small.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The token for this request's forms.
#[derive(Clone)]
pub struct CsrfToken(pub String);

pub async fn protect(
    State(app): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 32);
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method {
        let Some(expected) = existing.as_deref() else {
            return AppError::forbidden("csrf_failed").into_response();
        };
        let (parts, body) = request.into_parts();
        // An upload's body is not read here: its handler checks the token,
        // the form's first part, after its extractors have passed, and
        // streams the file only then. `web::upload_forms` refuses multipart
        // bodies everywhere else.
        if crate::web::upload_forms::is_multipart(&parts.headers) {
            request = Request::from_parts(parts, body);
        } else {
            let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
                Ok(bytes) => bytes,
                Err(_) => {
                    return AppError::refused(
                        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                    )
                    .into_response();
                }
            };
            let presented = url::form_urlencoded::parse(&bytes)
                .find(|(name, _)| name == CSRF_FIELD)
                .map(|(_, value)| value.into_owned());
            if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), expected.as_bytes())) {
                return AppError::forbidden("csrf_failed").into_response();
            }
            request = Request::from_parts(parts, Body::from(bytes));
        }
    }
    let (token, new_cookie) = match existing {
        Some(token) => (token, None),
        None => {
            let (token, _) = random_token();
            (token.clone(), Some(token))
        }
    };
    request.extensions_mut().insert(CsrfToken(token));
    let response = next.run(request).await;
    match new_cookie {
        Some(token) => {
            let cookie = Cookie::build((CSRF_COOKIE, token))
                .path("/")
                .http_only(true)
                .secure(app.config.secure_cookies())
                .same_site(SameSite::Lax)
                .build();
            (CookieJar::new().add(cookie), response).into_response()
        }
        None => response,
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
