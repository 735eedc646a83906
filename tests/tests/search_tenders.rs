//! Tender search through the router on both databases: words in Danish and
//! English found in every form, filters along the CPV and NUTS trees and on
//! every fast field, facets, sorting, pages, the search page with chips and
//! highlighted snippets, and bad input answered with the parameter named.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, Person, TenderBuilder, TestApp, in_days, on_both_databases,
};

on_both_databases!(
    words_are_found_in_every_form_in_danish_and_english,
    cpv_and_regions_filter_at_every_level,
    open_tenders_by_default_closed_on_request,
    filters_on_value_deadline_procedure_reservation_objective_and_authority,
    facets_count_what_each_filter_would_find,
    sorted_by_deadline_newest_or_relevance_and_paginated,
    bad_input_names_the_parameter,
    the_search_page_keeps_the_search_in_the_url_with_chips_and_snippets,
    a_lots_words_are_found_and_highlighted_from_the_database,
);

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app
        .api(
            Method::GET,
            &format!("/api/v1/search/tenders?{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{query}: {}",
        response.text()
    );
    response.json()
}

async fn titles(app: &TestApp, query: &str) -> Vec<String> {
    let mut titles: Vec<String> = search(app, query).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().expect("title").to_owned())
        .collect();
    titles.sort();
    titles
}

/// Four tenders of two authorities, each different in one way that a
/// filter can tell.
async fn four_tenders(app: &TestApp) -> (Person, Person, Vec<i64>) {
    let aarhus = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let kobenhavn = app.officer("indkoeber@kk.dk", KOBENHAVN_CVR).await;
    let cleaning = TenderBuilder::new(app)
        .set("title", json!("Rengøring af skolerne i Aarhus Vest"))
        .set(
            "description",
            json!("Daglig rengøring af fire skoler og deres idrætshaller."),
        )
        .publish(app, &aarhus)
        .await;
    let canteen = TenderBuilder::new(app)
        .set("title", json!("Kantinedrift på rådhuset"))
        .set(
            "description",
            json!("Frokost til 300 medarbejdere, tilberedt af unge i praktik."),
        )
        .set("main_cpv", json!("55512000"))
        .set("additional_cpv", json!([]))
        .set("nuts_codes", json!(["DK011"]))
        .set("estimated_value", json!(900_000))
        .set("submission_deadline", json!(in_days(app, 60)))
        .set("question_deadline", json!(in_days(app, 50)))
        .set("reserved", json!("res-ws"))
        .publish(app, &kobenhavn)
        .await;
    let english = TenderBuilder::new(app)
        .set("title", json!("Employment support for young people"))
        .set(
            "description",
            json!("Mentoring that brings young people into employment."),
        )
        .set("language", json!("en"))
        .set("main_cpv", json!("85312000"))
        .set("additional_cpv", json!([]))
        .set("procedure_type", json!("restricted"))
        .set("estimated_value", json!(5_000_000))
        .publish(app, &kobenhavn)
        .await;
    let housing = TenderBuilder::new(app)
        .article_77()
        .set("description", json!("Bostøtte til unge med særlige behov."))
        .set("nuts_codes", json!(["DK032"]))
        .set("criteria", json!([
            {"name": "Pris", "kind": "price", "weight": 70},
            {"name": "Ligestilling", "kind": "social", "weight": 30, "social_objectives": ["gen-eq"]}
        ]))
        .publish(app, &aarhus)
        .await;
    app.index().await;
    (aarhus, kobenhavn, vec![cleaning, canteen, english, housing])
}

async fn words_are_found_in_every_form_in_danish_and_english(backend: Backend) {
    let app = TestApp::new(backend).await;
    four_tenders(&app).await;
    // Danish: "skole" finds "skolerne" and "skoler".
    assert_eq!(
        titles(&app, "q=skole").await,
        ["Rengøring af skolerne i Aarhus Vest"]
    );
    // English: "employ" finds "employment".
    assert_eq!(
        titles(&app, "q=employ").await,
        ["Employment support for young people"]
    );
    // Two words: both count, the better match first.
    let both = search(&app, "q=unge%20praktik").await;
    assert_eq!(both["items"][0]["title"], "Kantinedrift på rådhuset");
    // A word nobody wrote.
    assert_eq!(search(&app, "q=asfaltering").await["total"], 0);
}

async fn cpv_and_regions_filter_at_every_level(backend: Backend) {
    let app = TestApp::new(backend).await;
    four_tenders(&app).await;
    let social = ["Bostøtte til unge", "Employment support for young people"];
    assert_eq!(titles(&app, "cpv=85").await, social);
    assert_eq!(titles(&app, "cpv=853").await, social);
    assert_eq!(titles(&app, "cpv=8531").await, social);
    assert_eq!(titles(&app, "cpv=85311000").await, ["Bostøtte til unge"]);
    assert_eq!(titles(&app, "cpv=85311000-2").await, ["Bostøtte til unge"]);
    assert_eq!(titles(&app, "cpv=555").await, ["Kantinedrift på rådhuset"]);
    assert_eq!(titles(&app, "nuts=DK").await.len(), 4);
    assert_eq!(
        titles(&app, "nuts=DK01").await,
        ["Kantinedrift på rådhuset"]
    );
    assert_eq!(
        titles(&app, "nuts=dk011").await,
        ["Kantinedrift på rådhuset"]
    );
    assert_eq!(titles(&app, "nuts=DK03").await, ["Bostøtte til unge"]);
    assert_eq!(
        titles(&app, "nuts=DK04").await,
        [
            "Employment support for young people",
            "Rengøring af skolerne i Aarhus Vest"
        ]
    );
}

