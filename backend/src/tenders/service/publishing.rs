//! Publishing a draft: every rule checked at once, the content frozen as
//! version 1, and the warnings a draft still has.

use axum::http::StatusCode;
use diesel::prelude::*;

use super::closing::schedule_deadline;
use super::{insert_version, owned, refuse_if_invalid};
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::db::schema::tenders;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::tenders::model::{ChangeLog, Status, TenderRow};
use crate::tenders::rules::{self, Strictness, Warning};
use crate::{matching, search};

/// Whether publishing queues what the deadline brings (the close and the
/// last-chance reminder).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    Scheduled,
    /// Left to the caller: only the demo, which publishes on a clock set
    /// back to before a deadline that has passed by now, and must submit
    /// its bids before any worker may close the tender.
    HeldBack,
}

/// Publishes a draft: every rule is checked and every problem listed at
/// once; the content is frozen as version 1 and closing is scheduled.
pub async fn publish(app: &AppState, officer: &AuthUser, id: TenderId) -> AppResult<Vec<Warning>> {
    publish_with(app, officer, id, Deadline::Scheduled).await
}

pub(crate) async fn publish_with(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    deadline: Deadline,
) -> AppResult<Vec<Warning>> {
    let officer = officer.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                if row.status != Status::Draft {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
                }
                let content = row.content();
                refuse_if_invalid(rules::check(&content, now, Strictness::Publish))?;
                diesel::update(tenders::table.find(id))
                    .set((
                        tenders::status.eq(Status::Published.as_str()),
                        tenders::version.eq(1),
                        tenders::published_at.eq(now),
                        tenders::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                insert_version(
                    conn,
                    id,
                    1,
                    "publish",
                    &content,
                    &ChangeLog::default(),
                    officer.id,
                    now,
                )?;
                audit::record(conn, &officer, "tender.publish", "tender", id.0, None, now)?;
                if let Some(at) = content.submission_deadline
                    && deadline == Deadline::Scheduled
                {
                    schedule_deadline(conn, id, at, now)?;
                }
                search::changes::record_tender(conn, id, now)?;
                matching::tender_changed(conn, id, now)?;
                Ok(rules::warnings(&content, now))
            })
        })
        .await
}

/// What the tender page and the check page warn about for a draft.
pub fn draft_warnings(app: &AppState, row: &TenderRow) -> Vec<Warning> {
    let from = row.published_at.unwrap_or_else(|| app.clock.now());
    rules::warnings(&row.content(), from)
}
