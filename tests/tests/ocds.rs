//! The OCDS output judged by the Open Contracting Partnership's own
//! checker, libcoveocds, offline: the standard from the repository's zip,
//! the sustainability extension served on loopback.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, TenderBuilder, TestApp, free_port, on_both_databases,
    workspace_root,
};

on_both_databases!(
    releases_pass_libcoveocds,
    releases_carry_reserved_participation_and_social_criteria,
    releases_are_paginated_by_date,
    an_answered_question_is_an_enquiry_from_a_release_of_its_own,
    foreign_places_languages_and_currencies_pass_libcoveocds,
    imported_tenders_keep_their_original_identifiers,
    an_award_and_its_contract_pass_libcoveocds,
    a_consortium_award_names_every_supplier_and_passes_libcoveocds,
);

/// `python3 -m http.server` on a free loopback port, killed on drop.
struct StaticServer {
    child: Child,
    port: u16,
}

impl StaticServer {
    fn start(dir: &Path) -> StaticServer {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the extension server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        StaticServer { child, port }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs libcoveocds on `package` with the extension pointed at loopback
/// and returns its JSON report.
fn cove(package: &Value) -> Value {
    let root = workspace_root();
    let server = StaticServer::start(&root.join("reference/ocds/ocds-sustainability-extension"));
    let mut package = package.clone();
    package["extensions"] = json!([format!("http://127.0.0.1:{}/extension.json", server.port)]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("package.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&package).unwrap()).unwrap();
    let output = Command::new("libcoveocds")
        .arg("--standard-zip")
        .arg(root.join("reference/ocds/ocds-standard-1.1.5.zip"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("-d")
        .arg(&file)
        .output()
        .expect("libcoveocds runs (python3 -m pip install libcoveocds)");
    assert!(
        output.status.success(),
        "libcoveocds failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "libcoveocds printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn assert_clean(report: &Value) {
    assert_eq!(report["validation_errors"], json!([]), "{report:#}");
    assert_eq!(
        report["additional_closed_codelist_values"],
        json!({}),
        "{report:#}"
    );
    let invalid = &report["extensions"]["invalid_extension"];
    assert!(
        invalid.is_null() || invalid == &json!({}) || invalid == &json!([]),
        "{report:#}"
    );
    assert!(
        report["extensions"]["extensions"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "the sustainability extension was read: {report:#}"
    );
}

/// A varied set of tenders: plain, reserved (both articles), with lots,
/// amended, cancelled, one from another authority, and a draft.
async fn seed(app: &TestApp) -> Vec<i64> {
    let aarhus = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let kk = app.officer("ole@kk.dk", KOBENHAVN_CVR).await;
    let plain = TenderBuilder::new(app).draft(app, &aarhus).await;
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/tenders/{plain}/documents?name=udbudsbetingelser.pdf"
        ))
        .header("authorization", format!("Bearer {}", aarhus.access_token))
        .header("content-type", "application/pdf")
        .body(axum::body::Body::from(b"%PDF-1.4\n%%EOF\n".to_vec()))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::CREATED);
    let published = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{plain}/publish"),
            Some(&aarhus.access_token),
            None,
        )
        .await;
    assert_eq!(published.status, StatusCode::OK);
    let ws = TenderBuilder::new(app)
        .set("reserved", json!("res-ws"))
        .with_lots()
        .publish(app, &aarhus)
        .await;
    let art77 = TenderBuilder::new(app)
        .article_77()
        .set("procedure_type", json!("neg-wo-call"))
        .set(
            "criteria",
            json!([
                {"name": "Pris", "kind": "price", "weight": 40},
                {"name": "Tilgængelighed", "kind": "social", "weight": 30, "social_objectives": ["acc-all", "opp"]},
                {"name": "Arbejdsvilkår", "kind": "social", "weight": 30, "social_objectives": ["work-cond"]}
            ]),
        )
        .publish(app, &kk)
        .await;
    let amended_builder = TenderBuilder::new(app).set("contract_nature", json!("supplies"));
    let amended = amended_builder.publish(app, &aarhus).await;
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{amended}/amend"),
            Some(&aarhus.access_token),
            Some(json!({"reason": "Længere frist", "tender": amended_builder.set("submission_deadline", json!(socialbid_tests::in_days(app, 50))).body})),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let cancelled = TenderBuilder::new(app).publish(app, &kk).await;
    app.api(
        Method::POST,
        &format!("/api/v1/tenders/{cancelled}/cancel"),
        Some(&kk.access_token),
        Some(json!({"reason": "Behovet er bortfaldet"})),
    )
    .await;
    TenderBuilder::new(app).draft(app, &aarhus).await;
    vec![plain, ws, art77, amended, cancelled]
}

async fn releases_pass_libcoveocds(backend: Backend) {
    let app = TestApp::new(backend).await;
    let ids = seed(&app).await;
    let all = app
        .api(Method::GET, "/api/v1/ocds/releases", None, None)
        .await;
    assert_eq!(all.status, StatusCode::OK);
    let package = all.json();
    // 5 published versions, 1 amendment, 1 cancellation; the draft is not there.
    assert_eq!(package["releases"].as_array().unwrap().len(), 7);
    assert_clean(&cove(&package));
    for id in ids {
        let one = app
            .api(
                Method::GET,
                &format!("/api/v1/tenders/{id}/ocds"),
                None,
                None,
            )
            .await;
        assert_eq!(one.status, StatusCode::OK);
        assert_clean(&cove(&one.json()));
    }
}

async fn releases_carry_reserved_participation_and_social_criteria(backend: Backend) {
    let app = TestApp::new(backend).await;
    let ids = seed(&app).await;
    let plain = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{}/ocds", ids[0]),
            None,
            None,
        )
        .await
        .json();
    let document = &plain["releases"][0]["tender"]["documents"][0];
    assert_eq!(document["documentType"], "biddingDocuments");
    assert_eq!(document["format"], "application/pdf");
    assert!(
        document["url"]
            .as_str()
            .unwrap()
            .contains(&format!("/api/v1/tenders/{}/documents/", ids[0]))
    );
    let ws = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{}/ocds", ids[1]),
            None,
            None,
        )
        .await
        .json();
    let tender = &ws["releases"][0]["tender"];
    assert_eq!(tender["hasSustainability"], true);
    let sustainability = tender["sustainability"].as_array().unwrap();
    assert!(
        sustainability
            .iter()
            .any(|s| s["strategies"] == json!(["reservedParticipation"])
                && s["goal"] == "social.disadvantagedEmploymentOpportunities")
    );
    assert!(
        sustainability
            .iter()
            .any(|s| s["strategies"] == json!(["awardCriteria"]))
    );
    assert_eq!(
        ws["releases"][0]["ocid"],
        format!("ocds-socialbid-{}", ids[1])
    );
    assert_eq!(
        tender["value"],
        json!({"amount": 2_400_000, "currency": "DKK"})
    );

    let art77 = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{}/ocds", ids[2]),
            None,
            None,
        )
        .await
        .json();
    let goals: Vec<&str> = art77["releases"][0]["tender"]["sustainability"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["goal"].as_str().unwrap())
        .collect();
    assert!(goals.contains(&"social.accessibility"), "{goals:?}");
    assert!(goals.contains(&"social.laborRightsPromotion"), "{goals:?}");
    assert_eq!(
        art77["releases"][0]["tender"]["procurementMethod"],
        "limited"
    );
    assert_eq!(
        art77["releases"][0]["buyer"]["id"],
        format!("DK-CVR-{KOBENHAVN_CVR}")
    );

    let amended = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{}/ocds", ids[3]),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(amended["releases"][1]["tag"], json!(["tenderAmendment"]));
    assert_eq!(
        amended["releases"][1]["tender"]["amendments"][0]["rationale"],
        "Længere frist"
    );
    let cancelled = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{}/ocds", ids[4]),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(
        cancelled["releases"][1]["tag"],
        json!(["tenderCancellation"])
    );
    assert_eq!(cancelled["releases"][1]["tender"]["status"], "cancelled");
}

async fn releases_are_paginated_by_date(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let first = TenderBuilder::new(&app).publish(&app, &officer).await;
    app.state.clock.advance(chrono::Duration::hours(2));
    let since = (app.now() - chrono::Duration::minutes(1))
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let officer = app.relogin(&officer).await;
    let second = TenderBuilder::new(&app).publish(&app, &officer).await;
    let recent = app
        .api(
            Method::GET,
            &format!("/api/v1/ocds/releases?since={}", since.replace('+', "%2B")),
            None,
            None,
        )
        .await
        .json();
    let ocids: Vec<&str> = recent["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ocid"].as_str().unwrap())
        .collect();
    assert_eq!(ocids, [format!("ocds-socialbid-{second}")]);
    let everything = app
        .api(Method::GET, "/api/v1/ocds/releases?page=1", None, None)
        .await
        .json();
    assert_eq!(
        everything["releases"][0]["ocid"],
        format!("ocds-socialbid-{first}")
    );
    assert!(everything.get("links").is_none(), "one page only");
    let beyond = app
        .api(Method::GET, "/api/v1/ocds/releases?page=2", None, None)
        .await
        .json();
    assert_eq!(beyond["releases"], json!([]));
}

