//! Forming a consortium: the lead invites and removes partners while its
//! bid is not submitted; a partner's members accept or decline. All before
//! the deadline on the server's clock, each holding the bid's row so that
//! an invitation and a submission cannot pass each other.

use axum::http::StatusCode;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{BidId, OrganisationId};
use crate::db::schema::{bid_partners, bids};
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult, FieldError};
use crate::mail;
use crate::profiles::service as profiles;
use crate::search::filters;
use crate::tenders::model::{self as tenders, TenderRow};
use crate::web::utc;
use socialbid_frontend::Lang;

use super::super::access::refuse_unless_open;
use super::super::model::{self as bid_model, BidRow, BidState};
use super::super::reading::{lot_title, organisation_name};
use super::super::writing::{eligible, own_bid, partnered_on};
use super::store::{self, PartnerState};

/// The most partners beside the lead.
pub const MAX_PARTNERS: usize = 9;
/// The longest description of a partner's role.
pub const MAX_ROLE: usize = 200;

/// A partner the lead asks to join its bid.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    /// The partner organisation (approved).
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    /// What the partner does in the contract.
    #[schema(example = "Rengøring af institutionerne")]
    pub partner_role: String,
    /// Its share of the work, 1 to 99 percent; the lead keeps the rest.
    #[schema(example = 30, minimum = 1, maximum = 99)]
    pub share_percent: i32,
}

/// Invites a partner to the bid, or asks again one that declined; the
/// partner's members are mailed.
pub async fn invite(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    invitation: Invitation,
) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    let state = app.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (bid, tender) = changeable_bid(conn, &user, bid_id, now)?;
                let role = invitation.partner_role.trim().to_owned();
                let mut errors = filters::control_characters(&[("partner_role", &role)]);
                if role.is_empty() {
                    errors.push(FieldError::new("partner_role", "required"));
                } else if role.chars().count() > MAX_ROLE {
                    errors.push(FieldError::new("partner_role", "too_long").with("max", MAX_ROLE));
                }
                if !(1..=99).contains(&invitation.share_percent) {
                    errors.push(FieldError::new("share_percent", "out_of_range"));
                }
                let partner = invitation.organisation_id;
                if partner == bid.organisation_id {
                    errors.push(FieldError::new("organisation_id", "is_lead"));
                }
                if !errors.is_empty() {
                    return Err(AppError::invalid(errors));
                }
                // Any organisation that is not public is unknown to the
                // lead, so that an invitation never reveals one.
                let org = profiles::find(conn, partner)
                    .optional()?
                    .filter(|o| o.is_public())
                    .ok_or_else(|| AppError::field("organisation_id", "unknown"))?;
                if let Err(codes) = eligible(&org, &tender, bid.lot)? {
                    return Err(AppError::invalid(vec![
                        FieldError::new("organisation_id", "not_eligible").with("codes", codes),
                    ]));
                }
                let partners = store::of_bid(conn, bid.id)?;
                let existing = partners.iter().find(|p| p.organisation_id == partner);
                if existing.is_some_and(|p| p.state != PartnerState::Declined) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "partner_exists"));
                }
                let others: Vec<_> = partners
                    .iter()
                    .filter(|p| p.state != PartnerState::Declined && p.organisation_id != partner)
                    .collect();
                if others.len() >= MAX_PARTNERS {
                    return Err(AppError::invalid(vec![
                        FieldError::new("organisation_id", "too_many").with("max", MAX_PARTNERS),
                    ]));
                }
                let taken: i32 = others.iter().map(|p| p.share_percent).sum();
                if taken + invitation.share_percent > 99 {
                    return Err(AppError::invalid(vec![
                        FieldError::new("share_percent", "total_too_high").with("max", 99 - taken),
                    ]));
                }
                if existing.is_some() {
                    diesel::update(bid_partners::table.find((bid.id, partner)))
                        .set((
                            bid_partners::role.eq(&role),
                            bid_partners::share_percent.eq(invitation.share_percent),
                            bid_partners::state.eq(PartnerState::Invited.as_str()),
                            bid_partners::invited_by.eq(user.id),
                            bid_partners::invited_at.eq(now),
                            bid_partners::answered_by.eq(None::<crate::db::ids::UserId>),
                            bid_partners::answered_at.eq(None::<chrono::NaiveDateTime>),
                        ))
                        .execute(conn)?;
                } else {
                    diesel::insert_into(bid_partners::table)
                        .values((
                            bid_partners::bid_id.eq(bid.id),
                            bid_partners::organisation_id.eq(partner),
                            bid_partners::role.eq(&role),
                            bid_partners::share_percent.eq(invitation.share_percent),
                            bid_partners::state.eq(PartnerState::Invited.as_str()),
                            bid_partners::invited_by.eq(user.id),
                            bid_partners::invited_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                let lead = organisation_name(conn, bid.organisation_id)?;
                for (email, locale) in store::recipients(conn, partner)? {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "consortium_invitation",
                        serde_json::json!({
                            "title": tender.title,
                            "lot": lot_title(&tender, bid.lot),
                            "lead": lead,
                            "role": role,
                            "share": invitation.share_percent,
                            "deadline": tender.submission_deadline.map(|d| utc::format(&d)),
                            "link": format!("{}/bids", state.config.public_url),
                        }),
                        format!(
                            "consortium_invitation:{}:{partner}:{email}:{}",
                            bid.id,
                            now.and_utc().timestamp_micros()
                        ),
                        now,
                    )?;
                }
                Ok(())
            })
        })
        .await
}

