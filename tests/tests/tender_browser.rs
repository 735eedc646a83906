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

async fn choose(browser: &Browser, id: &str, value: &str) {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no select #{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

async fn check(browser: &Browser, label: &str) {
    if let Err(error) = browser.axe_check(label).await {
        panic!("{error:#}");
    }
}

async fn path(browser: &Browser) -> String {
    browser.current_url().await.unwrap().path().to_owned()
}

/// Waits (at most 15 s) until the page's path ends with `suffix`: a click
/// on a submit button returns before the next page has loaded.
async fn arrive(browser: &Browser, suffix: &str) {
    let started = std::time::Instant::now();
    loop {
        let here = path(browser).await;
        let ready = browser
            .execute("return document.readyState", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if here.ends_with(suffix) && ready == "complete" {
            return;
        }
        if started.elapsed() > Duration::from_secs(15) {
            panic!(
                "still at {here}, not at ...{suffix}: {}",
                source(browser).await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (at most 15 s) until the page holds `text`.
async fn wait_text(browser: &Browser, text: &str) {
    let started = std::time::Instant::now();
    while !source(browser).await.contains(text) {
        if started.elapsed() > Duration::from_secs(15) {
            panic!(
                "no {text:?} on {}: {}",
                path(browser).await,
                source(browser).await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn source(browser: &Browser) -> String {
    browser.source().await.unwrap()
}

async fn log_in(browser: &Browser, server: &SocialbidProcess, email: &str) {
    browser.goto(&server.url("/login")).await.unwrap();
    fill(browser, "email", email).await;
    fill(browser, "password", DEMO_PASSWORD).await;
    click(browser, "form[action='/login'] button[type=submit]").await;
    wait_text(browser, "action=\"/logout\"").await;
}

async fn log_out(browser: &Browser) {
    click(browser, "form[action='/logout'] button[type=submit]").await;
    arrive(browser, "/login").await;
}

async fn submit(browser: &Browser) {
    click(
        browser,
        "main form[method=post] button.button:not(.button--secondary)",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_publishes_and_amends_and_answers_a_question() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    let data = server.dir().join("data");
    let demo =
        SocialbidProcess::run(&["demo"], &[("SOCIALBID_DATA_DIR", data.to_str().unwrap())]).await;
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let browser = Browser::start().await;
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();

    browser.goto(&server.url("/tenders")).await.unwrap();
    check(&browser, "tender list (da)").await;

    log_in(&browser, &server, OFFICER).await;
    browser.goto(&server.url("/officer/tenders")).await.unwrap();
    check(&browser, "dashboard").await;
    click(&browser, "form[action='/officer/tenders'] button").await;
    arrive(&browser, "/edit/basics").await;
    let id: i64 = path(&browser)
        .await
        .split('/')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    check(&browser, "draft: basics").await;

    fill(&browser, "title", "Rengøring af plejecentre på Østerbro").await;
    fill(
        &browser,
        "description",
        "Daglig rengøring af fire plejecentre.\n\n- Faste teams\n- Medarbejdere i fleksjob",
    )
    .await;
    click(&browser, "#language").await;
    click(&browser, "#contract_nature").await;
    choose(&browser, "procedure_type", "open").await;
    fill(&browser, "estimated_value_dkk", "to millioner").await;
    submit(&browser).await;
    wait_text(&browser, "<title>Fejl: ").await;
    check(&browser, "draft: basics with an error").await;
    fill(&browser, "estimated_value_dkk", "2.400.000").await;
    submit(&browser).await;

    arrive(&browser, "/edit/cpv").await;
    fill(&browser, "cpv_q", "building cleaning").await;
    click(&browser, "form.search-form button").await;
    wait_text(&browser, "resultater for").await;
    assert!(source(&browser).await.contains("90911200"));
    check(&browser, "draft: CPV search").await;
    fill(&browser, "main_cpv_typed", "90911200").await;
    submit(&browser).await;

    arrive(&browser, "/edit/place").await;
    check(&browser, "draft: place").await;
    click(&browser, "#nuts_codes").await;
    submit(&browser).await;

    arrive(&browser, "/edit/dates").await;
    check(&browser, "draft: dates").await;
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
        fill(&browser, id, value).await;
    }
    submit(&browser).await;

    arrive(&browser, "/edit/lots").await;
    check(&browser, "draft: lots").await;
    fill(&browser, "lots", "Plejecentre nord").await;
    fill(&browser, "lot_cpv_0", "90911200").await;
    fill(&browser, "lot_value_0", "1.200.000").await;
    click(&browser, "button[value=add_row]").await;
    wait_text(&browser, "lot_title_1").await;
    fill(&browser, "lot_title_1", "Plejecentre syd").await;
    fill(&browser, "lot_cpv_1", "90911200").await;
    fill(&browser, "lot_value_1", "1.200.000").await;
    submit(&browser).await;

    arrive(&browser, "/edit/criteria").await;
    check(&browser, "draft: criteria").await;
    fill(&browser, "criteria", "Pris").await;
    choose(&browser, "crit_kind_0", "price").await;
    fill(&browser, "crit_weight_0", "60").await;
    fill(&browser, "crit_name_1", "Kvalitet").await;
    choose(&browser, "crit_kind_1", "quality").await;
    fill(&browser, "crit_weight_1", "20").await;
    fill(&browser, "crit_name_2", "Job til ledige").await;
    choose(&browser, "crit_kind_2", "social").await;
    fill(&browser, "crit_weight_2", "20").await;
    click(&browser, "#crit_obj_2-opp").await;
    submit(&browser).await;

    arrive(&browser, "/edit/reserved").await;
    check(&browser, "draft: reservation").await;
    click(&browser, "#reserved-res-ws").await;
    submit(&browser).await;

    arrive(&browser, &format!("/tenders/{id}/check")).await;
    let page = source(&browser).await;
    assert!(page.contains("2.400.000 kr."), "{page}");
    assert!(page.contains("heraf social værdi 20 %"));
    check(&browser, "check your answers").await;
    click(
        &browser,
        &format!("form[action='/tenders/{id}/publish'] button"),
    )
    .await;

    arrive(&browser, &format!("/tenders/{id}")).await;
    let page = source(&browser).await;
    assert!(page.contains("Udbuddet er offentliggjort."));
    assert!(page.contains("Plejecentre syd"));
    check(&browser, "published tender").await;

    // Amend: a longer title, with a reason, shown in the change log.
    click(&browser, &format!("a[href='/tenders/{id}/amend']")).await;
    check(&browser, "amend").await;
    fill(
        &browser,
        "title",
        "Rengøring af plejecentre på Østerbro og Nørrebro",
    )
    .await;
    fill(&browser, "amend_reason", "Nørrebro er kommet med").await;
    click(&browser, "main form[method=post] button.button").await;
    wait_text(&browser, "Ændringen er offentliggjort.").await;
    let page = source(&browser).await;
    assert!(page.contains("Version 2: ændring"), "{page}");
    assert!(page.contains("Nørrebro er kommet med"));
    check(&browser, "amended tender").await;
    log_out(&browser).await;

    // An entrepreneur asks a question.
    log_in(&browser, &server, ENTREPRENEUR).await;
    browser
        .goto(&server.url(&format!("/tenders/{id}")))
        .await
        .unwrap();
    check(&browser, "tender, as an entrepreneur").await;
    fill(
        &browser,
        "question",
        "Hvor mange kvadratmeter er der i alt?",
    )
    .await;
    click(
        &browser,
        &format!("form[action='/tenders/{id}/questions'] button"),
    )
    .await;
    wait_text(&browser, "Dit spørgsmål er sendt.").await;
    check(&browser, "question sent").await;
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
    click(&browser, "form[action$='/answer'] button").await;
    wait_text(&browser, "Svaret er offentliggjort").await;
    let page = source(&browser).await;
    assert!(page.contains("I alt 6.200 m²."));
    assert!(!page.contains(ENTREPRENEUR));
    check(&browser, "answer published").await;
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
    check(&browser, "tender list (en)").await;
    browser
        .goto(&server.url(&format!("/tenders/{id}")))
        .await
        .unwrap();
    let page = source(&browser).await;
    assert!(page.contains("I alt 6.200 m²."));
    assert!(page.contains("Change log"));
    check(&browser, "tender (en)").await;
}
