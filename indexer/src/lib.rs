//! The search index (tantivy): tender search with facets, the profile
//! directory, matching tenders to profiles and back with reasons, and reach
//! estimates for officers. No database, no HTTP: the backend hands it plain
//! documents ([`TenderDoc`], [`ProfileDoc`]) and gets ranked hits back.
//!
//! # The indexes
//!
//! Two indexes, [`TenderIndex`] and [`ProfileIndex`], each one tantivy
//! index with a single writer behind a lock. [`Index::upsert`] deletes the
//! document's id and adds the new version; both become visible together at
//! [`Index::commit_with_payload`], which records the last change id applied
//! (read back with [`Index::last_change_id`] after a restart). The commit
//! payload also holds [`SCHEMA_VERSION`]: a directory of another version
//! opens as [`IndexError::RebuildNeeded`], never a panic.
//!
//! The tender index keeps no texts, only the facts and codes and a digest
//! of the texts ([`KeptTender`]): the texts would be most of it on disk,
//! and the backend's database holds them. So the caller hands the texts
//! back where they are shown: [`TenderIndex::snippets`] for a page of
//! hits, a reader for [`TenderIndex::match_tenders_for_profile`].
//!
//! Text is indexed in one field per language: each EU language tantivy can
//! stem has its analyser (lower case, stop words, stemmer; see
//! [`Analyser`]), every other language a plain lower-casing one. A search
//! word is analysed by every analyser and looked up in each language's
//! field, so "skolerne" finds "skole" and "employment" finds "employ"
//! whatever the searcher's language. A word's forms are one union that
//! moves each form only as far as the other words and filters ask.
//!
//! CPV and NUTS codes are indexed along their trees: as a facet of their
//! levels (`/85/853/8531/85311`), so one term finds every code beneath a
//! level, and as their exact significant digits, so the codes above a
//! given one are found too.
//!
//! # How matching ranks
//!
//! A match's score is a sum of parts, each capped by its weight (see
//! [`ranking`]; the weights add up to 1):
//!
//! - **CPV** (0.40): the best pair of a tender code and a profile code. On
//!   the same branch (one covers the other: a profile offering `853` and a
//!   tender for `85311000`, or the other way round) the pair scores by the
//!   level both share: division 0.35, group 0.6, class 0.8, deeper 1 (times
//!   the weight). Neighbours (`8531` and `8532`) score half their shared
//!   level, from the group down: sharing a division alone scores nothing.
//! - **Text** (0.25): the tender's most telling terms (rare in the other
//!   index, frequent in the text; at most 12, in the text's own language;
//!   never a term in more than a tenth of the other side's documents)
//!   scored with BM25 against the other side's text, scaled so that holding
//!   each term once at average length gives the full weight, and capped
//!   there. This decides between candidates the codes cannot tell apart,
//!   such as tenders coded only at division level.
//! - **Region** (0.15): the best pair of a place of performance and a region
//!   served on the same NUTS branch, by the level both share: country 0.5,
//!   NUTS-1 0.6, NUTS-2 0.8, NUTS-3 1.
//! - **Social objectives** (0.12): the share of the asking side's
//!   objectives the other side names too.
//! - **Capacity** (0.08): the profile's capacity covers the tender's
//!   estimated value.
//!
//! Three rules are hard, never weights: a profile not eligible for at least
//! one of a tender's reservations (Article 20 `res-ws`, Article 77
//! `res-pub-ser`) never appears for it, in any list or count; when both
//! sides name places, one must lie on the other's branch (a profile serving
//! `DE` matches a tender in `DE300`, never one in `FR101`; a side naming no
//! place is not restricted); and a candidate must share a CPV branch or
//! some text at all. Tenders offered to a profile are open ones only.
//!
//! One tantivy query per match request applies the hard rules as filters
//! and scores every part as a clause whose score is that part's
//! contribution; the best candidates are then loaded and explained. Each
//! [`Reason`] names its kind, the codes or values on both
//! sides and its contribution, and the contributions add up to the score.

pub mod analysis;
mod at_least;
mod collation;
pub mod docs;
pub mod index;
mod match_collector;
pub mod matching;
mod page_collector;
pub mod partners;
pub mod quality;
mod query;
pub mod ranking;
pub mod reach;
pub mod schema;
pub mod search;
#[cfg(feature = "bench")]
pub mod synthetic;
pub mod tree;
mod word_forms;

#[cfg(test)]
mod test_support;

pub use analysis::Analyser;
pub use docs::{
    KeptTender, ProfileDoc, ProfileText, Reservation, TenderDoc, TenderStatus, TenderText,
};
pub use index::{Index, IndexError, ProfileIndex, TenderIndex};
pub use matching::{ProfileMatch, TenderMatch};
pub use partners::{ConsortiumSuggestion, PartnerSuggestions};
pub use ranking::{Reason, ReasonKind};
pub use reach::{DraftChange, DraftCriteria, Reach, ReachChange};
pub use schema::SCHEMA_VERSION;
pub use search::{
    FacetCount, ProfileQuery, ProfileResults, ProfileSort, Snippet, StatusFilter, TenderQuery,
    TenderResults, TenderSort,
};
