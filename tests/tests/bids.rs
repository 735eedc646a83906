//! Bidding through the router, on both databases: drafting, submitting
//! with a receipt (page data and mail), withdrawing and submitting again,
//! the deadline to the second on the application clock, who may bid (an
//! approved organisation; for a reserved tender an eligible one), lots,
//! and the bad input a bid can hold, worded in Danish and English.

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDateTime, Timelike};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, PASSWORD, Person, TenderBuilder, TestApp, cvr, on_both_databases,
    profile_body,
};

on_both_databases!(
    a_bid_is_drafted_submitted_withdrawn_and_submitted_again,
    the_deadline_holds_to_the_second,
    only_members_of_approved_organisations_bid,
    a_reserved_tender_takes_bids_only_from_eligible_organisations,
    a_tender_with_lots_is_bid_on_lot_by_lot,
    a_submitted_bid_must_be_complete,
    an_organisation_that_has_bid_stays_on_record,
    a_bid_submitted_while_its_organisation_is_deleted_is_never_lost,
    a_bid_submitted_twice_at_once_is_received_once,
);

/// A complete bid on the default tender (price, quality, social value).
fn complete_bid() -> Value {
    json!({
        "price": 1_950_000,
        "answers": [{"criterion": 1, "text": "Faste hold på hver institution, kvalitetskontrol hver uge."}],
        "commitments": [{"criterion": 2, "what": "Job til ledige", "how_many": 4,
                         "for_whom": "Personer, der har været ledige i over et år", "months": 12}],
        "declarations": ["no_exclusion_grounds", "conditions_accepted", "information_true"]
    })
}

struct Scene {
    app: TestApp,
    officer: Person,
    admin: Person,
    bidder: Person,
}

/// An approved officer of Aarhus, an admin, and Anna of an approved
/// organisation.
async fn scene(backend: Backend) -> Scene {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let bidder = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(&bidder, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    Scene {
        app,
        officer,
        admin,
        bidder,
    }
}

/// A published tender whose deadline is two days away (questions one).
async fn closing_in_two_days(app: &TestApp, officer: &Person) -> i64 {
    TenderBuilder::new(app)
        .closing_in_two_days(app)
        .publish(app, officer)
        .await
}

async fn start(app: &TestApp, who: &Person, tender: i64, body: Value) -> (StatusCode, Value) {
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/bids"),
            Some(&who.access_token),
            Some(body),
        )
        .await;
    let json = if response.body.is_empty() {
        Value::Null
    } else {
        response.json()
    };
    (response.status, json)
}

async fn post(app: &TestApp, who: &Person, path: &str) -> (StatusCode, Value) {
    let response = app
        .api(Method::POST, path, Some(&who.access_token), None)
        .await;
    let json = if response.body.is_empty() {
        Value::Null
    } else {
        response.json()
    };
    (response.status, json)
}

