//! Uploads as the API and the pages send them, for a tender's documents
//! and a bid's: the API's raw body, and the upload form's parts after its
//! CSRF token (`web::upload_forms`): an optional title, then the file,
//! streamed into whatever sink the caller's documents go to.

use axum::body::{Body, HttpBody};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use http_body_util::BodyExt;

use super::{MAX_BYTES, MAX_TITLE, checked_name, checked_title, too_large};
use crate::error::{AppError, AppResult, FieldError};

/// The longest title part read from the form: the title's limit in the
/// widest UTF-8 characters.
const MAX_TITLE_BYTES: usize = MAX_TITLE * 4;

/// Where the file part's bytes go as they arrive.
pub trait FileSink {
    /// Sent, as the request handlers' futures must be.
    fn push(&mut self, chunk: &[u8]) -> impl Future<Output = AppResult<()>> + Send;
}

impl FileSink for super::Receiving {
    async fn push(&mut self, chunk: &[u8]) -> AppResult<()> {
        super::Receiving::push(self, chunk).await
    }
}

/// Reads the optional title part, then the file part into `sink`; returns
/// the file's checked name and the checked title. The title as typed is
/// kept in `typed_title` for the form to show again whatever goes wrong
/// after it.
pub async fn title_and_file(
    multipart: &mut Multipart,
    typed_title: &mut Option<String>,
    sink: &mut impl FileSink,
) -> AppResult<(String, Option<String>)> {
    let mut next = multipart.next_field().await.map_err(read_failed)?;
    if let Some(mut part) = next.take_if(|f| f.name() == Some("title")) {
        let mut typed = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(read_failed)? {
            typed.extend_from_slice(&chunk);
            if typed.len() > MAX_TITLE_BYTES {
                return Err(AppError::invalid(vec![
                    FieldError::new("title", "too_long").with("max", MAX_TITLE),
                ]));
            }
        }
        *typed_title = Some(String::from_utf8_lossy(&typed).into_owned());
        // The next part can be read only once this one is let go.
        drop(part);
        next = multipart.next_field().await.map_err(read_failed)?;
    }
    let title = checked_title(typed_title.as_deref())?;
    let mut field = next
        .filter(|f| f.name() == Some("file") && f.file_name().is_some_and(|n| !n.is_empty()))
        .ok_or_else(|| AppError::field("file", "required"))?;
    let name = checked_name(field.file_name().unwrap_or_default())?;
    while let Some(chunk) = field.chunk().await.map_err(read_failed)? {
        sink.push(&chunk).await?;
    }
    Ok((name, title))
}

/// Refuses an API upload whose body announces more than the limit before
/// any of it is read.
pub fn refuse_if_announced_too_large(body: &Body) -> AppResult<()> {
    if body.size_hint().lower() > MAX_BYTES as u64 {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ));
    }
    Ok(())
}

/// An API upload's raw body into `sink`, chunk by chunk as it arrives.
pub async fn raw_body(mut body: Body, sink: &mut impl FileSink) -> AppResult<()> {
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| AppError::bad_request("body_unreadable"))?;
        if let Some(chunk) = frame.data_ref() {
            sink.push(chunk).await?;
        }
    }
    Ok(())
}

/// A body cut off by the route's limit is a file too large; anything else
/// is a form that could not be read.
pub fn read_failed(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        AppError::bad_request("body_unreadable")
    }
}
