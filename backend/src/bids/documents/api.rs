//! A bid's documents as JSON, under `/api/v1/bids/{id}/documents`: the
//! lead uploads (the raw file as the body, as for a tender's documents)
//! and removes them; whoever reads the bid downloads them.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::db::ids::{BidDocumentId, BidId};
use crate::error::AppResult;
use crate::tenders::api::UploadQuery;
use crate::tenders::documents::{self as tender_documents, form};
use crate::web::errors::ErrorBody;
use crate::web::extract::{Path, Query};

use super::{BidDocumentView, Download, Receiving};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_document))
        .routes(routes!(download_document, remove_document))
}

/// Attach a document to the bid (its lead, while the bid is not submitted
/// and before the deadline): the raw file as the body (PDF, Word, Excel,
/// PowerPoint, OpenDocument; at most 20 MB, 20 documents a bid),
/// recognised by its content; the name's extension must match it. Sealed
/// like the bid: nobody but the consortium reads it before the opening.
#[utoipa::path(post, path = "/api/v1/bids/{id}/documents", tag = "bids", params(("id" = i64, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), security(("bearer" = [])), responses(
    (status = 201, body = BidDocumentView),
    (status = 400, body = ErrorBody, description = "The body could not be read to its end"),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The bid is submitted (withdraw it first) or the deadline has passed"),
    (status = 413, body = ErrorBody, description = "The body announces more than 20 MB"),
    (status = 422, body = ErrorBody, description = "Empty, over 20 MB, not an accepted type, an unsafe name, an extension that does not match the content, or the bid holds 20 documents"),
))]
async fn upload_document(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    Query(query): Query<UploadQuery>,
    body: Body,
) -> AppResult<impl IntoResponse> {
    form::refuse_if_announced_too_large(&body)?;
    let name = tender_documents::checked_name(&query.name)?;
    let title = tender_documents::checked_title(query.title.as_deref())?;
    let bid = super::check_can_add(&app, &user, id).await?;
    let mut receiving = Receiving::default();
    form::raw_body(body, &mut receiving).await?;
    let received = receiving.finish(&name).await?;
    let view = super::add(&app, &user, &bid, name, title, received).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Download a document of a bid the caller may read (always as an
/// attachment); 404 for anyone else.
#[utoipa::path(get, path = "/api/v1/bids/{id}/documents/{document_id}", tag = "bids", params(("id" = i64, Path), ("document_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, description = "The file, with the type its content was recognised as", content(("application/pdf"), ("application/msword"), ("application/vnd.ms-excel"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("application/vnd.oasis.opendocument.text"), ("application/vnd.oasis.opendocument.spreadsheet"))),
    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn download_document(
    State(app): State<AppState>,
    user: AuthUser,
    Path((id, document_id)): Path<(BidId, BidDocumentId)>,
) -> AppResult<Download> {
    super::download(&app, &user, id, document_id).await
}

/// Remove a document from the bid (its lead, while the bid is not
/// submitted and before the deadline).
#[utoipa::path(delete, path = "/api/v1/bids/{id}/documents/{document_id}", tag = "bids", params(("id" = i64, Path), ("document_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Removed"),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The bid is submitted (withdraw it first) or the deadline has passed"),
))]
async fn remove_document(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path((id, document_id)): Path<(BidId, BidDocumentId)>,
) -> AppResult<StatusCode> {
    super::remove(&app, &user, id, document_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
