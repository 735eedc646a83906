//! Scoring opened bids and the evaluation as the owning officer sees it:
//! per lot, every submitted bid with its price, its points per criterion
//! (price and cost by formula, the rest from the officer's scores with
//! their reasons), its weighted total and its rank.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::bids::access::{deadline_passed, opened_at};
use crate::bids::model::{self as bid_model, BidRow, BidState};
use crate::bids::writing::open;
use crate::db::ids::{BidId, OrganisationId, TenderId};
use crate::db::schema::bid_scores;
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult, FieldError};
use crate::profiles::service as profiles;
use crate::tenders::model::{self as tenders, TenderRow};
use crate::tenders::money::Amount;
use crate::tenders::service::Viewer;

use super::arithmetic::{self, BidScores, SCALE_MAX, by_formula};
use super::award::{AwardView, award_of_lot, is_lot_awarded};

pub const MAX_REASON: usize = 2_000;

/// One score the officer gives.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreInput {
    /// The criterion's place in the tender's `criteria`, from 0.
    pub criterion: usize,
    /// On the scale 0–10.
    #[schema(minimum = 0, maximum = 10)]
    pub score: i32,
    /// Why: shown to the bidder with the result.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionPoints {
    pub criterion: usize,
    pub name: String,
    /// `price`, `cost`, `quality` or `social`.
    pub kind: String,
    pub weight: i32,
    /// The officer's score on the scale (none for price and cost).
    pub score: Option<i32>,
    pub reason: Option<String>,
    /// Score ÷ 10 × weight, or lowest price ÷ price × weight.
    pub points: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvaluatedBid {
    #[schema(value_type = i64)]
    pub bid_id: BidId,
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    #[schema(value_type = Option<f64>)]
    pub price: Option<Amount>,
    pub criteria: Vec<CriterionPoints>,
    /// Once every criterion has points.
    pub total: Option<f64>,
    /// Once every bid of the lot has a total; equal totals share a rank.
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotEvaluation {
    /// 0 for a tender without lots.
    pub lot: i32,
    pub title: Option<String>,
    pub bids: Vec<EvaluatedBid>,
    pub award: Option<AwardView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluation {
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    pub currency: String,
    #[serde(with = "crate::web::utc")]
    pub opened_at: NaiveDateTime,
    /// The top of the scale quality and social value are scored on.
    pub scale_max: i32,
    pub lots: Vec<LotEvaluation>,
}

/// The tender, if the caller is its owning officer and its bids are
/// opened: 404 / 403 / 409 otherwise.
pub(super) fn evaluable(
    conn: &mut DbConn,
    officer: &AuthUser,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> AppResult<(TenderRow, NaiveDateTime)> {
    let tender = tenders::find(conn, tender_id)?;
    let viewer = Viewer(Some(officer));
    if !viewer.can_see(&tender) {
        return Err(AppError::not_found());
    }
    if !viewer.owns(&tender) {
        return Err(AppError::forbidden("tender_not_yours"));
    }
    match opened_at(conn, tender_id)? {
        Some(at) if deadline_passed(&tender, now) => Ok((tender, at)),
        _ => Err(AppError::refused(StatusCode::CONFLICT, "bids_not_opened")),
    }
}

/// Records the officer's scores for one bid (replacing earlier ones for
/// the same criteria), until its lot is awarded.
pub async fn score(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
    bid_id: BidId,
    scores: Vec<ScoreInput>,
) -> AppResult<()> {
    let now = app.clock.now();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (tender, _) = evaluable(conn, &officer, tender_id, now)?;
                let bid = bid_model::find(conn, bid_id)?;
                if bid.tender_id != tender_id || bid.state != BidState::Submitted {
                    return Err(AppError::not_found());
                }
                if is_lot_awarded(conn, tender_id, bid.lot)? {
                    return Err(AppError::refused(StatusCode::CONFLICT, "lot_awarded"));
                }
                let errors = check_scores(&tender, &scores);
                if !errors.is_empty() {
                    return Err(AppError::invalid(errors));
                }
                for input in &scores {
                    let criterion = i32::try_from(input.criterion).unwrap_or_default();
                    diesel::delete(bid_scores::table.find((bid_id, criterion))).execute(conn)?;
                    diesel::insert_into(bid_scores::table)
                        .values((
                            bid_scores::bid_id.eq(bid_id),
                            bid_scores::criterion.eq(criterion),
                            bid_scores::score.eq(input.score),
                            bid_scores::reason.eq(input.reason.trim()),
                            bid_scores::scored_by.eq(officer.id),
                            bid_scores::scored_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                audit::record(conn, &officer, "score_bid", "bid", bid_id.0, None, now)?;
                Ok(())
            })
        })
        .await
}

fn check_scores(tender: &TenderRow, scores: &[ScoreInput]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if scores.is_empty() {
        errors.push(FieldError::new("scores", "none"));
    }
    for (i, input) in scores.iter().enumerate() {
        let number = i + 1;
        match tender.criteria.0.get(input.criterion) {
            None => {
                errors.push(FieldError::new("scores", "criterion_unknown").with("number", number));
                continue;
            }
            Some(c) if by_formula(c.kind) => {
                errors.push(FieldError::new("scores", "by_formula").with("criterion", &c.name));
                continue;
            }
            Some(_) => {}
        }
        let name = &tender.criteria.0[input.criterion].name;
        if !(0..=SCALE_MAX).contains(&input.score) {
            errors.push(
                FieldError::new("scores", "range")
                    .with("criterion", name)
                    .with("max", SCALE_MAX),
            );
        }
        let reason = input.reason.trim();
        if reason.is_empty() {
            errors.push(FieldError::new("scores", "reason_required").with("criterion", name));
        } else if reason.chars().count() > MAX_REASON {
            errors.push(
                FieldError::new("scores", "reason_too_long")
                    .with("criterion", name)
                    .with("max", MAX_REASON),
            );
        }
    }
    errors
}

pub async fn evaluation(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
) -> AppResult<Evaluation> {
    let now = app.clock.now();
    let officer = officer.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            let (tender, opened) = evaluable(conn, &officer, tender_id, now)?;
            Ok(Evaluation {
                tender_id,
                currency: tender.currency.clone(),
                opened_at: opened,
                scale_max: SCALE_MAX,
                lots: evaluate_lots(&state, conn, &tender)?,
            })
        })
        .await
}

