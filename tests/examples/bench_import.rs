//! Importing notices at scale: the 95 real Danish TED notices and the 78
//! valid eForms examples replicated with fresh identifiers (each copy its
//! own notice and procedure) up to 100,000 notices, into SQLite and into
//! PostgreSQL, the way `socialbid import` does (chunks of notices per
//! transaction, each in its own savepoint).
//!
//! `cargo run --release -p socialbid-tests --example bench_import [-- N]`
//!
//! Prints notices per second, and the resident memory after each tenth of
//! the run and at its peak, to show it does not grow with the number of
//! notices. Asserts only that every notice imported.

use std::time::Instant;

use socialbid::db::Db;
use socialbid::import::run::Batch;
use socialbid_tests::{Backend, TestDb, workspace_root};

/// A notice as a template: its text and the identifiers to replace.
struct Template {
    text: String,
    ids: Vec<String>,
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    text.match_indices(start)
        .filter_map(|(i, _)| {
            let from = i + start.len();
            text[from..].find(end).map(|j| &text[from..from + j])
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn templates() -> Vec<Template> {
    let mut templates = Vec::new();
    for folder in ["ted-denmark", "eforms-sdk-examples"] {
        let dir = workspace_root().join("reference/notices").join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                !name.starts_with("INVALID_") && !name.starts_with('X')
            })
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("notice");
            // Every identifier a notice is known by: TED's document id and
            // publication numbers; eForms' notice and procedure ids.
            let mut ids: Vec<String> = between(&text, "DOC_ID=\"", "\"")
                .into_iter()
                .chain(between(&text, "<NO_DOC_OJS>", "<"))
                .chain(between(&text, "schemeName=\"notice-id\">", "<"))
                .chain(between(&text, "<cbc:ContractFolderID>", "<"))
                .chain(
                    between(&text, "<efbc:ChangedNoticeIdentifier>", "<")
                        .into_iter()
                        .filter_map(|changed| changed.rsplit_once('-').map(|(id, _version)| id)),
                )
                .map(str::to_owned)
                .collect();
            ids.sort();
            ids.dedup();
            templates.push(Template { text, ids });
        }
    }
    templates
}

/// Copy `n` of a template: every identifier gets the copy's number.
fn copy(template: &Template, n: usize) -> Vec<u8> {
    let mut text = template.text.clone();
    for id in &template.ids {
        text = text.replace(id.as_str(), &format!("{id}-c{n}"));
    }
    text.into_bytes()
}

fn rss_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let total: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let templates = templates();
    println!(
        "{} templates, {total} notices per database",
        templates.len()
    );
    if std::env::var_os("PARSE_ONLY").is_some() {
        let started = Instant::now();
        for i in 0..total {
            let bytes = copy(&templates[i % templates.len()], i);
            socialbid::import::notice::parse_bytes(&bytes).expect("parses");
        }
        println!(
            "parse only: {:.0} notices/s",
            total as f64 / started.elapsed().as_secs_f64()
        );
        return;
    }
    for backend in Backend::ALL {
        let db = TestDb::new(backend);
        let pool = Db::connect(db.url(), 1).expect("database");
        pool.migrate().expect("migrations");
        let mut conn = pool.get().expect("connection");
        let now = chrono::Utc::now().naive_utc();
        let started = Instant::now();
        let mut batch = Batch::new(&mut conn, now);
        let mut memory = Vec::new();
        for i in 0..total {
            let template = &templates[i % templates.len()];
            batch.push(
                format!("notice-{i}"),
                Ok(copy(template, i / templates.len())),
            );
            if (i + 1) % (total / 10).max(1) == 0 {
                memory.push(rss_kb("VmRSS:") / 1024);
            }
        }
        let summary = batch.finish();
        let seconds = started.elapsed().as_secs_f64();
        assert!(
            summary.failed.is_empty(),
            "{:?}",
            &summary.failed[..summary.failed.len().min(3)]
        );
        assert_eq!(summary.total(), total as u64);
        println!(
            "{}: {total} notices in {seconds:.1} s = {:.0} notices/s; {} new tenders, {} updated; \
             RSS by tenths (MB): {memory:?}; peak RSS {} MB",
            backend.name(),
            total as f64 / seconds,
            summary.imported,
            summary.updated,
            rss_kb("VmHWM:") / 1024,
        );
    }
}
