//! Consortia through the router, on both databases: the lead invites
//! partners (mailed), each answers once, the bid is submitted only when
//! nobody is pending and names every member with its role and share;
//! partners read the bid they belong to and nothing else; a reserved
//! tender wants every member eligible; an organisation takes part in one
//! bid per lot; and the indexer suggests partners for what the lead lacks.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use socialbid_tests::{
    Backend, Person, TenderBuilder, TestApp, complete_bid, cvr, offering_body, on_both_databases,
    profile_body,
};

on_both_databases!(
    a_consortium_bid_names_every_member_and_partners_read_it,
    invitations_are_checked_and_worded,
    only_the_lead_forms_the_consortium,
    a_partner_answers_once_and_takes_part_in_one_bid_per_lot,
    a_reserved_tender_wants_every_member_eligible,
    partners_are_suggested_for_what_the_lead_lacks,
    a_consortium_that_wins_is_published_with_its_partners,
    parallel_invitations_never_give_away_more_than_the_bid,
    joining_two_bids_and_bidding_alone_at_once_leave_one_part_per_lot,
);

struct Scene {
    app: TestApp,
    officer: Person,
    lead: Person,
    partner: Person,
    partner_org: i64,
    stranger: Person,
    stranger_org: i64,
}

/// Café Lyst (canteens) leads; Grøn Rengøring (cleaning) may partner;
/// Bo of Fjordens Have bids on his own.
async fn scene(backend: Backend) -> Scene {
    let app = TestApp::new(backend).await;
    let e = app.three_enterprises().await;
    Scene {
        app,
        officer: e.officer,
        lead: e.cafe,
        partner: e.cleaner,
        partner_org: e.cleaner_org,
        stranger: e.gardener,
        stranger_org: e.gardener_org,
    }
}

async fn call(
    app: &TestApp,
    method: Method,
    who: &Person,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let response = app.api(method, path, Some(&who.access_token), body).await;
    let json = if response.body.is_empty() {
        Value::Null
    } else {
        response.json()
    };
    (response.status, json)
}

async fn start_bid(app: &TestApp, who: &Person, tender: i64) -> i64 {
    app.started_bid(who, tender, complete_bid(1_950_000)).await
}

fn invitation(organisation: i64, share: i64) -> Value {
    json!({"organisation_id": organisation, "partner_role": "Rengøring af institutionerne",
           "share_percent": share})
}

fn members(view: &Value) -> Vec<(String, Value, Value)> {
    view["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                m["share_percent"].clone(),
                m["state"].clone(),
            )
        })
        .collect()
}

