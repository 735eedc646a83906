//! The audit log's one writer. Every decision worth answering for
//! (moderation, officer approval, deletions, publishing, amending and
//! cancelling a tender) is recorded here, in the
//! transaction of the decision itself; a trigger on both databases refuses
//! to change or delete an entry afterwards (except clearing `actor_id`
//! when the actor's account is deleted: the address stays).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::UserId;
use crate::db::schema::audit_log;

/// Who decided: an account id and the address it had then.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: UserId,
    pub email: &'a str,
}

impl<'a> From<&'a AuthUser> for Actor<'a> {
    fn from(user: &'a AuthUser) -> Actor<'a> {
        Actor {
            id: user.id,
            email: &user.email,
        }
    }
}

/// Writes one entry and returns its id. `subject_id` is a plain number:
/// `subject_type` says which kind of record it names (an organisation, a
/// user, a bid, ...), so callers pass a typed id's number.
pub fn record<'a>(
    conn: &mut DbConn,
    actor: impl Into<Actor<'a>>,
    action: &str,
    subject_type: &str,
    subject_id: i64,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let actor = actor.into();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_email.eq(actor.email),
            audit_log::action.eq(action),
            audit_log::subject_type.eq(subject_type),
            audit_log::subject_id.eq(subject_id),
            audit_log::reason.eq(reason),
            audit_log::created_at.eq(now),
        ))
        .returning(audit_log::id)
        .get_result(conn)
}