fn sha256_like(value: &Value) -> String {
    let hash = value.as_str().unwrap_or_default().to_owned();
    assert_eq!(hash.len(), 64, "a SHA-256 in hex: {hash}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    hash
}

async fn a_bid_is_drafted_submitted_withdrawn_and_submitted_again(backend: Backend) {
    let Scene {
        app,
        officer,
        bidder,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;

    let (status, draft) = start(&app, &bidder, tender, json!({"price": 2_000_000})).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["content"]["price"], 2_000_000);
    assert_eq!(draft["organisation_name"], "Café Lyst ApS");
    assert_eq!(
        draft["declarations_asked"],
        json!([
            "no_exclusion_grounds",
            "conditions_accepted",
            "information_true"
        ])
    );
    let id = draft["id"].as_i64().unwrap();

    let saved = app
        .api(
            Method::PUT,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            Some(complete_bid()),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert_eq!(saved.json()["content"]["price"], 1_950_000);

    let before = app.now();
    let (status, receipt) = post(&app, &bidder, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let first_hash = sha256_like(&receipt["content_sha256"]);
    let submitted_at: NaiveDateTime = receipt["submitted_at"]
        .as_str()
        .unwrap()
        .trim_end_matches('Z')
        .parse()
        .unwrap();
    assert!(submitted_at >= before - Duration::seconds(1) && submitted_at <= app.now());
    assert_eq!(
        receipt["tender_title"],
        "Rengøring af daginstitutioner i Aarhus Vest"
    );

    // The same receipt is kept for the bidder, and mailed.
    let kept = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{id}/receipt"),
            Some(&bidder.access_token),
            None,
        )
        .await;
    assert_eq!(kept.json(), receipt);
    app.run_jobs().await;
    let mails = app.mails_to("anna@cafe-lyst.dk");
    let mail = mails
        .iter()
        .find(|m| m.subject == "Kvittering for jeres tilbud")
        .expect("a receipt mail");
    assert!(mail.text.contains(&first_hash), "{}", mail.text);
    assert!(mail.text.contains("Café Lyst ApS"));
    assert!(mail.text.contains(&format!("/bids/{id}/receipt")));

    // Submitted: changing it needs a withdrawal first.
    let refused = app
        .api(
            Method::PUT,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            Some(complete_bid()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "bid_submitted");
    let (status, again) = post(&app, &bidder, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("bid_submitted"))
    );

    let (status, _) = post(&app, &bidder, &format!("/api/v1/bids/{id}/withdraw")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, twice) = post(&app, &bidder, &format!("/api/v1/bids/{id}/withdraw")).await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("bid_not_submitted"))
    );
    let withdrawn = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(withdrawn["content_sha256"], Value::Null);
    let no_receipt = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{id}/receipt"),
            Some(&bidder.access_token),
            None,
        )
        .await;
    assert_eq!(no_receipt.status, StatusCode::NOT_FOUND);

    // Changed and sent again: a new receipt with another checksum.
    let mut lower = complete_bid();
    lower["price"] = json!(1_899_999.5);
    let saved = app
        .api(
            Method::PUT,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            Some(lower),
        )
        .await;
    assert_eq!(saved.json()["state"], "draft");
    let (status, second) = post(&app, &bidder, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(sha256_like(&second["content_sha256"]), first_hash);
    app.run_jobs().await;
    assert_eq!(
        app.mails_to("anna@cafe-lyst.dk")
            .iter()
            .filter(|m| m.subject == "Kvittering for jeres tilbud")
            .count(),
        2
    );

    let mine = app
        .api(
            Method::GET,
            "/api/v1/bids",
            Some(&bidder.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["state"], "submitted");
    assert_eq!(mine[0]["content"]["price"], 1_899_999.5);
}

/// Waits until the wall clock is early in its second, so that a step of
/// whole seconds and a few requests stay within the second aimed at.
async fn early_in_a_second() {
    while chrono::Utc::now().nanosecond() > 300_000_000 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn the_deadline_holds_to_the_second(backend: Backend) {
    let Scene {
        app,
        officer,
        bidder,
        ..
    } = scene(backend).await;
    let tender = closing_in_two_days(&app, &officer).await;
    let deadline: NaiveDateTime = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}"),
            None,
            None,
        )
        .await
        .json()["submission_deadline"]
        .as_str()
        .unwrap()
        .trim_end_matches('Z')
        .parse()
        .unwrap();
    let (_, bid) = start(&app, &bidder, tender, complete_bid()).await;
    let id = bid["id"].as_i64().unwrap();

    // One second before the deadline: accepted.
    early_in_a_second().await;
    let whole_now = app.now().with_nanosecond(0).unwrap();
    app.state
        .clock
        .advance(deadline - whole_now - Duration::seconds(1));
    let bidder = app.relogin(&bidder).await;
    let (status, receipt) = post(&app, &bidder, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert!(app.now() < deadline);

    // One second after: refused, with words that say why.
    app.state.clock.advance(Duration::seconds(2));
    assert!(app.now() > deadline);
    let (status, refused) = post(&app, &bidder, &format!("/api/v1/bids/{id}/withdraw")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "bid_deadline_passed");
    assert_eq!(
        refused["error"]["message"],
        "Tilbudsfristen er overskredet. Tilbud kan ikke længere afgives, ændres eller trækkes tilbage"
    );
    let in_english = app
        .api_in(
            Method::PUT,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            Some(complete_bid()),
            "en",
        )
        .await;
    assert_eq!(in_english.status, StatusCode::CONFLICT);
    assert_eq!(
        in_english.json()["error"]["message"],
        "The deadline for tenders has passed. Bids can no longer be submitted, changed or withdrawn"
    );
    let other = app.entrepreneur("bo@groen-rengoering.dk").await;
    let admin = app.admin("admin2@socialbid.test").await;
    app.approved_organisation(&other, &admin, profile_body("Grøn Rengøring", &cvr(2)))
        .await;
    let (status, late) = start(&app, &other, tender, complete_bid()).await;
    assert_eq!(
        (status, late["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("bid_deadline_passed"))
    );
    // The submission made in time stands.
    let kept = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(kept["state"], "submitted");
    app.run_jobs().await;
}

async fn only_members_of_approved_organisations_bid(backend: Backend) {
    let Scene {
        app,
        officer,
        admin,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;

    let anonymous = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/bids"),
            None,
            Some(complete_bid()),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let (status, body) = start(&app, &officer, tender, complete_bid()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_role"))
    );
    let (status, body) = start(&app, &admin, tender, complete_bid()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_role"))
    );

    let loner = app.entrepreneur("solo@example.dk").await;
    let (status, body) = start(&app, &loner, tender, complete_bid()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("no_organisation"))
    );

    let waiting = app.entrepreneur("ny@venter.dk").await;
    let org = app.organisation(&waiting, "Venter ApS", &cvr(3)).await;
    let (status, body) = start(&app, &waiting, tender, complete_bid()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("organisation_not_approved"))
    );
    assert_eq!(
        body["error"]["message"],
        "Jeres organisation skal være godkendt, før I kan afgive tilbud"
    );

    // Approved, it bids; suspended, it cannot submit what it drafted.
    app.decide(&admin, org, "approve", None).await;
    let (status, bid) = start(&app, &waiting, tender, complete_bid()).await;
    assert_eq!(status, StatusCode::CREATED, "{bid}");
    app.decide(&admin, org, "suspend", Some("Misbrug af platformen"))
        .await;
    let id = bid["id"].as_i64().unwrap();
    let (status, body) = post(&app, &waiting, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("organisation_not_approved"))
    );

    // Another organisation's bid does not exist for a stranger.
    let stranger = app.entrepreneur("fremmed@example.dk").await;
    for (method, path) in [
        (Method::GET, format!("/api/v1/bids/{id}")),
        (Method::PUT, format!("/api/v1/bids/{id}")),
        (Method::POST, format!("/api/v1/bids/{id}/submit")),
        (Method::POST, format!("/api/v1/bids/{id}/withdraw")),
        (Method::GET, format!("/api/v1/bids/{id}/receipt")),
    ] {
        let body = (method == Method::PUT).then(complete_bid);
        let response = app
            .api(method.clone(), &path, Some(&stranger.access_token), body)
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{method} {path}");
    }

    // A draft tender takes no bids: it does not exist for bidders.
    let draft = TenderBuilder::new(&app).draft(&app, &officer).await;
    let bidder = app
        .login("anna@cafe-lyst.dk", socialbid_tests::PASSWORD)
        .await;
    let (status, _) = start(&app, &bidder, draft, complete_bid()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_reserved_tender_takes_bids_only_from_eligible_organisations(backend: Backend) {
    let Scene {
        app,
        officer,
        admin,
        bidder,
    } = scene(backend).await;
    // Anna's organisation is eligible under Article 20, not Article 77.
    let tender = TenderBuilder::new(&app)
        .article_77()
        .publish(&app, &officer)
        .await;
    let (status, body) = start(&app, &bidder, tender, complete_bid()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "bid_not_eligible");
    assert_eq!(
        body["error"]["message"],
        "Udbuddet er forbeholdt deltagelse efter res-pub-ser, og jeres organisation er ikke godkendt til det"
    );

    let mission = app.entrepreneur("lone@bostoette.dk").await;
    let mut profile = profile_body("Bostøtte Fonden", &cvr(4));
    profile["reserved_res_pub_ser"] = json!(true);
    profile["res_pub_ser_justification"] =
        json!("Almennyttig fond med en public service-mission; overskud geninvesteres.");
    app.approved_organisation(&mission, &admin, profile).await;
    let (status, bid) = start(&app, &mission, tender, complete_bid()).await;
    assert_eq!(status, StatusCode::CREATED, "{bid}");
    // A reserved tender asks for one more declaration.
    assert_eq!(
        bid["declarations_asked"],
        json!([
            "no_exclusion_grounds",
            "conditions_accepted",
            "information_true",
            "meets_reservation"
        ])
    );
    let id = bid["id"].as_i64().unwrap();
    let (status, body) = post(&app, &mission, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "declarations");
    let mut declared = complete_bid();
    declared["declarations"]
        .as_array_mut()
        .unwrap()
        .push(json!("meets_reservation"));
    app.api(
        Method::PUT,
        &format!("/api/v1/bids/{id}"),
        Some(&mission.access_token),
        Some(declared),
    )
    .await;
    let (status, receipt) = post(&app, &mission, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    app.run_jobs().await;
}

async fn a_tender_with_lots_is_bid_on_lot_by_lot(backend: Backend) {
    let Scene {
        app,
        officer,
        bidder,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app)
        .with_lots()
        .publish(&app, &officer)
        .await;
    let mut whole = complete_bid();
    whole["lot"] = json!(0);
    let (status, body) = start(&app, &bidder, tender, whole).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "lot");
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "Vælg en delaftale, der findes. Udbuddet har 2 delaftaler"
    );
    for lot in [1, 2] {
        let mut bid = complete_bid();
        bid["lot"] = json!(lot);
        let (status, body) = start(&app, &bidder, tender, bid).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["lot"], lot);
        assert_eq!(
            body["lot_title"],
            format!("Delaftale {lot}: {}", ["Vest", "Syd"][lot as usize - 1])
        );
    }
    let mut again = complete_bid();
    again["lot"] = json!(1);
    let (status, body) = start(&app, &bidder, tender, again).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("bid_exists"))
    );
    let listed = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}/bids"),
            Some(&bidder.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

async fn a_submitted_bid_must_be_complete(backend: Backend) {
    let Scene {
        app,
        officer,
        bidder,
        ..
    } = scene(backend).await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    let (status, bid) = start(&app, &bidder, tender, json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = bid["id"].as_i64().unwrap();
    let (status, body) = post(&app, &bidder, &format!("/api/v1/bids/{id}/submit")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let messages: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "Indtast en pris",
            "Besvar kriteriet »Kvalitet«",
            "Tilføj mindst ét tilsagn til kriteriet »Beskæftigelse af ledige«",
            "Bekræft alle erklæringer"
        ]
    );

    // Wrong even in a draft: nothing is saved.
    let wrong = json!({
        "price": -5,
        "answers": [{"criterion": 0, "text": "Pris er ikke et kvalitetskriterium"}],
        "commitments": [{"criterion": 2, "what": "Job", "how_many": 0, "for_whom": "Ledige", "months": 200}],
        "declarations": ["invented"]
    });
    let refused = app
        .api_in(
            Method::PUT,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            Some(wrong),
            "en",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let messages: Vec<String> = refused.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        messages,
        [
            "The price must be an amount above 0 with at most two decimals",
            "Answer 1 does not belong to a quality criterion of the tender",
            "Commitment 1: the number must be a whole number from 1 to 100,000",
            "Commitment 1: the duration must be from 1 to 120 months",
            "The tender does not ask for the declaration invented"
        ]
    );
    let unchanged = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(unchanged["content"]["price"], Value::Null);

    // A body that is not a bid is refused naming the field.
    let unknown = app
        .api(
            Method::PUT,
            &format!("/api/v1/bids/{id}"),
            Some(&bidder.access_token),
            Some(json!({"prize": 5})),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text()
    );
}

/// Its submitted bid belongs to the buyer's records: the organisation
/// cannot be deleted (409, in the member's language), and its last member
/// may still delete their own account, which leaves the organisation and
/// the bid in place.
async fn an_organisation_that_has_bid_stays_on_record(backend: Backend) {
    let Scene {
        app,
        officer,
        bidder,
        ..
    } = scene(backend).await;
    let tender = closing_in_two_days(&app, &officer).await;
    let (status, draft) = start(&app, &bidder, tender, complete_bid()).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let bid = draft["id"].as_i64().unwrap();
    let organisation = draft["organisation_id"].as_i64().unwrap();
    let (status, receipt) = post(&app, &bidder, &format!("/api/v1/bids/{bid}/submit")).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");

    let path = format!("/api/v1/profiles/{organisation}");
    for (lang, words) in [
        ("da", "ordregivernes dokumentation"),
        ("en", "procurement records"),
    ] {
        let refused = app
            .api_in(
                Method::DELETE,
                &path,
                Some(&bidder.access_token),
                None,
                lang,
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
        assert_eq!(refused.error_code(), "organisation_on_record");
        let message = refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(words), "{lang}: {message}");
    }

    let receipts = |app: &TestApp| {
        app.mails_to(&bidder.email)
            .into_iter()
            .filter(|m| m.subject == "Kvittering for jeres tilbud")
            .count()
    };
    assert_eq!(receipts(&app), 0, "the receipt waits in the queue");
    let deleted = app
        .api(
            Method::DELETE,
            "/api/v1/me",
            Some(&bidder.access_token),
            Some(json!({ "password": PASSWORD })),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    app.run_jobs().await;
    assert_eq!(
        receipts(&app),
        0,
        "a deleted account is mailed nothing that was queued for it"
    );
    let bids = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}/bids"),
            Some(&officer.access_token),
            None,
        )
        .await;
    // Sealed until the deadline: the officer is refused, not told "none".
    assert_eq!(bids.status, StatusCode::FORBIDDEN, "{}", bids.text());
    app.state
        .clock
        .advance(Duration::days(2) + Duration::seconds(1));
    let officer = app.login("mette@aarhus.dk", PASSWORD).await;
    let opened = post(
        &app,
        &officer,
        &format!("/api/v1/tenders/{tender}/evaluation/opening"),
    )
    .await;
    assert_eq!(opened.0, StatusCode::OK, "{}", opened.1);
    assert_eq!(opened.1["bids"], 1, "the bid outlived its author's account");
    app.run_jobs().await;
}

