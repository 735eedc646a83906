//! Writing bids: a member of an approved (and, for a reserved tender or
//! lot, eligible) organisation keeps a draft, submits it, withdraws it and
//! submits again, all before the deadline on the server's clock. The
//! content is sealed on every write; submitting hashes it for the receipt
//! and queues the receipt mail in the same transaction.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{BidId, OrganisationId, TenderId};
use crate::db::schema::{bid_partners, bids};
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult, FieldError};
use crate::mail;
use crate::profiles::service::{self as profiles, Organisation};
use crate::tenders::model::{self as tenders, TenderRow};

use super::access::refuse_unless_open;
use super::consortium::{self, inviting::hold_bid, store::PartnerState};
use super::documents;
use super::model::{self, BidContent, BidRow, BidState, reservations};
use super::reading::{self, Receipt, receipt_of};
use super::rules;
use super::seal::BidSeal;

/// Starts a bid (a draft) on `lot` (0 for a tender without lots) for the
/// caller's organisation; one per organisation, tender and lot.
pub async fn create(
    app: &AppState,
    user: &AuthUser,
    tender_id: TenderId,
    lot: i32,
    content: BidContent,
) -> AppResult<BidId> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let tender = visible_tender(conn, tender_id)?;
                refuse_unless_open(&tender, now)?;
                check_lot(&tender, lot)?;
                let org = bidding_organisation(conn, &user)?;
                // Against accepting an invitation to the same lot meanwhile.
                profiles::hold(conn, org.id, profiles::Hold::ToTakePart)?;
                refuse_unless_eligible(&org, &tender, lot)?;
                refuse_if_invalid(rules::check(&tender.content(), lot, &content, false))?;
                let exists: i64 = bids::table
                    .filter(bids::tender_id.eq(tender_id))
                    .filter(bids::organisation_id.eq(org.id))
                    .filter(bids::lot.eq(lot))
                    .count()
                    .get_result(conn)?;
                if exists > 0 {
                    return Err(AppError::refused(StatusCode::CONFLICT, "bid_exists"));
                }
                if partnered_on(conn, org.id, tender_id, lot)? {
                    return Err(AppError::refused(StatusCode::CONFLICT, "already_partner"));
                }
                let sealed = seal(&state.seal, tender_id, org.id, lot, &content)?;
                let id = diesel::insert_into(bids::table)
                    .values((
                        bids::tender_id.eq(tender_id),
                        bids::lot.eq(lot),
                        bids::organisation_id.eq(org.id),
                        bids::state.eq(BidState::Draft.as_str()),
                        bids::sealed.eq(sealed),
                        bids::created_at.eq(now),
                        bids::updated_at.eq(now),
                    ))
                    .returning(bids::id)
                    .get_result(conn)?;
                Ok(id)
            })
        })
        .await
}

/// Saves the whole content of a draft (or of a withdrawn bid, which
/// becomes a draft again). A submitted bid is withdrawn first.
pub async fn save(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    content: BidContent,
) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (bid, tender) = own_bid(conn, &user, bid_id)?;
                refuse_unless_open(&tender, now)?;
                if bid.state == BidState::Submitted {
                    return Err(AppError::refused(StatusCode::CONFLICT, "bid_submitted"));
                }
                refuse_if_invalid(rules::check(&tender.content(), bid.lot, &content, false))?;
                let sealed = seal(
                    &state.seal,
                    bid.tender_id,
                    bid.organisation_id,
                    bid.lot,
                    &content,
                )?;
                diesel::update(bids::table.find(bid_id))
                    .set((
                        bids::sealed.eq(sealed),
                        bids::state.eq(BidState::Draft.as_str()),
                        bids::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
}

/// Submits a complete bid: hashes what was sent, records the time on the
/// server's clock, and mails the receipt to the submitter.
pub async fn submit(app: &AppState, user: &AuthUser, bid_id: BidId) -> AppResult<Receipt> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (bid, tender) = own_bid(conn, &user, bid_id)?;
                // The organisation may have been suspended, or its
                // eligibility withdrawn, since the draft was started.
                // Held until the bid is in, so that the organisation cannot
                // be deleted meanwhile (which would take the bid with it);
                // then the bid's row, against changes to its consortium.
                // In that order, the order a deletion takes them.
                profiles::hold(conn, bid.organisation_id, profiles::Hold::ToBid)?;
                hold_bid(conn, bid_id)?;
                let bid = model::find(conn, bid_id)?;
                refuse_unless_open(&tender, now)?;
                if bid.state == BidState::Submitted {
                    return Err(AppError::refused(StatusCode::CONFLICT, "bid_submitted"));
                }
                refuse_unless_consortium_ready(conn, &bid, &tender)?;
                let org = profiles::find(conn, bid.organisation_id)?;
                if !org.is_public() {
                    return Err(AppError::forbidden("organisation_not_approved"));
                }
                refuse_unless_eligible(&org, &tender, bid.lot)?;
                let content = open(&state.seal, &bid)?;
                refuse_if_invalid(rules::check(&tender.content(), bid.lot, &content, true))?;
                let digest = submission_digest(conn, &state.seal, &bid, &content)?;
                // Conditional, so that of two parallel submissions one wins.
                let changed = diesel::update(
                    bids::table
                        .find(bid_id)
                        .filter(bids::state.ne(BidState::Submitted.as_str())),
                )
                .set((
                    bids::state.eq(BidState::Submitted.as_str()),
                    bids::content_sha256.eq(&digest),
                    bids::submitted_at.eq(now),
                    bids::submitted_by.eq(user.id),
                    bids::withdrawn_at.eq(None::<NaiveDateTime>),
                    bids::updated_at.eq(now),
                ))
                .execute(conn)?;
                if changed == 0 {
                    return Err(AppError::refused(StatusCode::CONFLICT, "bid_submitted"));
                }
                let bid = model::find(conn, bid_id)?;
                let receipt = receipt_of(conn, &state.seal, &bid, &tender)?;
                mail::queue(
                    conn,
                    &user.email,
                    user.lang,
                    "bid_receipt",
                    serde_json::json!({
                        "title": receipt.tender_title,
                        "lot": receipt.lot_title,
                        "organisation": receipt.organisation_name,
                        "submitted_at": crate::web::utc::format(&now),
                        "sha256": digest,
                        "link": format!("{}/bids/{bid_id}/receipt", state.config.public_url),
                    }),
                    // One receipt per submission: a bid submitted again gets another.
                    format!("bid_receipt:{bid_id}:{}", now.and_utc().timestamp_micros()),
                    now,
                )?;
                Ok(receipt)
            })
        })
        .await
}

