//! Tender search in the indexer against PostgreSQL full-text search
//! (tsvector, GIN index, `ts_rank`) and SQLite FTS5 (`bm25`), on the same
//! generated tenders and the same queries (issue 8).
//!
//! `cargo run --release -p socialbid-tests --example bench_fulltext`;
//! `BENCH_TENDERS` (default 1,000,000) and `BENCH_QUERIES` (default 200)
//! make it smaller or larger.
//!
//! The tenders and queries come from the indexer's seeded generator
//! (`socialbid_indexer::synthetic`) with the seed of the indexer's own
//! benchmark, so the first queries here are the first ones there. Every
//! engine answers the same question: open tenders holding every word
//! (stemmed in Danish or English) and passing the filter, the ten best by
//! its own ranking, the total, and the facet counts the search page shows
//! (CPV divisions, countries and Danish regions, objectives, reserved).
//! SQLite has no Danish stemmer: FTS5 uses its Porter (English) stemmer on
//! every text. Prints the figures and the ratios; asserts nothing about
//! time.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::sql_types::{Double, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ExecuteCopyFromDsl, QueryableByName, RunQueryDsl};
use socialbid_indexer::synthetic::World;
use socialbid_indexer::tree::{cpv_key, levels, nuts_key};
use socialbid_indexer::{TenderDoc, TenderIndex, TenderQuery, TenderStatus};
use socialbid_tests::{Backend, TestDb};

/// The seed of `indexer/examples/bench.rs`'s tenders and queries.
const SEED: u64 = 2026;

diesel::table! {
    bench_tenders (id) {
        id -> BigInt,
        cfg -> Text,
        title -> Text,
        body -> Text,
        status -> Text,
        deadline -> BigInt,
        value_dkk -> Nullable<BigInt>,
        reserved -> Bool,
        opp -> Bool,
    }
}

diesel::table! {
    bench_tender_codes (tender_id, level) {
        tender_id -> BigInt,
        level -> Text,
    }
}

/// One row of a search's answer: a hit of the page, the total, or a facet.
#[derive(QueryableByName)]
struct AnswerRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Double)]
    n: f64,
}

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The levels of a tender's codes along both trees, each once: `c85`,
/// `c853`, … for CPV and `nDK`, `nDK0`, … for NUTS. A filter at any level
/// is one lookup, as the index's facet terms are.
fn code_levels(doc: &TenderDoc) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for key in doc.cpv.iter().map(|c| cpv_key(c)) {
        out.extend(levels(&key).iter().map(|l| format!("c{l}")));
    }
    for key in doc.nuts.iter().map(|c| nuts_key(c)) {
        out.extend(levels(&key).iter().map(|l| format!("n{l}")));
    }
    out
}

