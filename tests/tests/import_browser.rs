//! In headless Chromium against the real binary: notices imported with
//! `socialbid import` show as read-only tenders that point to the original
//! on TED, and the admin's upload page works; in Danish and English, at
//! 375 and 1280 pixels wide, with axe-core checking every page.

use socialbid_tests::{Browser, SocialbidProcess, workspace_root};

const ADMIN: &str = "admin@socialbid.test";
const PASSWORD: &str = "en lang nok adgangskode";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_tender_reads_as_the_buyers_with_the_link() {
    let server = SocialbidProcess::start(&[]).await;
    let data = server.dir().join("data");
    let data = data.to_str().expect("path");
    let notices = workspace_root().join("reference/notices");
    let imported = SocialbidProcess::run(
        &[
            "import",
            notices
                .join("ted-denmark/020052-2017.xml")
                .to_str()
                .expect("path"),
            notices
                .join("eforms-sdk-examples/cn_24_FRA_comments.xml")
                .to_str()
                .expect("path"),
            notices
                .join("eforms-sdk-examples/can_24_FRA_comments.xml")
                .to_str()
                .expect("path"),
        ],
        &[("SOCIALBID_DATA_DIR", data)],
    )
    .await;
    assert!(
        imported.status.success(),
        "{}{}",
        String::from_utf8_lossy(&imported.stdout),
        String::from_utf8_lossy(&imported.stderr)
    );
    let admin = SocialbidProcess::create_admin(data, ADMIN, PASSWORD).await;
    assert!(admin.status.success());

    let browser = Browser::start().await;
    for width in [1280, 375] {
        browser
            .client()
            .set_window_size(width, 900)
            .await
            .expect("window size");
        for (lang, heading) in [("da", "Hentet fra TED"), ("en", "Imported from TED")] {
            browser
                .goto(&server.url(&format!("/lang?to={lang}&back=/tenders")))
                .await
                .expect("list");
            browser
                .assert_accessible(&format!("tender list with imports ({lang}, {width})"))
                .await;
            for id in [1, 2] {
                browser
                    .goto(&server.url(&format!("/tenders/{id}")))
                    .await
                    .expect("tender");
                let text = browser.wait_for_text(heading).await;
                if id == 1 {
                    assert!(
                        text.contains("2017/S 013-020052"),
                        "the link names the notice: {text}"
                    );
                }
                browser
                    .assert_accessible(&format!("imported tender {id} ({lang}, {width})"))
                    .await;
            }
        }
    }

    browser.goto(&server.url("/login")).await.expect("login");
    browser.fill("email", ADMIN).await;
    browser.fill("password", PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_source("action=\"/logout\"").await;
    browser
        .goto(&server.url("/admin/imports"))
        .await
        .expect("imports");
    browser.assert_accessible("import page (en)").await;
    browser
        .goto(&server.url("/lang?to=da&back=/admin/imports"))
        .await
        .expect("imports");
    browser.assert_accessible("import page (da)").await;
}
