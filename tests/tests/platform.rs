//! What every response and the operations endpoints promise: security
//! headers, health, readiness, metrics, the OpenAPI document and Swagger
//! UI; the job queue's retries; the schema on both databases.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use serde_json::json;
use socialbid_tests::{AARHUS_CVR, Backend, TenderBuilder, TestApp, TestDb, on_both_databases};

on_both_databases!(
    every_response_carries_security_headers,
    health_readiness_and_metrics,
    openapi_document_lists_every_endpoint,
    api_timestamps_are_utc_with_z,
    openapi_lists_the_statuses_of_shared_rejections,
    openapi_says_request_text_takes_no_control_characters,
    a_failed_mail_is_retried_later_and_not_lost,
    migrations_are_reversible,
);

async fn every_response_carries_security_headers(backend: Backend) {
    let app = TestApp::new(backend).await;
    for path in [
        "/",
        "/login",
        "/api/v1/me",
        "/healthz",
        "/no-such-page",
        "/static/style.css",
    ] {
        let response = app.page(Method::GET, path, "", None).await;
        let csp = response
            .header("content-security-policy")
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            response.header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{path}"
        );
    }
}

async fn health_readiness_and_metrics(backend: Backend) {
    let app = TestApp::new(backend).await;
    assert_eq!(
        app.page(Method::GET, "/healthz", "", None).await.status,
        StatusCode::OK
    );
    let ready = app.page(Method::GET, "/readyz", "", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.text().starts_with("ready\n"), "{}", ready.text());
    app.api(Method::GET, "/api/v1/me", None, None).await;
    app.register(json!({ "email": "m@example.dk", "password": socialbid_tests::PASSWORD, "name": "M", "role": "entrepreneur" }))
        .await;
    let metrics = app.page(Method::GET, "/metrics", "", None).await;
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    assert!(
        text.contains("socialbid_http_responses_total{class=\"4xx\"} 1"),
        "{text}"
    );
    assert!(text.contains("socialbid_jobs_pending 1"), "{text}");
    app.run_jobs().await;
    let text = app.page(Method::GET, "/metrics", "", None).await.text();
    assert!(
        text.contains("socialbid_jobs_total{outcome=\"succeeded\"} 1"),
        "{text}"
    );
    assert!(text.contains("socialbid_jobs_pending 0"), "{text}");
}

async fn openapi_document_lists_every_endpoint(backend: Backend) {
    let app = TestApp::new(backend).await;
    let doc = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/accounts", "post"),
        ("/api/v1/accounts/verify", "post"),
        ("/api/v1/accounts/verify/resend", "post"),
        ("/api/v1/accounts/password-reset", "post"),
        ("/api/v1/accounts/password-reset/confirm", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me", "delete"),
        ("/api/v1/me/password", "put"),
        ("/api/v1/me/export", "get"),
        ("/api/v1/admin/officers", "get"),
        ("/api/v1/admin/officers/{id}/approve", "post"),
        ("/api/v1/admin/officers/{id}/reject", "post"),
        ("/api/v1/tenders", "get"),
        ("/api/v1/tenders", "post"),
        ("/api/v1/tenders/mine", "get"),
        ("/api/v1/tenders/{id}", "get"),
        ("/api/v1/tenders/{id}", "put"),
        ("/api/v1/tenders/{id}", "delete"),
        ("/api/v1/tenders/{id}/publish", "post"),
        ("/api/v1/tenders/{id}/amend", "post"),
        ("/api/v1/tenders/{id}/cancel", "post"),
        ("/api/v1/tenders/{id}/questions", "get"),
        ("/api/v1/tenders/{id}/questions", "post"),
        (
            "/api/v1/tenders/{id}/questions/{question_id}/answer",
            "post",
        ),
        ("/api/v1/tenders/{id}/follow", "put"),
        ("/api/v1/tenders/{id}/follow", "delete"),
        ("/api/v1/tenders/{id}/documents", "post"),
        ("/api/v1/tenders/{id}/documents/{document_id}", "get"),
        ("/api/v1/tenders/{id}/ocds", "get"),
        ("/api/v1/ocds/releases", "get"),
        ("/api/v1/cpv", "get"),
        ("/api/v1/profiles", "get"),
        ("/api/v1/profiles", "post"),
        ("/api/v1/profiles/mine", "get"),
        ("/api/v1/profiles/{id}", "get"),
        ("/api/v1/profiles/{id}", "put"),
        ("/api/v1/profiles/{id}", "delete"),
        ("/api/v1/profiles/{id}/members", "get"),
        ("/api/v1/profiles/{id}/invitations", "post"),
        (
            "/api/v1/profiles/{id}/invitations/{invitation_id}",
            "delete",
        ),
        ("/api/v1/profiles/invitations/accept", "post"),
        ("/api/v1/profiles/{id}/leave", "post"),
        ("/api/v1/profiles/{id}/flags", "post"),
        ("/api/v1/admin/profiles", "get"),
        ("/api/v1/admin/organisations", "get"),
        ("/api/v1/admin/profiles/{id}", "get"),
        ("/api/v1/admin/profiles/{id}/approve", "post"),
        ("/api/v1/admin/profiles/{id}/reject", "post"),
        ("/api/v1/admin/profiles/{id}/request-changes", "post"),
        ("/api/v1/admin/profiles/{id}/suspend", "post"),
        ("/api/v1/admin/profiles/{id}/unsuspend", "post"),
        ("/api/v1/admin/flags/{id}/resolve", "post"),
        ("/api/v1/admin/audit-log", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let ui = app.page(Method::GET, "/api/docs/", "", None).await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.text().contains("swagger"), "{}", ui.text());
}

async fn a_failed_mail_is_retried_later_and_not_lost(backend: Backend) {
    let app = TestApp::new(backend).await;
    // A file where the mail folder should be makes every write fail.
    std::fs::remove_dir_all(app.mail_dir()).unwrap();
    std::fs::write(app.mail_dir(), b"in the way").unwrap();
    app.register(json!({ "email": "r@example.dk", "password": socialbid_tests::PASSWORD, "name": "R", "role": "entrepreneur" }))
        .await;
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(
        app.pending_jobs().await,
        1,
        "the failed job waits for its retry"
    );
    assert_eq!(
        app.run_jobs().await,
        0,
        "not before its back-off has passed"
    );

    std::fs::remove_file(app.mail_dir()).unwrap();
    std::fs::create_dir(app.mail_dir()).unwrap();
    app.state.clock.advance(chrono::Duration::seconds(21));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.pending_jobs().await, 0);
    assert_eq!(app.mails_to("r@example.dk").len(), 1);
}

