//! `socialbid import PATH...`: notice files, folders and TED's daily
//! packages, with a progress bar and a summary; the exit status is not
//! zero when any file failed.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::run::{Batch, Summary};
use super::sources;
use crate::config::Settings;
use crate::db::Db;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Notice files (eForms or TED XML), folders of them, or TED's daily
    /// `.tar.gz` packages.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: Settings,
}

/// Runs the import; `Ok(false)` when some file failed.
pub fn run(args: ImportArgs) -> anyhow::Result<bool> {
    let db = Db::connect(&args.settings.resolved_database_url()?, 1)?;
    if db.has_pending_migrations()? {
        anyhow::bail!("the database has pending migrations: run `socialbid migrate` first");
    }
    let sources = sources::list(&args.paths).context("reading the paths to import")?;
    let bar = ProgressBar::new(sources::count(&sources));
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} notices, {per_sec}, {eta} left")
            .context("the progress bar template")?,
    );
    let mut conn = db.get()?;
    let now = chrono::Utc::now().naive_utc();
    let mut batch = Batch::new(&mut conn, now);
    for source in &sources {
        sources::read(source, &mut |name, read| {
            batch.push(name, read);
            bar.inc(1);
        });
    }
    let summary = batch.finish();
    bar.finish_and_clear();
    print(&summary);
    Ok(summary.failed.is_empty())
}

fn print(summary: &Summary) {
    println!(
        "{} notices: {} imported, {} updated, {} unchanged, {} skipped, {} failed",
        summary.total(),
        summary.imported,
        summary.updated,
        summary.unchanged,
        summary.skipped.len(),
        summary.failed.len()
    );
    for skipped in &summary.skipped {
        println!("skipped {}: {}", skipped.file, skipped.reason);
    }
    for failed in &summary.failed {
        println!("failed {}: {}", failed.file, failed.reason);
    }
}
