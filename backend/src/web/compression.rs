//! Which responses are compressed (`tower_http::compression`, gzip or
//! brotli as the client asks): text only. Documents (PDF, Office files,
//! ZIP) and images are compressed already, and squeezing them again costs
//! CPU for nothing.

use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use tower_http::CompressionLevel;

/// Quality 4 of either: brotli's own default (11) spends tens of
/// milliseconds on one page, gzip's (6) gains little over 4.
pub const QUALITY: CompressionLevel = CompressionLevel::Precise(4);

const TEXT_TYPES: &[&str] = &[
    "text/",
    "application/json",
    "application/javascript",
    "image/svg+xml",
];

pub fn is_text(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| TEXT_TYPES.iter().any(|text| value.starts_with(text)))
}
