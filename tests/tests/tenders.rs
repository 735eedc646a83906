//! Tenders through the router on both databases: the whole lifecycle and
//! each rule the server enforces, one assertion per rule.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, TenderBuilder, TestApp, TestResponse, in_days,
    on_both_databases,
};

on_both_databases!(
    a_tender_lives_from_draft_to_closed,
    a_draft_saves_with_gaps_and_publishing_lists_every_problem,
    weights_must_sum_to_100,
    at_least_one_criterion,
    social_criteria_need_social_objectives,
    article_77_only_with_light_regime_cpv,
    article_20_is_open_to_any_cpv,
    a_deadline_in_the_past_cannot_be_set,
    a_short_period_warns_but_publishes,
    a_published_version_cannot_be_edited_only_amended,
    amending_needs_a_reason_and_a_change,
    extending_the_deadline_moves_the_automatic_close,
    cancelled_and_closed_tenders_accept_no_questions,
    questions_close_at_the_question_deadline,
    questions_never_reveal_the_asker,
    answers_are_mailed_to_the_asker_and_followers,
    refusals_name_the_rule_in_the_users_language,
    the_public_list_is_newest_first_and_paginated,
    documents_are_checked_by_content_and_served_safely,
    a_person_export_holds_their_questions,
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

async fn publish(app: &TestApp, token: &str, id: i64) -> TestResponse {
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{id}/publish"),
        Some(token),
        None,
    )
    .await
}

async fn get(app: &TestApp, token: Option<&str>, id: i64) -> TestResponse {
    app.api(Method::GET, &format!("/api/v1/tenders/{id}"), token, None)
        .await
}

async fn amend(app: &TestApp, token: &str, id: i64, reason: &str, tender: Value) -> TestResponse {
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{id}/amend"),
        Some(token),
        Some(json!({ "reason": reason, "tender": tender })),
    )
    .await
}

async fn ask(app: &TestApp, token: &str, id: i64, question: &str) -> TestResponse {
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{id}/questions"),
        Some(token),
        Some(json!({ "question": question })),
    )
    .await
}

