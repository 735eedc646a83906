//! Reading bids through the sealed rule (`access`): a bid, an
//! organisation's bids, a tender's bids, a receipt.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::{BidId, OrganisationId, TenderId};
use crate::db::schema::{bid_partners, bids};
use crate::error::{AppError, AppResult};
use crate::profiles::service as profiles;
use crate::tenders::model::{self as tenders, TenderRow};
use crate::tenders::service::Viewer;

use super::access::{self, Reader};
use super::consortium::{self, members::MemberView, store::PartnerState};
use super::documents::{self, BidDocumentView};
use super::model::{self, BidContent, BidRow, BidState, declarations_asked};
use super::seal::BidSeal;
use super::writing::open;

/// A bid with its content, for its organisation or, once opened, the
/// owning officer.
#[derive(Debug, Serialize, ToSchema)]
pub struct BidView {
    #[schema(value_type = i64)]
    pub id: BidId,
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    pub tender_title: String,
    /// The language of the tender's title and lots (ISO 639-1).
    pub tender_language: String,
    /// 0 for a tender without lots, else the lot's number from 1.
    pub lot: i32,
    pub lot_title: Option<String>,
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub state: BidState,
    /// The tender's currency, the price's.
    pub currency: String,
    pub content: BidContent,
    /// How the caller reads it: `lead` (a member of the bidding
    /// organisation), `partner` (of an accepted partner) or `officer`.
    pub read_as: ReadAs,
    /// The lead first, then its partners: every invitation for the lead,
    /// the accepted partners for everyone else.
    pub members: Vec<MemberView>,
    /// The declarations this tender asks for (codes).
    pub declarations_asked: Vec<String>,
    /// The documents attached, oldest first.
    pub documents: Vec<BidDocumentView>,
    /// SHA-256 (hex) of what was submitted (see `Receipt`); only while
    /// submitted.
    pub content_sha256: Option<String>,
    #[serde(with = "crate::web::utc::option")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc::option")]
    pub withdrawn_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc")]
    pub submission_deadline: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReadAs {
    Lead,
    Partner,
    Officer,
}

impl From<Reader> for ReadAs {
    fn from(reader: Reader) -> ReadAs {
        match reader {
            Reader::Bidder => ReadAs::Lead,
            Reader::Partner => ReadAs::Partner,
            Reader::Officer => ReadAs::Officer,
        }
    }
}

/// What a bidder keeps as proof of a submission.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    #[schema(value_type = i64)]
    pub bid_id: BidId,
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    pub tender_title: String,
    pub lot: i32,
    pub lot_title: Option<String>,
    pub organisation_name: String,
    /// On the server's clock, UTC.
    #[serde(with = "crate::web::utc")]
    pub submitted_at: NaiveDateTime,
    /// SHA-256 (hex) of what was submitted: the content, each document's
    /// name and SHA-256, and each accepted partner's role and share.
    pub content_sha256: String,
    /// The documents submitted, each with its own SHA-256.
    pub documents: Vec<BidDocumentView>,
}

pub(crate) fn lot_title(tender: &TenderRow, lot: i32) -> Option<String> {
    usize::try_from(lot - 1)
        .ok()
        .and_then(|i| tender.lots.0.get(i))
        .map(|l| l.title.clone())
}

pub(crate) fn organisation_name(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
) -> AppResult<String> {
    let org = profiles::find(conn, organisation_id)?;
    Ok(match org.public_profile()? {
        Some(profile) => profile.organisation_name,
        None => org.draft()?.organisation_name,
    })
}

pub(super) fn receipt_of(
    conn: &mut DbConn,
    seal: &BidSeal,
    bid: &BidRow,
    tender: &TenderRow,
) -> AppResult<Receipt> {
    let (Some(submitted_at), Some(sha256)) = (bid.submitted_at, bid.content_sha256.clone()) else {
        return Err(AppError::not_found());
    };
    Ok(Receipt {
        bid_id: bid.id,
        tender_id: tender.id,
        tender_title: tender.title.clone(),
        lot: bid.lot,
        lot_title: lot_title(tender, bid.lot),
        organisation_name: organisation_name(conn, bid.organisation_id)?,
        submitted_at,
        content_sha256: sha256,
        documents: documents::store::list(conn, seal, bid)?,
    })
}