/// The words of a query as the index splits them.
fn words(q: &TenderQuery) -> Vec<String> {
    q.words
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The filter part of the `WHERE` clause, the same in both dialects.
fn sql_filters(q: &TenderQuery) -> String {
    let mut sql = format!(" AND t.status = 'published' AND t.deadline >= {}", q.now);
    let code = |level: String| {
        format!(" AND t.id IN (SELECT tender_id FROM bench_tender_codes WHERE level = '{level}')")
    };
    for c in &q.cpv {
        sql += &code(format!("c{}", cpv_key(c)));
    }
    for n in &q.nuts {
        sql += &code(format!("n{}", nuts_key(n)));
    }
    if let Some(max) = q.value_max {
        write!(sql, " AND t.value_dkk <= {max}").unwrap();
    }
    if q.reserved_only {
        sql += " AND t.reserved";
    }
    sql
}

/// The page, the total and the facets from the matching rows in `hits`
/// (`id`, `rank` with the best first when sorted by `order`, `reserved`,
/// `opp`).
fn answer_sql(hits: &str, order: &str) -> String {
    format!(
        "WITH hits AS MATERIALIZED ({hits}) \
         SELECT 'page' AS kind, rank AS n FROM (SELECT id, rank FROM hits ORDER BY {order}, id LIMIT 10) AS page \
         UNION ALL SELECT 'total', CAST(count(*) AS DOUBLE PRECISION) FROM hits \
         UNION ALL SELECT 'facet:' || c.level, CAST(count(*) AS DOUBLE PRECISION) FROM hits \
           JOIN bench_tender_codes c ON c.tender_id = hits.id \
           WHERE length(c.level) = 3 OR c.level LIKE 'nDK0_' GROUP BY c.level \
         UNION ALL SELECT 'facet:opp', CAST(count(*) AS DOUBLE PRECISION) FROM hits WHERE opp \
         UNION ALL SELECT 'facet:reserved', CAST(count(*) AS DOUBLE PRECISION) FROM hits WHERE reserved"
    )
}

fn quote(word: &str) -> String {
    word.replace('\'', "''")
}

fn postgres_sql(q: &TenderQuery) -> String {
    let tsquery = words(q)
        .iter()
        .map(|w| {
            let w = quote(w);
            format!("(plainto_tsquery('danish', '{w}') || plainto_tsquery('english', '{w}'))")
        })
        .collect::<Vec<_>>()
        .join(" && ");
    let hits = format!(
        "SELECT t.id, ts_rank(t.tsv, q.q) AS rank, t.reserved, t.opp \
         FROM bench_tenders t, (SELECT {tsquery} AS q) AS q WHERE t.tsv @@ q.q{}",
        sql_filters(q)
    );
    answer_sql(&hits, "rank DESC")
}

fn sqlite_sql(q: &TenderQuery) -> String {
    let phrase = words(q)
        .iter()
        .map(|w| format!("\"{}\"", quote(w)))
        .collect::<Vec<_>>()
        .join(" ");
    // bm25() is lower for better matches; titles weigh twice, as in the
    // index.
    let hits = format!(
        "SELECT t.id, bm25(bench_fts, 2.0, 1.0) AS rank, t.reserved, t.opp \
         FROM bench_fts JOIN bench_tenders t ON t.id = bench_fts.rowid \
         WHERE bench_fts MATCH '{phrase}'{}",
        sql_filters(q)
    );
    answer_sql(&hits, "rank")
}

struct Timed {
    times: Vec<Duration>,
    totals: u64,
}

impl Timed {
    fn new() -> Timed {
        Timed {
            times: Vec::new(),
            totals: 0,
        }
    }

    fn at(&self, p: f64) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        times[((times.len() as f64 * p) as usize).min(times.len() - 1)]
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<10} p50 {:>9.2} ms  p99 {:>9.2} ms  ({:.0} hits on average)",
            self.at(0.5).as_secs_f64() * 1e3,
            self.at(0.99).as_secs_f64() * 1e3,
            self.totals as f64 / self.times.len() as f64
        )
    }
}

fn total_of(rows: &[AnswerRow]) -> u64 {
    rows.iter()
        .find(|r| r.kind == "total")
        .map_or(0, |r| r.n as u64)
}

fn run_tantivy(docs: &[TenderDoc], queries: &[TenderQuery]) -> Result<Timed, anyhow::Error> {
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let index = TenderIndex::recreate(dir.path())?;
    for doc in docs {
        index.upsert(doc)?;
    }
    index.commit_with_payload(Some(docs.len() as i64))?;
    println!(
        "tantivy: indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut timed = Timed::new();
    for q in queries {
        let start = Instant::now();
        let results = index.search(q)?;
        timed.times.push(start.elapsed());
        timed.totals += results.total;
    }
    Ok(timed)
}

/// One line of PostgreSQL's `COPY … FROM` text format.
fn copy_field(out: &mut dyn std::io::Write, value: &str, last: bool) -> std::io::Result<()> {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    write!(out, "{escaped}{}", if last { "\n" } else { "\t" })
}

fn language_config(doc: &TenderDoc) -> &'static str {
    match doc.texts.first().map(|t| t.lang.as_str()) {
        Some("da") => "danish",
        _ => "english",
    }
}

fn title_and_body(doc: &TenderDoc) -> (String, String) {
    let title = doc
        .texts
        .iter()
        .map(|t| t.title.as_str())
        .collect::<Vec<_>>();
    let body = doc
        .texts
        .iter()
        .map(|t| t.description.as_str())
        .collect::<Vec<_>>();
    (title.join("\n"), body.join("\n"))
}

