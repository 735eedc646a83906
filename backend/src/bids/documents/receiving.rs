//! Receiving a bid's document in memory: unlike a tender's, it is never
//! written to disk before it is sealed. Cut off at the same limit as a
//! tender's documents, so one upload holds at most that much.

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};
use crate::tenders::documents::form::FileSink;
use crate::tenders::documents::{MAX_BYTES, format, too_large};

/// An upload in progress.
#[derive(Default)]
pub struct Receiving {
    bytes: Vec<u8>,
}

impl FileSink for Receiving {
    async fn push(&mut self, chunk: &[u8]) -> AppResult<()> {
        Receiving::push(self, chunk)
    }
}

/// A complete upload whose format is known.
pub struct Received {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub content_type: &'static str,
}

impl Receiving {
    /// Adds the next chunk; refuses once the total passes the limit.
    pub fn push(&mut self, chunk: &[u8]) -> AppResult<()> {
        if self.bytes.len() + chunk.len() > MAX_BYTES {
            return Err(too_large());
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The upload, recognised by its content and checked against the
    /// extension of `name`; hashing and the ZIP directory run off the
    /// async threads.
    pub async fn finish(self, name: &str) -> AppResult<Received> {
        if self.bytes.is_empty() {
            return Err(AppError::field("file", "empty"));
        }
        let name = name.to_owned();
        let bytes = self.bytes;
        tokio::task::spawn_blocking(move || {
            let head = &bytes[..bytes.len().min(format::HEAD_BYTES)];
            let content_type =
                format::identify(head, &name, || Ok(std::io::Cursor::new(bytes.as_slice())))?.mime;
            let sha256 = hex::encode(Sha256::digest(&bytes));
            Ok(Received {
                bytes,
                sha256,
                content_type,
            })
        })
        .await
        .map_err(AppError::internal)?
    }
}
