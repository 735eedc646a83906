//! What makes the public pages cheap to fetch again: compressed text,
//! ETags with conditional GET on the public pages and the open data, and
//! static files under content-hashed names cached for good. The speed
//! itself is measured by `scripts/bench-pages` (BENCHMARKS.md), not here.

use std::io::Read;

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{
    AARHUS_CVR, Backend, Browser, Jar, SocialbidProcess, TenderBuilder, TestApp, on_both_databases,
};

on_both_databases!(
    pages_and_json_are_compressed_when_the_client_takes_it,
    a_page_is_not_sent_again_until_the_tender_changes,
    open_data_is_not_sent_again_until_the_tender_changes,
    a_logged_in_page_is_never_stored,
);

/// A visitor's first look: the jar then holds the form token's cookie, so
/// the pages it gets next are the same bytes each time.
async fn visitor(app: &TestApp) -> Jar {
    let mut jar = Jar::default();
    let first = app.get_with("/", &jar, &[]).await;
    jar.take(&first);
    jar
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(body, 4096)
        .read_to_end(&mut out)
        .expect("a brotli body");
    out
}

struct Published {
    officer: socialbid_tests::Person,
    id: i64,
    body: serde_json::Value,
}

async fn published_tender(app: &TestApp) -> Published {
    let officer = app.officer("ole@aarhus.dk", AARHUS_CVR).await;
    let builder = TenderBuilder::new(app);
    let id = builder.publish(app, &officer).await;
    Published {
        officer,
        id,
        body: builder.body,
    }
}

/// Moves the tender's submission deadline to `days` from now: a new
/// version with a change log.
async fn amend(app: &TestApp, tender: &Published, days: i64) {
    let mut changed = tender.body.clone();
    changed["submission_deadline"] = json!(socialbid_tests::in_days(app, days));
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{}/amend", tender.id),
            Some(&tender.officer.access_token),
            Some(json!({ "reason": "Mere tid til tilbud", "tender": changed })),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

async fn pages_and_json_are_compressed_when_the_client_takes_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    let id = published_tender(&app).await.id;
    let jar = visitor(&app).await;
    for path in [
        format!("/tenders/{id}"),
        "/tenders".to_owned(),
        format!("/api/v1/tenders/{id}/ocds"),
    ] {
        let plain = app.get_with(&path, &jar, &[]).await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        for (encoding, decode) in [("gzip", gunzip as fn(&[u8]) -> Vec<u8>), ("br", unbrotli)] {
            let packed = app
                .get_with(&path, &jar, &[("accept-encoding", encoding)])
                .await;
            assert_eq!(packed.status, StatusCode::OK, "{path}");
            assert_eq!(
                packed.header("content-encoding").as_deref(),
                Some(encoding),
                "{path}"
            );
            assert!(
                packed
                    .headers
                    .get_all("vary")
                    .iter()
                    .any(|v| v.to_str().unwrap().eq_ignore_ascii_case("accept-encoding")),
                "{path}: {:?}",
                packed.headers
            );
            assert!(
                packed.body.len() * 2 < plain.body.len(),
                "{path}: {encoding} should at least halve {} bytes, gave {}",
                plain.body.len(),
                packed.body.len()
            );
            assert_eq!(
                String::from_utf8(decode(&packed.body)).unwrap(),
                plain.text(),
                "{path} in {encoding}"
            );
            // The same content in any encoding: one (weak) ETag.
            assert_eq!(packed.header("etag"), plain.header("etag"), "{path}");
        }
    }
}

