//! The search index (tantivy): tender search with facets, matching tenders
//! to profiles and back, match explanations.
//!
//! It arrives with the tender and profile features; the crate exists from
//! the first commit so that its boundary holds from the start: it depends on
//! neither the database nor the backend.
