//! Creating and changing a profile through the form.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::my_organisation::mine;
use super::profile_form::{ProfileForm, form_page, merge_errors};
use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::error::{AppError, AppResult};
use crate::profiles::service::{self, ReviewState};
use crate::web::page::Page;

pub(super) async fn new_form(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    if mine(&app, user.id).await?.is_some() {
        return Ok(Redirect::to("/organisation").into_response());
    }
    Ok(form_page(&page, false, &ProfileForm::default(), Vec::new())?.into_response())
}

pub(super) async fn edit_form(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Ok(Redirect::to("/organisation/new").into_response());
    };
    let form = ProfileForm::from_profile(&org.draft()?);
    Ok(form_page(&page, true, &form, Vec::new())?.into_response())
}

async fn save(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    editing: bool,
    form: ProfileForm,
) -> AppResult<Response> {
    if form.intent == "search_cpv" {
        // The search button: the same form again, with what it found.
        return Ok(form_page(page, editing, &form, Vec::new())?.into_response());
    }
    let (input, number_errors) = form.input();
    let result = if !number_errors.is_empty() {
        let today = app.clock.now().date();
        let rest = input.validate(today).err().unwrap_or_default();
        Err(AppError::invalid(merge_errors(number_errors, rest)))
    } else if editing {
        match mine(app, user.id).await? {
            Some(org) => service::update(app, user, org.id, input).await,
            None => Err(AppError::not_found()),
        }
    } else {
        service::create(app, user, input).await
    };
    match result {
        Ok(org) => {
            let notice = if org.review_state == ReviewState::Pending {
                "profile_submitted"
            } else {
                "profile_saved"
            };
            Ok(Redirect::to(&format!("/organisation?notice={notice}")).into_response())
        }
        Err(AppError::Invalid { status, fields }) => {
            let errors = page.form_errors(&merge_errors(Vec::new(), fields));
            Ok((status, form_page(page, editing, &form, errors)?).into_response())
        }
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "organisation_name")?;
            Ok((status, form_page(page, editing, &form, errors)?).into_response())
        }
    }
}

pub(super) async fn create(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    save(&app, &page, &user, false, form).await
}

pub(super) async fn update(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    save(&app, &page, &user, true, form).await
}
