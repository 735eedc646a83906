//! Tenders: officers draft, publish, amend and cancel them; everyone reads
//! them; entrepreneurs ask questions and follow them; closing happens by
//! itself at the deadline; published tenders are open data (OCDS).

pub mod api;
pub mod documents;
pub mod model;
pub mod money;
pub mod ocds;
pub mod pages;
pub mod rules;
pub mod service;
