//! A moment's memory of what every anonymous visitor is sent alike: the
//! public pages and the open data. A burst of visitors to the same page (a
//! newsletter's link, a shared search) is answered from one rendering
//! instead of one each.
//!
//! Only a 200 that its handler marked [`Shareable`] is kept: open data
//! (`conditional::public`) and an anonymous visitor's page whose forms
//! carry no form token (`conditional::page`), the same bytes for every
//! anonymous visitor in that language. A request that could be someone's
//! (an access or refresh cookie, a Bearer token) never reads or fills the
//! cache. A kept response is served for `SOCIALBID_PAGE_CACHE_MS` (1
//! second by default, 0 turns the cache off), and not at all after this
//! process has written anything (a request other than GET, HEAD or
//! OPTIONS, a job) or its search indexes have taken in changes, which carry
//! every other process's publications, amendments and profile changes.
//! What another process changes outside the change feed (an answer
//! published there) shows here within the moment; the search index itself
//! lags the database by about as long.
//!
//! When a kept response's moment is over, the first request makes it anew
//! while the others are still sent the kept one, for at most one more
//! moment, so a burst does not make the same page once per request. When
//! a kept page is outdated by a write, the first request makes it anew and
//! the others for it wait until it is kept, for a moment at most; a page
//! never kept is made by each request, so pages that are never keepable
//! (a visitor's form token, an error) keep nobody waiting.
//!
//! The middleware sits inside `lang::choose` (the language is part of the
//! key) and outside compression and `conditional::respond`: a page is kept
//! as it was sent, compressed as the request asked (the encodings it takes
//! are part of the key too) and with its ETag, so a kept page costs
//! neither compression nor hashing again, and a request that holds its
//! ETag is answered 304 from the cache.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use chrono::{NaiveDateTime, TimeDelta};
use socialbid_frontend::Lang;
use tokio::sync::Notify;

use crate::app::AppState;
use crate::auth::{ACCESS_COOKIE, REFRESH_COOKIE};
use crate::web::conditional;
use crate::web::lang::UserLang;

/// What the cache may hold at once, in body bytes. Past it the cache is
/// emptied: entries live a second, so the pages still wanted come back at
/// once.
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// A larger response is sent as it is and not kept, so that one answer
/// never empties the cache.
const MAX_ENTRY_BYTES: u64 = MAX_BYTES as u64 / 8;

/// Marks a response as the same for every anonymous visitor in its
/// language.
#[derive(Clone, Copy, Debug)]
pub struct Shareable;

#[derive(Clone, Hash, PartialEq, Eq)]
struct Key {
    lang: Lang,
    path_and_query: String,
    /// `Accept-Encoding` as the request gave it: the same value is
    /// compressed the same way.
    encodings: Option<HeaderValue>,
}

struct Entry {
    at: NaiveDateTime,
    generation: u64,
    headers: HeaderMap,
    /// The markers the inner layers left for the outer ones (which kind
    /// of ETag, `Shareable`).
    extensions: Extensions,
    body: Bytes,
    /// A request is making this response anew.
    renewing: bool,
}

enum Lookup {
    Kept(Response),
    /// Expired: this caller makes it anew.
    Renew,
    /// Kept before the last change: the page is kept, but must be made
    /// anew; one caller makes it while the others wait for it.
    Outdated,
    /// Never kept (or not keepable): each caller makes its own.
    Missing,
}

pub struct PageCache {
    lifetime: TimeDelta,
    /// Moves on with every write here and every change the indexes take
    /// in; a response kept under an older one is not served.
    generation: AtomicU64,
    entries: Mutex<Entries>,
    /// The pages a request is making now, for want of a kept one: the
    /// requests for the same page meanwhile wait for it instead of making
    /// it too (after every write, a burst of visitors would otherwise make
    /// a popular page once each).
    making: Mutex<HashMap<Key, Making>>,
}

struct Making {
    generation: u64,
    since: Instant,
    done: Arc<Notify>,
}

