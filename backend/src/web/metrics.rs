//! A few counters in the Prometheus text format, kept by hand: the service
//! needs a handful of numbers, not a metrics framework.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;

#[derive(Default)]
pub struct Metrics {
    responses: [AtomicU64; 5],
    jobs_succeeded: AtomicU64,
    jobs_failed: AtomicU64,
    password_hashes: AtomicU64,
    search_errors: AtomicU64,
}

/// Where this process's search indexes stand, for `/metrics`.
pub struct SearchGauges {
    pub behind: i64,
    pub applied: i64,
    pub tenders: u64,
    pub profiles: u64,
}

impl Metrics {
    fn count_response(&self, status: u16) {
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        self.responses[class].fetch_add(1, Ordering::Relaxed);
    }

    pub fn job_succeeded(&self) {
        self.jobs_succeeded.fetch_add(1, Ordering::Relaxed);
    }

    pub fn job_failed(&self) {
        self.jobs_failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one argon2 computation (a hash or a verification): the most
    /// expensive work an anonymous caller can ask for.
    pub fn password_hashed(&self) {
        self.password_hashes.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a failed attempt to apply the search change feed.
    pub fn count_search_error(&self) {
        self.search_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn password_hashes(&self) -> u64 {
        self.password_hashes.load(Ordering::Relaxed)
    }

    pub fn render(
        &self,
        pending_jobs: Option<i64>,
        pool_connections: u32,
        pool_idle: u32,
        search: Option<SearchGauges>,
    ) -> String {
        let mut out = String::new();
        out.push_str("# HELP socialbid_http_responses_total HTTP responses by status class.\n");
        out.push_str("# TYPE socialbid_http_responses_total counter\n");
        for (i, counter) in self.responses.iter().enumerate() {
            let _ = writeln!(
                out,
                "socialbid_http_responses_total{{class=\"{}xx\"}} {}",
                i + 1,
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP socialbid_jobs_total Jobs run by this process, by outcome.\n");
        out.push_str("# TYPE socialbid_jobs_total counter\n");
        let _ = writeln!(
            out,
            "socialbid_jobs_total{{outcome=\"succeeded\"}} {}",
            self.jobs_succeeded.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "socialbid_jobs_total{{outcome=\"failed\"}} {}",
            self.jobs_failed.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP socialbid_password_hashes_total argon2 hashes and verifications computed.\n",
        );
        out.push_str("# TYPE socialbid_password_hashes_total counter\n");
        let _ = writeln!(
            out,
            "socialbid_password_hashes_total {}",
            self.password_hashes()
        );
        if let Some(pending) = pending_jobs {
            out.push_str("# HELP socialbid_jobs_pending Jobs waiting to run or be retried.\n");
            out.push_str("# TYPE socialbid_jobs_pending gauge\n");
            let _ = writeln!(out, "socialbid_jobs_pending {pending}");
        }
        out.push_str("# HELP socialbid_db_pool_connections Open database connections.\n");
        out.push_str("# TYPE socialbid_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "socialbid_db_pool_connections{{state=\"open\"}} {pool_connections}"
        );
        let _ = writeln!(
            out,
            "socialbid_db_pool_connections{{state=\"idle\"}} {pool_idle}"
        );
        self.render_search(&mut out, search);
        out
    }

    fn render_search(&self, out: &mut String, search: Option<SearchGauges>) {
        out.push_str(
            "# HELP socialbid_search_errors_total Failed attempts to apply the search change feed.\n",
        );
        out.push_str("# TYPE socialbid_search_errors_total counter\n");
        let _ = writeln!(
            out,
            "socialbid_search_errors_total {}",
            self.search_errors.load(Ordering::Relaxed)
        );
        let Some(search) = search else { return };
        out.push_str(
            "# HELP socialbid_search_changes_behind Changes in the database this process's search index does not hold yet.\n",
        );
        out.push_str("# TYPE socialbid_search_changes_behind gauge\n");
        let _ = writeln!(out, "socialbid_search_changes_behind {}", search.behind);
        out.push_str(
            "# HELP socialbid_search_last_change The last change of the feed the search index holds.\n",
        );
        out.push_str("# TYPE socialbid_search_last_change gauge\n");
        let _ = writeln!(out, "socialbid_search_last_change {}", search.applied);
        out.push_str("# HELP socialbid_search_documents Searchable documents, by index.\n");
        out.push_str("# TYPE socialbid_search_documents gauge\n");
        let _ = writeln!(
            out,
            "socialbid_search_documents{{index=\"tenders\"}} {}",
            search.tenders
        );
        let _ = writeln!(
            out,
            "socialbid_search_documents{{index=\"profiles\"}} {}",
            search.profiles
        );
    }
}

pub async fn count(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    app.metrics.count_response(response.status().as_u16());
    response
}
