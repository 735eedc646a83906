//! Awarding a lot to its first-ranked bid, the standstill period, and the
//! contract's signing after it. The award is public: who won, at what
//! price, and the social-value commitments the contract now carries.
//! Every bidder of the lot is mailed the result with its own scores and
//! the winner's, in the award's transaction.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use socialbid_frontend::Lang;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::bids::access::Reader;
use crate::bids::consortium::members::{self, MemberView};
use crate::bids::consortium::store as partners;
use crate::bids::model::{self as bid_model, Commitment};
use crate::bids::writing::open;
use crate::db::ids::{BidId, OrganisationId, TenderId, UserId};
use crate::db::schema::{awards, organisation_members, users};
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::profiles::service as profiles;
use crate::tenders::money::Amount;

use super::scoring::{EvaluatedBid, evaluable, evaluate_lots, lot_of};
use super::standstill::standstill_end;

/// An award as everyone may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwardView {
    pub lot: i32,
    #[schema(value_type = i64)]
    pub bid_id: BidId,
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    /// The winning bid's partners (a consortium), with their roles and
    /// shares; empty for an organisation that bid alone.
    pub partners: Vec<MemberView>,
    /// In the tender's currency.
    #[schema(value_type = Option<f64>)]
    pub price: Option<Amount>,
    /// What this contract promises in social value, to be followed up.
    pub commitments: Vec<Commitment>,
    #[serde(with = "crate::web::utc")]
    pub awarded_at: NaiveDateTime,
    /// The contract may be signed from this moment (UTC): 10 calendar days
    /// counted in Europe/Copenhagen.
    #[serde(with = "crate::web::utc")]
    pub standstill_ends_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    pub signed_at: Option<NaiveDateTime>,
}

#[derive(Queryable)]
struct AwardRow {
    lot: i32,
    bid_id: BidId,
    awarded_at: NaiveDateTime,
    standstill_ends_at: NaiveDateTime,
    signed_at: Option<NaiveDateTime>,
}

fn award_rows(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Vec<AwardRow>> {
    awards::table
        .filter(awards::tender_id.eq(tender_id))
        .order(awards::lot)
        .select((
            awards::lot,
            awards::bid_id,
            awards::awarded_at,
            awards::standstill_ends_at,
            awards::signed_at,
        ))
        .load(conn)
}

fn view_of(app: &AppState, conn: &mut DbConn, row: AwardRow) -> AppResult<AwardView> {
    let bid = bid_model::find(conn, row.bid_id)?;
    let content = open(&app.seal, &bid)?;
    let org = profiles::find(conn, bid.organisation_id)?;
    let organisation_name = match org.public_profile()? {
        Some(p) => p.organisation_name,
        None => org.draft()?.organisation_name,
    };
    let partners = members::of_bid(conn, &bid, Reader::Officer)?
        .into_iter()
        .filter(|m| !m.lead)
        .collect();
    Ok(AwardView {
        lot: row.lot,
        bid_id: row.bid_id,
        organisation_id: bid.organisation_id,
        organisation_name,
        partners,
        price: content.price,
        commitments: content.commitments,
        awarded_at: row.awarded_at,
        standstill_ends_at: row.standstill_ends_at,
        signed_at: row.signed_at,
    })
}

/// Whether `lot` of the tender is awarded.
pub fn is_lot_awarded(conn: &mut DbConn, tender_id: TenderId, lot: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        awards::table
            .filter(awards::tender_id.eq(tender_id))
            .filter(awards::lot.eq(lot)),
    ))
    .get_result(conn)
}

/// The award of `lot`, if made.
pub fn award_of_lot(
    app: &AppState,
    conn: &mut DbConn,
    tender_id: TenderId,
    lot: i32,
) -> AppResult<Option<AwardView>> {
    match award_rows(conn, tender_id)?
        .into_iter()
        .find(|r| r.lot == lot)
    {
        Some(row) => Ok(Some(view_of(app, conn, row)?)),
        None => Ok(None),
    }
}

/// Every award of a tender, for its public page, JSON and OCDS.
pub fn awards_of(
    app: &AppState,
    conn: &mut DbConn,
    tender_id: TenderId,
) -> AppResult<Vec<AwardView>> {
    award_rows(conn, tender_id)?
        .into_iter()
        .map(|row| view_of(app, conn, row))
        .collect()
}

/// Public: the awards of a tender (none before the first).
pub async fn public_awards(app: &AppState, tender_id: TenderId) -> AppResult<Vec<AwardView>> {
    let state = app.clone();
    app.db
        .run(move |conn| {
            let tender = crate::tenders::model::find(conn, tender_id)?;
            if tender.status == crate::tenders::model::Status::Draft {
                return Err(AppError::not_found());
            }
            awards_of(&state, conn, tender_id)
        })
        .await
}

