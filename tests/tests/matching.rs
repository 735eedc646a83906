//! Matching through the router on both databases: a tender's matches and an
//! organisation's, with their reasons; the hard rule of reserved
//! participation (an ineligible profile is never listed nor counted, also
//! after it loses eligibility and before the job has run again); who may
//! ask; the reach estimate; and bad input.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, Person, TenderBuilder, TestApp, cvr,
    on_both_databases, profile_body,
};

on_both_databases!(
    matches_both_ways_with_their_reasons,
    an_ineligible_profile_is_never_listed_nor_counted_for_a_reserved_tender,
    suspended_profiles_and_cancelled_tenders_lose_their_matches,
    every_matching_endpoint_checks_who_calls,
    reach_counts_the_fitting_profiles_and_the_strongest_change,
    bad_input_is_refused_naming_the_field,
    the_pages_show_matches_only_to_whom_they_belong,
);

/// A tender for supported housing in Copenhagen, coded at class level.
fn social_work(app: &TestApp) -> TenderBuilder {
    TenderBuilder::new(app)
        .set("title", json!("Bostøtte til unge i Københavns Kommune"))
        .set(
            "description",
            json!("Socialpædagogisk bostøtte til unge mellem 18 og 25 år i egen bolig."),
        )
        .set("main_cpv", json!("85311000"))
        .set("additional_cpv", json!([]))
        .set("nuts_codes", json!(["DK011"]))
        .set("estimated_value", json!(1_500_000))
}

/// A profile offering social work (853) in Region Hovedstaden, eligible
/// for Article 20 or not.
fn social_enterprise(name: &str, n: u32, article_20: bool) -> Value {
    let mut body = profile_body(name, &cvr(n));
    body["reserved_res_ws"] = json!(article_20);
    if !article_20 {
        body["res_ws_justification"] = json!("");
    }
    body
}

/// A cleaning company in Central Jutland.
fn cleaner(name: &str, n: u32) -> Value {
    let mut body = social_enterprise(name, n, false);
    body["cpv"] = json!(["90911200"]);
    body["nuts"] = json!(["DK04"]);
    body["mission"] = json!("Vi giver ledige et job med rengøring.");
    body["capabilities"] = json!("Rengøring af kontorer og institutioner.");
    body
}

struct World {
    app: TestApp,
    admin: Person,
    officer: Person,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.test").await;
    let officer = app.officer("indkoeber@kk.dk", KOBENHAVN_CVR).await;
    World {
        app,
        admin,
        officer,
    }
}

impl World {
    /// An entrepreneur with an approved organisation; the jobs it queued
    /// have run.
    async fn enterprise(&self, email: &str, body: Value) -> (Person, i64) {
        let member = self.app.entrepreneur(email).await;
        let id = self
            .app
            .approved_organisation(&member, &self.admin, body)
            .await;
        (member, id)
    }

    async fn publish(&self, tender: TenderBuilder) -> i64 {
        let id = tender.publish(&self.app, &self.officer).await;
        self.app.run_jobs().await;
        id
    }

    async fn get(&self, path: &str, who: &Person) -> Value {
        let response = self
            .app
            .api(Method::GET, path, Some(&who.access_token), None)
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{path}: {}",
            response.text()
        );
        response.json()
    }

    async fn tender_matches(&self, tender: i64) -> Value {
        let matches = self
            .get(&format!("/api/v1/tenders/{tender}/matches"), &self.officer)
            .await;
        times_are_utc(&matches);
        matches
    }

    async fn organisation_matches(&self, organisation: i64) -> Value {
        let matches = self
            .get(
                &format!("/api/v1/organisations/{organisation}/matches"),
                &self.admin,
            )
            .await;
        times_are_utc(&matches);
        matches
    }
}

