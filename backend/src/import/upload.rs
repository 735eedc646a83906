//! An upload an admin sends (one notice, or a TED package): the rules both
//! the JSON API and the admin page go through.

use axum::http::StatusCode;

use super::run::{Batch, Summary};
use super::sources;
use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// The largest upload: a day's TED package is some tens of megabytes.
pub const MAX_UPLOAD_BYTES: usize = 128 * 1024 * 1024;

pub fn too_large() -> AppError {
    AppError::refused(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
}

/// Imports what was uploaded: a gzip stream is read as a package, anything
/// else as one notice.
pub async fn import(app: &AppState, name: String, bytes: Vec<u8>) -> AppResult<Summary> {
    if bytes.is_empty() {
        return Err(AppError::field("file", "required"));
    }
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let mut batch = Batch::new(conn, now);
            if bytes.starts_with(&[0x1f, 0x8b]) {
                sources::read_package(&name, bytes.as_slice(), &mut |name, read| {
                    batch.push(name, read)
                });
            } else {
                batch.push(name, Ok(bytes));
            }
            Ok::<_, AppError>(batch.finish())
        })
        .await
}
