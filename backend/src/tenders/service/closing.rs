//! Closing at the deadline: the jobs publishing schedules (with the
//! last-chance reminder before it), and the worker's half that closes a
//! published tender once its deadline has passed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::db::ids::TenderId;
use crate::db::schema::tenders;
use crate::db::{DbConn, write_transaction};
use crate::error::AppResult;
use crate::jobs::{self, BackgroundJob, Job, JobContext};
use crate::tenders::model::Status;
use crate::{notify, search};

/// Closes the tender at its submission deadline, by itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct CloseTender {
    pub tender_id: TenderId,
}

impl Job for CloseTender {
    const KIND: &'static str = "close_tender";
}

impl BackgroundJob for CloseTender {
    async fn run(self, app: AppState, _: JobContext) -> anyhow::Result<String> {
        let closed = close_if_due(&app, &self)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        Ok(serde_json::json!({ "tender_id": self.tender_id, "closed": closed }).to_string())
    }
}

/// Queues what the deadline brings: the close at the deadline, and the
/// last-chance reminder three working days before it.
pub(crate) fn schedule_deadline(
    conn: &mut DbConn,
    id: TenderId,
    deadline: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    notify::LastChance::schedule(conn, id, deadline, now)?;
    jobs::enqueue_at(
        conn,
        &CloseTender { tender_id: id },
        Some(format!(
            "close_tender:{id}:{}",
            deadline.and_utc().timestamp()
        )),
        deadline,
        now,
    )
}

/// The worker's half of closing: a published tender whose deadline has
/// passed is closed. A job for a deadline since moved later does nothing
/// (the amendment scheduled another).
pub async fn close_if_due(app: &AppState, job: &CloseTender) -> AppResult<bool> {
    let now = app.clock.now();
    let id = job.tender_id;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let closed = diesel::update(
                    tenders::table
                        .find(id)
                        .filter(tenders::status.eq(Status::Published.as_str()))
                        .filter(tenders::submission_deadline.le(now)),
                )
                .set((
                    tenders::status.eq(Status::Closed.as_str()),
                    tenders::closed_at.eq(now),
                    tenders::updated_at.eq(now),
                ))
                .execute(conn)?;
                if closed > 0 {
                    search::changes::record_tender(conn, id, now)?;
                }
                Ok(closed > 0)
            })
        })
        .await
}
