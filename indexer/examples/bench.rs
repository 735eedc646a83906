//! Speed, measured on seeded synthetic data: matching one tender against
//! 100,000 profiles (top 50), one new tender against 10,000 saved searches,
//! searching 1,000,000 tenders with one to three words plus filters (top
//! 10, with facets and total), and building the 1,000,000-tender index on
//! disk (time and size).
//!
//! `cargo run --release -p socialbid-indexer --features bench --example
//! bench`; smaller runs with `BENCH_TENDERS=20000 BENCH_PROFILES=5000
//! BENCH_SAVED=1000`; some parts only with `BENCH_ONLY=match,partners,saved,search`
//! (`search` includes the build).

use std::time::{Duration, Instant};

use socialbid_indexer::synthetic::World;
use socialbid_indexer::{
    IndexError, ProfileIndex, StatusFilter, TenderDoc, TenderIndex, TenderQuery, TenderStatus,
    TenderText,
};

const QUERIES: usize = 1_000;

/// The server's allocator (backend/src/main.rs), so that allocation costs
/// what it costs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Whether `BENCH_ONLY` (a comma-separated list) asks for `part`; all
/// parts run when it is unset.
fn runs(part: &str) -> bool {
    std::env::var("BENCH_ONLY").map_or(true, |only| only.split(',').any(|p| p.trim() == part))
}

fn count(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Wall-clock and CPU time of each call: on a shared machine the wall
/// clock also counts the time other processes held the cores.
#[derive(Default)]
struct Times {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

impl Times {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let out = f();
        self.cpu.push(thread_cpu() - cpu);
        self.wall.push(wall.elapsed());
        out
    }

    fn percentiles(self) -> String {
        let at = |mut times: Vec<Duration>| {
            times.sort();
            let p = |p: f64| {
                times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1e3
            };
            format!("p50 {:.2} ms, p99 {:.2} ms", p(0.50), p(0.99))
        };
        format!("wall {}; CPU {}", at(self.wall), at(self.cpu))
    }
}

/// How many segments the index directory's last commit holds.
fn segments(path: &std::path::Path) -> Result<usize, Box<dyn std::error::Error>> {
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(path.join("meta.json"))?)?;
    Ok(meta["segments"].as_array().map_or(0, Vec::len))
}

/// The bytes of the index directory's files, by extension (`store`,
/// `idx`, `term`, …), largest first.
fn sizes_by_kind(path: &std::path::Path) -> std::io::Result<Vec<(String, u64)>> {
    let mut kinds: std::collections::BTreeMap<String, u64> = Default::default();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = name.rsplit_once('.').map_or("other", |(_, ext)| ext);
        *kinds.entry(kind.to_owned()).or_default() += entry.metadata()?.len();
    }
    let mut kinds: Vec<(String, u64)> = kinds.into_iter().collect();
    kinds.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    Ok(kinds)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenders_n = count("BENCH_TENDERS", 1_000_000);
    let profiles_n = count("BENCH_PROFILES", 100_000);

    // The profiles are generated whatever runs, so that the tenders made
    // after them are the same in every run.
    let mut world = World::new(2027);
    let profiles = ProfileIndex::in_ram()?;
    let with_profiles = runs("match") || runs("partners");
    for id in 1..=profiles_n {
        let profile = world.profile(id);
        if with_profiles {
            profiles.upsert(&profile)?;
        }
    }
    profiles.commit_with_payload(Some(profiles_n as i64))?;
    let asking: Vec<TenderDoc> = (0..QUERIES)
        .map(|i| world.tender(10_000_000 + i as u64))
        .collect();
    if runs("match") {
        bench_matching(&profiles, &asking, profiles_n)?;
    }
    if runs("partners") {
        bench_partners(&profiles, &asking, &mut world, profiles_n)?;
    }
    drop(profiles);
    if runs("saved") {
        bench_saved(&asking)?;
    }
    if runs("search") {
        bench_search(tenders_n)?;
    }
    Ok(())
}

/// Matching: one tender against the profiles, top 50.
fn bench_matching(
    profiles: &ProfileIndex,
    asking: &[TenderDoc],
    profiles_n: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times = Times::default();
    let mut found = 0;
    for tender in asking {
        found += times
            .time(|| profiles.match_profiles_for_tender(tender, 50))?
            .len();
    }
    println!(
        "match one tender against {profiles_n} profiles, top 50 ({QUERIES} tenders, {:.1} matches on average): {}",
        found as f64 / QUERIES as f64,
        times.percentiles()
    );
    Ok(())
}

