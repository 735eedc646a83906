//! The authentication and session faults found by probing the running
//! server: redirects that lead off the site, a session revoked by two
//! parallel page loads, forgeable CSRF tokens, cookies and HSTS on https,
//! and control characters that PostgreSQL refuses to store.

use axum::http::{Method, StatusCode};
use socialbid_tests::{
    AARHUS_CVR, Backend, CSRF_COOKIE, Jar, PASSWORD, PageSession, TEST_HTTPS_PUBLIC_URL,
    TenderBuilder, TestApp, TestResponse, form_token, on_both_databases, workspace_root,
};

on_both_databases!(
    parallel_page_loads_after_the_access_cookie_expired_keep_the_session,
    the_refresh_cookie_just_rotated_still_renews_within_the_grace_window,
    a_replayed_refresh_cookie_after_the_grace_window_ends_the_session,
    a_form_token_made_for_one_session_fails_for_another,
    a_form_token_outlives_the_access_token_of_its_session,
    over_https_the_cookies_are_host_only_and_hsts_is_sent,
    over_http_neither_prefix_nor_hsts,
    a_nul_byte_in_a_login_is_refused_with_the_field_named,
    a_control_character_in_a_tender_via_the_api_stores_nothing,
    a_control_character_in_a_tender_form_stores_nothing,
);