async fn an_answered_question_is_an_enquiry_from_a_release_of_its_own(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let builder = TenderBuilder::new(&app);
    let publishing = app.now();
    let id = builder.publish(&app, &officer).await;
    let published = (publishing, app.now());

    app.state.clock.advance(chrono::Duration::hours(1));
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let officer = app.relogin(&officer).await;
    let asked = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/questions"),
            Some(&anna.access_token),
            Some(json!({ "question": "Må vi byde på én institution?" })),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let question = asked.json()["id"].as_i64().unwrap();
    // A question not yet answered is not public, and no enquiry yet.
    let before = tender_releases(&app, id).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0]["tender"]["hasEnquiries"], false);

    let answering = app.now();
    let answered = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/questions/{question}/answer"),
            Some(&officer.access_token),
            Some(json!({ "answer": "Nej, alle 12 hører sammen." })),
        )
        .await;
    assert_eq!(
        answered.status,
        StatusCode::NO_CONTENT,
        "{}",
        answered.text()
    );
    let answered_at = (answering, app.now());
    // The officer was told of the question and Anna is told of the answer.
    assert_eq!(app.run_jobs().await, 2);

    app.state.clock.advance(chrono::Duration::hours(1));
    let officer = app.relogin(&officer).await;
    let amending = app.now();
    let amended = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/amend"),
            Some(&officer.access_token),
            Some(json!({"reason": "Længere frist", "tender": builder.set("submission_deadline", json!(socialbid_tests::in_days(&app, 50))).body})),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    let amended_at = (amending, app.now());
    // The amendment queued the tender's matching.
    assert_eq!(app.run_jobs().await, 1);

    let releases = tender_releases(&app, id).await;
    let summary: Vec<(&str, bool)> = releases
        .iter()
        .map(|r| {
            (
                r["tag"][0].as_str().unwrap(),
                r["tender"]["hasEnquiries"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("tender", false),
            ("tenderUpdate", true),
            ("tenderAmendment", true)
        ]
    );
    // Each dated when it happened (to the second, as OCDS dates are).
    let at = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    for (release, (from, to)) in releases.iter().zip([published, answered_at, amended_at]) {
        let date = release["date"].as_str().unwrap();
        assert!(
            at(from).as_str() <= date && date <= at(to).as_str(),
            "{date}"
        );
    }
    // The update carries the version then current, under an id of its own.
    let ocid = releases[0]["ocid"].as_str().unwrap();
    assert_eq!(releases[1]["id"], format!("{ocid}-v1-answer-{question}"));
    assert_eq!(
        releases[1]["tender"]["title"],
        releases[0]["tender"]["title"]
    );
    let package = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/ocds"),
            None,
            None,
        )
        .await
        .json();
    assert_clean(&cove(&package));

    // The feed holds the same three, in date order, and `since` finds the update.
    let feed = app
        .api(Method::GET, "/api/v1/ocds/releases", None, None)
        .await
        .json();
    let ids: Vec<&Value> = feed["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    let expected: Vec<&Value> = releases.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, expected);
    let since = app
        .api(
            Method::GET,
            &format!("/api/v1/ocds/releases?since={}", at(answered_at.0)),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(since["releases"].as_array().unwrap().len(), 2);
    assert_eq!(since["releases"][0]["tag"][0], "tenderUpdate");
    assert_clean(&cove(&feed));
}

async fn tender_releases(app: &TestApp, id: i64) -> Vec<Value> {
    let package = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/ocds"),
            None,
            None,
        )
        .await;
    assert_eq!(package.status, StatusCode::OK, "{}", package.text());
    package.json()["releases"].as_array().unwrap().clone()
}

/// A tender as a notice from abroad describes it: written in French, its
/// value in euro with cents, places in France and Germany, reserved under
/// Article 20 and Article 77 at once, with a cost criterion.
async fn foreign_places_languages_and_currencies_pass_libcoveocds(backend: Backend) {
    let app = TestApp::new(backend).await;
    let aarhus = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .article_77()
        .set("language", json!("fr"))
        .set("title", json!("Accompagnement social des jeunes"))
        .set("nuts_codes", json!(["FR101", "DE300"]))
        .set("estimated_value", json!(291934.6))
        .set("currency", json!("EUR"))
        .set("reserved", json!(["res-ws", "res-pub-ser"]))
        .set(
            "criteria",
            json!([
                {"name": "Coût du cycle de vie", "kind": "cost", "weight": 60},
                {"name": "Insertion", "kind": "social", "weight": 40, "social_objectives": ["opp"]}
            ]),
        )
        .publish(&app, &aarhus)
        .await;
    let package = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/ocds"),
            None,
            None,
        )
        .await
        .json();
    let release = &package["releases"][0];
    assert_eq!(release["language"], "fr");
    assert_eq!(
        release["tender"]["value"],
        json!({"amount": 291934.6, "currency": "EUR"})
    );
    assert_clean(&cove(&package));
}

