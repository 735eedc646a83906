//! Recording a notification in its cause's transaction, and queueing the
//! mail (at once) or the digest (at the person's hour) that will carry it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::deliver::{NotifyMail, SendDigest};
use super::kinds::{Cadence, Kind};
use super::preferences;
use super::schedule::next_digest;
use crate::db::DbConn;
use crate::db::ids::{NotificationId, TenderId, UserId};
use crate::db::schema::notifications;

/// Something a person may be told about.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub kind: Kind,
    /// Names the event; with the recipient it is the notification's unique
    /// key (`match:tender:7`, `amendment:tender:7:v3`).
    pub key: String,
    pub tender_id: Option<TenderId>,
    /// What the mail's template shows.
    pub vars: serde_json::Value,
    /// For a match, its strength in percent, held against the person's
    /// minimum.
    pub strength: Option<i32>,
}

/// Records `event` for `user_id` as the person's choices say, queueing its
/// mail or digest in the same transaction. Returns whether anything was
/// recorded: not when the person wants no such mail, the match is weaker
/// than they asked for, or they were told already.
pub fn notify(
    conn: &mut DbConn,
    user_id: UserId,
    event: &Event,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let settings = preferences::load(conn, user_id)?;
    let cadence = settings.cadence(event.kind);
    if cadence == Cadence::Never {
        return Ok(false);
    }
    if event
        .strength
        .is_some_and(|strength| strength < settings.min_match_percent)
    {
        return Ok(false);
    }
    let vars = serde_json::to_string(&event.vars)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let row = (
        notifications::user_id.eq(user_id),
        notifications::kind.eq(event.kind.as_str()),
        notifications::event_key.eq(&event.key),
        notifications::tender_id.eq(event.tender_id),
        notifications::cadence.eq(cadence.as_str()),
        notifications::vars.eq(&vars),
        notifications::created_at.eq(now),
    );
    // The unique (recipient, event) key: a replayed cause inserts nothing.
    // `on_conflict` does not compile on the multi-backend connection.
    macro_rules! insert_once {
        ($conn:expr) => {
            diesel::insert_into(notifications::table)
                .values(row)
                .on_conflict((notifications::user_id, notifications::event_key))
                .do_nothing()
                .returning(notifications::id)
                .get_result::<NotificationId>($conn)
                .optional()
        };
    }
    let inserted = match conn {
        DbConn::Postgres(c) => insert_once!(c),
        DbConn::Sqlite(c) => insert_once!(c),
    }?;
    let Some(id) = inserted else {
        return Ok(false);
    };
    let hour = u32::try_from(settings.digest_hour).unwrap_or(8);
    let weekday = u32::try_from(settings.digest_weekday).unwrap_or(1);
    match next_digest(now, cadence, hour, weekday) {
        None => NotifyMail::enqueue(conn, id, now)?,
        Some(due) => {
            let digest = SendDigest {
                user_id,
                cadence,
                due,
            };
            digest.enqueue(conn, now)?;
        }
    }
    Ok(true)
}

/// Records `event` for several people at once.
pub fn notify_all(
    conn: &mut DbConn,
    user_ids: impl IntoIterator<Item = UserId>,
    event: &Event,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut recorded = 0;
    for user_id in user_ids {
        if notify(conn, user_id, event, now)? {
            recorded += 1;
        }
    }
    Ok(recorded)
}
