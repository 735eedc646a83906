//! Bids as JSON: `/api/v1/bids` (a bidder's own), `/api/v1/tenders/{id}/bids`
//! (starting one, and a tender's bids as the caller may see them) and the
//! opening under `/api/v1/tenders/{id}/evaluation`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur, Officer};
use crate::db::ids::{BidId, TenderId};
use crate::error::AppResult;
use crate::tenders::money::Amount;
use crate::web::errors::ErrorBody;
use crate::web::extract::Path;
use crate::web::json::ApiJson;

use super::model::{Answer, BidContent, Commitment};
use super::opening::{self, Opening};
use super::reading::{self, BidView, Receipt};
use super::writing;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_bids))
        .routes(routes!(get_bid, save_bid))
        .routes(routes!(submit_bid))
        .routes(routes!(withdraw_bid))
        .routes(routes!(bid_receipt))
        .routes(routes!(tender_bids, start_bid))
        .routes(routes!(open_bids))
}

/// A new bid: the lot it is for and whatever of its content is ready.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct NewBid {
    /// The lot's number from 1; 0 (or left out) for a tender without lots.
    pub lot: i32,
    /// In the tender's currency, exact to the hundredth.
    #[schema(value_type = Option<f64>, example = 1_950_000, exclusive_minimum = 0, maximum = 1e14, multiple_of = 0.01)]
    pub price: Option<Amount>,
    pub answers: Vec<Answer>,
    pub commitments: Vec<Commitment>,
    pub declarations: Vec<String>,
}

impl NewBid {
    fn split(self) -> (i32, BidContent) {
        (
            self.lot,
            BidContent {
                price: self.price,
                answers: self.answers,
                commitments: self.commitments,
                declarations: self.declarations,
            },
        )
    }
}

/// The bids of the caller's organisation, in every state.
#[utoipa::path(get, path = "/api/v1/bids", tag = "bids", security(("bearer" = [])), responses(
    (status = 200, body = Vec<BidView>),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
async fn my_bids(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Json<Vec<BidView>>> {
    Ok(Json(reading::mine(&app, &user).await?))
}

/// One bid: for its organisation's members, and for the owning officer
/// once the bids are opened after the deadline. Anyone else: 404.
#[utoipa::path(get, path = "/api/v1/bids/{id}", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = BidView),
    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn get_bid(
    State(app): State<AppState>,
    user: AuthUser,
    Path(id): Path<BidId>,
) -> AppResult<Json<BidView>> {
    Ok(Json(reading::get(&app, &user, id).await?))
}

/// Save the whole content of a draft or withdrawn bid (gaps allowed).
#[utoipa::path(put, path = "/api/v1/bids/{id}", tag = "bids", params(("id" = i64, Path)), request_body = BidContent, security(("bearer" = [])), responses(
    (status = 200, body = BidView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Submitted (withdraw it first), or the deadline has passed"),
    (status = 422, body = ErrorBody),
))]
async fn save_bid(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    ApiJson(content): ApiJson<BidContent>,
) -> AppResult<Json<BidView>> {
    writing::save(&app, &user, id, content).await?;
    Ok(Json(reading::get(&app, &user, id).await?))
}

/// Submit a complete bid before the deadline (on the server's clock; one
/// second late is 409 `bid_deadline_passed`). The receipt carries the
/// submission time and the SHA-256 of the content, and is mailed too.
#[utoipa::path(post, path = "/api/v1/bids/{id}/submit", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Receipt),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Already submitted, or the deadline has passed"),
    (status = 422, body = ErrorBody, description = "What is missing, listed under `fields`"),
))]
async fn submit_bid(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Json<Receipt>> {
    Ok(Json(writing::submit(&app, &user, id).await?))
}

/// Withdraw a submitted bid before the deadline.
#[utoipa::path(post, path = "/api/v1/bids/{id}/withdraw", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not submitted, or the deadline has passed"),
))]
async fn withdraw_bid(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<StatusCode> {
    writing::withdraw(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The receipt of a submitted bid, for its organisation's members.
#[utoipa::path(get, path = "/api/v1/bids/{id}/receipt", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Receipt),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn bid_receipt(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Json<Receipt>> {
    Ok(Json(reading::receipt(&app, &user, id).await?))
}

/// A tender's bids as the caller may see them: a bidder its own
/// organisation's; the owning officer the submitted bids once opened
/// (403 `bids_sealed` before, without a count); anyone else 403.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/bids", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Vec<BidView>),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn tender_bids(
    State(app): State<AppState>,
    user: AuthUser,
    Path(id): Path<TenderId>,
) -> AppResult<Json<Vec<BidView>>> {
    Ok(Json(reading::for_tender(&app, &user, id).await?))
}

/// Start a bid (a draft) for the caller's organisation on a published
/// tender before its deadline; one per organisation and lot. A reserved
/// tender or lot takes bids only from eligible organisations.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/bids", tag = "bids", params(("id" = i64, Path)), request_body = NewBid, security(("bearer" = [])), responses(
    (status = 201, body = BidView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "A bid on this lot exists, or the deadline has passed"),
    (status = 422, body = ErrorBody),
))]
async fn start_bid(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
    ApiJson(body): ApiJson<NewBid>,
) -> AppResult<impl IntoResponse> {
    let (lot, content) = body.split();
    let bid_id = writing::create(&app, &user, id, lot, content).await?;
    let view = reading::get(&app, &user, bid_id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Open the tender's bids (the owning officer, once, after the deadline;
/// recorded in the audit log). Until then nobody sees how many there are.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/evaluation/opening", tag = "bids", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Opening),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Before the deadline, or already opened"),
))]
async fn open_bids(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Json<Opening>> {
    Ok(Json(opening::open_bids(&app, &officer, id).await?))
}
