//! Where a bid's documents are kept: the sealed file under the data
//! folder's `bid-documents/`, named by a random storage key, and a row in
//! `bid_documents` whose description (name, title, type, size, hash) is
//! sealed too. Both are bound to the bid and the storage key, so neither
//! opens as another bid's or another document's.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::bids::model::BidRow;
use crate::bids::seal::BidSeal;
use crate::db::DbConn;
use crate::db::ids::{BidDocumentId, BidId, UserId};
use crate::db::schema::bid_documents;
use crate::error::{AppError, AppResult};

/// The folder of the sealed files.
pub fn folder(app: &AppState) -> PathBuf {
    app.config.data_dir.join("bid-documents")
}

/// A new random storage key: the file's name on disk.
pub fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// What the associated data of a document's file names: its bid's place
/// and its storage key.
pub fn file_place(bid: &BidRow, storage_key: &str) -> String {
    format!("{}:document:{storage_key}", bid.place())
}

fn description_place(bid: &BidRow, storage_key: &str) -> String {
    format!("{}:described", file_place(bid, storage_key))
}

/// What is said of a document, sealed in its row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Description {
    pub file_name: String,
    pub title: Option<String>,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// A document of a bid, for those who may read the bid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BidDocumentView {
    #[schema(value_type = i64)]
    pub id: BidDocumentId,
    pub file_name: String,
    /// What the document is, shown instead of the file name when given.
    pub title: Option<String>,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content, as the receipt names it.
    pub sha256: String,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
}

impl BidDocumentView {
    /// The title, or else the file name.
    pub fn label(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.file_name)
    }
}

/// Seals the description of a document for its row.
pub fn seal_description(
    seal: &BidSeal,
    bid: &BidRow,
    storage_key: &str,
    description: &Description,
) -> AppResult<String> {
    let json = serde_json::to_vec(description).map_err(AppError::internal)?;
    Ok(seal.seal(&description_place(bid, storage_key), &json)?)
}

/// The bid's documents, oldest first; a row that does not open is an
/// internal error, as for the bid's content.
pub fn list(conn: &mut DbConn, seal: &BidSeal, bid: &BidRow) -> AppResult<Vec<BidDocumentView>> {
    let rows: Vec<(BidDocumentId, String, String, NaiveDateTime)> = bid_documents::table
        .filter(bid_documents::bid_id.eq(bid.id))
        .order(bid_documents::id)
        .select((
            bid_documents::id,
            bid_documents::sealed,
            bid_documents::storage_key,
            bid_documents::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, sealed, key, created_at)| {
            let d = open_description(seal, bid, &key, &sealed)?;
            Ok(BidDocumentView {
                id,
                file_name: d.file_name,
                title: d.title,
                content_type: d.content_type,
                size_bytes: d.size_bytes,
                sha256: d.sha256,
                created_at,
            })
        })
        .collect()
}

fn open_description(
    seal: &BidSeal,
    bid: &BidRow,
    storage_key: &str,
    sealed: &str,
) -> AppResult<Description> {
    let bytes = seal.open(&description_place(bid, storage_key), sealed)?;
    serde_json::from_slice(&bytes).map_err(AppError::internal)
}

/// One document of the bid: its description and storage key; 404 when
/// the bid has no such document.
pub fn find(
    conn: &mut DbConn,
    seal: &BidSeal,
    bid: &BidRow,
    id: BidDocumentId,
) -> AppResult<(Description, String)> {
    let (sealed, key): (String, String) = bid_documents::table
        .find(id)
        .filter(bid_documents::bid_id.eq(bid.id))
        .select((bid_documents::sealed, bid_documents::storage_key))
        .first(conn)?;
    Ok((open_description(seal, bid, &key, &sealed)?, key))
}

pub fn count(conn: &mut DbConn, bid_id: BidId) -> QueryResult<i64> {
    bid_documents::table
        .filter(bid_documents::bid_id.eq(bid_id))
        .count()
        .get_result(conn)
}

pub fn insert(
    conn: &mut DbConn,
    bid_id: BidId,
    sealed: &str,
    storage_key: &str,
    uploaded_by: UserId,
    now: NaiveDateTime,
) -> QueryResult<BidDocumentId> {
    diesel::insert_into(bid_documents::table)
        .values((
            bid_documents::bid_id.eq(bid_id),
            bid_documents::sealed.eq(sealed),
            bid_documents::storage_key.eq(storage_key),
            bid_documents::uploaded_by.eq(uploaded_by),
            bid_documents::created_at.eq(now),
        ))
        .returning(bid_documents::id)
        .get_result(conn)
}

/// Deletes the row; its storage key, for the file to go after the commit.
pub fn delete(conn: &mut DbConn, bid_id: BidId, id: BidDocumentId) -> AppResult<String> {
    let key: String = bid_documents::table
        .find(id)
        .filter(bid_documents::bid_id.eq(bid_id))
        .select(bid_documents::storage_key)
        .first(conn)?;
    diesel::delete(bid_documents::table.find(id)).execute(conn)?;
    Ok(key)
}

/// Writes a sealed file under a new name: created, never overwritten.
pub fn write_file(folder: &Path, storage_key: &str, sealed: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(folder)?;
    let path = folder.join(storage_key);
    let written = std::fs::File::create_new(&path).and_then(|mut file| {
        file.write_all(sealed)?;
        file.sync_all()
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    written
}

/// Removes a file; one already gone is fine.
pub fn remove_file(folder: &Path, storage_key: &str) -> std::io::Result<()> {
    match std::fs::remove_file(folder.join(storage_key)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes the files last written before `cutoff` that no row names: the
/// documents of bids deleted with their organisation, and files a crash
/// left before their row was written. Returns how many went.
pub fn sweep_orphans(
    conn: &mut DbConn,
    folder: &Path,
    cutoff: std::time::SystemTime,
) -> anyhow::Result<usize> {
    let entries = match std::fs::read_dir(folder) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        entries => entries?,
    };
    let mut old = Vec::new();
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_file() && meta.modified()? < cutoff {
            old.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    let mut removed = 0;
    for keys in old.chunks(500) {
        let named: Vec<String> = bid_documents::table
            .filter(bid_documents::storage_key.eq_any(keys))
            .select(bid_documents::storage_key)
            .load(conn)?;
        for key in keys.iter().filter(|k| !named.contains(k)) {
            remove_file(folder, key)?;
            removed += 1;
        }
    }
    Ok(removed)
}