/// The OpenAPI document says `date-time`, which carries its offset.
fn times_are_utc(matches: &Value) {
    for item in matches["items"].as_array().expect("items") {
        for key in ["computed_at", "submission_deadline"] {
            if let Some(at) = item.get(key).filter(|at| !at.is_null()) {
                let at = at.as_str().expect("a timestamp");
                assert!(at.ends_with('Z'), "{key} without its offset: {at}");
            }
        }
    }
}

fn ids(list: &Value, key: &str) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m[key].as_i64().expect("id"))
        .collect()
}

fn reason<'a>(item: &'a Value, kind: &str) -> &'a Value {
    item["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .find(|r| r["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} reason in {item}"))
}

async fn matches_both_ways_with_their_reasons(backend: Backend) {
    let w = world(backend).await;
    // Before the tender: its job finds the profile.
    let (_, early) = w
        .enterprise("anna@cafe-lyst.dk", social_enterprise("Café Lyst", 1, true))
        .await;
    let (_, cleaning) = w.enterprise("bo@rent.dk", cleaner("Rent Arbejde", 2)).await;
    let tender = w.publish(social_work(&w.app)).await;
    // After the tender: the profile's job finds the tender.
    let (_, late) = w
        .enterprise("carl@bo.dk", social_enterprise("Bo Godt", 3, false))
        .await;

    let matches = w.tender_matches(tender).await;
    let mut found = ids(&matches, "organisation_id");
    found.sort();
    assert_eq!(found, [early, late], "the cleaner offers nothing like it");
    assert_eq!(matches["total"], 2);
    let first = &matches["items"][0];
    let cpv = reason(first, "cpv");
    assert_eq!(cpv["tender"], json!(["85311000"]));
    assert_eq!(cpv["profile"], json!(["85300000"]));
    assert_eq!(cpv["shared_level"], 3);
    let region = reason(first, "region");
    assert_eq!(region["tender"], json!(["DK011"]));
    assert_eq!(region["profile"], json!(["DK01"]));
    assert_eq!(reason(first, "objectives")["tender"], json!(["opp"]));
    assert_eq!(reason(first, "capacity")["tender"], json!(["1500000"]));
    let sum: f64 = first["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["contribution"].as_f64().unwrap())
        .sum();
    assert!(
        (sum - first["score"].as_f64().unwrap()).abs() < 1e-3,
        "the contributions add up to the score: {first}"
    );

    for organisation in [early, late] {
        let theirs = w.organisation_matches(organisation).await;
        assert_eq!(ids(&theirs, "tender_id"), [tender], "{theirs}");
        assert_eq!(
            theirs["items"][0]["title"],
            "Bostøtte til unge i Københavns Kommune"
        );
        assert_eq!(
            reason(&theirs["items"][0], "cpv")["profile"],
            json!(["85300000"])
        );
    }
    let cleaners = w.organisation_matches(cleaning).await;
    assert_eq!(cleaners["total"], 0, "{cleaners}");

    // A cleaning tender in Aarhus finds the cleaner, and the social-work
    // enterprises are not offered it.
    let cleaning_tender = w
        .publish(TenderBuilder::new(&w.app).set("nuts_codes", json!(["DK042"])))
        .await;
    assert_eq!(
        ids(&w.tender_matches(cleaning_tender).await, "organisation_id"),
        [cleaning]
    );
    assert_eq!(
        ids(&w.organisation_matches(cleaning).await, "tender_id"),
        [cleaning_tender]
    );
    assert_eq!(
        ids(&w.organisation_matches(early).await, "tender_id"),
        [tender]
    );

    // An amendment that moves the tender to Jutland leaves the enterprises
    // serving the capital behind.
    let amended = w
        .app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/amend"),
            Some(&w.officer.access_token),
            Some(json!({
                "reason": "Ny placering",
                "tender": social_work(&w.app).set("nuts_codes", json!(["DK042"])).body,
            })),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    w.app.run_jobs().await;
    assert_eq!(w.tender_matches(tender).await["total"], 0);
    assert_eq!(w.organisation_matches(early).await["total"], 0);
}

/// Each reserved tender with the profiles that may and may not bid on it.
async fn an_ineligible_profile_is_never_listed_nor_counted_for_a_reserved_tender(backend: Backend) {
    let w = world(backend).await;
    let (ws_member, ws) = w
        .enterprise(
            "anna@cafe-lyst.dk",
            social_enterprise("Værkstedet", 1, true),
        )
        .await;
    let mut pub_ser_body = social_enterprise("Fællesskabet", 2, false);
    pub_ser_body["reserved_res_pub_ser"] = json!(true);
    pub_ser_body["res_pub_ser_justification"] =
        json!("Vi har en public service-mission og geninvesterer overskuddet.");
    let (_, pub_ser) = w.enterprise("bo@faelles.dk", pub_ser_body).await;
    let (_, neither) = w
        .enterprise("carl@bo.dk", social_enterprise("Bo Godt", 3, false))
        .await;
    let article_20 = w
        .publish(social_work(&w.app).set("reserved", json!(["res-ws"])))
        .await;
    let article_77 = w
        .publish(social_work(&w.app).set("reserved", json!(["res-pub-ser"])))
        .await;
    let open = w.publish(social_work(&w.app)).await;

    let cases = [
        (article_20, ws, [pub_ser, neither]),
        (article_77, pub_ser, [ws, neither]),
    ];
    for (tender, eligible, ineligible) in cases {
        let matches = w.tender_matches(tender).await;
        assert_eq!(ids(&matches, "organisation_id"), [eligible], "{matches}");
        assert_eq!(matches["total"], 1);
        let qualifies = reason(&matches["items"][0], "reserved");
        assert_eq!(qualifies["contribution"], 0.0, "a condition, not a weight");
        for profile in ineligible {
            let theirs = w.organisation_matches(profile).await;
            assert!(!ids(&theirs, "tender_id").contains(&tender), "{theirs}");
        }
        let theirs = w.organisation_matches(eligible).await;
        assert!(ids(&theirs, "tender_id").contains(&tender));
    }
    assert_eq!(w.tender_matches(open).await["total"], 3);
    assert_eq!(w.organisation_matches(neither).await["total"], 1);

    // The workshop no longer claims Article 20 and an admin approves it.
    // Before the job has run again its stored rows still name the reserved
    // tender: the read path must drop them anyway.
    let mut changed = social_enterprise("Værkstedet", 1, false);
    changed["organisation_name"] = json!("Værkstedet");
    let edited = w
        .app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{ws}"),
            Some(&ws_member.access_token),
            Some(changed),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    let approved = w
        .app
        .api(
            Method::POST,
            &format!("/api/v1/admin/profiles/{ws}/approve"),
            Some(&w.admin.access_token),
            None,
        )
        .await;
    assert_eq!(
        approved.status,
        StatusCode::NO_CONTENT,
        "{}",
        approved.text()
    );
    assert_eq!(
        stored_pair(&w.app, article_20, ws).await,
        1,
        "stale row kept"
    );
    let stale = w.tender_matches(article_20).await;
    assert_eq!(stale["total"], 0, "{stale}");
    let theirs = w.organisation_matches(ws).await;
    assert_eq!(ids(&theirs, "tender_id"), [open], "{theirs}");

    w.app.run_jobs().await;
    assert_eq!(stored_pair(&w.app, article_20, ws).await, 0);
    assert_eq!(w.tender_matches(article_20).await["total"], 0);
    assert_eq!(ids(&w.organisation_matches(ws).await, "tender_id"), [open]);
}

/// How many stored rows hold the pair.
async fn stored_pair(app: &TestApp, tender: i64, organisation: i64) -> i64 {
    use diesel::prelude::*;
    use socialbid::db::schema::matches;
    app.state
        .db
        .run(move |conn| {
            matches::table
                .filter(matches::tender_id.eq(tender))
                .filter(matches::organisation_id.eq(organisation))
                .count()
                .get_result::<i64>(conn)
                .map_err(socialbid::error::AppError::from)
        })
        .await
        .expect("count")
}

async fn suspended_profiles_and_cancelled_tenders_lose_their_matches(backend: Backend) {
    let w = world(backend).await;
    let (_, kept) = w
        .enterprise("anna@cafe-lyst.dk", social_enterprise("Café Lyst", 1, true))
        .await;
    let (_, suspended) = w
        .enterprise("bo@bo.dk", social_enterprise("Bo Godt", 2, true))
        .await;
    let tender = w.publish(social_work(&w.app)).await;
    let other = w.publish(social_work(&w.app)).await;
    assert_eq!(stored_pair(&w.app, tender, suspended).await, 1);

    w.app
        .decide(&w.admin, suspended, "suspend", Some("Falske oplysninger"))
        .await;
    assert_eq!(stored_pair(&w.app, tender, suspended).await, 0);
    assert_eq!(stored_pair(&w.app, other, suspended).await, 0);
    assert_eq!(
        ids(&w.tender_matches(tender).await, "organisation_id"),
        [kept]
    );
    assert_eq!(w.organisation_matches(suspended).await["total"], 0);

    let cancelled = w
        .app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/cancel"),
            Some(&w.officer.access_token),
            Some(json!({"reason": "Behovet er bortfaldet"})),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    w.app.run_jobs().await;
    assert_eq!(stored_pair(&w.app, tender, kept).await, 0);
    assert_eq!(
        ids(&w.organisation_matches(kept).await, "tender_id"),
        [other]
    );

    // Reinstated, the profile is matched again.
    w.app.decide(&w.admin, suspended, "unsuspend", None).await;
    assert_eq!(
        ids(&w.organisation_matches(suspended).await, "tender_id"),
        [other]
    );
}

/// A call, who makes it (`None`: anonymous) and the status it must get.
type Case<'a> = (
    Method,
    &'a str,
    Option<Value>,
    Option<&'a Person>,
    StatusCode,
);

