//! HTTP plumbing shared by every feature: language, error rendering, JSON
//! input, security headers, health and metrics, static files, page context.

pub mod client;
pub mod control_chars;
pub mod errors;
pub mod headers;
pub mod health;
pub mod json;
pub mod lang;
pub mod metrics;
pub mod page;
pub mod static_files;
pub mod trace;
pub mod upload_forms;
