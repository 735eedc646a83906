//! Importing a batch: each notice parsed and stored on its own, so one bad
//! file never stops the rest, with a summary of what happened to each.

use std::sync::mpsc::Receiver;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::authority::KnownBuyers;
use super::notice::{self, Notice, Problem};
use super::store::{self, Announcements, Chunk, Outcome, StoreError};
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

/// What a notice that could not be read comes to.
fn refusal(problem: &Problem) -> Outcome {
    if problem.is_skip() {
        Outcome::Skipped(problem.clone())
    } else {
        Outcome::Failed(problem.clone())
    }
}

/// Stores one parsed notice in a savepoint of the chunk's transaction:
/// whole or not at all, its announcement too.
fn import_one(
    conn: &mut DbConn,
    parsed: &Result<Notice, Problem>,
    now: NaiveDateTime,
    chunk: &mut Chunk<'_>,
) -> Outcome {
    let notice = match parsed {
        Ok(notice) => notice,
        Err(problem) => return refusal(problem),
    };
    let mark = chunk.announcements.mark();
    match write_transaction(conn, |conn| store::store(conn, notice, now, chunk)) {
        Ok(outcome) => outcome,
        Err(error) => {
            chunk.announcements.back_to(mark);
            match error {
                StoreError::Refused(problem) => Outcome::Failed(problem),
                StoreError::Database(error) => {
                    tracing::error!(notice = %notice.id, %error, "storing an imported notice failed");
                    Outcome::Failed(Problem::Storage(error.to_string()))
                }
            }
        }
    }
}

/// Why the first attempt at a chunk was given up.
enum Attempt {
    /// A notice could not be stored: the chunk is written again, each
    /// notice in its own savepoint.
    NoticeRefused,
    /// The chunk as a whole could not be written.
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Attempt {
    fn from(error: diesel::result::Error) -> Attempt {
        Attempt::Database(error)
    }
}

/// Writes a chunk in one transaction, the notices as they are read. First
/// without a savepoint per notice, which saves two round trips each; when
/// a notice cannot be stored, that attempt is rolled back and the chunk
/// written again with each notice in its own savepoint, so only that one
/// fails.
fn write_chunk(
    conn: &mut DbConn,
    parsed: Receiver<Result<Notice, Problem>>,
    now: NaiveDateTime,
    known: &mut KnownBuyers,
) -> Result<Vec<Outcome>, diesel::result::Error> {
    let mut notices = Vec::with_capacity(CHUNK);
    let first = write_transaction(conn, |conn| {
        let mut chunk = Chunk {
            announcements: Announcements::default(),
            buyers: known.attempt(true),
        };
        let mut outcomes = Vec::with_capacity(CHUNK);
        for notice in &parsed {
            notices.push(notice);
            let outcome = match &notices[notices.len() - 1] {
                Ok(notice) => store::store(conn, notice, now, &mut chunk)
                    .map_err(|_| Attempt::NoticeRefused)?,
                Err(problem) => refusal(problem),
            };
            outcomes.push(outcome);
        }
        chunk.announcements.write(conn, now)?;
        Ok((outcomes, chunk.buyers.found()))
    });
    match first {
        Ok((outcomes, found)) => {
            known.keep(found);
            return Ok(outcomes);
        }
        Err(Attempt::Database(error)) => return Err(error),
        Err(Attempt::NoticeRefused) => {}
    }
    notices.extend(parsed);
    write_transaction(conn, |conn| {
        let mut chunk = Chunk {
            announcements: Announcements::default(),
            buyers: known.attempt(false),
        };
        let outcomes = notices
            .iter()
            .map(|notice| import_one(conn, notice, now, &mut chunk))
            .collect();
        chunk.announcements.write(conn, now)?;
        Ok(outcomes)
    })
}

/// Imports notices in chunks of [`CHUNK`] per transaction.
pub struct Batch<'c> {
    conn: &'c mut DbConn,
    now: NaiveDateTime,
    known: KnownBuyers,
    pending: Vec<(String, Result<Vec<u8>, Problem>)>,
    pub summary: Summary,
}

impl<'c> Batch<'c> {
    pub fn new(conn: &'c mut DbConn, now: NaiveDateTime) -> Batch<'c> {
        Batch {
            conn,
            now,
            known: KnownBuyers::default(),
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

    /// Writes what is pending in one transaction. The XML is read on a
    /// second thread meanwhile, so reading a notice overlaps with writing
    /// the one before it (on PostgreSQL the writer mostly waits for
    /// round trips).
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let names: Vec<String> = pending.iter().map(|(name, _)| name.clone()).collect();
        let now = self.now;
        let conn = &mut *self.conn;
        let known = &mut self.known;
        let written = std::thread::scope(|scope| {
            let (send, parsed) = std::sync::mpsc::sync_channel(CHUNK);
            scope.spawn(move || {
                for (_, read) in pending {
                    let notice = read.and_then(|bytes| notice::parse_bytes(&bytes));
                    if send.send(notice).is_err() {
                        break;
                    }
                }
            });
            write_chunk(conn, parsed, now, known)
        });
        let outcomes = written.unwrap_or_else(|error| {
            // The chunk's commit failed: none of it is stored.
            tracing::error!(%error, "committing a chunk of imported notices failed");
            names
                .iter()
                .map(|_| Outcome::Failed(Problem::Storage(error.to_string())))
                .collect()
        });
        for (name, outcome) in names.into_iter().zip(outcomes) {
            self.summary.count(name, &outcome);
        }
    }

    pub fn finish(mut self) -> Summary {
        self.flush();
        self.summary
    }
}