async fn a_tender_lives_from_draft_to_closed(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let token = officer.access_token.as_str();
    let builder = TenderBuilder::new(&app).with_lots();
    let id = builder.draft(&app, &officer).await;

    let draft = get(&app, Some(token), id).await.json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["version"], 0);
    assert_eq!(draft["social_weight"], 20);
    assert_eq!(draft["lots"].as_array().unwrap().len(), 2);
    assert_eq!(draft["authority"]["cvr"], AARHUS_CVR);

    let published = publish(&app, token, id).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text());
    let tender = get(&app, None, id).await.json();
    assert_eq!(tender["status"], "published");
    assert_eq!(tender["version"], 1);
    assert_eq!(tender["versions"][0]["kind"], "publish");
    assert!(tender["published_at"].is_string());

    // The public list shows it, with what a reader scans for.
    let list = app
        .api(Method::GET, "/api/v1/tenders", None, None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    let item = &list["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["authority_name"], "Aarhus Kommune");
    assert_eq!(item["social_weight"], 20);
    assert_eq!(item["main_cpv"], "90911200");
    assert_eq!(item["estimated_value"], 2_400_000);
    assert_eq!(item["currency"], "DKK");

    // An amendment: a new version and a change log shown to everyone.
    let mut changed = builder.body.clone();
    changed["title"] = json!("Rengøring af daginstitutioner i Aarhus Vest og Syd");
    changed["submission_deadline"] = json!(in_days(&app, 45));
    let amended = amend(&app, token, id, "Flere institutioner", changed).await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    let tender = get(&app, None, id).await.json();
    assert_eq!(tender["version"], 2);
    let log = &tender["versions"][1];
    assert_eq!(log["kind"], "amend");
    assert_eq!(log["reason"], "Flere institutioner");
    let changed_fields: Vec<&str> = log["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(changed_fields, ["title", "submission_deadline"]);
    assert_eq!(
        log["changes"][0]["before"],
        "Rengøring af daginstitutioner i Aarhus Vest"
    );

    // The deadline passes: the worker closes it without anyone asking.
    app.state.clock.advance(Duration::days(46));
    app.run_jobs().await;
    let officer = app.relogin(&officer).await;
    let token = officer.access_token.as_str();
    let tender = get(&app, None, id).await.json();
    assert_eq!(tender["status"], "closed");
    assert!(tender["closed_at"].is_string());
    assert_eq!(app.pending_jobs().await, 0);

    // Cancelled with a reason, shown to everyone.
    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/cancel"),
            Some(token),
            Some(json!({ "reason": "Budgettet er bortfaldet" })),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    let tender = get(&app, None, id).await.json();
    assert_eq!(tender["status"], "cancelled");
    assert_eq!(tender["cancel_reason"], "Budgettet er bortfaldet");
    assert_eq!(tender["versions"][2]["kind"], "cancel");

    // The officer's dashboard lists it by state.
    let mine = app
        .api(
            Method::GET,
            "/api/v1/tenders/mine?status=cancelled",
            Some(token),
            None,
        )
        .await
        .json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    // A state that does not exist is a parameter the document does not
    // allow: 400, named.
    let unknown = app
        .api(
            Method::GET,
            "/api/v1/tenders/mine?status=active",
            Some(token),
            None,
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::BAD_REQUEST,
        "{}",
        unknown.text()
    );
    assert_eq!(unknown.error_code(), "invalid_parameter");
    assert_eq!(unknown.json()["error"]["fields"][0]["field"], "status");
}

async fn a_draft_saves_with_gaps_and_publishing_lists_every_problem(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let token = officer.access_token.as_str();
    let created = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(token),
            Some(json!({ "title": "Kantinedrift" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let refused = publish(&app, token, id).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = fields(&refused);
    for expected in [
        ("description", "required"),
        ("contract_nature", "required"),
        ("procedure_type", "required"),
        ("main_cpv", "required"),
        ("nuts_codes", "required"),
        ("submission_deadline", "required"),
        ("question_deadline", "required"),
        ("criteria", "none"),
    ] {
        assert!(
            problems.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} missing from {problems:?}"
        );
    }
    assert_eq!(get(&app, Some(token), id).await.json()["status"], "draft");

    // What a draft says must be true even with gaps.
    let wrong = app
        .api(
            Method::PUT,
            &format!("/api/v1/tenders/{id}"),
            Some(token),
            Some(
                json!({ "title": "Kantinedrift", "main_cpv": "85399999", "nuts_codes": ["UKI3"] }),
            ),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&wrong),
        [
            ("main_cpv".into(), "cpv_unknown".into()),
            ("nuts_codes".into(), "unknown".into())
        ]
    );
}

async fn weights_must_sum_to_100(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set(
            "criteria",
            json!([
                {"name": "Pris", "kind": "price", "weight": 60},
                {"name": "Social værdi", "kind": "social", "weight": 30, "social_objectives": ["opp"]}
            ]),
        )
        .draft(&app, &officer)
        .await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        [("criteria".into(), "weights_sum".into())]
    );
    assert!(
        refused.json()["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Lige nu giver de 90"),
        "{}",
        refused.text()
    );

    // Two weights as large as an i32 holds, one written as a whole number
    // with a fraction: each is out of range, and adding them up on the
    // way does not overflow (it answered 500).
    let huge = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(json!({"title": "Rengøring", "criteria": [
                {"name": "Pris", "kind": "price", "weight": 2_000_000_000},
                {"name": "Kvalitet", "kind": "quality", "weight": 2_000_000_000.0}
            ]})),
        )
        .await;
    assert_eq!(
        huge.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        huge.text()
    );
    assert_eq!(
        fields(&huge),
        [
            ("criteria".into(), "weight_range".into()),
            ("criteria".into(), "weight_range".into())
        ]
    );
}

async fn at_least_one_criterion(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set("criteria", json!([]))
        .draft(&app, &officer)
        .await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused), [("criteria".into(), "none".into())]);
}

async fn social_criteria_need_social_objectives(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set(
            "criteria",
            json!([
                {"name": "Pris", "kind": "price", "weight": 70},
                {"name": "Social værdi", "kind": "social", "weight": 30}
            ]),
        )
        .draft(&app, &officer)
        .await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert_eq!(
        fields(&refused),
        [("criteria".into(), "objectives_required".into())]
    );
    let unknown = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(&officer.access_token),
            Some(json!({"criteria": [{"name": "S", "kind": "social", "weight": 100, "social_objectives": ["happiness"]}]})),
        )
        .await;
    assert_eq!(
        fields(&unknown),
        [("criteria".into(), "objective_unknown".into())]
    );
}

