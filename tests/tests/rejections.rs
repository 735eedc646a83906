//! Every rejection is the platform's own error in the caller's language:
//! bad path and query parameters, unknown methods and oversized bodies
//! answer JSON under `/api` and the error page elsewhere, never axum's
//! English `text/plain`; an error page keeps the header of the person who
//! is logged in.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use socialbid_tests::{
    Backend, KOBENHAVN_CVR, PageSession, TenderBuilder, TestApp, TestResponse, on_both_databases,
};

on_both_databases!(
    a_path_id_that_cannot_exist_is_not_found_in_json,
    a_bad_query_parameter_is_named_in_json,
    a_bad_path_id_on_a_page_is_the_not_found_page,
    a_bad_query_parameter_on_a_page_is_named_on_the_error_page,
    unknown_methods_are_not_allowed,
    an_oversized_upload_answers_the_json_shape,
    error_pages_keep_who_is_logged_in,
    a_json_body_that_is_not_an_object_is_refused,
    a_response_axum_cannot_build_is_our_error_page,
    a_page_far_past_the_end_is_empty,
);

fn assert_json_error(response: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("application/json"),
        "{}",
        response.text()
    );
    assert_eq!(response.error_code(), code, "{}", response.text());
}

fn assert_error_page(response: &TestResponse, status: StatusCode, lang: &str, words: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let text = response.text();
    assert!(
        text.contains(&format!("<html lang=\"{lang}\"")),
        "not in {lang}: {text}"
    );
    assert!(text.contains(words), "{words:?} not in {text}");
}

async fn a_path_id_that_cannot_exist_is_not_found_in_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    for path in [
        "/api/v1/tenders/abc",
        "/api/v1/tenders/99999999999999999999",
        "/api/v1/tenders/-1.5/questions",
        "/api/v1/profiles/abc",
    ] {
        let danish = app.api_in(Method::GET, path, None, None, "da").await;
        assert_json_error(&danish, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(
            danish.json()["error"]["message"],
            "Vi kunne ikke finde det, du leder efter"
        );
        let english = app.api_in(Method::GET, path, None, None, "en").await;
        assert_json_error(&english, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(
            english.json()["error"]["message"],
            "We could not find what you were looking for"
        );
    }
}

async fn a_bad_query_parameter_is_named_in_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (path, name, value) in [
        ("/api/v1/tenders?page=abc", "page", "abc"),
        ("/api/v1/tenders?per_page=1e3", "per_page", "1e3"),
        ("/api/v1/ocds/releases?since=garbage", "since", "garbage"),
        (
            "/api/v1/profiles?page=99999999999999999999",
            "page",
            "99999999999999999999",
        ),
    ] {
        let danish = app.api_in(Method::GET, path, None, None, "da").await;
        assert_json_error(&danish, StatusCode::BAD_REQUEST, "invalid_parameter");
        let field = &danish.json()["error"]["fields"][0];
        assert_eq!(field["field"], name, "{path}");
        assert_eq!(field["code"], "invalid");
        assert_eq!(
            field["message"],
            format!("»{value}« er ikke en gyldig værdi for {name}")
        );
        let english = app.api_in(Method::GET, path, None, None, "en").await;
        assert_json_error(&english, StatusCode::BAD_REQUEST, "invalid_parameter");
        assert_eq!(
            english.json()["error"]["fields"][0]["message"],
            format!("“{value}” is not a valid value for {name}")
        );
    }
}

/// The largest page numbers a client can send read as pages past the end,
/// never as an arithmetic overflow.
async fn a_page_far_past_the_end_is_empty(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkob@kk.dk", KOBENHAVN_CVR).await;
    TenderBuilder::new(&app).publish(&app, &officer).await;
    for (path, list) in [
        ("/api/v1/tenders?page=9223372036854775807", "items"),
        ("/api/v1/ocds/releases?page=9223372036854775807", "releases"),
        ("/api/v1/ocds/releases?page=92233720368547759", "releases"),
    ] {
        let response = app.api(Method::GET, path, None, None).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{path}: {}",
            response.text()
        );
        assert_eq!(response.json()[list], json!([]), "{path}");
    }
    let first = app
        .api(Method::GET, "/api/v1/tenders?page=1", None, None)
        .await;
    assert_eq!(first.json()["items"].as_array().map(Vec::len), Some(1));
}

async fn a_bad_path_id_on_a_page_is_the_not_found_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    for path in [
        "/tenders/abc",
        "/tenders/99999999999999999999",
        "/profiles/x",
    ] {
        let danish = app.page(Method::GET, path, "", None).await;
        assert_error_page(
            &danish,
            StatusCode::NOT_FOUND,
            "da",
            "Vi kunne ikke finde det, du leder efter",
        );
        let english = app.page(Method::GET, path, "sb_lang=en", None).await;
        assert_error_page(
            &english,
            StatusCode::NOT_FOUND,
            "en",
            "We could not find what you were looking for",
        );
    }
}

async fn a_bad_query_parameter_on_a_page_is_named_on_the_error_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    let danish = app.page(Method::GET, "/profiles?page=x", "", None).await;
    assert_error_page(
        &danish,
        StatusCode::BAD_REQUEST,
        "da",
        "page: »x« er ikke en gyldig værdi for page",
    );
    let english = app
        .page(Method::GET, "/tenders?page=x", "sb_lang=en", None)
        .await;
    assert_error_page(
        &english,
        StatusCode::BAD_REQUEST,
        "en",
        "page: “x” is not a valid value for page",
    );

    // The language switch without the language to switch to.
    let danish = app.page(Method::GET, "/lang?lang=en", "", None).await;
    assert_error_page(
        &danish,
        StatusCode::BAD_REQUEST,
        "da",
        "to: to mangler i adressen",
    );
    let english = app
        .page(Method::GET, "/lang?lang=en", "sb_lang=en", None)
        .await;
    assert_error_page(
        &english,
        StatusCode::BAD_REQUEST,
        "en",
        "to: to is missing from the address",
    );
}