/// Tenders imported from TED (Danish TED XML notices, a foreign eForms call
/// and its award, a change notice) are in the packages with the
/// identifiers they have on TED, and the packages still pass.
async fn imported_tenders_keep_their_original_identifiers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let notices = workspace_root().join("reference/notices");
    for file in [
        "ted-denmark/020052-2017.xml",
        "ted-denmark/263406-2016.xml",
        "ted-denmark/025093-2020.xml",
        "eforms-sdk-examples/cn_24_open.xml",
        "eforms-sdk-examples/change-cn_24_open_dates.xml",
        "eforms-sdk-examples/cn-social_24.xml",
    ] {
        let bytes = std::fs::read(notices.join(file)).unwrap();
        let summary = socialbid::import::upload::import(&app.state, file.to_owned(), bytes)
            .await
            .unwrap();
        assert!(summary.failed.is_empty(), "{file}: {summary:?}");
    }
    let package = app
        .api(Method::GET, "/api/v1/ocds/releases", None, None)
        .await
        .json();
    let releases = package["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 6, "five tenders, one of them changed");
    let reserved = releases
        .iter()
        .find(|r| r["tender"]["id"] == "2017/S 013-020052")
        .expect("the TED notice keeps its publication number as the tender id");
    let notice = &reserved["tender"]["documents"][0];
    assert_eq!(notice["documentType"], "tenderNotice");
    assert_eq!(
        notice["url"],
        "https://ted.europa.eu/en/notice/-/detail/020052-2017"
    );
    assert!(
        releases.iter().any(
            |r| r["tender"]["id"] == "31f258b6-5eb2-4875-8997-affa3cdce27c"
                && r["tag"] == json!(["tenderAmendment"])
        ),
        "the eForms procedure identifier, amended by its change notice"
    );
    assert_clean(&cove(&package));
}

