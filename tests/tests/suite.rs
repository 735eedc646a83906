//! Every end-to-end test of Socialbid, in one test binary.
//!
//! Each file beside this one is a module here rather than a test target of
//! its own. Fifty-odd targets meant fifty-odd links of the whole backend,
//! about 210 MB each: 11 GB of disk and most of a fresh build's time. One
//! binary is linked once; nextest still runs every test in its own process.

mod abuse;
mod accessibility_browser;
mod accounts;
mod admin_pages;
mod auth_hardening;
mod authorization;
mod beyond_denmark;
mod beyond_denmark_browser;
mod bid_documents;
mod bids;
mod bids_browser;
mod bids_pages;
mod bids_sealed;
mod browser;
mod consortia;
mod consortia_pages;
mod database;
mod directory_search;
mod dismissals;
mod document_titles;
mod documents;
mod draft_checks;
mod end_to_end;
mod evaluation;
mod fast_pages;
mod first_use;
mod first_use_browser;
mod harness;
mod import_browser;
mod import_notices;
mod import_tenders;
mod import_ways_in;
mod jobs;
mod matching;
mod matching_browser;
mod moderation;
mod notify;
mod notify_browser;
mod ocds;
mod officer_questions;
mod page_cache;
mod pages;
mod platform;
mod profiles;
mod profiles_browser;
mod rejections;
mod saved_searches;
mod saved_searches_browser;
mod schema;
mod schema_details;
mod search_feed;
mod search_processes;
mod search_tenders;
mod snapshots;
mod tender_authorization;
mod tender_browser;
mod tender_pages;
mod tenders;
mod tenders_demo;
mod two_workers;
