//! HTTP plumbing shared by every feature: language, error rendering, path,
//! query and JSON input, security headers, conditional GET, the moment's
//! cache of public pages, health and metrics, static files, page context.

pub mod client;
pub mod compression;
pub mod conditional;
pub mod control_chars;
pub mod errors;
pub mod extract;
pub mod headers;
pub mod health;
pub mod json;
pub mod lang;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod page_cache;
pub mod static_files;
pub mod trace;
pub mod upload_forms;
pub mod utc;
