//! The standard codes Socialbid speaks, as plain Rust: CPV, NUTS, the
//! eForms codelists, Danish CVR numbers, VAT numbers, countries, money with
//! its reference rates, the languages of tender text and of the interface, with
//! the walks along the CPV and NUTS trees that filters, search and matching
//! share. Never a code of our own where a standard exists.
//!
//! No database, no HTTP: the backend and the indexer both build on it.

pub mod country;
pub mod cpv;
mod csv;
pub mod cvr;
pub mod eforms;
pub mod lang;
pub mod money;
pub mod nuts;
pub mod text_language;
pub mod tree;
pub mod vat;

pub use lang::Lang;
