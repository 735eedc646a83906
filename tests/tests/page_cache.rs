//! The moment's memory of public pages (`web::page_cache`): what every
//! anonymous visitor gets alike is made once a moment, and is never served
//! after a change made here, to a logged-in person, in another language or
//! with another visitor's form token. The apps here keep a page for a
//! minute and move their clock past it, so no test races the clock.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{
    AARHUS_CVR, Backend, Jar, Person, TenderBuilder, TestApp, on_both_databases,
};

on_both_databases!(
    a_public_page_is_made_once_a_moment,
    a_page_is_kept_in_the_encoding_each_visitor_takes,
    a_change_made_here_is_seen_at_once,
    a_logged_in_person_never_gets_a_visitors_page,
    a_page_with_a_visitors_form_token_is_theirs_alone,
);

/// How long the apps here keep a page: a minute, in milliseconds.
const MINUTE: u64 = 60_000;

async fn published_tender(app: &TestApp) -> (Person, i64, serde_json::Value) {
    let officer = app.officer("ole@aarhus.dk", AARHUS_CVR).await;
    let builder = TenderBuilder::new(app);
    let id = builder.publish(app, &officer).await;
    app.run_jobs().await;
    (officer, id, builder.body)
}

/// Renames the officer's authority in the database, as another process
/// could without this one hearing of it.
async fn rename_authorities(app: &TestApp, name: &'static str) {
    app.state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use socialbid::db::schema::authorities;
            diesel::update(authorities::table)
                .set(authorities::name.eq(name))
                .execute(conn)
                .map_err(socialbid::error::AppError::from)
        })
        .await
        .unwrap();
}

const RENAMED: &str = "Aarhus Kommune, Borgerservice";

async fn a_public_page_is_made_once_a_moment(backend: Backend) {
    let app = TestApp::with_page_cache(backend, MINUTE).await;
    let (_, id, _) = published_tender(&app).await;
    let nobody = Jar::default();
    let paths = [
        format!("/tenders/{id}"),
        "/tenders".to_owned(),
        "/api/v1/tenders".to_owned(),
        "/api/v1/search/tenders?q=reng%C3%B8ring".to_owned(),
    ];
    let mut first = Vec::new();
    for path in &paths {
        let page = app.get_with(path, &nobody, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.text().contains(RENAMED), "{path}");
        first.push(page);
    }

    rename_authorities(&app, RENAMED).await;
    for (path, first) in paths.iter().zip(&first) {
        let again = app.get_with(path, &nobody, &[]).await;
        assert_eq!(again.status, StatusCode::OK, "{path}");
        assert_eq!(again.text(), first.text(), "{path}: kept for the moment");
        // The kept page still revalidates and compresses.
        assert_eq!(again.header("etag"), first.header("etag"), "{path}");
        let etag = first.header("etag").unwrap();
        let unchanged = app
            .get_with(path, &nobody, &[("if-none-match", &etag)])
            .await;
        assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED, "{path}");
        let packed = app
            .get_with(path, &nobody, &[("accept-encoding", "gzip")])
            .await;
        assert_eq!(packed.header("content-encoding").as_deref(), Some("gzip"));
    }
    // Another language is another page, made now.
    let english = app
        .get_with(&paths[0], &nobody, &[("accept-language", "en")])
        .await;
    assert!(english.text().contains(RENAMED));
    assert!(english.text().contains("lang=\"en\""));

    app.state.clock.advance(chrono::Duration::seconds(61));
    for path in &paths {
        let later = app.get_with(path, &nobody, &[]).await;
        assert_eq!(later.status, StatusCode::OK, "{path}");
        assert!(
            later.text().contains(RENAMED),
            "{path}: made again after the moment"
        );
    }
}

fn gunzip(body: &[u8]) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(body), &mut text)
        .expect("a gzip body");
    text
}

