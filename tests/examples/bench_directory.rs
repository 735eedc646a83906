//! How the directory holds at national scale: a hundred thousand approved
//! profiles (DOMAIN.md), searched by words and filtered along the CPV and
//! NUTS trees, on SQLite and on PostgreSQL.
//!
//! `cargo run --release -p socialbid-tests --example bench_directory`
//!
//! Seeds the profiles with a few set-based SQL statements (behind the change
//! feed's back, so the first search builds the profile index from the
//! database, which is timed too), then times one directory page with its
//! total and facets for each filter, `RUNS` times (default 50), and prints
//! p50 and p99. Checks that the totals follow the seeded pattern; asserts
//! nothing about time.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use socialbid::profiles::directory::{self, Filter};
use socialbid_tests::{Backend, TestApp, profile_body};

const PROFILES: i64 = 100_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for backend in Backend::ALL {
        bench(backend).await;
    }
}

/// The CPV code, region and objective of profile `n` (a SQL expression of
/// `n`): three eighths under `853`, half on the `DK011` branch.
fn codes_of(n: &str) -> [String; 3] {
    [
        format!(
            "CASE {n} % 8 WHEN 0 THEN '85300000' WHEN 1 THEN '85311000' WHEN 2 THEN '90910000' \
             WHEN 3 THEN '55520000' WHEN 4 THEN '77310000' WHEN 5 THEN '85000000' \
             WHEN 6 THEN '79810000' ELSE '45442100' END"
        ),
        format!(
            "CASE {n} % 6 WHEN 0 THEN 'DK01' WHEN 1 THEN 'DK011' WHEN 2 THEN 'DK042' \
             WHEN 3 THEN 'DK05' WHEN 4 THEN 'DK' ELSE 'DK031' END"
        ),
        format!("CASE {n} % 2 WHEN 0 THEN 'opp' ELSE 'work-cond' END"),
    ]
}

/// `draft` and `facts` hold placeholders (`@CPV@`, `"@RSV@"`, ...) that the
/// SQL fills per profile, so the profiles differ where the filters look.
fn seed_sql(backend: Backend, draft: &str, facts: &str) -> Vec<String> {
    let draft = draft.replace('\'', "''");
    let facts = facts.replace('\'', "''");
    let (series, cvr, now) = match backend {
        Backend::Postgres => (
            format!("FROM generate_series(1, {PROFILES}) AS seq(g)"),
            "lpad(g::text, 8, '0')",
            "now() AT TIME ZONE 'utc'",
        ),
        Backend::Sqlite => (
            format!(
                "FROM (WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {PROFILES}) SELECT g FROM s)"
            ),
            "substr('00000000' || g, -8, 8)",
            "CURRENT_TIMESTAMP",
        ),
    };
    let [cpv, nuts, objective] = codes_of("g");
    let flag = |modulo: u32| format!("CASE WHEN g % {modulo} = 0 THEN 'true' ELSE 'false' END");
    let draft = format!(
        "replace(replace(replace('{draft}', '@CPV@', {cpv}), '@NUTS@', {nuts}), '@OBJ@', {objective})"
    );
    let facts = format!(
        "replace(replace(replace('{facts}', '\"@RSV@\"', {}), '\"@WS@\"', {}), '\"@PUBSER@\"', {})",
        flag(3),
        flag(5),
        flag(7)
    );
    let [cpv, nuts, objective] = codes_of("id");
    vec![
        format!(
            "INSERT INTO organisations (registry_key, draft, approved_facts, review_state, public_name, public_rsv, \
             public_res_ws, public_res_pub_ser, submitted_at, created_at, updated_at) \
             SELECT {cvr}, {draft}, {facts}, 'approved', 'Virksomhed ' || g, g % 3 = 0, g % 5 = 0, g % 7 = 0, \
             {now}, {now}, {now} {series}"
        ),
        format!(
            "INSERT INTO organisation_codes (organisation_id, kind, code) SELECT id, 'cpv', {cpv} FROM organisations"
        ),
        format!(
            "INSERT INTO organisation_codes (organisation_id, kind, code) SELECT id, 'nuts', {nuts} FROM organisations"
        ),
        format!(
            "INSERT INTO organisation_codes (organisation_id, kind, code) SELECT id, 'objective', {objective} FROM organisations"
        ),
        "ANALYZE".to_owned(),
    ]
}

