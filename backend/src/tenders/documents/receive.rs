//! Receiving an upload: the bytes go to a temporary file in the documents
//! folder as they arrive, hashed and counted on the way, so a large file is
//! never held in memory and an oversized one is cut off at the limit.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::MAX_BYTES;
use super::format::HEAD_BYTES;
use crate::error::{AppError, AppResult, FieldError};

/// Chunks are gathered to this size before they are hashed and written on
/// the blocking pool: hashing a quarter megabyte takes far longer than an
/// async thread may be held, and a hand-off per tiny chunk costs more
/// than it saves.
const WRITE_BATCH: usize = 256 * 1024;

/// The extension of an upload still arriving.
const PARTIAL: &str = "part";

/// Removes the partial uploads in `dir` last written before `cutoff`: a
/// finished or refused upload removes its own, so these are what a crash
/// or a kill left behind. Returns how many went.
pub fn sweep_partial(dir: &Path, cutoff: std::time::SystemTime) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        entries => entries?,
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(PARTIAL) {
            continue;
        }
        let meta = std::fs::metadata(&path)?;
        if meta.is_file() && meta.modified()? < cutoff {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                // Finished or swept by someone else meanwhile.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

pub fn too_large() -> AppError {
    AppError::invalid(vec![
        FieldError::new("file", "too_large").with("max_mb", MAX_BYTES / 1024 / 1024),
    ])
}

/// A file in the documents folder that is removed when dropped, unless it
/// was kept under its final name.
pub struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the file to `target` (in the same folder, so a rename).
    pub async fn keep_as(mut self, target: &Path) -> AppResult<()> {
        tokio::fs::rename(&self.path, target)
            .await
            .map_err(AppError::internal)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            // One unlink; it may already be gone if creating it failed.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// An upload in progress.
pub struct Receiving {
    temp: TempFile,
    /// Taken out while a batch is written on the blocking pool.
    sink: Option<(std::fs::File, Sha256)>,
    batch: Vec<u8>,
    size: usize,
    head: Vec<u8>,
}

/// A complete upload, still under its temporary name.
pub struct Received {
    pub temp: TempFile,
    pub size: usize,
    pub sha256: String,
    /// The first bytes, for recognising the format.
    pub head: Vec<u8>,
}

impl Receiving {
    pub async fn start(dir: &Path) -> AppResult<Receiving> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(AppError::internal)?;
        let temp = TempFile {
            path: dir.join(format!(
                "{}.{PARTIAL}",
                hex::encode(rand::random::<[u8; 16]>())
            )),
            kept: false,
        };
        let file = tokio::fs::File::create_new(&temp.path)
            .await
            .map_err(AppError::internal)?
            .into_std()
            .await;
        Ok(Receiving {
            temp,
            sink: Some((file, Sha256::new())),
            batch: Vec::with_capacity(WRITE_BATCH),
            size: 0,
            head: Vec::with_capacity(HEAD_BYTES),
        })
    }

    /// Adds the next chunk; refuses once the total passes the limit (the
    /// partial file goes when `self` is dropped).
    pub async fn push(&mut self, chunk: &[u8]) -> AppResult<()> {
        self.size += chunk.len();
        if self.size > MAX_BYTES {
            return Err(too_large());
        }
        let missing = HEAD_BYTES - self.head.len();
        self.head
            .extend_from_slice(&chunk[..missing.min(chunk.len())]);
        self.batch.extend_from_slice(chunk);
        if self.batch.len() >= WRITE_BATCH {
            self.write_batch().await?;
        }
        Ok(())
    }

    async fn write_batch(&mut self) -> AppResult<()> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(WRITE_BATCH));
        let (mut file, mut hasher) = self
            .sink
            .take()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("an earlier write failed")))?;
        let sink = tokio::task::spawn_blocking(move || {
            hasher.update(&batch);
            file.write_all(&batch).map(|()| (file, hasher))
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
        self.sink = Some(sink);
        Ok(())
    }

    pub async fn finish(mut self) -> AppResult<Received> {
        self.write_batch().await?;
        let (file, hasher) = self
            .sink
            .take()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("an earlier write failed")))?;
        drop(file);
        Ok(Received {
            temp: self.temp,
            size: self.size,
            sha256: hex::encode(hasher.finalize()),
            head: self.head,
        })
    }
}
