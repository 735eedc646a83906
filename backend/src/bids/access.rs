//! Who may see a bid, in one place: the rule every read path (API, pages,
//! exports) asks. Before the deadline, and until the owning officer has
//! opened the bids after it, only the bidding organisation's members see
//! anything of a bid, not even that it exists. After the opening the
//! owning officer reads the submitted bids; nobody else ever does (an
//! admin moderates profiles, not procurement).

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::{AuthUser, Role};
use crate::db::DbConn;
use crate::db::ids::TenderId;
use crate::db::schema::bid_openings;
use crate::error::{AppError, AppResult};
use crate::profiles::service as profiles;
use crate::tenders::model::{Status, TenderRow};
use crate::tenders::service::Viewer;

use super::consortium;
use super::model::{BidRow, BidState};

/// When the tender's bids were opened, if they were.
pub fn opened_at(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Option<NaiveDateTime>> {
    bid_openings::table
        .find(tender_id)
        .select(bid_openings::opened_at)
        .first(conn)
        .optional()
}

/// The deadline has passed on the server's clock (a tender without one is
/// never open for bids).
pub fn deadline_passed(tender: &TenderRow, now: NaiveDateTime) -> bool {
    tender.submission_deadline.is_none_or(|d| d <= now)
}

/// The owning officer may read the tender's submitted bids: the deadline
/// has passed and the bids are opened.
pub fn officer_may_read(
    conn: &mut DbConn,
    user: &AuthUser,
    tender: &TenderRow,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(Viewer(Some(user)).owns(tender)
        && deadline_passed(tender, now)
        && opened_at(conn, tender.id)?.is_some())
}

/// A bid as `user` may read it: members of the bidding organisation and
/// of its accepted partners always; the owning officer a submitted bid
/// once opened. Anyone else is told the bid does not exist, so not even
/// the count leaks.
pub fn readable(
    conn: &mut DbConn,
    user: &AuthUser,
    bid: &BidRow,
    tender: &TenderRow,
    now: NaiveDateTime,
) -> AppResult<Reader> {
    if user.role == Role::Entrepreneur && profiles::is_member(conn, bid.organisation_id, user.id)? {
        return Ok(Reader::Bidder);
    }
    if user.role == Role::Entrepreneur
        && consortium::store::is_partner_member(conn, bid.id, user.id)?
    {
        return Ok(Reader::Partner);
    }
    if bid.state == BidState::Submitted && officer_may_read(conn, user, tender, now)? {
        return Ok(Reader::Officer);
    }
    Err(AppError::not_found())
}

/// Who is reading a bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A member of the lead organisation: reads and changes the bid.
    Bidder,
    /// A member of an accepted partner: reads the bid it belongs to.
    Partner,
    Officer,
}

/// The refusal when a tender no longer takes bids, or changes to them.
pub fn refuse_unless_open(tender: &TenderRow, now: NaiveDateTime) -> AppResult<()> {
    match tender.status {
        Status::Draft => return Err(AppError::not_found()),
        Status::Cancelled => {
            return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
        }
        Status::Published | Status::Closed => {}
    }
    // The worker may not have closed it yet: the deadline on the server's
    // clock rules, to the second.
    if tender.status == Status::Closed || deadline_passed(tender, now) {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "bid_deadline_passed",
        ));
    }
    Ok(())
}
