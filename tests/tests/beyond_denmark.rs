//! What real notices from the whole EU carry, through the router on both
//! databases: each value the platform used to refuse is now stored, shown
//! on the page and returned unchanged; organisations from other member
//! states register and are moderated; the directory filters across
//! countries; errors list every problem and name their field.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, Jar, Person, TenderBuilder, TestApp, TestResponse, cvr, on_both_databases,
    profile_body,
};

on_both_databases!(
    places_abroad_are_stored_shown_and_returned,
    tender_text_in_any_official_language_is_marked_with_its_language,
    a_french_tender_is_found_by_a_french_word_form,
    values_keep_their_currency_and_the_page_names_the_rate,
    publishing_without_an_estimated_value_warns,
    a_cost_criterion_is_taken,
    a_tender_reserved_under_article_20_and_77_at_once,
    limits_fit_real_notices,
    organisations_from_other_member_states_register_and_are_moderated,
    vat_numbers_are_checked_per_country,
    a_capacity_in_another_currency_is_compared_in_kroner,
    the_directory_filters_across_countries,
    the_profile_api_lists_every_unknown_code_at_once,
    a_body_that_fails_to_parse_names_its_field,
);

fn fields(response: &TestResponse) -> Vec<(String, String)> {
    response.json()["error"]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn get(app: &TestApp, id: i64) -> Value {
    let response = app
        .api(Method::GET, &format!("/api/v1/tenders/{id}"), None, None)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

async fn page(app: &TestApp, path: &str, lang: &str) -> String {
    let response = app
        .page(Method::GET, path, &format!("sb_lang={lang}"), None)
        .await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{path}: {}",
        response.text()
    );
    response.text()
}

async fn officer(app: &TestApp) -> Person {
    app.officer("mette@aarhus.dk", AARHUS_CVR).await
}

async fn places_abroad_are_stored_shown_and_returned(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    // Codes from the load, at every level: Italy, France, Germany, Poland.
    let places = json!(["ITI18", "FR101", "DE300", "PL2", "DK042"]);
    let id = TenderBuilder::new(&app)
        .set("nuts_codes", places.clone())
        .publish(&app, &officer)
        .await;
    assert_eq!(get(&app, id).await["nuts_codes"], places);
    let da = page(&app, &format!("/tenders/{id}"), "da").await;
    assert!(da.contains("Tyskland (DE300)"), "{da}");
    assert!(da.contains("Frankrig (FR101)"));
    assert!(da.contains("Polen (PL2)"));
    assert!(da.contains("Østjylland"));
    let en = page(&app, &format!("/tenders/{id}"), "en").await;
    assert!(en.contains("Italy (ITI18)"), "{en}");

    // A code outside the EU and EEA, or none at all, is still refused, all
    // of them at once.
    let refused = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(
                TenderBuilder::new(&app)
                    .set("nuts_codes", json!(["UKI3", "DE300", "XX1", "CH01"]))
                    .body,
            ),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown: Vec<String> = refused.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["field"] == "nuts_codes")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(unknown.len(), 3, "{unknown:?}");
    assert!(unknown[0].contains("UKI3") && unknown[2].contains("CH01"));

    // A profile serving regions abroad.
    let anna = app.entrepreneur("anna@nordlicht.de").await;
    let mut body = german_profile("Nordlicht Werkstätten", "HRB 4711 FL");
    body["nuts"] = json!(["DEF", "SE224", "DK032"]);
    let org = app.organisation_with(&anna, body).await;
    let mine = app
        .api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(mine["id"], org);
    assert_eq!(mine["profile"]["nuts"], json!(["DEF", "DK032", "SE224"]));
}

