//! `/healthz` (the process answers), `/readyz` (the database answers, and
//! how far the search index lags it) and `/metrics`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use diesel::connection::SimpleConnection;

use crate::app::AppState;
use crate::error::AppError;
use crate::jobs;
use crate::search;
use crate::web::metrics::SearchGauges;

/// The operations endpoints: read by probes and scrapers, never by a
/// browser with a form, so no CSRF check stands before them (and a wrong
/// method gets its 405).
pub const PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is alive")))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "The database answers; the body says how far this process's search index lags the database"),
    (status = 503, description = "The database does not answer"),
))]
pub async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    let reachable = app
        .db
        .run(|conn| conn.batch_execute("SELECT 1").map_err(AppError::from))
        .await;
    if reachable.is_err() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable".to_owned(),
        );
    }
    // A lagging index still serves (slightly old) results, so lag is
    // reported, not turned into unreadiness.
    let body = match search::lag(&app).await {
        Ok(Some((behind, applied))) => {
            format!("ready\nsearch index: {behind} changes behind (holds change {applied})\n")
        }
        Ok(None) => "ready\nsearch index: not opened by this process\n".to_owned(),
        Err(_) => "ready\nsearch index: cannot read the change feed\n".to_owned(),
    };
    (StatusCode::OK, body)
}

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format")))]
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let pending = app
        .db
        .run(|conn| jobs::pending_count(conn).map_err(AppError::from))
        .await
        .ok();
    let pool = app.db.pool_state();
    let search = match (search::lag(&app).await, app.search.get()) {
        (Ok(Some((behind, applied))), Some(indexes)) => Some(SearchGauges {
            behind,
            applied,
            tenders: indexes.tenders.len(),
            profiles: indexes.profiles.len(),
        }),
        _ => None,
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics
            .render(pending, pool.connections, pool.idle_connections, search),
    )
}
