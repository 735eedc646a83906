//! The officers' weekly summary: each Monday at 8 in Copenhagen, every
//! approved officer is told, for each open tender of their authority, how
//! many approved social enterprises it matches, how many people follow it
//! and how many questions wait for an answer. One notification per
//! officer and week, so a job run twice tells nobody twice; the job queues
//! the next week's before it tells anyone, and every worker queues the
//! coming one when it starts (the week's key makes that a no-op).

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Copenhagen;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::kinds::{Cadence, Kind};
use super::record::{Event, notify_all};
use super::schedule::next_digest;
use crate::app::AppState;
use crate::auth::{ApprovalState, Role};
use crate::db::ids::{AuthorityId, UserId};
use crate::db::schema::{authorities, tender_followers, tender_questions, tenders, users};
use crate::db::{DbConn, write_transaction};
use crate::error::AppResult;
use crate::jobs::{self, BackgroundJob, Job, JobContext};
use crate::matching;
use crate::tenders::model::{Status, TenderRow};

/// The Monday morning, Copenhagen time, the summary goes out.
const HOUR: u32 = 8;
const MONDAY: u32 = 1;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct WeeklySummary {
    /// The Monday (Copenhagen) of the week it is for.
    pub week_of: NaiveDate,
}

impl Job for WeeklySummary {
    const KIND: &'static str = "notify_weekly_summary";
}

impl WeeklySummary {
    /// Queues the first summary after `now`; queued already, nothing.
    pub fn schedule_next(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
        let Some(due) = next_digest(now, Cadence::Weekly, HOUR, MONDAY) else {
            return Ok(());
        };
        let week_of = Copenhagen.from_utc_datetime(&due).date_naive();
        jobs::enqueue_at(
            conn,
            &WeeklySummary { week_of },
            Some(format!("weekly_summary:{week_of}")),
            due,
            now,
        )
    }
}

impl BackgroundJob for WeeklySummary {
    async fn run(self, app: AppState, _context: JobContext) -> anyhow::Result<String> {
        let told = summarise(&app, self)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mut kept = serde_json::to_value(self)?;
        kept["told"] = told.into();
        Ok(kept.to_string())
    }
}

async fn summarise(app: &AppState, job: WeeklySummary) -> AppResult<usize> {
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                WeeklySummary::schedule_next(conn, now)?;
                tell_officers(conn, job, &public_url, now)
            })
        })
        .await
}

fn tell_officers(
    conn: &mut DbConn,
    job: WeeklySummary,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let officers: Vec<(UserId, AuthorityId)> = users::table
        .filter(users::role.eq(Role::Officer.as_str()))
        .filter(users::approval_state.eq(ApprovalState::Approved.as_str()))
        .filter(users::authority_id.is_not_null())
        .select((users::id, users::authority_id.assume_not_null()))
        .load(conn)?;
    let mut authority_ids: Vec<AuthorityId> = officers.iter().map(|(_, a)| *a).collect();
    authority_ids.sort();
    authority_ids.dedup();
    let mut told = 0;
    for authority_id in authority_ids {
        let open: Vec<TenderRow> = tenders::table
            .filter(tenders::authority_id.eq(authority_id))
            .filter(tenders::status.eq(Status::Published.as_str()))
            .order(tenders::submission_deadline)
            .select(TenderRow::as_select())
            .load(conn)?;
        if open.is_empty() {
            continue;
        }
        let mut items = Vec::with_capacity(open.len());
        for row in &open {
            let matched = matching::tender_matches(conn, row, 0)?.total;
            let followers: i64 = tender_followers::table
                .filter(tender_followers::tender_id.eq(row.id))
                .count()
                .get_result(conn)?;
            let waiting: i64 = tender_questions::table
                .filter(tender_questions::tender_id.eq(row.id))
                .filter(tender_questions::answer.is_null())
                .filter(tender_questions::declined_at.is_null())
                .count()
                .get_result(conn)?;
            items.push(serde_json::json!({
                "title": row.title,
                "deadline": row.submission_deadline,
                "matched": matched,
                "followers": followers,
                "waiting": waiting,
                "link": format!("{public_url}/tenders/{}", row.id),
            }));
        }
        let authority: String = authorities::table
            .find(authority_id)
            .select(authorities::name)
            .first(conn)?;
        let event = Event {
            kind: Kind::WeeklySummary,
            key: format!("weekly_summary:{}", job.week_of),
            tender_id: None,
            vars: serde_json::json!({
                "title": authority,
                "link": format!("{public_url}/officer/tenders"),
                "tenders": items,
            }),
            strength: None,
        };
        let recipients = officers
            .iter()
            .filter(|(_, a)| *a == authority_id)
            .map(|(user_id, _)| *user_id);
        told += notify_all(conn, recipients, &event, now)?;
    }
    Ok(told)
}
