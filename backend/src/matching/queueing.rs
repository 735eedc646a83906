//! The writes that change what matches: called in the writer's transaction,
//! next to `search::changes::record_*`, so a committed change always has
//! its matching queued and a rolled-back one never does.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::job::ComputeMatches;
use super::store;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::db::schema::organisations;
use crate::error::AppResult;
use crate::profiles::service::Organisation;

/// A tender was published or amended: its matches are computed again.
pub fn tender_changed(
    conn: &mut DbConn,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    ComputeMatches::Tender { tender_id }.enqueue(conn, now)
}

/// Tenders published or amended together (an import's chunk), in one
/// statement.
pub fn tenders_changed(
    conn: &mut DbConn,
    tender_ids: &[TenderId],
    now: NaiveDateTime,
) -> QueryResult<()> {
    ComputeMatches::enqueue_all(
        tender_ids
            .iter()
            .map(|&tender_id| ComputeMatches::Tender { tender_id }),
        conn,
        now,
    )
}

/// A tender was cancelled: nobody is offered it any more.
pub fn tender_withdrawn(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<()> {
    store::forget_tender(conn, tender_id)
}

/// An organisation was approved, edited, suspended, reinstated or deleted:
/// while its profile is public its matches are computed again; otherwise
/// it loses them at once.
pub fn organisation_changed(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    now: NaiveDateTime,
) -> AppResult<()> {
    let org: Option<Organisation> = organisations::table
        .find(organisation_id)
        .select(Organisation::as_select())
        .first(conn)
        .optional()?;
    match org {
        Some(org) if org.public_profile()?.is_some() => {
            ComputeMatches::Organisation { organisation_id }.enqueue(conn, now)?;
        }
        _ => store::forget_organisation(conn, organisation_id)?,
    }
    Ok(())
}
