//! Who may call what. Every endpoint that needs a caller is tried
//! anonymously, with a bad token, by the wrong role and (where an account is
//! involved) by another account; the admin endpoints by every non-admin.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{Backend, PASSWORD, TestApp, on_both_databases};

on_both_databases!(
    account_endpoints_need_a_caller,
    account_endpoints_act_only_on_the_callers_own_account,
    admin_endpoints_refuse_everyone_but_admins,
    officer_approval_is_recorded_mailed_and_enforced,
    a_rejection_needs_a_reason_and_logs_the_officer_out,
);

/// (method, path, body) for every endpoint that acts on the caller.
fn own_account_endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/v1/me", None),
        (Method::GET, "/api/v1/me/export", None),
        (
            Method::PUT,
            "/api/v1/me/password",
            Some(
                json!({ "current_password": PASSWORD, "new_password": "another long passphrase" }),
            ),
        ),
        (
            Method::DELETE,
            "/api/v1/me",
            Some(json!({ "password": PASSWORD })),
        ),
        (Method::POST, "/api/v1/auth/logout", None),
    ]
}

async fn account_endpoints_need_a_caller(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (method, path, body) in own_account_endpoints() {
        let anonymous = app.api(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} anonymous"
        );
        assert_eq!(anonymous.error_code(), "unauthenticated");
        let forged = app
            .api(
                method.clone(),
                path,
                Some("eyJhbGciOiJIUzI1NiJ9.e30.x"),
                body,
            )
            .await;
        assert_eq!(
            forged.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} forged"
        );
        assert_eq!(forged.error_code(), "token_invalid");
    }
}

async fn account_endpoints_act_only_on_the_callers_own_account(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@example.dk").await;
    let bo = app.entrepreneur("bo@example.dk").await;
    // There is no way to name another account: each endpoint answers with,
    // or changes, the caller's own.
    let export = app.data_export(&bo.access_token).await;
    assert_eq!(export["account"]["email"], "bo@example.dk");
    assert!(!export.to_string().contains("anna@example.dk"));
    let changed = app
        .api(
            Method::PUT,
            "/api/v1/me/password",
            Some(&bo.access_token),
            Some(
                json!({ "current_password": PASSWORD, "new_password": "bo has a new passphrase" }),
            ),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    app.login("anna@example.dk", PASSWORD).await;
    let deleted = app
        .api(
            Method::DELETE,
            "/api/v1/me",
            Some(&bo.access_token),
            Some(json!({ "password": "bo has a new passphrase" })),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&anna.access_token), None)
        .await;
    assert_eq!(
        (me.status, me.json()["email"].clone()),
        (StatusCode::OK, json!("anna@example.dk"))
    );
    // Logging out ends only the caller's session.
    app.api(
        Method::POST,
        "/api/v1/auth/logout",
        Some(&anna.access_token),
        None,
    )
    .await;
    let carl = app.entrepreneur("carl@example.dk").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&carl.access_token), None)
            .await
            .status,
        StatusCode::OK
    );
}

async fn admin_endpoints_refuse_everyone_but_admins(backend: Backend) {
    let app = TestApp::new(backend).await;
    let entrepreneur = app.entrepreneur("e@example.dk").await;
    let pending = app.pending_officer("p@aarhus.dk", "55133018").await;
    let admin = app.admin("admin@socialbid.dk").await;
    let approved = app.pending_officer("a@aarhus.dk", "55133018").await;
    app.approve_officer(approved.id, &admin).await;

    let target = pending.id;
    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/v1/admin/officers".into(), None),
        (
            Method::POST,
            format!("/api/v1/admin/officers/{target}/approve"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/admin/officers/{target}/reject"),
            Some(json!({ "reason": "x" })),
        ),
    ];
    for (method, path, body) in &endpoints {
        let anonymous = app.api(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        for (who, person) in [
            ("entrepreneur", &entrepreneur),
            ("pending officer", &pending),
            ("approved officer", &approved),
        ] {
            let refused = app
                .api(
                    method.clone(),
                    path,
                    Some(&person.access_token),
                    body.clone(),
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "{method} {path} as {who}"
            );
            assert_eq!(
                refused.error_code(),
                "wrong_role",
                "{method} {path} as {who}"
            );
        }
    }
    // None of that changed anything: the officer is still pending.
    let list = app
        .api(
            Method::GET,
            "/api/v1/admin/officers",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [pending.id]);
}

async fn officer_approval_is_recorded_mailed_and_enforced(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.pending_officer("mette@aarhus.dk", "55133018").await;
    let admin = app.admin("admin@socialbid.dk").await;
    let listed = app
        .api(
            Method::GET,
            "/api/v1/admin/officers",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(listed[0]["email"], "mette@aarhus.dk");
    assert_eq!(listed[0]["authority_cvr"], "55133018");

    let approve_path = format!("/api/v1/admin/officers/{}/approve", officer.id);
    let approved = app
        .api(Method::POST, &approve_path, Some(&admin.access_token), None)
        .await;
    assert_eq!(approved.status, StatusCode::NO_CONTENT);
    let again = app
        .api(Method::POST, &approve_path, Some(&admin.access_token), None)
        .await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (StatusCode::CONFLICT, "already_decided")
    );
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&officer.access_token), None)
        .await
        .json();
    assert_eq!(me["approval_state"], "approved");

    app.run_jobs().await;
    let mails = app.mails_to("mette@aarhus.dk");
    let decision = mails.last().unwrap();
    assert!(decision.text.contains("godkendt"), "{}", decision.text);

    let export = app.data_export(&admin.access_token).await;
    assert_eq!(export["audit_log"][0]["action"], "officer.approve");
    assert_eq!(export["audit_log"][0]["subject_id"], officer.id);

    let not_an_officer = app
        .api(
            Method::POST,
            &format!("/api/v1/admin/officers/{}/approve", admin.id),
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(not_an_officer.status, StatusCode::NOT_FOUND);
    let nobody = app
        .api(
            Method::POST,
            "/api/v1/admin/officers/999999/approve",
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
}

async fn a_rejection_needs_a_reason_and_logs_the_officer_out(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.pending_officer("ulla@kk.dk", "64942212").await;
    let admin = app.admin("admin@socialbid.dk").await;
    let path = format!("/api/v1/admin/officers/{}/reject", officer.id);
    let empty = app
        .api_in(
            Method::POST,
            &path,
            Some(&admin.access_token),
            Some(json!({ "reason": "  " })),
            "en",
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.json()["error"]["fields"][0]["field"], "reason");
    let long = app
        .api(
            Method::POST,
            &path,
            Some(&admin.access_token),
            Some(json!({ "reason": "x".repeat(1001) })),
        )
        .await;
    assert_eq!(long.json()["error"]["fields"][0]["code"], "too_long");

    let reason = "CVR-nummeret tilhører ikke Københavns Kommune";
    let rejected = app
        .api(
            Method::POST,
            &path,
            Some(&admin.access_token),
            Some(json!({ "reason": reason })),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&officer.access_token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let relogged = app.login("ulla@kk.dk", PASSWORD).await;
    let me = app
        .api(
            Method::GET,
            "/api/v1/me",
            Some(&relogged.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            me["approval_state"].as_str(),
            me["approval_reason"].as_str()
        ),
        (Some("rejected"), Some(reason))
    );
    app.run_jobs().await;
    let mail = app.mails_to("ulla@kk.dk").pop().unwrap();
    assert!(mail.text.contains(reason), "{}", mail.text);
}
