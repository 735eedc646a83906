//! Bids as stored: the row (state and times, readable) and the content
//! (sealed in `bids.sealed`), and the declarations a tender asks for.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::ids::{BidId, OrganisationId, TenderId, UserId};
use crate::db::schema::bids;
use crate::db::stored::{StoredState, read_from_text};
use crate::tenders::model::Content;
use crate::tenders::money::Amount;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
pub enum BidState {
    /// Kept by the bidder; nobody else ever sees it.
    Draft,
    /// Sent before the deadline: the one the officer opens.
    Submitted,
    /// Taken back before the deadline; may be changed and sent again.
    Withdrawn,
}

impl BidState {
    pub fn as_str(self) -> &'static str {
        match self {
            BidState::Draft => "draft",
            BidState::Submitted => "submitted",
            BidState::Withdrawn => "withdrawn",
        }
    }
}

impl StoredState for BidState {
    const WHAT: &'static str = "bid state";

    fn parse(value: &str) -> Option<BidState> {
        [BidState::Draft, BidState::Submitted, BidState::Withdrawn]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

read_from_text!(BidState);

/// The answer to one quality criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The criterion's place in the tender's `criteria`, from 0.
    pub criterion: usize,
    pub text: String,
}

/// A concrete social-value promise for one social-value criterion, which
/// becomes measurable when the contract is followed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// The criterion's place in the tender's `criteria`, from 0.
    pub criterion: usize,
    /// What is promised.
    #[schema(example = "Job til ledige")]
    pub what: String,
    /// How many (people, places, hours).
    #[schema(example = 4)]
    pub how_many: i32,
    /// For whom.
    #[schema(example = "Personer, der har været ledige i over et år")]
    pub for_whom: String,
    /// For how long, in months.
    #[schema(example = 12)]
    pub months: i32,
}

/// What a bid says; sealed at rest. Every part may be missing from a draft;
/// submitting needs them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct BidContent {
    /// The price in the tender's currency, exact to the hundredth.
    #[schema(value_type = Option<f64>, example = 1_950_000, exclusive_minimum = 0, maximum = 1e14, multiple_of = 0.01)]
    pub price: Option<Amount>,
    pub answers: Vec<Answer>,
    pub commitments: Vec<Commitment>,
    /// The codes of the declarations the bidder makes (see
    /// `declarations` on the tender's bid form).
    pub declarations: Vec<String>,
}

impl BidContent {
    /// The bytes that are sealed: serde's JSON of the content, fields in
    /// declared order.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The declarations every bid makes, as in the European Single
/// Procurement Document: no grounds for exclusion, the tender's conditions
/// accepted, the information true.
pub const DECLARATIONS: [&str; 3] = [
    "no_exclusion_grounds",
    "conditions_accepted",
    "information_true",
];
/// Declared besides when the tender or lot is reserved (Article 20 or 77).
pub const RESERVED_DECLARATION: &str = "meets_reservation";

/// The declarations a bid on `lot` of `tender` must make.
pub fn declarations_asked(tender: &Content, lot: i32) -> Vec<&'static str> {
    let mut asked = DECLARATIONS.to_vec();
    if !reservations(tender, lot).is_empty() {
        asked.push(RESERVED_DECLARATION);
    }
    asked
}

/// The reservations (BT-71 codes) that bind a bid on `lot`: the tender's
/// own and the lot's.
pub fn reservations(tender: &Content, lot: i32) -> Vec<String> {
    let mut codes = tender.reserved.clone();
    let lot_codes = usize::try_from(lot - 1)
        .ok()
        .and_then(|i| tender.lots.get(i))
        .map(|l| l.reserved.clone())
        .unwrap_or_default();
    for code in lot_codes {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bids)]
pub struct BidRow {
    pub id: BidId,
    pub tender_id: TenderId,
    /// 0 for a tender without lots, else the lot's number from 1.
    pub lot: i32,
    pub organisation_id: OrganisationId,
    pub state: BidState,
    pub sealed: String,
    pub content_sha256: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_by: Option<UserId>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BidRow {
    /// The associated data of its sealed content: where the bid belongs.
    pub fn place(&self) -> String {
        place(self.tender_id, self.organisation_id, self.lot)
    }
}

/// `tender:organisation:lot`, bound to the sealed text.
pub fn place(tender_id: TenderId, organisation_id: OrganisationId, lot: i32) -> String {
    format!("bid:{tender_id}:{organisation_id}:{lot}")
}

pub fn find(conn: &mut DbConn, id: BidId) -> QueryResult<BidRow> {
    bids::table.find(id).select(BidRow::as_select()).first(conn)
}

pub fn of_organisation(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
) -> QueryResult<Vec<BidRow>> {
    bids::table
        .filter(bids::organisation_id.eq(organisation_id))
        .order(bids::id.desc())
        .select(BidRow::as_select())
        .load(conn)
}

pub fn submitted_for_tender(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Vec<BidRow>> {
    bids::table
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::state.eq(BidState::Submitted.as_str()))
        .order((bids::lot, bids::id))
        .select(BidRow::as_select())
        .load(conn)
}
