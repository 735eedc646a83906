//! Imported notices become read-only tenders, on both databases: every
//! real notice imports, a second import changes nothing, a change notice
//! writes the change log, an award notice closes the tender and records
//! its winner, the order of arrival does not matter, invalid notices leave
//! nothing behind, and buyers are matched by their national id.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use diesel::prelude::*;
use serde_json::{Value, json};
use socialbid::db::schema::{
    authorities, external_authorities, imported_notices, jobs, search_changes, tender_versions,
    tenders,
};
use socialbid::import::run::Summary;
use socialbid_tests::{
    Backend, Person, TestApp, cvr, on_both_databases, profile_body, workspace_root,
};

fn notice_bytes(folder: &str, file: &str) -> Vec<u8> {
    std::fs::read(
        workspace_root()
            .join("reference/notices")
            .join(folder)
            .join(file),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"))
}

async fn import(app: &TestApp, folder: &str, file: &str) -> Summary {
    socialbid::import::upload::import(&app.state, file.to_owned(), notice_bytes(folder, file))
        .await
        .expect("import runs")
}

fn danish_files() -> Vec<String> {
    let mut files: Vec<String> =
        std::fs::read_dir(workspace_root().join("reference/notices/ted-denmark"))
            .expect("folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".xml"))
            .collect();
    files.sort();
    files
}

/// (tenders, versions, notices, authorities) rows.
async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    app.state
        .db
        .run(|conn| {
            Ok::<_, socialbid::error::AppError>((
                tenders::table.count().get_result(conn)?,
                tender_versions::table.count().get_result(conn)?,
                imported_notices::table.count().get_result(conn)?,
                authorities::table.count().get_result(conn)?,
            ))
        })
        .await
        .expect("counts")
}

/// The id of the tender a notice became.
async fn tender_of(app: &TestApp, summary: &Summary) -> i64 {
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    app.state
        .db
        .run(|conn| {
            Ok::<_, socialbid::error::AppError>(
                tenders::table
                    .select(tenders::id)
                    .order(tenders::id.desc())
                    .first::<i64>(conn)?,
            )
        })
        .await
        .expect("tender")
}

async fn tender_json(app: &TestApp, id: i64) -> Value {
    let response = app
        .api(Method::GET, &format!("/api/v1/tenders/{id}"), None, None)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

async fn every_danish_notice_imports_and_again_changes_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let files = danish_files();
    assert_eq!(files.len(), 95);
    let mut first = Summary::default();
    for file in &files {
        let s = import(&app, "ted-denmark", file).await;
        assert!(
            s.failed.is_empty() && s.skipped.is_empty(),
            "{file}: {:?} {:?}",
            s.failed,
            s.skipped
        );
        first.imported += s.imported;
        first.updated += s.updated;
        first.unchanged += s.unchanged;
    }
    assert_eq!(first.imported + first.updated + first.unchanged, 95);
    assert!(first.imported > 0);
    let before = counts(&app).await;
    assert_eq!(before.2, 95, "every notice kept");
    assert_eq!(before.0, first.imported as i64, "one tender per procedure");

    for file in &files {
        let s = import(&app, "ted-denmark", file).await;
        assert_eq!((s.imported, s.updated, s.unchanged), (0, 0, 1), "{file}");
    }
    assert_eq!(counts(&app).await, before, "a second import writes nothing");
    // The notices without a deadline stay open: their matching was queued.
    app.run_jobs().await;
    assert_eq!(
        app.pending_jobs().await,
        0,
        "the old deadlines have passed: nothing to close later"
    );
}

async fn a_reserved_notice_keeps_its_reservation_and_codes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let summary = import(&app, "ted-denmark", "020052-2017.xml").await;
    assert_eq!(summary.imported, 1);
    let id = tender_of(&app, &summary).await;
    let tender = tender_json(&app, id).await;
    assert_eq!(tender["reserved"], serde_json::json!(["res-ws"]));
    assert_eq!(tender["main_cpv"], "79624000");
    assert_eq!(tender["additional_cpv"], serde_json::json!(["79625000"]));
    assert_eq!(tender["estimated_value"], 12_000_000);
    assert_eq!(tender["currency"], "DKK");
    assert_eq!(tender["language"], "da");
    assert_eq!(tender["status"], "closed", "its deadline passed in 2017");
    assert_eq!(tender["submission_deadline"], "2017-01-31T11:00:00Z");
    assert_eq!(tender["authority"]["name"], "Region Nordjylland");
    assert_eq!(tender["authority"]["cvr"], "29190941");
    assert_eq!(tender["imported"]["source"], "ted");
    assert_eq!(
        tender["imported"]["publication_number"],
        "2017/S 013-020052"
    );
    assert_eq!(
        tender["imported"]["link"],
        "https://ted.europa.eu/en/notice/-/detail/020052-2017"
    );
    assert_eq!(tender["versions"].as_array().map(Vec::len), Some(1));
}

