//! Moderation as JSON under `/api/v1/admin` (admins only): the queue, one
//! organisation's review, decisions, flags and the audit log. The audit log
//! can only be read: no endpoint changes it.

use crate::db::ids::{FlagId, OrganisationId};
use crate::web::extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::moderation::service::{
    self, AuditFilter, AuditPage, Decision, OrganisationFilter, OrganisationPage, Queue, Review,
};
use crate::web::errors::ErrorBody;
use crate::web::json::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(moderation_queue))
        .routes(routes!(list_organisations))
        .routes(routes!(review_profile))
        .routes(routes!(approve_profile))
        .routes(routes!(reject_profile))
        .routes(routes!(request_changes))
        .routes(routes!(suspend_profile))
        .routes(routes!(unsuspend_profile))
        .routes(routes!(resolve_flag))
        .routes(routes!(read_audit_log))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Told to every member; required to reject, ask for changes or
    /// suspend; at most 1000 characters.
    #[serde(default)]
    reason: Option<String>,
}

/// Profiles waiting for review and open flags.
#[utoipa::path(get, path = "/api/v1/admin/profiles", tag = "admin", security(("bearer" = [])), responses(
    (status = 200, body = Queue), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
async fn moderation_queue(State(app): State<AppState>, _admin: Admin) -> AppResult<Json<Queue>> {
    Ok(Json(service::queue(&app).await?))
}

/// Every organisation in any state, newest first, 50 a page: to find an
/// approved one to suspend, or a suspended one to look at again.
#[utoipa::path(get, path = "/api/v1/admin/organisations", tag = "admin", params(OrganisationFilter), security(("bearer" = [])), responses(
    (status = 200, body = OrganisationPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn list_organisations(
    State(app): State<AppState>,
    _admin: Admin,
    Query(filter): Query<OrganisationFilter>,
) -> AppResult<Json<OrganisationPage>> {
    Ok(Json(service::organisations(&app, filter).await?))
}

/// One organisation as the admin reviews it: the draft, the approved facts,
/// what changed, open flags.
#[utoipa::path(get, path = "/api/v1/admin/profiles/{id}", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Review), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn review_profile(
    State(app): State<AppState>,
    _admin: Admin,
    Path(id): Path<OrganisationId>,
) -> AppResult<Json<Review>> {
    Ok(Json(service::review(&app, id).await?))
}

async fn decide(
    app: AppState,
    admin: Admin,
    id: OrganisationId,
    decision: Decision,
    body: Option<ReasonRequest>,
) -> AppResult<StatusCode> {
    let reason = body.and_then(|b| b.reason);
    service::decide(&app, &admin.0, id, decision, reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approve a pending profile: its facts become public.
#[utoipa::path(post, path = "/api/v1/admin/profiles/{id}/approve", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not pending"),
))]
async fn approve_profile(
    State(app): State<AppState>,
    admin: Admin,
    Path(id): Path<OrganisationId>,
) -> AppResult<StatusCode> {
    decide(app, admin, id, Decision::Approve, None).await
}

/// Reject a pending profile with a reason.
#[utoipa::path(post, path = "/api/v1/admin/profiles/{id}/reject", tag = "admin", params(("id" = i64, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn reject_profile(
    State(app): State<AppState>,
    admin: Admin,
    Path(id): Path<OrganisationId>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> AppResult<StatusCode> {
    decide(app, admin, id, Decision::Reject, Some(body)).await
}

/// Ask for changes to a pending profile, saying what.
#[utoipa::path(post, path = "/api/v1/admin/profiles/{id}/request-changes", tag = "admin", params(("id" = i64, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn request_changes(
    State(app): State<AppState>,
    admin: Admin,
    Path(id): Path<OrganisationId>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> AppResult<StatusCode> {
    decide(app, admin, id, Decision::RequestChanges, Some(body)).await
}

/// Suspend an approved profile with a reason: it leaves the directory at once.
#[utoipa::path(post, path = "/api/v1/admin/profiles/{id}/suspend", tag = "admin", params(("id" = i64, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Never approved, or already suspended"), (status = 422, body = ErrorBody),
))]
async fn suspend_profile(
    State(app): State<AppState>,
    admin: Admin,
    Path(id): Path<OrganisationId>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> AppResult<StatusCode> {
    decide(app, admin, id, Decision::Suspend, Some(body)).await
}

/// Lift a suspension; the reason is optional.
#[utoipa::path(post, path = "/api/v1/admin/profiles/{id}/unsuspend", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not suspended"),
))]
async fn unsuspend_profile(
    State(app): State<AppState>,
    admin: Admin,
    Path(id): Path<OrganisationId>,
) -> AppResult<StatusCode> {
    decide(app, admin, id, Decision::Unsuspend, None).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// What was done about the flag (optional).
    #[serde(default)]
    note: Option<String>,
}

/// Close a flag.
#[utoipa::path(post, path = "/api/v1/admin/flags/{id}/resolve", tag = "admin", params(("id" = i64, Path)), request_body = ResolveRequest, security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already resolved"),
))]
async fn resolve_flag(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<FlagId>,
    ApiJson(body): ApiJson<ResolveRequest>,
) -> AppResult<StatusCode> {
    service::resolve_flag(&app, &admin, id, body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The audit log, newest first, filtered; read-only.
#[utoipa::path(get, path = "/api/v1/admin/audit-log", tag = "admin", params(AuditFilter), security(("bearer" = [])), responses(
    (status = 200, body = AuditPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn read_audit_log(
    State(app): State<AppState>,
    _admin: Admin,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Json<AuditPage>> {
    Ok(Json(service::audit_log(&app, filter).await?))
}
