//! Socialbid: public procurement that rewards social value.
//!
//! The library behind the `socialbid` binary: configuration, the HTTP
//! router, business rules by feature, the database, the job queue and mail.
//! See `ARCHITECTURE.md` at the repository root for the picture.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod background;
pub mod bids;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod evaluation;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod matching;
pub mod moderation;
pub mod notify;
pub mod profiles;
pub mod retention;
pub mod router;
pub mod saved_searches;
pub mod search;
pub mod start;
pub mod tenders;
pub mod web;
