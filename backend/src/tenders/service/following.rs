//! Following a published tender to be mailed about it, and the tenders a
//! person follows, for their data export.

use diesel::prelude::*;

use super::Viewer;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::schema::tender_followers;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::tenders::model::{self, Status};

/// An entrepreneur follows (or stops following) a published tender.
pub async fn follow(app: &AppState, user: &AuthUser, id: i64, on: bool) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = model::find(conn, id)?;
                if !Viewer(Some(&user)).can_see(&row) || row.status == Status::Draft {
                    return Err(AppError::not_found());
                }
                diesel::delete(
                    tender_followers::table
                        .filter(tender_followers::tender_id.eq(id))
                        .filter(tender_followers::user_id.eq(user.id)),
                )
                .execute(conn)?;
                if on {
                    diesel::insert_into(tender_followers::table)
                        .values((
                            tender_followers::tender_id.eq(id),
                            tender_followers::user_id.eq(user.id),
                            tender_followers::created_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                Ok(())
            })
        })
        .await
}

/// The tenders a person follows, for their data export.
pub fn followed_by(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<i64>> {
    tender_followers::table
        .filter(tender_followers::user_id.eq(user_id))
        .order(tender_followers::id)
        .select(tender_followers::tender_id)
        .load(conn)
}