/// Every lot (or the whole tender) with its submitted bids evaluated.
pub(super) fn evaluate_lots(
    app: &AppState,
    conn: &mut DbConn,
    tender: &TenderRow,
) -> AppResult<Vec<LotEvaluation>> {
    let all = bid_model::submitted_for_tender(conn, tender.id)?;
    let lots: Vec<(i32, Option<String>)> = if tender.lots.0.is_empty() {
        vec![(0, None)]
    } else {
        (1..)
            .zip(tender.lots.0.iter())
            .map(|(n, l)| (n, Some(l.title.clone())))
            .collect()
    };
    let mut result = Vec::new();
    for (lot, title) in lots {
        let rows: Vec<&BidRow> = all.iter().filter(|b| b.lot == lot).collect();
        result.push(LotEvaluation {
            lot,
            title,
            bids: evaluate_bids(app, conn, tender, &rows)?,
            award: award_of_lot(app, conn, tender.id, lot)?,
        });
    }
    Ok(result)
}

fn evaluate_bids(
    app: &AppState,
    conn: &mut DbConn,
    tender: &TenderRow,
    rows: &[&BidRow],
) -> AppResult<Vec<EvaluatedBid>> {
    let criteria = &tender.criteria.0;
    let mut inputs = Vec::new();
    let mut reasons = Vec::new();
    for bid in rows {
        let content = open(&app.seal, bid)?;
        let stored: Vec<(i32, i32, String)> = bid_scores::table
            .filter(bid_scores::bid_id.eq(bid.id))
            .select((bid_scores::criterion, bid_scores::score, bid_scores::reason))
            .load(conn)?;
        let mut scores = BTreeMap::new();
        let mut why = BTreeMap::new();
        for (criterion, score, reason) in stored {
            let index = usize::try_from(criterion).unwrap_or_default();
            scores.insert(index, score);
            why.insert(index, reason);
        }
        inputs.push(BidScores {
            bid_id: bid.id,
            price: content.price,
            scores,
        });
        reasons.push(why);
    }
    let evaluated = arithmetic::evaluate(criteria, &inputs);
    let mut views = Vec::new();
    for (((bid, input), why), result) in rows.iter().zip(&inputs).zip(&reasons).zip(evaluated) {
        let org = profiles::find(conn, bid.organisation_id)?;
        let name = match org.public_profile()? {
            Some(p) => p.organisation_name,
            None => org.draft()?.organisation_name,
        };
        views.push(EvaluatedBid {
            bid_id: bid.id,
            organisation_id: bid.organisation_id,
            organisation_name: name,
            price: input.price,
            criteria: criteria
                .iter()
                .enumerate()
                .map(|(index, c)| CriterionPoints {
                    criterion: index,
                    name: c.name.clone(),
                    kind: c.kind.as_str().to_owned(),
                    weight: c.weight,
                    score: input.scores.get(&index).copied(),
                    reason: why.get(&index).cloned(),
                    points: result.points[index],
                })
                .collect(),
            total: result.total,
            rank: result.rank,
        });
    }
    views.sort_by_key(|v| (v.rank.unwrap_or(usize::MAX), v.bid_id));
    Ok(views)
}

/// The evaluation of `lot` among `lots` (from a tender with `count` lots).
pub(super) fn lot_of(lots: Vec<LotEvaluation>, lot: i32, count: usize) -> AppResult<LotEvaluation> {
    lots.into_iter().find(|l| l.lot == lot).ok_or_else(|| {
        AppError::invalid(vec![FieldError::new("lot", "unknown").with("count", count)])
    })
}
