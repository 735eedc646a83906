//! Importing a batch: each notice parsed and stored on its own, so one bad
//! file never stops the rest, with a summary of what happened to each.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::notice::{self, Problem};
use super::store::{self, Outcome, StoreError};
use crate::db::{DbConn, write_transaction};

/// How many notices share one database transaction (each in its own
/// savepoint): committing every notice alone costs more than parsing it.
pub const CHUNK: usize = 200;

/// A file that was skipped or failed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    pub file: String,
    pub code: &'static str,
    pub args: serde_json::Value,
    pub reason: String,
}

impl Refusal {
    fn new(file: String, problem: &Problem) -> Refusal {
        Refusal {
            file,
            code: problem.code(),
            args: problem.args(),
            reason: problem.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: Vec<Refusal>,
    pub failed: Vec<Refusal>,
}

impl Summary {
    pub fn count(&mut self, file: String, outcome: &Outcome) {
        match outcome {
            Outcome::Imported { .. } => self.imported += 1,
            Outcome::Updated { .. } => self.updated += 1,
            Outcome::Unchanged { .. } => self.unchanged += 1,
            Outcome::Skipped(problem) => self.skipped.push(Refusal::new(file, problem)),
            Outcome::Failed(problem) => self.failed.push(Refusal::new(file, problem)),
        }
    }

    pub fn total(&self) -> u64 {
        self.imported
            + self.updated
            + self.unchanged
            + self.skipped.len() as u64
            + self.failed.len() as u64
    }
}

/// Parses and stores one notice inside the current transaction (as a
/// savepoint when there is one): whole or not at all.
pub fn import_one(
    conn: &mut DbConn,
    read: Result<Vec<u8>, Problem>,
    now: NaiveDateTime,
) -> Outcome {
    let parsed = read.and_then(|bytes| notice::parse_bytes(&bytes));
    let notice = match parsed {
        Ok(notice) => notice,
        Err(problem) if problem.is_skip() => return Outcome::Skipped(problem),
        Err(problem) => return Outcome::Failed(problem),
    };
    match write_transaction(conn, |conn| store::store(conn, &notice, now)) {
        Ok(outcome) => outcome,
        Err(StoreError::Refused(problem)) => Outcome::Failed(problem),
        Err(StoreError::Database(error)) => {
            tracing::error!(notice = %notice.id, %error, "storing an imported notice failed");
            Outcome::Failed(Problem::Storage(error.to_string()))
        }
    }
}

/// Imports notices in chunks of [`CHUNK`] per transaction; `progress` is
/// told after each notice.
pub struct Batch<'c> {
    conn: &'c mut DbConn,
    now: NaiveDateTime,
    pending: Vec<(String, Result<Vec<u8>, Problem>)>,
    pub summary: Summary,
}

impl<'c> Batch<'c> {
    pub fn new(conn: &'c mut DbConn, now: NaiveDateTime) -> Batch<'c> {
        Batch {
            conn,
            now,
            pending: Vec::with_capacity(CHUNK),
            summary: Summary::default(),
        }
    }

    pub fn push(&mut self, name: String, read: Result<Vec<u8>, Problem>) {
        self.pending.push((name, read));
        if self.pending.len() >= CHUNK {
            self.flush();
        }
    }

    /// Writes what is pending in one transaction.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let now = self.now;
        let mut outcomes = Vec::with_capacity(pending.len());
        let committed = write_transaction(self.conn, |conn| {
            outcomes.clear();
            for (name, read) in pending.iter().cloned() {
                outcomes.push((name, import_one(conn, read, now)));
            }
            Ok::<_, diesel::result::Error>(())
        });
        if let Err(error) = committed {
            // The chunk's commit failed: none of it is stored.
            tracing::error!(%error, "committing a chunk of imported notices failed");
            outcomes = pending
                .into_iter()
                .map(|(name, _)| (name, Outcome::Failed(Problem::Storage(error.to_string()))))
                .collect();
        }
        for (name, outcome) in outcomes {
            self.summary.count(name, &outcome);
        }
    }

    pub fn finish(mut self) -> Summary {
        self.flush();
        self.summary
    }
}
