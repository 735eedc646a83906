//! "Last chance": three working days before a tender's deadline, at 8 in
//! the morning in Copenhagen, everyone who follows it and the members of
//! every organisation it matches are told, unless their organisation has
//! submitted a bid or dismissed the tender as not for it. The job is queued where the close at the deadline is
//! (publishing, amending, importing), keyed by the deadline: a job for a
//! deadline since moved finds the tender changed and tells nobody, and the
//! move queued the next one.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::kinds::Kind;
use super::record::{Event, notify};
use super::working_days::last_chance_at;
use crate::app::AppState;
use crate::bids::model::BidState;
use crate::db::ids::{OrganisationId, TenderId, UserId};
use crate::db::schema::{bids, tender_followers};
use crate::db::{DbConn, write_transaction};
use crate::error::AppResult;
use crate::jobs::{self, BackgroundJob, Job, JobContext};
use crate::matching;
use crate::profiles::service::member_ids;
use crate::tenders::model::{self as tender_model, Status};

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct LastChance {
    pub tender_id: TenderId,
    /// The deadline this reminder is for, UTC.
    pub deadline: NaiveDateTime,
}

impl Job for LastChance {
    const KIND: &'static str = "notify_last_chance";
}

impl LastChance {
    /// Queues the reminder for `deadline`; nothing when the morning it
    /// would go out has passed already (the tender was published late).
    pub fn schedule(
        conn: &mut DbConn,
        tender_id: TenderId,
        deadline: NaiveDateTime,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let due = last_chance_at(deadline);
        if due <= now {
            return Ok(());
        }
        let key = format!("last_chance:{tender_id}:{}", deadline.and_utc().timestamp());
        let job = LastChance {
            tender_id,
            deadline,
        };
        jobs::enqueue_at(conn, &job, Some(key), due, now)
    }
}

impl BackgroundJob for LastChance {
    async fn run(self, app: AppState, _context: JobContext) -> anyhow::Result<String> {
        let told = remind(&app, self)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mut kept = serde_json::to_value(self)?;
        kept["told"] = told.into();
        Ok(kept.to_string())
    }
}

async fn remind(app: &AppState, job: LastChance) -> AppResult<usize> {
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                tell_who_has_not_bid_or_dismissed(conn, job, &public_url, now)
            })
        })
        .await
}

/// Records the reminder for followers first (they asked for news of the
/// tender, whatever its match), then for the members of matched
/// organisations, whose match must reach their minimum; a person both is
/// told once (the event's key).
fn tell_who_has_not_bid_or_dismissed(
    conn: &mut DbConn,
    job: LastChance,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let row = tender_model::find(conn, job.tender_id)?;
    if row.status != Status::Published || row.submission_deadline != Some(job.deadline) {
        return Ok(0);
    }
    // Those who have bid, and those who said the tender is not for them.
    let mut done_with: HashSet<OrganisationId> = bids::table
        .filter(bids::tender_id.eq(job.tender_id))
        .filter(bids::state.eq(BidState::Submitted.as_str()))
        .select(bids::organisation_id)
        .load(conn)?
        .into_iter()
        .collect();
    done_with.extend(matching::dismissals::of_tender(conn, job.tender_id)?);
    let organisations_done: Vec<OrganisationId> = done_with.iter().copied().collect();
    let members_done: HashSet<UserId> =
        member_ids(conn, &organisations_done)?.into_iter().collect();
    let event = |organisation: Option<&str>, strength: Option<i32>| Event {
        kind: Kind::LastChance,
        key: format!(
            "last_chance:tender:{}:{}",
            job.tender_id,
            job.deadline.and_utc().timestamp()
        ),
        tender_id: Some(job.tender_id),
        vars: serde_json::json!({
            "title": row.title,
            "deadline": job.deadline,
            "organisation": organisation,
            "link": format!("{public_url}/tenders/{}", job.tender_id),
        }),
        strength,
    };
    let mut told = 0;
    let followers: Vec<UserId> = tender_followers::table
        .filter(tender_followers::tender_id.eq(job.tender_id))
        .select(tender_followers::user_id)
        .load(conn)?;
    let following = event(None, None);
    for user_id in followers {
        if !members_done.contains(&user_id) && notify(conn, user_id, &following, now)? {
            told += 1;
        }
    }
    let matches = matching::tender_matches(conn, &row, matching::MAX_LIMIT as usize * 2)?;
    for m in matches.items {
        if done_with.contains(&m.organisation_id) {
            continue;
        }
        let percent = (m.score.clamp(0.0, 1.0) * 100.0).round() as i32;
        let matched = event(Some(&m.name), Some(percent));
        for user_id in member_ids(conn, &[m.organisation_id])? {
            if notify(conn, user_id, &matched, now)? {
                told += 1;
            }
        }
    }
    Ok(told)
}
