//! Where a person lands after logging in. An entrepreneur gets a start page
//! that says what to do next (register the organisation, or where its
//! review stands), the best of the tenders that fit the organisation, the
//! tenders they follow and the searches they saved; an approved officer
//! lands on the dashboard, an officer still waiting for approval on the
//! account page that says so, and an admin on the review queue.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::{ApprovalState, AuthUser, Role};
use crate::error::{AppError, AppResult};
use crate::matching;
use crate::profiles::service::{self as profiles, OrganisationView};
use crate::saved_searches;
use crate::tenders::service as tenders;
use crate::web::extract::Query;
use crate::web::page::Page;

/// How many of "Tenders for you" the start page shows; the rest are a
/// link away.
const FOR_YOU_SHOWN: usize = 3;

pub fn routes() -> Router<AppState> {
    Router::new().route("/start", get(start))
}

/// The page each role starts from; `None` for an entrepreneur, whose start
/// page is this one.
fn landing(user: &AuthUser) -> Option<&'static str> {
    match (user.role, user.approval_state) {
        (Role::Entrepreneur, _) => None,
        (Role::Officer, Some(ApprovalState::Approved)) => Some("/officer/tenders"),
        (Role::Officer, _) => Some("/account"),
        (Role::Admin, _) => Some("/admin/profiles"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StartQuery {
    notice: String,
}

async fn start(
    State(app): State<AppState>,
    page: Page,
    user: AuthUser,
    Query(query): Query<StartQuery>,
) -> AppResult<Response> {
    if let Some(path) = landing(&user) {
        // The banner the login asked for goes along; the page it lands on
        // shows only the notices it knows.
        let target = if query.notice.is_empty() {
            path.to_owned()
        } else {
            let notice: String =
                url::form_urlencoded::byte_serialize(query.notice.as_bytes()).collect();
            format!("{path}?notice={notice}")
        };
        return Ok(Redirect::to(&target).into_response());
    }
    let user_id = user.id;
    let organisation = app
        .db
        .run(move |conn| profiles::of_member(conn, user_id).map_err(AppError::from))
        .await?;
    let organisation = match organisation {
        None => Value::Null,
        Some(org) => {
            let view = OrganisationView::new(&org)?;
            json!({
                "id": view.id,
                "name": view.profile.organisation_name,
                "state": view.state,
                "public": view.public,
            })
        }
    };
    let followed = tenders::followed_tenders(&app, user.id).await?;
    let saved = saved_searches::list(&app, user.id).await?;
    let for_you = matching::pages::tenders_for_you(&app, &user, page.lang, FOR_YOU_SHOWN).await?;
    Ok(page
        .render(
            "pages/start.html",
            json!({
                "organisation": organisation,
                "followed": followed,
                "saved": saved,
                "for_you": for_you,
            }),
        )?
        .into_response())
}
