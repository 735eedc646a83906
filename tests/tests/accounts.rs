//! Accounts through the JSON API, on SQLite and on PostgreSQL: register,
//! verify, log in, refresh, log out, reset and change the password, export
//! and delete, and every kind of bad input.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{Backend, PASSWORD, TestApp, on_both_databases};

on_both_databases!(
    registration_verification_and_login,
    login_waits_for_a_verified_email,
    verification_links_expire_and_work_once,
    refresh_rotates_and_a_replayed_token_ends_the_session,
    logout_ends_the_session_at_once,
    access_tokens_expire_and_tampering_is_caught,
    unknown_email_and_wrong_password_look_the_same,
    failed_logins_are_limited_per_account,
    failed_logins_are_limited_per_address,
    password_reset_by_mail,
    password_reset_reveals_no_accounts,
    change_password_checks_the_current_one_and_ends_other_sessions,
    export_holds_my_data_and_no_secrets,
    delete_account_needs_the_password,
    bad_bodies_get_clear_errors,
    bad_fields_are_named_in_the_callers_language,
    a_taken_email_is_answered_as_a_new_one_and_its_owner_is_told,
    officers_register_with_a_checked_authority,
);

async fn registration_verification_and_login(backend: Backend) {
    let app = TestApp::new(backend).await;
    let account = app
        .register(json!({
            "email": "Anna@Cafe-Lyst.dk", "password": PASSWORD, "name": "Anna Jensen", "role": "entrepreneur",
        }))
        .await;
    assert_eq!(account["email"], "anna@cafe-lyst.dk");
    assert_eq!(account["role"], "entrepreneur");
    assert!(
        account.get("id").is_none() && account.get("created_at").is_none(),
        "the answer carries nothing the form did not: {account}"
    );
    assert!(account.get("password_hash").is_none());

    // The mail goes through the queue: nothing is sent before the worker runs.
    assert!(app.mails().is_empty());
    assert_eq!(app.pending_jobs().await, 1);
    app.verify("anna@cafe-lyst.dk").await;
    assert_eq!(app.pending_jobs().await, 0);
    let mail = &app.mails_to("anna@cafe-lyst.dk")[0];
    assert!(
        mail.subject.to_lowercase().contains("bekræft"),
        "{}",
        mail.subject
    );
    assert!(mail.html.contains("verify?token="), "{}", mail.html);
    assert!(
        mail.text.contains(&format!(
            "{}/verify?token=",
            socialbid_tests::TEST_PUBLIC_URL
        )),
        "{}",
        mail.text
    );

    let person = app.login("ANNA@cafe-lyst.dk", PASSWORD).await;
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&person.access_token), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["name"], "Anna Jensen");
    assert!(!me.json()["email_verified_at"].is_null());
}

async fn login_waits_for_a_verified_email(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.register(json!({ "email": "bo@example.dk", "password": PASSWORD, "name": "Bo", "role": "entrepreneur" }))
        .await;
    let login = app.try_login("bo@example.dk", PASSWORD).await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    assert_eq!(login.error_code(), "email_not_verified");

    // A new link can be asked for; the old one still works until used.
    let resend = app
        .api(
            Method::POST,
            "/api/v1/accounts/verify/resend",
            None,
            Some(json!({ "email": "bo@example.dk" })),
        )
        .await;
    assert_eq!(resend.status, StatusCode::ACCEPTED);
    app.run_jobs().await;
    assert_eq!(app.mails_to("bo@example.dk").len(), 2);
    app.verify("bo@example.dk").await;
    app.login("bo@example.dk", PASSWORD).await;
}

async fn verification_links_expire_and_work_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.register(json!({ "email": "cy@example.dk", "password": PASSWORD, "name": "Cy", "role": "entrepreneur" }))
        .await;
    let token = app.link_token("cy@example.dk", "/verify").await;

    let unknown = app.try_verify("made-up").await;
    assert_eq!(
        (unknown.status, unknown.error_code().as_str()),
        (StatusCode::NOT_FOUND, "link_invalid")
    );

    app.state.clock.advance(chrono::Duration::hours(25));
    let expired = app.try_verify(&token).await;
    assert_eq!(
        (expired.status, expired.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "link_expired")
    );

    app.api(
        Method::POST,
        "/api/v1/accounts/verify/resend",
        None,
        Some(json!({ "email": "cy@example.dk" })),
    )
    .await;
    let fresh = app.link_token("cy@example.dk", "/verify").await;
    assert_ne!(fresh, token);
    let first = app.try_verify(&fresh).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT);
    let again = app.try_verify(&fresh).await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (StatusCode::CONFLICT, "link_used")
    );
}