async fn a_consortium_bid_names_every_member_and_partners_read_it(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app)
        .closing_in_two_days(&app)
        .publish(&app, &officer)
        .await;
    let bid = start_bid(&app, &lead, tender).await;
    let path = format!("/api/v1/bids/{bid}");

    let (status, view) = call(
        &app,
        Method::POST,
        &lead,
        &format!("{path}/partners"),
        Some(invitation(partner_org, 40)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(
        members(&view),
        [
            ("Café Lyst ApS".to_owned(), json!(100), Value::Null),
            ("Grøn Rengøring".to_owned(), json!(40), json!("invited")),
        ],
        "the lead keeps everything until the partner accepts"
    );

    // The partner's members are mailed, and see the invitation, not the bid.
    app.run_jobs().await;
    let mail = app
        .mails_to(&partner.email)
        .into_iter()
        .find(|m| m.subject == "Invitation til at byde sammen")
        .expect("an invitation mail");
    assert!(
        mail.text.contains("Café Lyst ApS inviterer"),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("Rengøring af daginstitutioner i Aarhus Vest")
    );
    assert!(mail.text.contains("Jeres andel af arbejdet: 40 %"));
    let (_, invitations) = call(
        &app,
        Method::GET,
        &partner,
        "/api/v1/bids/invitations",
        None,
    )
    .await;
    assert_eq!(invitations[0]["bid_id"], bid);
    assert_eq!(invitations[0]["lead_name"], "Café Lyst ApS");
    assert_eq!(invitations[0]["share_percent"], 40);
    let (status, _) = call(&app, Method::GET, &partner, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "invited is not yet in");

    let (status, refused) = call(&app, Method::POST, &lead, &format!("{path}/submit"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "partners_pending");

    let (status, view) = call(
        &app,
        Method::POST,
        &partner,
        &format!("{path}/invitation/accept"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["read_as"], "partner");
    assert_eq!(view["content"]["price"], 1_950_000);
    assert_eq!(
        members(&view),
        [
            ("Café Lyst ApS".to_owned(), json!(60), Value::Null),
            ("Grøn Rengøring".to_owned(), json!(40), json!("accepted")),
        ]
    );
    let (_, invitations) = call(
        &app,
        Method::GET,
        &partner,
        "/api/v1/bids/invitations",
        None,
    )
    .await;
    assert_eq!(invitations, json!([]));

    // A partner reads; only the lead changes, submits and withdraws.
    let (status, _) = call(&app, Method::PUT, &partner, &path, Some(complete_bid(1))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::POST,
        &partner,
        &format!("{path}/submit"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, receipt) = call(&app, Method::POST, &lead, &format!("{path}/submit"), None).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let (status, kept) = call(
        &app,
        Method::GET,
        &partner,
        &format!("{path}/receipt"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kept["content_sha256"], receipt["content_sha256"]);
    let (_, mine) = call(&app, Method::GET, &partner, "/api/v1/bids", None).await;
    assert_eq!(mine[0]["id"], bid);
    assert_eq!(mine[0]["read_as"], "partner");
    let (_, on_tender) = call(
        &app,
        Method::GET,
        &partner,
        &format!("/api/v1/tenders/{tender}/bids"),
        None,
    )
    .await;
    assert_eq!(on_tender[0]["id"], bid);

    // Sealed for everyone else until the opening.
    for who in [&stranger, &officer] {
        let (status, _) = call(&app, Method::GET, who, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", who.email);
    }
    let (_, strangers) = call(&app, Method::GET, &stranger, "/api/v1/bids", None).await;
    assert_eq!(strangers, json!([]));

    app.state
        .clock
        .advance(Duration::days(2) + Duration::seconds(1));
    app.run_jobs().await;
    let officer = app.relogin(&officer).await;
    let (status, _) = call(
        &app,
        Method::POST,
        &officer,
        &format!("/api/v1/tenders/{tender}/evaluation/opening"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, opened) = call(&app, Method::GET, &officer, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(opened["read_as"], "officer");
    assert_eq!(
        opened["members"][1]["role"], "Rengøring af institutionerne",
        "the officer sees who bids together, and who does what"
    );
    assert_eq!(members(&opened).len(), 2);
}

async fn invitations_are_checked_and_worded(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger_org,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    let bid = start_bid(&app, &lead, tender).await;
    let partners = format!("/api/v1/bids/{bid}/partners");
    let lead_org = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}"),
        None,
    )
    .await
    .1["organisation_id"]
        .as_i64()
        .unwrap();
    let unapproved = {
        let newcomer = app.entrepreneur("ny@virksomhed.dk").await;
        app.organisation_with(&newcomer, profile_body("Ny Virksomhed", &cvr(9)))
            .await
    };

    for (body, field, rule) in [
        (invitation(partner_org, 0), "share_percent", "out_of_range"),
        (
            invitation(partner_org, 100),
            "share_percent",
            "out_of_range",
        ),
        (
            json!({"organisation_id": partner_org, "partner_role": "  ", "share_percent": 10}),
            "partner_role",
            "required",
        ),
        (
            json!({"organisation_id": partner_org, "partner_role": "x".repeat(201), "share_percent": 10}),
            "partner_role",
            "too_long",
        ),
        (invitation(999_999, 10), "organisation_id", "unknown"),
        (invitation(unapproved, 10), "organisation_id", "unknown"),
        (invitation(lead_org, 10), "organisation_id", "is_lead"),
    ] {
        let (status, refused) =
            call(&app, Method::POST, &lead, &partners, Some(body.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {refused}"
        );
        assert_eq!(refused["error"]["fields"][0]["field"], field, "{refused}");
        assert_eq!(refused["error"]["fields"][0]["code"], rule, "{refused}");
    }
    let english = app
        .api_in(
            Method::POST,
            &partners,
            Some(&lead.access_token),
            Some(invitation(partner_org, 100)),
            "en",
        )
        .await;
    assert_eq!(
        english.json()["error"]["fields"][0]["message"],
        "The share must be a whole number of percent from 1 to 99"
    );

    let (status, _) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 70)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 10)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["error"]["code"], "partner_exists");
    let (status, refused) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(stranger_org, 30)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["fields"][0]["code"], "total_too_high");
    let danish = app
        .api_in(
            Method::POST,
            &partners,
            Some(&lead.access_token),
            Some(invitation(stranger_org, 30)),
            "da",
        )
        .await;
    assert!(
        danish.json()["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Der er højst 29 procentpoint tilbage"),
        "{}",
        danish.text()
    );

    // Taken off, the partner's invitation is gone.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &lead,
        &format!("{partners}/{partner_org}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, invitations) = call(
        &app,
        Method::GET,
        &partner,
        "/api/v1/bids/invitations",
        None,
    )
    .await;
    assert_eq!(invitations, json!([]));
    let (status, _) = call(
        &app,
        Method::DELETE,
        &lead,
        &format!("{partners}/{partner_org}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.run_jobs().await;
}

async fn only_the_lead_forms_the_consortium(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    let bid = start_bid(&app, &lead, tender).await;
    let partners = format!("/api/v1/bids/{bid}/partners");
    let suggestions = format!("/api/v1/bids/{bid}/partner-suggestions");

    // Another organisation's member and the invited partner: the bid does
    // not exist for them.
    for who in [&stranger, &partner] {
        let (status, _) = call(
            &app,
            Method::POST,
            who,
            &partners,
            Some(invitation(partner_org, 10)),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", who.email);
        let (status, _) = call(&app, Method::GET, who, &suggestions, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", who.email);
    }
    // An officer is not a bidder; a visitor is nobody.
    let (status, _) = call(
        &app,
        Method::POST,
        &officer,
        &partners,
        Some(invitation(partner_org, 10)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&app, Method::GET, &officer, &suggestions, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = app
        .api(
            Method::POST,
            &partners,
            None,
            Some(invitation(partner_org, 10)),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let anonymous = app
        .api(Method::GET, "/api/v1/bids/invitations", None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // Nobody but the invited organisation answers.
    let (status, _) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 10)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    for who in [&stranger, &lead] {
        let (status, _) = call(
            &app,
            Method::POST,
            who,
            &format!("/api/v1/bids/{bid}/invitation/accept"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", who.email);
    }
    let (status, _) = call(
        &app,
        Method::POST,
        &officer,
        &format!("/api/v1/bids/{bid}/invitation/accept"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.run_jobs().await;
}

async fn a_partner_answers_once_and_takes_part_in_one_bid_per_lot(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger,
        stranger_org,
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app)
        .closing_in_two_days(&app)
        .publish(&app, &officer)
        .await;
    let bid = start_bid(&app, &lead, tender).await;
    let partners = format!("/api/v1/bids/{bid}/partners");
    let accept = format!("/api/v1/bids/{bid}/invitation/accept");
    let decline = format!("/api/v1/bids/{bid}/invitation/decline");

    call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 30)),
    )
    .await;
    let (status, _) = call(&app, Method::POST, &partner, &decline, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, refused) = call(&app, Method::POST, &partner, &accept, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "invitation_answered");
    let (_, view) = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}"),
        None,
    )
    .await;
    assert_eq!(view["members"][1]["state"], "declined");
    // A declined partner does not hold up the submission.
    let (status, _) = call(
        &app,
        Method::POST,
        &lead,
        &format!("/api/v1/bids/{bid}/submit"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 30)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "submitted: withdraw first");
    assert_eq!(refused["error"]["code"], "bid_submitted");
    call(
        &app,
        Method::POST,
        &lead,
        &format!("/api/v1/bids/{bid}/withdraw"),
        None,
    )
    .await;
    let (status, _) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 30)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "asked again after declining");

    // Bo bids on his own; invited to Anna's bid too, he cannot accept.
    let own = start_bid(&app, &stranger, tender).await;
    call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(stranger_org, 20)),
    )
    .await;
    let (status, refused) = call(&app, Method::POST, &stranger, &accept, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "partner_has_own_bid");
    assert!(own > 0);

    // Jonas accepts; his organisation can then not start a bid of its own.
    let (status, _) = call(&app, Method::POST, &partner, &accept, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = call(
        &app,
        Method::POST,
        &partner,
        &format!("/api/v1/tenders/{tender}/bids"),
        Some(complete_bid(1_000_000)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "already_partner");

    // After the deadline nobody answers.
    app.state
        .clock
        .advance(Duration::days(2) + Duration::seconds(1));
    app.run_jobs().await;
    let stranger = app.relogin(&stranger).await;
    let (status, refused) = call(
        &app,
        Method::POST,
        &stranger,
        &format!("/api/v1/bids/{bid}/invitation/decline"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "bid_deadline_passed");
    let (_, invitations) = call(
        &app,
        Method::GET,
        &stranger,
        "/api/v1/bids/invitations",
        None,
    )
    .await;
    assert_eq!(
        invitations,
        json!([]),
        "an invitation past its deadline is gone"
    );
}

async fn a_reserved_tender_wants_every_member_eligible(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner_org,
        ..
    } = scene(backend).await;
    let admin = app.admin("admin2@socialbid.test").await;
    let not_sheltered = app.entrepreneur("eva@almindelig.dk").await;
    let mut body = offering_body(
        "Almindelig Rengøring",
        4,
        &["90910000"],
        &["DK04"],
        1_000_000,
    );
    body["reserved_res_ws"] = json!(false);
    body["res_ws_justification"] = json!("");
    let ineligible = app
        .approved_organisation(&not_sheltered, &admin, body)
        .await;
    let tender = TenderBuilder::new(&app)
        .set("reserved", json!(["res-ws"]))
        .publish(&app, &officer)
        .await;
    let bid = start_bid(&app, &lead, tender).await;
    let partners = format!("/api/v1/bids/{bid}/partners");
    let (status, refused) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(ineligible, 20)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["fields"][0]["code"], "not_eligible");
    let (status, _) = call(
        &app,
        Method::POST,
        &lead,
        &partners,
        Some(invitation(partner_org, 20)),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "an eligible partner is welcome"
    );
    app.run_jobs().await;
}

async fn partners_are_suggested_for_what_the_lead_lacks(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        stranger_org,
        ..
    } = scene(backend).await;
    // Canteen, cleaning and green areas in Aarhus, worth 3 million: Café
    // Lyst cooks (1 million); Grøn Rengøring cleans (2.5 million); Fjordens
    // Have gardens.
    let tender = TenderBuilder::new(&app)
        .set("main_cpv", json!("55520000"))
        .set("additional_cpv", json!(["90910000", "77310000"]))
        .set("estimated_value", json!(3_000_000))
        .publish(&app, &officer)
        .await;
    let bid = start_bid(&app, &lead, tender).await;
    app.index().await;
    let (status, found) = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}/partner-suggestions"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["lead_covers"]["cpv"], json!(["55520000"]));
    assert_eq!(
        found["lead_missing"]["cpv"],
        json!(["77310000", "90910000"])
    );
    assert_eq!(found["lead_missing"]["value_dkk"], 2_000_000);
    let best = &found["suggestions"][0];
    let names: Vec<&str> = best["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{best}");
    assert!(names.contains(&"Grøn Rengøring") && names.contains(&"Fjordens Have"));
    assert_eq!(best["missing"]["cpv"], json!([]));
    assert_eq!(best["missing"]["value_dkk"], Value::Null);
    let cleaner = best["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Grøn Rengøring")
        .unwrap();
    assert_eq!(cleaner["brings"]["cpv"], json!(["90910000"]));
    assert!(
        cleaner["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "cpv"),
        "{cleaner}"
    );

    // By name, besides the suggestions; the lead never finds itself.
    let (_, by_name) = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}/partner-suggestions?q=fjordens"),
        None,
    )
    .await;
    assert_eq!(by_name["found"][0]["name"], "Fjordens Have");
    assert_eq!(by_name["found"][0]["organisation_id"], stranger_org);
    let (_, by_own_name) = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}/partner-suggestions?q=lyst"),
        None,
    )
    .await;
    assert_eq!(by_own_name["found"], json!([]));
    let (status, refused) = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}/partner-suggestions?q=%00"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    app.run_jobs().await;
}