async fn unknown_methods_are_not_allowed(backend: Backend) {
    let app = TestApp::new(backend).await;
    let trace = |path: &str, lang: &str| {
        Request::builder()
            .method(Method::TRACE)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::empty())
            .unwrap()
    };
    let api = app.send(trace("/api/v1/tenders", "en")).await;
    assert_json_error(&api, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(
        api.json()["error"]["message"],
        "That action is not possible at this address"
    );
    // Pages refuse a form without a CSRF token with 403; an unknown method
    // is refused before that question arises.
    let page = app.send(trace("/tenders", "da")).await;
    assert_error_page(
        &page,
        StatusCode::METHOD_NOT_ALLOWED,
        "da",
        "Den handling er ikke mulig på denne adresse",
    );
    // Probes and scrapers are not pages: a wrong method is a 405, not a
    // missing CSRF token.
    for path in ["/healthz", "/readyz", "/metrics"] {
        for method in [Method::PUT, Method::POST, Method::DELETE] {
            let request = Request::builder()
                .method(method.clone())
                .uri(path)
                .body(Body::empty())
                .unwrap();
            let response = app.send(request).await;
            assert_eq!(
                response.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}: {}",
                response.text()
            );
        }
    }
    let made_up = Request::builder()
        .method(Method::from_bytes(b"BREW").unwrap())
        .uri("/api/v1/tenders")
        .body(Body::empty())
        .unwrap();
    assert_json_error(
        &app.send(made_up).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
}

async fn an_oversized_upload_answers_the_json_shape(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkob@kk.dk", KOBENHAVN_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let too_large = vec![b'%'; 21 * 1024 * 1024];
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tenders/{id}/documents?name=stor.pdf"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", officer.access_token),
        )
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(too_large))
        .unwrap();
    let response = app.send(request).await;
    assert_json_error(
        &response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert_eq!(
        response.json()["error"]["message"],
        "The request is too large"
    );
}

/// The header of an error page is the header of every page: the person's
/// name and "Log ud" with a working form, not "Log ind" and "Opret konto".
fn assert_header_of(response: &TestResponse, name: &str, csrf: &str) {
    let text = response.text();
    assert!(text.contains(&format!("Logget ind som {name}")), "{text}");
    assert!(text.contains(">Log ud</button>"), "{text}");
    assert!(
        text.contains(&format!("name=\"csrf_token\" value=\"{csrf}\"")),
        "the log-out form has no token: {text}"
    );
    assert!(!text.contains("href=\"/login\""), "{text}");
    assert!(!text.contains("href=\"/register\""), "{text}");
}

async fn error_pages_keep_who_is_logged_in(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    let mut session = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    session.get("/tenders").await;
    let csrf = session.jar.csrf();

    for path in ["/tenders/424242", "/tenders/abc", "/no-such-page"] {
        let missing = session.get(path).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
        assert_header_of(&missing, "Anna Jensen", &csrf);
    }
    let forbidden = session.get("/admin/officers").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_header_of(&forbidden, "Anna Jensen", &csrf);

    // With the access cookie expired, the page renews it and still knows her.
    app.state.clock.advance(chrono::Duration::minutes(20));
    let renewed = session.get("/tenders/abc").await;
    assert_eq!(renewed.status, StatusCode::NOT_FOUND);
    assert_header_of(&renewed, "Anna Jensen", &csrf);
}

async fn a_json_body_that_is_not_an_object_is_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkob@kk.dk", KOBENHAVN_CVR).await;
    for body in [
        json!([]),
        json!([""]),
        json!("titel"),
        json!(7),
        json!(null),
    ] {
        let created = app
            .api_in(
                Method::POST,
                "/api/v1/tenders",
                Some(&officer.access_token),
                Some(body.clone()),
                "en",
            )
            .await;
        assert_json_error(&created, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        let message = created.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains("expected a JSON object"),
            "{body}: {message}"
        );
    }
    let mine = app
        .api(
            Method::GET,
            "/api/v1/tenders/mine",
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(
        mine.json().as_array().map(Vec::len),
        Some(0),
        "no draft was made"
    );

    // An object is read as before, and its problems are still named.
    let unknown = app
        .api_in(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(json!({ "titel": "Rengøring" })),
            "en",
        )
        .await;
    assert_json_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    assert!(
        unknown.text().contains("unknown field `titel`"),
        "{}",
        unknown.text()
    );
    let created = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(json!({ "title": "Rengøring" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
}

/// A newline in the language switch's `back` makes a `Location` header
/// axum cannot build; it answered a bare English `text/plain` 500.
async fn a_response_axum_cannot_build_is_our_error_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app
        .page(Method::GET, "/lang?to=en&back=/%0a", "sb_lang=en", None)
        .await;
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(
        !content_type.starts_with("text/plain"),
        "{} {content_type}: {}",
        response.status,
        response.text()
    );
    if response.status.is_server_error() {
        assert_error_page(
            &response,
            StatusCode::INTERNAL_SERVER_ERROR,
            "en",
            "Something went wrong on our side",
        );
    }
}
