//! In headless Chromium against the real binary and a real SMTP server: an
//! officer publishes a tender (through the API); an entrepreneur of an
//! approved organisation fills in a bid with a mistake, corrects it, checks
//! it and submits it; the receipt shows and arrives by mail with the same
//! checksum; the officer finds the bids sealed. axe-core checks every page
//! at 1280 and 375 px.

use std::time::Duration;

use serde_json::{Value, json};
use socialbid_tests::{Browser, SmtpServer, SocialbidProcess, pdf_with};

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

/// An access token of a demo account, through the API.
async fn access_token(server: &SocialbidProcess, email: &str) -> String {
    let login: Value = reqwest::Client::new()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().expect("a token").to_owned()
}

/// Publishes a plain tender (price 60, quality 20, social value 20) as the
/// demo officer, through the API, for `cpv` (the main code first); returns
/// its id.
async fn publish_tender(server: &SocialbidProcess, title: &str, cpv: &[&str]) -> i64 {
    let http = reqwest::Client::new();
    let token = access_token(server, OFFICER).await;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(40))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let questions = (chrono::Utc::now() + chrono::Duration::days(30))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let created: Value = http
        .post(server.url("/api/v1/tenders"))
        .bearer_auth(&token)
        .json(&json!({
            "title": title,
            "description": "Frokost til 120 medarbejdere alle hverdage.",
            "language": "da", "contract_nature": "services", "procedure_type": "open",
            "main_cpv": cpv[0], "additional_cpv": &cpv[1..], "nuts_codes": ["DK011"], "estimated_value": 1_800_000,
            "submission_deadline": deadline, "question_deadline": questions,
            "reserved": [], "strategic": ["soc-obj"], "lots": [],
            "criteria": [
                {"name": "Pris", "kind": "price", "weight": 60},
                {"name": "Kvalitet", "kind": "quality", "weight": 20},
                {"name": "Beskæftigelse af ledige", "kind": "social", "weight": 20, "social_objectives": ["opp"]}
            ]
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{created}"));
    let published = http
        .post(server.url(&format!("/api/v1/tenders/{id}/publish")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(
        published.status().is_success(),
        "{}",
        published.text().await.unwrap()
    );
    id
}

/// On the bid form: a commitment of 3 jobs (`what`) for young people
/// without an education for 24 months, and every declaration.
async fn promise_jobs_and_declare(browser: &Browser, what: &str) {
    browser.fill("commitment_2_what", what).await;
    browser.fill("commitment_2_how_many", "3").await;
    browser
        .fill("commitment_2_for_whom", "Unge uden uddannelse")
        .await;
    browser.fill("commitment_2_months", "24").await;
    for declaration in [
        "#declarations",
        "#declarations-conditions_accepted",
        "#declarations-information_true",
    ] {
        browser.click(declaration).await;
    }
}

async fn check_both_widths(browser: &Browser, label: &str) {
    for (width, height) in [(1280, 900), (375, 740)] {
        browser.set_window_size(width, height).await.unwrap();
        browser
            .assert_accessible(&format!("{label} at {width} px"))
            .await;
    }
    browser.set_window_size(1280, 900).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entrepreneur_bids_and_gets_a_receipt() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    server.load_demo().await;
    let tender = publish_tender(&server, "Kantinedrift på Amager Rådhus", &["55512000"]).await;
    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();

    log_in(&browser, &server, ENTREPRENEUR).await;
    browser
        .goto(&server.url(&format!("/tenders/{tender}")))
        .await
        .unwrap();
    browser
        .click_and_wait(&format!("a[href='/tenders/{tender}/bid?lot=0']"))
        .await;
    browser.wait_for_source("Jeres tilbud").await;
    check_both_widths(&browser, "bid form").await;

    // A price in words: the form comes back with the error and the text.
    browser.fill("price", "en million").await;
    browser
        .fill("answer_1", "Økologisk frokost, lavet fra bunden hver dag.")
        .await;
    browser
        .click_and_wait("main form[method=post] button[value=continue]")
        .await;
    browser.wait_for_error_title().await;
    let page = browser.page_source().await;
    assert!(page.contains("Prisen skal være et beløb over 0"), "{page}");
    assert!(page.contains("Økologisk frokost"));
    check_both_widths(&browser, "bid form with an error").await;

    browser.fill("price", "1.650.000").await;
    promise_jobs_and_declare(&browser, "Job i køkkenet").await;
    browser
        .click_and_wait("main form[method=post] button[value=continue]")
        .await;
    browser.wait_for_source("Tjek jeres tilbud").await;
    let page = browser.page_source().await;
    assert!(
        page.contains("Job i køkkenet: 3 for Unge uden uddannelse i 24 måneder"),
        "{page}"
    );
    check_both_widths(&browser, "check your bid").await;

    // Documents: one that is not what its name says, then a real one.
    browser.click_and_wait("main a[href$='/documents']").await;
    browser.wait_for_source("Dokumenter til tilbuddet").await;
    check_both_widths(&browser, "the bid's documents").await;
    let wrong = browser.dir().join("referencer.docx");
    std::fs::write(&wrong, pdf_with("Referencer")).unwrap();
    browser.attach("file", &wrong).await;
    browser
        .click_and_wait("form[enctype='multipart/form-data'] button")
        .await;
    browser.wait_for_error_title().await;
    assert!(
        browser
            .page_source()
            .await
            .contains("Filens indhold passer ikke til navnet")
    );
    check_both_widths(&browser, "the bid's documents with an error").await;
    let right = browser.dir().join("referencer.pdf");
    std::fs::write(&right, pdf_with("Referencer")).unwrap();
    browser.fill("title", "Referencer fra tre kantiner").await;
    browser.attach("file", &right).await;
    browser
        .click_and_wait("form[enctype='multipart/form-data'] button")
        .await;
    browser.wait_for_source("Dokumentet er tilføjet.").await;
    browser.click_and_wait("a.back-link").await;
    browser.wait_for_source("Referencer fra tre kantiner").await;

    browser
        .click_and_wait("form[action$='/submit'] button")
        .await;
    browser.wait_for_source("Tilbuddet er afgivet").await;
    check_both_widths(&browser, "receipt").await;
    let page = browser.page_source().await;
    let hash = page
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("a checksum on the receipt")
        .to_owned();
    assert_eq!(hash.len(), 64);
    assert!(
        page.contains("referencer.pdf"),
        "the receipt names the document"
    );
    let mail = smtp
        .wait_for(
            // The demo's own bids were receipted too: this tender's receipt.
            |m| {
                m.to.contains(ENTREPRENEUR)
                    && m.subject == "Kvittering for jeres tilbud"
                    && m.text.contains("Kantinedrift på Amager Rådhus")
            },
            Duration::from_secs(20),
        )
        .await;
    assert!(mail.text.contains(&hash), "{}", mail.text);

    browser.goto(&server.url("/bids")).await.unwrap();
    browser
        .wait_for_source("Kantinedrift på Amager Rådhus")
        .await;
    check_both_widths(&browser, "your bids").await;

    // The officer sees neither the bid nor how many there are.
    log_out(&browser).await;
    log_in(&browser, &server, OFFICER).await;
    browser
        .goto(&server.url(&format!("/tenders/{tender}/evaluation")))
        .await
        .unwrap();
    let page = browser.wait_for_source("forseglede").await;
    assert!(!page.contains("Økologisk frokost") && !page.contains("1.650.000"));
    check_both_widths(&browser, "sealed bids").await;
}

/// The demo officer's tender whose title starts with `start`, through the
/// API.
async fn demo_tender(server: &SocialbidProcess, start: &str) -> i64 {
    let http = reqwest::Client::new();
    let token = access_token(server, OFFICER).await;
    let mine: Vec<Value> = http
        .get(server.url("/api/v1/tenders/mine"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    mine.iter()
        .find(|t| {
            t["title"]
                .as_str()
                .is_some_and(|title| title.starts_with(start))
        })
        .and_then(|t| t["id"].as_i64())
        .unwrap_or_else(|| panic!("no demo tender {start}"))
}

/// The officer's side of evaluation, in Danish and English: the demo's
/// awarded tender, then the one whose bids wait: opened, listed for
/// scoring, and a bid's scoring form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_evaluation_pages_are_accessible() {
    let server = SocialbidProcess::start(&[]).await;
    server.load_demo().await;
    let awarded = demo_tender(&server, "Frokostordning").await;
    let waiting = demo_tender(&server, "Vedligehold af grønne arealer").await;
    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();
    log_in(&browser, &server, OFFICER).await;

    browser
        .goto(&server.url(&format!("/tenders/{awarded}/evaluation")))
        .await
        .unwrap();
    browser
        .wait_for_source(&format!("/tenders/{awarded}/evaluation/lots/"))
        .await;
    check_both_widths(&browser, "an awarded tender's evaluation").await;

    browser
        .goto(&server.url(&format!("/tenders/{waiting}/evaluation")))
        .await
        .unwrap();
    check_both_widths(&browser, "bids waiting to be opened").await;
    browser
        .click_and_wait("form[action$='/evaluation/opening'] button[type=submit]")
        .await;
    let opened = browser
        .wait_for_source(&format!("/tenders/{waiting}/evaluation/bids/"))
        .await;
    check_both_widths(&browser, "opened bids").await;
    let marker = format!("/tenders/{waiting}/evaluation/bids/");
    let at = opened.find(&marker).expect("a link to score a bid") + marker.len();
    let bid: String = opened[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let score_page = format!("/tenders/{waiting}/evaluation/bids/{bid}");
    browser.goto(&server.url(&score_page)).await.unwrap();
    browser
        .wait_for(&format!("form[action='{score_page}']"))
        .await;
    check_both_widths(&browser, "scoring a bid").await;

    for path in [
        format!("/tenders/{awarded}/evaluation"),
        format!("/tenders/{waiting}/evaluation"),
        score_page,
    ] {
        browser
            .goto(&server.url(&format!("/lang?to=en&back={path}")))
            .await
            .unwrap();
        assert_eq!(browser.html_lang().await, "en");
        check_both_widths(&browser, &format!("{path} in English")).await;
    }
}

/// A consortium from suggestion to award, in headless Chromium: Anna's
/// bid on a canteen tender that also asks for deliveries; the partners
/// page suggests Kurerkompagniet, Anna invites it (a mistake first), its
/// member accepts on the bids page and reads the bid, Anna submits; and
/// the demo's awarded tender names the consortium that won it. axe-core
/// on every page, at both widths, in Danish and (the partners page) in
/// English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consortium_forms_from_a_suggestion_and_its_award_is_public() {
    const PARTNER: &str = "kontakt@kurerkompagniet.socialbid.demo";
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    server.load_demo().await;
    let tender = publish_tender(
        &server,
        "Frokost med udbringning til Amagers plejecentre",
        &["55520000", "64120000"],
    )
    .await;
    let started: Value = reqwest::Client::new()
        .post(server.url(&format!("/api/v1/tenders/{tender}/bids")))
        .bearer_auth(access_token(&server, ENTREPRENEUR).await)
        .json(&json!({"price": 1_700_000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bid = started["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{started}"));
    server.index_caught_up().await;

    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();
    log_in(&browser, &server, ENTREPRENEUR).await;
    browser
        .goto(&server.url(&format!("/bids/{bid}")))
        .await
        .unwrap();
    browser
        .click_and_wait(&format!("a[href='/bids/{bid}/partners']"))
        .await;
    let page = browser.wait_for_source("Forslag 1").await;
    assert!(page.contains("Kurerkompagniet"), "{page}");
    check_both_widths(&browser, "find partners").await;

    // The form of the first suggestion that holds Kurerkompagniet.
    let marker = "name=\"form_id\" value=\"s";
    let at = page
        .find("Kurerkompagniet</a>")
        .and_then(|k| page[k..].find(marker).map(|f| k + f + marker.len() - 1))
        .expect("an invitation form for Kurerkompagniet");
    let form_id: String = page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    browser
        .fill(&format!("partner_role-{form_id}"), "Udbringning af maden")
        .await;
    browser
        .fill(&format!("share_percent-{form_id}"), "hundrede")
        .await;
    browser
        .click_and_wait(&format!("#organisation_id-{form_id} button[type=submit]"))
        .await;
    browser.wait_for_error_title().await;
    assert!(
        browser
            .page_source()
            .await
            .contains("Andelen skal være et helt antal procent fra 1 til 99")
    );
    check_both_widths(&browser, "find partners with an error").await;
    browser
        .fill(&format!("share_percent-{form_id}"), "25")
        .await;
    browser
        .click_and_wait(&format!("#organisation_id-{form_id} button[type=submit]"))
        .await;
    browser.wait_for_source("Partneren er inviteret").await;
    check_both_widths(&browser, "the bid with an invited partner").await;
    browser
        .goto(&server.url(&format!("/lang?to=en&back=/bids/{bid}/partners")))
        .await
        .unwrap();
    assert_eq!(browser.html_lang().await, "en");
    browser.wait_for_source("Suggested partners").await;
    check_both_widths(&browser, "find partners in English").await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();
    log_out(&browser).await;

    // The partner's member is mailed, answers on the bids page, and reads
    // the bid without the lead's buttons.
    smtp.wait_for(
        |m| m.to.contains(PARTNER) && m.subject == "Invitation til at byde sammen",
        Duration::from_secs(20),
    )
    .await;
    log_in(&browser, &server, PARTNER).await;
    browser.goto(&server.url("/bids")).await.unwrap();
    browser
        .wait_for_source("Invitationer til at byde sammen")
        .await;
    check_both_widths(&browser, "an invitation to bid together").await;
    browser
        .click_and_wait(&format!(
            "form[action='/bids/{bid}/invitation/accept'] button[type=submit]"
        ))
        .await;
    let page = browser
        .wait_for_source("Jeres organisation er nu partner i tilbuddet.")
        .await;
    assert!(!page.contains("/submit"), "only the lead submits");
    check_both_widths(&browser, "the bid as a partner reads it").await;
    log_out(&browser).await;

    // Anna completes and submits it.
    log_in(&browser, &server, ENTREPRENEUR).await;
    browser
        .goto(&server.url(&format!("/tenders/{tender}/bid?lot=0")))
        .await
        .unwrap();
    browser.wait_for("#answer_1").await;
    browser
        .fill("answer_1", "Varm mad fra vores køkken, kørt ud i el-biler.")
        .await;
    promise_jobs_and_declare(&browser, "Job i køkken og udbringning").await;
    browser
        .click_and_wait("main form[method=post] button[value=continue]")
        .await;
    let page = browser.wait_for_source("Tjek jeres tilbud").await;
    assert!(page.contains("Sagt ja") && page.contains("75 %"), "{page}");
    browser
        .click_and_wait("form[action$='/submit'] button")
        .await;
    browser.wait_for_source("Tilbuddet er afgivet").await;

    // The demo's awarded tender was won by Café Lyst with Kurerkompagniet.
    let awarded = demo_tender(&server, "Frokostordning").await;
    browser
        .goto(&server.url(&format!("/tenders/{awarded}")))
        .await
        .unwrap();
    browser
        .wait_for_source(
            "Kurerkompagniet: Udbringning af maden til institutionerne (20 % af arbejdet)",
        )
        .await;
    check_both_widths(&browser, "an award to a consortium").await;
}
