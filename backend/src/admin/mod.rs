//! Admin work available so far: approving the accounts of procurement
//! officers. Every decision is written to the audit log and mailed to the
//! officer.

pub mod api;
pub mod officers;
pub mod pages;
