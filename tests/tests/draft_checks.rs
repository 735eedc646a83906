//! Checks a draft gets that were missing, on both databases: "no strategic
//! procurement" beside a strategic aim, lot values above the estimate, a
//! procedure no municipality uses; and the draft pages: reserved choices
//! named by their article, only the procedures that apply, the running
//! total of the weights, a description's line breaks and lists kept on the
//! check page.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{
    AARHUS_CVR, Backend, PageSession, TenderBuilder, TestApp, TestResponse, on_both_databases,
};

on_both_databases!(
    contradictions_and_impossible_values_are_refused,
    the_draft_pages_name_articles_limit_procedures_and_total_weights,
    the_check_page_keeps_line_breaks_and_lists,
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

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

async fn contradictions_and_impossible_values_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let create = |body: serde_json::Value| {
        let token = officer.access_token.clone();
        let app = &app;
        async move {
            app.api(Method::POST, "/api/v1/tenders", Some(&token), Some(body))
                .await
        }
    };

    let both = create(
        TenderBuilder::new(&app)
            .set("strategic", json!(["none", "soc-obj"]))
            .body,
    )
    .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&both), [pair("strategic", "none_with_others")]);

    // 1,500,000 + 1,200,000 is more than the 2,400,000 estimated.
    let mut lots = TenderBuilder::new(&app).with_lots();
    lots.body["lots"][0]["estimated_value"] = json!(1_500_000);
    let above = create(lots.body.clone()).await;
    assert_eq!(above.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&above), [pair("lots", "values_above_estimate")]);
    // Exactly the estimate is fine.
    lots.body["lots"][0]["estimated_value"] = json!(1_200_000);
    assert_eq!(create(lots.body).await.status, StatusCode::CREATED);

    for procedure in ["comp-tend", "exp-int-rail"] {
        let refused = create(
            TenderBuilder::new(&app)
                .set("procedure_type", json!(procedure))
                .body,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{procedure}"
        );
        assert_eq!(
            fields(&refused),
            [pair("procedure_type", "not_for_authorities")]
        );
        assert!(
            refused.text().contains("en kommune eller region kan bruge"),
            "{}",
            refused.text()
        );
    }
    for procedure in ["oth-single", "neg-wo-call", "innovation"] {
        let made = create(
            TenderBuilder::new(&app)
                .set("procedure_type", json!(procedure))
                .body,
        )
        .await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "{procedure}: {}",
            made.text()
        );
    }
}

async fn the_draft_pages_name_articles_limit_procedures_and_total_weights(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;

    let reserved = mette
        .get(&format!("/tenders/{id}/edit/reserved"))
        .await
        .text();
    assert!(
        reserved.contains("beskyttede værksteder m.fl., direktivets art. 20</label>"),
        "each reservation names its article: {reserved}"
    );
    assert!(
        reserved.contains("offentlig tjenesteydelsesopgave, direktivets art. 77</label>"),
        "each reservation names its article: {reserved}"
    );
    assert!(
        reserved.contains("kun bruges til visse sociale, sundheds- og kulturelle"),
        "the hint says where article 77 applies: {reserved}"
    );

    let basics = mette
        .get(&format!("/tenders/{id}/edit/basics"))
        .await
        .text();
    assert!(basics.contains("<option value=\"open\""), "{basics}");
    assert!(basics.contains("<option value=\"oth-single\""), "{basics}");
    assert!(!basics.contains("value=\"comp-tend\""), "{basics}");
    assert!(!basics.contains("value=\"exp-int-rail\""), "{basics}");

    // 60 + 20 + 20 as saved, then 60 + 20 + 10 as typed and refused.
    let criteria = mette
        .get(&format!("/tenders/{id}/edit/criteria"))
        .await
        .text();
    assert!(
        criteria.contains("Vægte i alt: 100 % af 100 %"),
        "{criteria}"
    );
    let typed = mette
        .post(
            &format!("/tenders/{id}/edit/criteria"),
            &[
                ("crit_name_0", "Pris"),
                ("crit_kind_0", "price"),
                ("crit_weight_0", "60"),
                ("crit_name_1", "Kvalitet"),
                ("crit_kind_1", "quality"),
                ("crit_weight_1", "20"),
                ("crit_name_2", "Beskæftigelse"),
                ("crit_kind_2", "social"),
                ("crit_weight_2", "x"),
                ("crit_obj_2", "opp"),
            ],
        )
        .await;
    assert_eq!(
        typed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        typed.text()
    );
    assert!(
        typed.text().contains("Vægte i alt: 80 % af 100 %"),
        "{}",
        typed.text()
    );
}

async fn the_check_page_keeps_line_breaks_and_lists(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set(
            "description",
            json!("Daglig rengøring af 12 daginstitutioner.\nOgså i ferierne.\nVi har brug for:\n- 12 adresser\n- 4.800 m²\n\nSidste afsnit."),
        )
        .draft(&app, &officer)
        .await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let check = mette.get(&format!("/tenders/{id}/check")).await.text();
    assert!(
        check.contains("<p class=\"prose\">Daglig rengøring af 12 daginstitutioner.\nOgså i ferierne.\nVi har brug for:</p>"),
        "{check}"
    );
    assert!(
        check
            .contains("<ul class=\"list list--bullet\"><li>12 adresser</li><li>4.800 m²</li></ul>"),
        "{check}"
    );
    assert!(
        check.contains("<p class=\"prose\">Sidste afsnit.</p>"),
        "{check}"
    );
    let hint = mette
        .get(&format!("/tenders/{id}/edit/basics"))
        .await
        .text();
    assert!(
        hint.contains("Start hver linje i en liste med »- «"),
        "{hint}"
    );
}
