//! The search index through the real binary: a process killed with
//! SIGKILL in the middle of indexing loses nothing once restarted, and two
//! processes on one PostgreSQL database converge on the same index. Each
//! index is compared, document by document, with what a rebuild from the
//! database makes.

use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;
use socialbid::db::ids::{OrganisationId, TenderId};
use socialbid::db::schema::{organisations, tenders};
use socialbid::db::{Db, write_transaction};
use socialbid::search::{Opened, SearchIndexes, changes, documents};
use socialbid_indexer::KeptTender;
use socialbid_tests::{SocialbidProcess, TestDb};

const SECRET: &str = "a signing key for the search process tests";
/// The bid sealing key the processes share.
const BID_KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

/// A round of changes written as the application writes them: every
/// published tender gets a new title, and the feed a row for it, in one
/// transaction.
fn change_every_tender(db: &Db, round: usize) {
    let mut conn = db.get().expect("a connection");
    let now = chrono::Utc::now().naive_utc();
    write_transaction(&mut conn, |conn| {
        // In id order, so parallel rounds take their row locks in the
        // same order (any other order deadlocks two rounds).
        let ids: Vec<TenderId> = tenders::table
            .filter(tenders::status.ne("draft"))
            .order(tenders::id)
            .select(tenders::id)
            .load(conn)?;
        for id in ids {
            diesel::update(tenders::table.find(id))
                .set(tenders::title.eq(format!("Runde {round}: udbud {id}")))
                .execute(conn)?;
            changes::record_tender(conn, id, now)?;
        }
        QueryResult::Ok(())
    })
    .expect("a round of changes");
}

/// Opens the index a stopped process left in `data_dir` and compares every
/// tender and profile with the document a rebuild would make now.
fn assert_index_is_the_database(data_dir: &Path, db: &Db) {
    let (indexes, opened) = SearchIndexes::open(data_dir).expect("the index opens");
    assert!(matches!(opened, Opened::Resumed), "the index was kept");
    let mut conn = db.get().expect("a connection");
    assert_eq!(indexes.applied(), changes::latest(&mut conn).expect("feed"));
    let tender_ids: Vec<TenderId> = tenders::table.select(tenders::id).load(&mut conn).unwrap();
    let expected = documents::tenders(&mut conn, &tender_ids).expect("tender documents");
    assert!(expected.len() > 20, "the demo's tenders are there");
    for id in &tender_ids {
        assert_eq!(
            indexes.tenders.get(id.0 as u64).expect("read"),
            expected.get(id).map(KeptTender::of),
            "tender {id}"
        );
    }
    assert_eq!(indexes.tenders.len(), expected.len() as u64);
    let organisation_ids: Vec<OrganisationId> = organisations::table
        .select(organisations::id)
        .load(&mut conn)
        .unwrap();
    let expected = documents::profiles(&mut conn, &organisation_ids).expect("profiles");
    assert!(
        expected.len() > 10,
        "the demo's approved profiles are there"
    );
    for id in &organisation_ids {
        assert_eq!(
            indexes.profiles.get(id.0 as u64).expect("read"),
            expected.get(id).cloned(),
            "organisation {id}"
        );
    }
    assert_eq!(indexes.profiles.len(), expected.len() as u64);
}

async fn demo(envs: &[(&str, &str)]) {
    let demo = SocialbidProcess::run(&["demo"], envs).await;
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_while_indexing_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let envs = [("SOCIALBID_DATA_DIR", data_dir)];
    demo(&envs).await;
    let server = SocialbidProcess::start(&envs).await;
    server.index_caught_up().await;
    let db = Db::connect(
        &format!("sqlite://{}", data.path().join("socialbid.db").display()),
        2,
    )
    .expect("the database");
    // Changes keep coming while the follower applies them; SIGKILL lands
    // wherever it is (drop kills the process).
    for round in 0..6 {
        change_every_tender(&db, round);
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    drop(server);
    // More changes while no process follows.
    for round in 6..9 {
        change_every_tender(&db, round);
    }
    let restarted = SocialbidProcess::start(&envs).await;
    restarted.index_caught_up().await;
    let logs = restarted.logs();
    drop(restarted);
    assert!(
        !logs.contains("rebuilding the search index"),
        "resumed, not rebuilt: {logs}"
    );
    assert_index_is_the_database(data.path(), &db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgresql_converge() {
    let database = TestDb::postgres();
    let url = database.url();
    let migrated = SocialbidProcess::run(&["migrate"], &[("DATABASE_URL", url)]).await;
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    demo(&[
        ("DATABASE_URL", url),
        ("SOCIALBID_JWT_SECRET", SECRET),
        ("SOCIALBID_BID_KEY", BID_KEY),
    ])
    .await;
    let first_data = tempfile::tempdir().unwrap();
    let second_data = tempfile::tempdir().unwrap();
    let start = |data: &Path, worker: &'static str| {
        let data = data.to_str().unwrap().to_owned();
        async move {
            SocialbidProcess::start(&[
                ("DATABASE_URL", url),
                ("SOCIALBID_JWT_SECRET", SECRET),
                ("SOCIALBID_BID_KEY", BID_KEY),
                ("SOCIALBID_DATA_DIR", &data),
                ("SOCIALBID_EMBEDDED_WORKER", worker),
            ])
            .await
        }
    };
    let first = start(first_data.path(), "true").await;
    let second = start(second_data.path(), "false").await;
    let db = Db::connect(url, 4).expect("the database");
    // Writers in parallel, as several replicas would write.
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let db = db.clone();
            tokio::task::spawn_blocking(move || {
                for round in 0..3 {
                    change_every_tender(&db, writer * 10 + round);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("a writer");
    }
    first.index_caught_up().await;
    second.index_caught_up().await;
    // The same tenders found by both; the order of equal scores may differ,
    // since each index has its own segments (and deleted documents count in
    // the statistics until they are merged away).
    let found = |server: &SocialbidProcess| {
        let url = server.url("/api/v1/search/tenders?status=all&q=runde&sort=newest");
        async move {
            let body: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            let mut ids: Vec<i64> = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect();
            ids.sort();
            (body["total"].clone(), ids)
        }
    };
    assert_eq!(found(&first).await, found(&second).await);
    drop(first);
    drop(second);
    assert_index_is_the_database(first_data.path(), &db);
    assert_index_is_the_database(second_data.path(), &db);
}
