//! This process's search indexes: a tender index and a profile index in a
//! directory of its own under the data folder, with the id of the last
//! change from the feed they hold. Every `serve` and `worker` process keeps
//! its own copy and follows the feed, so processes share nothing but the
//! database.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use anyhow::Context;
use socialbid_indexer::{IndexError, ProfileIndex, TenderIndex};

use super::changes::{self, Change, Entity};
use super::documents;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::error::AppResult;

/// How many changes one commit applies at most: a burst is applied in a
/// few commits, not one per document.
const BATCH: i64 = 2_000;

/// How many index directories a data folder may hold (one per process on
/// the machine).
const MAX_SLOTS: usize = 32;

pub struct SearchIndexes {
    pub tenders: TenderIndex,
    pub profiles: ProfileIndex,
    dir: PathBuf,
    /// The last change both indexes hold, committed.
    applied: AtomicI64,
    /// One applier at a time: the follower and a job that needs the index
    /// current may both try.
    applying: Mutex<()>,
    /// Held for the life of the process, so no other process opens (or
    /// rebuilds) this directory.
    _slot: File,
}

/// What opening found.
pub enum Opened {
    /// The indexes were there, of this schema version: the feed is applied
    /// from their last change on.
    Resumed,
    /// New, or of another schema version: they must be rebuilt from the
    /// database before use.
    Empty,
}

impl SearchIndexes {
    /// Opens the first index directory under `data_dir/index` that no other
    /// process holds, creating it when needed.
    pub fn open(data_dir: &Path) -> anyhow::Result<(SearchIndexes, Opened)> {
        let root = index_root(data_dir)?;
        for slot in 0..MAX_SLOTS {
            if let Some(lock) = take_slot(&root, slot)? {
                return Self::open_slot(root.join(slot.to_string()), lock);
            }
        }
        anyhow::bail!(
            "all {MAX_SLOTS} search index directories under {} are in use",
            root.display()
        )
    }

    /// Empties every index directory under `data_dir/index` that no running
    /// process holds (slot 0 when there is none yet) and hands each back to
    /// be rebuilt; `busy` is told the directories left alone.
    pub fn recreate_free(
        data_dir: &Path,
        mut busy: impl FnMut(&Path),
    ) -> anyhow::Result<Vec<SearchIndexes>> {
        let root = index_root(data_dir)?;
        let mut free = Vec::new();
        for slot in 0..MAX_SLOTS {
            let dir = root.join(slot.to_string());
            if slot > 0 && !dir.exists() {
                continue;
            }
            let Some(lock) = take_slot(&root, slot)? else {
                busy(&dir);
                continue;
            };
            let indexes = SearchIndexes {
                tenders: TenderIndex::recreate(&dir.join("tenders"))?,
                profiles: ProfileIndex::recreate(&dir.join("profiles"))?,
                dir,
                applied: AtomicI64::new(0),
                applying: Mutex::new(()),
                _slot: lock,
            };
            free.push(indexes);
        }
        Ok(free)
    }

