//! The bidder's pages without JavaScript, on both databases: from the
//! tender page to the bid form, errors kept beside their fields with what
//! was typed, "check your bid", submitting, the receipt, withdrawing; in
//! Danish and English. Officers and strangers get no bid form or bid page.

use axum::http::{Method, StatusCode};
use socialbid_tests::{
    AARHUS_CVR, Backend, PageSession, TenderBuilder, TestApp, TestResponse, cvr, on_both_databases,
    profile_body,
};

on_both_databases!(
    a_bidder_fills_in_checks_submits_and_withdraws_on_the_pages,
    the_bid_pages_are_for_the_bidding_organisation_only,
);

fn location(response: &TestResponse) -> String {
    response.header("location").unwrap_or_default()
}

async fn setup(backend: Backend) -> (TestApp, i64) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    (app, tender)
}

async fn a_bidder_fills_in_checks_submits_and_withdraws_on_the_pages(backend: Backend) {
    let (app, tender) = setup(backend).await;
    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    let page = anna.get(&format!("/tenders/{tender}")).await;
    assert!(
        page.text()
            .contains(&format!("/tenders/{tender}/bid?lot=0")),
        "the tender page offers a bid"
    );
    let form = anna.get(&format!("/tenders/{tender}/bid?lot=0")).await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    for field in [
        "name=\"price\"",
        "name=\"answer_1\"",
        "name=\"commitment_2_what\"",
        "name=\"declarations\"",
    ] {
        assert!(html.contains(field), "{field} missing");
    }

    // A price that is no amount: the page comes back with the error and
    // everything typed.
    let path = format!("/tenders/{tender}/bid?lot=0");
    let refused = anna
        .post(
            &path,
            &[
                ("price", "mange penge"),
                ("answer_1", "Faste hold"),
                ("action", "continue"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("<title>Fejl: "), "{html:.400}");
    assert!(html.contains("Prisen skal være et beløb over 0 med højst to decimaler"));
    assert!(html.contains("Faste hold"));
    assert!(html.contains("href=\"#price\""));

    // A draft with gaps is saved.
    let saved = anna
        .post(&path, &[("price", "1.950.000"), ("action", "save")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert!(location(&saved).contains("notice=bid_saved"));
    let again = anna.get(&location(&saved)).await;
    assert!(
        again.text().contains("value=\"1950000\""),
        "the draft's price is kept"
    );

    let sent = anna
        .post(
            &path,
            &[
                ("price", "1.950.000"),
                ("answer_1", "Faste hold og ugentlig kvalitetskontrol."),
                ("commitment_2_what", "Job til ledige"),
                ("commitment_2_how_many", "4"),
                (
                    "commitment_2_for_whom",
                    "Personer, der har været ledige i over et år",
                ),
                ("commitment_2_months", "12"),
                ("declarations", "no_exclusion_grounds"),
                ("declarations", "conditions_accepted"),
                ("action", "continue"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    let bid_page = location(&sent);
    assert!(bid_page.starts_with("/bids/"));
    let check = anna.get(&bid_page).await;
    let html = check.text();
    assert!(html.contains("Tjek jeres tilbud"));
    assert!(html.contains(
        "Job til ledige: 4 for Personer, der har været ledige i over et år i 12 måneder"
    ));
    assert!(html.contains("Ikke bekræftet"));

    // Submitting without every declaration names what is missing.
    let id = bid_page.trim_start_matches("/bids/").to_owned();
    let incomplete = anna.post(&format!("/bids/{id}/submit"), &[]).await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(incomplete.text().contains("Bekræft alle erklæringer"));

    let declared = anna
        .post(
            &path,
            &[
                ("price", "1.950.000"),
                ("answer_1", "Faste hold og ugentlig kvalitetskontrol."),
                ("commitment_2_what", "Job til ledige"),
                ("commitment_2_how_many", "4"),
                (
                    "commitment_2_for_whom",
                    "Personer, der har været ledige i over et år",
                ),
                ("commitment_2_months", "12"),
                ("declarations", "no_exclusion_grounds"),
                ("declarations", "conditions_accepted"),
                ("declarations", "information_true"),
                ("action", "continue"),
            ],
        )
        .await;
    assert_eq!(location(&declared), bid_page);
    let submitted = anna.post(&format!("/bids/{id}/submit"), &[]).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text()
    );
    assert_eq!(location(&submitted), format!("/bids/{id}/receipt"));
    let receipt = anna.get(&location(&submitted)).await;
    let html = receipt.text();
    assert!(html.contains("Tilbuddet er afgivet"));
    let hash = html
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the checksum on the receipt")
        .to_owned();
    assert_eq!(hash.len(), 64);
    app.run_jobs().await;
    let mail = app
        .mails_to("anna@cafe-lyst.dk")
        .into_iter()
        .find(|m| m.subject == "Kvittering for jeres tilbud")
        .expect("receipt mailed");
    assert!(mail.text.contains(&hash));

    // In English, the same receipt.
    let english = app
        .page(
            Method::GET,
            &format!("/bids/{id}/receipt"),
            &format!("{}; sb_lang=en", anna.jar.header()),
            None,
        )
        .await;
    assert!(
        english.text().contains("Your bid is submitted"),
        "{:.300}",
        english.text()
    );

    // The form now leads to the submitted bid; withdrawing reopens it.
    let form = anna.get(&path).await;
    assert_eq!(location(&form), bid_page);
    let withdrawn = anna.post(&format!("/bids/{id}/withdraw"), &[]).await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let page = anna.get(&location(&withdrawn)).await;
    assert!(page.text().contains("Trukket tilbage"));
    assert!(page.text().contains("Afgiv tilbud"));

    let mine = anna.get("/bids").await;
    assert!(
        mine.text()
            .contains("Rengøring af daginstitutioner i Aarhus Vest")
    );
}

async fn the_bid_pages_are_for_the_bidding_organisation_only(backend: Backend) {
    let (app, tender) = setup(backend).await;
    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    let sent = anna
        .post(
            &format!("/tenders/{tender}/bid?lot=0"),
            &[
                ("price", "1000"),
                ("answer_1", "HEMMELIGT SVAR"),
                ("action", "continue"),
            ],
        )
        .await;
    let bid_page = location(&sent);
    assert!(bid_page.starts_with("/bids/"), "{}", sent.text());

    let mut officer = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let page = officer.get(&bid_page).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.text().contains("HEMMELIGT"));
    let form = officer.get(&format!("/tenders/{tender}/bid?lot=0")).await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    let tender_page = officer.get(&format!("/tenders/{tender}")).await;
    assert!(
        !tender_page.text().contains("/bid?lot="),
        "an officer is not offered a bid"
    );

    app.entrepreneur("bo@groen.dk").await;
    let mut bo = PageSession::logged_in(&app, "bo@groen.dk").await;
    let page = bo.get(&bid_page).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.text().contains("HEMMELIGT"));

    let anonymous = app.page(Method::GET, &bid_page, "", None).await;
    assert_eq!(
        anonymous.status,
        StatusCode::SEE_OTHER,
        "a page asks to log in"
    );
}