async fn refresh_rotates_and_a_replayed_token_ends_the_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.entrepreneur("dina@example.dk").await;
    let refreshed = app
        .api(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": person.refresh_token })),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text());
    let pair = refreshed.json();
    assert_ne!(pair["refresh_token"], person.refresh_token.as_str());
    let new_access = pair["access_token"].as_str().unwrap();
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(new_access), None)
            .await
            .status,
        StatusCode::OK
    );

    // The old refresh token has been used: presenting it again means it was
    // copied, so the whole session ends, the new tokens included.
    let replay = app
        .api(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": person.refresh_token })),
        )
        .await;
    assert_eq!(
        (replay.status, replay.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "session_revoked")
    );
    let after = app
        .api(Method::GET, "/api/v1/me", Some(new_access), None)
        .await;
    assert_eq!(
        (after.status, after.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "session_revoked")
    );
    let next = app
        .api(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": pair["refresh_token"] })),
        )
        .await;
    assert_eq!(next.status, StatusCode::UNAUTHORIZED);
}

async fn logout_ends_the_session_at_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.entrepreneur("eva@example.dk").await;
    let other_device = app.login("eva@example.dk", PASSWORD).await;
    let logout = app
        .api(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&person.access_token),
            None,
        )
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&person.access_token), None)
        .await;
    assert_eq!(
        (me.status, me.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "session_revoked")
    );
    let refresh = app
        .api(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": person.refresh_token })),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED);
    // Only that session: the other device stays logged in.
    let other = app
        .api(
            Method::GET,
            "/api/v1/me",
            Some(&other_device.access_token),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

async fn access_tokens_expire_and_tampering_is_caught(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.entrepreneur("finn@example.dk").await;
    let mut tampered = person.access_token.clone();
    let middle = tampered.len() / 2;
    tampered.replace_range(
        middle..middle + 1,
        if &tampered[middle..middle + 1] == "A" {
            "B"
        } else {
            "A"
        },
    );
    let bad = app
        .api(Method::GET, "/api/v1/me", Some(&tampered), None)
        .await;
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "token_invalid")
    );
    let garbage = app
        .api(Method::GET, "/api/v1/me", Some("not.a.jwt"), None)
        .await;
    assert_eq!(garbage.error_code(), "token_invalid");
    let anonymous = app.api(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(
        (anonymous.status, anonymous.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );

    app.state.clock.advance(chrono::Duration::minutes(16));
    let expired = app
        .api(Method::GET, "/api/v1/me", Some(&person.access_token), None)
        .await;
    assert_eq!(
        (expired.status, expired.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "token_expired")
    );
    // The refresh token outlives it.
    let refreshed = app
        .api(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": person.refresh_token })),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK);
}

async fn unknown_email_and_wrong_password_look_the_same(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("gry@example.dk").await;
    let wrong = app.try_login("gry@example.dk", "wrong password!").await;
    let unknown = app.try_login("nobody@example.dk", "wrong password!").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (wrong.status, wrong.text()),
        (unknown.status, unknown.text())
    );
    assert_eq!(wrong.error_code(), "invalid_credentials");
}

async fn failed_logins_are_limited_per_account(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("hans@example.dk").await;
    for _ in 0..5 {
        let r = app.try_login("hans@example.dk", "guess guess guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The right password does not help while the account is locked.
    let locked = app
        .api_in(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "hans@example.dk", "password": PASSWORD })),
            "en",
        )
        .await;
    assert_eq!(
        (locked.status, locked.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    assert!(
        locked.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("15"),
        "{}",
        locked.text()
    );
    app.state.clock.advance(chrono::Duration::minutes(16));
    app.login("hans@example.dk", PASSWORD).await;
}

async fn password_reset_by_mail(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.entrepreneur("ida@example.dk").await;
    let asked = app
        .api(
            Method::POST,
            "/api/v1/accounts/password-reset",
            None,
            Some(json!({ "email": "ida@example.dk" })),
        )
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED);
    let token = app.link_token("ida@example.dk", "/reset-password").await;

    let weak = app
        .api(
            Method::POST,
            "/api/v1/accounts/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "short" })),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.json()["error"]["fields"][0]["code"], "too_short");

    let new_password = "et helt nyt kodeord";
    let done = app
        .api(
            Method::POST,
            "/api/v1/accounts/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": new_password })),
        )
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text());
    // Whoever knew the old password is logged out.
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&person.access_token), None)
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let old = app.try_login("ida@example.dk", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    app.login("ida@example.dk", new_password).await;
    let reused = app
        .api(
            Method::POST,
            "/api/v1/accounts/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "yet another password" })),
        )
        .await;
    assert_eq!(reused.error_code(), "link_used");
}

