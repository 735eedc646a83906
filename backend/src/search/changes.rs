//! The change feed: one row per write that changes what search and matching
//! must know about a tender or an organisation, appended in the writer's
//! transaction. The row says only *what* changed; a follower reads the
//! current state when it applies it, so applying a row twice, or an old row
//! after a newer one, ends in the same index.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::db::schema::search_changes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Tender,
    Organisation,
}

impl Entity {
    fn code(self) -> &'static str {
        match self {
            Entity::Tender => "tender",
            Entity::Organisation => "organisation",
        }
    }

    fn parse(code: &str) -> Option<Entity> {
        match code {
            "tender" => Some(Entity::Tender),
            "organisation" => Some(Entity::Organisation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub entity: Entity,
    /// A plain number: `entity` says whether it is a tender's or an
    /// organisation's id.
    pub entity_id: i64,
}

/// A tender was published, amended, closed or cancelled.
pub fn record_tender(
    conn: &mut DbConn,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    record(conn, Entity::Tender, tender_id.0, now)
}

/// Tenders changed together (an import's chunk): one row each, in one
/// statement.
pub fn record_tenders(
    conn: &mut DbConn,
    tender_ids: &[TenderId],
    now: NaiveDateTime,
) -> QueryResult<()> {
    if tender_ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = tender_ids
        .iter()
        .map(|id| {
            (
                search_changes::entity.eq(Entity::Tender.code()),
                search_changes::entity_id.eq(id.0),
                search_changes::created_at.eq(now),
            )
        })
        .collect();
    // A multi-row insert does not compile on the multi-backend
    // connection, so it is written once for each concrete connection.
    match conn {
        DbConn::Postgres(c) => diesel::insert_into(search_changes::table)
            .values(&rows)
            .execute(c),
        DbConn::Sqlite(c) => diesel::insert_into(search_changes::table)
            .values(&rows)
            .execute(c),
    }?;
    Ok(())
}

/// An organisation's public profile may have changed: approved, edited,
/// suspended, reinstated or deleted.
pub fn record_organisation(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    record(conn, Entity::Organisation, organisation_id.0, now)
}

fn record(conn: &mut DbConn, entity: Entity, id: i64, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(search_changes::table)
        .values((
            search_changes::entity.eq(entity.code()),
            search_changes::entity_id.eq(id),
            search_changes::created_at.eq(now),
        ))
        .returning(search_changes::id)
        .get_result(conn)
}

/// Up to `limit` changes after `last`, oldest first, and only those no
/// older change can still join.
///
/// A follower remembers the last id it applied, so it must never pass an id
/// that a later commit could fill in below. PostgreSQL hands out sequence
/// values at insert but shows rows at commit: a transaction that took id 10
/// may commit after one that took 11. So a row is read only once every
/// transaction that started before its own has ended (its transaction id
/// lies below the oldest one still running); until then the follower waits
/// for it, and for every row after it. (SQLite has one writer at a time, so
/// its ids commit in order.) A transaction left open for long holds indexing
/// back, which `/readyz` and `/metrics` show as lag.
pub fn after(conn: &mut DbConn, last: i64, limit: i64) -> QueryResult<Vec<Change>> {
    let mut query = search_changes::table
        .filter(search_changes::id.gt(last))
        .into_boxed();
    if let DbConn::Postgres(_) = conn {
        query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "tx_id < txid_snapshot_xmin(txid_current_snapshot())",
        ));
    }
    let rows: Vec<(i64, String, i64)> = query
        .order(search_changes::id)
        .limit(limit)
        .select((
            search_changes::id,
            search_changes::entity,
            search_changes::entity_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, entity, entity_id)| {
            // The CHECK constraint admits only known entities.
            Entity::parse(&entity).map(|entity| Change {
                id,
                entity,
                entity_id,
            })
        })
        .collect())
}

/// The id of the newest change, 0 when there is none.
pub fn latest(conn: &mut DbConn) -> QueryResult<i64> {
    search_changes::table
        .select(diesel::dsl::max(search_changes::id))
        .first::<Option<i64>>(conn)
        .map(Option::unwrap_or_default)
}
