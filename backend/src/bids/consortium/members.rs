//! Who is in a bid, as its readers see it, and the invitations waiting
//! for an organisation's answer.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::{BidId, OrganisationId, TenderId};
use crate::error::AppResult;
use crate::profiles::service as profiles;
use crate::tenders::model as tenders;

use super::super::access::{Reader, deadline_passed};
use super::super::model::{self as bid_model, BidRow};
use super::super::reading::{lot_title, organisation_name};
use super::store::{self, PartnerState};

/// A member of a bid: the lead (which keeps the share its partners do
/// not take) or a partner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub name: String,
    pub lead: bool,
    /// What a partner does in the contract; none for the lead.
    pub role: Option<String>,
    pub share_percent: i32,
    /// A partner's answer; none for the lead.
    pub state: Option<PartnerState>,
}

/// The members of `bid` as `reader` sees them: the lead sees every
/// invitation; partners and the officer see the lead and the partners
/// that accepted.
pub fn of_bid(conn: &mut DbConn, bid: &BidRow, reader: Reader) -> AppResult<Vec<MemberView>> {
    let partners = store::of_bid(conn, bid.id)?;
    let taken: i32 = partners
        .iter()
        .filter(|p| p.state == PartnerState::Accepted)
        .map(|p| p.share_percent)
        .sum();
    let mut members = vec![MemberView {
        organisation_id: bid.organisation_id,
        name: organisation_name(conn, bid.organisation_id)?,
        lead: true,
        role: None,
        share_percent: 100 - taken,
        state: None,
    }];
    for partner in partners {
        if reader != Reader::Bidder && partner.state != PartnerState::Accepted {
            continue;
        }
        members.push(MemberView {
            organisation_id: partner.organisation_id,
            name: organisation_name(conn, partner.organisation_id)?,
            lead: false,
            role: Some(partner.role),
            share_percent: partner.share_percent,
            state: Some(partner.state),
        });
    }
    Ok(members)
}

/// An invitation to join another organisation's bid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationView {
    #[schema(value_type = i64)]
    pub bid_id: BidId,
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    pub tender_title: String,
    /// The language of the tender's title (ISO 639-1).
    pub tender_language: String,
    pub lot: i32,
    pub lot_title: Option<String>,
    /// The organisation that leads the bid.
    pub lead_name: String,
    pub role: String,
    pub share_percent: i32,
    #[serde(with = "crate::web::utc::option")]
    pub submission_deadline: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc")]
    pub invited_at: NaiveDateTime,
}

/// The invitations waiting for the answer of the caller's organisation,
/// newest first; those past their tender's deadline can no longer be
/// answered and are left out.
pub async fn invitations(app: &AppState, user: &AuthUser) -> AppResult<Vec<InvitationView>> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            let Some(org) = profiles::of_member(conn, user.id)? else {
                return Ok(Vec::new());
            };
            let mut views = Vec::new();
            for invitation in store::of_organisation(conn, org.id, PartnerState::Invited)? {
                let bid = bid_model::find(conn, invitation.bid_id)?;
                let tender = tenders::find(conn, bid.tender_id)?;
                if deadline_passed(&tender, now) {
                    continue;
                }
                views.push(InvitationView {
                    bid_id: bid.id,
                    tender_id: tender.id,
                    tender_title: tender.title.clone(),
                    tender_language: tender.language.clone(),
                    lot: bid.lot,
                    lot_title: lot_title(&tender, bid.lot),
                    lead_name: organisation_name(conn, bid.organisation_id)?,
                    role: invitation.role,
                    share_percent: invitation.share_percent,
                    submission_deadline: tender.submission_deadline,
                    invited_at: invitation.invited_at,
                });
            }
            Ok(views)
        })
        .await
}
