//! Evaluation as JSON under `/api/v1/tenders/{id}/evaluation` (the owning
//! officer's), and the public awards under `/api/v1/tenders/{id}/awards`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::Officer;
use crate::db::ids::{BidId, TenderId};
use crate::error::AppResult;
use crate::web::errors::ErrorBody;
use crate::web::extract::Path;
use crate::web::json::ApiJson;

use super::award::{self, AwardView};
use super::scoring::{self, Evaluation, ScoreInput};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_evaluation))
        .routes(routes!(score_bid))
        .routes(routes!(award_lot))
        .routes(routes!(sign_contract))
        .routes(routes!(tender_awards))
}

/// The evaluation: per lot every submitted bid with its points per
/// criterion, weighted total and rank, and the award once made.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/evaluation", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Evaluation),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The bids are not opened"),
))]
async fn get_evaluation(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Json<Evaluation>> {
    Ok(Json(scoring::evaluation(&app, &officer, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresRequest {
    pub scores: Vec<ScoreInput>,
}

/// Score one bid on the quality and social-value criteria (0–10, each
/// with its reason); price and cost follow from the prices.
#[utoipa::path(put, path = "/api/v1/tenders/{id}/evaluation/bids/{bid_id}", tag = "bids", params(("id" = i64, Path), ("bid_id" = i64, Path)), request_body = ScoresRequest, security(("bearer" = [])), responses(
    (status = 200, body = Evaluation),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not opened, or the lot is awarded"),
    (status = 422, body = ErrorBody),
))]
async fn score_bid(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path((id, bid_id)): Path<(TenderId, BidId)>,
    ApiJson(body): ApiJson<ScoresRequest>,
) -> AppResult<Json<Evaluation>> {
    scoring::score(&app, &officer, id, bid_id, body.scores).await?;
    Ok(Json(scoring::evaluation(&app, &officer, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// The first-ranked bid of the lot.
    #[schema(value_type = i64)]
    pub bid_id: BidId,
}

/// Award a lot (0 for a tender without lots) to its first-ranked bid;
/// every bidder of the lot is mailed its result. The standstill period
/// ends 10 calendar days later, counted in Europe/Copenhagen.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/evaluation/lots/{lot}/award", tag = "bids", params(("id" = i64, Path), ("lot" = i32, Path)), request_body = AwardRequest, security(("bearer" = [])), responses(
    (status = 201, body = AwardView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not every bid scored, not the first-ranked bid, or awarded already"),
))]
async fn award_lot(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path((id, lot)): Path<(TenderId, i32)>,
    ApiJson(body): ApiJson<AwardRequest>,
) -> AppResult<(StatusCode, Json<AwardView>)> {
    let view = award::award(&app, &officer, id, lot, body.bid_id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Mark the lot's contract signed: only once the standstill period is over.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/evaluation/lots/{lot}/contract", tag = "bids", params(("id" = i64, Path), ("lot" = i32, Path)), security(("bearer" = [])), responses(
    (status = 200, body = AwardView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The standstill period runs, or signed already"),
))]
async fn sign_contract(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path((id, lot)): Path<(TenderId, i32)>,
) -> AppResult<Json<AwardView>> {
    Ok(Json(award::sign_contract(&app, &officer, id, lot).await?))
}

/// The tender's awards, public: winner, price, the social-value
/// commitments the contract carries, the standstill period and signing.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/awards", tag = "bids", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<AwardView>), (status = 404, body = ErrorBody),
))]
async fn tender_awards(
    State(app): State<AppState>,
    Path(id): Path<TenderId>,
) -> AppResult<Json<Vec<AwardView>>> {
    Ok(Json(award::public_awards(&app, id).await?))
}
