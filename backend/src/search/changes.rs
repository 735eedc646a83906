//! The change feed: one row per write that changes what search and matching
//! must know about a tender or an organisation, appended in the writer's
//! transaction. The row says only *what* changed; a follower reads the
//! current state when it applies it, so applying a row twice, or an old row
//! after a newer one, ends in the same index.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
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
    pub entity_id: i64,
}

/// A tender was published, amended, closed or cancelled.
pub fn record_tender(conn: &mut DbConn, tender_id: i64, now: NaiveDateTime) -> QueryResult<i64> {
    record(conn, Entity::Tender, tender_id, now)
}

/// An organisation's public profile may have changed: approved, edited,
/// suspended, reinstated or deleted.
pub fn record_organisation(
    conn: &mut DbConn,
    organisation_id: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    record(conn, Entity::Organisation, organisation_id, now)
}

fn record(conn: &mut DbConn, entity: Entity, id: i64, now: NaiveDateTime) -> QueryResult<i64> {
    if let DbConn::Postgres(_) = conn {
        // A follower reads rows by increasing id and remembers the last one.
        // PostgreSQL hands out sequence values at insert but makes rows
        // visible at commit, so a transaction that took id 10 could commit
        // after one that took 11, and a follower that had read 11 would
        // never see 10. Holding this lock until commit makes writers of the
        // feed commit in id order. (SQLite has one writer anyway.)
        diesel::sql_query("LOCK TABLE search_changes IN SHARE ROW EXCLUSIVE MODE").execute(conn)?;
    }
    diesel::insert_into(search_changes::table)
        .values((
            search_changes::entity.eq(entity.code()),
            search_changes::entity_id.eq(id),
            search_changes::created_at.eq(now),
        ))
        .returning(search_changes::id)
        .get_result(conn)
}

/// Up to `limit` changes after `last`, oldest first.
pub fn after(conn: &mut DbConn, last: i64, limit: i64) -> QueryResult<Vec<Change>> {
    let rows: Vec<(i64, String, i64)> = search_changes::table
        .filter(search_changes::id.gt(last))
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