async fn tender_text_in_any_official_language_is_marked_with_its_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let title = "Nettoyage des crèches municipales de Lille";
    let description = "Nettoyage quotidien de douze crèches.\n\n- Produits écolabellisés\n- Insertion de personnes éloignées de l'emploi";
    let id = TenderBuilder::new(&app)
        .set("language", json!("fr"))
        .set("title", json!(title))
        .set("description", json!(description))
        .set("nuts_codes", json!(["FR411"]))
        .publish(&app, &officer)
        .await;
    let tender = get(&app, id).await;
    assert_eq!(tender["language"], "fr");
    assert_eq!(tender["title"], title);
    assert_eq!(tender["description"], description);
    // The interface stays Danish; the tender's own text is marked French.
    let html = page(&app, &format!("/tenders/{id}"), "da").await;
    assert!(html.contains(r#"<html lang="da""#), "{html}");
    assert!(
        html.contains(&format!(r#"lang="fr">{title}</span></h1>"#)),
        "{html}"
    );
    assert!(html.contains(r#"<div lang="fr">"#));
    assert!(html.contains("fransk"));
    app.index().await;
    let list = page(&app, "/tenders", "en").await;
    assert!(
        list.contains(&format!(r#"lang="fr">{title}</a>"#)),
        "{list}"
    );

    // A language that is not official in the EU or EEA is refused.
    let refused = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(TenderBuilder::new(&app).set("language", json!("tr")).body),
        )
        .await;
    assert_eq!(fields(&refused), [("language".into(), "unknown".into())]);
}

/// The search API's titles for `q`.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let response = app
        .api(
            Method::GET,
            &format!("/api/v1/search/tenders?q={q}"),
            None,
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{q}: {}", response.text());
    response.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["title"].as_str().map(str::to_owned))
        .collect()
}

/// A French tender is indexed with the French stemmer: another form of a
/// word finds it, as "skole" finds "skolerne" in Danish.
async fn a_french_tender_is_found_by_a_french_word_form(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let title = "Nettoyage des crèches municipales de Lille";
    TenderBuilder::new(&app)
        .set("language", json!("fr"))
        .set("title", json!(title))
        .set(
            "description",
            json!("Entretien quotidien de douze établissements d'accueil."),
        )
        .set("nuts_codes", json!(["FR411"]))
        .publish(&app, &officer)
        .await;
    TenderBuilder::new(&app)
        .set("title", json!("Rengøring af kommunens vuggestuer"))
        .publish(&app, &officer)
        .await;
    app.index().await;
    // Singular for plural, masculine for feminine, feminine plural for
    // masculine singular: none of these forms is written in the tender.
    for q in [
        "cr%C3%A8che",
        "municipal",
        "quotidiennes",
        "%C3%A9tablissement",
    ] {
        assert_eq!(found(&app, q).await, [title], "q={q}");
    }
    assert!(found(&app, "vuggestue").await.iter().all(|t| t != title));
}

async fn values_keep_their_currency_and_the_page_names_the_rate(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let id = TenderBuilder::new(&app)
        .set("estimated_value", json!(291934.6))
        .set("currency", json!("EUR"))
        // Lots in the tender's currency, adding up to less than its value.
        .set(
            "lots",
            json!([
                {"title": "Delaftale 1: Vest", "description": "6 institutioner", "cpv_codes": ["90911200"], "estimated_value": 120_000},
                {"title": "Delaftale 2: Syd", "description": "6 institutioner", "cpv_codes": ["90911200"], "estimated_value": 120_000}
            ]),
        )
        .publish(&app, &officer)
        .await;
    let tender = get(&app, id).await;
    assert_eq!(tender["estimated_value"], json!(291934.6));
    assert_eq!(tender["currency"], "EUR");
    assert_eq!(tender["lots"][0]["estimated_value"], 120_000);
    // Compared in kroner at the ECB rate of the shipped table:
    // 291,934.60 × 7.4529 = 2,175,759.4.
    let kroner = &tender["estimated_value_in_kroner"];
    assert_eq!(kroner["dkk"], 2_175_759);
    assert_eq!(kroner["rate"], json!(7.4529));
    assert_eq!(kroner["rate_date"], "2023-12-29");
    let list = app
        .api(Method::GET, "/api/v1/tenders", None, None)
        .await
        .json();
    assert_eq!(list["items"][0]["estimated_value"], json!(291934.6));
    assert_eq!(
        list["items"][0]["estimated_value_in_kroner"]["dkk"],
        2_175_759
    );

    let da = page(&app, &format!("/tenders/{id}"), "da").await;
    assert!(da.contains("291.934,60 EUR"), "{da}");
    assert!(da.contains("2.175.759 kr."));
    assert!(da.contains("7,4529") && da.contains("2023-12-29"));
    let en = page(&app, &format!("/tenders/{id}"), "en").await;
    assert!(en.contains("EUR 291,934.60"), "{en}");
    assert!(en.contains("DKK 2,175,759"));

    // Swedish kronor, and a currency no rate exists for.
    let sek = TenderBuilder::new(&app)
        .set("estimated_value", json!(5_000_000))
        .set("currency", json!("SEK"))
        .publish(&app, &officer)
        .await;
    assert_eq!(get(&app, sek).await["currency"], "SEK");
    for (value, currency, field, rule) in [
        (json!(100), "XYZ", "currency", "unknown"),
        (json!(-5), "EUR", "estimated_value", "not_positive"),
    ] {
        let refused = app
            .api(
                Method::POST,
                "/api/v1/tenders",
                Some(&officer.access_token),
                Some(
                    TenderBuilder::new(&app)
                        .set("estimated_value", value)
                        .set("currency", json!(currency))
                        .body,
                ),
            )
            .await;
        assert_eq!(fields(&refused), [(field.into(), rule.into())]);
    }
}

async fn publishing_without_an_estimated_value_warns(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let mut body = TenderBuilder::new(&app);
    body.body.as_object_mut().unwrap().remove("estimated_value");
    let id = body.publish(&app, &officer).await;
    let tender = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(tender["status"], "published");
    assert_eq!(tender["estimated_value"], Value::Null);
    assert_eq!(tender["warnings"][0]["code"], "no_estimated_value");
    // The owner reads the warning on the page; the public reads a dash.
    let cookie = Jar::logged_in(&app, &officer.email).await.header();
    let owner_page = app
        .page(Method::GET, &format!("/tenders/{id}"), &cookie, None)
        .await
        .text();
    assert!(
        owner_page.contains("Små virksomheder bruger værdien"),
        "{owner_page}"
    );
    let public = page(&app, &format!("/tenders/{id}"), "da").await;
    assert!(!public.contains("Små virksomheder bruger værdien"));
}

async fn a_cost_criterion_is_taken(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let criteria = json!([
        {"name": "Livscyklusomkostninger", "kind": "cost", "weight": 50, "social_objectives": [], "description": ""},
        {"name": "Kvalitet", "kind": "quality", "weight": 30, "social_objectives": [], "description": ""},
        {"name": "Beskæftigelse", "kind": "social", "weight": 20, "social_objectives": ["opp"], "description": ""}
    ]);
    let id = TenderBuilder::new(&app)
        .set("criteria", criteria.clone())
        .publish(&app, &officer)
        .await;
    assert_eq!(get(&app, id).await["criteria"], criteria);
    let html = page(&app, &format!("/tenders/{id}"), "da").await;
    assert!(html.contains("(Omkostninger)"), "{html}");
    assert!(html.contains("weight-bar__fill--cost"));
    let ocds = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/ocds"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(
        ocds["releases"][0]["tender"]["awardCriteria"],
        "ratedCriteria"
    );
}

async fn a_tender_reserved_under_article_20_and_77_at_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let id = TenderBuilder::new(&app)
        .article_77()
        .set("reserved", json!(["res-ws", "res-pub-ser"]))
        .set(
            "lots",
            json!([
                {"title": "Bostøtte", "cpv_codes": ["85311000"], "estimated_value": 500_000, "reserved": ["res-pub-ser"]},
                {"title": "Værksted", "cpv_codes": ["85311000"], "estimated_value": 500_000, "reserved": ["res-ws", "res-pub-ser"]}
            ]),
        )
        .publish(&app, &officer)
        .await;
    let tender = get(&app, id).await;
    assert_eq!(tender["reserved"], json!(["res-ws", "res-pub-ser"]));
    assert_eq!(tender["lots"][0]["reserved"], json!(["res-pub-ser"]));
    assert_eq!(
        tender["lots"][1]["reserved"],
        json!(["res-ws", "res-pub-ser"])
    );
    let html = page(&app, &format!("/tenders/{id}"), "da").await;
    assert!(html.contains("direktivets art. 20"), "{html}");
    assert!(html.contains("direktivets art. 77"));
    let ocds = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/ocds"),
            None,
            None,
        )
        .await
        .json();
    let strategies: Vec<&Value> = ocds["releases"][0]["tender"]["sustainability"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["strategies"][0] == "reservedParticipation")
        .collect();
    assert_eq!(strategies.len(), 2);

    // Article 77 on a lot checks that lot's codes: cleaning is no social
    // service.
    let refused = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{}/publish", {
                TenderBuilder::new(&app)
                    .set(
                        "lots",
                        json!([{"title": "Rengøring", "cpv_codes": ["90911200"], "reserved": ["res-pub-ser"]}]),
                    )
                    .draft(&app, &officer)
                    .await
            }),
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(
        fields(&refused),
        [("reserved".into(), "article_77_cpv".into())]
    );

    // Eligible means eligible for at least one: the directory finds the
    // Article 20 and the Article 77 organisation, not the one with neither.
    let admin = app.admin("admin@socialbid.dk").await;
    for (n, (name, ws, pub_ser)) in [
        ("Værkstedet", true, false),
        ("Bostøtten", false, true),
        ("Caféen", false, false),
    ]
    .into_iter()
    .enumerate()
    {
        let member = app.entrepreneur(&format!("m{n}@example.dk")).await;
        let mut body = profile_body(name, &cvr(n as u32 + 1));
        body["reserved_res_ws"] = json!(ws);
        body["reserved_res_pub_ser"] = json!(pub_ser);
        body["res_pub_ser_justification"] = json!(if pub_ser { "Offentlig mission" } else { "" });
        app.approved_organisation(&member, &admin, body).await;
    }
    assert_eq!(
        app.directory_names("reserved=res-ws,res-pub-ser").await,
        ["Bostøtten", "Værkstedet"]
    );
    assert_eq!(
        app.directory_names("reserved=res-pub-ser").await,
        ["Bostøtten"]
    );
}