fn view_of(
    app: &AppState,
    conn: &mut DbConn,
    bid: &BidRow,
    tender: &TenderRow,
    reader: Reader,
) -> AppResult<BidView> {
    let content = open(&app.seal, bid)?;
    let members = consortium::members::of_bid(conn, bid, reader)?;
    Ok(BidView {
        id: bid.id,
        tender_id: tender.id,
        tender_title: tender.title.clone(),
        tender_language: tender.language.clone(),
        lot: bid.lot,
        lot_title: lot_title(tender, bid.lot),
        organisation_id: bid.organisation_id,
        organisation_name: organisation_name(conn, bid.organisation_id)?,
        state: bid.state,
        currency: tender.currency.clone(),
        content,
        read_as: reader.into(),
        members,
        declarations_asked: declarations_asked(&tender.content(), bid.lot)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        documents: documents::store::list(conn, &app.seal, bid)?,
        content_sha256: bid.content_sha256.clone(),
        submitted_at: bid.submitted_at,
        withdrawn_at: bid.withdrawn_at,
        submission_deadline: tender.submission_deadline.unwrap_or(tender.created_at),
        updated_at: bid.updated_at,
    })
}

/// One bid, if the caller may read it (404 otherwise).
pub async fn get(app: &AppState, user: &AuthUser, bid_id: BidId) -> AppResult<BidView> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            let bid = model::find(conn, bid_id)?;
            let tender = tenders::find(conn, bid.tender_id)?;
            let reader = access::readable(conn, &user, &bid, &tender, now)?;
            view_of(&state, conn, &bid, &tender, reader)
        })
        .await
}

/// The receipt of a submitted bid, for its organisation's members and its
/// partners'.
pub async fn receipt(app: &AppState, user: &AuthUser, bid_id: BidId) -> AppResult<Receipt> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            let bid = model::find(conn, bid_id)?;
            let tender = tenders::find(conn, bid.tender_id)?;
            if access::readable(conn, &user, &bid, &tender, now)? == Reader::Officer {
                return Err(AppError::not_found());
            }
            receipt_of(conn, &state.seal, &bid, &tender)
        })
        .await
}

/// The bids of the caller's organisation, newest first, then those it is
/// an accepted partner in (none without an organisation).
pub async fn mine(app: &AppState, user: &AuthUser) -> AppResult<Vec<BidView>> {
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            let Some(org) = profiles::of_member(conn, user.id)? else {
                return Ok(Vec::new());
            };
            let mut views = Vec::new();
            for bid in model::of_organisation(conn, org.id)? {
                let tender = tenders::find(conn, bid.tender_id)?;
                views.push(view_of(&state, conn, &bid, &tender, Reader::Bidder)?);
            }
            for bid in partnered_bids(conn, org.id, None)? {
                let tender = tenders::find(conn, bid.tender_id)?;
                views.push(view_of(&state, conn, &bid, &tender, Reader::Partner)?);
            }
            Ok(views)
        })
        .await
}

/// A tender's bids as the caller may see them: a bidder its own
/// organisation's (in any state); the owning officer every submitted bid
/// once opened, and before that a refusal that gives no count; anyone else
/// a refusal.
pub async fn for_tender(
    app: &AppState,
    user: &AuthUser,
    tender_id: TenderId,
) -> AppResult<Vec<BidView>> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            let tender = tenders::find(conn, tender_id)?;
            let viewer = Viewer(Some(&user));
            if !viewer.can_see(&tender) {
                return Err(AppError::not_found());
            }
            let rows: Vec<(BidRow, Reader)> = if viewer.owns(&tender) {
                if !access::officer_may_read(conn, &user, &tender, now)? {
                    return Err(AppError::forbidden("bids_sealed"));
                }
                model::submitted_for_tender(conn, tender_id)?
                    .into_iter()
                    .map(|bid| (bid, Reader::Officer))
                    .collect()
            } else if let Some(org) = profiles::of_member(conn, user.id)? {
                let own: Vec<BidRow> = bids::table
                    .filter(bids::tender_id.eq(tender_id))
                    .filter(bids::organisation_id.eq(org.id))
                    .order(bids::lot)
                    .select(BidRow::as_select())
                    .load(conn)?;
                own.into_iter()
                    .map(|bid| (bid, Reader::Bidder))
                    .chain(
                        partnered_bids(conn, org.id, Some(tender_id))?
                            .into_iter()
                            .map(|bid| (bid, Reader::Partner)),
                    )
                    .collect()
            } else {
                return Err(AppError::forbidden("tender_not_yours"));
            };
            rows.iter()
                .map(|(bid, reader)| view_of(&state, conn, bid, &tender, *reader))
                .collect()
        })
        .await
}

/// The bids `organisation_id` is an accepted partner in (on one tender, or
/// on any), newest first.
fn partnered_bids(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    tender_id: Option<TenderId>,
) -> AppResult<Vec<BidRow>> {
    let mut query = bids::table
        .inner_join(bid_partners::table)
        .filter(bid_partners::organisation_id.eq(organisation_id))
        .filter(bid_partners::state.eq(PartnerState::Accepted.as_str()))
        .select(BidRow::as_select())
        .order(bids::id.desc())
        .into_boxed();
    if let Some(tender_id) = tender_id {
        query = query.filter(bids::tender_id.eq(tender_id));
    }
    Ok(query.load(conn)?)
}
