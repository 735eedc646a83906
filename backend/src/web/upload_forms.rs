//! Multipart bodies only where the handler checks their CSRF token itself.
//! The CSRF middleware does not read multipart bodies: an upload form's
//! token is its first part, read by the upload handler after the role
//! checks, so the file is never touched for a stranger. A multipart POST to
//! any other form would then pass unchecked (many take no body at all), so
//! it is refused here before it reaches a handler.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

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
