//! The page's language: the `sb_lang` cookie (set by the language switch),
//! else the browser's `Accept-Language`, else Danish.

use axum::extract::{FromRequestParts, Query, Request};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use socialbid_frontend::Lang;

pub const LANG_COOKIE: &str = "sb_lang";

/// The language chosen for this request.
#[derive(Debug, Clone, Copy)]
pub struct UserLang(pub Lang);

pub fn negotiate(parts_headers: &axum::http::HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(parts_headers);
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
        .unwrap_or_else(|| {
            Lang::negotiate(
                parts_headers
                    .get(ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            )
        })
}

pub async fn choose(mut request: Request, next: Next) -> Response {
    let lang = negotiate(request.headers());
    request.extensions_mut().insert(UserLang(lang));
    let mut response = next.run(request).await;
    response.extensions_mut().insert(UserLang(lang));
    response
}

impl<S: Send + Sync> FromRequestParts<S> for UserLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<UserLang>()
            .copied()
            .unwrap_or_else(|| UserLang(negotiate(&parts.headers))))
    }
}

#[derive(Deserialize)]
pub struct Switch {
    to: String,
    back: Option<String>,
}

/// `GET /lang?to=en&back=/account`: remembers the choice for a year and
/// returns to the page. A plain link, so it works without JavaScript.
pub async fn switch(Query(switch): Query<Switch>) -> Response {
    let back = switch
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".into());
    let Some(lang) = Lang::from_code(&switch.to) else {
        return Redirect::to(&back).into_response();
    };
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .max_age(time_year())
        .same_site(SameSite::Lax)
        .build();
    (CookieJar::new().add(cookie), Redirect::to(&back)).into_response()
}

fn time_year() -> cookie::time::Duration {
    cookie::time::Duration::days(365)
}

/// Only paths on this site: never `//elsewhere`, `https://elsewhere` or
/// anything a browser would turn into one. Browsers drop tabs and newlines
/// from a `Location` and read `\` as `/`, so `/<TAB>/evil.example` and
/// `/\evil.example` lead away; percent-encoded forms are checked too, for
/// whatever decodes the path again on the way. Only visible ASCII is
/// accepted, so the value is always a valid header; anything else falls
/// back to the front page.
pub fn is_local_path(path: &str) -> bool {
    path.bytes().all(|b| b.is_ascii_graphic())
        && is_path_absolute(path)
        && is_path_absolute(&percent_decode_str(path).decode_utf8_lossy())
}

/// A path-absolute reference: one leading `/`, so neither a scheme nor an
/// authority, and nothing a browser strips or rewrites.
fn is_path_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path.chars().any(|c| c.is_control() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        for local in ["/", "/account?x=1", "/tenders/7#top", "/search?q=a%2Fb"] {
            assert!(is_local_path(local), "{local}");
        }
        for foreign in [
            "",
            "account",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/a\\b",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D/evil.example",
            "/%5c/evil.example",
            "/%5Cevil.example",
            "/%2f%2fevil.example",
            "/%2F/evil.example",
            "/%00",
            "/%7f",
            "/ /evil.example",
            "/æ",
        ] {
            assert!(!is_local_path(foreign), "{foreign:?}");
        }
    }
}