async fn every_matching_endpoint_checks_who_calls(backend: Backend) {
    let w = world(backend).await;
    let (member, organisation) = w
        .enterprise("anna@cafe-lyst.dk", social_enterprise("Café Lyst", 1, true))
        .await;
    let (stranger, _) = w
        .enterprise("bo@bo.dk", social_enterprise("Bo Godt", 2, true))
        .await;
    let other_officer = w.app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let pending_officer = w
        .app
        .pending_officer("ny@odense.dk", socialbid_tests::ODENSE_CVR)
        .await;
    let tender = w.publish(social_work(&w.app)).await;
    let draft = social_work(&w.app).draft(&w.app, &w.officer).await;

    let tender_path = format!("/api/v1/tenders/{tender}/matches");
    let draft_path = format!("/api/v1/tenders/{draft}/matches");
    let organisation_path = format!("/api/v1/organisations/{organisation}/matches");
    let reach = json!({"cpv": ["85311000"]});
    let cases: Vec<Case> = vec![
        (
            Method::GET,
            &tender_path,
            None,
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::GET,
            &tender_path,
            None,
            Some(&member),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            &tender_path,
            None,
            Some(&other_officer),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            &tender_path,
            None,
            Some(&w.officer),
            StatusCode::OK,
        ),
        (
            Method::GET,
            &tender_path,
            None,
            Some(&w.admin),
            StatusCode::OK,
        ),
        (
            Method::GET,
            &draft_path,
            None,
            Some(&other_officer),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            &draft_path,
            None,
            Some(&member),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            &draft_path,
            None,
            Some(&w.officer),
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/tenders/999999/matches",
            None,
            Some(&w.admin),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            &organisation_path,
            None,
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::GET,
            &organisation_path,
            None,
            Some(&stranger),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            &organisation_path,
            None,
            Some(&w.officer),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            &organisation_path,
            None,
            Some(&member),
            StatusCode::OK,
        ),
        (
            Method::GET,
            &organisation_path,
            None,
            Some(&w.admin),
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/organisations/999999/matches",
            None,
            Some(&w.admin),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/reach",
            Some(reach.clone()),
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::POST,
            "/api/v1/reach",
            Some(reach.clone()),
            Some(&member),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/reach",
            Some(reach.clone()),
            Some(&pending_officer),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/reach",
            Some(reach.clone()),
            Some(&w.admin),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/reach",
            Some(reach.clone()),
            Some(&other_officer),
            StatusCode::OK,
        ),
    ];
    for (method, path, body, who, expected) in cases {
        let response = w
            .app
            .api(
                method.clone(),
                path,
                who.map(|p| p.access_token.as_str()),
                body,
            )
            .await;
        assert_eq!(
            response.status,
            expected,
            "{method} {path} as {:?}: {}",
            who.map(|p| &p.email),
            response.text()
        );
    }
    let own = w.get(&organisation_path, &member).await;
    assert_eq!(ids(&own, "tender_id"), [tender]);
}