async fn bench(backend: Backend) {
    let app = TestApp::new(backend).await;
    let input: socialbid::profiles::model::ProfileInput =
        serde_json::from_value(profile_body("Virksomhed", "12345674")).unwrap();
    let profile = input
        .validate(chrono::Utc::now().date_naive())
        .expect("valid");
    let mut draft = serde_json::to_value(&profile).unwrap();
    for (field, placeholder) in [
        ("cpv", "@CPV@"),
        ("nuts", "@NUTS@"),
        ("social_objectives", "@OBJ@"),
    ] {
        assert!(draft.get(field).is_some(), "the draft has {field}");
        draft[field] = serde_json::json!([placeholder]);
    }
    let mut facts = serde_json::to_value(profile.facts()).unwrap();
    for (field, placeholder) in [
        ("rsv_registered", "@RSV@"),
        ("reserved_res_ws", "@WS@"),
        ("reserved_res_pub_ser", "@PUBSER@"),
    ] {
        assert!(facts.get(field).is_some(), "the facts have {field}");
        facts[field] = serde_json::json!(placeholder);
    }
    let (draft, facts) = (draft.to_string(), facts.to_string());
    let started = Instant::now();
    for sql in seed_sql(backend, &draft, &facts) {
        app.state
            .db
            .run(move |conn| {
                diesel::sql_query(sql)
                    .execute(conn)
                    .map_err(socialbid::error::AppError::from)
            })
            .await
            .unwrap();
    }
    println!(
        "{backend:?}: seeded {PROFILES} profiles in {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    socialbid::search::indexes(&app.state).await.unwrap();
    println!(
        "{backend:?}: built the profile index from the database in {:?}",
        started.elapsed()
    );
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);

    for (label, filter, expected) in [
        ("no filter", Filter::default(), PROFILES),
        (
            "cpv=853 (under)",
            Filter {
                cpv: "853".into(),
                ..Filter::default()
            },
            PROFILES * 3 / 8,
        ),
        (
            "cpv=85311000 (both ways)",
            Filter {
                cpv: "85311000".into(),
                ..Filter::default()
            },
            PROFILES * 3 / 8,
        ),
        (
            "nuts=DK011 (above)",
            Filter {
                nuts: "DK011".into(),
                ..Filter::default()
            },
            PROFILES / 2,
        ),
        (
            "cpv=853 nuts=DK01 rsv reserved=res-ws",
            Filter {
                cpv: "853".into(),
                nuts: "DK01".into(),
                rsv: "yes".into(),
                reserved: "res-ws".into(),
                ..Filter::default()
            },
            0,
        ),
        (
            "q=kantinedrift (every profile, ranked)",
            Filter {
                q: "kantinedrift".into(),
                ..Filter::default()
            },
            PROFILES,
        ),
        (
            "q=kantinedrift cpv=853 nuts=DK011",
            Filter {
                q: "kantinedrift".into(),
                cpv: "853".into(),
                nuts: "DK011".into(),
                ..Filter::default()
            },
            PROFILES / 6,
        ),
        (
            "page 501, the deepest",
            Filter {
                page: Some(501),
                ..Filter::default()
            },
            PROFILES,
        ),
    ] {
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut total = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let page = directory::search(&app.state, &filter).await.unwrap();
            times.push(t.elapsed());
            total = page.total;
            assert!(page.items.len() <= 20);
        }
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{backend:?}: {label}: {total} found, p50 {:?}, p99 {:?} ({runs} runs)",
            at(0.5),
            at(0.99)
        );
        if expected > 0 {
            // Counts follow the seeded pattern (± rounding of the modulos).
            assert!(
                (total - expected).abs() <= 2,
                "{label}: {total} != {expected}"
            );
        }
    }
}
