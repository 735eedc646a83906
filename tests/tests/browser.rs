//! A person in headless Chromium, JavaScript or not: registers, follows the
//! link from the mail a real SMTP server received, logs in, switches
//! language; axe-core checks every page visited, in both languages and in
//! the error states of forms.

use std::time::Duration;

use fantoccini::Locator;
use socialbid_tests::{Browser, SmtpServer, SocialbidProcess, first_link};

const PASSWORD: &str = "en lang nok adgangskode";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_verify_log_in_and_switch_language() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    let browser = Browser::start().await;

    // Headless Chromium asks for English (Accept-Language: en-US); the
    // person switches to Danish with the link in the footer.
    browser.goto(&server.url("/")).await.unwrap();
    assert_eq!(browser.html_lang().await, "en");
    browser.assert_accessible("home (en)").await;
    browser.click_and_wait("a[hreflang='da']").await;
    browser.wait_for("html[lang='da']").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    browser.assert_accessible("home (da)").await;
    browser.click_and_wait("a[href='/register']").await;
    browser.wait_for_path("/register").await;
    browser.assert_accessible("register (da)").await;

    // Sent empty, the form comes back with its errors, and still passes.
    browser
        .click_and_wait("form[action='/register'] button[type=submit]")
        .await;
    assert!(
        browser.title().await.unwrap().starts_with("Fejl: "),
        "{}",
        browser.title().await.unwrap()
    );
    assert!(
        browser
            .find(Locator::Css(".error-summary a[href='#email']"))
            .await
            .is_ok()
    );
    browser.assert_accessible("register with errors (da)").await;

    browser.fill("name", "Anna Jensen").await;
    browser.fill("email", "anna@cafe-lyst.dk").await;
    browser.fill("password", PASSWORD).await;
    browser.click("#role").await;
    browser
        .click_and_wait("form[action='/register'] button[type=submit]")
        .await;
    browser
        .wait_for("main:not(:has(form[action='/register']))")
        .await;
    let body = browser.source().await.unwrap();
    assert!(
        body.contains("anna@cafe-lyst.dk"),
        "the receipt names the address"
    );
    browser.assert_accessible("check your email (da)").await;

    let mail = smtp
        .wait_for(
            |m| m.to.contains("anna@cafe-lyst.dk"),
            Duration::from_secs(20),
        )
        .await;
    browser.goto(&first_link(&mail.text)).await.unwrap();
    browser.assert_accessible("email verified (da)").await;

    browser.goto(&server.url("/login")).await.unwrap();
    browser.assert_accessible("log in (da)").await;
    browser.fill("email", "anna@cafe-lyst.dk").await;
    browser.fill("password", "forkert adgangskode").await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for(".error-summary").await;
    assert!(browser.title().await.unwrap().starts_with("Fejl: "));
    browser.assert_accessible("log in refused (da)").await;
    browser.fill("password", PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    // Logged in and sent to the start page; the account page is a link away.
    browser.wait_for_path("/start").await;
    browser.click_and_wait("a[href='/account']").await;
    browser.wait_for_path("/account").await;
    assert!(browser.source().await.unwrap().contains("Anna Jensen"));
    browser.assert_accessible("my account (da)").await;

    // The switch is a plain link; the choice is remembered across pages.
    browser.click_and_wait("a[hreflang='en']").await;
    browser.wait_for("html[lang='en']").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/account");
    browser.assert_accessible("my account (en)").await;
    browser.goto(&server.url("/forgot-password")).await.unwrap();
    assert_eq!(browser.html_lang().await, "en");
    browser.assert_accessible("forgotten password (en)").await;

    browser.goto(&server.url("/account")).await.unwrap();
    browser
        .click_and_wait("form[action='/logout'] button[type=submit]")
        .await;
    browser.wait_for_path("/login").await;
    browser.assert_accessible("logged out (en)").await;
    browser.goto(&server.url("/account")).await.unwrap();
    assert_eq!(
        browser.current_url().await.unwrap().path(),
        "/login",
        "logged out for real"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shell_page_passes_axe_in_both_languages() {
    let server = SocialbidProcess::start(&[]).await;
    let browser = Browser::start().await;
    for lang in ["da", "en"] {
        browser
            .goto(&server.url(&format!("/lang?to={lang}&back=/")))
            .await
            .unwrap();
        for path in [
            "/",
            "/register",
            "/login",
            "/forgot-password",
            "/reset-password?token=unknown",
            "/verify?token=unknown",
            "/accessibility",
            "/no-such-page",
        ] {
            browser.goto(&server.url(path)).await.unwrap();
            assert_eq!(browser.html_lang().await, lang, "{path}");
            browser.assert_accessible(&format!("{path} ({lang})")).await;
        }
    }
}