fn load_postgres(conn: &mut PgConnection, docs: &[TenderDoc]) -> Result<(), anyhow::Error> {
    for sql in [
        "CREATE TABLE bench_tenders (id BIGINT PRIMARY KEY, cfg REGCONFIG NOT NULL, \
         title TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, deadline BIGINT NOT NULL, \
         value_dkk BIGINT, reserved BOOLEAN NOT NULL, opp BOOLEAN NOT NULL, \
         tsv TSVECTOR GENERATED ALWAYS AS \
         (setweight(to_tsvector(cfg, title), 'A') || setweight(to_tsvector(cfg, body), 'B')) STORED)",
        "CREATE TABLE bench_tender_codes (tender_id BIGINT NOT NULL, level TEXT NOT NULL)",
    ] {
        diesel::sql_query(sql).execute(conn)?;
    }
    diesel::copy_from(bench_tenders::table)
        .from_raw_data(bench_tenders::table, |out| {
            let copy_error =
                |e: std::io::Error| diesel::result::Error::SerializationError(Box::new(e));
            for doc in docs {
                let (title, body) = title_and_body(doc);
                let value = doc.value_dkk.map_or("\\N".to_owned(), |v| v.to_string());
                copy_field(out, &doc.id.to_string(), false).map_err(copy_error)?;
                copy_field(out, language_config(doc), false).map_err(copy_error)?;
                copy_field(out, &title, false).map_err(copy_error)?;
                copy_field(out, &body, false).map_err(copy_error)?;
                copy_field(out, doc.status.code(), false).map_err(copy_error)?;
                copy_field(out, &doc.deadline.to_string(), false).map_err(copy_error)?;
                write!(out, "{value}\t").map_err(copy_error)?;
                copy_field(out, bool_text(!doc.reserved.is_empty()), false).map_err(copy_error)?;
                copy_field(out, bool_text(opp(doc)), true).map_err(copy_error)?;
            }
            Ok::<(), diesel::result::Error>(())
        })
        .execute(conn)?;
    diesel::copy_from(bench_tender_codes::table)
        .from_raw_data(bench_tender_codes::table, |out| {
            for doc in docs {
                for level in code_levels(doc) {
                    writeln!(out, "{}\t{level}", doc.id)
                        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
                }
            }
            Ok::<(), diesel::result::Error>(())
        })
        .execute(conn)?;
    for sql in [
        "CREATE INDEX bench_tenders_tsv ON bench_tenders USING GIN (tsv)",
        "CREATE INDEX bench_tenders_open ON bench_tenders (status, deadline)",
        "CREATE INDEX bench_tender_codes_level ON bench_tender_codes (level, tender_id)",
        "CREATE INDEX bench_tender_codes_tender ON bench_tender_codes (tender_id)",
        "ANALYZE",
    ] {
        diesel::sql_query(sql).execute(conn)?;
    }
    Ok(())
}

fn bool_text(b: bool) -> &'static str {
    if b { "t" } else { "f" }
}

fn opp(doc: &TenderDoc) -> bool {
    doc.objectives.iter().any(|o| o == "opp")
}