async fn open_tenders_by_default_closed_on_request(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (aarhus, _, ids) = four_tenders(&app).await;
    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{}/cancel", ids[0]),
            Some(&aarhus.access_token),
            Some(json!({"reason": "Behovet er bortfaldet"})),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    app.run_jobs().await;
    app.index().await;
    assert_eq!(search(&app, "").await["total"], 3);
    assert_eq!(
        titles(&app, "status=closed").await,
        ["Rengøring af skolerne i Aarhus Vest"]
    );
    assert_eq!(search(&app, "status=all").await["total"], 4);
    // A deadline passed counts as closed even before the closing job ran.
    app.state.clock.advance(chrono::Duration::days(45));
    assert_eq!(titles(&app, "").await, ["Kantinedrift på rådhuset"]);
    app.run_jobs().await;
}

async fn filters_on_value_deadline_procedure_reservation_objective_and_authority(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (_, _, ids) = four_tenders(&app).await;
    assert_eq!(
        titles(&app, "value_max=1000000").await,
        ["Kantinedrift på rådhuset"]
    );
    assert_eq!(
        titles(&app, "value_min=3000000").await,
        ["Employment support for young people"]
    );
    let day = |days: i64| in_days(&app, days)[..10].to_owned();
    assert_eq!(
        titles(&app, &format!("deadline_from={}", day(50))).await,
        ["Kantinedrift på rådhuset"]
    );
    assert_eq!(
        titles(&app, &format!("deadline_to={}", day(50)))
            .await
            .len(),
        3
    );
    assert_eq!(
        titles(&app, "procedure=restricted").await,
        ["Employment support for young people"]
    );
    assert_eq!(
        titles(&app, "reserved=yes").await,
        ["Bostøtte til unge", "Kantinedrift på rådhuset"]
    );
    assert_eq!(
        titles(&app, "objective=gen-eq").await,
        ["Bostøtte til unge"]
    );
    let authority = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{}", ids[1]),
            None,
            None,
        )
        .await
        .json()["authority"]["id"]
        .as_i64()
        .expect("the tender's authority");
    assert_eq!(
        titles(&app, &format!("authority={authority}")).await,
        [
            "Employment support for young people",
            "Kantinedrift på rådhuset"
        ]
    );
}

async fn facets_count_what_each_filter_would_find(backend: Backend) {
    let app = TestApp::new(backend).await;
    four_tenders(&app).await;
    let facets = search(&app, "").await["facets"].clone();
    let count = |group: &str, code: &str| {
        facets[group]
            .as_array()
            .expect("facet group")
            .iter()
            .find(|f| f["code"] == code)
            .map(|f| f["count"].as_u64().expect("count"))
    };
    assert_eq!(count("cpv_divisions", "85"), Some(2));
    assert_eq!(count("cpv_divisions", "90"), Some(1));
    assert_eq!(count("cpv_divisions", "55"), Some(1));
    assert_eq!(count("reserved", "res-ws"), Some(1));
    assert_eq!(count("reserved", "res-pub-ser"), Some(1));
    assert_eq!(count("objectives", "opp"), Some(3));
    assert_eq!(count("objectives", "gen-eq"), Some(1));
    assert_eq!(count("regions", "DK"), Some(4));
}

async fn sorted_by_deadline_newest_or_relevance_and_paginated(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let mut ids = Vec::new();
    for i in 0..23 {
        let id = TenderBuilder::new(&app)
            .set("title", json!(format!("Rengøring, område {i}")))
            .set("submission_deadline", json!(in_days(&app, 60 - i)))
            .set("question_deadline", json!(in_days(&app, 30)))
            .publish(&app, &officer)
            .await;
        ids.push(id);
        app.state.clock.advance(chrono::Duration::seconds(10));
    }
    app.index().await;
    let first = search(&app, "").await;
    assert_eq!(first["total"], 23);
    assert_eq!(first["pages"], 2);
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(
        first["items"][0]["id"], ids[22],
        "newest first without words"
    );
    let second = search(&app, "page=2").await;
    assert_eq!(second["items"].as_array().unwrap().len(), 3);
    assert_eq!(second["items"][2]["id"], ids[0]);
    let by_deadline = search(&app, "sort=deadline").await;
    assert_eq!(
        by_deadline["items"][0]["id"], ids[22],
        "the soonest deadline"
    );
    // Past the end: the parameter is named with the last page.
    let past = app
        .api(Method::GET, "/api/v1/search/tenders?page=3", None, None)
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(past.json()["error"]["fields"][0]["field"], "page");
    assert_eq!(past.json()["error"]["fields"][0]["code"], "past_end");
}