async fn a_consortium_that_wins_is_published_with_its_partners(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app)
        .closing_in_two_days(&app)
        .publish(&app, &officer)
        .await;
    let together = app
        .consortium_bid(&lead, &partner, partner_org, tender, 1_900_000)
        .await;
    let alone = app
        .submitted_bid(&stranger, tender, complete_bid(2_300_000))
        .await;
    app.award_cheapest(
        &officer,
        tender,
        &[(together, 1_900_000), (alone, 2_300_000)],
    )
    .await;

    let awards = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}/awards"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(awards[0]["organisation_name"], "Café Lyst ApS");
    assert_eq!(awards[0]["partners"][0]["name"], "Grøn Rengøring");
    assert_eq!(
        awards[0]["partners"][0]["role"],
        "Rengøring af institutionerne"
    );
    assert_eq!(awards[0]["partners"][0]["share_percent"], 40);
    let page = app
        .page(Method::GET, &format!("/tenders/{tender}"), "", None)
        .await
        .text();
    assert!(
        page.contains("Grøn Rengøring: Rengøring af institutionerne (40 % af arbejdet)"),
        "the tender page names the partners"
    );

    // The partner learns the result with the lead.
    let mail = app
        .mails_to(&partner.email)
        .into_iter()
        .find(|m| m.text.contains(&format!("/bids/{together}")))
        .expect("the result, mailed to the partner too");
    assert!(
        mail.text
            .contains("Jeres tilbud er rangeret først og har fået kontrakten."),
        "{}",
        mail.text
    );
}