async fn reach_counts_the_fitting_profiles_and_the_strongest_change(backend: Backend) {
    let w = world(backend).await;
    w.enterprise(
        "anna@cafe-lyst.dk",
        social_enterprise("Værkstedet", 1, true),
    )
    .await;
    w.enterprise("bo@bo.dk", social_enterprise("Bo Godt", 2, false))
        .await;
    let mut small = social_enterprise("Lille Bo", 3, false);
    small["max_contract_value"] = json!(500_000);
    w.enterprise("dora@lille.dk", small).await;
    w.enterprise("carl@rent.dk", cleaner("Rent Arbejde", 4))
        .await;
    // Submitted but never approved: not counted.
    let waiting = w.app.entrepreneur("eva@venter.dk").await;
    w.app
        .organisation_with(&waiting, social_enterprise("Venter", 5, true))
        .await;

    // Every approval applied to this process's index, as a running
    // process's follower applies it within a second.
    w.app.index().await;
    let reach = |body: Value, lang: &'static str| {
        let app = &w.app;
        let token = w.officer.access_token.clone();
        async move {
            let response = app
                .api_in(
                    Method::POST,
                    "/api/v1/reach",
                    Some(&token),
                    Some(body),
                    lang,
                )
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.text());
            response.json()
        }
    };

    let nothing_chosen = reach(json!({}), "en").await;
    assert_eq!(
        (
            nothing_chosen["fitting"].clone(),
            nothing_chosen["total"].clone()
        ),
        (json!(4), json!(4))
    );

    let draft =
        json!({"cpv": ["85311000"], "nuts": ["DK011"], "lot_values_dkk": [1_000_000, 800_000]});
    let answer = reach(draft.clone(), "en").await;
    assert_eq!(answer["fitting"], 2, "{answer}");
    assert_eq!(answer["summary"], "2 of 4 approved social enterprises fit");
    let change = |answer: &Value, kind: &str, subject: &str| -> Value {
        answer["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["change"] == kind && c["subject"] == subject)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} {subject} in {answer}"))
    };
    let reserve = change(&answer, "reserve", "res-ws");
    assert_eq!(
        (reserve["subject"].clone(), reserve["fitting"].clone()),
        (json!("res-ws"), json!(1))
    );
    assert_eq!(reserve["text"], "Reserving under Article 20 leaves 1 of 4");
    let strongest = &answer["changes"][0];
    assert_eq!(
        (
            strongest["change"].clone(),
            strongest["subject"].clone(),
            strongest["fitting"].clone()
        ),
        (json!("reserve"), json!("res-pub-ser"), json!(0)),
        "reserving under Article 77 leaves nobody: the largest move"
    );
    let split = change(&answer, "split_value", "500000");
    assert_eq!(
        (split["subject"].clone(), split["delta"].clone()),
        (json!("500000"), json!(1))
    );
    assert_eq!(split["text"], "Lots of at most DKK 500,000 would add 1");

    let danish = reach(draft, "da").await;
    assert_eq!(
        change(&danish, "reserve", "res-ws")["text"],
        "Forbeholdes udbuddet efter artikel 20, er 1 af 4 tilbage"
    );

    let reserved = reach(json!({"cpv": ["853"], "reserved": ["res-ws"]}), "en").await;
    assert_eq!(
        reserved["fitting"], 1,
        "only the eligible one counts: {reserved}"
    );
    let strongest = &reserved["changes"][0];
    assert_eq!(strongest["change"], "unreserve");
    assert_eq!(strongest["delta"], 2);
}

