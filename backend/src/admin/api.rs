//! Officer approval as JSON under `/api/v1/admin`.

use crate::db::ids::UserId;
use crate::web::extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::admin::officers::{self, ApprovalState, Decision, OfficerView};
use crate::app::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::web::errors::ErrorBody;
use crate::web::json::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_officers))
        .routes(routes!(approve_officer))
        .routes(routes!(reject_officer))
}

#[derive(Deserialize, IntoParams)]
pub struct OfficerFilter {
    /// Which officers to list; default `pending`.
    state: Option<ApprovalState>,
}

/// Officer accounts by approval state (admins only).
#[utoipa::path(get, path = "/api/v1/admin/officers", tag = "admin", params(OfficerFilter), security(("bearer" = [])), responses(
    (status = 200, body = Vec<OfficerView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
async fn list_officers(
    State(app): State<AppState>,
    _admin: Admin,
    Query(filter): Query<OfficerFilter>,
) -> AppResult<Json<Vec<OfficerView>>> {
    let state = filter.state.unwrap_or(ApprovalState::Pending);
    Ok(Json(officers::list(&app, state).await?))
}

/// Approve an officer account (admins only).
#[utoipa::path(post, path = "/api/v1/admin/officers/{id}/approve", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already approved"),
))]
async fn approve_officer(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<UserId>,
) -> AppResult<StatusCode> {
    officers::decide(&app, &admin, id, Decision::Approve).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Told to the officer; required, at most 1000 characters.
    reason: String,
}

/// Reject an officer account with a reason (admins only).
#[utoipa::path(post, path = "/api/v1/admin/officers/{id}/reject", tag = "admin", params(("id" = i64, Path)), request_body = RejectRequest, security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn reject_officer(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<UserId>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> AppResult<StatusCode> {
    officers::decide(
        &app,
        &admin,
        id,
        Decision::Reject {
            reason: body.reason,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
