//! The partners of a bid as stored (`bid_partners`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::ids::{BidId, OrganisationId, UserId};
use crate::db::schema::{bid_partners, organisation_members, users};
use crate::db::stored::{StoredState, read_from_text};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
pub enum PartnerState {
    /// Asked by the lead, not yet answered.
    Invited,
    /// In the consortium: reads the bid, is named in it.
    Accepted,
    /// Said no; the lead may ask again.
    Declined,
}

impl PartnerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerState::Invited => "invited",
            PartnerState::Accepted => "accepted",
            PartnerState::Declined => "declined",
        }
    }
}

impl StoredState for PartnerState {
    const WHAT: &'static str = "partner state";

    fn parse(value: &str) -> Option<PartnerState> {
        [
            PartnerState::Invited,
            PartnerState::Accepted,
            PartnerState::Declined,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

read_from_text!(PartnerState);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bid_partners)]
pub struct PartnerRow {
    pub bid_id: BidId,
    pub organisation_id: OrganisationId,
    pub role: String,
    pub share_percent: i32,
    pub state: PartnerState,
    pub invited_by: Option<UserId>,
    pub invited_at: NaiveDateTime,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<NaiveDateTime>,
}

/// Every partner of a bid, in the order they were invited.
pub fn of_bid(conn: &mut DbConn, bid_id: BidId) -> QueryResult<Vec<PartnerRow>> {
    bid_partners::table
        .filter(bid_partners::bid_id.eq(bid_id))
        .order((bid_partners::invited_at, bid_partners::organisation_id))
        .select(PartnerRow::as_select())
        .load(conn)
}

pub fn find(
    conn: &mut DbConn,
    bid_id: BidId,
    organisation_id: OrganisationId,
) -> QueryResult<Option<PartnerRow>> {
    bid_partners::table
        .find((bid_id, organisation_id))
        .select(PartnerRow::as_select())
        .first(conn)
        .optional()
}

/// The partnerships of an organisation in `state`, newest first.
pub fn of_organisation(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    state: PartnerState,
) -> QueryResult<Vec<PartnerRow>> {
    bid_partners::table
        .filter(bid_partners::organisation_id.eq(organisation_id))
        .filter(bid_partners::state.eq(state.as_str()))
        .order(bid_partners::invited_at.desc())
        .select(PartnerRow::as_select())
        .load(conn)
}

/// Whether `user_id` belongs to an accepted partner of the bid.
pub fn is_partner_member(conn: &mut DbConn, bid_id: BidId, user_id: UserId) -> QueryResult<bool> {
    let n: i64 = bid_partners::table
        .inner_join(
            organisation_members::table
                .on(organisation_members::organisation_id.eq(bid_partners::organisation_id)),
        )
        .filter(bid_partners::bid_id.eq(bid_id))
        .filter(bid_partners::state.eq(PartnerState::Accepted.as_str()))
        .filter(organisation_members::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The members of an organisation, as mail recipients: address and
/// language.
pub fn recipients(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
) -> QueryResult<Vec<(String, String)>> {
    organisation_members::table
        .inner_join(users::table)
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .order(users::id)
        .select((users::email, users::locale))
        .load(conn)
}