/// A member deletes the organisation while another submits its bid, both
/// at once: either the bid is in and the organisation stays (409), or the
/// organisation is gone and the submission was refused. Never a receipt for
/// a bid that the deletion took with it.
async fn a_bid_submitted_while_its_organisation_is_deleted_is_never_lost(backend: Backend) {
    let Scene {
        app,
        officer,
        admin,
        ..
    } = scene(backend).await;
    let tender = closing_in_two_days(&app, &officer).await;
    for round in 0..6 {
        let bidder = app.entrepreneur(&format!("bidder{round}@example.dk")).await;
        let organisation = app
            .approved_organisation(
                &bidder,
                &admin,
                profile_body(&format!("Værksted {round}"), &cvr(20 + round)),
            )
            .await;
        let (status, draft) = start(&app, &bidder, tender, complete_bid()).await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        let bid = draft["id"].as_i64().unwrap();

        let submit_path = format!("/api/v1/bids/{bid}/submit");
        let delete_path = format!("/api/v1/profiles/{organisation}");
        let (submitted, deleted) = tokio::join!(
            post(&app, &bidder, &submit_path),
            app.api(
                Method::DELETE,
                &delete_path,
                Some(&bidder.access_token),
                None
            ),
        );
        let profile = app
            .api(Method::GET, &delete_path, Some(&bidder.access_token), None)
            .await;
        if submitted.0 == StatusCode::OK {
            assert_eq!(deleted.status, StatusCode::CONFLICT, "round {round}");
            assert_eq!(deleted.error_code(), "organisation_on_record");
            assert_eq!(profile.status, StatusCode::OK, "round {round}");
        } else {
            assert_eq!(deleted.status, StatusCode::NO_CONTENT, "round {round}");
            assert_eq!(
                submitted.0,
                StatusCode::NOT_FOUND,
                "round {round}: {}",
                submitted.1
            );
            assert_eq!(profile.status, StatusCode::NOT_FOUND, "round {round}");
        }
    }
    app.run_jobs().await;
}

/// Two submissions of the same bid at once (a double click, two tabs):
/// one is received, the other is told it already was, and one receipt is
/// mailed.
async fn a_bid_submitted_twice_at_once_is_received_once(backend: Backend) {
    let Scene {
        app,
        officer,
        bidder,
        ..
    } = scene(backend).await;
    let tender = closing_in_two_days(&app, &officer).await;
    let (status, draft) = start(&app, &bidder, tender, complete_bid()).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let path = format!("/api/v1/bids/{}/submit", draft["id"]);
    let (first, second) = tokio::join!(post(&app, &bidder, &path), post(&app, &bidder, &path));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} {}",
        first.1,
        second.1
    );
    let refused = if first.0 == StatusCode::CONFLICT {
        &first.1
    } else {
        &second.1
    };
    assert_eq!(refused["error"]["code"], "bid_submitted");
    app.run_jobs().await;
    let receipts = app
        .mails_to("anna@cafe-lyst.dk")
        .into_iter()
        .filter(|m| m.subject == "Kvittering for jeres tilbud")
        .count();
    assert_eq!(receipts, 1);
}
