//! "Not for us": an organisation dismisses a tender it matches. The tender
//! leaves its "Tenders for you" (listed apart, where the dismissal can be
//! undone) and its members get no "last chance" reminder of it. Any
//! member decides for the organisation, as any member may bid for it.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{OrganisationId, TenderId};
use crate::db::schema::tender_dismissals;
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult};
use crate::profiles::service as profiles;
use crate::tenders::model::{self, Status};
use crate::tenders::service::Viewer;

/// Dismisses (`on`) or restores the tender for the caller's organisation;
/// either twice is the same as once. A draft or unknown tender is 404.
pub async fn set(app: &AppState, user: &AuthUser, tender_id: TenderId, on: bool) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = model::find(conn, tender_id)?;
                if !Viewer(Some(&user)).can_see(&row) || row.status == Status::Draft {
                    return Err(AppError::not_found());
                }
                let org = profiles::of_member(conn, user.id)?
                    .ok_or_else(|| AppError::forbidden("no_organisation"))?;
                diesel::delete(
                    tender_dismissals::table
                        .filter(tender_dismissals::organisation_id.eq(org.id))
                        .filter(tender_dismissals::tender_id.eq(tender_id)),
                )
                .execute(conn)?;
                if on {
                    insert(conn, org.id, tender_id, &user, now)?;
                }
                Ok(())
            })
        })
        .await
}

fn insert(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    tender_id: TenderId,
    user: &AuthUser,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(tender_dismissals::table)
        .values((
            tender_dismissals::organisation_id.eq(organisation_id),
            tender_dismissals::tender_id.eq(tender_id),
            tender_dismissals::dismissed_by.eq(user.id),
            tender_dismissals::dismissed_at.eq(now),
        ))
        .execute(conn)
}

/// The tenders `organisation_id` has dismissed.
pub fn of_organisation(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
) -> QueryResult<HashSet<TenderId>> {
    Ok(tender_dismissals::table
        .filter(tender_dismissals::organisation_id.eq(organisation_id))
        .select(tender_dismissals::tender_id)
        .load(conn)?
        .into_iter()
        .collect())
}

/// The organisations that have dismissed `tender_id`.
pub fn of_tender(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<HashSet<OrganisationId>> {
    Ok(tender_dismissals::table
        .filter(tender_dismissals::tender_id.eq(tender_id))
        .select(tender_dismissals::organisation_id)
        .load(conn)?
        .into_iter()
        .collect())
}