async fn limits_fit_real_notices(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    // Longer than any limit that refused real notices: 40 additional CPV
    // codes, a 25,000-character description, a 300-character title and
    // criterion name.
    let additional = FORTY_CPV_CODES.to_vec();
    let description = "Beskrivelse af opgaven. ".repeat(1_042);
    assert!(description.chars().count() > 25_000);
    let title = "T".repeat(300);
    let name = "K".repeat(300);
    let id = TenderBuilder::new(&app)
        .set("additional_cpv", json!(additional))
        .set("description", json!(description.trim()))
        .set("title", json!(title))
        .set(
            "criteria",
            json!([
                {"name": name, "kind": "price", "weight": 80},
                {"name": "Beskæftigelse", "kind": "social", "weight": 20, "social_objectives": ["opp"]}
            ]),
        )
        .publish(&app, &officer)
        .await;
    let tender = get(&app, id).await;
    assert_eq!(tender["additional_cpv"].as_array().unwrap().len(), 40);
    assert_eq!(tender["description"], description.trim());
    assert_eq!(tender["title"], title);
    assert_eq!(tender["criteria"][0]["name"], name);
    // The limits still hold, with room above real data.
    let refused = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(
                TenderBuilder::new(&app)
                    .set("title", json!("T".repeat(501)))
                    .body,
            ),
        )
        .await;
    assert_eq!(fields(&refused), [("title".into(), "too_long".into())]);
}

