//! Amending a published tender: the amend form and saving the amendment.

use crate::db::ids::TenderId;
use crate::web::extract::{Path, Query};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::draft::{EditContext, EditQuery, edit_page};
use super::draft_form::{apply_form, values_from_form, values_of};
use super::row_errors::edit_errors;
use super::{FormPairs, SECTIONS, first, load_owned, unprocessable};
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{AppError, AppResult};
use crate::tenders::model::Status;
use crate::tenders::service;
use crate::web::page::Page;

pub(super) async fn amend_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    Query(query): Query<EditQuery>,
) -> AppResult<Response> {
    let row = load_owned(&app, &officer, id).await?;
    if row.status != Status::Published {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "tender_not_published",
        ));
    }
    let content = row.content();
    Ok(edit_page(
        &page,
        EditContext {
            id,
            sections: SECTIONS.to_vec(),
            mode: "amend",
            cpv_q: &query.cpv_q,
            nuts_q: &query.nuts_q,
            extra_rows: query.rows.unwrap_or(0).min(10),
            back: "",
            reach: None,
        },
        &content,
        values_of(&content),
        Vec::new(),
        Status::Published,
    )?
    .into_response())
}

pub(super) async fn amend(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let row = load_owned(&app, &officer, id).await?;
    let mut content = row.content();
    let form_errors = apply_form(&mut content, &SECTIONS, &form);
    let reason = first(&form, "amend_reason");
    let result = if form_errors.is_empty() {
        service::amend(&app, &officer, id, content.clone(), reason)
            .await
            .map(|_| ())
    } else {
        Err(AppError::invalid(form_errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/tenders/{id}?notice=tender_amended")).into_response()),
        Err(error) => {
            let errors = edit_errors(&page, error, "amend_reason")?;
            let values = values_from_form(&content, &form);
            Ok(unprocessable(edit_page(
                &page,
                EditContext {
                    id,
                    sections: SECTIONS.to_vec(),
                    mode: "amend",
                    cpv_q: "",
                    nuts_q: "",
                    extra_rows: 0,
                    back: "",
                    reach: None,
                },
                &content,
                values,
                errors,
                Status::Published,
            )?))
        }
    }
}
