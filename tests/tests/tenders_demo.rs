//! `socialbid demo` fills an empty database with a believable picture of
//! tenders, and running it again adds nothing.

use axum::http::Method;
use socialbid_tests::{Backend, TestApp, on_both_databases};

on_both_databases!(the_demo_seeds_tenders_once);

async fn the_demo_seeds_tenders_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    socialbid::demo::run(&app.state).await.expect("demo runs");
    let list = app
        .api(Method::GET, "/api/v1/tenders?per_page=100", None, None)
        .await
        .json();
    let total = list["total"].as_i64().unwrap();
    assert!(total >= 24, "a few dozen published tenders: {total}");
    let items = list["items"].as_array().unwrap();
    let reserved = |code: &str| {
        items
            .iter()
            .any(|t| t["reserved"].as_array().unwrap().iter().any(|r| r == code))
    };
    assert!(reserved("res-ws") && reserved("res-pub-ser"));
    // The tender near the German border: in German and euro, with places in
    // Germany, reserved under both articles at once.
    let border = items
        .iter()
        .find(|t| t["language"] == "de")
        .expect("a German tender");
    assert_eq!(border["currency"], "EUR");
    assert_eq!(
        border["reserved"],
        serde_json::json!(["res-ws", "res-pub-ser"])
    );
    assert!(
        items
            .iter()
            .all(|t| t["social_weight"].as_i64().unwrap() >= 25)
    );
    let authorities: std::collections::BTreeSet<&str> = items
        .iter()
        .map(|t| t["authority_name"].as_str().unwrap())
        .collect();
    assert!(authorities.len() >= 4, "{authorities:?}");
    // Some have lots, answered questions and a change log.
    let mut lots = 0;
    let mut answered = 0;
    let mut amended = 0;
    for item in items {
        let tender = app
            .api(
                Method::GET,
                &format!("/api/v1/tenders/{}", item["id"]),
                None,
                None,
            )
            .await
            .json();
        lots += usize::from(!tender["lots"].as_array().unwrap().is_empty());
        answered += usize::from(!tender["questions"].as_array().unwrap().is_empty());
        amended += usize::from(tender["versions"].as_array().unwrap().len() > 1);
    }
    assert!(
        lots >= 3 && answered >= 3 && amended >= 3,
        "{lots} {answered} {amended}"
    );

    socialbid::demo::run(&app.state)
        .await
        .expect("demo runs again");
    let again = app
        .api(Method::GET, "/api/v1/tenders?per_page=1", None, None)
        .await
        .json();
    assert_eq!(again["total"].as_i64().unwrap(), total, "idempotent");
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;

    // Two tenders past their deadline have bids: one is awarded, its
    // standstill period running, the other waits to be opened.
    let closed = app
        .api(Method::GET, "/api/v1/tenders?per_page=100", None, None)
        .await
        .json();
    let id_of = |title: &str| {
        closed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == title)
            .and_then(|t| t["id"].as_i64())
            .unwrap_or_else(|| panic!("no tender {title}"))
    };
    let awarded = id_of("Frokostordning i Københavns daginstitutioner");
    let awards = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{awarded}/awards"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(awards.as_array().unwrap().len(), 1, "{awards}");
    assert!(awards[0]["signed_at"].is_null());
    // Café Lyst bid in a consortium, and won.
    assert_eq!(awards[0]["organisation_name"], "Café Lyst ApS");
    assert_eq!(awards[0]["partners"][0]["name"], "Kurerkompagniet");
    assert_eq!(awards[0]["partners"][0]["share_percent"], 20);
    // The partner reads the bid it won with, and its document of
    // references: a PDF, sealed at rest like the bid.
    let partner = app
        .login(
            "kontakt@kurerkompagniet.socialbid.demo",
            socialbid::demo::DEMO_PASSWORD,
        )
        .await;
    let bid = awards[0]["bid_id"].as_i64().unwrap();
    let read = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{bid}"),
            Some(&partner.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(read["documents"][0]["title"], "Referencer", "{read}");
    let doc = read["documents"][0]["id"].as_i64().unwrap();
    let pdf = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{bid}/documents/{doc}"),
            Some(&partner.access_token),
            None,
        )
        .await;
    assert!(pdf.body.starts_with(b"%PDF-1.4"));
    assert!(String::from_utf8_lossy(&pdf.body).contains("Referencer"));
    let waiting = id_of("Vedligehold af grønne arealer ved Københavns skoler");
    let none = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{waiting}/awards"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(none, serde_json::json!([]));
}
