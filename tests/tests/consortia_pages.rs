//! The consortium pages without JavaScript, on both databases: the lead
//! finds partners (suggestions with what each brings, and a search by
//! name), invites one with a mistake and then without, sees it on the bid
//! page, takes it off; the partner answers on its bids page and reads the
//! bid it joined without the lead's buttons. Nobody else gets the pages.

use axum::http::StatusCode;
use serde_json::json;
use socialbid_tests::{
    Backend, Enterprises, PageSession, TenderBuilder, TestApp, TestResponse, complete_bid,
    on_both_databases,
};

on_both_databases!(
    a_lead_finds_invites_and_a_partner_joins_on_the_pages,
    the_consortium_pages_are_for_the_lead_and_the_partner_only,
);

fn location(response: &TestResponse) -> String {
    response.header("location").unwrap_or_default()
}

/// Café Lyst cooks, Grøn Rengøring cleans, Fjordens Have gardens; the
/// tender asks for all three in Aarhus. Returns the app, Anna's bid and
/// Grøn Rengøring's id.
async fn setup(backend: Backend) -> (TestApp, i64, i64) {
    let app = TestApp::new(backend).await;
    let Enterprises {
        officer,
        cafe: anna,
        cleaner_org: cleaner,
        ..
    } = app.three_enterprises().await;
    let tender = TenderBuilder::new(&app)
        .set("main_cpv", json!("55520000"))
        .set("additional_cpv", json!(["90910000", "77310000"]))
        .set("estimated_value", json!(3_000_000))
        .publish(&app, &officer)
        .await;
    let bid = app
        .started_bid(&anna, tender, complete_bid(1_950_000))
        .await;
    app.index().await;
    (app, bid, cleaner)
}

