//! Uploading a notice or a TED package as JSON API: `POST
//! /api/v1/admin/imports` (admins only).

use axum::Json;
use axum::body::{Body, HttpBody};
use axum::extract::State;
use http_body_util::BodyExt;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::run::Summary;
use super::upload::{self, MAX_UPLOAD_BYTES};
use crate::app::AppState;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::web::errors::ErrorBody;
use crate::web::extract::Query;

pub fn routes() -> OpenApiRouter<AppState> {
    // The body is read as a stream and counted here, like document
    // uploads, so axum's buffering limit stays for every JSON route.
    OpenApiRouter::new().routes(routes!(import_notices))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name, shown in the summary; default `upload`.
    name: Option<String>,
}

/// Import one notice (eForms or TED XML) or a TED daily package
/// (`.tar.gz`), sent as the raw body (admins only). Every notice is
/// imported on its own: the summary says what happened to each, and a bad
/// one never stops the rest.
#[utoipa::path(post, path = "/api/v1/admin/imports", tag = "admin", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])), responses(
    (status = 200, body = Object, description = "The summary: imported, updated, unchanged, skipped and failed with reasons"),
    (status = 400, body = ErrorBody, description = "The body could not be read to its end"),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 413, body = ErrorBody, description = "More than 128 MB"),
    (status = 422, body = ErrorBody, description = "An empty body"),
))]
async fn import_notices(
    State(app): State<AppState>,
    _admin: Admin,
    Query(query): Query<ImportQuery>,
    body: Body,
) -> AppResult<Json<Summary>> {
    if body.size_hint().lower() > MAX_UPLOAD_BYTES as u64 {
        return Err(upload::too_large());
    }
    let mut bytes = Vec::new();
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| AppError::bad_request("body_unreadable"))?;
        if let Some(chunk) = frame.data_ref() {
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(upload::too_large());
            }
            bytes.extend_from_slice(chunk);
        }
    }
    let name = query
        .name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "upload".into());
    Ok(Json(upload::import(&app, name, bytes).await?))
}