/// The first 40 light-regime social-service CPV codes of the eForms list.
const FORTY_CPV_CODES: [&str; 40] = [
    "75121000", "75122000", "75123000", "79622000", "79624000", "79625000", "80110000", "80300000",
    "80420000", "80430000", "80511000", "80520000", "80590000", "85000000", "85100000", "85110000",
    "85111000", "85111100", "85111200", "85111300", "85111310", "85111320", "85111400", "85111500",
    "85111600", "85111700", "85111800", "85111810", "85111820", "85111900", "85112000", "85112100",
    "85112200", "85120000", "85121000", "85121100", "85121200", "85121210", "85121220", "85121230",
];

/// A German organisation: a non-profit GmbH from Flensburg.
fn german_profile(name: &str, national_id: &str) -> Value {
    let mut body = profile_body(name, "");
    let object = body.as_object_mut().unwrap();
    object.remove("cvr");
    object.insert("country".into(), json!("DE"));
    object.insert("national_id".into(), json!(national_id));
    object.insert("vat_number".into(), json!("DE 298 765 431"));
    object.insert("legal_form".into(), json!("other"));
    object.insert("legal_form_text".into(), json!("gGmbH"));
    object.insert("rsv_registered".into(), json!(false));
    object.remove("rsv_registered_on");
    object.remove("founded_year");
    object.insert("nuts".into(), json!(["DEF01"]));
    body
}