async fn password_reset_reveals_no_accounts(backend: Backend) {
    let app = TestApp::new(backend).await;
    let unknown = app
        .api(
            Method::POST,
            "/api/v1/accounts/password-reset",
            None,
            Some(json!({ "email": "ghost@example.dk" })),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.mails().is_empty());
}

async fn change_password_checks_the_current_one_and_ends_other_sessions(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.entrepreneur("jens@example.dk").await;
    let other = app.login("jens@example.dk", PASSWORD).await;
    let wrong = app
        .api_in(
            Method::PUT,
            "/api/v1/me/password",
            Some(&person.access_token),
            Some(json!({ "current_password": "not it at all", "new_password": "short" })),
            "en",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(String, String)> = wrong.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("current_password".into(), "wrong".into()),
            ("new_password".into(), "too_short".into())
        ]
    );
    let changed = app
        .api(
            Method::PUT,
            "/api/v1/me/password",
            Some(&person.access_token),
            Some(json!({ "current_password": PASSWORD, "new_password": "brand new passphrase" })),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&person.access_token), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&other.access_token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    app.login("jens@example.dk", "brand new passphrase").await;
}

async fn export_holds_my_data_and_no_secrets(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.pending_officer("kim@aarhus.dk", "55133018").await;
    let export = app
        .api(
            Method::GET,
            "/api/v1/me/export",
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    let data = export.json();
    assert_eq!(data["account"]["email"], "kim@aarhus.dk");
    assert_eq!(data["authority"]["cvr"], "55133018");
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(data["email_links"][0]["purpose"], "verify_email");
    let text = export.text();
    assert!(!text.contains("argon2"), "no password hash in the export");
    assert!(
        !text.contains(&officer.refresh_token),
        "no token in the export"
    );
}

async fn delete_account_needs_the_password(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.entrepreneur("lis@example.dk").await;
    let keeper = app.entrepreneur("mads@example.dk").await;
    let wrong = app
        .api(
            Method::DELETE,
            "/api/v1/me",
            Some(&person.access_token),
            Some(json!({ "password": "not my password" })),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["error"]["fields"][0]["code"], "wrong");
    let deleted = app
        .api(
            Method::DELETE,
            "/api/v1/me",
            Some(&person.access_token),
            Some(json!({ "password": PASSWORD })),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&person.access_token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let login = app.try_login("lis@example.dk", PASSWORD).await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    // The address is free again, and nobody else was touched.
    app.entrepreneur("lis@example.dk").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&keeper.access_token), None)
            .await
            .status,
        StatusCode::OK
    );
}

