//! The directory over the profile index, on both databases: words in
//! Danish and English with the filters, facet counts, alphabetical order
//! without words, a suspension followed by the index, and bad input named
//! by its field.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{Backend, Person, TestApp, cvr, on_both_databases, profile_body};

on_both_databases!(
    words_in_either_language_narrow_the_directory_with_facets,
    without_words_the_directory_reads_in_danish_alphabetical_order,
    a_suspended_enterprise_leaves_the_directory_once_the_index_follows,
    bad_words_are_refused_naming_the_field,
    the_directory_page_searches_words_with_chips_and_facets,
);

/// Three approved enterprises: a Danish canteen for schools, Café Lyst
/// (the fixture's kitchen and café) and an English-speaking cleaner.
async fn three_enterprises(app: &TestApp) -> (Person, i64) {
    let admin = app.admin("admin@socialbid.dk").await;
    let mut oen = profile_body("Øens Køkken ApS", &cvr(1));
    oen["mission"] = json!("Vi driver kantiner på skolerne og træner unge ledige.");
    oen["capabilities"] = json!("Madlavning til børn og ældre.");
    oen["cpv"] = json!(["55523100"]);
    oen["nuts"] = json!(["DK014"]);
    let cafe = profile_body("Café Lyst ApS", &cvr(2));
    let mut clean = profile_body("Clean Start ApS", &cvr(3));
    clean["mission"] = json!("We employ people far from the labour market.");
    clean["capabilities"] = json!("Cleaning of offices and sports halls.");
    clean["cpv"] = json!(["90911200"]);
    clean["nuts"] = json!(["DK04"]);
    clean["social_objectives"] = json!(["opp", "work-cond"]);
    clean["reserved_res_ws"] = json!(false);
    clean["res_ws_justification"] = json!("");
    clean["rsv_registered"] = json!(false);
    clean["rsv_registered_on"] = Value::Null;
    let mut clean_id = 0;
    for (email, body) in [
        ("oen@example.dk", oen),
        ("anna@cafe-lyst.dk", cafe),
        ("sam@clean-start.dk", clean),
    ] {
        let member = app.entrepreneur(email).await;
        clean_id = app.approved_organisation(&member, &admin, body).await;
    }
    app.index().await;
    (admin, clean_id)
}

/// The names of a directory page, in the order shown.
fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().expect("a name"))
        .collect()
}

fn facet(page: &Value, group: &str) -> Vec<(String, u64)> {
    page["facets"][group]
        .as_array()
        .expect("a facet group")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("a code").to_owned(),
                f["count"].as_u64().expect("a count"),
            )
        })
        .collect()
}

async fn words_in_either_language_narrow_the_directory_with_facets(backend: Backend) {
    let app = TestApp::new(backend).await;
    three_enterprises(&app).await;

    // Danish stemming: "skole" finds "skolerne"; English: "cleaning" finds
    // "Cleaning", "employed" finds "employ".
    assert_eq!(names(&app.directory("q=skole").await), ["Øens Køkken ApS"]);
    assert_eq!(
        names(&app.directory("q=cleaning").await),
        ["Clean Start ApS"]
    );
    assert_eq!(
        names(&app.directory("q=employed").await),
        ["Clean Start ApS"]
    );
    // The name is searched too.
    assert_eq!(names(&app.directory("q=lyst").await), ["Café Lyst ApS"]);
    // Words and filters together: both must hold.
    assert!(names(&app.directory("q=skole&cpv=909").await).is_empty());
    assert_eq!(
        names(
            &app.directory("q=cleaning&nuts=DK04&objective=work-cond")
                .await
        ),
        ["Clean Start ApS"]
    );

    let all = app.directory("").await;
    assert_eq!(all["total"], 3);
    assert_eq!(
        facet(&all, "cpv_divisions"),
        [("55".into(), 1), ("85".into(), 1), ("90".into(), 1)]
    );
    assert_eq!(
        facet(&all, "objectives"),
        [("opp".into(), 3), ("work-cond".into(), 1)]
    );
    assert_eq!(facet(&all, "reserved"), [("res-ws".into(), 2)]);
    assert_eq!(
        facet(&all, "rsv"),
        [("not-rsv".into(), 1), ("rsv".into(), 2)]
    );
    // The facets count what the words found, not the whole directory.
    let cleaning = app.directory("q=cleaning").await;
    assert_eq!(cleaning["total"], 1);
    assert_eq!(facet(&cleaning, "cpv_divisions"), [("90".into(), 1)]);
    assert_eq!(facet(&cleaning, "reserved"), []);
}

