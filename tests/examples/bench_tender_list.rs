//! Times listing 10,000 published tenders through the JSON API on SQLite.
//!
//! `cargo run --release -p socialbid-tests --example bench_tender_list`
//!
//! Seeds 10,000 published tenders (one transaction, straight into the
//! table), then asks the real router for pages of the public list: the
//! first, one in the middle, the last, and the largest page size. Prints
//! the time per request (median and 95th percentile over repeated runs).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use diesel::prelude::*;
use socialbid::db::schema::tenders;
use socialbid_tests::{AARHUS_CVR, Backend, TestApp};

const TENDERS: i64 = 10_000;
const RUNS: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = TestApp::new(Backend::Sqlite).await;
    let officer = app.officer("bench@aarhus.dk", AARHUS_CVR).await;
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&officer.access_token), None)
        .await
        .json();
    let user_id = me["id"].as_i64().unwrap();
    let authority_id: i64 = app
        .state
        .db
        .run(move |conn| {
            socialbid::db::schema::users::table
                .find(user_id)
                .select(socialbid::db::schema::users::authority_id.assume_not_null())
                .first(conn)
                .map_err(socialbid::error::AppError::from)
        })
        .await
        .unwrap();
    let now = app.now();
    let seeding = Instant::now();
    app.state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                for n in 0..TENDERS {
                    let at = now - chrono::Duration::minutes(TENDERS - n);
                    diesel::insert_into(tenders::table)
                        .values((
                            (
                                tenders::authority_id.eq(authority_id),
                                tenders::status.eq("published"),
                                tenders::language.eq("da"),
                                tenders::title.eq(format!("Rengøring af institutioner, udbud {n}")),
                                tenders::description.eq("Daglig rengøring."),
                                tenders::contract_nature.eq("services"),
                                tenders::procedure_type.eq("open"),
                                tenders::main_cpv.eq("90911200"),
                                tenders::additional_cpv.eq("[]"),
                                tenders::nuts_codes.eq("[\"DK042\"]"),
                            ),
                            (
                                // Hundredths of a krone.
                                tenders::estimated_value_hundredths.eq((1_000_000 + n) * 100),
                                tenders::submission_deadline.eq(now + chrono::Duration::days(40)),
                                tenders::question_deadline.eq(now + chrono::Duration::days(30)),
                                tenders::reserved.eq(if n % 7 == 0 {
                                    "[\"res-ws\"]"
                                } else {
                                    "[]"
                                }),
                                tenders::strategic.eq("[\"soc-obj\"]"),
                                tenders::lots.eq("[]"),
                                tenders::criteria.eq("[]"),
                                tenders::social_weight.eq((n % 5) as i32 * 10),
                                tenders::version.eq(1),
                                tenders::created_at.eq(at),
                                tenders::updated_at.eq(at),
                                tenders::published_at.eq(at),
                            ),
                        ))
                        .execute(conn)?;
                }
                Ok::<_, socialbid::error::AppError>(())
            })
        })
        .await
        .unwrap();
    println!(
        "seeded {TENDERS} published tenders in {:.1?}",
        seeding.elapsed()
    );

    for (label, path) in [
        (
            "first page, 20 a page",
            "/api/v1/tenders?page=1&per_page=20".to_owned(),
        ),
        (
            "middle page, 20 a page",
            "/api/v1/tenders?page=250&per_page=20".to_owned(),
        ),
        (
            "last page, 20 a page",
            "/api/v1/tenders?page=500&per_page=20".to_owned(),
        ),
        (
            "first page, 100 a page",
            "/api/v1/tenders?page=1&per_page=100".to_owned(),
        ),
        (
            "last page, 100 a page",
            "/api/v1/tenders?page=100&per_page=100".to_owned(),
        ),
    ] {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            let response = app.api(Method::GET, &path, None, None).await;
            times.push(started.elapsed());
            assert_eq!(response.status, StatusCode::OK);
        }
        times.sort();
        println!(
            "{label:<24} median {:>8.2?}   p95 {:>8.2?}",
            times[RUNS / 2],
            times[RUNS * 95 / 100]
        );
    }
}
