//! Tender documents: PDF and office files, recognised by their content
//! (magic bytes and, for zipped formats, the ZIP directory), never by the
//! name or the declared type alone, and named with the matching extension.
//! Streamed to the data directory under a random name while they arrive,
//! and streamed back as attachments.

pub mod form;
pub(crate) mod format;
pub(crate) mod name;
mod receive;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use tokio_util::io::ReaderStream;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::{DocumentId, TenderId, UserId};
use crate::db::schema::{tender_documents, tenders};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::model::{self, Change, ChangeLog, Status};
use crate::tenders::service::{Viewer, insert_version};

/// The largest document accepted, stated on the upload form.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The body limit of the upload form: the file plus room for the CSRF
/// token and the part headers.
pub const MAX_FORM_BODY_BYTES: usize = MAX_BYTES + 64 * 1024;

pub use name::checked as checked_name;
pub use receive::{Received, Receiving, too_large};

#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct DocumentView {
    #[schema(value_type = i64)]
    pub id: DocumentId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content, so a reader can prove what they got.
    pub sha256: String,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
    /// What the document is, shown instead of the file name when given.
    pub title: Option<String>,
}

impl DocumentView {
    /// The title, or else the file name.
    pub fn label(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.file_name)
    }
}

/// The longest document title.
pub const MAX_TITLE: usize = crate::tenders::rules::MAX_TITLE;

/// A title as typed: trimmed, `None` when empty, refused when too long or
/// holding a control character (the upload form's parts are not checked
/// on the way in, as other forms are).
pub fn checked_title(title: Option<&str>) -> AppResult<Option<String>> {
    let title = title.map(str::trim).unwrap_or_default();
    if title.chars().any(crate::web::control_chars::is_refused) {
        return Err(AppError::invalid(vec![
            crate::web::control_chars::field_at("title".to_owned()),
        ]));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(AppError::invalid(vec![
            FieldError::new("title", "too_long").with("max", MAX_TITLE),
        ]));
    }
    Ok(Some(title.to_owned()).filter(|t| !t.is_empty()))
}

fn storage_dir(app: &AppState) -> PathBuf {
    app.config.data_dir.join("documents")
}

pub fn list(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Vec<DocumentView>> {
    tender_documents::table
        .filter(tender_documents::tender_id.eq(tender_id))
        .filter(tender_documents::removed_at.is_null())
        .order(tender_documents::id)
        .select((
            tender_documents::id,
            tender_documents::file_name,
            tender_documents::content_type,
            tender_documents::size_bytes,
            tender_documents::sha256,
            tender_documents::created_at,
            tender_documents::title,
        ))
        .load(conn)
}

/// Refuses before any of the file is read when the officer may not add
/// documents to this tender: not theirs, or neither draft nor published.
pub async fn check_can_upload(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
) -> AppResult<()> {
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            let row = model::find(conn, tender_id)?;
            let viewer = Viewer(Some(&officer));
            if !viewer.can_see(&row) {
                return Err(AppError::not_found());
            }
            if !viewer.owns(&row) {
                return Err(AppError::forbidden("tender_not_yours"));
            }
            if !matches!(row.status, Status::Draft | Status::Published) {
                return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_open"));
            }
            Ok(())
        })
        .await
}

/// Removes uploads that a crash interrupted before `cutoff` (see
/// `retention`); an upload in progress is always younger.
pub async fn sweep_interrupted_uploads(
    app: &AppState,
    cutoff: std::time::SystemTime,
) -> std::io::Result<usize> {
    let dir = storage_dir(app);
    tokio::task::spawn_blocking(move || receive::sweep_partial(&dir, cutoff))
        .await
        .map_err(std::io::Error::other)?
}

/// A new upload, streamed into the documents folder.
pub async fn receive(app: &AppState) -> AppResult<Receiving> {
    Receiving::start(&storage_dir(app)).await
}

/// Adds a received document, named `file_name` (already checked with
/// `checked_name`), to a tender `check_can_upload` allowed. The file is
/// checked before anything is written to the database; on any error the
/// file is removed.
pub async fn store(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
    file_name: String,
    title: Option<String>,
    received: Received,
) -> AppResult<DocumentView> {
    let Received {
        temp,
        size,
        sha256,
        head,
    } = received;
    if size == 0 {
        return Err(AppError::field("file", "empty"));
    }
    let content_type = {
        let (path, name) = (temp.path().to_owned(), file_name.clone());
        tokio::task::spawn_blocking(move || {
            format::identify(&head, &name, || std::fs::File::open(&path))
        })
        .await
        .map_err(AppError::internal)??
        .mime
    };
    let storage_key = hex::encode(rand::random::<[u8; 16]>());
    let path = storage_dir(app).join(&storage_key);
    temp.keep_as(&path).await?;
    let size = size as i64;
    let now = app.clock.now();
    let officer = officer.clone();
    let result = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = model::find(conn, tender_id)?;
                if !matches!(row.status, Status::Draft | Status::Published) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_open"));
                }
                let before = labels(conn, tender_id)?;
                let id: DocumentId = diesel::insert_into(tender_documents::table)
                    .values((
                        tender_documents::tender_id.eq(tender_id),
                        tender_documents::file_name.eq(&file_name),
                        tender_documents::content_type.eq(content_type),
                        tender_documents::size_bytes.eq(size),
                        tender_documents::sha256.eq(&sha256),
                        tender_documents::storage_key.eq(&storage_key),
                        tender_documents::uploaded_by.eq(officer.id),
                        tender_documents::created_at.eq(now),
                        tender_documents::title.eq(&title),
                    ))
                    .returning(tender_documents::id)
                    .get_result(conn)?;
                // A document added after publication is a change everyone can
                // see: a new version with the documents before and after.
                if row.status == Status::Published {
                    let after = labels(conn, tender_id)?;
                    record_change(conn, &row, &before, &after, officer.id, now)?;
                }
                Ok::<_, AppError>(DocumentView {
                    id,
                    file_name,
                    content_type: content_type.to_owned(),
                    size_bytes: size,
                    sha256,
                    created_at: now,
                    title,
                })
            })
        })
        .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    result
}