/// Partner suggestions: a lead (one of the profiles) and each tender.
fn bench_partners(
    profiles: &ProfileIndex,
    asking: &[TenderDoc],
    world: &mut World,
    profiles_n: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times = Times::default();
    let mut combinations = 0;
    for (i, tender) in asking.iter().enumerate() {
        let lead = world.profile(1 + (i as u64 * 7919) % profiles_n);
        combinations += times
            .time(|| profiles.suggest_partners(tender, &lead, 5))?
            .suggestions
            .len();
    }
    println!(
        "suggest partners for a lead and one tender among {profiles_n} profiles, top 5 combinations ({QUERIES} tenders, {:.1} combinations on average): {}",
        combinations as f64 / QUERIES as f64,
        times.percentiles()
    );
    Ok(())
}

/// Saved searches: which of them find one newly published tender.
fn bench_saved(asking: &[TenderDoc]) -> Result<(), Box<dyn std::error::Error>> {
    let saved_n = count("BENCH_SAVED", 10_000);
    let mut world = World::new(2028);
    let saved: Vec<_> = (0..saved_n).map(|_| world.search_query()).collect();
    let mut times = Times::default();
    let mut found = 0;
    let new_tenders = QUERIES / 10;
    for tender in asking.iter().take(new_tenders) {
        found += times
            .time(|| TenderIndex::searches_finding(tender, &saved))?
            .len();
    }
    println!(
        "one new tender against {saved_n} saved searches ({new_tenders} tenders, {:.1} searches find each): {}",
        found as f64 / new_tenders as f64,
        times.percentiles()
    );
    Ok(())
}

/// Building the tender index on disk from documents already in memory (as
/// the rebuild has them from the database), then searching it.
fn bench_search(tenders_n: u64) -> Result<(), Box<dyn std::error::Error>> {
    let mut world = World::new(2026);
    let docs = world.archive(tenders_n);
    let dir = tempfile::tempdir()?;
    let start = Instant::now();
    let tenders = TenderIndex::recreate(dir.path())?;
    for doc in &docs {
        tenders.upsert(doc)?;
    }
    tenders.commit_with_payload(Some(tenders_n as i64))?;
    let built = start.elapsed();
    let sizes = sizes_by_kind(dir.path())?;
    let total: u64 = sizes.iter().map(|(_, bytes)| bytes).sum();
    let by_kind: Vec<String> = sizes
        .iter()
        .map(|(kind, bytes)| format!("{kind} {:.1}", *bytes as f64 / 1e6))
        .collect();
    println!(
        "build {tenders_n} tenders on disk: {:.1} s, {:.0} MB ({} MB), {} segments",
        built.as_secs_f64(),
        total as f64 / 1e6,
        by_kind.join(", "),
        segments(dir.path())?
    );
    // Searching: one to three words plus a filter, top 10 with total and
    // facets, and snippets from the texts (which the index does not keep:
    // the server reads them from its database, here they are in memory).
    // First as the search page asks by default, among the open tenders,
    // then the same queries over the whole archive ("open and closed").
    let queries: Vec<_> = (0..QUERIES).map(|_| world.search_query()).collect();
    let open = docs
        .iter()
        .filter(|d| d.status == TenderStatus::Published && d.deadline >= queries[0].now)
        .count();
    for (status, among) in [
        (
            StatusFilter::Open,
            format!("the {open} open tenders of {tenders_n}"),
        ),
        (StatusFilter::All, format!("all {tenders_n} tenders")),
    ] {
        let mut times = Times::default();
        let mut hits = 0;
        for q in &queries {
            let q = TenderQuery {
                status,
                ..q.clone()
            };
            hits += times.time(|| {
                let results = tenders.search(&q)?;
                let texts: Vec<&[TenderText]> = results
                    .hits
                    .iter()
                    .map(|hit| docs[hit.id as usize - 1].texts.as_slice())
                    .collect();
                tenders.snippets(&q.words, &texts)?;
                Ok::<_, IndexError>(results.total)
            })?;
        }
        println!(
            "search {among}, 1-3 words + a filter, top 10 with total, facets and snippets ({QUERIES} queries, {:.0} hits on average): {}",
            hits as f64 / QUERIES as f64,
            times.percentiles()
        );
    }
    Ok(())
}