/// Six invitations of 30 % each, sent at once: three fit beside the lead's
/// share, the others are told how much is left; the shares never add up
/// past 99 %.
async fn parallel_invitations_never_give_away_more_than_the_bid(backend: Backend) {
    let Scene {
        app, officer, lead, ..
    } = scene(backend).await;
    let admin = app.admin("admin2@socialbid.test").await;
    let mut partners = Vec::new();
    for n in 0..6 {
        let member = app.entrepreneur(&format!("partner{n}@example.dk")).await;
        let body = offering_body(
            &format!("Partner {n}"),
            10 + n,
            &["90910000"],
            &["DK04"],
            1_000_000,
        );
        partners.push(app.approved_organisation(&member, &admin, body).await);
    }
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    let bid = start_bid(&app, &lead, tender).await;
    let path = format!("/api/v1/bids/{bid}/partners");
    let send = |i: usize| {
        call(
            &app,
            Method::POST,
            &lead,
            &path,
            Some(invitation(partners[i], 30)),
        )
    };
    let (a, b, c, d, e, f) = tokio::join!(send(0), send(1), send(2), send(3), send(4), send(5));
    let sent = [a, b, c, d, e, f];
    let created = sent
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 3, "{sent:?}");
    for (status, body) in sent.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["fields"][0]["code"], "total_too_high");
    }
    let (_, view) = call(
        &app,
        Method::GET,
        &lead,
        &format!("/api/v1/bids/{bid}"),
        None,
    )
    .await;
    let shares: i64 = view["members"].as_array().unwrap()[1..]
        .iter()
        .map(|m| m["share_percent"].as_i64().unwrap())
        .sum();
    assert_eq!(shares, 90);
    app.run_jobs().await;
}

