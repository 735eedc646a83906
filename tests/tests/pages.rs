//! The HTML pages through the router, as a browser without JavaScript uses
//! them: cookies, CSRF tokens in forms, errors beside fields, language.

use axum::http::{Method, StatusCode};
use socialbid_tests::{Backend, Jar, PASSWORD, TestApp, TestResponse, on_both_databases};

on_both_databases!(
    pages_speak_the_browsers_language_and_remember_a_switch,
    forms_without_the_csrf_token_are_refused,
    an_empty_registration_form_comes_back_with_every_error,
    register_verify_and_log_in_with_forms,
    an_expired_access_cookie_is_renewed_from_the_refresh_cookie,
    logging_out_clears_the_cookies_and_ends_the_session,
    the_admin_page_is_for_admins,
    every_page_names_who_runs_it_and_how_to_reach_them,
);

fn html_lang(response: &TestResponse) -> String {
    let text = response.text();
    let start = text.find("<html lang=\"").expect("an html element") + 12;
    text[start..start + 2].to_owned()
}

async fn pages_speak_the_browsers_language_and_remember_a_switch(backend: Backend) {
    let app = TestApp::new(backend).await;
    let danish = app.page(Method::GET, "/register", "", None).await;
    assert_eq!(html_lang(&danish), "da");
    assert!(danish.text().contains("Opret konto"));

    let mut request = axum::http::Request::builder()
        .uri("/register")
        .header("accept-language", "en-GB,en;q=0.8");
    request = request.header("cookie", "");
    let english = app
        .send(request.body(axum::body::Body::empty()).unwrap())
        .await;
    assert_eq!(html_lang(&english), "en");
    assert!(english.text().contains("Create account"));

    let switch = app
        .page(Method::GET, "/lang?to=en&back=/login", "", None)
        .await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(switch.header("location").as_deref(), Some("/login"));
    assert!(switch.set_cookies().contains(&"sb_lang=en".to_owned()));
    let remembered = app.page(Method::GET, "/login", "sb_lang=en", None).await;
    assert_eq!(html_lang(&remembered), "en");

    let elsewhere = app
        .page(Method::GET, "/lang?to=da&back=//evil.example/", "", None)
        .await;
    assert_eq!(elsewhere.header("location").as_deref(), Some("/"));
}

async fn forms_without_the_csrf_token_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut jar = Jar::default();
    jar.visit(&app, "/login").await;
    let fields = [("email", "x@example.dk"), ("password", PASSWORD)];
    let no_token = app
        .page(Method::POST, "/login", &jar.header(), Some(&fields))
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let mut wrong = vec![("csrf_token", "0".repeat(43))];
    wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let forged = app
        .page(Method::POST, "/login", &jar.header(), Some(&wrong))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        forged.text().contains("<h1"),
        "a page, not JSON: {}",
        forged.text()
    );
    let with_token = jar.submit(&app, "/login", &fields).await;
    assert_eq!(
        with_token.status,
        StatusCode::UNAUTHORIZED,
        "the form was read: wrong credentials"
    );
}

async fn an_empty_registration_form_comes_back_with_every_error(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut jar = Jar::default();
    jar.visit(&app, "/register").await;
    let response = jar
        .submit(
            &app,
            "/register",
            &[
                ("name", "Søren Kierkegaard"),
                ("email", ""),
                ("password", "kort"),
                ("role", "officer"),
                ("authority_cvr", "12345678"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text();
    assert!(html.contains("<title>Fejl: "), "{html}");
    for field in [
        "email",
        "password",
        "authority_name",
        "authority_cvr",
        "authority_nuts",
    ] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "no inline error for {field}"
        );
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "no summary link for {field}"
        );
    }
    assert!(
        html.contains("value=\"Søren Kierkegaard\""),
        "typed values are kept"
    );
    assert!(
        !html.contains("value=\"kort\""),
        "passwords are not sent back"
    );
}

