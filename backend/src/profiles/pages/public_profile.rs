//! One public profile page, and flagging it.

use crate::db::ids::OrganisationId;
use crate::web::extract::Path;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::json;

use super::{describe, unprocessable};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::profiles::directory;
use crate::profiles::service;
use crate::web::conditional;
use crate::web::page::{FormError, Page};

async fn profile_page_with(
    app: &AppState,
    page: &Page,
    id: OrganisationId,
    errors: Vec<FormError>,
    reason: &str,
) -> AppResult<Html<String>> {
    let profile = directory::public(app, id).await?;
    page.render(
        "pages/profiles/show.html",
        json!({
            "id": id,
            "profile": describe(&profile.profile, page.lang),
            "errors": errors,
            "values": { "flag_reason": reason },
        }),
    )
}

pub(super) async fn profile_page(
    State(app): State<AppState>,
    page: Page,
    Path(id): Path<OrganisationId>,
) -> AppResult<Response> {
    let html = profile_page_with(&app, &page, id, Vec::new(), "").await?;
    Ok(conditional::page(&page, html))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FlagForm {
    flag_reason: String,
}

pub(super) async fn flag(
    State(app): State<AppState>,
    page: Page,
    user: AuthUser,
    Path(id): Path<OrganisationId>,
    Form(form): Form<FlagForm>,
) -> AppResult<Response> {
    match service::flag(&app, &user, id, form.flag_reason.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/profiles/{id}?notice=flag_sent")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "flag_reason")?;
            Ok(unprocessable(
                profile_page_with(&app, &page, id, errors, &form.flag_reason).await?,
            ))
        }
    }
}
