//! The authentication and session faults found by probing the running
//! server: redirects that lead off the site, a session revoked by two
//! parallel page loads, forgeable CSRF tokens, cookies and HSTS on https,
//! and control characters that PostgreSQL refuses to store.

use axum::http::{Method, StatusCode};
use socialbid_tests::{Backend, Jar, PASSWORD, TestApp};

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
            Some("/account?notice=logged_in"),
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
