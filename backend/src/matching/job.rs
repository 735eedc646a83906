//! The job that computes and stores one entity's matches. It is queued in
//! the transaction of its cause with a dedupe key, so a burst of changes to
//! one tender or organisation queues one job; the job gives its key back
//! when it starts, so a change written while it computes queues the next.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::reasons::ReasonView;
use super::store::{self, NewMatch};
use crate::app::AppState;
use crate::db::ids::{JobId, OrganisationId, TenderId};
use crate::db::schema::jobs as jobs_table;
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult};
use crate::jobs::{self, BackgroundJob, Job, JobContext};
use crate::search::{self, SearchIndexes, documents};
use socialbid_indexer::TenderStatus;

/// How many matches are stored per tender or organisation: more than a
/// page asks for, so the ones the hard rules drop at reading (a profile
/// suspended since, a tender closed since) leave enough behind.
pub const STORED: usize = 200;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "entity", rename_all = "snake_case")]
pub enum ComputeMatches {
    Tender { tender_id: TenderId },
    Organisation { organisation_id: OrganisationId },
}

impl Job for ComputeMatches {
    const KIND: &'static str = "compute_matches";
}

impl ComputeMatches {
    fn dedupe_key(self) -> String {
        match self {
            ComputeMatches::Tender { tender_id } => format!("compute_matches:tender:{tender_id}"),
            ComputeMatches::Organisation { organisation_id } => {
                format!("compute_matches:organisation:{organisation_id}")
            }
        }
    }

    pub(super) fn enqueue(self, conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
        jobs::enqueue(conn, &self, Some(self.dedupe_key()), now)
    }

    pub(super) fn enqueue_all(
        all: impl IntoIterator<Item = ComputeMatches>,
        conn: &mut DbConn,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let keyed: Vec<_> = all
            .into_iter()
            .map(|job| (job, Some(job.dedupe_key())))
            .collect();
        jobs::enqueue_all(conn, &keyed, now)
    }
}

impl BackgroundJob for ComputeMatches {
    async fn run(self, app: AppState, context: JobContext) -> anyhow::Result<String> {
        let stored = compute(&app, self, context.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mut kept = serde_json::to_value(self)?;
        kept["stored"] = stored.into();
        Ok(kept.to_string())
    }
}

/// Frees the job's dedupe key, waits until this process's indexes hold the
/// cause, computes and replaces the entity's
/// matches in one transaction. Returns how many were stored.
async fn compute(app: &AppState, job: ComputeMatches, job_id: JobId) -> AppResult<usize> {
    app.db
        .run(move |conn| {
            diesel::update(jobs_table::table.find(job_id))
                .set(jobs_table::dedupe_key.eq(None::<String>))
                .execute(conn)
                .map_err(AppError::from)
        })
        .await?;
    let cause = app
        .db
        .run(|conn| search::changes::latest(conn).map_err(AppError::from))
        .await?;
    let indexes = indexes_holding(app, cause).await?;
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    app.db
        .run(move |conn| match job {
            ComputeMatches::Tender { tender_id } => {
                let doc = documents::tenders(conn, &[tender_id])?
                    .remove(&tender_id)
                    .filter(|d| d.status == TenderStatus::Published);
                let found = match &doc {
                    Some(doc) => indexes
                        .profiles
                        .match_profiles_for_tender(doc, STORED)?
                        .iter()
                        .map(|m| NewMatch {
                            tender_id,
                            organisation_id: OrganisationId(signed(m.profile.organisation_id)),
                            score: m.score,
                            reasons: m.reasons.iter().map(ReasonView::from).collect(),
                        })
                        .collect(),
                    None => Vec::new(),
                };
                // The members of every organisation that matches, and
                // whoever saved a search that finds the tender, are told in
                // the transaction that stores the matches.
                write_transaction(conn, |conn| {
                    let stored = store::replace_for_tender(conn, tender_id, &found, now)?;
                    crate::notify::tender_matched(conn, tender_id, &public_url, now)?;
                    if let Some(doc) = &doc {
                        crate::saved_searches::tender_found(
                            conn,
                            tender_id,
                            doc,
                            &public_url,
                            now,
                        )?;
                    }
                    Ok(stored)
                })
            }
            ComputeMatches::Organisation { organisation_id } => {
                let doc = documents::profiles(conn, &[organisation_id])?.remove(&organisation_id);
                let found = match doc {
                    Some(doc) => indexes
                        .tenders
                        .match_tenders_for_profile(
                            &doc,
                            now.and_utc().timestamp(),
                            STORED,
                            |ids| documents::tender_texts(conn, ids),
                        )?
                        .iter()
                        .map(|m| NewMatch {
                            tender_id: TenderId(signed(m.tender.id)),
                            organisation_id,
                            score: m.score,
                            reasons: m.reasons.iter().map(ReasonView::from).collect(),
                        })
                        .collect(),
                    None => Vec::new(),
                };
                write_transaction(conn, |conn| {
                    store::replace_for_organisation(conn, organisation_id, &found, now)
                })
            }
        })
        .await
}

/// How long a job waits for this process's indexes to hold its cause; after
/// that it fails and the worker tries it again later.
const INDEX_WAIT: Duration = Duration::from_secs(10);

/// This process's indexes once they hold change `cause` (the newest change
/// when the job started, so the one that queued it too). On PostgreSQL a
/// committed change becomes readable only once every older transaction on
/// the server has ended (see `search::changes::after`), so it may take a
/// moment.
async fn indexes_holding(app: &AppState, cause: i64) -> AppResult<Arc<SearchIndexes>> {
    let started = Instant::now();
    loop {
        search::apply_pending(app).await?;
        let indexes = search::indexes(app).await?;
        if indexes.applied() >= cause {
            return Ok(indexes);
        }
        if started.elapsed() > INDEX_WAIT {
            return Err(AppError::internal(anyhow::anyhow!(
                "the search indexes hold change {} of {cause}",
                indexes.applied()
            )));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn signed(id: u64) -> i64 {
    i64::try_from(id).unwrap_or_default()
}
