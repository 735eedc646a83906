//! A person's mail choices as JSON: `GET/PUT /api/v1/me/notifications`.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::preferences::{self, Input, View};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::web::errors::ErrorBody;
use crate::web::json::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_preferences, put_preferences))
}

/// The logged-in person's mail choices: per kind how often (`now`, `daily`,
/// `weekly`, `never`), the weakest match worth a mail, the digests' local
/// hour and weekday (Europe/Copenhagen), and the language.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = View), (status = 401, body = ErrorBody),
))]
async fn get_preferences(State(app): State<AppState>, user: AuthUser) -> AppResult<Json<View>> {
    Ok(Json(preferences::get(&app, user.id).await?))
}

/// Replaces the logged-in person's mail choices; every field is checked
/// and each broken one named (422).
#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), request_body = Input, responses(
    (status = 200, body = View), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn put_preferences(
    State(app): State<AppState>,
    user: AuthUser,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<Json<View>> {
    Ok(Json(preferences::update(&app, user.id, input).await?))
}
