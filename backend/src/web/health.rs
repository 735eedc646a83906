//! `/healthz` (the process answers), `/readyz` (the database answers) and
//! `/metrics`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use diesel::connection::SimpleConnection;

use crate::app::AppState;
use crate::error::AppError;
use crate::jobs;

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is alive")))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "The database answers"),
    (status = 503, description = "The database does not answer"),
))]
pub async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    let reachable = app
        .db
        .run(|conn| conn.batch_execute("SELECT 1").map_err(AppError::from))
        .await;
    match reachable {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format")))]
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let pending = app
        .db
        .run(|conn| jobs::pending_count(conn).map_err(AppError::from))
        .await
        .ok();
    let pool = app.db.pool_state();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics
            .render(pending, pool.connections, pool.idle_connections),
    )
}