/// An award (the winner a supplier party, the price its value, the number
/// of bids on the tender) and, after the standstill period, the signed
/// contract, each a release of its own, pass the checker; nothing of the
/// losing bid is published.
async fn an_award_and_its_contract_pass_libcoveocds(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(
        &anna,
        &admin,
        socialbid_tests::profile_body("Café Lyst ApS", &socialbid_tests::cvr(1)),
    )
    .await;
    let bo = app.entrepreneur("bo@groen.dk").await;
    app.approved_organisation(
        &bo,
        &admin,
        socialbid_tests::profile_body("Grøn Rengøring", &socialbid_tests::cvr(2)),
    )
    .await;
    let (tender, _, officer) = app
        .awarded_tender(&officer, &[(&anna, 1_900_000), (&bo, 2_300_000)])
        .await;
    app.state.clock.advance(chrono::Duration::days(12));
    let officer = app.relogin(&officer).await;
    let signed = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/evaluation/lots/0/contract"),
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());

    let package = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}/ocds"),
            None,
            None,
        )
        .await
        .json();
    let releases = package["releases"].as_array().unwrap();
    let award = releases
        .iter()
        .find(|r| r["tag"] == json!(["award"]))
        .expect("an award release");
    assert_eq!(award["awards"][0]["suppliers"][0]["name"], "Café Lyst ApS");
    assert_eq!(
        award["awards"][0]["value"],
        json!({"amount": 1_900_000, "currency": "DKK"})
    );
    assert_eq!(award["tender"]["numberOfTenderers"], 2);
    let contract = releases
        .iter()
        .find(|r| r["tag"] == json!(["contract"]))
        .expect("a contract release");
    assert_eq!(
        contract["contracts"][0]["awardID"],
        award["awards"][0]["id"]
    );
    assert!(
        !package.to_string().contains("2300000"),
        "the losing price is published"
    );
    assert_clean(&cove(&package));

    // The feed of every release holds the same award and contract, after
    // the tender's own releases, and passes too.
    let feed = app
        .api(Method::GET, "/api/v1/ocds/releases", None, None)
        .await
        .json();
    let in_feed: Vec<&Value> = feed["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ocid"] == award["ocid"])
        .collect();
    let tags: Vec<&Value> = in_feed.iter().map(|r| &r["tag"][0]).collect();
    assert_eq!(tags.last(), Some(&&json!("contract")), "{tags:?}");
    assert_eq!(tags[tags.len() - 2], "award", "{tags:?}");
    assert_eq!(in_feed[in_feed.len() - 2], award);
    assert_eq!(in_feed[in_feed.len() - 1], contract);
    assert!(!feed.to_string().contains("2300000"));
    assert_clean(&cove(&feed));
}

