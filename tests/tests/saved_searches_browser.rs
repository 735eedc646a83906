//! Saving a search in headless Chromium against the real binary with the
//! demo data: an entrepreneur searches, names and saves the search under
//! the count of results, finds it on the list and the start page, runs it
//! again and deletes it, in Danish and English; axe-core checks each page
//! at a phone's width and a desktop's.

use socialbid_tests::{Browser, SocialbidProcess};

const DEMO_PASSWORD: &str = "socialbid-demo-2026";
const ENTREPRENEUR: &str = "anna@cafe-lyst.socialbid.demo";

async fn assert_accessible_at_both_widths(browser: &Browser, label: &str) {
    for width in [375, 1280] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .assert_accessible(&format!("{label} at {width} px"))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entrepreneur_saves_runs_and_deletes_a_search() {
    let server = SocialbidProcess::start(&[]).await;
    server.load_demo().await;
    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/login"))
        .await
        .unwrap();
    browser.fill("email", ENTREPRENEUR).await;
    browser.fill("password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_source("action=\"/logout\"").await;

    browser
        .goto(&server.url("/tenders?reserved=yes"))
        .await
        .unwrap();
    browser.wait_for("form.save-search").await;
    assert_accessible_at_both_widths(&browser, "results with the save form (da)").await;
    browser
        .fill("saved-search-name", "Reserverede kontrakter")
        .await;
    browser
        .click_and_wait("form.save-search button[type=submit]")
        .await;
    browser.wait_for_path("/saved-searches").await;
    let page = browser.wait_for_text("Søgningen er gemt.").await;
    assert!(page.contains("Reserverede kontrakter"), "{page}");
    assert_accessible_at_both_widths(&browser, "saved searches (da)").await;

    // The start page runs it again.
    browser.goto(&server.url("/start")).await.unwrap();
    browser
        .click_and_wait("main a[href='/tenders?reserved=yes']")
        .await;
    browser.wait_for("form.save-search").await;
    assert!(browser.path().await.starts_with("/tenders"));

    browser
        .goto(&server.url("/lang?to=en&back=/saved-searches"))
        .await
        .unwrap();
    browser.wait_for_text("Saved searches").await;
    assert_accessible_at_both_widths(&browser, "saved searches (en)").await;
    browser
        .click_and_wait("form.saved-searches__delete button[type=submit]")
        .await;
    let page = browser.wait_for_text("The search has been deleted.").await;
    assert!(page.contains("You have no saved searches yet."), "{page}");
    assert_accessible_at_both_widths(&browser, "no saved searches (en)").await;
}