/// Takes a partner (invited, accepted or declined) off the bid.
pub async fn remove(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    partner: OrganisationId,
) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (bid, _) = changeable_bid(conn, &user, bid_id, now)?;
                let removed =
                    diesel::delete(bid_partners::table.find((bid.id, partner))).execute(conn)?;
                if removed == 0 {
                    return Err(AppError::not_found());
                }
                Ok(())
            })
        })
        .await
}

/// A partner's answer to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

/// A member of an invited organisation accepts or declines. Accepting
/// needs the organisation approved, eligible for a reserved tender, and
/// without a bid of its own on the same lot: an organisation takes part
/// in one bid per lot.
pub async fn answer(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    answer: Answer,
) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = profiles::of_member(conn, user.id)?.ok_or_else(AppError::not_found)?;
                // The organisation first, against its starting a bid or
                // accepting another invitation to the same lot meanwhile;
                // then the bid, as a submission takes them.
                profiles::hold(conn, org.id, profiles::Hold::ToTakePart)?;
                hold_bid(conn, bid_id)?;
                let invitation =
                    store::find(conn, bid_id, org.id)?.ok_or_else(AppError::not_found)?;
                let bid = bid_model::find(conn, bid_id)?;
                let tender = tenders::find(conn, bid.tender_id)?;
                refuse_unless_open(&tender, now)?;
                if invitation.state != PartnerState::Invited {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "invitation_answered",
                    ));
                }
                let state = match answer {
                    Answer::Decline => PartnerState::Declined,
                    Answer::Accept => {
                        if !org.is_public() {
                            return Err(AppError::forbidden("organisation_not_approved"));
                        }
                        if let Err(codes) = eligible(&org, &tender, bid.lot)? {
                            return Err(
                                AppError::forbidden("bid_not_eligible").with("codes", codes)
                            );
                        }
                        let own: i64 = bids::table
                            .filter(bids::tender_id.eq(bid.tender_id))
                            .filter(bids::lot.eq(bid.lot))
                            .filter(bids::organisation_id.eq(org.id))
                            .count()
                            .get_result(conn)?;
                        if own > 0 {
                            return Err(AppError::refused(
                                StatusCode::CONFLICT,
                                "partner_has_own_bid",
                            ));
                        }
                        if partnered_on(conn, org.id, bid.tender_id, bid.lot)? {
                            return Err(AppError::refused(StatusCode::CONFLICT, "already_partner"));
                        }
                        PartnerState::Accepted
                    }
                };
                diesel::update(bid_partners::table.find((bid_id, org.id)))
                    .set((
                        bid_partners::state.eq(state.as_str()),
                        bid_partners::answered_by.eq(user.id),
                        bid_partners::answered_at.eq(now),
                    ))
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
}

/// The caller's organisation's bid, held, still open for changes: before
/// the deadline and not submitted (withdraw it first).
pub(crate) fn changeable_bid(
    conn: &mut DbConn,
    user: &AuthUser,
    bid_id: BidId,
    now: chrono::NaiveDateTime,
) -> AppResult<(BidRow, TenderRow)> {
    hold_bid(conn, bid_id)?;
    let (bid, tender) = own_bid(conn, user, bid_id)?;
    refuse_unless_open(&tender, now)?;
    if bid.state == BidState::Submitted {
        return Err(AppError::refused(StatusCode::CONFLICT, "bid_submitted"));
    }
    Ok((bid, tender))
}

/// Holds the bid's row until the transaction ends, so that changes to its
/// consortium and its submission happen one after the other on
/// PostgreSQL. SQLite runs one write transaction at a time.
pub(crate) fn hold_bid(conn: &mut DbConn, bid_id: BidId) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        bids::table
            .find(bid_id)
            .select(bids::id)
            .for_update()
            .load::<BidId>(c)?;
    }
    Ok(())
}