async fn bad_bodies_get_clear_errors(backend: Backend) {
    let app = TestApp::new(backend).await;
    let malformed = app
        .raw(
            Method::POST,
            "/api/v1/accounts",
            Some("application/json"),
            "{\"email\": ",
        )
        .await;
    assert_eq!(
        (malformed.status, malformed.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );

    let no_type = app.raw(Method::POST, "/api/v1/accounts", None, "{}").await;
    assert_eq!(
        (no_type.status, no_type.error_code().as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );

    let unknown_field = app
        .api_in(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(json!({ "email": "a@example.dk", "password": PASSWORD, "name": "A", "role": "entrepreneur", "is_admin": true })),
            "en",
        )
        .await;
    assert_eq!(
        (unknown_field.status, unknown_field.error_code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    assert!(
        unknown_field.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is_admin"),
        "{}",
        unknown_field.text()
    );

    let wrong_type = app
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": 5, "password": PASSWORD })),
        )
        .await;
    assert_eq!(wrong_type.error_code(), "invalid_body");

    let no_route = app
        .api(Method::GET, "/api/v1/nothing-here", None, None)
        .await;
    assert_eq!(
        (no_route.status, no_route.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let wrong_method = app.api(Method::GET, "/api/v1/auth/login", None, None).await;
    assert_eq!(
        (wrong_method.status, wrong_method.error_code().as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

async fn bad_fields_are_named_in_the_callers_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let body = json!({ "email": "not an email", "password": "kort", "name": "x".repeat(201), "role": "entrepreneur" });
    let da = app
        .api_in(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(body.clone()),
            "da",
        )
        .await;
    let en = app
        .api_in(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(body),
            "en-GB,en;q=0.9",
        )
        .await;
    assert_eq!(da.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(da.error_code(), "validation_failed");
    let codes: Vec<String> = en.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}.{}",
                f["field"].as_str().unwrap(),
                f["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        codes,
        ["name.too_long", "email.invalid", "password.too_short"]
    );
    let da_password = da.json()["error"]["fields"][2]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    let en_password = en.json()["error"]["fields"][2]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(da_password, en_password);
    // The message says what the rule is.
    assert!(en_password.contains("12"), "{en_password}");
    assert!(da_password.contains("12"), "{da_password}");
    assert!(
        en.json()["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("200")
    );
}

async fn a_taken_email_is_answered_as_a_new_one_and_its_owner_is_told(backend: Backend) {
    let app = TestApp::new(backend).await;
    let register = |email: &'static str| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                "/api/v1/accounts",
                None,
                Some(json!({ "email": email, "password": PASSWORD, "name": "Nina", "role": "officer",
                             "authority": { "name": "Ny Myndighed", "cvr": "64942212", "nuts_code": "DK011" } })),
            )
            .await
        }
    };
    let fresh = register("ny@example.dk").await;
    app.run_jobs().await;
    app.entrepreneur("nina@example.dk").await;
    let mails_before = app.mails_to("nina@example.dk").len();
    let again = register(" NINA@example.dk").await;
    // The same answer as for a free address: nothing tells them apart.
    assert_eq!(again.status, fresh.status);
    let (mut again, mut fresh) = (again.json(), fresh.json());
    assert_eq!(again["email"], "nina@example.dk");
    again["email"] = json!(null);
    fresh["email"] = json!(null);
    assert_eq!(again, fresh);

    // No account, link or authority was made; the owner is told instead.
    app.run_jobs().await;
    let mails = app.mails_to("nina@example.dk");
    assert_eq!(mails.len(), mails_before + 1);
    let told = mails.last().unwrap();
    assert!(told.subject.contains("prøvede"), "{}", told.subject);
    assert!(
        told.text.contains(&format!(
            "{}/forgot-password",
            socialbid_tests::TEST_PUBLIC_URL
        )),
        "{}",
        told.text
    );
    assert!(!told.text.contains("token="), "{}", told.text);
    let me = app.login("nina@example.dk", PASSWORD).await;
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&me.access_token), None)
        .await
        .json();
    assert_eq!(me["role"], "entrepreneur", "the account is unchanged");

    // The page answers the same way too, and tells the owner again (a
    // moment later: attempts at the same moment are one mail).
    app.state.clock.advance(chrono::Duration::seconds(1));
    let mut jar = socialbid_tests::Jar::default();
    jar.visit(&app, "/register").await;
    let page = jar
        .submit(
            &app,
            "/register",
            &[
                ("email", "nina@example.dk"),
                ("password", PASSWORD),
                ("name", "Nina"),
                ("role", "entrepreneur"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(!page.text().contains("allerede"), "{}", page.text());
    app.run_jobs().await;
    assert_eq!(app.mails_to("nina@example.dk").len(), mails_before + 2);
}

async fn officers_register_with_a_checked_authority(backend: Backend) {
    let app = TestApp::new(backend).await;
    let bad = app
        .api_in(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(json!({ "email": "per@kommune.dk", "password": PASSWORD, "name": "Per", "role": "officer",
                         "authority": { "name": "Kommune", "cvr": "64942213", "nuts_code": "SE11" } })),
            "en",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = bad.json()["error"]["fields"].clone();
    assert_eq!(fields[0]["field"], "authority_cvr");
    assert_eq!(fields[0]["code"], "checksum");
    assert_eq!(fields[1]["code"], "unknown");
    let missing = app
        .api(Method::POST, "/api/v1/accounts", None, Some(json!({ "email": "per@kommune.dk", "password": PASSWORD, "name": "Per", "role": "officer" })))
        .await;
    assert_eq!(
        missing.json()["error"]["fields"][0]["field"],
        "authority_name"
    );

    let officer = app.pending_officer("per@kommune.dk", "5513 3018").await;
    let me = app
        .api(Method::GET, "/api/v1/me", Some(&officer.access_token), None)
        .await
        .json();
    assert_eq!(me["role"], "officer");
    assert_eq!(me["approval_state"], "pending");
    assert_eq!(me["authority"]["cvr"], "55133018");
    assert_eq!(me["authority"]["nuts_code"], "DK042");
}

async fn login_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> socialbid_tests::TestResponse {
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header("content-type", "application/json")
        .header("x-forwarded-for", format!("198.51.100.1, {address}"))
        .body(axum::body::Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap();
    app.send(request).await
}

async fn failed_logins_are_limited_per_address(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("ole@example.dk").await;
    // One address guessing across many accounts, a few tries each.
    for i in 0..20 {
        let r = login_from(
            &app,
            "203.0.113.7",
            &format!("victim{}@example.dk", i % 4),
            "guess guess guess",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = login_from(&app, "203.0.113.7", "ole@example.dk", PASSWORD).await;
    assert_eq!(
        (blocked.status, blocked.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    // Someone else, elsewhere, is not held up by it.
    let elsewhere = login_from(&app, "192.0.2.44", "ole@example.dk", PASSWORD).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text());
}
