//! Saved searches: an entrepreneur keeps a tender search by its address,
//! runs it again from the start page, and is mailed each new tender it
//! finds (`found`, in the transaction that stores the tender's matches, as
//! the notifier's kind `saved_search`).

pub mod api;
mod found;
pub mod pages;
mod store;

pub use found::tender_found;
pub use store::{SavedSearch, list, list_for};