/// The request making a page: when it is dropped (the page kept, or not
/// keepable, or the visitor gone) the waiting requests are woken.
struct Maker<'a> {
    cache: &'a PageCache,
    key: Key,
    done: Arc<Notify>,
}

impl Drop for Maker<'_> {
    fn drop(&mut self) {
        let mut making = self.cache.making.lock().unwrap_or_else(|e| e.into_inner());
        if making
            .get(&self.key)
            .is_some_and(|m| Arc::ptr_eq(&m.done, &self.done))
        {
            making.remove(&self.key);
        }
        drop(making);
        self.done.notify_waiters();
    }
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<Key, Entry>,
    bytes: usize,
}

impl PageCache {
    /// A cache that keeps a response for `millis` milliseconds; 0 keeps
    /// nothing.
    pub fn new(millis: u64) -> PageCache {
        PageCache {
            lifetime: TimeDelta::milliseconds(i64::try_from(millis).unwrap_or(i64::MAX)),
            generation: AtomicU64::new(0),
            entries: Mutex::default(),
            making: Mutex::default(),
        }
    }

    fn enabled(&self) -> bool {
        self.lifetime > TimeDelta::zero()
    }

    /// Nothing kept so far is served again: the data behind it may have
    /// changed.
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while the lock was held left at worst a stale map, which
        // the generation and the lifetime still guard.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What is kept for `key` at `now`, or its 304 for a request that
    /// holds its ETag (`if_none_match`). When a kept response's moment is
    /// over, the first caller is asked to make it anew and the others are
    /// still sent the kept one meanwhile, for at most one more moment: a
    /// burst of visitors does not make the page once each whenever it
    /// expires.
    fn get(&self, key: &Key, now: NaiveDateTime, if_none_match: Option<&HeaderValue>) -> Lookup {
        let generation = self.generation();
        let mut kept = self.lock();
        let Some(entry) = kept.by_key.get_mut(key) else {
            return Lookup::Missing;
        };
        if entry.generation != generation {
            return Lookup::Outdated;
        }
        let age = now - entry.at;
        if age >= self.lifetime {
            // A renewer that never came back (its visitor left) is
            // replaced after the extra moment.
            if !entry.renewing || age >= self.lifetime * 2 {
                entry.renewing = true;
                return Lookup::Renew;
            }
        }
        if let Some(response) = conditional::not_modified(if_none_match, &entry.headers) {
            return Lookup::Kept(response);
        }
        let mut response = Response::new(Body::from(entry.body.clone()));
        *response.headers_mut() = entry.headers.clone();
        *response.extensions_mut() = entry.extensions.clone();
        Lookup::Kept(response)
    }

    /// The renewal of `key` gave nothing to keep: it is not served again.
    fn abandon(&self, key: &Key) {
        let mut kept = self.lock();
        if let Some(old) = kept.by_key.remove(key) {
            kept.bytes -= old.body.len();
        }
    }

    /// Makes the caller the maker of the missing page `key`, or answers
    /// whom to wait for when another request is making it for this
    /// generation (and has not taken longer than a moment).
    fn claim(&self, key: &Key, generation: u64) -> Result<Maker<'_>, Arc<Notify>> {
        let mut making = self.making.lock().unwrap_or_else(|e| e.into_inner());
        let moment = self.lifetime.to_std().unwrap_or_default();
        if let Some(other) = making.get(key)
            && other.generation == generation
            && other.since.elapsed() < moment
        {
            return Err(other.done.clone());
        }
        let done = Arc::new(Notify::new());
        making.insert(
            key.clone(),
            Making {
                generation,
                since: Instant::now(),
                done: done.clone(),
            },
        );
        Ok(Maker {
            cache: self,
            key: key.clone(),
            done,
        })
    }

    /// Waits, for a moment at most, until the request making `key` is done,
    /// and answers what it kept, if anything.
    async fn wait_for(
        &self,
        key: &Key,
        done: Arc<Notify>,
        now: NaiveDateTime,
        if_none_match: Option<&HeaderValue>,
    ) -> Option<Response> {
        let woken = done.notified();
        tokio::pin!(woken);
        // Listening before looking: a maker that finishes in between still
        // wakes this request.
        woken.as_mut().enable();
        let still_making = self
            .making
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .is_some_and(|m| Arc::ptr_eq(&m.done, &done));
        if still_making {
            let moment = self.lifetime.to_std().unwrap_or_default();
            let _ = tokio::time::timeout(moment, woken).await;
        }
        match self.get(key, now, if_none_match) {
            Lookup::Kept(response) => Some(response),
            Lookup::Renew | Lookup::Outdated | Lookup::Missing => None,
        }
    }

    fn put(&self, key: Key, entry: Entry) {
        let mut kept = self.lock();
        let now = entry.at;
        if kept.bytes + entry.body.len() > MAX_BYTES {
            let lifetime = self.lifetime;
            kept.by_key.retain(|_, e| now - e.at < lifetime);
            kept.bytes = kept.by_key.values().map(|e| e.body.len()).sum();
            if kept.bytes + entry.body.len() > MAX_BYTES {
                kept.by_key.clear();
                kept.bytes = 0;
            }
        }
        kept.bytes += entry.body.len();
        if let Some(old) = kept.by_key.insert(key, entry) {
            kept.bytes -= old.body.len();
        }
    }
}