/// Grøn Rengøring, invited by Café Lyst and by Fjordens Have, accepts
/// both and starts its own bid, all at once: it ends up in exactly one
/// bid on the lot, and the others are refused with why.
async fn joining_two_bids_and_bidding_alone_at_once_leave_one_part_per_lot(backend: Backend) {
    let Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    let mut invited_by = Vec::new();
    for who in [&lead, &stranger] {
        let bid = start_bid(&app, who, tender).await;
        let (status, body) = call(
            &app,
            Method::POST,
            who,
            &format!("/api/v1/bids/{bid}/partners"),
            Some(invitation(partner_org, 30)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        invited_by.push(bid);
    }
    let paths: Vec<String> = invited_by
        .iter()
        .map(|bid| format!("/api/v1/bids/{bid}/invitation/accept"))
        .collect();
    let accept = |n: usize| call(&app, Method::POST, &partner, &paths[n], None);
    let own = format!("/api/v1/tenders/{tender}/bids");
    let alone = call(
        &app,
        Method::POST,
        &partner,
        &own,
        Some(complete_bid(1_700_000)),
    );
    let (a, b, c) = tokio::join!(accept(0), accept(1), alone);
    let answers = [a, b, c];
    let won: Vec<_> = answers.iter().filter(|(s, _)| s.is_success()).collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| !s.is_success()) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        let code = body["error"]["code"].as_str().unwrap();
        assert!(
            ["already_partner", "partner_has_own_bid"].contains(&code),
            "{code}"
        );
    }
    // Asked again one after the other, the answers are the same.
    for (n, (first, refusal)) in answers[..2].iter().enumerate() {
        if !first.is_success() {
            let (status, body) = accept(n).await;
            assert_eq!(status, StatusCode::CONFLICT);
            assert_eq!(body["error"]["code"], refusal["error"]["code"]);
        }
    }
    let (_, mine) = call(&app, Method::GET, &partner, "/api/v1/bids", None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    app.run_jobs().await;
}
