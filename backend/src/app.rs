//! The application state shared by every handler and the worker, cloned
//! cheaply.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDateTime;

use crate::auth::tokens::TokenKeys;
use crate::bids::seal::BidSeal;
use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::search::SearchIndexes;
use crate::web::metrics::Metrics;
use crate::web::page_cache::PageCache;

pub struct App {
    pub config: Config,
    pub db: Db,
    pub clock: Clock,
    pub tokens: TokenKeys,
    pub mailer: Mailer,
    /// Seals and opens bid content (`bids::seal`).
    pub seal: BidSeal,
    pub metrics: Metrics,
    /// Public pages and open data kept for a moment (`web::page_cache`).
    pub page_cache: PageCache,
    /// This process's search indexes, opened at start by `serve` and
    /// `worker` (or on first use): see `search::indexes`.
    pub search: tokio::sync::OnceCell<Arc<SearchIndexes>>,
}

#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

impl AppState {
    /// Connects to the database and sets up mail. Does not migrate: `serve`
    /// does that for the embedded database, `migrate` for the others.
    pub fn new(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url, config.db_pool_size)?;
        let mailer = Mailer::from_config(&config)?;
        let tokens = TokenKeys::new(config.jwt_secret_bytes());
        let page_cache = PageCache::new(config.page_cache_ms);
        let seal = match &config.bid_key {
            Some(key) => BidSeal::from_hex(key)?,
            None => BidSeal::from_data_dir(&config.data_dir)?,
        };
        Ok(AppState(Arc::new(App {
            config,
            db,
            clock: Clock::default(),
            tokens,
            mailer,
            seal,
            metrics: Metrics::default(),
            page_cache,
            search: tokio::sync::OnceCell::new(),
        })))
    }
}

/// The time as the application sees it: UTC, without a zone, as stored.
/// Every expiry (tokens, links, rate limits, job back-off) is measured with
/// it, so tests can move time forward instead of sleeping.
#[derive(Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().naive_utc()
            + chrono::Duration::seconds(self.offset_seconds.load(Ordering::Relaxed))
    }

    /// Moves this process's time forward (tests of expiry use it).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_seconds
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}
