//! Following a published tender to be mailed about it, and the tenders a
//! person follows, for their start page and their data export.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::Viewer;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::{TenderId, UserId};
use crate::db::schema::{authorities, tender_followers, tenders};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::tenders::model::{self, Status};

/// An entrepreneur follows (or stops following) a published tender.
pub async fn follow(app: &AppState, user: &AuthUser, id: TenderId, on: bool) -> AppResult<()> {
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
pub fn followed_by(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<TenderId>> {
    tender_followers::table
        .filter(tender_followers::user_id.eq(user_id))
        .order(tender_followers::id)
        .select(tender_followers::tender_id)
        .load(conn)
}

/// A tender someone follows, as their start page lists it.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct FollowedTender {
    pub id: TenderId,
    pub title: String,
    /// The language the title is written in, to mark it on a page in
    /// another.
    pub language: String,
    pub status: Status,
    pub authority_name: String,
    /// UTC.
    #[serde(with = "crate::web::utc::option")]
    pub submission_deadline: Option<NaiveDateTime>,
}

/// The tenders a person follows: those still open first, the nearest
/// deadline first, then the closed and cancelled ones.
pub async fn followed_tenders(app: &AppState, user_id: UserId) -> AppResult<Vec<FollowedTender>> {
    let mut followed: Vec<FollowedTender> = app
        .db
        .run(move |conn| {
            tender_followers::table
                .inner_join(tenders::table.inner_join(authorities::table))
                .filter(tender_followers::user_id.eq(user_id))
                .select((
                    tenders::id,
                    tenders::title,
                    tenders::language,
                    tenders::status,
                    authorities::name,
                    tenders::submission_deadline,
                ))
                .load(conn)
                .map_err(AppError::from)
        })
        .await?;
    followed.sort_by_key(|t| (t.status != Status::Published, t.submission_deadline, t.id));
    Ok(followed)
}
