//! `socialbid reindex`: rebuilds the search indexes of this machine's data
//! folder from the database, with a progress bar.

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::AppState;
use crate::config::{Config, Settings};
use crate::error::AppError;
use crate::search::SearchIndexes;

pub async fn reindex(settings: Settings) -> anyhow::Result<()> {
    let app = AppState::new(Config::from_settings(settings)?)?;
    if app.db.has_pending_migrations()? {
        bail!("the database has pending migrations: run `socialbid migrate` first");
    }
    let data_dir = app.config.data_dir.clone();
    let mut busy = Vec::new();
    let free = SearchIndexes::recreate_free(&data_dir, |dir| busy.push(dir.to_owned()))?;
    for dir in busy {
        println!(
            "{} is in use by a running process, which keeps it current; left alone.",
            dir.display()
        );
    }
    for indexes in free {
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} documents ({eta} left)")
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.set_message(format!("Rebuilding {}", indexes.dir().display()));
        let progress = bar.clone();
        let indexes = app
            .db
            .run(move |conn| {
                indexes.rebuild(conn, |done, total| {
                    progress.set_length(total);
                    progress.set_position(done);
                })?;
                indexes.catch_up(conn)?;
                Ok::<_, AppError>(indexes)
            })
            .await
            .map_err(|error| anyhow::anyhow!("cannot rebuild the search index: {error:?}"))?;
        bar.finish_and_clear();
        println!(
            "Rebuilt {}: {} tenders and {} profiles searchable, up to change {}.",
            indexes.dir().display(),
            indexes.tenders.len(),
            indexes.profiles.len(),
            indexes.applied()
        );
    }
    Ok(())
}