async fn a_page_is_not_sent_again_until_the_tender_changes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let tender = published_tender(&app).await;
    let jar = visitor(&app).await;
    let path = format!("/tenders/{}", tender.id);
    let first = app.get_with(&path, &jar, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first
        .header("etag")
        .expect("an ETag on the public tender page");
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(
        first.header("cache-control").as_deref(),
        Some("private, no-cache")
    );

    let again = app.get_with(&path, &jar, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag").as_deref(), Some(etag.as_str()));
    assert_eq!(
        again.header("cache-control").as_deref(),
        Some("private, no-cache")
    );

    // The page in the other language is another body, so another tag.
    let english = app
        .get_with(
            &path,
            &jar,
            &[("if-none-match", &etag), ("accept-language", "en")],
        )
        .await;
    assert_eq!(english.status, StatusCode::OK);
    assert_ne!(english.header("etag").as_deref(), Some(etag.as_str()));

    amend(&app, &tender, 60).await;
    app.run_jobs().await;
    let changed = app.get_with(&path, &jar, &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert!(changed.text().contains("Mere tid til tilbud"));
    let new_etag = changed.header("etag").unwrap();
    assert_ne!(new_etag, etag);
    let now_same = app
        .get_with(&path, &jar, &[("if-none-match", &new_etag)])
        .await;
    assert_eq!(now_same.status, StatusCode::NOT_MODIFIED);

    // The other public pages revalidate the same way.
    for path in ["/", "/tenders", "/profiles"] {
        let page = app.get_with(path, &jar, &[]).await;
        let etag = page
            .header("etag")
            .unwrap_or_else(|| panic!("{path}: no ETag"));
        let again = app.get_with(path, &jar, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
    }
    // A page that is not found has nothing to revalidate.
    let missing = app
        .get_with("/tenders/999999", &jar, &[("if-none-match", "*")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("etag"), None);
}

async fn open_data_is_not_sent_again_until_the_tender_changes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let tender = published_tender(&app).await;
    let id = tender.id;
    let nobody = Jar::default();
    for (n, path) in [
        format!("/api/v1/tenders/{id}/ocds"),
        "/api/v1/ocds/releases".to_owned(),
        "/api/v1/tenders".to_owned(),
    ]
    .into_iter()
    .enumerate()
    {
        let first = app.get_with(&path, &nobody, &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert_eq!(
            first.header("cache-control").as_deref(),
            Some("public, no-cache"),
            "{path}"
        );
        assert_eq!(first.header("set-cookie"), None, "{path}");
        let etag = first.header("etag").unwrap();
        let again = app
            .get_with(&path, &nobody, &[("if-none-match", &etag)])
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.header("content-type"), None, "{path}");

        amend(&app, &tender, 60 + n as i64).await;
        app.run_jobs().await;
        let changed = app
            .get_with(&path, &nobody, &[("if-none-match", &etag)])
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{path} after an amendment");
        assert_ne!(changed.header("etag").unwrap(), etag, "{path}");
    }
}

async fn a_logged_in_page_is_never_stored(backend: Backend) {
    let app = TestApp::new(backend).await;
    let tender = published_tender(&app).await;
    let jar = Jar::logged_in(&app, &tender.officer.email).await;
    let page = app
        .get_with(&format!("/tenders/{}", tender.id), &jar, &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("etag"), None);
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
}

#[tokio::test]
async fn the_stylesheet_is_linked_by_its_hash_and_cached_for_good() {
    let app = TestApp::new(Backend::Sqlite).await;
    let home = app.get_with("/", &Jar::default(), &[]).await.text();
    let href = home
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a stylesheet link")
        .to_owned();
    let hash = href
        .strip_prefix("/static/style.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("not a hashed name: {href}"));
    assert_eq!(hash.len(), 12, "{href}");

    let nobody = Jar::default();
    let hashed = app.get_with(&href, &nobody, &[]).await;
    assert_eq!(hashed.status, StatusCode::OK);
    assert_eq!(
        hashed.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        hashed.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(hashed.header("set-cookie"), None);

    // The plain name still answers, for pages of an older release.
    let plain = app.get_with("/static/style.css", &nobody, &[]).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.body, hashed.body);
    assert_eq!(
        plain.header("cache-control").as_deref(),
        Some("public, max-age=3600")
    );

    let packed = app
        .get_with(&href, &nobody, &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(packed.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(gunzip(&packed.body), hashed.body);

    for unknown in [
        "/static/style.000000000000.css",
        "/static/style.css.css",
        "/static/nothing.css",
    ] {
        let response = app.get_with(unknown, &nobody, &[]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{unknown}");
        assert_ne!(
            response.header("cache-control").as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{unknown}"
        );
    }
}

/// The stylesheet's rules reach the page through its hashed name in a real
/// browser (the Content-Security-Policy allows only our own files).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_loads_the_hashed_stylesheet() {
    let server = SocialbidProcess::start(&[]).await;
    let browser = Browser::start().await;
    browser.goto(&server.url("/tenders")).await.unwrap();
    let found = browser
        .execute(
            r#"
            const sheet = [...document.styleSheets].find(s => s.href && s.href.includes('/static/style.'));
            const header = document.querySelector('.header');
            return {
                href: sheet ? new URL(sheet.href).pathname : null,
                rules: sheet ? sheet.cssRules.length : 0,
                border: getComputedStyle(header).borderBottomWidth,
                colour: getComputedStyle(header).borderBottomColor,
            };
            "#,
            vec![],
        )
        .await
        .unwrap();
    let href = found["href"].as_str().expect("the stylesheet is loaded");
    assert!(
        href.starts_with("/static/style.") && href.len() == "/static/style..css".len() + 12,
        "{found}"
    );
    assert!(found["rules"].as_u64().unwrap() > 100, "{found}");
    assert_eq!(found["border"], "4px", "{found}");
    assert_eq!(found["colour"], "rgb(0, 77, 153)", "{found}");
    browser
        .assert_accessible("/tenders with the hashed stylesheet")
        .await;
}
