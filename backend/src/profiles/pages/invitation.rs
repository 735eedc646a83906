//! Where an invitation link leads: the invitation page and joining.

use crate::web::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::error::{AppError, AppResult};
use crate::profiles::service;
use crate::web::page::{FormError, Page};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenForm {
    token: String,
}

async fn invitation_view(
    app: &AppState,
    page: &Page,
    token: &str,
    errors: Vec<FormError>,
) -> AppResult<Response> {
    let (status, organisation, email, problem) =
        match service::invitation_organisation(app, token.to_owned()).await {
            Ok((info, name)) => (StatusCode::OK, Some(name), Some(info.email), None),
            Err(AppError::Refused { status, code, .. }) if code.starts_with("link_") => {
                (status, None, None, Some(code.trim_start_matches("link_")))
            }
            Err(other) => return Err(other),
        };
    let status = if errors.is_empty() {
        status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page.render(
        "pages/profiles/invitation.html",
        json!({
            "token": token, "organisation_name": organisation, "invited_email": email,
            "login_href": format!("/login?next={}", url::form_urlencoded::byte_serialize(
                format!("/invitations/accept?token={token}").as_bytes()).collect::<String>()),
            "problem": problem, "errors": errors, "values": {},
        }),
    )?;
    Ok((status, html).into_response())
}

pub(super) async fn invitation_page(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<TokenForm>,
) -> AppResult<Response> {
    invitation_view(&app, &page, &query.token, Vec::new()).await
}

pub(super) async fn accept(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    match service::accept_invitation(&app, &user, form.token.clone()).await {
        Ok(_) => Ok(Redirect::to("/organisation?notice=invitation_accepted").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "accept")?;
            invitation_view(&app, &page, &form.token, errors).await
        }
    }
}
