//! Which code runs which kind of job. Features implement [`BackgroundJob`]
//! for their jobs and are registered where the application is assembled
//! (`crate::background`), so the queue and the worker never import a
//! feature.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::app::AppState;
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
}

type Running = Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send>>;

struct Entry {
    run: fn(AppState, JobContext, &str) -> anyhow::Result<Running>,
    redact: fn(&str) -> String,
    leaves_the_database: bool,
}

/// The kinds of job this process knows, by `Job::KIND`.
#[derive(Default)]
pub struct Registry {
    entries: HashMap<&'static str, Entry>,
}

impl Registry {
    pub fn register<J: BackgroundJob>(mut self) -> Registry {
        let previous = self.entries.insert(
            J::KIND,
            Entry {
                run: run_erased::<J>,
                redact: redact_erased::<J>,
                leaves_the_database: J::LEAVES_THE_DATABASE,
            },
        );
        assert!(previous.is_none(), "job kind {} registered twice", J::KIND);
        self
    }

    pub(super) fn leaves_the_database(&self, kind: &str) -> bool {
        self.entries
            .get(kind)
            .is_some_and(|entry| entry.leaves_the_database)
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

fn redact_erased<J: BackgroundJob>(payload: &str) -> String {
    serde_json::from_str::<J>(payload)
        .map(|job| job.redacted())
        .unwrap_or_default()
}
