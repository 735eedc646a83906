//! Matching, both ways: for a published tender the approved profiles that
//! could deliver it, for an approved organisation the open tenders it could
//! win, each with the reasons of its score; and the reach estimate officers
//! see while drafting. The ranking is the `indexer` crate's; this feature
//! stores its answers (a job computes them when the cause is written), reads
//! them back through the hard rules as they stand now, and shows them.

pub mod api;
pub mod dismissals;
mod job;
pub mod pages;
mod queueing;
pub mod reach;
mod reading;
pub mod reasons;
mod store;

pub use job::ComputeMatches;
pub use queueing::{organisation_changed, tender_changed, tender_withdrawn, tenders_changed};
pub(crate) use reading::tender_matches;
pub use reading::{
    MAX_LIMIT, OrganisationMatches, ProfileMatchView, TenderMatchView, TenderMatches,
    for_organisation, for_tender,
};
pub use reasons::{Reader, ReasonView, WordedReason, word_all};
