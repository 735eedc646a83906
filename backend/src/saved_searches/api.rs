//! Saved searches as JSON: `GET/POST /api/v1/me/saved-searches` and
//! `DELETE /api/v1/me/saved-searches/{id}`, for entrepreneurs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::{self, NewSavedSearch, SavedSearch};
use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::db::ids::SavedSearchId;
use crate::error::AppResult;
use crate::web::errors::ErrorBody;
use crate::web::extract::Path;
use crate::web::json::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_saved_searches, save_search))
        .routes(routes!(delete_saved_search))
}

/// The logged-in entrepreneur's saved searches, the newest first.
#[utoipa::path(get, path = "/api/v1/me/saved-searches", tag = "search", security(("bearer" = [])), responses(
    (status = 200, body = Vec<SavedSearch>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
async fn list_saved_searches(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Json<Vec<SavedSearch>>> {
    Ok(Json(store::list(&app, user.id).await?))
}

/// Saves a tender search (its query string, as `/api/v1/search/tenders`
/// takes it); each new tender it finds is mailed as the person's choice
/// for `saved_search` says. The search is checked by the search's own
/// rules, each broken one named; 409 when it is saved already.
#[utoipa::path(post, path = "/api/v1/me/saved-searches", tag = "search", security(("bearer" = [])), request_body = NewSavedSearch, responses(
    (status = 201, body = SavedSearch),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The same search is saved already"),
    (status = 422, body = ErrorBody, description = "A rule of the search or the name broken, or as many searches saved as one may keep"),
))]
async fn save_search(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    ApiJson(input): ApiJson<NewSavedSearch>,
) -> AppResult<(StatusCode, Json<SavedSearch>)> {
    let saved = store::save(&app, &user, input).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Deletes one of the person's saved searches; no more mail comes from it.
#[utoipa::path(delete, path = "/api/v1/me/saved-searches/{id}", tag = "search", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody, description = "No such search of this person's"),
))]
async fn delete_saved_search(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<SavedSearchId>,
) -> AppResult<StatusCode> {
    store::delete(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
