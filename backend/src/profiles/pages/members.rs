//! The members page: members and open invitations, inviting, withdrawing
//! an invitation, leaving.

use crate::db::ids::InvitationId;
use crate::web::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::json;

use super::my_organisation::mine;
use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::error::{AppError, AppResult};
use crate::profiles::service;
use crate::web::page::{FormError, Page};

async fn members_view(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    errors: Vec<FormError>,
    email: &str,
) -> AppResult<Response> {
    let Some(org) = mine(app, user.id).await? else {
        return Ok(Redirect::to("/organisation/new").into_response());
    };
    let members = service::members(app, user, org.id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page.render(
        "pages/profiles/members.html",
        json!({
            "organisation_name": org.draft()?.organisation_name,
            "members": members.members.iter().map(|m| json!({
                "name": m.name, "email": m.email, "joined_at": m.joined_at, "me": m.user_id == user.id,
            })).collect::<Vec<_>>(),
            "invitations": members.invitations.iter().map(|i| json!({
                "id": i.id, "email": i.email, "expires_at": i.expires_at,
            })).collect::<Vec<_>>(),
            "last_member": members.members.len() <= 1,
            "errors": errors,
            "values": { "email": email },
        }),
    )?;
    Ok((status, html).into_response())
}

pub(super) async fn members_page(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    members_view(&app, &page, &user, Vec::new(), "").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InviteForm {
    email: String,
}

pub(super) async fn invite(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    match service::invite(&app, &user, org.id, form.email.clone()).await {
        Ok(()) => Ok(Redirect::to("/organisation/members?notice=invitation_sent").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "email")?;
            members_view(&app, &page, &user, errors, &form.email).await
        }
    }
}

pub(super) async fn revoke(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<InvitationId>,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    service::revoke_invitation(&app, &user, org.id, id).await?;
    Ok(Redirect::to("/organisation/members?notice=invitation_revoked").into_response())
}

pub(super) async fn leave(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    match service::leave(&app, &user, org.id).await {
        Ok(()) => Ok(Redirect::to("/organisation?notice=organisation_left").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "leave")?;
            members_view(&app, &page, &user, errors, "").await
        }
    }
}