async fn a_change_notice_writes_the_change_log(backend: Backend) {
    let app = TestApp::new(backend).await;
    let first = import(&app, "eforms-sdk-examples", "cn_24_open.xml").await;
    assert_eq!(first.imported, 1);
    let id = tender_of(&app, &first).await;
    let change = import(&app, "eforms-sdk-examples", "change-cn_24_open_dates.xml").await;
    assert_eq!((change.imported, change.updated), (0, 1), "{change:?}");
    let tender = tender_json(&app, id).await;
    assert_eq!(tender["submission_deadline"], "2020-06-12T11:00:00Z");
    let versions = tender["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    let log = &versions[1];
    let reason = log["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("Due to Covid-19"), "{log}");
    let fields: Vec<&str> = log["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert!(fields.contains(&"submission_deadline"), "{fields:?}");
    // The same change notice again changes nothing.
    let again = import(&app, "eforms-sdk-examples", "change-cn_24_open_dates.xml").await;
    assert_eq!(again.unchanged, 1);
    assert_eq!(
        tender_json(&app, id).await["versions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

/// The corrigendum written for the tests (TED form F14) of 020052-2017.
const CORRIGENDUM: &str = "corrigendum-020052-2017.xml";

async fn import_corrigendum(app: &TestApp) -> Summary {
    let bytes = std::fs::read(workspace_root().join("tests/notices").join(CORRIGENDUM))
        .expect("corrigendum");
    socialbid::import::upload::import(&app.state, CORRIGENDUM.to_owned(), bytes)
        .await
        .expect("import runs")
}

async fn a_ted_corrigendum_corrects_its_tender_and_writes_the_change_log(backend: Backend) {
    let app = TestApp::new(backend).await;
    let call = import(&app, "ted-denmark", "020052-2017.xml").await;
    let id = tender_of(&app, &call).await;
    let corrigendum = import_corrigendum(&app).await;
    assert_eq!(
        (
            corrigendum.imported,
            corrigendum.updated,
            corrigendum.skipped.len()
        ),
        (0, 1, 0),
        "{corrigendum:?}"
    );
    let tender = tender_json(&app, id).await;
    // 14 February 2017 12:00 in Copenhagen, as UTC.
    assert_eq!(tender["submission_deadline"], "2017-02-14T11:00:00Z");
    assert_eq!(
        tender["title"],
        "Udbud af sygeplejefaglige og pædagogiske vikarer til Specialsektoren 2017-2019."
    );
    // What the corrigendum leaves alone stays as the call has it.
    assert_eq!(tender["main_cpv"], "79624000");
    assert_eq!(tender["reserved"], serde_json::json!(["res-ws"]));
    assert_eq!(tender["estimated_value"], 12_000_000);
    assert_eq!(
        tender["imported"]["publication_number"], "2017/S 013-020052",
        "the tender is still known by its call"
    );
    let versions = tender["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[1]["reason"],
        "Fristen forlænges, da udbudsmaterialet er blevet opdateret."
    );
    let mut fields: Vec<&str> = versions[1]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    fields.sort();
    assert_eq!(fields, ["submission_deadline", "title"]);

    let again = import_corrigendum(&app).await;
    assert_eq!(again.unchanged, 1, "{again:?}");
    assert_eq!(
        tender_json(&app, id).await["versions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // The corrigendum before its call ends in the same state.
    let reversed = TestApp::new(backend).await;
    import_corrigendum(&reversed).await;
    import(&reversed, "ted-denmark", "020052-2017.xml").await;
    let other = tender_of(&reversed, &Summary::default()).await;
    assert_eq!(counts(&reversed).await.0, 1, "one tender for the procedure");
    assert_eq!(
        folded_state(&app, id).await,
        folded_state(&reversed, other).await
    );
}

/// Back to 1 June 2019, before the deadline of 24 June 2019 of the call
/// `cn_24_FRA_comments.xml`.
fn before_the_calls_deadline(app: &TestApp) {
    let target = chrono::NaiveDate::from_ymd_opt(2019, 6, 1)
        .expect("date")
        .and_hms_opt(12, 0, 0)
        .expect("time");
    app.state
        .clock
        .advance(Duration::seconds((target - app.now()).num_seconds()));
}

async fn an_award_notice_closes_the_tender_and_records_the_winner(backend: Backend) {
    let app = TestApp::new(backend).await;
    before_the_calls_deadline(&app);
    let call = import(&app, "eforms-sdk-examples", "cn_24_FRA_comments.xml").await;
    let id = tender_of(&app, &call).await;
    assert_eq!(tender_json(&app, id).await["status"], "published");
    let award = import(&app, "eforms-sdk-examples", "can_24_FRA_comments.xml").await;
    assert_eq!((award.imported, award.updated), (0, 1), "{award:?}");
    let tender = tender_json(&app, id).await;
    assert_eq!(tender["status"], "closed");
    let winners = tender["imported"]["awards"].as_array().expect("awards");
    assert!(!winners.is_empty(), "{tender}");
    assert!(
        winners
            .iter()
            .all(|w| w["winner"].as_str().is_some_and(|n| !n.is_empty()))
    );
    // The close job the call scheduled finds the tender closed already.
    app.state.clock.advance(Duration::days(30));
    app.run_jobs().await;
    assert_eq!(tender_json(&app, id).await["status"], "closed");
}

async fn an_open_imported_tender_closes_at_its_deadline(backend: Backend) {
    let app = TestApp::new(backend).await;
    before_the_calls_deadline(&app);
    let call = import(&app, "eforms-sdk-examples", "cn_24_FRA_comments.xml").await;
    let id = tender_of(&app, &call).await;
    app.run_jobs().await;
    assert_eq!(tender_json(&app, id).await["status"], "published");
    app.state.clock.advance(Duration::days(30));
    app.run_jobs().await;
    assert_eq!(
        tender_json(&app, id).await["status"],
        "closed",
        "the deadline of 24 June 2019 has passed"
    );
}

/// A profile supplying nursing staff (CPV 796) in North Jutland, eligible
/// for Article 20, Article 77 or neither.
fn staffing_enterprise(name: &str, n: u32, article_20: bool, article_77: bool) -> Value {
    let mut body = profile_body(name, &cvr(n));
    body["cpv"] = json!(["796"]);
    body["nuts"] = json!(["DK05"]);
    body["mission"] = json!("Vi giver mennesker med handicap arbejde som vikarer i plejen.");
    body["capabilities"] = json!("Vikarer med sygeplejefaglig og pædagogisk baggrund.");
    // Registered before the notice's days in 2017, where the test's clock is.
    body["rsv_registered_on"] = json!("2015-03-15");
    body["reserved_res_ws"] = json!(article_20);
    if !article_20 {
        body["res_ws_justification"] = json!("");
    }
    body["reserved_res_pub_ser"] = json!(article_77);
    if article_77 {
        body["res_pub_ser_justification"] =
            json!("Vi har en public service-mission og geninvesterer overskuddet.");
    }
    body
}

async fn get_json(app: &TestApp, path: &str, who: &Person) -> Value {
    let response = app
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

fn listed(list: &Value, key: &str) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m[key].as_i64())
        .collect()
}

/// The real notice 020052-2017 is reserved for sheltered workshops
/// (Article 20): imported while open, it reaches only the organisation
/// eligible for that, with its reasons, and never the others.
async fn an_imported_reserved_tender_reaches_only_eligible_organisations(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Back to 20 January 2017, before the notice's deadline of 31 January.
    let target = chrono::NaiveDate::from_ymd_opt(2017, 1, 20)
        .expect("date")
        .and_hms_opt(9, 0, 0)
        .expect("time");
    app.state
        .clock
        .advance(Duration::seconds((target - app.now()).num_seconds()));
    let admin = app.admin("admin@socialbid.test").await;
    let mut organisations = Vec::new();
    for (n, (email, name, article_20, article_77)) in [
        ("anna@vaerkstedet.dk", "Værkstedet", true, false),
        ("bo@faelles.dk", "Fællesskabet", false, true),
        ("carl@vikar.dk", "Vikarhuset", false, false),
    ]
    .into_iter()
    .enumerate()
    {
        let member = app.entrepreneur(email).await;
        let body = staffing_enterprise(name, n as u32 + 1, article_20, article_77);
        organisations.push(app.approved_organisation(&member, &admin, body).await);
    }
    let [workshop, article_77, neither] = organisations[..] else {
        unreachable!("three organisations")
    };
    app.run_jobs().await;

    let summary = import(&app, "ted-denmark", "020052-2017.xml").await;
    let id = tender_of(&app, &summary).await;
    assert_eq!(tender_json(&app, id).await["status"], "published");
    app.run_jobs().await;

    let matches = get_json(&app, &format!("/api/v1/tenders/{id}/matches"), &admin).await;
    assert_eq!(listed(&matches, "organisation_id"), [workshop], "{matches}");
    assert_eq!(matches["total"], 1);
    let reasons = matches["items"][0]["reasons"].as_array().expect("reasons");
    let kinds: Vec<&str> = reasons.iter().filter_map(|r| r["kind"].as_str()).collect();
    for kind in ["cpv", "region", "reserved"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let cpv = reasons.iter().find(|r| r["kind"] == "cpv").expect("cpv");
    assert_eq!(cpv["tender"], json!(["79624000"]), "{cpv}");
    assert_eq!(cpv["profile"], json!(["79600000"]), "{cpv}");

    let theirs = get_json(
        &app,
        &format!("/api/v1/organisations/{workshop}/matches"),
        &admin,
    )
    .await;
    assert_eq!(listed(&theirs, "tender_id"), [id], "{theirs}");
    for organisation in [article_77, neither] {
        let theirs = get_json(
            &app,
            &format!("/api/v1/organisations/{organisation}/matches"),
            &admin,
        )
        .await;
        assert!(!listed(&theirs, "tender_id").contains(&id), "{theirs}");
    }
}

/// The state a procedure's notices fold into, in a form to compare.
async fn folded_state(app: &TestApp, id: i64) -> Value {
    let t = tender_json(app, id).await;
    serde_json::json!([
        t["title"],
        t["description"],
        t["status"],
        t["main_cpv"],
        t["additional_cpv"],
        t["nuts_codes"],
        t["submission_deadline"],
        t["lots"],
        t["criteria"],
        t["reserved"],
        t["imported"]["awards"],
        t["imported"]["publication_number"],
    ])
}

async fn notices_out_of_order_end_in_the_same_state(backend: Backend) {
    let files = ["cn_24_open.xml", "change-cn_24_open_dates.xml"];
    let in_order = TestApp::new(backend).await;
    for file in files {
        import(&in_order, "eforms-sdk-examples", file).await;
    }
    let reversed = TestApp::new(backend).await;
    for file in files.iter().rev() {
        import(&reversed, "eforms-sdk-examples", file).await;
    }
    let a = tender_of(&in_order, &Summary::default()).await;
    let b = tender_of(&reversed, &Summary::default()).await;
    assert_eq!(
        folded_state(&in_order, a).await,
        folded_state(&reversed, b).await
    );

    // An award before its call, in TED XML: the call that arrives later
    // joins the award's procedure, and the tender stays closed.
    let award_first = TestApp::new(backend).await;
    let award = import(
        &award_first,
        "eforms-sdk-examples",
        "can_24_FRA_comments.xml",
    )
    .await;
    let call = import(
        &award_first,
        "eforms-sdk-examples",
        "cn_24_FRA_comments.xml",
    )
    .await;
    assert_eq!((award.imported, call.imported), (1, 0));
    let call_first = TestApp::new(backend).await;
    import(&call_first, "eforms-sdk-examples", "cn_24_FRA_comments.xml").await;
    import(
        &call_first,
        "eforms-sdk-examples",
        "can_24_FRA_comments.xml",
    )
    .await;
    let a = tender_of(&award_first, &Summary::default()).await;
    let b = tender_of(&call_first, &Summary::default()).await;
    assert_eq!(
        folded_state(&award_first, a).await,
        folded_state(&call_first, b).await
    );
}

async fn invalid_notices_are_refused_and_leave_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    // The notice the invalid change notice claims to change.
    import(&app, "eforms-sdk-examples", "cn_24_FRA_comments.xml").await;
    let before = counts(&app).await;
    let mut files: Vec<String> =
        std::fs::read_dir(workspace_root().join("reference/notices/eforms-sdk-examples"))
            .expect("folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("INVALID_"))
            .collect();
    files.sort();
    assert_eq!(files.len(), 12);
    for file in &files {
        let s = import(&app, "eforms-sdk-examples", file).await;
        assert_eq!(s.failed.len(), 1, "{file}: {s:?}");
        assert!(!s.failed[0].reason.is_empty());
    }
    let change = import(
        &app,
        "eforms-sdk-examples",
        "INVALID_change-cn_24_FRA_comments.xml",
    )
    .await;
    assert_eq!(change.failed[0].code, "procedure_mismatch", "{change:?}");
    assert_eq!(counts(&app).await, before, "nothing of them is stored");
}

/// One chunk holding notices that store and notices that cannot: those
/// that cannot are refused with their reason and leave nothing, the others
/// are stored and announced to search and matching, in the same chunk.
async fn a_refused_notice_in_a_chunk_leaves_the_others_stored(backend: Backend) {
    let app = TestApp::new(backend).await;
    let now = app.now();
    let files = [
        ("eforms-sdk-examples", "cn_24_FRA_comments.xml"),
        (
            "eforms-sdk-examples",
            "INVALID_change-cn_24_FRA_comments.xml",
        ),
        ("ted-denmark", "263406-2016.xml"),
        ("eforms-sdk-examples", "INVALID_cn_24_empty.xml"),
    ];
    let reads: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(folder, file)| ((*file).to_owned(), notice_bytes(folder, file)))
        .collect();
    let (summary, announced, matching_jobs) = app
        .state
        .db
        .run(move |conn| {
            let mut batch = socialbid::import::run::Batch::new(conn, now);
            for (name, bytes) in reads {
                batch.push(name, Ok(bytes));
            }
            let summary = batch.finish();
            let announced: i64 = search_changes::table.count().get_result(conn)?;
            let matching_jobs: i64 = jobs::table
                .filter(jobs::kind.eq("compute_matches"))
                .count()
                .get_result(conn)?;
            Ok::<_, socialbid::error::AppError>((summary, announced, matching_jobs))
        })
        .await
        .expect("batch");
    assert_eq!(summary.imported, 2, "{summary:?}");
    let mut refused: Vec<(&str, &str)> = summary
        .failed
        .iter()
        .map(|r| (r.file.as_str(), r.code))
        .collect();
    refused.sort();
    assert_eq!(
        refused,
        [
            (
                "INVALID_change-cn_24_FRA_comments.xml",
                "procedure_mismatch"
            ),
            ("INVALID_cn_24_empty.xml", "missing"),
        ]
    );
    let (tenders, _, notices, _) = counts(&app).await;
    assert_eq!(
        (tenders, notices),
        (2, 2),
        "nothing of the refused is stored"
    );
    assert_eq!(announced, 2, "both stored tenders are told to search");
    // Both deadlines passed long ago: closed tenders are matched to nobody.
    assert_eq!(matching_jobs, 0);
    app.run_jobs().await;
}

async fn buyers_are_matched_by_national_id_or_created_without_accounts(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Region Nordjylland has an officer here already.
    let officer = app.officer("indkob@rn.test", "29190941").await;
    let summary = import(&app, "ted-denmark", "020052-2017.xml").await;
    let id = tender_of(&app, &summary).await;
    let tender = tender_json(&app, id).await;
    // The officer registered it as "Aarhus Kommune": the notice's buyer is
    // that authority, not a second one.
    assert_eq!(tender["authority"]["cvr"], "29190941");
    assert_eq!(tender["authority"]["name"], "Aarhus Kommune");
    // Read-only: its officer cannot amend it, nobody can ask a question.
    let amend = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/cancel"),
            Some(&officer.access_token),
            Some(serde_json::json!({ "reason": "Forkert" })),
        )
        .await;
    assert_eq!(amend.status, StatusCode::CONFLICT, "{}", amend.text());
    assert_eq!(amend.error_code(), "tender_imported");

    // A buyer not on the platform becomes an external authority once,
    // however many of its notices arrive.
    let (_, _, _, authorities_before) = counts(&app).await;
    import(&app, "ted-denmark", "263406-2016.xml").await;
    import(&app, "ted-denmark", "263406-2016.xml").await;
    let external: i64 = app
        .state
        .db
        .run(|conn| {
            Ok::<_, socialbid::error::AppError>(
                external_authorities::table
                    .inner_join(authorities::table)
                    .filter(authorities::cvr.eq("30060946"))
                    .count()
                    .get_result(conn)?,
            )
        })
        .await
        .expect("external");
    assert_eq!(external, 1);
    assert_eq!(counts(&app).await.3, authorities_before + 1);
}

/// An imported tender's page says plainly where to go, with the link, and
/// offers no question form.
async fn the_tender_page_points_to_the_original(backend: Backend) {
    let app = TestApp::new(backend).await;
    let summary = import(&app, "ted-denmark", "020052-2017.xml").await;
    let id = tender_of(&app, &summary).await;
    for (lang, text) in [("da", "Hentet fra TED"), ("en", "Imported from TED")] {
        let request = Request::builder()
            .uri(format!("/tenders/{id}"))
            .header(header::COOKIE, format!("sb_lang={lang}"))
            .body(Body::empty())
            .expect("request");
        let page = app.send(request).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(text), "{lang}");
        // minijinja escapes the slashes of the link.
        assert!(
            html.contains("ted.europa.eu&#x2f;en&#x2f;notice&#x2f;-&#x2f;detail&#x2f;020052-2017"),
            "{html}"
        );
        assert!(!html.contains("/questions\""), "no question form");
    }
}

on_both_databases!(
    every_danish_notice_imports_and_again_changes_nothing,
    a_reserved_notice_keeps_its_reservation_and_codes,
    a_change_notice_writes_the_change_log,
    a_ted_corrigendum_corrects_its_tender_and_writes_the_change_log,
    an_award_notice_closes_the_tender_and_records_the_winner,
    an_open_imported_tender_closes_at_its_deadline,
    notices_out_of_order_end_in_the_same_state,
    invalid_notices_are_refused_and_leave_nothing,
    a_refused_notice_in_a_chunk_leaves_the_others_stored,
    buyers_are_matched_by_national_id_or_created_without_accounts,
    an_imported_reserved_tender_reaches_only_eligible_organisations,
    the_tender_page_points_to_the_original,
);