async fn a_lead_finds_invites_and_a_partner_joins_on_the_pages(backend: Backend) {
    let (app, bid, cleaner) = setup(backend).await;
    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    let bid_page = anna.get(&format!("/bids/{bid}")).await;
    assert!(bid_page.text().contains("Jeres organisation byder alene."));
    assert!(
        bid_page
            .text()
            .contains(&format!("href=\"/bids/{bid}/partners\""))
    );

    let partners = format!("/bids/{bid}/partners");
    let page = anna.get(&partners).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Forslag 1: "), "{html}");
    assert!(html.contains("Grøn Rengøring") && html.contains("Fjordens Have"));
    assert!(html.contains("Sammen dækker I alt, hvad udbuddet efterspørger."));
    assert!(html.contains("I mangler"));
    assert!(html.contains("En kontrakt til 3.000.000 kr."), "the value");
    assert!(
        html.contains("2.000.000 kr. mere i kapacitet"),
        "what is short of it"
    );
    let form_id = format!("s1-{cleaner}");
    assert!(html.contains(&format!("id=\"share_percent-{form_id}\"")));

    // A share in words: the page comes back with the error beside the
    // field of the form that was sent, and the role as typed.
    let cleaner_id = cleaner.to_string();
    let refused = anna
        .post(
            &partners,
            &[
                ("organisation_id", &cleaner_id),
                ("form_id", &form_id),
                ("partner_role", "Rengøring af kantinen"),
                ("share_percent", "fyrre"),
                ("q", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("<title>Fejl: "));
    assert!(html.contains("Andelen skal være et helt antal procent fra 1 til 99"));
    assert!(html.contains(&format!("href=\"#share_percent-{form_id}\"")));
    assert!(html.contains("value=\"Rengøring af kantinen\""));

    let invited = anna
        .post(
            &partners,
            &[
                ("organisation_id", &cleaner_id),
                ("form_id", &form_id),
                ("partner_role", "Rengøring af kantinen"),
                ("share_percent", "40"),
                ("q", ""),
            ],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.text());
    assert!(location(&invited).ends_with("notice=partner_invited"));
    let html = anna.get(&location(&invited)).await.text();
    assert!(html.contains("Partneren er inviteret"));
    assert!(html.contains("Inviteret, intet svar endnu"));
    assert!(html.contains("Rengøring af kantinen"));
    // Asked already: no second invitation form for it.
    let html = anna.get(&partners).await.text();
    assert!(!html.contains(&format!("id=\"share_percent-{form_id}\"")));

    // By name.
    let found = anna.get(&format!("{partners}?q=fjordens")).await.text();
    assert!(found.contains("Find en partner ved navn"));
    assert!(found.contains("id=\"partner_role-n-"), "{found}");
    let nothing = anna.get(&format!("{partners}?q=zzzyx")).await.text();
    assert!(nothing.contains("Ingen godkendt organisation passer til de ord."));
    let control = anna.get(&format!("{partners}?q=a%00b")).await;
    assert_eq!(control.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Jonas answers on his bids page and reads the bid he joined.
    let mut jonas = PageSession::logged_in(&app, "jonas@groen-rengoering.dk").await;
    let html = jonas.get("/bids").await.text();
    assert!(html.contains("Invitationer til at byde sammen"));
    assert!(html.contains("Café Lyst ApS inviterer jeres organisation"));
    let accepted = jonas
        .post(&format!("/bids/{bid}/invitation/accept"), &[])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let html = jonas.get(&location(&accepted)).await.text();
    assert!(html.contains("Jeres organisation er nu partner i tilbuddet."));
    assert!(html.contains("Jeres organisation er partner i dette tilbud. Café Lyst ApS leder det"));
    assert!(!html.contains("/submit"), "only the lead submits");
    assert!(
        !html.contains("/remove"),
        "only the lead takes partners off"
    );
    let again = jonas
        .post(&format!("/bids/{bid}/invitation/accept"), &[])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("Invitationen er allerede besvaret"));
    let html = jonas.get("/bids").await.text();
    assert!(html.contains("<td>Partner</td>"), "{html}");

    // The lead takes the partner off again.
    let html = anna.get(&format!("/bids/{bid}")).await.text();
    assert!(html.contains("Sagt ja") && html.contains("60 %"));
    let removed = anna
        .post(&format!("/bids/{bid}/partners/{cleaner}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let html = anna.get(&location(&removed)).await.text();
    assert!(html.contains("Partneren er fjernet fra tilbuddet."));
    assert!(html.contains("Jeres organisation byder alene."));

    // Submitted, the bid takes no more partners until it is withdrawn.
    let submitted = anna.post(&format!("/bids/{bid}/submit"), &[]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let html = anna.get(&partners).await.text();
    assert!(html.contains("Tilbuddet er afgivet, eller fristen er overskredet"));
    assert!(
        !html.contains("name=\"partner_role\""),
        "no invitation forms"
    );
    app.run_jobs().await;
}

async fn the_consortium_pages_are_for_the_lead_and_the_partner_only(backend: Backend) {
    let (app, bid, cleaner) = setup(backend).await;
    let mut bo = PageSession::logged_in(&app, "bo@fjordens-have.dk").await;
    assert_eq!(
        bo.get(&format!("/bids/{bid}/partners")).await.status,
        StatusCode::NOT_FOUND
    );
    let posted = bo
        .post(
            &format!("/bids/{bid}/partners"),
            &[
                ("organisation_id", &cleaner.to_string()),
                ("partner_role", "Rengøring"),
                ("share_percent", "10"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    let accept = bo
        .post(&format!("/bids/{bid}/invitation/accept"), &[])
        .await;
    assert_eq!(accept.status, StatusCode::NOT_FOUND);
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    assert_eq!(
        mette.get(&format!("/bids/{bid}/partners")).await.status,
        StatusCode::FORBIDDEN
    );
    let visitor = PageSession::new(&app)
        .get(&format!("/bids/{bid}/partners"))
        .await;
    assert_eq!(visitor.status, StatusCode::SEE_OTHER, "to the login page");
    app.run_jobs().await;
}