async fn bad_input_is_refused_naming_the_field(backend: Backend) {
    let w = world(backend).await;
    let (_, organisation) = w
        .enterprise("anna@cafe-lyst.dk", social_enterprise("Café Lyst", 1, true))
        .await;
    let tender = w.publish(social_work(&w.app)).await;
    for path in [
        format!("/api/v1/tenders/{tender}/matches"),
        format!("/api/v1/organisations/{organisation}/matches"),
    ] {
        for limit in ["0", "abc", "10000", "-1", "2.5"] {
            let response = w
                .app
                .api_in(
                    Method::GET,
                    &format!("{path}?limit={limit}"),
                    Some(&w.admin.access_token),
                    None,
                    "en",
                )
                .await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path} {limit}");
            let body = response.json();
            assert_eq!(body["error"]["fields"][0]["field"], "limit", "{body}");
        }
        let words = w
            .app
            .api_in(
                Method::GET,
                &format!("{path}?limit=0"),
                Some(&w.admin.access_token),
                None,
                "en",
            )
            .await
            .json();
        assert_eq!(
            words["error"]["fields"][0]["message"],
            "Ask for a whole number of matches from 1 to 100"
        );
        let danish = w
            .app
            .api(
                Method::GET,
                &format!("{path}?limit=10000"),
                Some(&w.admin.access_token),
                None,
            )
            .await
            .json();
        assert_eq!(
            danish["error"]["fields"][0]["message"],
            "Bed om et helt antal match fra 1 til 100"
        );
        let limited = w.get(&format!("{path}?limit=1"), &w.admin).await;
        assert_eq!(limited["items"].as_array().unwrap().len(), 1);
    }

    let refused = |body: Value| {
        let app = &w.app;
        let token = w.officer.access_token.clone();
        async move {
            let response = app
                .api_in(
                    Method::POST,
                    "/api/v1/reach",
                    Some(&token),
                    Some(body),
                    "en",
                )
                .await;
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                response.text()
            );
            response.json()["error"]["fields"].clone()
        }
    };
    let unknown = refused(json!({"cpv": ["85311000", "12345678"]})).await;
    assert_eq!(unknown[0]["field"], "cpv");
    assert_eq!(
        unknown[0]["message"],
        "The CPV code 12345678 does not exist. Search with words, or enter a code like 853 or 85311000"
    );
    let region = refused(json!({"nuts": ["UKI"]})).await;
    assert_eq!(region[0]["field"], "nuts");
    let reservation = refused(json!({"reserved": ["article-20"]})).await;
    assert_eq!(reservation[0]["field"], "reserved");
    let negative = refused(json!({"lot_values_dkk": [-5]})).await;
    assert_eq!(negative[0]["field"], "estimated_value_dkk");
    let wrong_type = w
        .app
        .api(
            Method::POST,
            "/api/v1/reach",
            Some(&w.officer.access_token),
            Some(json!({"cpv": "85311000"})),
        )
        .await;
    assert_eq!(
        wrong_type.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong_type.text()
    );
}