    fn open_slot(dir: PathBuf, lock: File) -> anyhow::Result<(SearchIndexes, Opened)> {
        let tenders_dir = dir.join("tenders");
        let profiles_dir = dir.join("profiles");
        let opened = (
            TenderIndex::open_or_create(&tenders_dir),
            ProfileIndex::open_or_create(&profiles_dir),
        );
        let (tenders, profiles, applied) = match opened {
            (Ok(tenders), Ok(profiles)) => {
                // The two commits are not atomic together: after a crash
                // between them, resume from the older one (applying a change
                // twice is harmless).
                let applied = match (tenders.last_change_id()?, profiles.last_change_id()?) {
                    (Some(t), Some(p)) => Some(t.min(p)),
                    _ => None,
                };
                (tenders, profiles, applied)
            }
            (tenders, profiles) => {
                for error in [tenders.err(), profiles.err()].into_iter().flatten() {
                    match error {
                        IndexError::RebuildNeeded { .. } => {
                            tracing::warn!(%error, dir = %dir.display(), "rebuilding the search index");
                        }
                        other => return Err(other.into()),
                    }
                }
                (
                    TenderIndex::recreate(&tenders_dir)?,
                    ProfileIndex::recreate(&profiles_dir)?,
                    None,
                )
            }
        };
        let opened = if applied.is_some() {
            Opened::Resumed
        } else {
            Opened::Empty
        };
        Ok((
            SearchIndexes {
                tenders,
                profiles,
                dir,
                applied: AtomicI64::new(applied.unwrap_or_default()),
                applying: Mutex::new(()),
                _slot: lock,
            },
            opened,
        ))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last change the indexes hold.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// Applies every change after the last applied one, in batches, each
    /// ending in one commit that records its last change id. Returns how
    /// many changes it applied.
    pub fn catch_up(&self, conn: &mut DbConn) -> AppResult<usize> {
        let _applying = self.applying.lock().unwrap_or_else(|e| e.into_inner());
        let mut total = 0;
        loop {
            let batch = changes::after(conn, self.applied(), BATCH)?;
            let Some(last) = batch.last().map(|c| c.id) else {
                return Ok(total);
            };
            self.apply(conn, &batch)?;
            self.commit(last)?;
            total += batch.len();
        }
    }

    fn apply(&self, conn: &mut DbConn, batch: &[Change]) -> AppResult<()> {
        let ids = |entity: Entity| -> Vec<i64> {
            batch
                .iter()
                .filter(|c| c.entity == entity)
                .map(|c| c.entity_id)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let tender_ids: Vec<TenderId> = ids(Entity::Tender).into_iter().map(TenderId).collect();
        let docs = documents::tenders(conn, &tender_ids)?;
        for id in tender_ids {
            match docs.get(&id) {
                Some(doc) => self.tenders.upsert(doc)?,
                None => self.tenders.delete(documents::unsigned(id.0)),
            }
        }
        let profile_ids: Vec<OrganisationId> = ids(Entity::Organisation)
            .into_iter()
            .map(OrganisationId)
            .collect();
        let docs = documents::profiles(conn, &profile_ids)?;
        for id in profile_ids {
            match docs.get(&id) {
                Some(doc) => self.profiles.upsert(doc)?,
                None => self.profiles.delete(documents::unsigned(id.0)),
            }
        }
        Ok(())
    }

    fn commit(&self, last: i64) -> AppResult<()> {
        self.tenders.commit_with_payload(Some(last))?;
        self.profiles.commit_with_payload(Some(last))?;
        self.applied.store(last, Ordering::Release);
        Ok(())
    }

    /// Fills empty indexes from the tables, calling `progress` with the
    /// number of documents done and the total. Changes written meanwhile
    /// are applied afterwards by [`SearchIndexes::catch_up`]: the feed's
    /// position is read before the tables, so nothing falls between.
    pub fn rebuild(&self, conn: &mut DbConn, mut progress: impl FnMut(u64, u64)) -> AppResult<()> {
        let _applying = self.applying.lock().unwrap_or_else(|e| e.into_inner());
        let position = changes::latest(conn)?;
        let tender_ids = super::rebuild::tender_ids(conn)?;
        let profile_ids = super::rebuild::organisation_ids(conn)?;
        let total = (tender_ids.len() + profile_ids.len()) as u64;
        let mut done = 0;
        progress(done, total);
        for chunk in tender_ids.chunks(500) {
            for doc in documents::tenders(conn, chunk)?.values() {
                self.tenders.upsert(doc)?;
            }
            done += chunk.len() as u64;
            progress(done, total);
        }
        for chunk in profile_ids.chunks(500) {
            for doc in documents::profiles(conn, chunk)?.values() {
                self.profiles.upsert(doc)?;
            }
            done += chunk.len() as u64;
            progress(done, total);
        }
        self.commit(position)
    }
}

fn index_root(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let root = data_dir.join("index");
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    Ok(root)
}

/// The lock of index directory `slot`, when no other process holds it. The
/// lock file sits beside the directory, so emptying the directory never
/// drops it; the operating system releases it when the process ends, even
/// by `kill -9`.
fn take_slot(root: &Path, slot: usize) -> anyhow::Result<Option<File>> {
    let lock_path = root.join(format!("{slot}.lock"));
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    Ok(lock.try_lock().is_ok().then_some(lock))
}
