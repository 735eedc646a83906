//! CSRF protection for the HTML forms. Every form repeats a token in a
//! hidden `csrf_token` field that only this server can make: an HMAC, under
//! a key derived from the signing secret, of the session id when logged in,
//! or of a random value kept in the `sb_csrf` cookie before that (the login
//! and registration forms). A token made for one session fails for every
//! other, and a cookie and field an attacker chose together fail too. The
//! check runs in middleware for every unsafe request outside `/api`, so no
//! form handler can forget it. The JSON API needs none: it accepts only
//! Bearer tokens, which a foreign site cannot make a browser send.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::app::AppState;
use crate::auth::ACCESS_COOKIE;
use crate::auth::extract::FreshAccessToken;
use crate::auth::tokens::random_token;
use crate::db::ids::SessionId;
use crate::error::AppError;
use crate::web::control_chars;

/// The anonymous form token's random value; over HTTPS the name has the
/// `__Host-` prefix (`Config::cookie_name`).
pub const CSRF_COOKIE: &str = "sb_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
/// The address a mail's unsubscribe token is posted to (`notify`).
pub const ONE_CLICK_UNSUBSCRIBE: &str = "/notifications/unsubscribe";
/// Forms here are small. Uploads (multipart) are not read here at all.
const MAX_FORM_BYTES: usize = 256 * 1024;
/// The anonymous cookie holds a random value of this many characters or
/// more (32 random bytes in base64).
const MIN_NONCE_LEN: usize = 43;

/// The token this request's forms must present.
#[derive(Clone)]
pub struct CsrfToken(pub String);

/// What the form token is bound to.
enum Binding {
    Session(SessionId),
    Anonymous(String),
}

fn form_token(app: &AppState, binding: &Binding) -> String {
    // A key of its own, so a CSRF token can never be mistaken for anything
    // else signed with the secret.
    let mut derive = Hmac::<Sha256>::new_from_slice(app.config.jwt_secret_bytes())
        .expect("HMAC takes a key of any length");
    derive.update(b"socialbid csrf key v1");
    let key = derive.finalize().into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes a key of any length");
    match binding {
        Binding::Session(id) => mac.update(format!("session:{id}").as_bytes()),
        Binding::Anonymous(nonce) => mac.update(format!("anonymous:{nonce}").as_bytes()),
    }
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The session of a logged-in browser: the access token the keep-alive
/// middleware has just issued, else the access cookie, if still valid.
fn session_id(app: &AppState, request: &Request, jar: &CookieJar) -> Option<SessionId> {
    let token = match request.extensions().get::<FreshAccessToken>() {
        Some(FreshAccessToken(fresh)) => fresh.clone(),
        None => jar
            .get(&app.config.cookie_name(ACCESS_COOKIE))?
            .value()
            .to_owned(),
    };
    app.tokens
        .decode(&token, app.clock.now())
        .ok()
        .map(|claims| claims.sid)
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

pub async fn protect(
    State(app): State<AppState>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    // Static files carry no forms, and a cookie on them would keep shared
    // caches from storing them. The one-click unsubscribe (RFC 8058) comes
    // from a mail client without cookies; its signed token is all the
    // authority it needs or has. Probes and scrapers have no forms either.
    let path = request.uri().path();
    if path.starts_with("/api/")
        || path.starts_with("/static/")
        || crate::web::health::PATHS.contains(&path)
        || (path == ONE_CLICK_UNSUBSCRIBE && request.method() == Method::POST)
    {
        return next.run(request).await;
    }
    let (nonce, new_cookie) = match jar
        .get(&app.config.cookie_name(CSRF_COOKIE))
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= MIN_NONCE_LEN)
    {
        Some(nonce) => (nonce, false),
        None => (random_token().0, true),
    };
    let binding = match session_id(&app, &request, &jar) {
        Some(id) => Binding::Session(id),
        None => Binding::Anonymous(nonce.clone()),
    };
    let expected = form_token(&app, &binding);
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // An upload's body is not read here: its handler checks the
    // `csrf_token` part against `CsrfToken` before it reads the file.
    let mut request = if unsafe_method && !is_multipart(&request) {
        match checked_form(request, &expected).await {
            Ok(request) => request,
            Err(refused) => return refused.into_response(),
        }
    } else {
        request
    };
    request.extensions_mut().insert(CsrfToken(expected));
    let response = next.run(request).await;
    if !new_cookie {
        return response;
    }
    let cookie = Cookie::build((app.config.cookie_name(CSRF_COOKIE), nonce))
        .path("/")
        .http_only(true)
        .secure(app.config.secure_cookies())
        .same_site(SameSite::Lax)
        .build();
    (CookieJar::new().add(cookie), response).into_response()
}

/// Reads the form (small by rule), refuses it unless it carries the
/// expected token and its text is free of control characters, and hands
/// the body on unchanged.
async fn checked_form(request: Request, expected: &str) -> Result<Request, AppError> {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| {
        AppError::refused(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        )
    })?;
    let fields: Vec<_> = url::form_urlencoded::parse(&bytes).collect();
    let presented = fields
        .iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value);
    if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), expected.as_bytes())) {
        return Err(AppError::forbidden("csrf_failed"));
    }
    // Read anyway, so checked here for every form at once; after the token,
    // so a forged request learns nothing.
    let refused = control_chars::in_form(fields.iter().map(|(n, v)| (n.as_ref(), v.as_ref())));
    if !refused.is_empty() {
        return Err(AppError::invalid(refused));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Compares secrets without stopping at the first difference, so the time
/// taken says nothing about how much of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