async fn bad_input_names_the_parameter(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.index().await;
    let refused = |query: String, status: StatusCode, field: &'static str| {
        let app = &app;
        async move {
            let response = app
                .api_in(
                    Method::GET,
                    &format!("/api/v1/search/tenders?{query}"),
                    None,
                    None,
                    "en",
                )
                .await;
            assert_eq!(response.status, status, "{query}: {}", response.text());
            let body = response.json();
            let named = body["error"]["fields"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["field"] == field))
                || body["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(field);
            assert!(named, "{query}: {body}");
            body
        }
    };
    let unknown = refused("cpv=12345".into(), StatusCode::UNPROCESSABLE_ENTITY, "cpv").await;
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("12345")
    );
    refused(
        "value_min=lots".into(),
        StatusCode::BAD_REQUEST,
        "value_min",
    )
    .await;
    refused("authority=x".into(), StatusCode::BAD_REQUEST, "authority").await;
    let long = refused(
        format!("q={}", "a".repeat(10_000)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "q",
    )
    .await;
    assert!(
        long["error"]["message"].as_str().unwrap().contains("200"),
        "{long}"
    );
    refused(
        "deadline_from=31-12-2027".into(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "deadline_from",
    )
    .await;
    refused("nuts=XX99".into(), StatusCode::UNPROCESSABLE_ENTITY, "nuts").await;
    refused(
        "sort=price".into(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "sort",
    )
    .await;
    refused("page=0".into(), StatusCode::UNPROCESSABLE_ENTITY, "page").await;
    refused("page=2".into(), StatusCode::UNPROCESSABLE_ENTITY, "page").await;
    // Beyond any amount a tender may state (and beyond what the document
    // allows).
    refused(
        "value_min=9223372036854775808".into(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "value_min",
    )
    .await;
    refused(
        "value_min=9&value_max=1".into(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "value_max",
    )
    .await;
    // Control characters are refused before anything reads them.
    let control = app
        .api(Method::GET, "/api/v1/search/tenders?q=a%00b", None, None)
        .await;
    assert_eq!(
        control.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        control.text()
    );
    // Worded for people, naming the field (it was the bare message key).
    let field = &control.json()["error"]["fields"][0];
    assert_eq!(field["field"], "q");
    assert_eq!(
        field["message"],
        "Må ikke indeholde styretegn som NUL-tegnet (tabulatorer og linjeskift er fine)"
    );
}

async fn the_search_page_keeps_the_search_in_the_url_with_chips_and_snippets(backend: Backend) {
    let app = TestApp::new(backend).await;
    four_tenders(&app).await;
    let page = app
        .page(Method::GET, "/tenders?q=skole&nuts=DK04", "", None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("1 udbud fundet"), "{html}");
    assert!(
        html.contains("<mark>skolerne</mark>") || html.contains("<mark>skoler</mark>"),
        "{html}"
    );
    // Each chip links to the same search without itself.
    assert!(
        html.contains("href=\"&#x2f;tenders?nuts=DK04\""),
        "the words' chip: {html}"
    );
    assert!(
        html.contains("href=\"&#x2f;tenders?q=skole\""),
        "the region's chip: {html}"
    );
    // Facets add their filter to the search; a CPV label, English only,
    // says so on the Danish page.
    assert!(
        html.contains(
            "href=\"&#x2f;tenders?q=skole&amp;cpv=90&amp;nuts=DK04\" lang=\"en\">90 Sewage"
        ),
        "{html}"
    );
    let english = app
        .page(Method::GET, "/tenders?q=employ", "sb_lang=en", None)
        .await
        .text();
    assert!(english.contains("1 tender found"), "{english}");
    assert!(english.contains("lang=\"en\""));
    // Bad input comes back on the page, next to its field, in Danish.
    let bad = app.page(Method::GET, "/tenders?cpv=12345", "", None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("CPV-koden 12345"), "{}", bad.text());
}

/// The index keeps no texts: a snippet is made from the tender as the
/// database has it now, lots included.
async fn a_lots_words_are_found_and_highlighted_from_the_database(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let mut tender = TenderBuilder::new(&app).with_lots();
    tender.body["lots"][1]["description"] = "Vinduespolering af 6 institutioner".into();
    let id = tender.publish(&app, &officer).await;

    let found = search(&app, "q=vinduespolering").await;
    assert_eq!(found["total"], 1, "{found}");
    let hit = &found["items"][0];
    assert_eq!(hit["id"], id, "{hit}");
    let marked: Vec<&str> = hit["snippet"]["parts"]
        .as_array()
        .expect("a snippet")
        .iter()
        .filter(|part| part["matched"] == true)
        .filter_map(|part| part["text"].as_str())
        .collect();
    assert_eq!(marked, ["Vinduespolering"], "{hit}");

    let unmarked = search(&app, "").await;
    assert!(
        unmarked["items"][0]["snippet"].is_null(),
        "no words, no snippet: {unmarked}"
    );
}
