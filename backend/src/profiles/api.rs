//! Profiles as JSON under `/api/v1/profiles`: the public directory, and an
//! organisation's own profile, members and invitations.

use crate::db::ids::{FlagId, InvitationId, OrganisationId};
use crate::web::extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::error::{AppError, AppResult};
use crate::profiles::directory::{self, DirectoryPage, Filter, PublicProfile};
use crate::profiles::model::ProfileInput;
use crate::profiles::service::{self, Members, OrganisationView};
use crate::web::errors::ErrorBody;
use crate::web::json::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_profiles, create_profile))
        .routes(routes!(my_profile))
        .routes(routes!(get_profile, update_profile, delete_profile))
        .routes(routes!(list_members))
        .routes(routes!(invite_member))
        .routes(routes!(revoke_invitation))
        .routes(routes!(accept_invitation))
        .routes(routes!(leave_organisation))
        .routes(routes!(flag_profile))
}

/// The directory: approved social enterprises, filtered (public).
#[utoipa::path(get, path = "/api/v1/profiles", tag = "profiles", params(Filter), responses(
    (status = 200, body = DirectoryPage), (status = 422, body = ErrorBody, description = "An unknown code in a filter"),
))]
async fn list_profiles(
    State(app): State<AppState>,
    Query(filter): Query<Filter>,
) -> AppResult<Json<DirectoryPage>> {
    Ok(Json(directory::search(&app, &filter).await?))
}

/// Register an organisation; the caller becomes its first member and the
/// profile waits for an admin's review (entrepreneurs only).
#[utoipa::path(post, path = "/api/v1/profiles", tag = "profiles", request_body = ProfileInput, security(("bearer" = [])), responses(
    (status = 201, body = OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The CVR number has a profile, or the caller already belongs to an organisation"),
    (status = 422, body = ErrorBody),
))]
async fn create_profile(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    ApiJson(body): ApiJson<ProfileInput>,
) -> AppResult<(StatusCode, Json<OrganisationView>)> {
    let org = service::create(&app, &user, body).await?;
    Ok((StatusCode::CREATED, Json(OrganisationView::new(&org)?)))
}

/// The caller's organisation, with its review state and the admin's reason.
#[utoipa::path(get, path = "/api/v1/profiles/mine", tag = "profiles", security(("bearer" = [])), responses(
    (status = 200, body = OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody, description = "The caller belongs to no organisation"),
))]
async fn my_profile(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Json<OrganisationView>> {
    let org = app
        .db
        .run(move |conn| service::of_member(conn, user.id).map_err(AppError::from))
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(OrganisationView::new(&org)?))
}

/// A public profile (404 unless approved and not suspended).
#[utoipa::path(get, path = "/api/v1/profiles/{id}", tag = "profiles", params(("id" = i64, Path)), responses(
    (status = 200, body = PublicProfile), (status = 404, body = ErrorBody),
))]
async fn get_profile(
    State(app): State<AppState>,
    Path(id): Path<OrganisationId>,
) -> AppResult<Json<PublicProfile>> {
    Ok(Json(directory::public(&app, id).await?))
}

/// Change the profile (members only). A change to name, CVR, RSV or
/// reserved-contract eligibility waits for review; the rest is public at once.
#[utoipa::path(put, path = "/api/v1/profiles/{id}", tag = "profiles", params(("id" = i64, Path)), request_body = ProfileInput, security(("bearer" = [])), responses(
    (status = 200, body = OrganisationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn update_profile(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<OrganisationId>,
    ApiJson(body): ApiJson<ProfileInput>,
) -> AppResult<Json<OrganisationView>> {
    let org = service::update(&app, &user, id, body).await?;
    Ok(Json(OrganisationView::new(&org)?))
}

/// Delete the organisation (members only): it leaves the directory at once.
/// One that has submitted a bid stays on the buyers' records: 409
/// `organisation_on_record`.
#[utoipa::path(delete, path = "/api/v1/profiles/{id}", tag = "profiles", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The organisation has submitted a bid and stays on the buyers' records"),
))]
async fn delete_profile(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<OrganisationId>,
) -> AppResult<StatusCode> {
    service::delete(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members and open invitations (members only).
#[utoipa::path(get, path = "/api/v1/profiles/{id}/members", tag = "profiles", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Members), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn list_members(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<OrganisationId>,
) -> AppResult<Json<Members>> {
    Ok(Json(service::members(&app, &user, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[schema(example = "bo@cafe-lyst.dk", format = Email, max_length = 254)]
    email: String,
}

/// Invite a colleague by email: a single-use link valid for 7 days is
/// mailed (members only).
#[utoipa::path(post, path = "/api/v1/profiles/{id}/invitations", tag = "profiles", params(("id" = i64, Path)), request_body = InviteRequest, security(("bearer" = [])), responses(
    (status = 202), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already a member"), (status = 422, body = ErrorBody),
))]
async fn invite_member(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<OrganisationId>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> AppResult<StatusCode> {
    service::invite(&app, &user, id, body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Withdraw an invitation not yet used (members only).
#[utoipa::path(delete, path = "/api/v1/profiles/{id}/invitations/{invitation_id}", tag = "profiles", params(("id" = i64, Path), ("invitation_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already used"),
))]
async fn revoke_invitation(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path((id, invitation_id)): Path<(OrganisationId, InvitationId)>,
) -> AppResult<StatusCode> {
    service::revoke_invitation(&app, &user, id, invitation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The token from the link in the invitation.
    token: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct Joined {
    #[schema(value_type = i64)]
    organisation_id: OrganisationId,
}

/// Join an organisation with an invitation; the caller must be an
/// entrepreneur logged in with the invited address.
#[utoipa::path(post, path = "/api/v1/profiles/invitations/accept", tag = "profiles", request_body = AcceptRequest, security(("bearer" = [])), responses(
    (status = 200, body = Joined), (status = 400, body = ErrorBody, description = "Expired"),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Another address was invited"),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Used, or the caller already belongs to an organisation"),
))]
async fn accept_invitation(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> AppResult<Json<Joined>> {
    let organisation_id = service::accept_invitation(&app, &user, body.token).await?;
    Ok(Json(Joined { organisation_id }))
}

/// Leave the organisation (members only); the last member must delete it
/// instead (409).
#[utoipa::path(post, path = "/api/v1/profiles/{id}/leave", tag = "profiles", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The last member"),
))]
async fn leave_organisation(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<OrganisationId>,
) -> AppResult<StatusCode> {
    service::leave(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagRequest {
    /// Required, at most 1000 characters.
    #[schema(pattern = r"\S", max_length = 1000)]
    reason: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct Flagged {
    #[schema(value_type = i64)]
    id: FlagId,
}

/// Flag a public profile for an admin to look at (any logged-in user).
#[utoipa::path(post, path = "/api/v1/profiles/{id}/flags", tag = "profiles", params(("id" = i64, Path)), request_body = FlagRequest, security(("bearer" = [])), responses(
    (status = 201, body = Flagged), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn flag_profile(
    State(app): State<AppState>,
    user: AuthUser,
    Path(id): Path<OrganisationId>,
    ApiJson(body): ApiJson<FlagRequest>,
) -> AppResult<(StatusCode, Json<Flagged>)> {
    let id = service::flag(&app, &user, id, body.reason).await?;
    Ok((StatusCode::CREATED, Json(Flagged { id })))
}
