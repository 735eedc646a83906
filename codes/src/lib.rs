//! The standard codes Socialbid speaks, as plain Rust: CPV, NUTS, the
//! eForms codelists, Danish CVR numbers and the interface languages, with
//! the walks along the CPV and NUTS trees that filters, search and matching
//! share. Never a code of our own where a standard exists.
//!
//! No database, no HTTP: the backend and the indexer both build on it.

pub mod cpv;
mod csv;
pub mod cvr;
pub mod eforms;
pub mod lang;
pub mod nuts;
pub mod tree;

pub use lang::Lang;
