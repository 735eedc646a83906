//! The search index (tantivy): tender search with facets, the profile
//! directory, matching tenders to profiles and back with reasons, and reach
//! estimates for officers. No database, no HTTP: the backend hands it plain
//! documents ([`TenderDoc`], [`ProfileDoc`]) and gets ranked hits back.

pub mod analysis;
pub mod docs;
pub mod index;
pub mod matching;
mod query;
pub mod ranking;
pub mod reach;
pub mod schema;
pub mod search;
pub mod tree;

#[cfg(test)]
mod test_support;

pub use analysis::Analyser;
pub use docs::{ProfileDoc, ProfileText, Reservation, TenderDoc, TenderStatus, TenderText};
pub use index::{Index, IndexError, ProfileIndex, TenderIndex};
pub use schema::SCHEMA_VERSION;
