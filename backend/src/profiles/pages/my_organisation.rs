//! A member's own organisation: its page, and deleting it.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use super::describe;
use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::db::ids::UserId;
use crate::error::{AppError, AppResult};
use crate::profiles::service::{self, Organisation, OrganisationView};
use crate::web::page::Page;

pub(super) async fn mine(app: &AppState, user_id: UserId) -> AppResult<Option<Organisation>> {
    app.db
        .run(move |conn| service::of_member(conn, user_id).map_err(AppError::from))
        .await
}

pub(super) async fn my_organisation(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Html<String>> {
    let org = mine(&app, user.id).await?;
    let view = match &org {
        None => json!(null),
        Some(org) => {
            let v = OrganisationView::new(org)?;
            let public = org.public_profile()?.map(|p| describe(&p, page.lang));
            json!({
                "id": v.id,
                "state": v.state,
                "reason": v.reason,
                "public": v.public,
                "changed_facts": v.changed_facts,
                "profile": describe(&v.profile, page.lang),
                "public_profile": public,
                "submitted_at": v.submitted_at,
            })
        }
    };
    page.render(
        "pages/profiles/mine.html",
        json!({ "organisation": view, "errors": [], "values": {} }),
    )
}

pub(super) async fn delete(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    service::delete(&app, &user, org.id).await?;
    Ok(Redirect::to("/organisation?notice=organisation_deleted").into_response())
}
