//! Bidding: members of an approved organisation keep a draft bid per tender
//! and lot, submit it, withdraw and submit again until the deadline. Bids
//! are sealed: their content is encrypted at rest (`seal`), and until the
//! owning officer opens them after the deadline nobody but the bidding
//! organisation learns anything of them, not even how many there are
//! (`access`, the one rule every read path asks).

pub mod access;
pub mod api;
pub mod consortium;
pub mod documents;
pub mod model;
pub mod opening;
pub mod pages;
pub mod reading;
pub mod rules;
pub mod seal;
pub mod writing;
