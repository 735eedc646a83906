//! Which code runs which kind of job. Features implement [`BackgroundJob`]
//! for their jobs and are registered where the application is assembled
//! (`crate::background`), so the queue and the worker never import a
//! feature.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::db::DbConn;
use crate::db::ids::JobId;
use crate::jobs::Job;

/// What the worker tells a job about its own row.
#[derive(Debug, Clone, Copy)]
pub struct JobContext {
    pub id: JobId,
    pub attempt: i32,
}

/// A job the worker can run.
pub trait BackgroundJob: Job + DeserializeOwned + Send + Sync + 'static {
    /// True for a job whose effect leaves the database (a mail): it cannot
    /// be rolled back with the transaction, so the worker records when the
    /// effect begins and never repeats it blindly after a crash mid-way.
    const LEAVES_THE_DATABASE: bool = false;

    /// Runs the job and returns what its finished row keeps.
    fn run(
        self,
        app: AppState,
        context: JobContext,
    ) -> impl Future<Output = anyhow::Result<String>> + Send;

    /// What the row keeps once the job is given up: by default the payload,
    /// but a job carrying secrets (a mail's link) keeps less.
    fn redacted(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes that belong to the job's success, committed in the one
    /// transaction that marks it finished (a mail's send recorded on the
    /// notifications it carried): one commit fewer than writing them at
    /// the end of [`run`](BackgroundJob::run), and never one without the
    /// other.
    fn record_done(
        &self,
        _conn: &mut DbConn,
        _context: JobContext,
        _now: NaiveDateTime,
    ) -> QueryResult<()> {
        Ok(())
    }
}

type Running = Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send>>;

pub(super) type RecordDone = fn(&str, &mut DbConn, JobContext, NaiveDateTime) -> QueryResult<()>;

struct Entry {
    run: fn(AppState, JobContext, &str) -> anyhow::Result<Running>,
    redact: fn(&str) -> String,
    record_done: RecordDone,
}

/// The kinds of job this process knows, by `Job::KIND`.
#[derive(Default)]
pub struct Registry {
    entries: HashMap<&'static str, Entry>,
    /// The kinds whose effect leaves the database, sorted; every claim
    /// names them.
    leaving: Vec<&'static str>,
}

impl Registry {
    pub fn register<J: BackgroundJob>(mut self) -> Registry {
        let previous = self.entries.insert(
            J::KIND,
            Entry {
                run: run_erased::<J>,
                redact: redact_erased::<J>,
                record_done: record_done_erased::<J>,
            },
        );
        assert!(previous.is_none(), "job kind {} registered twice", J::KIND);
        if J::LEAVES_THE_DATABASE {
            self.leaving.push(J::KIND);
            self.leaving.sort_unstable();
        }
        self
    }

    /// The kinds whose effect leaves the database, which a claim marks
    /// started.
    pub fn leaving_the_database(&self) -> &[&'static str] {
        &self.leaving
    }

    pub(super) async fn run(
        &self,
        app: &AppState,
        kind: &str,
        context: JobContext,
        payload: &str,
    ) -> anyhow::Result<String> {
        let entry = self
            .entries
            .get(kind)
            .ok_or_else(|| anyhow::anyhow!("no worker knows the job kind {kind:?}"))?;
        (entry.run)(app.clone(), context, payload)?.await
    }

    /// What records the success of a job of `kind` (its
    /// [`BackgroundJob::record_done`]), to run in the transaction that
    /// marks it finished; nothing for a kind this process does not know.
    pub(super) fn record_done(&self, kind: &str) -> RecordDone {
        self.entries
            .get(kind)
            .map_or(record_nothing, |entry| entry.record_done)
    }

    /// The payload as a given-up row keeps it; an unknown kind or a payload
    /// that no longer parses keeps nothing rather than risk a secret.
    pub(super) fn redact(&self, kind: &str, payload: &str) -> String {
        self.entries
            .get(kind)
            .map(|entry| (entry.redact)(payload))
            .unwrap_or_default()
    }
}

fn run_erased<J: BackgroundJob>(
    app: AppState,
    context: JobContext,
    payload: &str,
) -> anyhow::Result<Running> {
    let job: J = serde_json::from_str(payload)?;
    Ok(Box::pin(job.run(app, context)))
}

fn record_nothing(_: &str, _: &mut DbConn, _: JobContext, _: NaiveDateTime) -> QueryResult<()> {
    Ok(())
}

fn record_done_erased<J: BackgroundJob>(
    payload: &str,
    conn: &mut DbConn,
    context: JobContext,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let job: J = serde_json::from_str(payload)
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
    job.record_done(conn, context, now)
}

fn redact_erased<J: BackgroundJob>(payload: &str) -> String {
    serde_json::from_str::<J>(payload)
        .map(|job| job.redacted())
        .unwrap_or_default()
}
