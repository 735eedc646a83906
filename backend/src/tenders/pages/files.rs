//! A tender's documents: downloading one, and the officer's page that
//! lists them, uploads them with a title and removes them.

use crate::db::ids::{DocumentId, TenderId};
use crate::web::extract::Path;
use axum::Extension;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::display::tender_display;
use super::{load_owned, unprocessable};
use crate::app::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AuthUser, Officer};
use crate::error::{AppError, AppResult};
use crate::tenders::documents::{self, form};
use crate::tenders::service::{self, TenderView};
use crate::web::page::{FormError, Page};
use crate::web::upload_forms;

pub(super) async fn download(
    State(app): State<AppState>,
    page: Page,
    Path((id, doc)): Path<(TenderId, DocumentId)>,
) -> AppResult<documents::Download> {
    documents::download(&app, page.user.as_ref(), id, doc).await
}

fn documents_page(
    page: &Page,
    view: &TenderView,
    errors: Vec<FormError>,
    values: serde_json::Value,
) -> AppResult<Html<String>> {
    page.render(
        "pages/tenders/documents.html",
        json!({
            "tender": tender_display(view, page.lang),
            "errors": errors,
            "values": values,
            "max_mb": documents::MAX_BYTES / 1024 / 1024,
            "max_title": documents::MAX_TITLE,
        }),
    )
}

pub(super) async fn documents_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Html<String>> {
    load_owned(&app, &officer, id).await?;
    let view = service::get(&app, Some(&officer), id).await?;
    documents_page(&page, &view, Vec::new(), json!({}))
}

/// The upload form's body is read only after the officer is known (the
/// extractors) and the CSRF token, the form's first part, matches; then the
/// file part is streamed to disk.
pub(super) async fn upload_document(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    Extension(CsrfToken(expected)): Extension<CsrfToken>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    // Without a multipart body there is no token to check.
    let mut multipart = multipart.map_err(|_| AppError::forbidden("csrf_failed"))?;
    upload_forms::check_csrf_part(&mut multipart, &expected).await?;
    load_owned(&app, &officer, id).await?;
    let mut title = None;
    match receive_file(&app, &officer, id, &mut multipart, &mut title).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/tenders/{id}/documents?notice=document_added")).into_response(),
        ),
        Err(error) => {
            let errors = page.errors_of(error, "file")?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(documents_page(
                &page,
                &view,
                errors,
                json!({ "title": title }),
            )?))
        }
    }
}

pub(super) async fn remove_document(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path((id, doc)): Path<(TenderId, DocumentId)>,
) -> AppResult<Redirect> {
    documents::remove(&app, &officer, id, doc).await?;
    Ok(Redirect::to(&format!(
        "/tenders/{id}/documents?notice=document_removed"
    )))
}

/// Streams the file part into the documents folder and stores it; the
/// title as typed is kept in `title` for the form to show again.
async fn receive_file(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    multipart: &mut Multipart,
    title: &mut Option<String>,
) -> AppResult<()> {
    let mut receiving = documents::receive(app).await?;
    let (name, title) = form::title_and_file(multipart, title, &mut receiving).await?;
    let received = receiving.finish().await?;
    documents::store(app, officer, id, name, title, received).await?;
    Ok(())
}