async fn migrations_are_reversible(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = socialbid::db::Db::connect(db.url(), 1).unwrap();
    // Every migration folder of this backend's set.
    let folder = match backend {
        Backend::Sqlite => "migrations/sqlite",
        Backend::Postgres => "migrations/postgres",
    };
    let count = std::fs::read_dir(socialbid_tests::workspace_root().join(folder))
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    assert!(count >= 2, "{count}");
    assert_eq!(pool.migrate().unwrap().len(), count);
    pool.revert_all().unwrap();
    assert_eq!(
        pool.migrate().unwrap().len(),
        count,
        "migrations apply again after a full revert"
    );
    assert!(pool.migrate().unwrap().is_empty());
}

/// Every string in `json` that starts like a timestamp, with its path.
fn timestamps(json: &Value, path: &str, found: &mut Vec<(String, String)>) {
    match json {
        Value::String(text) => {
            let bytes = text.as_bytes();
            let looks_like_time = bytes.len() >= 19
                && bytes[4] == b'-'
                && bytes[10] == b'T'
                && bytes[..4].iter().all(u8::is_ascii_digit);
            if looks_like_time {
                found.push((path.to_owned(), text.clone()));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                timestamps(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(fields) => {
            for (name, value) in fields {
                timestamps(value, &format!("{path}.{name}"), found);
            }
        }
        _ => {}
    }
}

/// The OpenAPI document calls them `date-time`: RFC 3339, here in UTC.
async fn api_timestamps_are_utc_with_z(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let asked = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/questions"),
            Some(&anna.access_token),
            Some(json!({ "question": "Hvor mange kuverter?" })),
        )
        .await;
    let question = asked.json()["id"].as_i64().unwrap();
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{id}/questions/{question}/answer"),
        Some(&officer.access_token),
        Some(json!({ "answer": "200." })),
    )
    .await;
    // The officer is told of the question and Anna of the answer.
    assert_eq!(app.run_jobs().await, 2);

    let mut found = Vec::new();
    for (path, token) in [
        (format!("/api/v1/tenders/{id}"), None),
        ("/api/v1/tenders".to_owned(), None),
        (format!("/api/v1/tenders/{id}/questions"), None),
        (
            "/api/v1/tenders/mine".to_owned(),
            Some(&officer.access_token),
        ),
        ("/api/v1/me".to_owned(), Some(&anna.access_token)),
        ("/api/v1/me/export".to_owned(), Some(&anna.access_token)),
    ] {
        let response = app
            .api(Method::GET, &path, token.map(String::as_str), None)
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{path}: {}",
            response.text()
        );
        timestamps(&response.json(), &path, &mut found);
    }
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "published_at",
        "submission_deadline",
        "versions[0].created_at",
        "answered_at",
        "email_verified_at",
    ] {
        assert!(
            paths.iter().any(|p| p.ends_with(expected)),
            "no {expected} in {paths:?}"
        );
    }
    for (path, text) in &found {
        assert!(
            chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z'),
            "{path} = {text} is not RFC 3339 UTC"
        );
    }

    let doc = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let published = &doc["components"]["schemas"]["TenderView"]["properties"]["published_at"];
    assert!(published.to_string().contains("date-time"), "{published}");
}

