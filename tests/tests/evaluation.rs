//! Evaluation and award through the router, on both databases: the
//! officer opens the bids, scores quality and social value with reasons,
//! and the platform weighs and ranks as worked by hand (with a tie); the
//! lot goes to the first-ranked bid, every bidder is mailed its own points
//! and the winner's, the standstill period holds the signing back, and the
//! award with the winner's social-value commitments is public. Every step
//! refuses the wrong role and another authority's officer.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, Person, TenderBuilder, TestApp, cvr, in_days,
    on_both_databases, profile_body,
};

on_both_databases!(a_lot_is_scored_ranked_awarded_and_signed_after_the_standstill);

fn bid(price: i64, commitment: &str) -> Value {
    json!({
        "price": price,
        "answers": [{"criterion": 1, "text": "Faste hold og kvalitetskontrol."}],
        "commitments": [{"criterion": 2, "what": commitment, "how_many": 3,
                         "for_whom": "Langtidsledige", "months": 24}],
        "declarations": ["no_exclusion_grounds", "conditions_accepted", "information_true"]
    })
}

async fn submit(app: &TestApp, who: &Person, tender: i64, body: Value) -> i64 {
    let created = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/bids"),
            Some(&who.access_token),
            Some(body),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let sent = app
        .api(
            Method::POST,
            &format!("/api/v1/bids/{id}/submit"),
            Some(&who.access_token),
            None,
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    id
}

fn scores(quality: i32, social: i32) -> Value {
    json!({"scores": [
        {"criterion": 1, "score": quality, "reason": format!("Kvalitet {quality}: begrundet i tilbuddets plan.")},
        {"criterion": 2, "score": social, "reason": format!("Social værdi {social}: antal og varighed.")}
    ]})
}

fn close(got: &Value, want: f64) {
    let got = got.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-6, "{got} ≠ {want}");
}

