//! Consortia as JSON, under `/api/v1/bids`: the lead's invitations and
//! partner suggestions, the partners' answers, and the invitations
//! waiting for the caller's organisation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::db::ids::{BidId, OrganisationId};
use crate::error::AppResult;
use crate::web::errors::ErrorBody;
use crate::web::extract::{Path, Query};
use crate::web::json::ApiJson;

use super::super::reading::{self, BidView};
use super::inviting::{self, Answer, Invitation};
use super::members::{self, InvitationView};
use super::suggestions::{self, PartnerQuery, PartnerSuggestionsView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_invitations))
        .routes(routes!(invite_partner))
        .routes(routes!(remove_partner))
        .routes(routes!(accept_invitation))
        .routes(routes!(decline_invitation))
        .routes(routes!(partner_suggestions))
}

/// The invitations to join other organisations' bids that wait for the
/// answer of the caller's organisation.
#[utoipa::path(get, path = "/api/v1/bids/invitations", tag = "bids", security(("bearer" = [])), responses(
    (status = 200, body = Vec<InvitationView>),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
async fn my_invitations(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Json<Vec<InvitationView>>> {
    Ok(Json(members::invitations(&app, &user).await?))
}

/// Invite an approved organisation to join the bid (the lead, while the
/// bid is not submitted and before the deadline); its members are mailed.
/// One that declined may be asked again.
#[utoipa::path(post, path = "/api/v1/bids/{id}/partners", tag = "bids", params(("id" = i64, Path)), request_body = Invitation, security(("bearer" = [])), responses(
    (status = 201, body = BidView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already invited, the bid is submitted, or the deadline has passed"),
    (status = 422, body = ErrorBody, description = "An unknown or ineligible organisation, a role or a share out of bounds"),
))]
async fn invite_partner(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    ApiJson(invitation): ApiJson<Invitation>,
) -> AppResult<(StatusCode, Json<BidView>)> {
    inviting::invite(&app, &user, id, invitation).await?;
    Ok((
        StatusCode::CREATED,
        Json(reading::get(&app, &user, id).await?),
    ))
}

/// Take a partner off the bid (the lead, while the bid is not submitted).
#[utoipa::path(delete, path = "/api/v1/bids/{id}/partners/{organisation_id}", tag = "bids", params(("id" = i64, Path), ("organisation_id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The bid is submitted, or the deadline has passed"),
))]
async fn remove_partner(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path((id, partner)): Path<(BidId, OrganisationId)>,
) -> AppResult<StatusCode> {
    inviting::remove(&app, &user, id, partner).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept the invitation of the caller's organisation: it joins the bid,
/// reads it, and is named in it.
#[utoipa::path(post, path = "/api/v1/bids/{id}/invitation/accept", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = BidView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already answered, the organisation has its own bid on the lot, or the deadline has passed"),
))]
async fn accept_invitation(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Json<BidView>> {
    inviting::answer(&app, &user, id, Answer::Accept).await?;
    Ok(Json(reading::get(&app, &user, id).await?))
}

/// Decline the invitation of the caller's organisation.
#[utoipa::path(post, path = "/api/v1/bids/{id}/invitation/decline", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already answered, or the deadline has passed"),
))]
async fn decline_invitation(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<StatusCode> {
    inviting::answer(&app, &user, id, Answer::Decline).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Partners for the lead: combinations of approved, eligible profiles
/// that together with the lead cover the tender's CPV codes, places and
/// value, each with what it brings; with `q`, organisations found by name.
#[utoipa::path(get, path = "/api/v1/bids/{id}/partner-suggestions", tag = "bids", params(("id" = i64, Path), PartnerQuery), security(("bearer" = [])), responses(
    (status = 200, body = PartnerSuggestionsView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
async fn partner_suggestions(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    Query(query): Query<PartnerQuery>,
) -> AppResult<Json<PartnerSuggestionsView>> {
    Ok(Json(suggestions::suggest(&app, &user, id, &query).await?))
}
