//! Keeping this process's indexes true: opened (and rebuilt when new or of
//! another schema version) at start, then following the change feed until
//! the process stops.

use std::sync::Arc;
use std::time::Duration;

use super::changes;
use super::indexes::{Opened, SearchIndexes};
use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// How often the follower looks for new changes. With one commit per look
/// that finds some, a change is searchable within about this long, and a
/// burst costs a commit per interval, not one per document.
const INTERVAL: Duration = Duration::from_millis(500);

/// This process's indexes, opened on first use: `serve` and `worker` open
/// them at start (see [`start`]); a test or a command that never searches
/// never opens them.
pub async fn indexes(app: &AppState) -> AppResult<Arc<SearchIndexes>> {
    app.search
        .get_or_try_init(|| async { open(app, |_, _| {}).await.map(Arc::new) })
        .await
        .cloned()
}

/// Opens this process's indexes, rebuilds them from the database when they
/// are new or of another schema version (telling `progress` how far it
/// got), and applies the feed from where they stopped.
async fn open(
    app: &AppState,
    progress: impl FnMut(u64, u64) + Send + 'static,
) -> AppResult<SearchIndexes> {
    let data_dir = app.config.data_dir.clone();
    app.db
        .run(move |conn| {
            let (indexes, opened) = SearchIndexes::open(&data_dir).map_err(AppError::internal)?;
            if let Opened::Empty = opened {
                indexes.rebuild(conn, progress)?;
            }
            indexes.catch_up(conn)?;
            tracing::info!(
                dir = %indexes.dir().display(),
                change = indexes.applied(),
                tenders = indexes.tenders.len(),
                profiles = indexes.profiles.len(),
                "search indexes ready"
            );
            Ok(indexes)
        })
        .await
}

/// Opens the indexes before the process serves or works, so the first
/// request finds them current.
pub async fn start(app: &AppState) -> anyhow::Result<Arc<SearchIndexes>> {
    indexes(app)
        .await
        .map_err(|error| anyhow::anyhow!("cannot open the search indexes: {error:?}"))
}

/// Applies the feed until `shutdown`, every [`INTERVAL`].
pub async fn follow(app: AppState, shutdown: impl std::future::Future<Output = ()>) {
    let follow = async {
        loop {
            tokio::time::sleep(INTERVAL).await;
            if let Err(error) = apply_pending(&app).await {
                app.metrics.count_search_error();
                tracing::error!(?error, "cannot apply the search change feed");
            }
        }
    };
    tokio::select! {
        () = follow => {},
        () = shutdown => {},
    }
}

/// Applies whatever the feed holds beyond this process's indexes.
pub async fn apply_pending(app: &AppState) -> AppResult<usize> {
    let indexes = indexes(app).await?;
    let applied = app.db.run(move |conn| indexes.catch_up(conn)).await?;
    if applied > 0 {
        // Search pages and the pages of what changed may differ now.
        app.page_cache.forget();
    }
    Ok(applied)
}

/// How many changes of the feed this process's indexes do not hold yet, and
/// the last one they hold; `None` while they are not open.
pub async fn lag(app: &AppState) -> AppResult<Option<(i64, i64)>> {
    let Some(indexes) = app.search.get().cloned() else {
        return Ok(None);
    };
    let latest = app
        .db
        .run(|conn| changes::latest(conn).map_err(AppError::from))
        .await?;
    let applied = indexes.applied();
    Ok(Some(((latest - applied).max(0), applied)))
}
