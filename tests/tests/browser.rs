//! A person in headless Chromium, JavaScript or not: registers, follows the
//! link from the mail a real SMTP server received, logs in, switches
//! language; axe-core checks every page visited, in both languages and in
//! the error states of forms.

use std::time::Duration;

use fantoccini::Locator;
use socialbid_tests::{Browser, SmtpServer, SocialbidProcess, first_link};

const PASSWORD: &str = "en lang nok adgangskode";

async fn fill(browser: &Browser, id: &str, value: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn click(browser: &Browser, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing matches {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for the page at `path` to load: a click that submits a form
/// returns before the browser has followed the answer.
async fn wait_for_path(browser: &Browser, path: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let url = browser.current_url().await.unwrap();
        let ready = browser
            .execute("return document.readyState;", vec![])
            .await
            .unwrap();
        if url.path() == path && ready == "complete" {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still at {url}, waiting for {path}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until an element matching `css` is on the page.
async fn wait_for(browser: &Browser, css: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"));
}

async fn html_lang(browser: &Browser) -> String {
    browser
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn title(browser: &Browser) -> String {
    browser.title().await.unwrap()
}

async fn check(browser: &Browser, label: &str) {
    if let Err(error) = browser.axe_check(label).await {
        panic!("{error:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_verify_log_in_and_switch_language() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    let browser = Browser::start().await;

    // Headless Chromium asks for English (Accept-Language: en-US); the
    // person switches to Danish with the link in the footer.
    browser.goto(&server.url("/")).await.unwrap();
    assert_eq!(html_lang(&browser).await, "en");
    check(&browser, "home (en)").await;
    click(&browser, "a[hreflang='da']").await;
    wait_for(&browser, "html[lang='da']").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    check(&browser, "home (da)").await;
    click(&browser, "a[href='/register']").await;
    wait_for_path(&browser, "/register").await;
    check(&browser, "register (da)").await;

    // Sent empty, the form comes back with its errors, and still passes.
    click(&browser, "form[action='/register'] button[type=submit]").await;
    assert!(
        title(&browser).await.starts_with("Fejl: "),
        "{}",
        title(&browser).await
    );
    assert!(
        browser
            .find(Locator::Css(".error-summary a[href='#email']"))
            .await
            .is_ok()
    );
    check(&browser, "register with errors (da)").await;

    fill(&browser, "name", "Anna Jensen").await;
    fill(&browser, "email", "anna@cafe-lyst.dk").await;
    fill(&browser, "password", PASSWORD).await;
    click(&browser, "#role").await;
    click(&browser, "form[action='/register'] button[type=submit]").await;
    wait_for(&browser, "main:not(:has(form[action='/register']))").await;
    let body = browser.source().await.unwrap();
    assert!(
        body.contains("anna@cafe-lyst.dk"),
        "the receipt names the address"
    );
    check(&browser, "check your email (da)").await;

    let mail = smtp
        .wait_for(
            |m| m.to.contains("anna@cafe-lyst.dk"),
            Duration::from_secs(20),
        )
        .await;
    browser.goto(&first_link(&mail.text)).await.unwrap();
    check(&browser, "email verified (da)").await;

    browser.goto(&server.url("/login")).await.unwrap();
    check(&browser, "log in (da)").await;
    fill(&browser, "email", "anna@cafe-lyst.dk").await;
    fill(&browser, "password", "forkert adgangskode").await;
    click(&browser, "form[action='/login'] button[type=submit]").await;
    wait_for(&browser, ".error-summary").await;
    assert!(title(&browser).await.starts_with("Fejl: "));
    check(&browser, "log in refused (da)").await;
    fill(&browser, "password", PASSWORD).await;
    click(&browser, "form[action='/login'] button[type=submit]").await;
    // Logged in and sent to the account page.
    wait_for_path(&browser, "/account").await;
    assert!(browser.source().await.unwrap().contains("Anna Jensen"));
    check(&browser, "my account (da)").await;

    // The switch is a plain link; the choice is remembered across pages.
    click(&browser, "a[hreflang='en']").await;
    wait_for(&browser, "html[lang='en']").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/account");
    check(&browser, "my account (en)").await;
    browser.goto(&server.url("/forgot-password")).await.unwrap();
    assert_eq!(html_lang(&browser).await, "en");
    check(&browser, "forgotten password (en)").await;

    browser.goto(&server.url("/account")).await.unwrap();
    click(&browser, "form[action='/logout'] button[type=submit]").await;
    wait_for_path(&browser, "/login").await;
    check(&browser, "logged out (en)").await;
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
            assert_eq!(html_lang(&browser).await, lang, "{path}");
            check(&browser, &format!("{path} ({lang})")).await;
        }
    }
}