async fn article_77_only_with_light_regime_cpv(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    // Social work services are listed in Article 77(1): allowed.
    TenderBuilder::new(&app)
        .article_77()
        .publish(&app, &officer)
        .await;
    // Cleaning is not: refused, naming the code.
    let id = TenderBuilder::new(&app)
        .set("reserved", json!("res-pub-ser"))
        .draft(&app, &officer)
        .await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        [("reserved".into(), "article_77_cpv".into())]
    );
    assert!(refused.text().contains("90911200"), "{}", refused.text());
    // A social-service main code with a cleaning code among the additional
    // ones, or in a lot, is refused too.
    let id = TenderBuilder::new(&app)
        .article_77()
        .set("additional_cpv", json!(["90911200"]))
        .draft(&app, &officer)
        .await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert_eq!(
        fields(&refused),
        [("reserved".into(), "article_77_cpv".into())]
    );
    let id = TenderBuilder::new(&app)
        .article_77()
        .set(
            "lots",
            json!([{"title": "Rengøring", "cpv_codes": ["90911200"], "estimated_value": 100000}]),
        )
        .draft(&app, &officer)
        .await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert_eq!(
        fields(&refused),
        [("reserved".into(), "article_77_cpv".into())]
    );
}

async fn article_20_is_open_to_any_cpv(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set("reserved", json!("res-ws"))
        .publish(&app, &officer)
        .await;
    assert_eq!(
        get(&app, None, id).await.json()["reserved"],
        json!(["res-ws"])
    );
}

async fn a_deadline_in_the_past_cannot_be_set(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let token = officer.access_token.as_str();
    let past = TenderBuilder::new(&app).set("submission_deadline", json!(in_days(&app, -1)));
    let refused = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(token),
            Some(past.body.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fields(&refused).contains(&("submission_deadline".into(), "in_past".into())));
    let past = TenderBuilder::new(&app).set("question_deadline", json!(in_days(&app, -1)));
    let refused = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(token),
            Some(past.body.clone()),
        )
        .await;
    assert_eq!(
        fields(&refused),
        [("question_deadline".into(), "in_past".into())]
    );
    // A draft whose deadline has passed while it waited cannot be published.
    // Questions after the tender deadline make no sense either.
    let late = TenderBuilder::new(&app).set("question_deadline", json!(in_days(&app, 50)));
    let refused = app
        .api(
            Method::POST,
            "/api/v1/tenders",
            Some(token),
            Some(late.body.clone()),
        )
        .await;
    assert_eq!(
        fields(&refused),
        [("question_deadline".into(), "after_submission".into())]
    );
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    app.state.clock.advance(Duration::days(41));
    let officer = app.relogin(&officer).await;
    let refused = publish(&app, &officer.access_token, id).await;
    assert!(fields(&refused).contains(&("submission_deadline".into(), "in_past".into())));
}

async fn a_short_period_warns_but_publishes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set("submission_deadline", json!(in_days(&app, 20)))
        .set("question_deadline", json!(in_days(&app, 10)))
        .draft(&app, &officer)
        .await;
    let draft = get(&app, Some(&officer.access_token), id).await.json();
    assert_eq!(draft["warnings"][0]["code"], "short_period");
    assert_eq!(draft["warnings"][0]["minimum"], 30);
    let published = publish(&app, &officer.access_token, id).await;
    assert_eq!(published.status, StatusCode::OK);
    assert_eq!(published.json()["warnings"][0]["code"], "short_period");
    // The public does not see the officer's warnings.
    assert_eq!(get(&app, None, id).await.json()["warnings"], json!([]));
    // Publishing queued the tender's matching.
    app.run_jobs().await;
}

async fn a_published_version_cannot_be_edited_only_amended(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let builder = TenderBuilder::new(&app);
    let id = builder.publish(&app, &officer).await;
    let edited = app
        .api(
            Method::PUT,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            Some(builder.clone().set("title", json!("Noget andet")).body),
        )
        .await;
    assert_eq!(edited.status, StatusCode::CONFLICT);
    assert_eq!(edited.error_code(), "tender_not_draft");
    let deleted = app
        .api(
            Method::DELETE,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::CONFLICT);
    assert_eq!(
        get(&app, None, id).await.json()["title"],
        builder.body["title"]
    );
    // Publishing twice is refused too.
    assert_eq!(
        publish(&app, &officer.access_token, id).await.status,
        StatusCode::CONFLICT
    );
}