/// Awards `lot` to `bid_id`, which must rank first once every bid of the
/// lot is scored; mails every bidder of the lot its result.
pub async fn award(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
    lot: i32,
    bid_id: BidId,
) -> AppResult<AwardView> {
    let now = app.clock.now();
    let officer = officer.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (tender, _) = evaluable(conn, &officer, tender_id, now)?;
                let lots = evaluate_lots(&state, conn, &tender)?;
                let evaluated = lot_of(lots, lot, tender.lots.0.len())?;
                if evaluated.award.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "lot_awarded"));
                }
                let Some(winner) = evaluated.bids.iter().find(|b| b.bid_id == bid_id) else {
                    return Err(AppError::not_found());
                };
                if evaluated.bids.iter().any(|b| b.rank.is_none()) {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "evaluation_incomplete",
                    ));
                }
                if winner.rank != Some(1) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "award_not_first"));
                }
                let ends = standstill_end(now);
                diesel::insert_into(awards::table)
                    .values((
                        awards::tender_id.eq(tender_id),
                        awards::lot.eq(lot),
                        awards::bid_id.eq(bid_id),
                        awards::awarded_by.eq(officer.id),
                        awards::awarded_at.eq(now),
                        awards::standstill_ends_at.eq(ends),
                    ))
                    .execute(conn)?;
                audit::record(conn, &officer, "award", "bid", bid_id.0, None, now)?;
                for bid in &evaluated.bids {
                    mail_result(&state, conn, &tender.title, bid, winner, ends, now)?;
                }
                award_of_lot(&state, conn, tender_id, lot)?.ok_or_else(AppError::not_found)
            })
        })
        .await
}

/// Tells each member of a bidding organisation (and of its partners) the
/// lot's result: its own
/// points per criterion with the reasons, its total and rank, and the
/// winner's total.
fn mail_result(
    app: &AppState,
    conn: &mut DbConn,
    title: &str,
    bid: &EvaluatedBid,
    winner: &EvaluatedBid,
    standstill_ends_at: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<()> {
    // A consortium learns its result together: the lead's members and its
    // partners'.
    let mut organisations = vec![bid.organisation_id];
    organisations.extend(
        partners::of_bid(conn, bid.bid_id)?
            .into_iter()
            .filter(|p| p.state == partners::PartnerState::Accepted)
            .map(|p| p.organisation_id),
    );
    let members: Vec<(UserId, String, String)> = organisation_members::table
        .inner_join(users::table)
        .filter(organisation_members::organisation_id.eq_any(&organisations))
        .select((users::id, users::email, users::locale))
        .load(conn)?;
    let criteria: Vec<serde_json::Value> = bid
        .criteria
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "points": c.points.map(two_decimals),
                "weight": c.weight,
                "reason": c.reason,
            })
        })
        .collect();
    for (user_id, email, locale) in members {
        mail::queue(
            conn,
            &email,
            Lang::from_code(&locale).unwrap_or_default(),
            "bid_result",
            serde_json::json!({
                "title": title,
                "won": bid.bid_id == winner.bid_id,
                "criteria": criteria,
                "total": bid.total.map(two_decimals),
                "rank": bid.rank,
                "winner": winner.organisation_name,
                "winner_total": winner.total.map(two_decimals),
                "standstill_ends_at": crate::web::utc::format(&standstill_ends_at),
                "link": format!("{}/bids/{}", app.config.public_url, bid.bid_id),
            }),
            format!("bid_result:{}:{user_id}", bid.bid_id),
            now,
        )?;
    }
    Ok(())
}

fn two_decimals(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

/// Marks the contract of `lot` signed, once its standstill period is over.
pub async fn sign_contract(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
    lot: i32,
) -> AppResult<AwardView> {
    let now = app.clock.now();
    let officer = officer.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                evaluable(conn, &officer, tender_id, now)?;
                let row = award_rows(conn, tender_id)?
                    .into_iter()
                    .find(|r| r.lot == lot)
                    .ok_or_else(AppError::not_found)?;
                if row.signed_at.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "contract_signed"));
                }
                if now < row.standstill_ends_at {
                    return Err(
                        AppError::refused(StatusCode::CONFLICT, "standstill_running")
                            .with("ends", crate::web::utc::format(&row.standstill_ends_at)),
                    );
                }
                diesel::update(
                    awards::table
                        .filter(awards::tender_id.eq(tender_id))
                        .filter(awards::lot.eq(lot)),
                )
                .set(awards::signed_at.eq(now))
                .execute(conn)?;
                audit::record(
                    conn,
                    &officer,
                    "contract_signed",
                    "bid",
                    row.bid_id.0,
                    None,
                    now,
                )?;
                award_of_lot(&state, conn, tender_id, lot)?.ok_or_else(AppError::not_found)
            })
        })
        .await
}
