//! The buyer of an imported notice: an authority already on the platform
//! when its national id matches, otherwise a new external authority
//! without accounts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::notice::Buyer;
use crate::db::DbConn;
use crate::db::ids::AuthorityId;
use crate::db::schema::{authorities, external_authorities};
use crate::tenders::model::to_json;

/// The key an authority is found by (`authorities.cvr`): the 8-digit CVR
/// number of a Danish buyer, the national id of a foreign one prefixed by
/// its country, and the name when the notice gives no id.
pub fn key(buyer: &Buyer) -> String {
    let country = buyer.country.as_deref().unwrap_or("DK");
    match &buyer.national_id {
        Some(id) => {
            let digits = id.trim_start_matches("DK").trim_start_matches("dk");
            if country == "DK" && digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
                digits.to_owned()
            } else {
                format!("{country}:{}", id.to_uppercase())
            }
        }
        None => format!("{country}:name:{}", buyer.name.trim().to_lowercase()),
    }
}

/// Buyers met in chunks already committed, by key: a package names the
/// same few buyers many times over. Authorities are never deleted, so a
/// committed one's id stays right.
#[derive(Debug, Default)]
pub struct KnownBuyers(HashMap<String, AuthorityId>);

impl KnownBuyers {
    /// The buyers of one attempt at a chunk. Those it finds or creates are
    /// remembered only when `remember` (no savepoint could take a new one
    /// back) and kept only once the chunk commits ([`KnownBuyers::keep`]).
    pub fn attempt(&self, remember: bool) -> ChunkBuyers<'_> {
        ChunkBuyers {
            known: self,
            found: remember.then(HashMap::new),
        }
    }

    pub fn keep(&mut self, found: HashMap<String, AuthorityId>) {
        self.0.extend(found);
    }
}

pub struct ChunkBuyers<'k> {
    known: &'k KnownBuyers,
    found: Option<HashMap<String, AuthorityId>>,
}

impl ChunkBuyers<'_> {
    fn get(&self, key: &str) -> Option<AuthorityId> {
        self.known
            .0
            .get(key)
            .or_else(|| self.found.as_ref()?.get(key))
            .copied()
    }

    fn remember(&mut self, key: String, id: AuthorityId) {
        if let Some(found) = &mut self.found {
            found.insert(key, id);
        }
    }

    /// What this attempt found, to keep once it has committed.
    pub fn found(self) -> HashMap<String, AuthorityId> {
        self.found.unwrap_or_default()
    }
}

/// The authority's id, created (with its external record) when new.
pub fn find_or_create(
    conn: &mut DbConn,
    buyer: &Buyer,
    now: NaiveDateTime,
    buyers: &mut ChunkBuyers<'_>,
) -> QueryResult<AuthorityId> {
    let key = key(buyer);
    if let Some(id) = buyers.get(&key) {
        return Ok(id);
    }
    if let Some(id) = authorities::table
        .filter(authorities::cvr.eq(&key))
        .select(authorities::id)
        .first::<AuthorityId>(conn)
        .optional()?
    {
        buyers.remember(key, id);
        return Ok(id);
    }
    let nuts = buyer
        .nuts
        .clone()
        .or_else(|| buyer.country.clone())
        .unwrap_or_default();
    let id: AuthorityId = diesel::insert_into(authorities::table)
        .values((
            authorities::name.eq(&buyer.name),
            authorities::cvr.eq(&key),
            authorities::nuts_code.eq(nuts),
            authorities::created_at.eq(now),
        ))
        .returning(authorities::id)
        .get_result(conn)?;
    diesel::insert_into(external_authorities::table)
        .values((
            external_authorities::authority_id.eq(id),
            external_authorities::national_id.eq(&buyer.national_id),
            external_authorities::country.eq(&buyer.country),
            external_authorities::contact.eq(to_json(&buyer.contact)),
            external_authorities::created_at.eq(now),
        ))
        .execute(conn)?;
    buyers.remember(key, id);
    Ok(id)
}
