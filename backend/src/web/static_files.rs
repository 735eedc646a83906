//! `/static/{file}`: the stylesheet and icon embedded in the binary, under
//! their content-hashed names (cached for good) and their plain names
//! (cached for an hour, for pages rendered before a release).

use crate::web::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=3600";

pub async fn serve(Path(name): Path<String>) -> Response {
    match socialbid_frontend::asset(&name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (
                    header::CACHE_CONTROL,
                    if asset.immutable { IMMUTABLE } else { SHORT },
                ),
            ],
            asset.bytes,
        )
            .into_response(),
        None => AppError::not_found().into_response(),
    }
}