/// Withdraws a submitted bid before the deadline; it can be changed and
/// submitted again.
pub async fn withdraw(app: &AppState, user: &AuthUser, bid_id: BidId) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (bid, tender) = own_bid(conn, &user, bid_id)?;
                refuse_unless_open(&tender, now)?;
                let changed = diesel::update(
                    bids::table
                        .find(bid.id)
                        .filter(bids::state.eq(BidState::Submitted.as_str())),
                )
                .set((
                    bids::state.eq(BidState::Withdrawn.as_str()),
                    bids::content_sha256.eq(None::<String>),
                    bids::submitted_at.eq(None::<NaiveDateTime>),
                    bids::withdrawn_at.eq(now),
                    bids::updated_at.eq(now),
                ))
                .execute(conn)?;
                if changed == 0 {
                    return Err(AppError::refused(StatusCode::CONFLICT, "bid_not_submitted"));
                }
                Ok(())
            })
        })
        .await
}

/// A tender the public may see (drafts do not exist for bidders), and not
/// an imported notice, whose bids go to the buyer's own system.
fn visible_tender(conn: &mut DbConn, tender_id: TenderId) -> AppResult<TenderRow> {
    let tender = tenders::find(conn, tender_id)?;
    if tender.status == crate::tenders::model::Status::Draft {
        return Err(AppError::not_found());
    }
    if crate::import::is_imported(conn, tender_id)? {
        return Err(AppError::refused(StatusCode::CONFLICT, "tender_imported"));
    }
    Ok(tender)
}

/// A bid of the caller's organisation with its tender; 404 for anyone
/// else, so a bid's existence never leaks.
pub(crate) fn own_bid(
    conn: &mut DbConn,
    user: &AuthUser,
    bid_id: BidId,
) -> AppResult<(BidRow, TenderRow)> {
    let bid = model::find(conn, bid_id)?;
    if !profiles::is_member(conn, bid.organisation_id, user.id)? {
        return Err(AppError::not_found());
    }
    let tender = tenders::find(conn, bid.tender_id)?;
    Ok((bid, tender))
}

/// A tender with lots is bid on lot by lot (1, 2, ...); one without, as a
/// whole (lot 0).
fn check_lot(tender: &TenderRow, lot: i32) -> AppResult<()> {
    let lots = tender.lots.0.len();
    if lots == 0 {
        return match lot {
            0 => Ok(()),
            _ => Err(AppError::field("lot", "whole_tender")),
        };
    }
    if usize::try_from(lot).is_ok_and(|l| (1..=lots).contains(&l)) {
        Ok(())
    } else {
        Err(AppError::invalid(vec![
            FieldError::new("lot", "unknown").with("count", lots),
        ]))
    }
}

/// The caller's organisation, approved and not suspended.
fn bidding_organisation(conn: &mut DbConn, user: &AuthUser) -> AppResult<Organisation> {
    let org = profiles::of_member(conn, user.id)?
        .ok_or_else(|| AppError::forbidden("no_organisation"))?;
    if !org.is_public() {
        return Err(AppError::forbidden("organisation_not_approved"));
    }
    Ok(org)
}

