//! `/saved-searches`: the list with a way to run and delete each, and the
//! form on the search page that saves the search shown.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::store::{self, NewSavedSearch};
use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::db::ids::{SavedSearchId, UserId};
use crate::error::{AppError, AppResult};
use crate::notify;
use crate::web::extract::Path;
use crate::web::page::{FormError, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/saved-searches", get(list).post(save))
        .route("/saved-searches/{id}/delete", post(delete))
}

async fn list_page(
    app: &AppState,
    page: &Page,
    user_id: UserId,
    errors: Vec<FormError>,
    back: Option<String>,
) -> AppResult<Html<String>> {
    let searches = store::list(app, user_id).await?;
    let settings = app
        .db
        .run(move |conn| notify::settings_of(conn, user_id).map_err(AppError::from))
        .await?;
    let cadence = settings.cadence(notify::Kind::SavedSearch);
    page.render(
        "pages/search/saved.html",
        serde_json::json!({
            "errors": errors,
            "searches": searches,
            "cadence": cadence.as_str(),
            "back": back,
        }),
    )
}

async fn list(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Html<String>> {
    list_page(&app, &page, user.id, Vec::new(), None).await
}

/// The form on the results page: the search and its name, beside the
/// CSRF token the JSON body does not carry.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct SaveForm {
    name: String,
    query: String,
}

/// Saves the search the results page shows and goes to the list.
async fn save(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<SaveForm>,
) -> AppResult<Response> {
    // A search that cannot be saved is explained on the list, with the way
    // back to it.
    let back = form.query.trim().trim_start_matches('?').to_owned();
    let input = NewSavedSearch {
        name: form.name,
        query: form.query,
    };
    match store::save(&app, &user, input).await {
        Ok(_) => Ok(Redirect::to("/saved-searches?notice=search_saved").into_response()),
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "query")?;
            let html = list_page(&app, &page, user.id, errors, Some(back)).await?;
            Ok((status, html).into_response())
        }
    }
}

async fn delete(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<SavedSearchId>,
) -> AppResult<Response> {
    store::delete(&app, &user, id).await?;
    Ok(Redirect::to("/saved-searches?notice=search_deleted").into_response())
}
