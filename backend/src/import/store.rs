//! Writing one parsed notice: kept as read, then its procedure's tender
//! rebuilt from all of the procedure's notices. One transaction per notice
//! (a savepoint inside a batch), so a notice is stored whole or not at all.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::authority::{self, ChunkBuyers};
use super::fold::{self, Folded};
use super::notice::{Format, Notice, Problem, Stage};
use crate::db::DbConn;
use crate::db::ids::TenderId;
use crate::db::schema::{imported_notices, imported_tenders, tender_versions, tenders};
use crate::matching;
use crate::search;
use crate::tenders::model::{self, ChangeLog, Content, Status, to_json};
use crate::tenders::rules;
use crate::tenders::service::{ContentColumns, schedule_deadline, set_content};

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new tender.
    Imported {
        tender_id: TenderId,
    },
    /// A tender changed: a new notice of a known procedure, or a notice
    /// read again with other content.
    Updated {
        tender_id: TenderId,
    },
    /// Read before, or changed nothing.
    Unchanged {
        tender_id: TenderId,
    },
    Skipped(Problem),
    Failed(Problem),
}

/// Why a notice's transaction was rolled back.
#[derive(Debug)]
pub enum StoreError {
    Refused(Problem),
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> StoreError {
        StoreError::Database(error)
    }
}

fn notice_key(notice: &Notice) -> String {
    format!("{}:{}", notice.format.as_str(), notice.id)
}

/// Stores a notice and writes its tender: a new one for a new procedure,
/// else rebuilt from all of the procedure's notices. Runs inside the
/// caller's transaction.
pub fn store(
    conn: &mut DbConn,
    notice: &Notice,
    now: NaiveDateTime,
    chunk: &mut Chunk<'_>,
) -> Result<Outcome, StoreError> {
    let json = serde_json::to_string(notice).map_err(|e| {
        StoreError::Refused(Problem::Unreadable {
            field: "notice",
            value: e.to_string(),
        })
    })?;
    let sha256 = hex::encode(Sha256::digest(json.as_bytes()));
    let key = notice_key(notice);

    let existing: Option<(i64, String, TenderId, String)> = imported_notices::table
        .filter(imported_notices::notice_key.eq(&key))
        .select((
            imported_notices::id,
            imported_notices::sha256,
            imported_notices::tender_id,
            imported_notices::procedure_key,
        ))
        .first(conn)
        .optional()?;
    if let Some((id, stored_sha, tender_id, procedure_key)) = existing {
        if stored_sha == sha256 {
            return Ok(Outcome::Unchanged { tender_id });
        }
        diesel::update(imported_notices::table.find(id))
            .set((
                imported_notices::sha256.eq(&sha256),
                imported_notices::notice.eq(&json),
                imported_notices::stage.eq(notice.stage.as_str()),
                imported_notices::publication_number.eq(&notice.publication_number),
                imported_notices::imported_at.eq(now),
            ))
            .execute(conn)?;
        let changed = rebuild(conn, tender_id, &procedure_key, now)?;
        if let Some(status) = changed {
            chunk.announcements.add(tender_id, status);
        }
        return Ok(if changed.is_some() {
            Outcome::Updated { tender_id }
        } else {
            Outcome::Unchanged { tender_id }
        });
    }

    let procedure_key = procedure_key(conn, notice)?;
    let tender_id: Option<TenderId> = imported_tenders::table
        .filter(imported_tenders::procedure_key.eq(&procedure_key))
        .select(imported_tenders::tender_id)
        .first(conn)
        .optional()?;
    let stored = StoredNotice {
        key: &key,
        procedure_key: &procedure_key,
        sha256: &sha256,
        json: &json,
    };
    let Some(tender_id) = tender_id else {
        // A new procedure: its tender is this notice alone, written whole
        // at once, with nothing to rebuild.
        let (tender_id, status) = create(conn, notice, &procedure_key, now, &mut chunk.buyers)?;
        insert_notice(conn, notice, &stored, tender_id, now)?;
        chunk.announcements.add(tender_id, status);
        return Ok(Outcome::Imported { tender_id });
    };
    insert_notice(conn, notice, &stored, tender_id, now)?;
    Ok(match rebuild(conn, tender_id, &procedure_key, now)? {
        Some(status) => {
            chunk.announcements.add(tender_id, status);
            Outcome::Updated { tender_id }
        }
        None => Outcome::Unchanged { tender_id },
    })
}

/// A notice as it is kept: its keys, its hash and its JSON.
struct StoredNotice<'a> {
    key: &'a str,
    procedure_key: &'a str,
    sha256: &'a str,
    json: &'a str,
}

