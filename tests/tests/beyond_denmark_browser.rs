//! Pages from beyond Denmark in headless Chromium against the real binary
//! with the demo loaded: the German tender near the border and the Swedish
//! enterprise's profile, in Danish and English, at a phone's width and a
//! desktop's, each checked by axe-core. The tender's own text carries
//! `lang="de"` so a screen reader reads it as German.

use socialbid_tests::{Browser, SocialbidProcess};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_tender_and_a_swedish_profile_pass_axe_in_both_languages_and_widths() {
    let server = SocialbidProcess::start(&[]).await;
    server.load_demo().await;
    let http = reqwest::Client::new();
    let tenders: serde_json::Value = http
        .get(server.url("/api/v1/tenders?per_page=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let german = tenders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["language"] == "de")
        .expect("the demo's German tender")["id"]
        .as_i64()
        .unwrap();
    // The directory reads the profile index, which follows the demo's
    // writes within about a second.
    server.index_caught_up().await;
    let swedes: serde_json::Value = http
        .get(server.url("/api/v1/profiles?nuts=SE"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let swedish = swedes["items"][0]["id"]
        .as_i64()
        .expect("the demo's Swedish enterprise");

    let browser = Browser::start().await;
    for (width, height) in [(1280, 900), (375, 812)] {
        browser
            .client()
            .set_window_size(width, height)
            .await
            .unwrap();
        for lang in ["da", "en"] {
            browser
                .goto(&server.url(&format!("/lang?to={lang}&back=/")))
                .await
                .unwrap();
            browser
                .goto(&server.url(&format!("/tenders/{german}")))
                .await
                .unwrap();
            assert_eq!(browser.html_lang().await, lang);
            let source = browser
                .wait_for_source("Grenzüberschreitende Beschäftigungsbegleitung")
                .await;
            assert!(source.contains(r#"<div lang="de">"#), "{source}");
            assert!(source.contains("EUR"));
            browser
                .assert_accessible(&format!("German tender ({lang}, {width} px)"))
                .await;

            browser
                .goto(&server.url(&format!("/profiles/{swedish}")))
                .await
                .unwrap();
            let source = browser.wait_for_source("Malmö Omsorgskooperativ").await;
            assert!(source.contains("769612-3456"));
            assert!(source.contains(if lang == "da" { "Sverige" } else { "Sweden" }));
            browser
                .assert_accessible(&format!("Swedish profile ({lang}, {width} px)"))
                .await;
        }
    }
}
