//! The `matches` table: one row per (tender, organisation) pair, holding
//! the newest computation of either side.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::reasons::ReasonView;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::db::schema::{matches, organisations, tenders};
use crate::error::{AppError, AppResult};

/// One computed match, ready to store.
pub struct NewMatch {
    pub tender_id: TenderId,
    pub organisation_id: OrganisationId,
    pub score: f32,
    pub reasons: Vec<ReasonView>,
}

#[derive(Debug, Queryable)]
pub struct StoredMatch {
    pub tender_id: TenderId,
    pub organisation_id: OrganisationId,
    pub score: f64,
    pub reasons: String,
    pub computed_at: NaiveDateTime,
}

impl StoredMatch {
    pub fn reasons(&self) -> AppResult<Vec<ReasonView>> {
        serde_json::from_str(&self.reasons).map_err(AppError::internal)
    }
}

pub fn forget_tender(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<()> {
    diesel::delete(matches::table.filter(matches::tender_id.eq(tender_id))).execute(conn)?;
    Ok(())
}

pub fn forget_organisation(conn: &mut DbConn, organisation_id: OrganisationId) -> QueryResult<()> {
    diesel::delete(matches::table.filter(matches::organisation_id.eq(organisation_id)))
        .execute(conn)?;
    Ok(())
}

/// Replaces a tender's matches (call inside a transaction).
pub fn replace_for_tender(
    conn: &mut DbConn,
    tender_id: TenderId,
    found: &[NewMatch],
    now: NaiveDateTime,
) -> AppResult<usize> {
    forget_tender(conn, tender_id)?;
    // An organisation deleted since the index was read has no row to point
    // at; it is left out rather than failing the whole list.
    let ids: Vec<OrganisationId> = found.iter().map(|m| m.organisation_id).collect();
    let existing: Vec<OrganisationId> = organisations::table
        .filter(organisations::id.eq_any(&ids))
        .select(organisations::id)
        .load(conn)?;
    insert(
        conn,
        found
            .iter()
            .filter(|m| existing.contains(&m.organisation_id)),
        now,
    )
}

/// Replaces an organisation's matches (call inside a transaction).
pub fn replace_for_organisation(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    found: &[NewMatch],
    now: NaiveDateTime,
) -> AppResult<usize> {
    forget_organisation(conn, organisation_id)?;
    let ids: Vec<TenderId> = found.iter().map(|m| m.tender_id).collect();
    let existing: Vec<TenderId> = tenders::table
        .filter(tenders::id.eq_any(&ids))
        .select(tenders::id)
        .load(conn)?;
    insert(
        conn,
        found.iter().filter(|m| existing.contains(&m.tender_id)),
        now,
    )
}

fn insert<'a>(
    conn: &mut DbConn,
    found: impl Iterator<Item = &'a NewMatch>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let mut stored = 0;
    for m in found {
        let reasons = serde_json::to_string(&m.reasons).map_err(AppError::internal)?;
        // A pair the other side computed is replaced by this newer one.
        diesel::delete(
            matches::table
                .filter(matches::tender_id.eq(m.tender_id))
                .filter(matches::organisation_id.eq(m.organisation_id)),
        )
        .execute(conn)?;
        diesel::insert_into(matches::table)
            .values((
                matches::tender_id.eq(m.tender_id),
                matches::organisation_id.eq(m.organisation_id),
                matches::score.eq(f64::from(m.score)),
                matches::reasons.eq(reasons),
                matches::computed_at.eq(now),
            ))
            .execute(conn)?;
        stored += 1;
    }
    Ok(stored)
}

/// A tender's stored matches, best first.
pub fn of_tender(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Vec<StoredMatch>> {
    matches::table
        .filter(matches::tender_id.eq(tender_id))
        .order((matches::score.desc(), matches::organisation_id))
        .load(conn)
}

/// An organisation's stored matches, best first.
pub fn of_organisation(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
) -> QueryResult<Vec<StoredMatch>> {
    matches::table
        .filter(matches::organisation_id.eq(organisation_id))
        .order((matches::score.desc(), matches::tender_id))
        .load(conn)
}