async fn organisations_from_other_member_states_register_and_are_moderated(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@nordlicht.de").await;
    let id = app
        .organisation_with(
            &anna,
            german_profile("Nordlicht Werkstätten", "HRB 4711 FL"),
        )
        .await;
    let view = app
        .api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    let profile = &view["profile"];
    assert_eq!(profile["country"], "DE");
    assert_eq!(profile["cvr"], "");
    assert_eq!(profile["national_id"], "HRB 4711 FL");
    assert_eq!(profile["vat_number"], "DE298765431");
    assert_eq!(profile["legal_form_text"], "gGmbH");
    assert_eq!(profile["founded_year"], Value::Null);
    // The reviewer sees what the platform checked and what it could not.
    assert_eq!(
        view["identity_checks"],
        json!([
            {"check": "national_id_register", "made": false},
            {"check": "vat_format", "made": true},
            {"check": "vat_vies", "made": false}
        ])
    );
    let cookie = Jar::logged_in(&app, &admin.email).await.header();
    let review = app
        .page(Method::GET, &format!("/admin/profiles/{id}"), &cookie, None)
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text());
    let review = review.text();
    assert!(
        review.contains("Kontrolleret af platformen: momsnummerets format"),
        "{review}"
    );
    assert!(review.contains("Ikke kontrolleret, tjek selv: navn og registreringsnummer"));
    assert!(review.contains("HRB 4711 FL") && review.contains("Tyskland"));

    app.decide(&admin, id, "approve", None).await;
    let public = page(&app, &format!("/profiles/{id}"), "en").await;
    assert!(
        public.contains("Germany") && public.contains("DE298765431"),
        "{public}"
    );
    assert!(public.contains("gGmbH"));

    // One profile per country and identifier; the same number in another
    // country is another organisation.
    let carl = app.entrepreneur("carl@nordlicht.de").await;
    let twice = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&carl.access_token),
            Some(german_profile("Nordlicht kopi", "HRB 4711 FL")),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(fields(&twice), [("national_id".into(), "taken".into())]);
    let mut austrian = german_profile("Nordlicht Österreich", "HRB 4711 FL");
    austrian["country"] = json!("AT");
    austrian["vat_number"] = json!("ATU12345678");
    austrian["nuts"] = json!(["AT"]);
    app.organisation_with(&carl, austrian).await;

    // A Danish organisation keeps its CVR rules; RSV is Danish only.
    let dora = app.entrepreneur("dora@example.se").await;
    let mut swedish = german_profile("Dora Sociala Företag", "802456-1234");
    swedish["country"] = json!("SE");
    swedish["vat_number"] = json!("");
    swedish["rsv_registered"] = json!(true);
    swedish["rsv_registered_on"] = json!("2019-03-15");
    let refused = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&dora.access_token),
            Some(swedish),
        )
        .await;
    assert_eq!(
        fields(&refused),
        [("rsv_registered".into(), "danish_only".into())]
    );
}