/// Kept as it was sent, compressed: a visitor who takes gzip gets the
/// kept gzip, one who takes nothing the kept plain page, both the same
/// page and both answered 304 when they hold it.
async fn a_page_is_kept_in_the_encoding_each_visitor_takes(backend: Backend) {
    let app = TestApp::with_page_cache(backend, MINUTE).await;
    let (_, id, _) = published_tender(&app).await;
    let nobody = Jar::default();
    let path = format!("/tenders/{id}");
    let gzip = [("accept-encoding", "gzip")];
    let packed = app.get_with(&path, &nobody, &gzip).await;
    let plain = app.get_with(&path, &nobody, &[]).await;
    assert_eq!(packed.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(gunzip(&packed.body), plain.text());

    rename_authorities(&app, RENAMED).await;
    let packed_again = app.get_with(&path, &nobody, &gzip).await;
    assert_eq!(packed_again.body, packed.body, "the kept gzip");
    assert_eq!(
        packed_again.header("content-encoding").as_deref(),
        Some("gzip")
    );
    assert_eq!(app.get_with(&path, &nobody, &[]).await.text(), plain.text());
    let etag = packed.header("etag").unwrap();
    let unchanged = app
        .get_with(&path, &nobody, &[gzip[0], ("if-none-match", &etag)])
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.body.is_empty());
    assert_eq!(unchanged.header("content-encoding"), None);
    assert_eq!(unchanged.header("etag"), Some(etag));

    app.state.clock.advance(chrono::Duration::seconds(61));
    let later = app.get_with(&path, &nobody, &gzip).await;
    assert!(
        gunzip(&later.body).contains(RENAMED),
        "made again after the moment"
    );
}

async fn a_change_made_here_is_seen_at_once(backend: Backend) {
    let app = TestApp::with_page_cache(backend, MINUTE).await;
    let (officer, id, body) = published_tender(&app).await;
    app.index().await;
    let nobody = Jar::default();
    let page = format!("/tenders/{id}");
    let search = "/tenders?q=vinduespudsning";
    assert!(
        !app.get_with(&page, &nobody, &[])
            .await
            .text()
            .contains("Mere tid til tilbud")
    );
    assert!(
        !app.get_with(search, &nobody, &[])
            .await
            .text()
            .contains("Vinduespudsning på")
    );

    // An amendment through this process: its page shows it at once.
    let mut changed = body.clone();
    changed["submission_deadline"] = json!(socialbid_tests::in_days(&app, 60));
    let amended = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/amend"),
            Some(&officer.access_token),
            Some(json!({ "reason": "Mere tid til tilbud", "tender": changed })),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    assert!(
        app.get_with(&page, &nobody, &[])
            .await
            .text()
            .contains("Mere tid til tilbud")
    );

    // A new tender: the search page kept before it is not served again.
    let other_id = TenderBuilder::new(&app)
        .set("title", json!("Vinduespudsning på skolerne"))
        .publish(&app, &officer)
        .await;
    app.index().await;
    let link = format!("/tenders/{other_id}\"");
    assert!(
        app.get_with(search, &nobody, &[])
            .await
            .text()
            .contains(&link)
    );
}

async fn a_logged_in_person_never_gets_a_visitors_page(backend: Backend) {
    let app = TestApp::with_page_cache(backend, MINUTE).await;
    let (officer, id, _) = published_tender(&app).await;
    let path = format!("/tenders/{id}");
    let logout = "action=\"/logout\"";
    let visitors = app.get_with(&path, &Jar::default(), &[]).await;
    assert!(!visitors.text().contains(logout));

    let jar = Jar::logged_in(&app, &officer.email).await;
    let theirs = app.get_with(&path, &jar, &[]).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.text().contains(logout), "their own header");
    assert_eq!(theirs.header("cache-control").as_deref(), Some("no-store"));
    // Nor does the next visitor get theirs.
    let next = app.get_with(&path, &Jar::default(), &[]).await;
    assert_eq!(next.text(), visitors.text());
}

/// The login form carries a token bound to each visitor's own cookie: two
/// visitors in the same moment each get theirs, and each can log in.
async fn a_page_with_a_visitors_form_token_is_theirs_alone(backend: Backend) {
    let app = TestApp::with_page_cache(backend, MINUTE).await;
    let (officer, _, _) = published_tender(&app).await;
    let mut first = Jar::default();
    let mut second = Jar::default();
    let a = first.visit(&app, "/login").await;
    let b = second.visit(&app, "/login").await;
    assert_ne!(a.text(), b.text());
    assert_ne!(first.csrf(), second.csrf());
    for jar in [&mut first, &mut second] {
        let response = jar
            .submit(
                &app,
                "/login",
                &[
                    ("email", &officer.email),
                    ("password", socialbid_tests::PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{}",
            response.text()
        );
    }
}
