//! Multipart bodies only where the handler checks their CSRF token itself.
//! The CSRF middleware does not read multipart bodies: an upload form's
//! token is its first part, read by the upload handler (`check_csrf_part`)
//! after the role checks, so the file is never touched for a stranger. A
//! multipart POST to any other form would then pass unchecked (many take
//! no body at all), so it is refused here before it reaches a handler.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use axum::extract::Multipart;

use crate::auth::csrf::{CSRF_FIELD, constant_time_eq};
use crate::error::{AppError, AppResult};

/// The route patterns (as written in the router) whose handlers read the
/// `csrf_token` part first and compare it with `CsrfToken`.
#[derive(Clone, Copy)]
pub struct UploadForms(pub &'static [&'static str]);

pub fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

pub async fn refuse_elsewhere(
    State(forms): State<UploadForms>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    if !api && is_multipart(request.headers()) {
        let upload_form = request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|path| forms.0.contains(&path.as_str()));
        if !upload_form {
            return AppError::refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                .into_response();
        }
    }
    next.run(request).await
}

/// The longest token read from the form; real ones are far shorter.
const MAX_TOKEN_BYTES: usize = 256;

/// Refuses the form unless its first part is the session's CSRF token.
pub async fn check_csrf_part(multipart: &mut Multipart, expected: &str) -> AppResult<()> {
    let refused = || AppError::forbidden("csrf_failed");
    let mut field = multipart
        .next_field()
        .await
        .map_err(|_| refused())?
        .filter(|f| f.name() == Some(CSRF_FIELD) && f.file_name().is_none())
        .ok_or_else(refused)?;
    let mut presented = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| refused())? {
        presented.extend_from_slice(&chunk);
        if presented.len() > MAX_TOKEN_BYTES {
            return Err(refused());
        }
    }
    if !constant_time_eq(&presented, expected.as_bytes()) {
        return Err(refused());
    }
    Ok(())
}
