//! Accounts under attack, on SQLite and on PostgreSQL: costly work only
//! after the cheap checks, login limits that hold under parallel guessing,
//! no mail flooding, races on single-use things, and registration that
//! reveals no accounts.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{Backend, PASSWORD, TestApp, on_both_databases};

on_both_databases!(dead_reset_links_and_bad_registrations_cost_no_hashing,);

fn password_hashes(app: &TestApp) -> u64 {
    app.state.metrics.password_hashes()
}

async fn dead_reset_links_and_bad_registrations_cost_no_hashing(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("rita@example.dk").await;
    app.api(
        Method::POST,
        "/api/v1/accounts/password-reset",
        None,
        Some(json!({ "email": "rita@example.dk" })),
    )
    .await;
    let token = app.link_token("rita@example.dk", "/reset-password").await;
    let reset = |token: String| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                "/api/v1/accounts/password-reset/confirm",
                None,
                Some(json!({ "token": token, "password": "a fresh new passphrase" })),
            )
            .await
        }
    };
    assert_eq!(reset(token.clone()).await.status, StatusCode::NO_CONTENT);

    let before = password_hashes(&app);
    assert_eq!(reset(token).await.status, StatusCode::CONFLICT);
    assert_eq!(
        reset("no such link".into()).await.status,
        StatusCode::NOT_FOUND
    );
    let bad = app
        .api(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(json!({ "email": "not an address", "password": PASSWORD, "name": "X", "role": "entrepreneur" })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(password_hashes(&app), before, "no argon2 work was done");
}