async fn without_words_the_directory_reads_in_danish_alphabetical_order(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let listed = [
        "Åens Vaskeri ApS",
        "Zoneterapi for Alle ApS",
        "æblehaven ApS",
        "Cafe Bogen ApS",
        "Café Anker ApS",
        "Øresund Grønt ApS",
    ];
    for (n, name) in (1_u32..).zip(listed) {
        let member = app.entrepreneur(&format!("m{n}@example.dk")).await;
        app.approved_organisation(&member, &admin, profile_body(name, &cvr(n)))
            .await;
    }
    app.index().await;
    // Case and accents do not reorder; æ, ø and å follow z, in that order.
    assert_eq!(
        names(&app.directory("").await),
        [
            "Café Anker ApS",
            "Cafe Bogen ApS",
            "Zoneterapi for Alle ApS",
            "æblehaven ApS",
            "Øresund Grønt ApS",
            "Åens Vaskeri ApS",
        ]
    );
    // With words the best match comes first instead.
    assert_eq!(names(&app.directory("q=anker").await), ["Café Anker ApS"]);
}

async fn a_suspended_enterprise_leaves_the_directory_once_the_index_follows(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (admin, clean_start) = three_enterprises(&app).await;
    assert_eq!(
        names(&app.directory("q=cleaning").await),
        ["Clean Start ApS"]
    );
    app.decide(&admin, clean_start, "suspend", Some("Snyd"))
        .await;
    app.index().await;
    let after = app.directory("q=cleaning").await;
    assert_eq!(after["total"], 0);
    assert!(names(&after).is_empty());
    let all = app.directory("").await;
    assert_eq!(names(&all), ["Café Lyst ApS", "Øens Køkken ApS"]);
    assert_eq!(facet(&all, "rsv"), [("rsv".into(), 2)]);
}

async fn bad_words_are_refused_naming_the_field(backend: Backend) {
    let app = TestApp::new(backend).await;
    three_enterprises(&app).await;
    let refused = |query: String| {
        let app = &app;
        async move {
            let response = app
                .api(
                    Method::GET,
                    &format!("/api/v1/profiles?{query}"),
                    None,
                    None,
                )
                .await;
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {}",
                response.text()
            );
            response.json()["error"]["fields"][0].clone()
        }
    };
    let control = refused("q=a%00b".into()).await;
    assert_eq!(control["field"], "q");
    assert_eq!(
        control["message"],
        "Må ikke indeholde styretegn som NUL-tegnet (tabulatorer og linjeskift er fine)"
    );
    let long = refused(format!("q={}", "a".repeat(10_000))).await;
    assert_eq!(long["field"], "q");
    assert!(long["message"].as_str().unwrap().contains("200"), "{long}");
    assert_eq!(refused("reserved=art20".into()).await["field"], "reserved");
    // A page past the end shows the last one.
    let past = app.directory("q=cleaning&page=7").await;
    assert_eq!(
        (past["page"].clone(), past["pages"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(names(&past), ["Clean Start ApS"]);
}

async fn the_directory_page_searches_words_with_chips_and_facets(backend: Backend) {
    let app = TestApp::new(backend).await;
    three_enterprises(&app).await;
    let page = app.page(Method::GET, "/profiles?q=skole", "", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("1 virksomhed"), "{html}");
    assert!(html.contains("Øens Køkken ApS"));
    assert!(!html.contains("Clean Start ApS"));
    // The words stay in their field and show as a chip removing them.
    assert!(html.contains(r#"id="q" name="q" type="text" value="skole""#));
    assert!(html.contains(
        r#"<a class="filter-chip" href="&#x2f;profiles"><span class="visually-hidden">Fjern filter: </span>»skole«"#
    ));
    // Beside the results, a facet adds its filter to the words.
    assert!(html.contains("Indsnævr resultaterne"));
    assert!(
        html.contains(r#"href="&#x2f;profiles?q=skole&amp;cpv=55" lang="en">55 Hotel"#),
        "{html}"
    );

    let refused = app
        .page(
            Method::GET,
            &format!("/profiles?q={}", "a".repeat(300)),
            "",
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("200"));
}
