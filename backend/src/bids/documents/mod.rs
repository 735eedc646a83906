//! A bid's documents: the formats a tender's documents take, recognised
//! by their content, but sealed. An upload is received in memory (never
//! written unsealed), sealed under the bid key with the bid and the file
//! as associated data, and kept in the data folder; what is said of it
//! (name, title, type, size, hash) is sealed in its row. Documents are
//! read through the bid's own rule (`access::readable`), added and removed
//! only by the lead while the bid may change, and a submission's receipt
//! hashes their names and hashes with the content.

pub mod api;
pub mod pages;
pub mod receiving;
pub mod store;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{BidDocumentId, BidId};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::documents::name;
use crate::tenders::model as tenders;

use super::access;
use super::consortium::inviting::changeable_bid;
use super::model::{self, BidRow};
pub use receiving::{Received, Receiving};
pub use store::BidDocumentView;

/// The most documents one bid holds.
pub const MAX_DOCUMENTS: i64 = 20;

/// Refuses before any of the file is read when the caller may not add a
/// document to the bid: not the lead's, past the deadline, submitted, or
/// full. Returns the bid, whose place the file is sealed for.
pub async fn check_can_add(app: &AppState, user: &AuthUser, bid_id: BidId) -> AppResult<BidRow> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            let (bid, _) = changeable_bid(conn, &user, bid_id, now)?;
            refuse_if_full(conn, bid_id)?;
            Ok(bid)
        })
        .await
}

fn refuse_if_full(conn: &mut crate::db::DbConn, bid_id: BidId) -> AppResult<()> {
    if store::count(conn, bid_id)? >= MAX_DOCUMENTS {
        return Err(AppError::invalid(vec![
            FieldError::new("file", "too_many").with("max", MAX_DOCUMENTS),
        ]));
    }
    Ok(())
}

/// Seals and stores a received document on a bid `check_can_add` allowed.
/// The file is written first and removed again if the row is not; the
/// checks are made again with the bid held, against a submission or
/// another upload meanwhile.
pub async fn add(
    app: &AppState,
    user: &AuthUser,
    bid: &BidRow,
    file_name: String,
    title: Option<String>,
    received: Received,
) -> AppResult<BidDocumentView> {
    let now = app.clock.now();
    let key = store::new_key();
    let description = store::Description {
        file_name,
        title,
        content_type: received.content_type.to_owned(),
        size_bytes: received.bytes.len() as i64,
        sha256: received.sha256,
    };
    let folder = store::folder(app);
    {
        let (state, bid, key, folder) = (app.clone(), bid.clone(), key.clone(), folder.clone());
        let bytes = received.bytes;
        tokio::task::spawn_blocking(move || {
            let sealed = state
                .seal
                .seal_bytes(&store::file_place(&bid, &key), &bytes)?;
            store::write_file(&folder, &key, &sealed)?;
            anyhow::Ok(())
        })
        .await
        .map_err(AppError::internal)??;
    }
    let (state, user, bid_id) = (app.clone(), user.clone(), bid.id);
    let stored_key = key.clone();
    let result = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (bid, _) = changeable_bid(conn, &user, bid_id, now)?;
                refuse_if_full(conn, bid_id)?;
                let sealed = store::seal_description(&state.seal, &bid, &stored_key, &description)?;
                let id = store::insert(conn, bid_id, &sealed, &stored_key, user.id, now)?;
                touch(conn, bid_id, now)?;
                Ok::<_, AppError>(BidDocumentView {
                    id,
                    file_name: description.file_name,
                    title: description.title,
                    content_type: description.content_type,
                    size_bytes: description.size_bytes,
                    sha256: description.sha256,
                    created_at: now,
                })
            })
        })
        .await;
    if result.is_err() {
        let _ = store::remove_file(&folder, &key);
    }
    result
}

/// The lead removes a document while the bid may change; the file goes
/// once the row has.
pub async fn remove(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    document_id: BidDocumentId,
) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    let key = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                changeable_bid(conn, &user, bid_id, now)?;
                let key = store::delete(conn, bid_id, document_id)?;
                touch(conn, bid_id, now)?;
                Ok::<_, AppError>(key)
            })
        })
        .await?;
    // A file that stays for now is swept as an orphan by the daily clean-up.
    if let Err(error) = store::remove_file(&store::folder(app), &key) {
        tracing::warn!(%error, "a removed bid document's file stays until the clean-up");
    }
    Ok(())
}

/// A change of documents is a change of the bid.
fn touch(
    conn: &mut crate::db::DbConn,
    bid_id: BidId,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    use crate::db::schema::bids;
    diesel::update(bids::table.find(bid_id))
        .set(bids::updated_at.eq(now))
        .execute(conn)
}

/// An opened document on its way to a reader of the bid.
pub struct Download {
    name: String,
    content_type: String,
    bytes: Vec<u8>,
}

/// A document, for whoever may read its bid (`access::readable`): the
/// lead and accepted partners always, the owning officer once the bids
/// are opened. Anyone else is told it does not exist.
pub async fn download(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    document_id: BidDocumentId,
) -> AppResult<Download> {
    let now = app.clock.now();
    let (user, state) = (user.clone(), app.clone());
    let (bid, description, key) = app
        .db
        .run(move |conn| {
            let bid = model::find(conn, bid_id)?;
            let tender = tenders::find(conn, bid.tender_id)?;
            access::readable(conn, &user, &bid, &tender, now)?;
            let (description, key) = store::find(conn, &state.seal, &bid, document_id)?;
            Ok::<_, AppError>((bid, description, key))
        })
        .await?;
    let (state, folder) = (app.clone(), store::folder(app));
    let bytes = tokio::task::spawn_blocking(move || {
        let sealed = std::fs::read(folder.join(&key))?;
        state
            .seal
            .open_bytes(&store::file_place(&bid, &key), &sealed)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Download {
        name: description.file_name,
        content_type: description.content_type,
        bytes,
    })
}

/// As an attachment, never cached: a sealed bid's document is not kept
/// by a browser or a proxy after it was read.
impl IntoResponse for Download {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, self.content_type),
                (header::CONTENT_DISPOSITION, name::disposition(&self.name)),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            self.bytes,
        )
            .into_response()
    }
}
