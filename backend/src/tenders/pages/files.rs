//! A tender's documents: downloading one, and the officer's page that
//! lists them, uploads them with a title and removes them.

use crate::db::ids::{DocumentId, TenderId};
use crate::web::extract::Path;
use axum::Extension;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::display::tender_display;
use super::{load_owned, unprocessable};
use crate::app::AppState;
use crate::auth::csrf::{CSRF_FIELD, CsrfToken, constant_time_eq};
use crate::auth::{AuthUser, Officer};
use crate::error::{AppError, AppResult};
use crate::tenders::documents;
use crate::tenders::service::{self, TenderView};
use crate::web::page::{FormError, Page};

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
    check_csrf_part(&mut multipart, &expected).await?;
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

/// The longest token read from the form; real ones are far shorter.
const MAX_TOKEN_BYTES: usize = 256;

async fn check_csrf_part(multipart: &mut Multipart, expected: &str) -> AppResult<()> {
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

/// The longest title part read from the form: the title's limit in the
/// widest UTF-8 characters.
const MAX_TITLE_BYTES: usize = documents::MAX_TITLE * 4;

/// Reads the `title` part (kept in `title` for the form to show again),
/// then streams the `file` part into the documents folder and stores it.
async fn receive_file(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    multipart: &mut Multipart,
    title: &mut Option<String>,
) -> AppResult<()> {
    let mut next = multipart.next_field().await.map_err(read_failed)?;
    if let Some(mut part) = next.take_if(|f| f.name() == Some("title")) {
        let mut typed = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(read_failed)? {
            typed.extend_from_slice(&chunk);
            if typed.len() > MAX_TITLE_BYTES {
                return Err(AppError::invalid(vec![
                    crate::error::FieldError::new("title", "too_long")
                        .with("max", documents::MAX_TITLE),
                ]));
            }
        }
        *title = Some(String::from_utf8_lossy(&typed).into_owned());
        // The next part can be read only once this one is let go.
        drop(part);
        next = multipart.next_field().await.map_err(read_failed)?;
    }
    let title = documents::checked_title(title.as_deref())?;
    let mut field = next
        .filter(|f| f.name() == Some("file") && f.file_name().is_some_and(|n| !n.is_empty()))
        .ok_or_else(|| AppError::field("file", "required"))?;
    let name = documents::checked_name(field.file_name().unwrap_or_default())?;
    let mut receiving = documents::receive(app).await?;
    while let Some(chunk) = field.chunk().await.map_err(read_failed)? {
        receiving.push(&chunk).await?;
    }
    let received = receiving.finish().await?;
    documents::store(app, officer, id, name, title, received).await?;
    Ok(())
}

/// A body cut off by the route's limit is a file too large; anything else
/// is a form that could not be read.
fn read_failed(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        documents::too_large()
    } else {
        AppError::bad_request("body_unreadable")
    }
}