async fn amending_needs_a_reason_and_a_change(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let token = officer.access_token.as_str();
    let builder = TenderBuilder::new(&app);
    let draft = builder.draft(&app, &officer).await;
    let refused = amend(&app, token, draft, "x", builder.body.clone()).await;
    assert_eq!(refused.error_code(), "tender_not_published");
    let id = builder.publish(&app, &officer).await;
    let same = amend(&app, token, id, "Ingen ændring", builder.body.clone()).await;
    assert_eq!(fields(&same), [("tender".into(), "no_changes".into())]);
    let changed = builder.clone().set("estimated_value", json!(2_600_000));
    let no_reason = amend(&app, token, id, " ", changed.body.clone()).await;
    assert_eq!(
        fields(&no_reason),
        [("amend_reason".into(), "required".into())]
    );
    // An amendment is checked like a publication.
    let broken = builder.clone().set(
        "criteria",
        json!([{"name": "Pris", "kind": "price", "weight": 50}]),
    );
    let refused = amend(&app, token, id, "Vægte", broken.body).await;
    assert_eq!(
        fields(&refused),
        [("criteria".into(), "weights_sum".into())]
    );
    assert_eq!(get(&app, None, id).await.json()["version"], 1);
}

async fn extending_the_deadline_moves_the_automatic_close(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let builder = TenderBuilder::new(&app);
    let id = builder.publish(&app, &officer).await;
    let later = builder
        .clone()
        .set("submission_deadline", json!(in_days(&app, 60)));
    let amended = amend(&app, &officer.access_token, id, "Mere tid", later.body).await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    app.state.clock.advance(Duration::days(41));
    app.run_jobs().await;
    assert_eq!(get(&app, None, id).await.json()["status"], "published");
    app.state.clock.advance(Duration::days(20));
    app.run_jobs().await;
    assert_eq!(get(&app, None, id).await.json()["status"], "closed");
}

async fn cancelled_and_closed_tenders_accept_no_questions(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let anna = app.entrepreneur("anna@cafe.dk").await;
    let cancelled = TenderBuilder::new(&app).publish(&app, &officer).await;
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{cancelled}/cancel"),
        Some(&officer.access_token),
        Some(json!({ "reason": "Fejl i udbuddet" })),
    )
    .await;
    let refused = ask(&app, &anna.access_token, cancelled, "Hvor mange?").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "tender_cancelled");

    let closed = TenderBuilder::new(&app)
        .set("question_deadline", json!(in_days(&app, 1)))
        .set("submission_deadline", json!(in_days(&app, 2)))
        .publish(&app, &officer)
        .await;
    app.state.clock.advance(Duration::days(3));
    app.run_jobs().await;
    let anna = app.relogin(&anna).await;
    assert_eq!(get(&app, None, closed).await.json()["status"], "closed");
    let refused = ask(&app, &anna.access_token, closed, "Hvor mange?").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "tender_closed");
}

async fn questions_close_at_the_question_deadline(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let anna = app.entrepreneur("anna@cafe.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    assert_eq!(
        ask(&app, &anna.access_token, id, "Før fristen")
            .await
            .status,
        StatusCode::CREATED
    );
    app.state.clock.advance(Duration::days(31));
    let (anna, officer) = (app.relogin(&anna).await, app.relogin(&officer).await);
    let refused = ask(&app, &anna.access_token, id, "Efter fristen").await;
    assert_eq!(refused.error_code(), "question_deadline_passed");
    // Only entrepreneurs ask.
    let officer_asks = ask(&app, &officer.access_token, id, "?").await;
    assert_eq!(officer_asks.status, StatusCode::FORBIDDEN);
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

async fn questions_never_reveal_the_asker(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let anna = app.entrepreneur("anna@cafe.dk").await;
    let bo = app.entrepreneur("bo@rengoering.dk").await;
    let admin = app.admin("admin@socialbid.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let qid = ask(&app, &anna.access_token, id, "Må vi byde på én delaftale?")
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    // Unanswered: the owning officer sees it, the public does not.
    let seen = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/questions"),
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(seen.json().as_array().unwrap().len(), 1);
    let public = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/questions"),
            None,
            None,
        )
        .await;
    assert_eq!(public.json(), json!([]));
    let answered = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/questions/{qid}/answer"),
            Some(&officer.access_token),
            Some(json!({ "answer": "Ja." })),
        )
        .await;
    assert_eq!(
        answered.status,
        StatusCode::NO_CONTENT,
        "{}",
        answered.text()
    );
    // Nobody but the admin learns who asked: not the officer, not another
    // entrepreneur, not the public, in the list or on the tender.
    for token in [
        None,
        Some(bo.access_token.as_str()),
        Some(officer.access_token.as_str()),
    ] {
        for path in [
            format!("/api/v1/tenders/{id}/questions"),
            format!("/api/v1/tenders/{id}"),
        ] {
            let response = app.api(Method::GET, &path, token, None).await;
            let text = response.text();
            assert!(text.contains("Må vi byde"), "{path}: {text}");
            assert!(!text.contains("anna@cafe.dk"), "{path}: {text}");
            assert!(!text.contains("Anna Jensen"), "{path}: {text}");
            assert!(!text.contains("asked_by"), "{path}: {text}");
        }
    }
    let for_admin = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/questions"),
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(for_admin[0]["asked_by"]["email"], "anna@cafe.dk");
    // The tender page shows the answer without the name either.
    let page = app
        .page(Method::GET, &format!("/tenders/{id}"), "", None)
        .await;
    assert!(page.text().contains("Ja."), "{}", page.text());
    assert!(!page.text().contains("anna@cafe.dk"));
    // Answering twice is refused.
    let again = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/questions/{qid}/answer"),
            Some(&officer.access_token),
            Some(json!({ "answer": "Nej." })),
        )
        .await;
    assert_eq!(again.error_code(), "question_answered");
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