async fn register_verify_and_log_in_with_forms(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut jar = Jar::default();
    jar.visit(&app, "/register").await;
    let done = jar
        .submit(
            &app,
            "/register",
            &[
                ("name", "Anna"),
                ("email", "anna@cafe.dk"),
                ("password", PASSWORD),
                ("role", "entrepreneur"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("anna@cafe.dk"));

    let token = app.link_token("anna@cafe.dk", "/verify").await;
    let verified = jar.visit(&app, &format!("/verify?token={token}")).await;
    assert_eq!(verified.status, StatusCode::OK);
    let used = jar.visit(&app, &format!("/verify?token={token}")).await;
    assert_eq!(used.status, StatusCode::CONFLICT);

    let to_account = jar.visit(&app, "/account").await;
    assert_eq!(to_account.status, StatusCode::SEE_OTHER);
    assert_eq!(
        to_account.header("location").as_deref(),
        Some("/login?next=%2Faccount")
    );

    let logged_in = jar
        .submit(
            &app,
            "/login",
            &[
                ("email", "anna@cafe.dk"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(logged_in.status, StatusCode::SEE_OTHER);
    assert_eq!(logged_in.header("location").as_deref(), Some("/account"));
    let cookie = logged_in
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("sb_access="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let account = jar.visit(&app, "/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.text().contains("anna@cafe.dk"));
    let export = jar.visit(&app, "/account/export").await;
    assert!(
        export
            .header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&export.body).unwrap()["account"]["email"],
        "anna@cafe.dk"
    );

    let wrong = jar
        .submit(
            &app,
            "/account/password",
            &[
                ("current_password", "nope nope nope"),
                ("new_password", "another good passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("id=\"current_password-error\""));
    let changed = jar
        .submit(
            &app,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "another good passphrase"),
            ],
        )
        .await;
    assert_eq!(
        changed.header("location").as_deref(),
        Some("/account?notice=password_changed")
    );

    let deleted = jar
        .submit(
            &app,
            "/account/delete",
            &[("password", "another good passphrase")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert!(
        jar.get("sb_access").is_none(),
        "the session cookies are cleared"
    );
}

async fn an_expired_access_cookie_is_renewed_from_the_refresh_cookie(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("bo@example.dk").await;
    let mut jar = Jar::default();
    jar.visit(&app, "/login").await;
    jar.submit(
        &app,
        "/login",
        &[("email", "bo@example.dk"), ("password", PASSWORD)],
    )
    .await;
    let first_access = jar.get("sb_access").unwrap().to_owned();
    app.state.clock.advance(chrono::Duration::minutes(20));
    let account = jar.visit(&app, "/account").await;
    assert_eq!(
        account.status,
        StatusCode::OK,
        "still logged in after the access token expired"
    );
    assert_ne!(
        jar.get("sb_access").unwrap(),
        first_access,
        "a fresh access token was set"
    );
    app.state.clock.advance(chrono::Duration::days(31));
    let gone = jar.visit(&app, "/account").await;
    assert_eq!(
        gone.status,
        StatusCode::SEE_OTHER,
        "the session itself expires"
    );
}

async fn logging_out_clears_the_cookies_and_ends_the_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("cy@example.dk").await;
    let mut jar = Jar::default();
    jar.visit(&app, "/login").await;
    jar.submit(
        &app,
        "/login",
        &[("email", "cy@example.dk"), ("password", PASSWORD)],
    )
    .await;
    let stolen = jar.header();
    let out = jar.submit(&app, "/logout", &[]).await;
    assert_eq!(
        out.header("location").as_deref(),
        Some("/login?notice=logged_out")
    );
    assert!(jar.get("sb_access").is_none() && jar.get("sb_refresh").is_none());
    // Cookies copied before logging out no longer work either.
    let replay = app.page(Method::GET, "/account", &stolen, None).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
}

async fn the_admin_page_is_for_admins(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.pending_officer("dorte@kk.dk", "64942212").await;
    app.entrepreneur("eja@example.dk").await;
    app.admin("admin@socialbid.dk").await;

    let mut entrepreneur = Jar::default();
    entrepreneur.visit(&app, "/login").await;
    entrepreneur
        .submit(
            &app,
            "/login",
            &[("email", "eja@example.dk"), ("password", PASSWORD)],
        )
        .await;
    let refused = entrepreneur.visit(&app, "/admin/officers").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused_post = entrepreneur
        .submit(
            &app,
            &format!("/admin/officers/{}/approve", officer.id),
            &[],
        )
        .await;
    assert_eq!(refused_post.status, StatusCode::FORBIDDEN);

    let mut admin = Jar::default();
    admin.visit(&app, "/login").await;
    admin
        .submit(
            &app,
            "/login",
            &[("email", "admin@socialbid.dk"), ("password", PASSWORD)],
        )
        .await;
    let list = admin.visit(&app, "/admin/officers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("dorte@kk.dk"));
    let no_reason = admin
        .submit(
            &app,
            &format!("/admin/officers/{}/reject", officer.id),
            &[("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .text()
            .contains(&format!("id=\"reason-{}-error\"", officer.id)),
        "{}",
        no_reason.text()
    );
    let approved = admin
        .submit(
            &app,
            &format!("/admin/officers/{}/approve", officer.id),
            &[],
        )
        .await;
    assert_eq!(
        approved.header("location").as_deref(),
        Some("/admin/officers?notice=officer_approved")
    );
    let after = admin
        .visit(&app, "/admin/officers?notice=officer_approved")
        .await;
    // She leaves the waiting list for the approved one.
    let after = after.text();
    assert!(
        !after.contains(&format!("/admin/officers/{}/approve", officer.id)),
        "{after}"
    );
    let approved = &after[after.find("id=\"approved\"").expect("approved")..];
    assert!(approved.contains("dorte@kk.dk"), "{after}");
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

async fn every_page_names_who_runs_it_and_how_to_reach_them(backend: Backend) {
    let app = TestApp::new(backend).await;
    for path in ["/", "/login", "/no-such-page"] {
        let html = app.page(Method::GET, path, "", None).await.text();
        assert!(
            html.contains("Drives af Testdrift ApS"),
            "{path}: no operator"
        );
        assert!(
            html.contains("href=\"tel:+4570203040\""),
            "{path}: no phone link"
        );
        assert!(
            html.contains("href=\"&#x2f;accessibility\"")
                || html.contains("href=\"/accessibility\""),
            "{path}: no statement link"
        );
    }
    let statement = app
        .page(Method::GET, "/accessibility", "sb_lang=en", None)
        .await
        .text();
    assert!(statement.contains("Run by Testdrift ApS"));
    assert!(
        statement.contains("+45 70 20 30 40"),
        "the statement gives a phone route"
    );
}
