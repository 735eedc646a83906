//! The index handle: one tantivy index with its only writer (behind a lock)
//! and a reader, the schema version and the last applied change id kept in
//! tantivy's commit payload so that they change atomically with the data.

use std::marker::PhantomData;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tantivy::schema::Value;
use tantivy::{
    DocAddress, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::analysis;
use crate::docs::{ProfileDoc, TenderDoc};
use crate::schema::{IndexedDoc, SCHEMA_VERSION};

pub type TenderIndex = Index<TenderDoc>;
pub type ProfileIndex = Index<ProfileDoc>;

/// Memory for the writer's in-RAM segments before it flushes to disk,
/// when following changes: small batches, one indexing thread, since the
/// machine is shared with serving.
const FOLLOW_MEMORY: usize = 64_000_000;
/// A rebuild fills an empty index with everything at once: both cores and
/// a larger budget, so a million tenders make a few large segments rather
/// than many small ones that must be merged. The budget is a ceiling,
/// taken as documents arrive and given back when segments are written.
const REBUILD_THREADS: usize = 2;
const REBUILD_MEMORY: usize = 400_000_000;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The directory holds an index of another schema version or kind (or
    /// none that can be read as ours): rebuild it from the database.
    #[error("the {kind} index must be rebuilt: {reason}")]
    RebuildNeeded { kind: &'static str, reason: String },
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
}

/// What each commit records beside the documents.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema_version: u32,
    kind: String,
    last_change_id: Option<i64>,
}

pub struct Index<D: IndexedDoc> {
    pub(crate) tantivy: tantivy::Index,
    writer: Mutex<IndexWriter>,
    reader: IndexReader,
    pub(crate) fields: D::Fields,
    doc: PhantomData<fn() -> D>,
}

impl<D: IndexedDoc> Index<D> {
    /// An empty index in memory (tests, benchmarks).
    pub fn in_ram() -> Result<Self, IndexError> {
        let (schema, fields) = D::schema();
        let index = tantivy::Index::builder()
            .schema(schema)
            .settings(D::index_settings())
            .create_in_ram()?;
        Self::start_new(index, fields, 1, FOLLOW_MEMORY)
    }

    /// Opens the index in `dir`, or creates an empty one there when the
    /// directory holds none. An index of another schema version or kind
    /// answers [`IndexError::RebuildNeeded`]; then call [`Index::recreate`]
    /// and fill it from the database.
    pub fn open_or_create(dir: &Path) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir)?;
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| IndexError::Io(std::io::Error::other(e)))?;
        if !tantivy::Index::exists(&directory)
            .map_err(|e| IndexError::Io(std::io::Error::other(e)))?
        {
            return Self::recreate(dir);
        }
        let rebuild = |reason: String| IndexError::RebuildNeeded {
            kind: D::KIND,
            reason,
        };
        let tantivy = tantivy::Index::open(directory).map_err(|e| rebuild(e.to_string()))?;
        let payload = read_payload(&tantivy)?.ok_or_else(|| rebuild("no schema version".into()))?;
        if payload.kind != D::KIND {
            return Err(rebuild(format!("it holds {}", payload.kind)));
        }
        if payload.schema_version != SCHEMA_VERSION {
            return Err(rebuild(format!(
                "schema version {} on disk, {SCHEMA_VERSION} in this build",
                payload.schema_version
            )));
        }
        let (schema, fields) = D::schema();
        if tantivy.schema() != schema {
            return Err(rebuild("the schema differs from this build's".into()));
        }
        Self::start(tantivy, fields, 1, FOLLOW_MEMORY)
    }

    /// Empties `dir` and creates a new index there, to be filled from the
    /// database. A directory that holds files but no index is refused, so
    /// a wrong path never empties the data folder.
    pub fn recreate(dir: &Path) -> Result<Self, IndexError> {
        if dir.exists() {
            let holds_files = std::fs::read_dir(dir)?.next().is_some();
            if holds_files && !dir.join("meta.json").exists() {
                return Err(IndexError::Io(std::io::Error::other(format!(
                    "{} holds files but no search index; it is not emptied",
                    dir.display()
                ))));
            }
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = D::schema();
        let index = tantivy::Index::builder()
            .schema(schema)
            .settings(D::index_settings())
            .create_in_dir(dir)?;
        Self::start_new(index, fields, REBUILD_THREADS, REBUILD_MEMORY)
    }

    fn start_new(
        tantivy: tantivy::Index,
        fields: D::Fields,
        threads: usize,
        memory: usize,
    ) -> Result<Self, IndexError> {
        let index = Self::start(tantivy, fields, threads, memory)?;
        index.commit_with_payload(None)?;
        Ok(index)
    }

    fn start(
        tantivy: tantivy::Index,
        fields: D::Fields,
        threads: usize,
        memory: usize,
    ) -> Result<Self, IndexError> {
        analysis::register(tantivy.tokenizers());
        let writer = tantivy.writer_with_num_threads(threads, memory)?;
        let reader = tantivy
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Index {
            tantivy,
            writer: Mutex::new(writer),
            reader,
            fields,
            doc: PhantomData,
        })
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves at worst uncommitted
        // documents, which the next commit or rollback settles.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the document with the same id (or adds it). Visible after
    /// the next commit, together with the deletion of the old version.
    pub fn upsert(&self, doc: &D) -> Result<(), IndexError> {
        let writer = self.writer();
        writer.delete_term(Term::from_field_u64(D::id_field(&self.fields), doc.id()));
        writer.add_document(doc.to_document(&self.fields))?;
        Ok(())
    }

    pub fn delete(&self, id: u64) {
        self.writer()
            .delete_term(Term::from_field_u64(D::id_field(&self.fields), id));
    }

    /// Commits everything since the last commit, recording the last change
    /// applied, and makes it searchable.
    pub fn commit_with_payload(&self, last_change_id: Option<i64>) -> Result<(), IndexError> {
        let payload = Payload {
            schema_version: SCHEMA_VERSION,
            kind: D::KIND.to_owned(),
            last_change_id,
        };
        let mut writer = self.writer();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&payload).expect("payload serialises"));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The change id recorded by the last commit; `None` for a new index.
    pub fn last_change_id(&self) -> Result<Option<i64>, IndexError> {
        Ok(read_payload(&self.tantivy)?.and_then(|p| p.last_change_id))
    }

    /// How many documents are searchable.
    pub fn len(&self) -> u64 {
        self.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the index keeps of a document, by id.
    pub fn get(&self, id: u64) -> Result<Option<D::Kept>, IndexError> {
        let searcher = self.searcher();
        let query = tantivy::query::TermQuery::new(
            Term::from_field_u64(D::id_field(&self.fields), id),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let hits = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        hits.first()
            .map(|(_, address)| self.load(&searcher, *address))
            .transpose()
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn load(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<D::Kept, IndexError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(D::stored_field(&self.fields))
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        serde_json::from_str(json).map_err(|e| IndexError::RebuildNeeded {
            kind: D::KIND,
            reason: format!("a stored document does not read back: {e}"),
        })
    }
}

fn read_payload(index: &tantivy::Index) -> Result<Option<Payload>, IndexError> {
    let metas = index.load_metas()?;
    Ok(metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::KeptTender;
    use crate::test_support::*;

    #[test]
    fn upsert_replaces_and_delete_removes_at_the_next_commit() {
        let index = TenderIndex::in_ram().unwrap();
        index
            .upsert(&tender(1, "da", "Rengøring", "Skoler"))
            .unwrap();
        index
            .upsert(&tender(2, "en", "Cleaning", "Schools"))
            .unwrap();
        assert_eq!(index.len(), 0, "nothing is visible before the commit");
        index.commit_with_payload(Some(2)).unwrap();
        assert_eq!(index.len(), 2);

        let newer = tender(1, "da", "Vinduespudsning", "Skoler");
        index.upsert(&newer).unwrap();
        index.delete(2);
        index.commit_with_payload(Some(4)).unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(index.get(1).unwrap(), Some(KeptTender::of(&newer)));
        assert!(index.get(2).unwrap().is_none());
    }

    #[test]
    fn two_versions_in_one_commit_leave_the_last_one() {
        let index = TenderIndex::in_ram().unwrap();
        let first = tender(1, "da", "Første", "");
        let second = tender(1, "da", "Anden", "");
        index.upsert(&first).unwrap();
        index.upsert(&second).unwrap();
        index.commit_with_payload(Some(2)).unwrap();
        assert_eq!(index.len(), 1);
        let kept = index.get(1).unwrap().expect("kept");
        assert_eq!(kept.texts_digest, second.texts_digest());
        assert_ne!(kept.texts_digest, first.texts_digest());
        assert!(
            kept.tender.texts.is_empty(),
            "the texts stay in the database"
        );
    }

    #[test]
    fn a_folder_that_is_no_index_is_never_emptied() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("socialbid.db"), "data").unwrap();
        assert!(TenderIndex::recreate(dir.path()).is_err());
        assert!(TenderIndex::open_or_create(dir.path()).is_err());
        assert!(dir.path().join("socialbid.db").exists());
    }

    #[test]
    fn handles_are_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<TenderIndex>();
        shareable::<ProfileIndex>();
    }

    #[test]
    fn the_last_change_id_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = ProfileIndex::open_or_create(dir.path()).unwrap();
            assert_eq!(index.last_change_id().unwrap(), None);
            index.upsert(&profile(7, "en", "Jobs", "Catering")).unwrap();
            index.commit_with_payload(Some(41)).unwrap();
        }
        let reopened = ProfileIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(reopened.last_change_id().unwrap(), Some(41));
        assert_eq!(reopened.len(), 1);
        assert_eq!(
            reopened.get(7).unwrap().unwrap().texts[0].capabilities,
            "Catering"
        );
    }

    #[test]
    fn another_schema_version_or_kind_asks_for_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = TenderIndex::open_or_create(dir.path()).unwrap();
            index.upsert(&tender(1, "da", "Rengøring", "")).unwrap();
            let payload = Payload {
                schema_version: SCHEMA_VERSION + 1,
                kind: "tenders".into(),
                last_change_id: Some(9),
            };
            let mut writer = index.writer();
            let mut prepared = writer.prepare_commit().unwrap();
            prepared.set_payload(&serde_json::to_string(&payload).unwrap());
            prepared.commit().unwrap();
        }
        let Err(err) = TenderIndex::open_or_create(dir.path()) else {
            panic!("an index of another version opened");
        };
        assert!(
            matches!(
                err,
                IndexError::RebuildNeeded {
                    kind: "tenders",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("schema version"), "{err}");

        let Err(err) = ProfileIndex::open_or_create(dir.path()) else {
            panic!("a tender index opened as profiles");
        };
        assert!(matches!(err, IndexError::RebuildNeeded { .. }), "{err}");

        let rebuilt = TenderIndex::recreate(dir.path()).unwrap();
        assert!(dir.path().join("meta.json").exists());
        assert!(rebuilt.is_empty());
        drop(rebuilt);
        assert!(TenderIndex::open_or_create(dir.path()).is_ok());
    }
}
