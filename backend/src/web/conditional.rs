//! ETags and conditional GET for the public pages and open data. A handler
//! marks a response that anyone may keep and revalidate (`public`, or
//! `page` for an anonymous visitor's page); this middleware gives it an
//! ETag, a hash of the body it is about to send, and answers 304 Not
//! Modified when the client already holds that body (`If-None-Match`).
//!
//! Hashing the body, rather than a version of the data, keeps the ETag
//! right whatever the body depends on: the tender's latest change, the
//! language, the visitor's CSRF token (a page's forms carry one bound to the
//! visitor's cookie, so two visitors never share a page's ETag), the date
//! shown "today". The server still renders the page; the saving is the
//! transfer. The ETag is weak (`W/`) because compression, outside this
//! layer, sends the same content in other encodings.
//!
//! Everything else keeps `Cache-Control: no-store` (`web::headers`),
//! including every page of a logged-in person, which may hold personal data.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::web::page::Page;
use crate::web::page_cache::Shareable;

/// Who may keep a marked response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Revalidate {
    /// Only the visitor's own browser: the body carries a CSRF token bound
    /// to the visitor's cookie.
    Private,
    /// Any cache: open data, the same for everyone.
    Public,
}

/// Open data: the same for every caller.
pub fn public(response: impl IntoResponse) -> Response {
    let mut response = marked(response, Revalidate::Public);
    response.extensions_mut().insert(Shareable);
    response
}

/// A page, revalidated only when nobody is logged in: a logged-in person's
/// page names them and is never stored. An anonymous page without the
/// visitor's form token is the same for every anonymous visitor, and
/// `web::page_cache` may serve it to the next.
pub fn page(page: &Page, html: Html<String>) -> Response {
    if page.user.is_some() {
        return html.into_response();
    }
    let shareable = !page.carries_form_token(&html.0);
    let mut response = marked(html, Revalidate::Private);
    if shareable {
        response.extensions_mut().insert(Shareable);
    }
    response
}

fn marked(response: impl IntoResponse, revalidate: Revalidate) -> Response {
    let mut response = response.into_response();
    response.extensions_mut().insert(revalidate);
    response
}

/// The middleware: ETag and 304 for marked `GET` and `HEAD` responses.
pub async fn respond(request: Request, next: Next) -> Response {
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let Some(revalidate) = response.extensions().get::<Revalidate>().copied() else {
        return response;
    };
    if !reading || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Marked bodies are rendered pages and JSON, already whole in memory.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let etag = etag_of(&bytes);
    let headers = &mut parts.headers;
    headers.insert(header::ETAG, etag.clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match revalidate {
            Revalidate::Private => "private, no-cache",
            Revalidate::Public => "public, no-cache",
        }),
    );
    // The language comes from the cookie or Accept-Language, the CSRF token
    // from the cookie.
    headers.append(
        header::VARY,
        HeaderValue::from_static(match revalidate {
            Revalidate::Private => "Cookie, Accept-Language",
            Revalidate::Public => "Accept-Language",
        }),
    );
    if let Some(response) = not_modified(if_none_match.as_ref(), headers) {
        return response;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The 304 Not Modified for a request whose `If-None-Match` names the
/// ETag among `headers` (those of the 200 it would get otherwise), if it
/// does: the same headers but those that describe a body, and no body.
pub fn not_modified(if_none_match: Option<&HeaderValue>, headers: &HeaderMap) -> Option<Response> {
    let etag = headers.get(header::ETAG)?;
    if !if_none_match.is_some_and(|given| matches(given, etag)) {
        return None;
    }
    let mut headers = headers.clone();
    for describing_the_body in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
    ] {
        headers.remove(describing_the_body);
    }
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    *response.headers_mut() = headers;
    Some(response)
}

/// `W/"<first 144 bits of SHA-256, base64url>"`.
fn etag_of(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let tag = format!("W/\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..18]));
    HeaderValue::from_str(&tag).expect("base64url is a valid header value")
}

/// The weak comparison `If-None-Match` asks for (RFC 9110, 13.1.2): any
/// listed tag, weak or strong, with the same opaque value, or `*`.
fn matches(given: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(given) = given.to_str() else {
        return false;
    };
    let ours = opaque(etag.to_str().unwrap_or_default());
    given
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || opaque(tag) == ours)
}

fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_the_star() {
        let etag = etag_of(b"<html>");
        let value = etag.to_str().unwrap().to_owned();
        let strong = value.strip_prefix("W/").unwrap().to_owned();
        for given in [
            value.clone(),
            strong.clone(),
            format!("\"other\", {value}"),
            "*".to_owned(),
        ] {
            assert!(
                matches(&HeaderValue::from_str(&given).unwrap(), &etag),
                "{given}"
            );
        }
        assert!(!matches(&HeaderValue::from_static("\"other\""), &etag));
        assert_ne!(etag_of(b"<html>"), etag_of(b"<html> "));
    }
}
