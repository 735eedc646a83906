//! The bid's documents page, working without JavaScript: the documents
//! with their hashes, and for the lead, while the bid may change, an
//! upload form (the CSRF token first, as on a tender's documents page) and
//! a remove button beside each. Downloads go to anyone who reads the bid,
//! officers included once the bids are opened.

use axum::Extension;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use socialbid_frontend::Lang;

use crate::app::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AuthUser, Entrepreneur};
use crate::db::ids::{BidDocumentId, BidId};
use crate::error::{AppError, AppResult};
use crate::tenders::documents::{MAX_BYTES, MAX_FORM_BODY_BYTES, MAX_TITLE, form};
use crate::tenders::pages::display::{doc_kind, size_label};
use crate::web::extract::Path;
use crate::web::page::{FormError, Page};
use crate::web::upload_forms;

use super::super::access;
use super::super::model::BidState;
use super::super::pages::load_tender;
use super::super::reading::{self, BidView, ReadAs};
use super::{BidDocumentView, Download, MAX_DOCUMENTS, Receiving};

/// The upload form's route, whose handler checks the CSRF part itself
/// (see `web::upload_forms`).
pub const UPLOAD_FORM: &str = "/bids/{id}/documents";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            UPLOAD_FORM,
            get(documents_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_FORM_BODY_BYTES)),
        )
        .route("/bids/{id}/documents/{document}", get(download))
        .route("/bids/{id}/documents/{document}/remove", post(remove))
}

/// The documents as the pages list them (under
/// `/bids/{bid}/documents/{id}`), worded for `lang`.
pub fn documents_json(documents: &[BidDocumentView], lang: Lang) -> Vec<Value> {
    documents
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "label": d.label(),
                "file_name": d.file_name,
                "kind": doc_kind(&d.content_type),
                "size": size_label(d.size_bytes, lang),
                "sha256": d.sha256,
            })
        })
        .collect()
}

async fn render(
    app: &AppState,
    page: &Page,
    bid: &BidView,
    errors: Vec<FormError>,
    values: Value,
) -> AppResult<Html<String>> {
    let tender = load_tender(app, bid.tender_id).await?;
    let open = access::refuse_unless_open(&tender, app.clock.now()).is_ok();
    let can_change = bid.read_as == ReadAs::Lead && open && bid.state != BidState::Submitted;
    page.render(
        "pages/bids/documents.html",
        json!({
            "bid": bid,
            "documents": documents_json(&bid.documents, page.lang),
            "can_change": can_change,
            "full": bid.documents.len() as i64 >= MAX_DOCUMENTS,
            "errors": errors,
            "values": values,
            "max_mb": MAX_BYTES / 1024 / 1024,
            "max_title": MAX_TITLE,
            "max_documents": MAX_DOCUMENTS,
        }),
    )
}

async fn documents_page(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Html<String>> {
    let bid = reading::get(&app, &user, id).await?;
    render(&app, &page, &bid, Vec::new(), json!({})).await
}

/// The token is checked before anything else of the body is read, and
/// the bid before the file is: a stranger's upload is refused unread.
async fn upload(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    Extension(CsrfToken(expected)): Extension<CsrfToken>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let mut multipart = multipart.map_err(|_| AppError::forbidden("csrf_failed"))?;
    upload_forms::check_csrf_part(&mut multipart, &expected).await?;
    let bid_row = super::check_can_add(&app, &user, id).await;
    let mut title = None;
    let outcome = match bid_row {
        Ok(bid_row) => receive(&app, &user, &bid_row, &mut multipart, &mut title).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Ok(
            Redirect::to(&format!("/bids/{id}/documents?notice=document_added")).into_response(),
        ),
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "file")?;
            let bid = reading::get(&app, &user, id).await?;
            let html = render(&app, &page, &bid, errors, json!({ "title": title })).await?;
            Ok((status, html).into_response())
        }
    }
}

async fn receive(
    app: &AppState,
    user: &AuthUser,
    bid: &super::super::model::BidRow,
    multipart: &mut Multipart,
    title: &mut Option<String>,
) -> AppResult<()> {
    let mut receiving = Receiving::default();
    let (name, title) = form::title_and_file(multipart, title, &mut receiving).await?;
    let received = receiving.finish(&name).await?;
    super::add(app, user, bid, name, title, received).await?;
    Ok(())
}

async fn remove(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path((id, document)): Path<(BidId, BidDocumentId)>,
) -> AppResult<Response> {
    match super::remove(&app, &user, id, document).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/bids/{id}/documents?notice=document_removed")).into_response(),
        ),
        Err(error @ AppError::Refused { status, .. }) if status == StatusCode::CONFLICT => {
            let errors = page.errors_of(error, "file")?;
            let bid = reading::get(&app, &user, id).await?;
            let html = render(&app, &page, &bid, errors, json!({})).await?;
            Ok((status, html).into_response())
        }
        Err(error) => Err(error),
    }
}

async fn download(
    State(app): State<AppState>,
    user: AuthUser,
    Path((id, document)): Path<(BidId, BidDocumentId)>,
) -> AppResult<Download> {
    super::download(&app, &user, id, document).await
}