/// Whether the request may be someone's: it carries a session's cookies
/// or a token.
fn personal(app: &AppState, headers: &HeaderMap) -> bool {
    if headers.contains_key(header::AUTHORIZATION) {
        return true;
    }
    let jar = CookieJar::from_headers(headers);
    [ACCESS_COOKIE, REFRESH_COOKIE]
        .iter()
        .any(|name| jar.get(&app.config.cookie_name(name)).is_some())
}

/// The middleware: answers a GET from the cache when it can, keeps a
/// shareable 200 when it cannot, and forgets everything after a write.
pub async fn serve(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let cache = &app.page_cache;
    let method = request.method().clone();
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let response = next.run(request).await;
        // After the write has committed: a page rendered meanwhile was
        // kept under the old generation and is not served.
        cache.forget();
        return response;
    }
    if !cache.enabled() || method != Method::GET || personal(&app, request.headers()) {
        return next.run(request).await;
    }
    let lang = request
        .extensions()
        .get::<UserLang>()
        .map(|l| l.0)
        .unwrap_or_default();
    let key = Key {
        lang,
        path_and_query: request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        encodings: request.headers().get(header::ACCEPT_ENCODING).cloned(),
    };
    // Read before rendering, so a write during the rendering outdates it.
    let generation = cache.generation();
    let at = app.clock.now();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let (renewing, outdated) = match cache.get(&key, at, if_none_match.as_ref()) {
        Lookup::Kept(response) => return response,
        Lookup::Renew => (true, false),
        Lookup::Outdated => (false, true),
        Lookup::Missing => (false, false),
    };
    // Only for a page known to be keepable: a page that never is (one
    // with a visitor's form token, an error) would make its visitors wait
    // for one another for nothing. Dropped at the end, after the page is
    // kept: the waiters then find it.
    let _maker = if !outdated {
        None
    } else {
        match cache.claim(&key, generation) {
            Ok(maker) => Some(maker),
            Err(done) => {
                if let Some(response) = cache.wait_for(&key, done, at, if_none_match.as_ref()).await
                {
                    return response;
                }
                // Nothing was kept: this request makes the page itself.
                None
            }
        }
    };
    let (response, entry) = keepable(next.run(request).await, generation, at).await;
    match entry {
        Some(entry) => cache.put(key, entry),
        // What was kept is not what visitors get now.
        None if renewing || outdated => cache.abandon(&key),
        None => {}
    }
    response
}

