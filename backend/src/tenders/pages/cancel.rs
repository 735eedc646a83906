//! Cancelling a tender: the form asking for a reason, and the cancellation.

use crate::db::ids::TenderId;
use crate::web::extract::Path;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::{is_owner, unprocessable};
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{AppError, AppResult};
use crate::tenders::service;
use crate::web::page::Page;

pub(super) async fn cancel_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Html<String>> {
    let view = service::get(&app, Some(&officer), id).await?;
    if !is_owner(&page, &view) {
        return Err(AppError::forbidden("tender_not_yours"));
    }
    page.render(
        "pages/tenders/cancel.html",
        json!({"tender": {"id": view.id, "title": view.title}, "errors": [], "values": {}}),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CancelForm {
    cancel_reason: String,
}

pub(super) async fn cancel(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    match service::cancel(&app, &officer, id, form.cancel_reason.clone()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/tenders/{id}?notice=tender_cancelled")).into_response())
        }
        Err(error) => {
            let errors = page.errors_of(error, "cancel_reason")?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(page.render(
                "pages/tenders/cancel.html",
                json!({"tender": {"id": view.id, "title": view.title}, "errors": errors,
                       "values": {"cancel_reason": form.cancel_reason}}),
            )?))
        }
    }
}
