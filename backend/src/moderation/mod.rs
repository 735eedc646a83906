//! Admins keep the directory honest: a queue of profiles waiting for review
//! and of flags, decisions (approve, reject, ask for changes, suspend,
//! unsuspend) mailed to every member, and the audit log they can read and
//! filter but nobody can edit.

pub mod api;
pub mod pages;
pub mod service;
