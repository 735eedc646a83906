//! The admin's page for uploading a notice or a TED package, working
//! without JavaScript: a file form, then the summary in the reader's
//! language.

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::json;

use super::run::Summary;
use super::upload::{self, MAX_UPLOAD_BYTES};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::csrf::CsrfToken;
use crate::error::{AppError, AppResult};
use crate::web::page::{FormError, Page};
use crate::web::upload_forms;

/// The upload form; its handler checks the CSRF token itself (see
/// `web::upload_forms`).
pub const UPLOAD_FORM: &str = "/admin/imports";

pub fn routes() -> Router<AppState> {
    Router::new().route(
        UPLOAD_FORM,
        get(form)
            .post(receive)
            .layer(axum::extract::DefaultBodyLimit::max(
                MAX_UPLOAD_BYTES + 64 * 1024,
            )),
    )
}

fn imports_page(
    page: &Page,
    summary: Option<&Summary>,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let summary = summary.map(|s| {
        let refusals = |list: &[super::run::Refusal]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|r| json!({ "file": r.file, "message": problem_message(page, r) }))
                .collect()
        };
        json!({
            "total": s.total(),
            "imported": s.imported,
            "updated": s.updated,
            "unchanged": s.unchanged,
            "skipped": refusals(&s.skipped),
            "failed": refusals(&s.failed),
        })
    });
    page.render(
        "pages/admin_imports.html",
        json!({
            "summary": summary,
            "errors": errors,
            "values": {},
            "max_mb": MAX_UPLOAD_BYTES / 1024 / 1024,
        }),
    )
}

/// A refusal's reason in the reader's language.
fn problem_message(page: &Page, refusal: &super::run::Refusal) -> String {
    let args: Vec<(String, String)> = refusal
        .args
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    socialbid_frontend::translate_with(
        page.lang,
        &format!("import.problem.{}", refusal.code),
        &args,
    )
}

async fn form(page: Page, _admin: Admin) -> AppResult<Html<String>> {
    imports_page(&page, None, Vec::new())
}

/// The body is read only once the admin is known and the CSRF token, the
/// form's first part, matches.
async fn receive(
    State(app): State<AppState>,
    page: Page,
    _admin: Admin,
    Extension(CsrfToken(expected)): Extension<CsrfToken>,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let mut multipart = multipart.map_err(|_| AppError::forbidden("csrf_failed"))?;
    upload_forms::check_csrf_part(&mut multipart, &expected).await?;
    let received = read_file(&mut multipart).await;
    let outcome = match received {
        Ok((name, bytes)) => upload::import(&app, name, bytes).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(summary) => Ok(imports_page(&page, Some(&summary), Vec::new())?.into_response()),
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "file")?;
            Ok((status, imports_page(&page, None, errors)?).into_response())
        }
    }
}

async fn read_file(multipart: &mut Multipart) -> AppResult<(String, Vec<u8>)> {
    let mut field = multipart
        .next_field()
        .await
        .map_err(read_failed)?
        .filter(|f| f.name() == Some("file") && f.file_name().is_some_and(|n| !n.is_empty()))
        .ok_or_else(|| AppError::field("file", "required"))?;
    let name = field.file_name().unwrap_or("upload").to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(read_failed)? {
        if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
            return Err(upload::too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((name, bytes))
}

fn read_failed(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        upload::too_large()
    } else {
        AppError::bad_request("body_unreadable")
    }
}