/// "Tenders for you" for the members of the organisation (its best on their
/// start page), "Who could bid"
/// for the tender's officers, the reach on a draft page; nobody else sees
/// them, and the pages word the reasons.
async fn the_pages_show_matches_only_to_whom_they_belong(backend: Backend) {
    let w = world(backend).await;
    w.enterprise("anna@cafe-lyst.dk", social_enterprise("Café Lyst", 1, true))
        .await;
    let (_, no_match) = w.enterprise("bo@rent.dk", cleaner("Rent Arbejde", 2)).await;
    let tender = w
        .publish(social_work(&w.app).set("reserved", json!(["res-ws"])))
        .await;
    w.app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;

    let anonymous = w
        .app
        .page(Method::GET, "/organisation/matches", "", None)
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.header("location").unwrap().starts_with("/login"));

    let mut anna = PageSession::logged_in(&w.app, "anna@cafe-lyst.dk").await;
    let page = anna.get("/organisation/matches").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    // The title is marked as Danish, so on the English page too a screen
    // reader reads it as Danish (WCAG 3.1.2).
    assert!(
        text.contains(&format!(
            "<a href=\"/tenders/{tender}\" lang=\"da\">Bostøtte til unge i Københavns Kommune</a>"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "CPV 85311000 Sociale foranstaltninger med institutionsophold: I tilbyder 853 \
             (Sociale foranstaltninger og hermed beslægtet virksomhed)"
        ),
        "{text}"
    );
    assert!(text.contains("Byen København: I dækker DK01"), "{text}");
    assert!(
        text.contains("Forbeholdt efter artikel 20: jeres organisation opfylder betingelserne"),
        "{text}"
    );
    assert!(
        !text.contains("reservation"),
        "udbudsloven's words in Danish"
    );
    assert!(!text.contains("style="), "no inline styles (CSP)");
    // The start page shows the best of them, and the way to all.
    let start = anna.get("/start").await.text();
    assert!(
        start.contains(&format!(
            "<a href=\"/tenders/{tender}\" lang=\"da\">Bostøtte til unge i Københavns Kommune</a>"
        )),
        "{start}"
    );
    assert!(
        start.contains(
            "<a href=\"/organisation/matches\">Se 1 udbud til jer, og hvorfor det passer</a>"
        ),
        "{start}"
    );
    let shown = anna.get(&format!("/tenders/{tender}")).await.text();
    assert!(
        !shown.contains("who-could-bid-heading"),
        "not for an entrepreneur"
    );

    let mut bo = PageSession::logged_in(&w.app, "bo@rent.dk").await;
    let theirs = bo.get("/organisation/matches").await.text();
    assert!(!theirs.contains("Bostøtte til unge"), "{theirs}");
    assert!(theirs.contains("Ingen åbne udbud passer"), "{theirs}");
    let start = bo.get("/start").await.text();
    assert!(start.contains("Ingen åbne udbud passer"), "{start}");
    assert_eq!(w.organisation_matches(no_match).await["total"], 0);

    let mut officer = PageSession::logged_in(&w.app, "indkoeber@kk.dk").await;
    let wrong_role = officer.get("/organisation/matches").await;
    assert_eq!(wrong_role.status, StatusCode::FORBIDDEN);
    let own = officer.get(&format!("/tenders/{tender}")).await.text();
    assert!(own.contains("Hvem kan byde"), "{own}");
    assert!(own.contains("Café Lyst"), "{own}");
    assert!(
        own.contains("Forbeholdt efter artikel 20: organisationen opfylder betingelserne"),
        "{own}"
    );
    let draft = social_work(&w.app).draft(&w.app, &w.officer).await;
    w.app.index().await;
    let step = officer
        .get(&format!("/tenders/{draft}/edit/place"))
        .await
        .text();
    assert!(step.contains("Hvem kan byde indtil nu"), "{step}");
    assert!(
        step.contains("1 af 2 godkendte socialøkonomiske virksomheder passer"),
        "{step}"
    );

    let mut other = PageSession::logged_in(&w.app, "indkoeber@aarhus.dk").await;
    let theirs = other.get(&format!("/tenders/{tender}")).await.text();
    assert!(
        !theirs.contains("who-could-bid-heading"),
        "another authority's tender"
    );
}
