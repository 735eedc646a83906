//! Tender documents: PDF and office files, recognised by their content
//! (magic bytes and, for zipped formats, the parts inside), never by the
//! name or the declared type alone. Stored under the data directory with a
//! random name, served as attachments with `nosniff`.

use std::path::PathBuf;

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::schema::{tender_documents, tenders};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::model::{self, Change, ChangeLog, Status};
use crate::tenders::service::{Viewer, insert_version};

/// The largest document accepted, stated on the upload form.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_NAME: usize = 200;

#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct DocumentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content, so a reader can prove what they got.
    pub sha256: String,
    pub created_at: NaiveDateTime,
}

/// (short name for the page, MIME type) of the formats accepted.
pub fn sniff(bytes: &[u8], file_name: &str) -> Option<(&'static str, &'static str)> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        return Some(("pdf", "application/pdf"));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // The old binary Office formats share one container.
        return match ext.as_str() {
            "doc" => Some(("doc", "application/msword")),
            "xls" => Some(("xls", "application/vnd.ms-excel")),
            _ => None,
        };
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        // OpenDocument: the first entry is an uncompressed `mimetype`.
        if bytes.len() > 38 && &bytes[30..38] == b"mimetype" {
            if has(b"application/vnd.oasis.opendocument.text") {
                return Some(("odt", "application/vnd.oasis.opendocument.text"));
            }
            if has(b"application/vnd.oasis.opendocument.spreadsheet") {
                return Some(("ods", "application/vnd.oasis.opendocument.spreadsheet"));
            }
            return None;
        }
        if has(b"[Content_Types].xml") {
            if has(b"word/") {
                return Some((
                    "docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ));
            }
            if has(b"xl/") {
                return Some((
                    "xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ));
            }
            if has(b"ppt/") {
                return Some((
                    "pptx",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ));
            }
        }
    }
    None
}

fn storage_dir(app: &AppState) -> PathBuf {
    app.config.data_dir.join("documents")
}

/// A file name safe to show and to put in a header: no path, no quotes or
/// control characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | ';'))
        .collect::<String>()
        .trim()
        .to_owned()
}

pub fn list(conn: &mut DbConn, tender_id: i64) -> QueryResult<Vec<DocumentView>> {
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
        ))
        .load(conn)
}

/// Adds a document to a draft or published tender of the officer's
/// authority. Checked before anything is written.
pub async fn upload(
    app: &AppState,
    officer: &AuthUser,
    tender_id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<DocumentView> {
    let file_name = clean_name(file_name);
    if bytes.is_empty() {
        return Err(AppError::field("file", "empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::invalid(vec![
            FieldError::new("file", "too_large").with("max_mb", MAX_BYTES / 1024 / 1024),
        ]));
    }
    if file_name.is_empty() || file_name.chars().count() > MAX_NAME {
        return Err(AppError::field("file", "name"));
    }
    let Some((_, content_type)) = sniff(&bytes, &file_name) else {
        return Err(AppError::field("file", "wrong_type"));
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let storage_key = hex::encode(rand::random::<[u8; 16]>());
    let now = app.clock.now();
    let officer = officer.clone();
    // Check ownership before writing the file.
    app.db
        .run({
            let officer = officer.clone();
            move |conn| {
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
            }
        })
        .await?;
    let dir = storage_dir(app);
    let path = dir.join(&storage_key);
    let size = bytes.len() as i64;
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::write(&path, bytes)
        .await
        .map_err(AppError::internal)?;
    let result = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = model::find(conn, tender_id)?;
                if !matches!(row.status, Status::Draft | Status::Published) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_open"));
                }
                let before: Vec<String> = list(conn, tender_id)?
                    .into_iter()
                    .map(|d| d.file_name)
                    .collect();
                let id: i64 = diesel::insert_into(tender_documents::table)
                    .values((
                        tender_documents::tender_id.eq(tender_id),
                        tender_documents::file_name.eq(&file_name),
                        tender_documents::content_type.eq(content_type),
                        tender_documents::size_bytes.eq(size),
                        tender_documents::sha256.eq(&sha256),
                        tender_documents::storage_key.eq(&storage_key),
                        tender_documents::uploaded_by.eq(officer.id),
                        tender_documents::created_at.eq(now),
                    ))
                    .returning(tender_documents::id)
                    .get_result(conn)?;
                // A document added after publication is a change everyone can
                // see: a new version with the documents before and after.
                if row.status == Status::Published {
                    let mut after = before.clone();
                    after.push(file_name.clone());
                    let version = row.version + 1;
                    diesel::update(tenders::table.find(tender_id))
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
                        tender_id,
                        version,
                        "amend",
                        &row.content(),
                        &log,
                        officer.id,
                        now,
                    )?;
                }
                Ok::<_, AppError>(DocumentView {
                    id,
                    file_name,
                    content_type: content_type.to_owned(),
                    size_bytes: size,
                    sha256,
                    created_at: now,
                })
            })
        })
        .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    result
}

/// A document's name, type and bytes, if the viewer may see its tender.
pub async fn download(
    app: &AppState,
    viewer: Option<&AuthUser>,
    tender_id: i64,
    document_id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
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
    let bytes = tokio::fs::read(storage_dir(app).join(key))
        .await
        .map_err(AppError::internal)?;
    Ok((name, content_type, bytes))
}

/// `Content-Disposition: attachment` with an ASCII fallback name and the
/// real name in RFC 5987 form.
pub fn disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_formats_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ...", "x.pdf").unwrap().0, "pdf");
        assert_eq!(sniff(b"%PDF-1.7 ...", "x.txt").unwrap().0, "pdf");
        assert!(sniff(b"<html>", "x.pdf").is_none());
        assert!(sniff(b"MZ\x90\x00", "x.docx").is_none());
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert_eq!(sniff(&docx, "a.docx").unwrap().0, "docx");
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(clean_name("../../etc/pass\"wd"), "passwd");
        assert!(disposition("Udbud æ.pdf").starts_with("attachment; filename=\"Udbud _.pdf\""));
    }
}
