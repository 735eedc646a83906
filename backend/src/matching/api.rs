//! Matching as JSON: a tender's matches, an organisation's, and the reach
//! estimate.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dismissals;
use super::reach::{self, ReachInput, ReachView};
use super::reading::{self, OrganisationMatches, TenderMatches, checked_limit};
use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur, Officer};
use crate::db::ids::{OrganisationId, TenderId};
use crate::error::AppResult;
use crate::web::errors::ErrorBody;
use crate::web::extract::{Path, Query};
use crate::web::json::ApiJson;
use crate::web::lang::UserLang;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tender_matches))
        .routes(routes!(organisation_matches))
        .routes(routes!(estimate_reach))
        .routes(routes!(dismiss_tender, restore_tender))
}

/// Not for us: the tender leaves the caller's organisation's matches
/// (listed under `dismissed` instead) and its members get no "last
/// chance" reminder of it. Dismissing twice is the same as once.
#[utoipa::path(put, path = "/api/v1/tenders/{id}/dismissal", tag = "matching", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Dismissed"),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "Not an entrepreneur, or no organisation"),
    (status = 404, body = ErrorBody),
))]
async fn dismiss_tender(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<StatusCode> {
    dismissals::set(&app, &user, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Undo a dismissal: the tender is among the organisation's matches again.
#[utoipa::path(delete, path = "/api/v1/tenders/{id}/dismissal", tag = "matching", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "Restored"),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "Not an entrepreneur, or no organisation"),
    (status = 404, body = ErrorBody),
))]
async fn restore_tender(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<StatusCode> {
    dismissals::set(&app, &user, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LimitQuery {
    /// How many matches to return: 1 to 100, 20 when left out.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

/// The approved profiles that could deliver a published tender, best first,
/// each with its score and reasons. A profile not eligible for the tender's
/// reservation is never listed or counted.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/matches", tag = "matching", params(("id" = i64, Path), LimitQuery), security(("bearer" = [])), responses(
    (status = 200, body = TenderMatches),
    (status = 400, body = ErrorBody, description = "`limit` is not a whole number from 1 to 100"),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "Not an officer of the tender's authority, nor an admin"),
    (status = 404, body = ErrorBody),
))]
async fn tender_matches(
    State(app): State<AppState>,
    user: AuthUser,
    Path(id): Path<TenderId>,
    Query(query): Query<LimitQuery>,
) -> AppResult<Json<TenderMatches>> {
    let limit = checked_limit(query.limit)?;
    Ok(Json(reading::for_tender(&app, &user, id, limit).await?))
}

/// The open tenders an organisation could win, best first, each with its
/// score and reasons. A reserved tender appears only while the organisation
/// is eligible for its reservation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/matches", tag = "matching", params(("id" = i64, Path), LimitQuery), security(("bearer" = [])), responses(
    (status = 200, body = OrganisationMatches),
    (status = 400, body = ErrorBody, description = "`limit` is not a whole number from 1 to 100"),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "Not a member of the organisation, nor an admin"),
    (status = 404, body = ErrorBody),
))]
async fn organisation_matches(
    State(app): State<AppState>,
    user: AuthUser,
    Path(id): Path<OrganisationId>,
    Query(query): Query<LimitQuery>,
) -> AppResult<Json<OrganisationMatches>> {
    let limit = checked_limit(query.limit)?;
    Ok(Json(
        reading::for_organisation(&app, &user, id, limit).await?,
    ))
}

/// How many approved social enterprises fit a draft's CPV codes, regions,
/// reservations and values so far, and which single change moves the
/// number most (worded in the caller's language).
#[utoipa::path(post, path = "/api/v1/reach", tag = "matching", request_body = ReachInput, security(("bearer" = [])), responses(
    (status = 200, body = ReachView),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "Not an approved officer"),
    (status = 422, body = ErrorBody, description = "An unknown CPV or NUTS code, an unknown reservation, a negative value"),
))]
async fn estimate_reach(
    State(app): State<AppState>,
    Officer(_officer): Officer,
    UserLang(lang): UserLang,
    ApiJson(body): ApiJson<ReachInput>,
) -> AppResult<Json<ReachView>> {
    let criteria = body.criteria()?;
    Ok(Json(reach::estimate(&app, criteria, lang).await?))
}
