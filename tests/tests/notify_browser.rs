//! The notifier's pages in headless Chromium against the real binary with
//! the demo data and a real SMTP server: the preferences page (with an
//! error and after saving) and the page a mail's unsubscribe link opens,
//! in Danish and English, checked with axe-core at a phone's width and a
//! desktop's.

use std::time::Duration;

use serde_json::{Value, json};
use socialbid_tests::{Browser, SmtpServer, SocialbidProcess};

const DEMO_PASSWORD: &str = "socialbid-demo-2026";
const OFFICER: &str = "mette.kjaer@kk.socialbid.demo";
const ENTREPRENEUR: &str = "anna@cafe-lyst.socialbid.demo";

async fn assert_accessible_at_both_widths(browser: &Browser, label: &str) {
    for width in [375, 1280] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .assert_accessible(&format!("{label} at {width} px"))
            .await;
    }
}

async fn api_login(http: &reqwest::Client, server: &SocialbidProcess, email: &str) -> String {
    let login: Value = http
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {login}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preferences_and_unsubscribe_pages_read_well_in_the_browser() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    server.load_demo().await;

    // An answer to the entrepreneur's question is mailed to her at once.
    let http = reqwest::Client::new();
    let anna = api_login(&http, &server, ENTREPRENEUR).await;
    let mette = api_login(&http, &server, OFFICER).await;
    let mine: Value = http
        .get(server.url("/api/v1/tenders/mine?status=published"))
        .bearer_auth(&mette)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut answered = false;
    for tender in mine.as_array().cloned().unwrap_or_default() {
        if tender["status"] != "published" {
            continue;
        }
        let id = tender["id"].as_i64().unwrap();
        let asked = http
            .post(server.url(&format!("/api/v1/tenders/{id}/questions")))
            .bearer_auth(&anna)
            .json(&json!({ "question": "Hvor mange borgere drejer det sig om?" }))
            .send()
            .await
            .unwrap();
        if !asked.status().is_success() {
            continue;
        }
        let question: Value = asked.json().await.unwrap();
        let answer = http
            .post(server.url(&format!(
                "/api/v1/tenders/{id}/questions/{}/answer",
                question["id"]
            )))
            .bearer_auth(&mette)
            .json(&json!({ "answer": "Omkring 40 borgere." }))
            .send()
            .await
            .unwrap();
        assert!(
            answer.status().is_success(),
            "{}",
            answer.text().await.unwrap()
        );
        answered = true;
        break;
    }
    assert!(
        answered,
        "no demo tender of {OFFICER} takes questions: {mine}"
    );
    let mail = smtp
        .wait_for(
            |m| m.to.contains(ENTREPRENEUR) && m.text.contains("Omkring 40 borgere."),
            Duration::from_secs(30),
        )
        .await;
    let unsubscribe = mail
        .list_unsubscribe
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    assert!(
        unsubscribe.starts_with(&server.url("/notifications/unsubscribe?token=")),
        "{unsubscribe}"
    );

    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();
    browser.goto(&unsubscribe).await.unwrap();
    let page = browser.main_text().await;
    assert!(page.contains("Du er afmeldt"), "{page}");
    assert!(
        page.contains("Svar på spørgsmål til udbud, du følger eller byder på"),
        "{page}"
    );
    assert_accessible_at_both_widths(&browser, "unsubscribed (da)").await;
    browser
        .goto(&server.url("/lang?to=en&back=/"))
        .await
        .unwrap();
    browser.goto(&unsubscribe).await.unwrap();
    assert!(browser.main_text().await.contains("You have unsubscribed"));
    assert_accessible_at_both_widths(&browser, "unsubscribed (en)").await;

    // The preferences page, logged in.
    browser
        .goto(&server.url("/lang?to=da&back=/login"))
        .await
        .unwrap();
    browser.goto(&server.url("/login")).await.unwrap();
    browser.fill("email", ENTREPRENEUR).await;
    browser.fill("password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_source("action=\"/logout\"").await;
    // Found from the account page, not only from a mail's link.
    browser.goto(&server.url("/account")).await.unwrap();
    browser
        .click_and_wait("main a[href='/account/notifications']")
        .await;
    browser.wait_for_path("/account/notifications").await;
    let page = browser.main_text().await;
    assert!(page.contains("Dine valg for e-mails"), "{page}");
    // The answers switched off by the link show as "Aldrig".
    let source = browser.page_source().await;
    assert!(source.contains("id=\"answer-never\""), "{source}");
    assert_accessible_at_both_widths(&browser, "preferences (da)").await;

    browser.fill("min_match_percent", "mange").await;
    browser
        .click_and_wait("form[action='/account/notifications'] button[type=submit]")
        .await;
    browser.wait_for_error_title().await;
    let page = browser.main_text().await;
    assert!(
        page.contains("Mindste match skal være et helt tal fra 0 til 100"),
        "{page}"
    );
    assert_accessible_at_both_widths(&browser, "preferences with an error (da)").await;

    browser.fill("min_match_percent", "30").await;
    // The first choice of a group carries the group's id (error links).
    browser.click("#match").await;
    browser
        .click_and_wait("form[action='/account/notifications'] button[type=submit]")
        .await;
    let page = browser.wait_for_text("Dine valg er gemt.").await;
    assert!(page.contains("Dine valg for e-mails"), "{page}");
    let source = browser.page_source().await;
    assert!(source.contains("value=\"30\""), "{source}");

    browser
        .goto(&server.url("/lang?to=en&back=/account/notifications"))
        .await
        .unwrap();
    browser.wait_for_text("Your email choices").await;
    assert_accessible_at_both_widths(&browser, "preferences (en)").await;
}