/// Every free-text string a request body holds, however deeply, carries the
/// pattern that refuses control characters (as the server does), and no
/// string of an answer or with a fixed list of values does.
async fn openapi_says_request_text_takes_no_control_characters(backend: Backend) {
    let app = TestApp::new(backend).await;
    let doc = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let schemas = &doc["components"]["schemas"];
    let pattern = |schema: &str, property: &str| {
        schemas[schema]["properties"][property]["pattern"]
            .as_str()
            .map(str::to_owned)
    };
    let allowed = "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]";
    let expected = Some(format!("^{allowed}*$"));
    assert_eq!(pattern("TenderInput", "title"), expected);
    // Text that must hold more than blanks says so too, in the same
    // pattern; the server asks for it when only blanks are sent.
    let not_blank = Some(format!(
        "^{allowed}*[^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]{allowed}*$"
    ));
    assert_eq!(pattern("LoginRequest", "email"), not_blank);
    assert_eq!(pattern("QuestionRequest", "question"), not_blank);
    let blanks = app
        .api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": " \t ", "password": "x"})),
        )
        .await;
    assert_eq!(blanks.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blanks.json()["error"]["fields"][0]["code"], "required");
    // A lot, reached through the tender's `lots` array.
    let lot = doc["components"]["schemas"]["TenderInput"]["properties"]["lots"]["items"]["$ref"]
        .as_str()
        .expect("lots refer to a schema")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(pattern(&lot, "title"), expected, "{lot}");
    assert_eq!(pattern("TenderView", "title"), None, "an answer");
}

/// Statuses the shared extractors give are in the document, as the server
/// sends them (each checked here against a real answer), and `role` is as
/// strict in the schema as on the server.
async fn openapi_lists_the_statuses_of_shared_rejections(backend: Backend) {
    let app = TestApp::new(backend).await;
    let doc = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let statuses = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("no {method} {path}"))
            .keys()
            .cloned()
            .collect()
    };
    for (path, method) in [
        ("/api/v1/accounts/verify", "post"),
        ("/api/v1/profiles/invitations/accept", "post"),
        ("/api/v1/tenders", "post"),
    ] {
        let listed = statuses(path, method);
        for status in ["400", "413", "415", "422"] {
            assert!(
                listed.iter().any(|s| s == status),
                "{method} {path} lacks {status}: {listed:?}"
            );
        }
    }
    assert!(statuses("/api/v1/tenders/{id}", "get").contains(&"404".to_owned()));
    assert!(statuses("/api/v1/tenders", "get").contains(&"400".to_owned()));
    assert!(statuses("/api/v1/ocds/releases", "get").contains(&"400".to_owned()));
    let listed_error = &doc["paths"]["/api/v1/tenders"]["get"]["responses"]["400"]["content"]["application/json"]
        ["schema"]["$ref"];
    assert_eq!(listed_error, "#/components/schemas/ErrorBody");

    // What the document now promises, the server does.
    let verify = |body: &'static str, content_type: Option<&'static str>| {
        app.raw(Method::POST, "/api/v1/accounts/verify", content_type, body)
    };
    assert_eq!(
        verify("{", Some("application/json")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        verify("token=x", Some("text/plain")).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        verify("[]", Some("application/json")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let page = app
        .api(Method::GET, "/api/v1/tenders?page=x", None, None)
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);

    let role = &doc["components"]["schemas"]["RegisterRequest"]["properties"]["role"];
    assert_eq!(role["enum"], json!(["entrepreneur", "officer"]), "{role}");
    let empty_role = app
        .api(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(json!({ "email": "a@example.dk", "password": "en lang adgangskode", "name": "A", "role": "" })),
        )
        .await;
    assert_eq!(empty_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty_role.json()["error"]["fields"][0]["field"], "role");
}