async fn vat_numbers_are_checked_per_country(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@example.eu").await;
    for (country, vat, rule) in [
        ("DE", "DE12345678", "format"),
        ("SE", "SE556012345602", "format"),
        ("FR", "FR123", "format"),
        ("NL", "NL123456789X01", "format"),
    ] {
        let mut body = german_profile("Nordlicht", "HRB 1");
        body["country"] = json!(country);
        body["vat_number"] = json!(vat);
        for lang in ["da", "en"] {
            let refused = app
                .api_in(
                    Method::POST,
                    "/api/v1/profiles",
                    Some(&anna.access_token),
                    Some(body.clone()),
                    lang,
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{vat}");
            let field = &refused.json()["error"]["fields"][0];
            assert_eq!(field["field"], "vat_number", "{vat}");
            assert_eq!(field["code"], rule, "{vat}");
            let prefix = if country == "GR" { "EL" } else { country };
            assert!(
                field["message"].as_str().unwrap().contains(prefix),
                "{field}"
            );
        }
    }
    // A Danish VAT number is the CVR number, with its modulus-11 check.
    let mut danish = profile_body("Café Lyst ApS", &cvr(1));
    danish["vat_number"] = json!("DK64942213");
    let refused = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&anna.access_token),
            Some(danish.clone()),
        )
        .await;
    assert_eq!(fields(&refused), [("vat_number".into(), "checksum".into())]);
    danish["vat_number"] = json!(format!("DK {}", cvr(1)));
    let id = app.organisation_with(&anna, danish).await;
    let stored = app
        .api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(stored["id"], id);
    assert_eq!(stored["profile"]["vat_number"], format!("DK{}", cvr(1)));
    assert_eq!(
        stored["identity_checks"][0],
        json!({"check": "cvr_checksum", "made": true})
    );
}

/// A capacity given in euro is kept in euro, shown with its kroner, and
/// compared with tender values in kroner at the reference rate.
async fn a_capacity_in_another_currency_is_compared_in_kroner(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@nordlicht.de").await;
    let mut body = german_profile("Nordlicht Werkstätten", "HRB 4711 FL");
    body["cpv"] = json!(["853"]);
    body["max_contract_value"] = json!(400_000);
    body["max_contract_currency"] = json!("EUR");
    let org = app.approved_organisation(&anna, &admin, body).await;
    let mine = app
        .api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(mine["profile"]["max_contract_value"], 400_000);
    assert_eq!(mine["profile"]["max_contract_currency"], "EUR");
    // 400,000 EUR at 7.4529 kroner per euro.
    let html = page(&app, &format!("/profiles/{org}"), "da").await;
    assert!(
        html.contains(
            "EUR (ca. 2.981.160 kr. efter ECB&#x27;s referencekurs 7,4529 kr. af 2023-12-29)"
        ),
        "{html}"
    );

    let officer = officer(&app).await;
    let tender = |value: i64| {
        TenderBuilder::new(&app)
            .set("main_cpv", json!("85311000"))
            .set("additional_cpv", json!([]))
            .set("nuts_codes", json!(["DEF01"]))
            .set("estimated_value", json!(value))
    };
    let fits = tender(2_500_000).publish(&app, &officer).await;
    let too_big = tender(3_500_000).publish(&app, &officer).await;
    app.run_jobs().await;
    let capacity = |matches: &Value| -> Option<Value> {
        matches["items"][0]["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .find(|r| r["kind"] == "capacity")
            .cloned()
    };
    let get_matches = |id: i64| {
        let app = &app;
        let officer = &officer;
        async move {
            let response = app
                .api(
                    Method::GET,
                    &format!("/api/v1/tenders/{id}/matches"),
                    Some(&officer.access_token),
                    None,
                )
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.text());
            response.json()
        }
    };
    let matches = get_matches(fits).await;
    assert_eq!(matches["items"][0]["organisation_id"], org, "{matches}");
    let reason = capacity(&matches).expect("a capacity reason");
    assert_eq!(reason["profile"], json!(["2981160"]), "{reason}");
    assert_eq!(reason["tender"], json!(["2500000"]));
    let matches = get_matches(too_big).await;
    assert_eq!(matches["items"][0]["organisation_id"], org, "{matches}");
    assert!(capacity(&matches).is_none(), "{matches}");

    // A currency without a reference rate is refused, naming the field.
    let mut body = german_profile("Zweite Werkstatt", "HRB 4712 FL");
    body["max_contract_currency"] = json!("XYZ");
    let refused = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&app.entrepreneur("bo@zweite.de").await.access_token),
            Some(body),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        [("max_contract_currency".into(), "unknown".into())]
    );
}

