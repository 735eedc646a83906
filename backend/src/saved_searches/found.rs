//! A tender told to whoever saved a search that finds it: once per person
//! and tender, however many of their searches find it and however often
//! the tender is matched again. Each search runs as the search page would
//! run it at this moment (`TenderIndex::searches_finding`), and a reserved
//! tender reaches only members of an organisation eligible for it, as
//! matches do.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use socialbid_indexer::{TenderDoc, TenderIndex};

use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId, UserId};
use crate::db::schema::{organisation_members, saved_searches};
use crate::error::AppResult;
use crate::notify::{self, Event, Kind};
use crate::search::documents;
use crate::search::tender_search::SearchParams;
use crate::tenders::model as tender_model;

/// Call in the transaction that stores the tender's matches; `doc` is the
/// published tender as the index holds it. Returns how many people were
/// told.
pub fn tender_found(
    conn: &mut DbConn,
    tender_id: TenderId,
    doc: &TenderDoc,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let saved: Vec<(UserId, String, String)> = saved_searches::table
        .order(saved_searches::id)
        .select((
            saved_searches::user_id,
            saved_searches::name,
            saved_searches::query,
        ))
        .load(conn)?;
    let at = now.and_utc().timestamp();
    // A search stored by an older version's rules that no longer reads
    // (a code withdrawn from the list) finds nothing rather than failing
    // the tender's matching for everyone.
    let (owners, queries): (Vec<_>, Vec<_>) = saved
        .iter()
        .filter_map(|(user_id, name, query)| {
            let params = serde_urlencoded::from_str::<SearchParams>(query).ok()?;
            Some(((*user_id, name.as_str()), params.to_query(at).ok()?))
        })
        .unzip();
    let mut found: BTreeMap<UserId, Vec<&str>> = BTreeMap::new();
    for position in TenderIndex::searches_finding(doc, &queries)? {
        let (user_id, name) = owners[position];
        found.entry(user_id).or_default().push(name);
    }
    if !doc.reserved.is_empty() {
        let eligible = eligible_members(conn, found.keys().copied().collect(), doc)?;
        found.retain(|user_id, _| eligible.contains(user_id));
    }
    if found.is_empty() {
        return Ok(0);
    }
    let row = tender_model::find(conn, tender_id)?;
    let mut told = 0;
    for (user_id, searches) in found {
        let event = Event {
            kind: Kind::SavedSearch,
            key: format!("saved_search:tender:{tender_id}"),
            tender_id: Some(tender_id),
            vars: serde_json::json!({
                "title": row.title,
                "searches": searches,
                "deadline": row.submission_deadline,
                "link": format!("{public_url}/tenders/{tender_id}"),
                "manage": format!("{public_url}/saved-searches"),
            }),
            strength: None,
        };
        if notify::notify(conn, user_id, &event, now)? {
            told += 1;
        }
    }
    Ok(told)
}

/// Of these people, those who belong to an organisation whose public
/// profile is eligible for one of the tender's reservations.
fn eligible_members(
    conn: &mut DbConn,
    user_ids: Vec<UserId>,
    doc: &TenderDoc,
) -> AppResult<HashSet<UserId>> {
    let memberships: Vec<(UserId, OrganisationId)> = organisation_members::table
        .filter(organisation_members::user_id.eq_any(&user_ids))
        .select((
            organisation_members::user_id,
            organisation_members::organisation_id,
        ))
        .load(conn)?;
    let organisations: Vec<OrganisationId> = memberships.iter().map(|(_, o)| *o).collect();
    let profiles = documents::profiles(conn, &organisations)?;
    Ok(memberships
        .into_iter()
        .filter(|(_, organisation)| {
            profiles
                .get(organisation)
                .is_some_and(|p| p.is_eligible_for_any(&doc.reserved))
        })
        .map(|(user_id, _)| user_id)
        .collect())
}