/// A reserved tender or lot takes bids only from organisations whose
/// approved facts make them eligible for one of its reservations.
fn refuse_unless_eligible(org: &Organisation, tender: &TenderRow, lot: i32) -> AppResult<()> {
    eligible(org, tender, lot)?
        .map_err(|codes| AppError::forbidden("bid_not_eligible").with("codes", codes))
}

/// Whether `org` may take part in a bid on `lot`: `Err` with the
/// reservation codes it does not meet when the tender or lot is reserved
/// and its approved profile is eligible for none of them.
pub(crate) fn eligible(
    org: &Organisation,
    tender: &TenderRow,
    lot: i32,
) -> AppResult<Result<(), String>> {
    let codes = reservations(&tender.content(), lot);
    if codes.is_empty() {
        return Ok(Ok(()));
    }
    let Some(profile) = org.public_profile()? else {
        return Ok(Err(codes.join(", ")));
    };
    let eligible = codes.iter().any(|code| match code.as_str() {
        "res-ws" => profile.reserved_res_ws,
        "res-pub-ser" => profile.reserved_res_pub_ser,
        _ => false,
    });
    Ok(if eligible {
        Ok(())
    } else {
        Err(codes.join(", "))
    })
}

/// A consortium bid is submitted when every invitation is answered and
/// every partner that accepted is still approved and, for a reserved
/// tender, eligible.
fn refuse_unless_consortium_ready(
    conn: &mut DbConn,
    bid: &BidRow,
    tender: &TenderRow,
) -> AppResult<()> {
    for partner in consortium::store::of_bid(conn, bid.id)? {
        match partner.state {
            PartnerState::Invited => {
                return Err(AppError::refused(StatusCode::CONFLICT, "partners_pending"));
            }
            PartnerState::Declined => {}
            PartnerState::Accepted => {
                profiles::hold(conn, partner.organisation_id, profiles::Hold::ToBid)?;
                let org = profiles::find(conn, partner.organisation_id)?;
                let name = reading::organisation_name(conn, org.id)?;
                if !org.is_public() {
                    return Err(
                        AppError::forbidden("partner_not_approved").with("organisation", name)
                    );
                }
                if let Err(codes) = eligible(&org, tender, bid.lot)? {
                    return Err(AppError::forbidden("partner_not_eligible")
                        .with("organisation", name)
                        .with("codes", codes));
                }
            }
        }
    }
    Ok(())
}

/// Whether `organisation_id` is an accepted partner in another
/// organisation's bid on the same lot.
pub(crate) fn partnered_on(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    tender_id: TenderId,
    lot: i32,
) -> QueryResult<bool> {
    let n: i64 = bid_partners::table
        .inner_join(bids::table)
        .filter(bid_partners::organisation_id.eq(organisation_id))
        .filter(bid_partners::state.eq(PartnerState::Accepted.as_str()))
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::lot.eq(lot))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What a receipt's SHA-256 covers, as JSON: the content, each document
/// by name and SHA-256, and each accepted partner with its role and
/// share. Changing any of them after a submission needs a withdrawal, so
/// the hash names what the officer opens.
fn submission_digest(
    conn: &mut DbConn,
    seal: &BidSeal,
    bid: &BidRow,
    content: &BidContent,
) -> AppResult<String> {
    let documents: Vec<_> = documents::store::list(conn, seal, bid)?
        .into_iter()
        .map(|d| serde_json::json!({"file_name": d.file_name, "sha256": d.sha256}))
        .collect();
    let partners: Vec<_> = consortium::store::of_bid(conn, bid.id)?
        .into_iter()
        .filter(|p| p.state == PartnerState::Accepted)
        .map(|p| {
            serde_json::json!({"organisation_id": p.organisation_id,
                               "role": p.role, "share_percent": p.share_percent})
        })
        .collect();
    let submitted = serde_json::json!({
        "content": content, "documents": documents, "partners": partners,
    });
    let bytes = serde_json::to_vec(&submitted).map_err(AppError::internal)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

fn refuse_if_invalid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

fn seal(
    seal: &BidSeal,
    tender_id: TenderId,
    organisation_id: OrganisationId,
    lot: i32,
    content: &BidContent,
) -> AppResult<String> {
    Ok(seal.seal(
        &model::place(tender_id, organisation_id, lot),
        &content.canonical_bytes(),
    )?)
}

/// The content of a stored bid; a row that does not open is an internal
/// error (another key, or a changed row), never an empty bid.
pub fn open(seal: &BidSeal, bid: &BidRow) -> AppResult<BidContent> {
    let bytes = seal.open(&bid.place(), &bid.sealed)?;
    serde_json::from_slice(&bytes).map_err(AppError::internal)
}