/// Every `back` or `next` value a browser would follow to another site, or
/// that cannot be a `Location` at all; each must send the browser home.
const FOREIGN_TARGETS: &[&str] = &[
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%0a",
    "/%5c/evil.example",
    "/%5cevil.example",
    "/%2f%2fevil.example",
    "/%252f%252fevil.example",
    "/%255cevil.example",
    "/%2509/evil.example",
    "//evil.example",
    "/%5C/evil.example",
    "https://evil.example",
    "%2f%2fevil.example",
    "/%C3%A6",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_never_leads_off_the_site() {
    let app = TestApp::new(Backend::Sqlite).await;
    for back in FOREIGN_TARGETS {
        let response = app
            .page(Method::GET, &format!("/lang?to=en&back={back}"), "", None)
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "back={back}");
        assert_eq!(
            response.header("location").as_deref(),
            Some("/"),
            "back={back}"
        );
    }
    // The literal forms, as a client that does not encode would send them.
    for back in ["/\\/evil.example", "/\\evil.example"] {
        let uri = format!(
            "/lang?to=en&back={}",
            url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
        );
        let response = app.page(Method::GET, &uri, "", None).await;
        assert_eq!(
            response.header("location").as_deref(),
            Some("/"),
            "back={back}"
        );
    }
    let encoded = app
        .page(
            Method::GET,
            "/lang?to=en&back=%2Ftenders%3Fpage%3D2",
            "",
            None,
        )
        .await;
    assert_eq!(
        encoded.header("location").as_deref(),
        Some("/tenders?page=2"),
        "a local path comes back unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_never_leads_off_the_site() {
    let app = TestApp::new(Backend::Sqlite).await;
    app.entrepreneur("nina@example.dk").await;
    let mut nexts: Vec<String> = FOREIGN_TARGETS.iter().map(|t| percent_decoded(t)).collect();
    nexts.extend(
        [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\\/evil.example",
        ]
        .map(String::from),
    );
    for next in nexts {
        let mut jar = Jar::default();
        jar.visit(&app, "/login").await;
        let response = jar
            .submit(
                &app,
                "/login",
                &[
                    ("email", "nina@example.dk"),
                    ("password", PASSWORD),
                    ("next", &next),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "next={next:?}");
        assert_eq!(
            response.header("location").as_deref(),
            Some("/start?notice=logged_in"),
            "next={next:?}"
        );
    }
}

/// The value a form field holds when the browser sent `encoded` in a URL.
fn percent_decoded(encoded: &str) -> String {
    url::form_urlencoded::parse(format!("v={encoded}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Long enough for the 15-minute access token to have expired.
const PAST_ACCESS_EXPIRY: chrono::Duration = chrono::Duration::minutes(20);

fn sets_cookie(response: &TestResponse, name: &str) -> bool {
    response
        .set_cookies()
        .iter()
        .any(|c| c.starts_with(&format!("{name}=")))
}

async fn parallel_page_loads_after_the_access_cookie_expired_keep_the_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("tove@example.dk").await;
    let mut jar = Jar::logged_in(&app, "tove@example.dk").await;
    for round in 0..3 {
        app.state.clock.advance(PAST_ACCESS_EXPIRY);
        let cookies = jar.header();
        let (first, second) = tokio::join!(
            app.page(Method::GET, "/account", &cookies, None),
            app.page(Method::GET, "/account", &cookies, None),
        );
        for response in [&first, &second] {
            assert_eq!(response.status, StatusCode::OK, "round {round}");
            assert!(sets_cookie(response, "sb_access"), "round {round}");
        }
        assert_eq!(
            [&first, &second]
                .iter()
                .filter(|r| sets_cookie(r, "sb_refresh"))
                .count(),
            1,
            "the refresh token is rotated once, round {round}"
        );
        jar.take(&first);
        jar.take(&second);
        let after = jar.visit(&app, "/account").await;
        assert_eq!(
            after.status,
            StatusCode::OK,
            "round {round}: still logged in"
        );
    }
}

async fn the_refresh_cookie_just_rotated_still_renews_within_the_grace_window(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("ulla@example.dk").await;
    let mut jar = Jar::logged_in(&app, "ulla@example.dk").await;
    app.state.clock.advance(PAST_ACCESS_EXPIRY);
    let before_rotation = jar.header();
    let rotating = jar.visit(&app, "/account").await;
    assert!(sets_cookie(&rotating, "sb_refresh"));
    app.state.clock.advance(chrono::Duration::seconds(20));
    let late_sibling = app
        .page(Method::GET, "/account", &before_rotation, None)
        .await;
    assert_eq!(
        late_sibling.status,
        StatusCode::OK,
        "{}",
        late_sibling.text()
    );
    assert!(late_sibling.text().contains("ulla@example.dk"));
    assert!(sets_cookie(&late_sibling, "sb_access"));
    assert!(
        !sets_cookie(&late_sibling, "sb_refresh"),
        "the new refresh cookie from the first response is not overwritten"
    );
    jar.take(&late_sibling);
    app.state.clock.advance(PAST_ACCESS_EXPIRY);
    let later = jar.visit(&app, "/account").await;
    assert_eq!(later.status, StatusCode::OK, "the session lives on");
}

async fn a_replayed_refresh_cookie_after_the_grace_window_ends_the_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("vera@example.dk").await;
    let mut jar = Jar::logged_in(&app, "vera@example.dk").await;
    app.state.clock.advance(PAST_ACCESS_EXPIRY);
    let copied = jar.header();
    assert_eq!(jar.visit(&app, "/account").await.status, StatusCode::OK);
    app.state.clock.advance(chrono::Duration::seconds(31));
    let replay = app.page(Method::GET, "/account", &copied, None).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER, "the copy is refused");
    let owner = jar.visit(&app, "/account").await;
    assert_eq!(
        owner.status,
        StatusCode::SEE_OTHER,
        "the replay ended the whole session"
    );
    assert!(
        owner
            .header("location")
            .is_some_and(|l| l.starts_with("/login")),
        "{:?}",
        owner.header("location")
    );
}

async fn a_form_token_made_for_one_session_fails_for_another(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("wilma@example.dk").await;
    app.entrepreneur("xenia@example.dk").await;
    let mut wilma = Jar::logged_in(&app, "wilma@example.dk").await;
    let mut wilma_elsewhere = Jar::logged_in(&app, "wilma@example.dk").await;
    let mut xenia = Jar::logged_in(&app, "xenia@example.dk").await;
    for jar in [&mut wilma, &mut wilma_elsewhere, &mut xenia] {
        jar.visit(&app, "/account").await;
    }
    assert_ne!(wilma.csrf(), xenia.csrf());
    assert_ne!(
        wilma.csrf(),
        wilma_elsewhere.csrf(),
        "bound to the session, not the person"
    );
    for (victim, foreign_token) in [(&wilma, xenia.csrf()), (&wilma, wilma_elsewhere.csrf())] {
        let forged = app
            .page(
                Method::POST,
                "/logout",
                &victim.header(),
                Some(&[("csrf_token", &foreign_token)]),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        wilma.visit(&app, "/account").await.status,
        StatusCode::OK,
        "still logged in: the forged logouts did nothing"
    );
    let own = wilma.submit(&app, "/logout", &[]).await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.page(Method::GET, "/account", &wilma.header(), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_and_field_an_attacker_chose_fail() {
    let app = TestApp::new(Backend::Sqlite).await;
    app.entrepreneur("yrsa@example.dk").await;
    let fields = |token: &str| {
        vec![
            ("csrf_token".to_owned(), token.to_owned()),
            ("email".to_owned(), "yrsa@example.dk".to_owned()),
            ("password".to_owned(), PASSWORD.to_owned()),
        ]
    };
    let login = |cookies: String, fields: Vec<(String, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.page(Method::POST, "/login", &cookies, Some(&fields))
                .await
        }
    };
    // The old double submit: any value repeated in cookie and field.
    let chosen = "a".repeat(43);
    let repeated = login(format!("{CSRF_COOKIE}={chosen}"), fields(&chosen)).await;
    assert_eq!(repeated.status, StatusCode::FORBIDDEN);
    // The attacker's own, valid pair, with the victim's cookie.
    let mut attacker = Jar::default();
    attacker.visit(&app, "/login").await;
    let mut victim = Jar::default();
    victim.visit(&app, "/login").await;
    assert_ne!(attacker.csrf(), victim.csrf());
    let planted = login(victim.header(), fields(&attacker.csrf())).await;
    assert_eq!(planted.status, StatusCode::FORBIDDEN);
    // The token is not the cookie's value either.
    let cookie_as_token = login(
        victim.header(),
        fields(victim.get(CSRF_COOKIE).expect("the login page set it")),
    )
    .await;
    assert_eq!(cookie_as_token.status, StatusCode::FORBIDDEN);
    let genuine = login(victim.header(), fields(&victim.csrf())).await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER, "{}", genuine.text());
}

async fn a_form_token_outlives_the_access_token_of_its_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("zofia@example.dk").await;
    let mut jar = Jar::logged_in(&app, "zofia@example.dk").await;
    let page = jar.visit(&app, "/account").await;
    let token = form_token(&page.text()).expect("the account page has forms");
    app.state.clock.advance(PAST_ACCESS_EXPIRY);
    // The form was loaded before the access token expired; the session is
    // renewed on the way in and the token still fits it.
    let out = app
        .page(
            Method::POST,
            "/logout",
            &jar.header(),
            Some(&[("csrf_token", &token)]),
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text());
    assert_eq!(
        out.header("location").as_deref(),
        Some("/login?notice=logged_out")
    );
}

/// The full `Set-Cookie` header for the cookie `name`.
fn set_cookie_header(response: &TestResponse, name: &str) -> Option<String> {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

async fn over_https_the_cookies_are_host_only_and_hsts_is_sent(backend: Backend) {
    let app = TestApp::with_public_url(backend, TEST_HTTPS_PUBLIC_URL).await;
    let anna = app.entrepreneur("anna@example.dk").await;
    let mut jar = Jar::default();
    let form = jar.visit(&app, "/login").await;
    let login = jar
        .submit(
            &app,
            "/login",
            &[("email", "anna@example.dk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text());
    for (response, name) in [
        (&form, "__Host-sb_csrf"),
        (&login, "__Host-sb_access"),
        (&login, "__Host-sb_refresh"),
    ] {
        let cookie = set_cookie_header(response, name).unwrap_or_else(|| panic!("{name} is set"));
        assert!(
            cookie.contains("; Secure") && cookie.contains("; Path=/"),
            "{cookie}"
        );
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    }
    for plain in ["sb_csrf", "sb_access", "sb_refresh"] {
        assert!(jar.get(plain).is_none(), "no {plain} without the prefix");
    }
    let account = jar.visit(&app, "/account").await;
    assert_eq!(
        account.status,
        StatusCode::OK,
        "the prefixed cookies are read"
    );
    assert!(account.text().contains("anna@example.dk"));
    // A cookie without the prefix (one a sibling subdomain could plant) is
    // not the session.
    let planted = app
        .page(
            Method::GET,
            "/account",
            &format!("sb_access={}", anna.access_token),
            None,
        )
        .await;
    assert_eq!(planted.status, StatusCode::SEE_OTHER);

    let hsts = "max-age=31536000; includeSubDomains";
    for response in [
        &form,
        &login,
        &account,
        &app.api(Method::GET, "/api/v1/me", Some(&anna.access_token), None)
            .await,
        &app.page(Method::GET, "/no-such-page", "", None).await,
    ] {
        assert_eq!(
            response.header("strict-transport-security").as_deref(),
            Some(hsts)
        );
    }
    let renewed = {
        app.state.clock.advance(PAST_ACCESS_EXPIRY);
        jar.visit(&app, "/account").await
    };
    assert_eq!(renewed.status, StatusCode::OK);
    assert!(set_cookie_header(&renewed, "__Host-sb_access").is_some());
    let out = jar.submit(&app, "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        jar.get("__Host-sb_access").is_none() && jar.get("__Host-sb_refresh").is_none(),
        "logging out clears the prefixed cookies"
    );
}

async fn over_http_neither_prefix_nor_hsts(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("bent@example.dk").await;
    let mut jar = Jar::default();
    let form = jar.visit(&app, "/login").await;
    let login = jar
        .submit(
            &app,
            "/login",
            &[("email", "bent@example.dk"), ("password", PASSWORD)],
        )
        .await;
    for (response, name) in [
        (&form, CSRF_COOKIE),
        (&login, "sb_access"),
        (&login, "sb_refresh"),
    ] {
        let cookie = set_cookie_header(response, name).unwrap_or_else(|| panic!("{name} is set"));
        assert!(!cookie.contains("Secure"), "{cookie}");
    }
    assert!(jar.get("__Host-sb_access").is_none());
    for response in [&form, &login] {
        assert_eq!(response.header("strict-transport-security"), None);
    }
}

/// Plumbing builds on nothing above it: accounts call auth, and the upload
/// limit lives with uploads, so `auth` names no feature module.
#[test]
fn auth_calls_into_no_feature() {
    let features = ["accounts", "admin", "moderation", "profiles", "tenders"];
    let folder = workspace_root().join("backend/src/auth");
    for entry in std::fs::read_dir(&folder).expect("backend/src/auth") {
        let path = entry.expect("a file").path();
        let source = std::fs::read_to_string(&path).expect("readable source");
        for feature in features {
            for reference in [format!("crate::{feature}"), format!("{feature}::")] {
                let code_lines = source
                    .lines()
                    .filter(|line| !line.trim_start().starts_with("//"));
                for line in code_lines {
                    assert!(
                        !line.contains(&reference),
                        "{} uses {feature}: {line}",
                        path.display()
                    );
                }
            }
        }
    }
}

/// The `(field, code)` pairs of a JSON error.
fn field_errors(response: &TestResponse) -> Vec<(String, String)> {
    response.json()["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or_default().to_owned(),
                        f["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn control_character(field: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), "control_character".to_owned())]
}

async fn a_nul_byte_in_a_login_is_refused_with_the_field_named(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("anna@example.dk").await;
    let api = app
        .api_in(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({ "email": "anna@example.dk\u{0}", "password": PASSWORD })),
            "en",
        )
        .await;
    assert_eq!(
        api.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        api.text()
    );
    assert_eq!(field_errors(&api), control_character("email"));
    assert!(
        api.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("email") && m.contains("control characters")),
        "{}",
        api.text()
    );

    let mut jar = Jar::default();
    jar.visit(&app, "/login").await;
    let page = jar
        .submit(
            &app,
            "/login",
            &[("email", "anna@example.dk\u{0}"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("<h1"), "a page: {}", page.text());
    assert!(page.text().contains("email"), "{}", page.text());
    assert!(jar.get("sb_access").is_none(), "not logged in");
    // The same login without the NUL byte works: nothing was counted
    // against it.
    let fine = jar
        .submit(
            &app,
            "/login",
            &[("email", "anna@example.dk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(fine.status, StatusCode::SEE_OTHER);
}

async fn mine(app: &TestApp, token: &str) -> Vec<serde_json::Value> {
    app.api(Method::GET, "/api/v1/tenders/mine", Some(token), None)
        .await
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn a_control_character_in_a_tender_via_the_api_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let cases = [
        (
            "title",
            TenderBuilder::new(&app).set("title", "Rengøring\u{0}".into()),
        ),
        (
            "description",
            TenderBuilder::new(&app).set("description", "Daglig\u{0} rengøring".into()),
        ),
        (
            "description",
            TenderBuilder::new(&app).set("description", "Daglig\u{1b}[31m rengøring".into()),
        ),
        ("lots[1].title", {
            let mut lots = TenderBuilder::new(&app).with_lots();
            lots.body["lots"][1]["title"] = "Syd\u{0}".into();
            lots
        }),
    ];
    for (field, tender) in cases {
        let created = app
            .api(
                Method::POST,
                "/api/v1/tenders",
                Some(&officer.access_token),
                Some(tender.body.clone()),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            created.text()
        );
        assert_eq!(field_errors(&created), control_character(field));
    }
    assert!(
        mine(&app, &officer.access_token).await.is_empty(),
        "nothing stored"
    );

    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let changed = app
        .api(
            Method::PUT,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            Some(
                TenderBuilder::new(&app)
                    .set("title", "Ny\u{0}titel".into())
                    .body,
            ),
        )
        .await;
    assert_eq!(changed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&changed), control_character("title"));
    let stored = mine(&app, &officer.access_token).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0]["title"],
        "Rengøring af daginstitutioner i Aarhus Vest"
    );
    // Tabs and line breaks are text.
    let multiline = TenderBuilder::new(&app)
        .set("description", "Linje 1\r\n\tLinje 2".into())
        .draft(&app, &officer)
        .await;
    assert!(multiline > id);
}

async fn a_control_character_in_a_tender_form_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let path = format!("/tenders/{id}/edit/basics");
    browser.get(&path).await;
    for (field, title, description) in [
        ("title", "Kantine\u{0}drift", "Drift af kantinen."),
        ("description", "Kantinedrift", "Drift\u{0} af kantinen."),
    ] {
        let saved = browser
            .post(
                &path,
                &[
                    ("title", title),
                    ("description", description),
                    ("language", "da"),
                    ("contract_nature", "services"),
                    ("procedure_type", "open"),
                    ("estimated_value", "3.200.000"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(saved.text().contains(field), "{field}: {}", saved.text());
        assert!(saved.text().contains("styretegn"), "{}", saved.text());
    }
    let stored = mine(&app, &officer.access_token).await;
    assert_eq!(
        stored[0]["title"],
        "Rengøring af daginstitutioner i Aarhus Vest"
    );
}