fn load_sqlite(conn: &mut SqliteConnection, docs: &[TenderDoc]) -> Result<(), anyhow::Error> {
    use diesel::sql_types::{BigInt, Bool, Nullable};
    for sql in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = OFF",
        "CREATE TABLE bench_tenders (id INTEGER PRIMARY KEY, status TEXT NOT NULL, \
         deadline INTEGER NOT NULL, value_dkk INTEGER, reserved BOOLEAN NOT NULL, opp BOOLEAN NOT NULL)",
        "CREATE TABLE bench_tender_codes (tender_id INTEGER NOT NULL, level TEXT NOT NULL)",
        "CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, tokenize = 'porter unicode61')",
    ] {
        diesel::sql_query(sql).execute(conn)?;
    }
    conn.transaction(|conn| {
        for doc in docs {
            let id = doc.id as i64;
            let (title, body) = title_and_body(doc);
            diesel::sql_query(
                "INSERT INTO bench_tenders (id, status, deadline, value_dkk, reserved, opp) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(doc.status.code())
            .bind::<BigInt, _>(doc.deadline)
            .bind::<Nullable<BigInt>, _>(doc.value_dkk.map(|v| v as i64))
            .bind::<Bool, _>(!doc.reserved.is_empty())
            .bind::<Bool, _>(opp(doc))
            .execute(conn)?;
            diesel::sql_query("INSERT INTO bench_fts (rowid, title, body) VALUES (?, ?, ?)")
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(title)
                .bind::<Text, _>(body)
                .execute(conn)?;
            for level in code_levels(doc) {
                diesel::sql_query(
                    "INSERT INTO bench_tender_codes (tender_id, level) VALUES (?, ?)",
                )
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(level)
                .execute(conn)?;
            }
        }
        diesel::QueryResult::Ok(())
    })?;
    for sql in [
        "CREATE INDEX bench_tenders_open ON bench_tenders (status, deadline)",
        "CREATE INDEX bench_tender_codes_level ON bench_tender_codes (level, tender_id)",
        "CREATE INDEX bench_tender_codes_tender ON bench_tender_codes (tender_id)",
        "INSERT INTO bench_fts (bench_fts) VALUES ('optimize')",
        "ANALYZE",
    ] {
        diesel::sql_query(sql).execute(conn)?;
    }
    Ok(())
}

fn run_sql<C: Connection>(
    conn: &mut C,
    queries: &[TenderQuery],
    sql_for: fn(&TenderQuery) -> String,
) -> Result<Timed, anyhow::Error>
where
    AnswerRow: diesel::deserialize::QueryableByName<C::Backend>,
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, AnswerRow>,
{
    let mut timed = Timed::new();
    for q in queries {
        let sql = sql_for(q);
        let start = Instant::now();
        let rows: Vec<AnswerRow> = diesel::sql_query(sql).load(conn)?;
        timed.times.push(start.elapsed());
        timed.totals += total_of(&rows);
        assert!(rows.iter().filter(|r| r.kind == "page").count() <= 10);
    }
    Ok(timed)
}

fn main() -> Result<(), anyhow::Error> {
    let tenders = count("BENCH_TENDERS", 1_000_000);
    let queries_n = count("BENCH_QUERIES", 200);
    let mut world = World::new(SEED);
    let docs = world.archive(tenders as u64);
    let queries: Vec<TenderQuery> = (0..queries_n).map(|_| world.search_query()).collect();
    let open = docs
        .iter()
        .filter(|d| d.status == TenderStatus::Published)
        .count();
    println!(
        "{tenders} tenders ({open} published), {queries_n} queries: 1-3 words + a filter, open tenders, top 10 with total and facets"
    );

    let tantivy = run_tantivy(&docs, &queries)?;

    let pg_db = TestDb::new(Backend::Postgres);
    let mut pg = PgConnection::establish(pg_db.url())?;
    let started = Instant::now();
    load_postgres(&mut pg, &docs)?;
    println!(
        "postgres: loaded and indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let postgres = run_sql(&mut pg, &queries, postgres_sql)?;
    drop(pg);
    drop(pg_db);

    let sqlite_db = TestDb::new(Backend::Sqlite);
    let path = sqlite_db.url().trim_start_matches("sqlite://");
    let mut sqlite = SqliteConnection::establish(path)?;
    let started = Instant::now();
    load_sqlite(&mut sqlite, &docs)?;
    println!(
        "sqlite: loaded and indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let sqlite_timed = run_sql(&mut sqlite, &queries, sqlite_sql)?;

    println!("{}", tantivy.line("tantivy"));
    println!("{}", postgres.line("postgres"));
    println!("{}", sqlite_timed.line("sqlite"));
    for (name, other) in [("postgres", &postgres), ("sqlite", &sqlite_timed)] {
        let ratio = |p: f64| other.at(p).as_secs_f64() / tantivy.at(p).as_secs_f64();
        println!(
            "{name} / tantivy: p50 {:.0}x, p99 {:.0}x",
            ratio(0.5),
            ratio(0.99)
        );
    }
    Ok(())
}
