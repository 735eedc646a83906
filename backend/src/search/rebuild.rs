//! What a rebuild reads: the ids of everything that may be searchable.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::db::schema::{organisations, tenders};
use crate::tenders::model::Status;

/// Every tender past its draft.
pub fn tender_ids(conn: &mut DbConn) -> QueryResult<Vec<TenderId>> {
    tenders::table
        .filter(tenders::status.ne(Status::Draft.as_str()))
        .order(tenders::id)
        .select(tenders::id)
        .load(conn)
}

/// Every organisation ever approved (whether it is public now is decided
/// when its document is built).
pub fn organisation_ids(conn: &mut DbConn) -> QueryResult<Vec<OrganisationId>> {
    organisations::table
        .filter(organisations::approved_facts.is_not_null())
        .order(organisations::id)
        .select(organisations::id)
        .load(conn)
}
