//! Search: the change feed, this process's indexes that follow it, and
//! (with `api` and `pages`) tender search and the profile directory over
//! them. The ranking itself lives in the `indexer` crate.

pub mod api;
pub mod changes;
/// The index library, for callers that read its documents.
pub use socialbid_indexer as indexer;

pub mod documents;
pub mod filters;
mod follower;
mod indexes;
pub mod pages;
mod rebuild;
pub mod tender_search;

pub use follower::{apply_pending, follow, indexes, lag, start};
pub use indexes::{Opened, SearchIndexes};