/// The response to send, and what to keep of it when it may be kept: a
/// shareable 200 of a moderate length.
async fn keepable(
    response: Response,
    generation: u64,
    at: NaiveDateTime,
) -> (Response, Option<Entry>) {
    if response.status() != StatusCode::OK || response.extensions().get::<Shareable>().is_none() {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    // Shareable bodies are rendered pages and JSON, whole in memory before
    // compression, which only makes them smaller.
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR.into_response(), None);
    };
    if body.len() as u64 > MAX_ENTRY_BYTES {
        return (Response::from_parts(parts, Body::from(body)), None);
    }
    // A cookie set for this visitor (the form token's) is theirs alone.
    let mut headers = parts.headers.clone();
    headers.remove(header::SET_COOKIE);
    let entry = Entry {
        at,
        generation,
        headers,
        extensions: parts.extensions.clone(),
        body: body.clone(),
        renewing: false,
    };
    (Response::from_parts(parts, Body::from(body)), Some(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str) -> Key {
        Key {
            lang: Lang::Da,
            path_and_query: path.to_owned(),
            encodings: None,
        }
    }

    fn entry(cache: &PageCache, at: NaiveDateTime, bytes: usize) -> Entry {
        Entry {
            at,
            generation: cache.generation(),
            headers: HeaderMap::new(),
            extensions: Extensions::new(),
            body: Bytes::from(vec![b'x'; bytes]),
            renewing: false,
        }
    }

    fn kind(lookup: Lookup) -> &'static str {
        match lookup {
            Lookup::Kept(_) => "kept",
            Lookup::Renew => "renew",
            Lookup::Outdated => "outdated",
            Lookup::Missing => "missing",
        }
    }

    fn t0() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .expect("a time")
    }

    /// Served for its moment; then one caller renews it while the others
    /// get the kept copy, for one more moment at most.
    #[test]
    fn one_caller_renews_an_expired_page_while_the_others_get_the_kept_one() {
        let cache = PageCache::new(1000);
        let tenders_after =
            |ms| kind(cache.get(&key("/tenders"), t0() + TimeDelta::milliseconds(ms), None));
        cache.put(key("/tenders"), entry(&cache, t0(), 10));
        assert_eq!(tenders_after(999), "kept");
        assert_eq!(tenders_after(1000), "renew");
        assert_eq!(tenders_after(1500), "kept");
        // The renewer never came back: someone else takes over.
        assert_eq!(tenders_after(2000), "renew");
        // Its renewal gave nothing to keep.
        cache.abandon(&key("/tenders"));
        assert_eq!(tenders_after(2001), "missing");
        assert_eq!(kind(cache.get(&key("/profiles"), t0(), None)), "missing");
    }

    /// A request that holds the kept page's ETag is told it has not
    /// changed, without the body or the headers that describe it.
    #[test]
    fn a_request_holding_the_kept_etag_gets_a_304() {
        let cache = PageCache::new(1000);
        let mut kept = entry(&cache, t0(), 10);
        kept.headers
            .insert(header::ETAG, HeaderValue::from_static("W/\"abc\""));
        kept.headers
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        cache.put(key("/tenders"), kept);
        let holding = |etag: &'static str| match cache.get(
            &key("/tenders"),
            t0(),
            Some(&HeaderValue::from_static(etag)),
        ) {
            Lookup::Kept(response) => response,
            _ => panic!("the page is kept"),
        };
        let response = holding("\"abc\"");
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[header::ETAG], "W/\"abc\"");
        assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
        let response = holding("\"old\"");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    }

    /// A second request for `/tenders` while a first makes it: it waits,
    /// and answers the status of what the cache then sends it, if anything.
    fn second_request_for_tenders(
        cache: &Arc<PageCache>,
    ) -> tokio::task::JoinHandle<Option<StatusCode>> {
        let Err(done) = cache.claim(&key("/tenders"), 0) else {
            panic!("the second waits");
        };
        let cache = cache.clone();
        tokio::spawn(async move {
            cache
                .wait_for(&key("/tenders"), done, t0(), None)
                .await
                .map(|r| r.status())
        })
    }

    async fn answer(waiter: tokio::task::JoinHandle<Option<StatusCode>>) -> Option<StatusCode> {
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken within the test")
            .expect("the waiter ran")
    }

    /// One request makes a missing page; the others for it wait, and are
    /// sent what it kept.
    #[tokio::test]
    async fn the_requests_for_a_page_being_made_wait_for_it() {
        let cache = Arc::new(PageCache::new(60_000));
        let maker = cache
            .claim(&key("/tenders"), 0)
            .expect("the first makes it");
        let other_page = cache.claim(&key("/profiles"), 0);
        assert!(other_page.is_ok(), "another page");
        assert!(
            cache.claim(&key("/profiles"), 1).is_ok(),
            "after a write, made anew"
        );
        let waiter = second_request_for_tenders(&cache);
        tokio::task::yield_now().await;
        cache.put(key("/tenders"), entry(&cache, t0(), 10));
        drop(maker);
        assert_eq!(answer(waiter).await, Some(StatusCode::OK));
    }

    /// A maker that kept nothing wakes the waiters at once, and they make
    /// the page themselves.
    #[tokio::test]
    async fn a_maker_that_kept_nothing_lets_the_waiters_make_it() {
        let cache = Arc::new(PageCache::new(60_000));
        let maker = cache
            .claim(&key("/tenders"), 0)
            .expect("the first makes it");
        let waiter = second_request_for_tenders(&cache);
        tokio::task::yield_now().await;
        drop(maker);
        assert_eq!(answer(waiter).await, None, "nothing kept, nothing sent");
        assert!(cache.claim(&key("/tenders"), 0).is_ok(), "free to make");
    }

    /// A change makes everything kept before it unservable at once.
    #[test]
    fn nothing_kept_before_a_change_is_served_after_it() {
        let cache = PageCache::new(60_000);
        cache.put(key("/tenders/7"), entry(&cache, t0(), 10));
        assert_eq!(kind(cache.get(&key("/tenders/7"), t0(), None)), "kept");
        cache.forget();
        assert_eq!(kind(cache.get(&key("/tenders/7"), t0(), None)), "outdated");
        cache.abandon(&key("/tenders/7"));
        assert_eq!(kind(cache.get(&key("/tenders/7"), t0(), None)), "missing");
    }

    fn shareable(bytes: usize) -> Response {
        let mut response = Response::new(Body::from(vec![b'x'; bytes]));
        response.extensions_mut().insert(Shareable);
        response
    }

    /// A shareable 200 is kept; one too large for the cache, an error or an
    /// unmarked response is only sent, whole.
    #[tokio::test]
    async fn only_a_shareable_answer_of_a_moderate_size_is_kept() {
        let too_large = MAX_ENTRY_BYTES as usize + 1;
        let (sent, kept) = keepable(shareable(10), 0, t0()).await;
        assert_eq!(kept.map(|e| e.body.len()), Some(10));
        assert_eq!(
            to_bytes(sent.into_body(), usize::MAX).await.unwrap().len(),
            10
        );

        let (sent, kept) = keepable(shareable(too_large), 0, t0()).await;
        assert!(kept.is_none());
        let body = to_bytes(sent.into_body(), usize::MAX).await.unwrap();
        assert_eq!(body.len(), too_large);

        let mut missing = shareable(10);
        *missing.status_mut() = StatusCode::NOT_FOUND;
        assert!(keepable(missing, 0, t0()).await.1.is_none());
        let unmarked = Response::new(Body::from("<p>Min konto</p>"));
        assert!(keepable(unmarked, 0, t0()).await.1.is_none());
    }

    /// Past its size the cache drops what has expired, then everything.
    #[test]
    fn the_cache_stays_within_its_size() {
        let cache = PageCache::new(1000);
        let half = MAX_BYTES / 2 + 1;
        cache.put(key("/a"), entry(&cache, t0(), half));
        let later = t0() + TimeDelta::seconds(5);
        cache.put(key("/b"), entry(&cache, later, half));
        assert_eq!(kind(cache.get(&key("/a"), later, None)), "missing");
        assert_eq!(kind(cache.get(&key("/b"), later, None)), "kept");
        cache.put(key("/c"), entry(&cache, later, half));
        assert_eq!(kind(cache.get(&key("/b"), later, None)), "missing");
        assert_eq!(kind(cache.get(&key("/c"), later, None)), "kept");
        assert_eq!(cache.lock().bytes, half);
    }
}