async fn a_lot_is_scored_ranked_awarded_and_signed_after_the_standstill(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let stranger = app.officer("jens@kk.dk", KOBENHAVN_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let mut bidders = Vec::new();
    for (n, (email, name)) in [
        ("a@alfa.dk", "Alfa Service"),
        ("b@beta.dk", "Beta Rengøring"),
        ("c@gamma.dk", "Gamma Pleje"),
    ]
    .into_iter()
    .enumerate()
    {
        let person = app.entrepreneur(email).await;
        app.approved_organisation(&person, &admin, profile_body(name, &cvr(n as u32 + 1)))
            .await;
        bidders.push(person);
    }
    let tender = TenderBuilder::new(&app)
        .set("submission_deadline", json!(in_days(&app, 2)))
        .set("question_deadline", json!(in_days(&app, 1)))
        .publish(&app, &officer)
        .await;
    let alfa = submit(&app, &bidders[0], tender, bid(1_000_000, "Job til unge")).await;
    let beta = submit(
        &app,
        &bidders[1],
        tender,
        bid(1_200_000, "Fleksjob til 3 personer"),
    )
    .await;
    let gamma = submit(&app, &bidders[2], tender, bid(1_250_000, "Praktik")).await;
    app.run_jobs().await;

    let evaluation = format!("/api/v1/tenders/{tender}/evaluation");
    app.state
        .clock
        .advance(Duration::days(2) + Duration::seconds(1));
    app.run_jobs().await;
    let officer = app.relogin(&officer).await;
    let stranger = app.relogin(&stranger).await;
    let admin = app.relogin(&admin).await;
    let beta_member = app.relogin(&bidders[1]).await;
    let early = app
        .api(Method::GET, &evaluation, Some(&officer.access_token), None)
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.error_code(), "bids_not_opened");
    let opened = app
        .api(
            Method::POST,
            &format!("{evaluation}/opening"),
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());

    // Scores outside the rules are refused, naming the criterion.
    let wrong = app
        .api(
            Method::PUT,
            &format!("{evaluation}/bids/{alfa}"),
            Some(&officer.access_token),
            Some(json!({"scores": [
                {"criterion": 0, "score": 5, "reason": "Pris"},
                {"criterion": 1, "score": 11, "reason": "For godt"},
                {"criterion": 2, "score": 5, "reason": "  "}
            ]})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let messages: Vec<String> = wrong.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        messages,
        [
            "»Pris« beregnes ud fra prisen og gives ikke point i hånden",
            "»Kvalitet«: point skal være et helt tal fra 0 til 10",
            "»Beskæftigelse af ledige«: skriv en begrundelse for pointene"
        ]
    );

    // Worked by hand (price 60, quality 20, social value 20):
    // Alfa 1,000,000 kr. (lowest) 60 + 8/10×20 + 6/10×20 = 88
    // Beta 1,200,000 kr. 1.0/1.2×60 = 50 + 20 + 20 = 90
    // Gamma 1,250,000 kr. 48 + 20 + 20 = 88, tied with Alfa.
    for (id, quality, social) in [(alfa, 8, 6), (beta, 10, 10), (gamma, 10, 10)] {
        let scored = app
            .api(
                Method::PUT,
                &format!("{evaluation}/bids/{id}"),
                Some(&officer.access_token),
                Some(scores(quality, social)),
            )
            .await;
        assert_eq!(scored.status, StatusCode::OK, "{}", scored.text());
    }
    let result = app
        .api(Method::GET, &evaluation, Some(&officer.access_token), None)
        .await
        .json();
    let ranked = &result["lots"][0]["bids"];
    let order: Vec<(i64, i64)> = ranked
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["bid_id"].as_i64().unwrap(), b["rank"].as_i64().unwrap()))
        .collect();
    assert_eq!(order, [(beta, 1), (alfa, 2), (gamma, 2)]);
    close(&ranked[0]["total"], 90.0);
    close(&ranked[1]["total"], 88.0);
    close(&ranked[2]["total"], 88.0);
    close(&ranked[0]["criteria"][0]["points"], 50.0);
    close(&ranked[1]["criteria"][0]["points"], 60.0);
    close(&ranked[2]["criteria"][0]["points"], 48.0);
    assert_eq!(ranked[1]["criteria"][1]["score"], 8);
    assert_eq!(
        ranked[1]["criteria"][1]["reason"],
        "Kvalitet 8: begrundet i tilbuddets plan."
    );

    // Nobody else evaluates or awards.
    let award_path = format!("{evaluation}/lots/0/award");
    for (who, status, code) in [
        (Some(&stranger), StatusCode::FORBIDDEN, "tender_not_yours"),
        (Some(&admin), StatusCode::FORBIDDEN, "wrong_role"),
        (Some(&beta_member), StatusCode::FORBIDDEN, "wrong_role"),
        (None, StatusCode::UNAUTHORIZED, "unauthenticated"),
    ] {
        let token = who.map(|p| p.access_token.as_str());
        for (method, path, body) in [
            (Method::GET, evaluation.clone(), None),
            (
                Method::PUT,
                format!("{evaluation}/bids/{alfa}"),
                Some(scores(10, 10)),
            ),
            (
                Method::POST,
                award_path.clone(),
                Some(json!({"bid_id": alfa})),
            ),
        ] {
            let refused = app.api(method.clone(), &path, token, body).await;
            assert_eq!(
                (refused.status, refused.error_code().as_str()),
                (status, code),
                "{method} {path}"
            );
        }
    }

    let not_first = app
        .api(
            Method::POST,
            &award_path,
            Some(&officer.access_token),
            Some(json!({"bid_id": alfa})),
        )
        .await;
    assert_eq!(not_first.status, StatusCode::CONFLICT);
    assert_eq!(not_first.error_code(), "award_not_first");
    let awarded = app
        .api(
            Method::POST,
            &award_path,
            Some(&officer.access_token),
            Some(json!({"bid_id": beta})),
        )
        .await;
    assert_eq!(awarded.status, StatusCode::CREATED, "{}", awarded.text());
    let award = awarded.json();
    assert_eq!(award["organisation_name"], "Beta Rengøring");
    let expected_end = socialbid::evaluation::standstill::standstill_end(app.now());
    assert_eq!(
        award["standstill_ends_at"],
        socialbid::web::utc::format(&expected_end)
    );
    let after = app
        .api(
            Method::PUT,
            &format!("{evaluation}/bids/{alfa}"),
            Some(&officer.access_token),
            Some(scores(10, 10)),
        )
        .await;
    assert_eq!(after.error_code(), "lot_awarded");

    // Every bidder hears its own points and the winner's.
    app.run_jobs().await;
    let alfa_mail = app
        .mails_to("a@alfa.dk")
        .into_iter()
        .find(|m| m.subject == "Resultatet af udbuddet")
        .expect("Alfa is told");
    assert!(
        alfa_mail.text.contains("Beta Rengøring med 90 point"),
        "{}",
        alfa_mail.text
    );
    assert!(
        alfa_mail.text.contains("I alt: 88 point (nr. 2)"),
        "{}",
        alfa_mail.text
    );
    assert!(
        alfa_mail
            .text
            .contains("Kvalitet 8: begrundet i tilbuddets plan.")
    );
    let beta_mail = app
        .mails_to("b@beta.dk")
        .into_iter()
        .find(|m| m.subject == "Resultatet af udbuddet")
        .expect("Beta is told");
    assert!(
        beta_mail.text.contains("har fået kontrakten"),
        "{}",
        beta_mail.text
    );

    // Public: the winner, its price and its social-value promises.
    let public = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}/awards"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(public[0]["organisation_name"], "Beta Rengøring");
    assert_eq!(public[0]["price"], 1_200_000);
    assert_eq!(
        public[0]["commitments"][0]["what"],
        "Fleksjob til 3 personer"
    );
    assert!(
        !public.to_string().contains("Job til unge"),
        "a loser's bid is public"
    );

    // The contract waits for the standstill period to end.
    let contract = format!("{evaluation}/lots/0/contract");
    let early = app
        .api(Method::POST, &contract, Some(&officer.access_token), None)
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.error_code(), "standstill_running");
    let wait = expected_end - app.now() - Duration::seconds(2);
    app.state.clock.advance(wait);
    let officer = app.relogin(&officer).await;
    let still = app
        .api(Method::POST, &contract, Some(&officer.access_token), None)
        .await;
    assert_eq!(still.error_code(), "standstill_running");
    app.state.clock.advance(Duration::seconds(3));
    let signed = app
        .api(Method::POST, &contract, Some(&officer.access_token), None)
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());
    assert!(signed.json()["signed_at"].is_string());
    let twice = app
        .api(Method::POST, &contract, Some(&officer.access_token), None)
        .await;
    assert_eq!(twice.error_code(), "contract_signed");
}
