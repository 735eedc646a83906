//! Deleting an organisation, by a member or with the last member's account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{as_member, of_member};
use crate::accounts::model as accounts;
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::schema::{organisation_members, organisations};
use crate::db::write_transaction;
use crate::error::AppResult;
use crate::search;

/// Deletes the organisation: gone from the directory at once, and from the
/// database but for the audit log's entries about it.
pub async fn delete(app: &AppState, user: &AuthUser, organisation_id: i64) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = as_member(conn, organisation_id, &user)?;
                diesel::delete(organisations::table.find(org.id)).execute(conn)?;
                search::changes::record_organisation(conn, org.id, now)?;
                audit::record(
                    conn,
                    &user,
                    "profile.delete",
                    "organisation",
                    org.id,
                    None,
                    now,
                )?;
                Ok(())
            })
        })
        .await
}

/// An account being deleted takes with it the organisations it is the last
/// member of (called inside the deletion's transaction).
pub fn delete_orphaned_by(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    if let Some(org) = of_member(conn, user_id)? {
        let members: i64 = organisation_members::table
            .filter(organisation_members::organisation_id.eq(org.id))
            .count()
            .get_result(conn)?;
        if members <= 1 {
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
                org.id,
                Some("account_deleted"),
                now,
            )?;
        }
    }
    Ok(())
}