fn insert_notice(
    conn: &mut DbConn,
    notice: &Notice,
    stored: &StoredNotice<'_>,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(imported_notices::table)
        .values((
            imported_notices::notice_key.eq(stored.key),
            imported_notices::procedure_key.eq(stored.procedure_key),
            imported_notices::tender_id.eq(tender_id),
            imported_notices::publication_number.eq(&notice.publication_number),
            imported_notices::stage.eq(notice.stage.as_str()),
            imported_notices::sha256.eq(stored.sha256),
            imported_notices::notice.eq(stored.json),
            imported_notices::imported_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// What the notices of one attempt at a chunk share.
pub struct Chunk<'k> {
    pub announcements: Announcements,
    pub buyers: ChunkBuyers<'k>,
}

/// The tenders a chunk of notices changed, told to search (and, while
/// open, to matching) when the chunk is written, in its transaction as a
/// publication does: one statement for the chunk instead of two for each
/// notice. A closed tender is offered to nobody, so it needs no matching.
#[derive(Debug, Default)]
pub struct Announcements {
    changed: Vec<TenderId>,
    open: Vec<TenderId>,
}

impl Announcements {
    fn add(&mut self, tender_id: TenderId, status: Status) {
        if !self.changed.contains(&tender_id) {
            self.changed.push(tender_id);
        }
        if status == Status::Published && !self.open.contains(&tender_id) {
            self.open.push(tender_id);
        }
    }

    /// Where the announcements stand, to go back to when a notice's
    /// savepoint is rolled back.
    pub fn mark(&self) -> (usize, usize) {
        (self.changed.len(), self.open.len())
    }

    pub fn back_to(&mut self, (changed, open): (usize, usize)) {
        self.changed.truncate(changed);
        self.open.truncate(open);
    }

    pub fn write(self, conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
        search::changes::record_tenders(conn, &self.changed, now)?;
        matching::tenders_changed(conn, &self.open, now)
    }
}

/// The procedure a notice belongs to. A TED notice that refers to an
/// earlier one joins that one's procedure; an eForms change notice must
/// name the procedure of the notice it changes.
fn procedure_key(conn: &mut DbConn, notice: &Notice) -> Result<String, StoreError> {
    let own = format!("{}:{}", notice.format.as_str(), notice.procedure);
    let Some(earlier) = &notice.refers_to else {
        return Ok(own);
    };
    let known: Option<String> = match notice.format {
        Format::Ted => imported_notices::table
            .filter(imported_notices::publication_number.eq(earlier))
            .select(imported_notices::procedure_key)
            .first(conn)
            .optional()?,
        Format::Eforms => imported_notices::table
            .filter(imported_notices::notice_key.eq(format!("eforms:{earlier}")))
            .select(imported_notices::procedure_key)
            .first(conn)
            .optional()?,
    };
    match (notice.format, known) {
        (Format::Eforms, Some(theirs)) if theirs != own && notice.stage == Stage::Change => {
            Err(StoreError::Refused(Problem::ProcedureMismatch {
                changed: earlier.clone(),
                expected: theirs.trim_start_matches("eforms:").to_owned(),
                found: notice.procedure.clone(),
            }))
        }
        (Format::Ted, Some(theirs)) => Ok(theirs),
        _ => Ok(own),
    }
}

/// A new tender for a new procedure, written whole from its one notice:
/// content, status (closed when its deadline has passed or it is an
/// award), the import's details and awards, and the job that closes it at
/// its deadline. Returns its id and status.
fn create(
    conn: &mut DbConn,
    notice: &Notice,
    procedure_key: &str,
    now: NaiveDateTime,
    buyers: &mut ChunkBuyers<'_>,
) -> Result<(TenderId, Status), StoreError> {
    let authority_id = authority::find_or_create(conn, &notice.buyer, now, buyers)?;
    let notices = [notice.clone()];
    let Some(folded) = fold::fold(&notices, now) else {
        unreachable!("one notice folds")
    };
    let content = &folded.content;
    let status = if folded.closed {
        Status::Closed
    } else {
        Status::Published
    };
    let published_at = notice.issued.and_hms_opt(0, 0, 0).unwrap_or(now);
    let id: TenderId = diesel::insert_into(tenders::table)
        .values((
            ContentColumns::of(content),
            (
                tenders::authority_id.eq(authority_id),
                tenders::status.eq(status.as_str()),
                tenders::version.eq(1),
                tenders::created_at.eq(now),
                tenders::updated_at.eq(now),
                tenders::published_at.eq(published_at),
                tenders::closed_at.eq((status == Status::Closed).then_some(now)),
            ),
        ))
        .returning(tenders::id)
        .get_result(conn)?;
    insert_version(conn, id, 1, "publish", content, &ChangeLog::default(), now)?;
    diesel::insert_into(imported_tenders::table)
        .values((
            imported_tenders::tender_id.eq(id),
            imported_tenders::procedure_key.eq(procedure_key),
            imported_tenders::source.eq(notice.format.as_str()),
            imported_tenders::publication_number.eq(publication_number(&folded)),
            imported_tenders::link.eq(link(&folded)),
            imported_tenders::notice_language.eq(&folded.source.language),
            imported_tenders::details.eq(to_json(&folded.details)),
            imported_tenders::awards.eq(to_json(&folded.awards)),
            imported_tenders::created_at.eq(now),
            imported_tenders::updated_at.eq(now),
        ))
        .execute(conn)?;
    if status == Status::Published
        && let Some(deadline) = content.submission_deadline
    {
        schedule_deadline(conn, id, deadline, now)?;
    }
    Ok((id, status))
}

/// The publication number and link an imported tender shows: those of the
/// notice its content comes from, else of the procedure's latest notice.
fn publication_number(folded: &Folded) -> Option<String> {
    folded
        .source
        .publication_number
        .clone()
        .or_else(|| folded.latest.publication_number.clone())
}

fn link(folded: &Folded) -> Option<String> {
    folded
        .source
        .link
        .clone()
        .or_else(|| folded.latest.link.clone())
}

/// Writes the state all of the procedure's notices fold into: a content
/// change is a new version with its change log, like an amendment; an
/// award closes the tender. Returns the tender's status when anything
/// changed.
fn rebuild(
    conn: &mut DbConn,
    tender_id: TenderId,
    procedure_key: &str,
    now: NaiveDateTime,
) -> Result<Option<Status>, StoreError> {
    let stored: Vec<String> = imported_notices::table
        .filter(imported_notices::procedure_key.eq(procedure_key))
        .select(imported_notices::notice)
        .load(conn)?;
    let mut notices = Vec::with_capacity(stored.len());
    for json in stored {
        notices.push(serde_json::from_str::<Notice>(&json).map_err(|e| {
            StoreError::Refused(Problem::Unreadable {
                field: "stored notice",
                value: e.to_string(),
            })
        })?);
    }
    fold::sort(&mut notices);
    let Some(folded) = fold::fold(&notices, now) else {
        return Ok(None);
    };
    let row = model::find(conn, tender_id)?;
    let before = row.content();
    let mut changed = false;

    let changes = rules::diff(&before, &folded.content);
    if !changes.is_empty() {
        let version = row.version + 1;
        set_content(conn, tender_id, &folded.content, now)?;
        diesel::update(tenders::table.find(tender_id))
            .set(tenders::version.eq(version))
            .execute(conn)?;
        let log = ChangeLog {
            reason: Some(reason(&folded)),
            changes,
        };
        insert_version(
            conn,
            tender_id,
            version,
            "amend",
            &folded.content,
            &log,
            now,
        )?;
        changed = true;
    }

    let status = if folded.closed {
        Status::Closed
    } else {
        Status::Published
    };
    if row.status != status && row.status != Status::Cancelled {
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::status.eq(status.as_str()),
                tenders::closed_at.eq((status == Status::Closed).then_some(now)),
                tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
        changed = true;
    }
    if status == Status::Published
        && let Some(deadline) = folded.content.submission_deadline
        && (changed || before.submission_deadline != Some(deadline))
    {
        schedule_deadline(conn, tender_id, deadline, now)?;
    }

    let details = to_json(&folded.details);
    let awards = to_json(&folded.awards);
    let current: (String, String, Option<String>) = imported_tenders::table
        .find(tender_id)
        .select((
            imported_tenders::details,
            imported_tenders::awards,
            imported_tenders::publication_number,
        ))
        .first(conn)?;
    let publication_number = publication_number(&folded);
    if current != (details.clone(), awards.clone(), publication_number.clone()) {
        diesel::update(imported_tenders::table.find(tender_id))
            .set((
                imported_tenders::details.eq(details),
                imported_tenders::awards.eq(awards),
                imported_tenders::publication_number.eq(&publication_number),
                imported_tenders::link.eq(link(&folded)),
                imported_tenders::notice_language.eq(&folded.source.language),
                imported_tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
        changed = true;
    }
    Ok(changed.then_some(if row.status == Status::Cancelled {
        Status::Cancelled
    } else {
        status
    }))
}

/// The change log's reason: the change notice's own, else which notice
/// brought the change.
fn reason(folded: &Folded) -> String {
    let notice = folded.changed_by;
    notice.change_reason.clone().unwrap_or_else(|| {
        let number = notice
            .publication_number
            .clone()
            .unwrap_or_else(|| notice.id.clone());
        format!("TED notice {number}")
    })
}

fn insert_version(
    conn: &mut DbConn,
    tender_id: TenderId,
    version: i32,
    kind: &str,
    content: &Content,
    log: &ChangeLog,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(tender_versions::table)
        .values((
            tender_versions::tender_id.eq(tender_id),
            tender_versions::version.eq(version),
            tender_versions::kind.eq(kind),
            tender_versions::snapshot.eq(to_json(content)),
            tender_versions::changes.eq(to_json(log)),
            tender_versions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
