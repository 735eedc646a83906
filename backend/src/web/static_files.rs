//! `/static/{file}`: the stylesheet and icon embedded in the binary.

use crate::web::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

pub async fn serve(Path(name): Path<String>) -> Response {
    match socialbid_frontend::asset(&name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => AppError::not_found().into_response(),
    }
}
