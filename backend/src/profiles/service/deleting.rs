//! Deleting an organisation, by a member or with the last member's account.
//!
//! An organisation that has bid stays: its submitted bids and any award
//! belong to the buyers' procurement records (which the procurement
//! directive obliges them to keep), and deleting it would rewrite an
//! evaluation after the fact. A member may still delete their own account.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Hold, as_member, hold, of_member};
use crate::accounts::model as accounts;
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::bids::consortium::store::PartnerState;
use crate::bids::model::BidState;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, UserId};
use crate::db::schema::{bid_partners, bids, organisation_members, organisations};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::search;

/// Deletes the organisation: gone from the directory at once, and from the
/// database but for the audit log's entries about it.
pub async fn delete(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = as_member(conn, organisation_id, &user)?;
                hold(conn, org.id, Hold::ToDelete)?;
                if has_bid(conn, org.id)? {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "organisation_on_record",
                    ));
                }
                diesel::delete(organisations::table.find(org.id)).execute(conn)?;
                search::changes::record_organisation(conn, org.id, now)?;
                audit::record(
                    conn,
                    &user,
                    "profile.delete",
                    "organisation",
                    org.id.0,
                    None,
                    now,
                )?;
                Ok(())
            })
        })
        .await
}

/// Whether the organisation has a submitted bid, alone or as an accepted
/// partner (and so perhaps an award that names it).
fn has_bid(conn: &mut DbConn, organisation_id: OrganisationId) -> QueryResult<bool> {
    let own = diesel::select(diesel::dsl::exists(
        bids::table
            .filter(bids::organisation_id.eq(organisation_id))
            .filter(bids::state.eq(BidState::Submitted.as_str())),
    ))
    .get_result(conn)?;
    let partner = diesel::select(diesel::dsl::exists(
        bid_partners::table
            .inner_join(bids::table)
            .filter(bid_partners::organisation_id.eq(organisation_id))
            .filter(bid_partners::state.eq(PartnerState::Accepted.as_str()))
            .filter(bids::state.eq(BidState::Submitted.as_str())),
    ))
    .get_result(conn)?;
    Ok(own || partner)
}

/// An account being deleted takes with it the organisations it is the last
/// member of, unless they have bid (called inside the deletion's
/// transaction).
pub fn delete_orphaned_by(
    conn: &mut DbConn,
    user_id: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let Some(org) = of_member(conn, user_id)? else {
        return Ok(());
    };
    hold(conn, org.id, Hold::ToDelete)?;
    let members: i64 = organisation_members::table
        .filter(organisation_members::organisation_id.eq(org.id))
        .count()
        .get_result(conn)?;
    if members > 1 || has_bid(conn, org.id)? {
        return Ok(());
    }
    diesel::delete(organisations::table.find(org.id)).execute(conn)?;
    search::changes::record_organisation(conn, org.id, now)?;
    let user = accounts::find(conn, user_id)?;
    audit::record(
        conn,
        audit::Actor {
            id: user.id,
            email: &user.email,
        },
        "profile.delete",
        "organisation",
        org.id.0,
        Some("account_deleted"),
        now,
    )?;
    Ok(())
}