async fn answers_are_mailed_to_the_asker_and_followers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let anna = app.entrepreneur("anna@cafe.dk").await;
    let bo = app.entrepreneur("bo@rengoering.dk").await;
    let carl = app.entrepreneur("carl@kantine.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    for person in [&bo, &carl] {
        let followed = app
            .api(
                Method::PUT,
                &format!("/api/v1/tenders/{id}/follow"),
                Some(&person.access_token),
                None,
            )
            .await;
        assert_eq!(followed.status, StatusCode::NO_CONTENT);
    }
    app.api(
        Method::DELETE,
        &format!("/api/v1/tenders/{id}/follow"),
        Some(&carl.access_token),
        None,
    )
    .await;
    assert_eq!(
        get(&app, Some(&bo.access_token), id).await.json()["following"],
        true
    );
    let qid = ask(&app, &anna.access_token, id, "Hvor mange m²?")
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    app.run_jobs().await;
    // The officer is told there is a question, without who asked.
    let told = app.mails_to("mette@aarhus.dk");
    let told = told
        .iter()
        .find(|m| m.text.contains("Hvor mange m²?"))
        .expect("the officer is mailed");
    assert!(!told.text.contains("anna@cafe.dk") && !told.text.contains("Anna Jensen"));
    let before = app.mails().len();
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{id}/questions/{qid}/answer"),
        Some(&officer.access_token),
        Some(json!({ "answer": "4.800 m²." })),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(app.mails().len(), before + 2);
    for person in [&anna, &bo] {
        let mails = app.mails_to(&person.email);
        let mail = mails.last().expect("a mail");
        assert!(mail.text.contains("4.800 m²."), "{}", mail.text);
        assert!(
            mail.text.contains(&format!("/tenders/{id}")),
            "{}",
            mail.text
        );
        assert!(!mail.text.contains("anna@cafe.dk"));
    }
    assert!(
        !app.mails_to(&carl.email)
            .iter()
            .any(|m| m.text.contains("4.800 m²."))
    );
    // An amendment reaches the follower too.
    let changed = TenderBuilder::new(&app).set("estimated_value", json!(2_500_000));
    amend(&app, &officer.access_token, id, "Ny værdi", changed.body).await;
    app.run_jobs().await;
    assert!(
        app.mails_to(&bo.email)
            .iter()
            .any(|m| m.text.contains("Ny værdi"))
    );
}

async fn refusals_name_the_rule_in_the_users_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .set(
            "criteria",
            json!([{"name": "Pris", "kind": "price", "weight": 90}]),
        )
        .draft(&app, &officer)
        .await;
    let path = format!("/api/v1/tenders/{id}/publish");
    let da = app
        .api_in(Method::POST, &path, Some(&officer.access_token), None, "da")
        .await;
    assert_eq!(
        da.json()["error"]["fields"][0]["message"],
        "Vægtene skal give 100 i alt. Lige nu giver de 90"
    );
    let en = app
        .api_in(Method::POST, &path, Some(&officer.access_token), None, "en")
        .await;
    assert_eq!(
        en.json()["error"]["fields"][0]["message"],
        "The weights must add up to 100. Now they add up to 90"
    );
    let other = app.officer("ole@kk.dk", KOBENHAVN_CVR).await;
    let published = TenderBuilder::new(&app).publish(&app, &officer).await;
    let refused = app
        .api_in(
            Method::POST,
            &format!("/api/v1/tenders/{published}/cancel"),
            Some(&other.access_token),
            Some(json!({"reason": "x"})),
            "en",
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.json()["error"]["message"],
        "Only buyers at the authority that owns the tender can do this"
    );
}