async fn a_consortium_award_names_every_supplier_and_passes_libcoveocds(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(
        &anna,
        &admin,
        socialbid_tests::profile_body("Café Lyst ApS", &socialbid_tests::cvr(1)),
    )
    .await;
    let jonas = app.entrepreneur("jonas@groen.dk").await;
    let cleaner = app
        .approved_organisation(
            &jonas,
            &admin,
            socialbid_tests::profile_body("Grøn Rengøring", &socialbid_tests::cvr(2)),
        )
        .await;
    let tender = socialbid_tests::TenderBuilder::new(&app)
        .closing_in_two_days(&app)
        .publish(&app, &officer)
        .await;
    let bid = app
        .consortium_bid(&anna, &jonas, cleaner, tender, 1_900_000)
        .await;
    app.award_cheapest(&officer, tender, &[(bid, 1_900_000)])
        .await;
    let package = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{tender}/ocds"),
            None,
            None,
        )
        .await
        .json();
    let award = package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tag"] == json!(["award"]))
        .expect("an award release");
    let suppliers: Vec<&str> = award["awards"][0]["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(suppliers, ["Café Lyst ApS", "Grøn Rengøring"]);
    let party = award["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Grøn Rengøring")
        .expect("the partner as a party");
    assert_eq!(party["roles"], json!(["supplier"]));
    assert_eq!(party["id"], format!("DK-CVR-{}", socialbid_tests::cvr(2)));
    assert_eq!(award["tender"]["numberOfTenderers"], 1, "one bid, by two");
    assert_clean(&cove(&package));
}
