//! Tender pages, working without JavaScript: the public list and tender
//! page, the officer's dashboard, the draft journey (one short page per
//! part, then "check your answers" and publish), amending, cancelling,
//! questions, answers and following.

mod amend;
mod cancel;
mod dashboard;
pub(crate) mod display;
pub(crate) use display::value_label;
mod draft;
mod draft_form;
mod files;
mod following;
mod public;
mod publish;
mod questions;
mod row_errors;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::error::{AppError, AppResult};
use crate::tenders::model;
use crate::tenders::service::{self, TenderView};
use crate::web::page::Page;

use amend::{amend, amend_form};
use cancel::{cancel, cancel_form};
use dashboard::dashboard;
use draft::{delete, edit_form, edit_save, start_draft};
use files::{documents_form, download, remove_document, upload_document};
use following::{follow, unfollow};
use public::show;
use publish::{check, publish};
use questions::{answer, ask, decline, open_questions};

/// The forms that send a file: their handlers check the CSRF token, the
/// first part of the body, themselves (see `web::upload_forms`).
pub const UPLOAD_FORMS: &[&str] = &["/tenders/{id}/documents"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}", get(show))
        .route("/tenders/{id}/questions", post(ask))
        .route("/tenders/{id}/questions/{qid}/answer", post(answer))
        .route("/tenders/{id}/questions/{qid}/decline", post(decline))
        .route("/officer/questions", get(open_questions))
        .route("/tenders/{id}/follow", post(follow))
        .route("/tenders/{id}/unfollow", post(unfollow))
        .route("/tenders/{id}/documents/{doc}", get(download))
        .route(
            "/tenders/{id}/documents/{doc}/remove",
            post(remove_document),
        )
        .route("/officer/tenders", get(dashboard).post(start_draft))
        .route(
            "/tenders/{id}/edit/{section}",
            get(edit_form).post(edit_save),
        )
        .route("/tenders/{id}/check", get(check))
        .route("/tenders/{id}/publish", post(publish))
        .route("/tenders/{id}/delete", post(delete))
        .route("/tenders/{id}/amend", get(amend_form).post(amend))
        .route("/tenders/{id}/cancel", get(cancel_form).post(cancel))
        .route(
            "/tenders/{id}/documents",
            get(documents_form)
                .post(upload_document)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::tenders::documents::MAX_FORM_BODY_BYTES,
                )),
        )
}

/// The draft journey, in order.
pub const SECTIONS: [&str; 7] = [
    "basics", "cpv", "place", "dates", "lots", "criteria", "reserved",
];

type FormPairs = Vec<(String, String)>;

fn first(form: &FormPairs, name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

fn all(form: &FormPairs, name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn has(form: &FormPairs, name: &str) -> bool {
    form.iter().any(|(k, _)| k == name)
}

fn codes_typed(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

fn is_owner(page: &Page, view: &TenderView) -> bool {
    page.user
        .as_ref()
        .is_some_and(|u| u.is_approved_officer() && u.authority_id == Some(view.authority.id))
}

async fn load_owned(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
) -> AppResult<model::TenderRow> {
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            let row = model::find(conn, id)?;
            let viewer = service::Viewer(Some(&officer));
            if !viewer.can_see(&row) {
                return Err(AppError::not_found());
            }
            if !viewer.owns(&row) {
                return Err(AppError::forbidden("tender_not_yours"));
            }
            Ok(row)
        })
        .await
}