/// The owning officer removes a document from a draft or a published
/// tender. On a published tender that is a change everyone sees, as adding
/// one is; the file is kept, as earlier versions listed it.
pub async fn remove(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
    document_id: DocumentId,
) -> AppResult<()> {
    let now = app.clock.now();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = model::find(conn, tender_id)?;
                let viewer = Viewer(Some(&officer));
                if !viewer.can_see(&row) {
                    return Err(AppError::not_found());
                }
                if !viewer.owns(&row) {
                    return Err(AppError::forbidden("tender_not_yours"));
                }
                if !matches!(row.status, Status::Draft | Status::Published) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_open"));
                }
                let before = labels(conn, tender_id)?;
                let removed = diesel::update(
                    tender_documents::table
                        .find(document_id)
                        .filter(tender_documents::tender_id.eq(tender_id))
                        .filter(tender_documents::removed_at.is_null()),
                )
                .set(tender_documents::removed_at.eq(now))
                .execute(conn)?;
                if removed == 0 {
                    return Err(AppError::not_found());
                }
                if row.status == Status::Published {
                    let after = labels(conn, tender_id)?;
                    record_change(conn, &row, &before, &after, officer.id, now)?;
                }
                Ok(())
            })
        })
        .await
}

/// The names the change log shows for a tender's documents.
fn labels(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Vec<String>> {
    Ok(list(conn, tender_id)?
        .iter()
        .map(|d| d.label().to_owned())
        .collect())
}

/// A change to a published tender's documents is a new version with the
/// documents before and after.
fn record_change(
    conn: &mut DbConn,
    row: &model::TenderRow,
    before: &[String],
    after: &[String],
    officer_id: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let version = row.version + 1;
    diesel::update(tenders::table.find(row.id))
        .set((tenders::version.eq(version), tenders::updated_at.eq(now)))
        .execute(conn)?;
    let log = ChangeLog {
        reason: None,
        changes: vec![Change {
            field: "documents".into(),
            before: before.join(", "),
            after: after.join(", "),
        }],
    };
    insert_version(
        conn,
        row.id,
        version,
        "amend",
        &row.content(),
        &log,
        officer_id,
        now,
    )
}

/// A stored document on its way to the reader.
pub struct Download {
    name: String,
    content_type: String,
    size: u64,
    file: tokio::fs::File,
}

/// A document, if the viewer may see its tender.
pub async fn download(
    app: &AppState,
    viewer: Option<&AuthUser>,
    tender_id: TenderId,
    document_id: DocumentId,
) -> AppResult<Download> {
    let viewer = viewer.cloned();
    let (name, content_type, key) = app
        .db
        .run(move |conn| {
            let row = model::find(conn, tender_id)?;
            if !Viewer(viewer.as_ref()).can_see(&row) {
                return Err(AppError::not_found());
            }
            let found: (String, String, String) = tender_documents::table
                .find(document_id)
                .filter(tender_documents::tender_id.eq(tender_id))
                .filter(tender_documents::removed_at.is_null())
                .select((
                    tender_documents::file_name,
                    tender_documents::content_type,
                    tender_documents::storage_key,
                ))
                .first(conn)?;
            Ok(found)
        })
        .await?;
    let file = tokio::fs::File::open(storage_dir(app).join(key))
        .await
        .map_err(AppError::internal)?;
    let size = file.metadata().await.map_err(AppError::internal)?.len();
    Ok(Download {
        name,
        content_type,
        size,
        file,
    })
}

/// The file read from disk as the response is sent, as an attachment so a
/// browser never shows it in our origin. `nosniff` is set on every response.
impl IntoResponse for Download {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type),
                (header::CONTENT_DISPOSITION, name::disposition(&self.name)),
                (header::CONTENT_LENGTH, self.size.to_string()),
                (header::CACHE_CONTROL, "private, no-cache".to_owned()),
            ],
            Body::from_stream(ReaderStream::new(self.file)),
        )
            .into_response()
    }
}