async fn the_public_list_is_newest_first_and_paginated(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            TenderBuilder::new(&app)
                .set("title", json!(format!("Udbud {n}")))
                .publish(&app, &officer)
                .await,
        );
        app.state.clock.advance(Duration::minutes(1));
    }
    // A draft never shows.
    TenderBuilder::new(&app).draft(&app, &officer).await;
    let first = app
        .api(Method::GET, "/api/v1/tenders?per_page=2", None, None)
        .await
        .json();
    assert_eq!(first["total"], 5);
    assert_eq!(first["pages"], 3);
    let listed: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [ids[4], ids[3]]);
    let last = app
        .api(Method::GET, "/api/v1/tenders?per_page=2&page=3", None, None)
        .await
        .json();
    assert_eq!(last["items"][0]["id"], ids[0]);
    // The search page lists them too.
    app.index().await;
    let page = app.page(Method::GET, "/tenders?page=1", "", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Udbud 4"), "{}", page.text());
}

async fn documents_are_checked_by_content_and_served_safely(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let upload = |name: &str, body: &[u8]| {
        let request = axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/tenders/{id}/documents?name={name}"))
            .header("authorization", format!("Bearer {}", officer.access_token))
            .header("content-type", "application/pdf")
            .body(axum::body::Body::from(body.to_vec()))
            .unwrap();
        app.send(request)
    };
    let fake = upload("udbud.pdf", b"<script>alert(1)</script>").await;
    assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&fake), [("file".into(), "wrong_type".into())]);
    // Larger than axum's 2 MB default, within the stated 20 MB: accepted.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(3 * 1024 * 1024, b' ');
    let big_request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tenders/{id}/documents?name=tegninger.pdf"))
        .header("authorization", format!("Bearer {}", officer.access_token))
        .header("content-type", "application/pdf")
        .body(axum::body::Body::from(big.clone()))
        .unwrap();
    assert_eq!(app.send(big_request).await.status, StatusCode::CREATED);
    big.resize(21 * 1024 * 1024, b' ');
    let too_big = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tenders/{id}/documents?name=for-stor.pdf"))
        .header("authorization", format!("Bearer {}", officer.access_token))
        .header("content-type", "application/pdf")
        .body(axum::body::Body::from(big))
        .unwrap();
    assert_eq!(
        app.send(too_big).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let empty = upload("tom.pdf", b"").await;
    assert_eq!(fields(&empty), [("file".into(), "empty".into())]);
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let stored = upload("udbudsbetingelser.pdf", pdf).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    let doc = stored.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/tenders/{id}/documents/{doc}");
    // A draft's documents are as hidden as the draft.
    assert_eq!(
        app.api(Method::GET, &path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let got = app
        .api(Method::GET, &path, Some(&officer.access_token), None)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, pdf);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        got.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"udbudsbetingelser.pdf\"")
    );
    publish(&app, &officer.access_token, id).await;
    assert_eq!(
        app.api(Method::GET, &path, None, None).await.status,
        StatusCode::OK
    );
    let listed = get(&app, None, id).await.json();
    assert_eq!(listed["documents"][1]["file_name"], "udbudsbetingelser.pdf");
    // A document added after publication is a visible change.
    let added = upload("bilag.pdf", pdf).await;
    assert_eq!(added.status, StatusCode::CREATED);
    let tender = get(&app, None, id).await.json();
    assert_eq!(tender["version"], 2);
    assert_eq!(tender["versions"][1]["changes"][0]["field"], "documents");
    assert_eq!(
        tender["versions"][1]["changes"][0]["after"],
        "tegninger.pdf, udbudsbetingelser.pdf, bilag.pdf"
    );
    // Publishing queued the tender's matching.
    app.run_jobs().await;
}

async fn a_person_export_holds_their_questions(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let anna = app.entrepreneur("anna@cafe.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    ask(&app, &anna.access_token, id, "Hvor mange institutioner?").await;
    let export = app.data_export(&anna.access_token).await;
    assert_eq!(
        export["questions"][0]["question"],
        "Hvor mange institutioner?"
    );
    assert_eq!(export["questions"][0]["tender_id"], id);
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}
