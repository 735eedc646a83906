//! A tender's documents: downloading one, and the officer's page that
//! lists and uploads them.

use crate::web::extract::Path;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::display::tender_display;
use super::{load_owned, unprocessable};
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{AppError, AppResult};
use crate::tenders::documents;
use crate::tenders::service::{self, TenderView};
use crate::web::page::{FormError, Page};

pub(super) async fn download(
    State(app): State<AppState>,
    page: Page,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (name, content_type, bytes) =
        documents::download(&app, page.user.as_ref(), id, doc).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                documents::disposition(&name),
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn documents_page(
    page: &Page,
    view: &TenderView,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    page.render(
        "pages/tenders/documents.html",
        json!({
            "tender": tender_display(view, page.lang),
            "errors": errors,
            "values": {},
            "max_mb": documents::MAX_BYTES / 1024 / 1024,
        }),
    )
}

pub(super) async fn documents_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    load_owned(&app, &officer, id).await?;
    let view = service::get(&app, Some(&officer), id).await?;
    documents_page(&page, &view, Vec::new())
}

pub(super) async fn upload_document(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let file = crate::web::multipart::parse(content_type, &body)
        .and_then(|parts| parts.into_iter().find(|p| p.name == "file"));
    let result = match file {
        Some(part) if part.file_name.as_deref().is_some_and(|n| !n.is_empty()) => {
            documents::upload(
                &app,
                &officer,
                id,
                part.file_name.as_deref().unwrap_or_default(),
                part.data,
            )
            .await
            .map(|_| ())
        }
        _ => Err(AppError::field("file", "required")),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/tenders/{id}/documents?notice=document_added")).into_response(),
        ),
        Err(error) => {
            let errors = page.errors_of(error, "file")?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(documents_page(&page, &view, errors)?))
        }
    }
}
