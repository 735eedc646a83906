//! What people and programs read, pinned: the mails of the main journeys
//! in both languages and the JSON of the main endpoints, as insta
//! snapshots (`tests/tests/snapshots/`). Volatile parts (ids, timestamps,
//! link tokens, dates relative to today) are redacted; everything else must
//! stay exactly as reviewed. Both databases must produce the same snapshot.
//! After an intended change: `INSTA_UPDATE=always cargo nextest run -p
//! socialbid-tests --test snapshots`, then review the diff in git.

use axum::http::Method;
use serde_json::{Value, json};
use socialbid_tests::{
    Backend, KOBENHAVN_CVR, PASSWORD, ReceivedMail, TenderBuilder, TestApp, cvr, on_both_databases,
    profile_body,
};

on_both_databases!(
    the_account_mails_read_as_reviewed,
    the_officer_decision_mail_reads_as_reviewed,
    a_published_tender_as_json,
    the_directory_as_json,
    a_refusal_as_json,
);

/// Ids and timestamps become placeholders, wherever they are.
fn redacted(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| {
                    let volatile_id = (key == "id" || key.ends_with("_id")) && v.is_number();
                    let v = if volatile_id {
                        json!("[id]")
                    } else {
                        redacted(v)
                    };
                    (key.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        Value::String(text) if looks_like_a_timestamp(text) => json!("[timestamp]"),
        other => other.clone(),
    }
}

fn looks_like_a_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && text[..4].chars().all(|c| c.is_ascii_digit())
}

/// The parts of a mail a reader reads, with link tokens and dates masked.
fn mail_snapshot(mail: &ReceivedMail) -> String {
    format!(
        "To: {}\nSubject: {}\n\n{}\n----- html -----\n{}",
        mail.to, mail.subject, mail.text, mail.html
    )
}

fn mail_filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // Tokens carry dots (the unsubscribe link's `<user>.<kinds>.<signature>`).
    settings.add_filter(r"token=[A-Za-z0-9_.\-]+", "token=[token]");
    settings.add_filter(
        r"\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4}",
        "[dato]",
    );
    settings.add_filter(
        r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}",
        "[date]",
    );
    settings.add_filter(r"kl\. \d{2}\.\d{2}", "kl. [tid]");
    settings.add_filter(r"\b\d{1,2}:\d{2}\b", "[time]");
    settings
}

async fn the_account_mails_read_as_reviewed(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.register(json!({
        "email": "anna@cafe-lyst.dk", "password": PASSWORD, "name": "Anna Jensen",
        "role": "entrepreneur",
    }))
    .await;
    app.run_jobs().await;
    let english = app
        .api_in(
            Method::POST,
            "/api/v1/accounts/password-reset",
            None,
            Some(json!({ "email": "anna@cafe-lyst.dk" })),
            "en",
        )
        .await;
    assert!(english.status.is_success(), "{}", english.text());
    app.run_jobs().await;
    let mails = app.mails_to("anna@cafe-lyst.dk");
    assert_eq!(mails.len(), 2, "{mails:?}");
    // Two mails written within the same clock tick have no reliable order
    // on disk: each is found by the link it carries.
    let carrying = |path: &str| {
        mails
            .iter()
            .find(|m| m.text.contains(path))
            .unwrap_or_else(|| panic!("no mail with {path}: {mails:?}"))
    };
    mail_filters().bind(|| {
        insta::assert_snapshot!("mail_verify_email", mail_snapshot(carrying("/verify?")));
        insta::assert_snapshot!(
            "mail_reset_password",
            mail_snapshot(carrying("/reset-password?"))
        );
    });
}

async fn the_officer_decision_mail_reads_as_reviewed(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.officer("mette@kk.dk", KOBENHAVN_CVR).await;
    let mails = app.mails_to("mette@kk.dk");
    let decision = mails.last().expect("the approval was mailed");
    mail_filters().bind(|| {
        insta::assert_snapshot!("mail_officer_approved", mail_snapshot(decision));
    });
}

async fn a_published_tender_as_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@kk.dk", KOBENHAVN_CVR).await;
    let id = TenderBuilder::new(&app)
        .with_lots()
        .publish(&app, &officer)
        .await;
    let tender = app
        .api(Method::GET, &format!("/api/v1/tenders/{id}"), None, None)
        .await;
    assert_eq!(tender.status, 200, "{}", tender.text());
    insta::assert_json_snapshot!("api_tender_published", redacted(&tender.json()));
}

async fn the_directory_as_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    let directory = app
        .api(Method::GET, "/api/v1/profiles?cpv=85311000", None, None)
        .await;
    assert_eq!(directory.status, 200, "{}", directory.text());
    insta::assert_json_snapshot!("api_directory", redacted(&directory.json()));
}

async fn a_refusal_as_json(backend: Backend) {
    let app = TestApp::new(backend).await;
    let refused = app
        .api_in(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(json!({ "email": "not an address", "password": "short", "name": "", "role": "entrepreneur" })),
            "en",
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    insta::assert_json_snapshot!("api_registration_refused_en", refused.json());
}
