//! In headless Chromium against the real binary with the demo data: an
//! entrepreneur opens "Tenders for you" and reads why a tender matches; an
//! officer sees "Who could bid" on a published tender of hers and the reach
//! estimate after each step of a draft. axe-core checks every page, at 375
//! and 1280 pixels wide, in Danish and English.

use socialbid_tests::{Browser, SmtpServer, SocialbidProcess};

const DEMO_PASSWORD: &str = "socialbid-demo-2026";
const OFFICER: &str = "mette.kjaer@kk.socialbid.demo";
const ENTREPRENEUR: &str = "anna@cafe-lyst.socialbid.demo";

async fn log_in(browser: &Browser, server: &SocialbidProcess, email: &str) {
    browser.goto(&server.url("/login")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_source("action=\"/logout\"").await;
}

async fn log_out(browser: &Browser) {
    browser
        .click_and_wait("form[action='/logout'] button[type=submit]")
        .await;
    browser.wait_for_path_ending("/login").await;
}

/// axe-core at a phone's width and a desktop's.
async fn assert_accessible_at_both_widths(browser: &Browser, label: &str) {
    for width in [375, 1280] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .assert_accessible(&format!("{label} at {width} px"))
            .await;
    }
}

/// Reloads `path` until `needle` is on it: the demo's matching jobs run in
/// the server's worker after the demo command has finished.
async fn reload_until(browser: &Browser, server: &SocialbidProcess, path: &str, needle: &str) {
    for _ in 0..120 {
        browser.goto(&server.url(path)).await.unwrap();
        if browser.page_source().await.contains(needle) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    panic!(
        "{path} never showed {needle:?}: {}",
        browser.page_source().await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matches_and_reach_read_well_in_the_browser() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    server.load_demo().await;
    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();

    // The entrepreneur reads why a tender matches Café Lyst.
    log_in(&browser, &server, ENTREPRENEUR).await;
    reload_until(
        &browser,
        &server,
        "/organisation/matches",
        "Derfor passer det",
    )
    .await;
    let page = browser.main_text().await;
    assert!(page.contains("Udbud til jer"), "{page}");
    assert!(page.contains("I tilbyder"), "a CPV reason, worded: {page}");
    assert!(page.contains("af 100 point"), "{page}");
    assert_accessible_at_both_widths(&browser, "tenders for you (da)").await;
    browser
        .goto(&server.url("/lang?to=en&back=/organisation/matches"))
        .await
        .unwrap();
    let page = browser.wait_for_text("Why it matches").await;
    assert!(page.contains("you offer"), "{page}");
    assert!(page.contains("of 100 points"), "{page}");
    assert_accessible_at_both_widths(&browser, "tenders for you (en)").await;
    // Not for us: the first tender goes to the list set aside, and back.
    browser
        .click_and_wait("form[action$='/dismiss'] button")
        .await;
    browser.wait_for_text("The tender is set aside.").await;
    assert!(browser.main_text().await.contains("Tenders you set aside"));
    assert_accessible_at_both_widths(&browser, "tenders for you, one set aside (en)").await;
    browser
        .click_and_wait("form[action$='/restore'] button")
        .await;
    browser
        .wait_for_text("The tender is among your matches again.")
        .await;
    log_out(&browser).await;

    // The officer sees who could bid on one of her published tenders.
    browser
        .goto(&server.url("/lang?to=da&back=/login"))
        .await
        .unwrap();
    log_in(&browser, &server, OFFICER).await;
    browser.goto(&server.url("/officer/tenders")).await.unwrap();
    let dashboard = browser.page_source().await;
    let published = published_tender(&dashboard);
    let path = format!("/tenders/{published}");
    reload_until(&browser, &server, &path, "Hvem kan byde").await;
    let page = browser.main_text().await;
    assert!(page.contains("Hvem kan byde"), "{page}");
    assert_accessible_at_both_widths(&browser, "who could bid (da)").await;

    // A new draft shows its reach after each step.
    browser.goto(&server.url("/officer/tenders")).await.unwrap();
    browser
        .click_and_wait("form[action='/officer/tenders'] button")
        .await;
    browser.wait_for_path_ending("/edit/basics").await;
    let page = browser.main_text().await;
    assert!(page.contains("Hvem kan byde indtil nu"), "{page}");
    let before = reach_summary(&page);
    browser.fill("title", "Bostøtte til unge på Østerbro").await;
    browser
        .click_and_wait("main form[method=post] button.button:not(.button--secondary)")
        .await;
    browser.wait_for_path_ending("/edit/cpv").await;
    // With no code chosen or searched yet, the typed code is the only field.
    browser.fill("main_cpv", "85311000").await;
    browser
        .click_and_wait("main form[method=post] button.button:not(.button--secondary)")
        .await;
    browser.wait_for_path_ending("/edit/place").await;
    let page = browser.main_text().await;
    let after = reach_summary(&page);
    assert_ne!(
        before, after,
        "choosing a CPV code changes the reach: {page}"
    );
    assert_accessible_at_both_widths(&browser, "draft: place with reach (da)").await;
    let place = browser.path().await;
    browser
        .goto(&server.url(&format!("/lang?to=en&back={place}")))
        .await
        .unwrap();
    let page = browser.wait_for_text("Who can bid so far").await;
    assert!(page.contains("approved social enterprises fit"), "{page}");
    assert_accessible_at_both_widths(&browser, "draft: place with reach (en)").await;
}

/// The id of the first published tender the dashboard links to.
fn published_tender(dashboard: &str) -> i64 {
    let published = dashboard
        .split("id=\"published\"")
        .nth(1)
        .unwrap_or(dashboard);
    published
        .split("href=\"/tenders/")
        .skip(1)
        .find_map(|rest| {
            let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after = &rest[id.len()..];
            (after.starts_with('"') && !id.is_empty()).then(|| id.parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no published tender on the dashboard: {dashboard}"))
}

/// The reach sentence ("12 af 37 godkendte ... passer").
fn reach_summary(page: &str) -> String {
    page.lines()
        .skip_while(|l| !l.contains("Hvem kan byde indtil nu"))
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}
