//! In headless Chromium against the real binary and a real SMTP server: an
//! officer drafts a tender with lots and weighted criteria, publishes and
//! amends it; an entrepreneur asks a question, the officer answers, and the
//! answer mail arrives. axe-core checks every page visited.

use std::time::Duration;

use fantoccini::Locator;
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

async fn submit(browser: &Browser) {
    browser
        .click_and_wait("main form[method=post] button.button:not(.button--secondary)")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_publishes_and_amends_and_answers_a_question() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    server.load_demo().await;
    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();

    browser.goto(&server.url("/tenders")).await.unwrap();
    browser.assert_accessible("tender list (da)").await;

    log_in(&browser, &server, OFFICER).await;
    browser.goto(&server.url("/officer/tenders")).await.unwrap();
    browser.assert_accessible("dashboard").await;
    browser
        .click_and_wait("form[action='/officer/tenders'] button")
        .await;
    browser.wait_for_path_ending("/edit/basics").await;
    let id: i64 = browser
        .path()
        .await
        .split('/')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    browser.assert_accessible("draft: basics").await;

    browser
        .fill("title", "Rengøring af plejecentre på Østerbro")
        .await;
    browser
        .fill(
            "description",
            "Daglig rengøring af fire plejecentre.\n\n- Faste teams\n- Medarbejdere i fleksjob",
        )
        .await;
    browser.choose("language", "da").await;
    browser.click("#contract_nature").await;
    browser.choose("procedure_type", "open").await;
    browser.fill("estimated_value", "to millioner").await;
    submit(&browser).await;
    browser.wait_for_source("<title>Fejl: ").await;
    browser
        .assert_accessible("draft: basics with an error")
        .await;
    browser.fill("estimated_value", "2.400.000").await;
    submit(&browser).await;

    browser.wait_for_path_ending("/edit/cpv").await;
    browser.fill("cpv_q", "building cleaning").await;
    browser.click_and_wait("form.search-form button").await;
    browser.wait_for_source("resultater for").await;
    assert!(browser.page_source().await.contains("90911200"));
    browser.assert_accessible("draft: CPV search").await;
    browser.fill("main_cpv_typed", "90911200").await;
    submit(&browser).await;

    browser.wait_for_path_ending("/edit/place").await;
    browser.assert_accessible("draft: place").await;
    browser.click("#nuts_codes").await;
    submit(&browser).await;

    browser.wait_for_path_ending("/edit/dates").await;
    browser.assert_accessible("draft: dates").await;
    let year = (chrono::Utc::now() + chrono::Duration::days(400))
        .format("%Y")
        .to_string();
    for (id, value) in [
        ("submission_deadline", "15"),
        ("submission_month", "3"),
        ("submission_year", year.as_str()),
        ("submission_time", "12.00"),
        ("question_deadline", "1"),
        ("question_month", "3"),
        ("question_year", year.as_str()),
        ("question_time", "12.00"),
    ] {
        browser.fill(id, value).await;
    }
    submit(&browser).await;

    browser.wait_for_path_ending("/edit/lots").await;
    browser.assert_accessible("draft: lots").await;
    browser.fill("lot_title_0", "Plejecentre nord").await;
    browser.fill("lot_cpv_0", "90911200").await;
    browser.fill("lot_value_0", "1.200.000").await;
    browser.click_and_wait("button[value=add_row]").await;
    browser.wait_for_source("lot_title_1").await;
    browser.fill("lot_title_1", "Plejecentre syd").await;
    browser.fill("lot_cpv_1", "90911200").await;
    browser.fill("lot_value_1", "1.200.000").await;
    submit(&browser).await;

    browser.wait_for_path_ending("/edit/criteria").await;
    browser.assert_accessible("draft: criteria").await;
    browser.fill("crit_name_0", "Pris").await;
    browser.choose("crit_kind_0", "price").await;
    browser.fill("crit_weight_0", "60").await;
    browser.fill("crit_name_1", "Kvalitet").await;
    browser.choose("crit_kind_1", "quality").await;
    browser.fill("crit_weight_1", "20").await;
    browser.fill("crit_name_2", "Job til ledige").await;
    browser.choose("crit_kind_2", "social").await;
    browser.fill("crit_weight_2", "20").await;
    browser.click("#crit_obj_2-opp").await;
    submit(&browser).await;

    browser.wait_for_path_ending("/edit/reserved").await;
    browser.assert_accessible("draft: reservation").await;
    browser.click("#reserved-res-ws").await;
    submit(&browser).await;

    browser
        .wait_for_path_ending(&format!("/tenders/{id}/check"))
        .await;
    let page = browser.page_source().await;
    assert!(page.contains("2.400.000 kr."), "{page}");
    assert!(page.contains("heraf social værdi 20 %"));
    browser.assert_accessible("check your answers").await;
    browser
        .click_and_wait(&format!("form[action='/tenders/{id}/publish'] button"))
        .await;

    browser
        .wait_for_path_ending(&format!("/tenders/{id}"))
        .await;
    let page = browser.page_source().await;
    assert!(page.contains("Udbuddet er offentliggjort."));
    assert!(page.contains("Plejecentre syd"));
    browser.assert_accessible("published tender").await;

    // Amend: a longer title, with a reason, shown in the change log.
    browser
        .click_and_wait(&format!("a[href='/tenders/{id}/amend']"))
        .await;
    browser.assert_accessible("amend").await;
    browser
        .fill("title", "Rengøring af plejecentre på Østerbro og Nørrebro")
        .await;
    browser.fill("amend_reason", "Nørrebro er kommet med").await;
    browser
        .click_and_wait("main form[method=post] button.button")
        .await;
    browser
        .wait_for_source("Ændringen er offentliggjort.")
        .await;
    let page = browser.page_source().await;
    assert!(page.contains("Version 2: ændring"), "{page}");
    assert!(page.contains("Nørrebro er kommet med"));
    browser.assert_accessible("amended tender").await;

    // Upload a document through the form: Chromium sends the parts in the
    // form's order, and the server needs the CSRF token before the file.
    let pdf = browser.dir().join("udbudsbetingelser.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
    browser
        .goto(&server.url(&format!("/tenders/{id}/documents")))
        .await
        .unwrap();
    browser.assert_accessible("documents").await;
    browser
        .find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    submit(&browser).await;
    let page = browser.wait_for_source("Dokumentet er tilføjet.").await;
    assert!(page.contains("udbudsbetingelser.pdf"), "{page}");
    log_out(&browser).await;

    // An entrepreneur asks a question.
    log_in(&browser, &server, ENTREPRENEUR).await;
    browser
        .goto(&server.url(&format!("/tenders/{id}")))
        .await
        .unwrap();
    browser
        .assert_accessible("tender, as an entrepreneur")
        .await;
    browser
        .fill("question", "Hvor mange kvadratmeter er der i alt?")
        .await;
    browser
        .click_and_wait(&format!("form[action='/tenders/{id}/questions'] button"))
        .await;
    browser.wait_for_source("Dit spørgsmål er sendt.").await;
    browser.assert_accessible("question sent").await;
    log_out(&browser).await;

    // The officer answers; the answer is public, without the asker.
    log_in(&browser, &server, OFFICER).await;
    browser
        .goto(&server.url(&format!("/tenders/{id}")))
        .await
        .unwrap();
    let answer = browser
        .find(Locator::Css("textarea[id^='answer-']"))
        .await
        .expect("an answer form");
    answer.send_keys("I alt 6.200 m².").await.unwrap();
    browser
        .click_and_wait("form[action$='/answer'] button")
        .await;
    browser.wait_for_source("Svaret er offentliggjort").await;
    let page = browser.page_source().await;
    assert!(page.contains("I alt 6.200 m²."));
    assert!(!page.contains(ENTREPRENEUR));
    browser.assert_accessible("answer published").await;
    log_out(&browser).await;

    let mail = smtp
        .wait_for(
            |m| m.to.contains(ENTREPRENEUR) && m.text.contains("I alt 6.200 m²."),
            Duration::from_secs(30),
        )
        .await;
    assert!(mail.text.contains(&format!("/tenders/{id}")));

    // The public reads it all, in English too.
    browser
        .goto(&server.url("/lang?to=en&back=/tenders"))
        .await
        .unwrap();
    browser.assert_accessible("tender list (en)").await;
    browser
        .goto(&server.url(&format!("/tenders/{id}")))
        .await
        .unwrap();
    let page = browser.page_source().await;
    assert!(page.contains("I alt 6.200 m²."));
    assert!(page.contains("Change log"));
    browser.assert_accessible("tender (en)").await;
}
