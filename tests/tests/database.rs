//! The database under concurrent writers, as the embedded default meets it:
//! the web handlers and the worker write through one pool at once.

use socialbid::db::{Db, write_transaction};
use socialbid::error::AppError;
use socialbid::jobs;
use socialbid_tests::{Backend, TestDb, on_both_databases};

on_both_databases!(
    transactions_that_read_then_write_never_fail_under_contention,
    a_connection_a_panic_left_in_a_transaction_never_returns_to_the_pool,
);

#[derive(serde::Serialize)]
struct Probe {
    writer: usize,
    round: usize,
}

impl jobs::Job for Probe {
    const KIND: &'static str = "probe";
}

/// Each transaction reads first and writes after, the shape that makes a
/// plain SQLite transaction fail with "database is locked" when another
/// writer commits in between. None may fail, and none may be lost.
async fn transactions_that_read_then_write_never_fail_under_contention(backend: Backend) {
    const WRITERS: usize = 8;
    const ROUNDS: usize = 25;
    let test_db = TestDb::new(backend);
    let db = Db::connect(test_db.url(), WRITERS as u32).unwrap();
    db.migrate().unwrap();
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..ROUNDS {
                db.run(move |conn| {
                    write_transaction(conn, |conn| {
                        jobs::pending_count(conn)?;
                        let now = chrono::Utc::now().naive_utc();
                        jobs::enqueue(
                            conn,
                            &Probe { writer, round },
                            Some(format!("probe:{writer}:{round}")),
                            now,
                        )?;
                        Ok::<_, AppError>(())
                    })
                })
                .await
                .unwrap_or_else(|e| panic!("writer {writer}, round {round}: {e:?}"));
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let stored = db
        .run(|conn| jobs::pending_count(conn).map_err(AppError::from))
        .await
        .unwrap();
    assert_eq!(stored, (WRITERS * ROUNDS) as i64);
}

/// A handler that panics inside a transaction leaves its connection with
/// the transaction open. Back in the pool, that connection would hold the
/// SQLite write lock for every later request; the pool must drop it. With
/// one connection in the pool, the next request would get that very one.
async fn a_connection_a_panic_left_in_a_transaction_never_returns_to_the_pool(backend: Backend) {
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    let test_db = TestDb::new(backend);
    let db = Db::connect(test_db.url(), 1).unwrap();
    db.migrate().unwrap();
    let panicked = db
        .run(|conn| {
            conn.transaction::<(), AppError, _>(|conn| {
                jobs::pending_count(conn)?;
                panic!("a handler bug in the middle of a transaction")
            })
        })
        .await;
    assert!(panicked.is_err(), "the panic surfaces as an error");
    let depth = db
        .run(|conn| {
            let depth = match conn {
                socialbid::db::DbConn::Postgres(c) => {
                    AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
                }
                socialbid::db::DbConn::Sqlite(c) => {
                    AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
                }
            };
            depth.map_err(AppError::from)
        })
        .await
        .unwrap();
    assert_eq!(depth, None, "the next request gets a clean connection");
    let written = db
        .run(|conn| {
            write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                jobs::enqueue(
                    conn,
                    &Probe {
                        writer: 0,
                        round: 0,
                    },
                    None,
                    now,
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await;
    assert!(written.is_ok(), "writes go on: {written:?}");
}

on_both_databases!(a_stored_value_that_does_not_parse_is_an_error_never_a_default);

/// A tender row whose stored lots are not JSON, or whose status the code
/// does not know (SQLite can be made to skip its CHECK), is a server error
/// where it is read: never an empty list of lots or a silent "draft" that
/// would change what the platform does with it.
async fn a_stored_value_that_does_not_parse_is_an_error_never_a_default(backend: Backend) {
    use axum::http::Method;
    use diesel::prelude::*;
    use socialbid::db::schema::tenders;
    use socialbid_tests::{KOBENHAVN_CVR, TenderBuilder, TestApp};

    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@kk.dk", KOBENHAVN_CVR).await;
    let id = TenderBuilder::new(&app)
        .with_lots()
        .publish(&app, &officer)
        .await;
    let path = format!("/api/v1/tenders/{id}");
    let read = || app.api(Method::GET, &path, None, None);
    assert_eq!(read().await.status, 200);

    app.state
        .db
        .run(move |conn| {
            diesel::update(tenders::table.find(id))
                .set(tenders::lots.eq("[{\"title\": "))
                .execute(conn)
                .map_err(AppError::from)
        })
        .await
        .unwrap();
    let broken = read().await;
    assert_eq!(broken.status, 500, "{}", broken.text());
    assert_eq!(broken.error_code(), "internal");

    if backend == Backend::Sqlite {
        app.state
            .db
            .run(move |conn| {
                use diesel::connection::SimpleConnection;
                conn.batch_execute(&format!(
                    "PRAGMA ignore_check_constraints = ON; \
                     UPDATE tenders SET lots = '[]', status = 'archived' WHERE id = {id}; \
                     PRAGMA ignore_check_constraints = OFF;"
                ))
                .map_err(AppError::from)
            })
            .await
            .unwrap();
        let unknown = read().await;
        assert_eq!(unknown.status, 500, "{}", unknown.text());
    }
}