async fn the_directory_filters_across_countries(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    for (n, (name, nuts)) in [
        ("Hamburg Dienste", "DE600"),
        ("Flensburg Werkstatt", "DEF01"),
        ("Lille Services", "FR101"),
        ("Malmö Omsorg", "SE224"),
        ("Landsdækkende tyske", "DE"),
        ("Bonn Inklusion", "DEA22"),
    ]
    .into_iter()
    .enumerate()
    {
        let member = app.entrepreneur(&format!("m{n}@example.eu")).await;
        let mut body = german_profile(name, &format!("HRB {n}"));
        body["nuts"] = json!([nuts]);
        app.approved_organisation(&member, &admin, body).await;
    }
    // A filter for Germany finds every German region, never France.
    assert_eq!(
        app.directory_names("nuts=DE").await,
        [
            "Bonn Inklusion",
            "Flensburg Werkstatt",
            "Hamburg Dienste",
            "Landsdækkende tyske"
        ]
    );
    // A filter for a German region finds who serves it and who serves all
    // of Germany.
    assert_eq!(
        app.directory_names("nuts=DEF01").await,
        ["Flensburg Werkstatt", "Landsdækkende tyske"]
    );
    assert_eq!(app.directory_names("nuts=FR").await, ["Lille Services"]);
    assert_eq!(app.directory_names("nuts=se2").await, ["Malmö Omsorg"]);
    // DE9 (Niedersachsen) sorts right before DEA (Nordrhein-Westfalen):
    // Bonn is not in Niedersachsen.
    assert_eq!(
        app.directory_names("nuts=DE9").await,
        ["Landsdækkende tyske"]
    );
    let unknown = app
        .api(Method::GET, "/api/v1/profiles?nuts=UKI", None, None)
        .await;
    assert_eq!(fields(&unknown), [("nuts".into(), "unknown".into())]);
}

async fn the_profile_api_lists_every_unknown_code_at_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let mut body = profile_body("Café Lyst ApS", &cvr(1));
    body["nuts"] = json!(["DK01", "UKI3", "XX1", "DE300"]);
    body["cpv"] = json!(["853", "99999999", "11111111"]);
    let refused = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&anna.access_token),
            Some(body),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<(String, String)> = refused.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let named = |field: &str, code: &str| {
        codes
            .iter()
            .any(|(f, message)| f == field && message.contains(code))
    };
    assert!(named("nuts", "UKI3") && named("nuts", "XX1"), "{codes:?}");
    assert!(named("cpv", "99999999") && named("cpv", "11111111"));
    assert_eq!(codes.len(), 4, "{codes:?}");
}

async fn a_body_that_fails_to_parse_names_its_field(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = officer(&app).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let cases = [
        (
            "/api/v1/tenders",
            officer.access_token.as_str(),
            TenderBuilder::new(&app)
                .set("estimated_value", json!("mange"))
                .body,
            "estimated_value",
        ),
        (
            "/api/v1/tenders",
            officer.access_token.as_str(),
            TenderBuilder::new(&app)
                .set(
                    "criteria",
                    json!([{"name": "Pris", "kind": "price", "weight": "halvtreds"}]),
                )
                .body,
            "criteria[0].weight",
        ),
        (
            "/api/v1/tenders",
            officer.access_token.as_str(),
            TenderBuilder::new(&app)
                .set("lots", json!([{"title": "Vest", "colour": "blå"}]))
                .body,
            "lots[0].colour",
        ),
        (
            "/api/v1/profiles",
            anna.access_token.as_str(),
            {
                let mut body = profile_body("Café Lyst ApS", &cvr(1));
                body["founded_year"] = json!("sidste år");
                body
            },
            "founded_year",
        ),
        (
            "/api/v1/profiles",
            anna.access_token.as_str(),
            {
                let mut body = profile_body("Café Lyst ApS", &cvr(1));
                body["favourite_colour"] = json!("blå");
                body
            },
            "favourite_colour",
        ),
    ];
    for (path, token, body, field) in cases {
        let refused = app
            .api_in(Method::POST, path, Some(token), Some(body), "en")
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(refused.error_code(), "invalid_body");
        assert_eq!(
            fields(&refused),
            [(field.to_owned(), "unreadable_value".to_owned())],
            "{}",
            refused.text()
        );
        let message = refused.json()["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.starts_with(&format!("{field} could not be read")),
            "{message}"
        );
    }
}
