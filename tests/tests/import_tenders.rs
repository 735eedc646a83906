//! Imported notices become read-only tenders, on both databases: every
//! real notice imports, a second import changes nothing, a change notice
//! writes the change log, an award notice closes the tender and records
//! its winner, the order of arrival does not matter, invalid notices leave
//! nothing behind, and buyers are matched by their national id.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use diesel::prelude::*;
use serde_json::Value;
use socialbid::db::schema::{
    authorities, external_authorities, imported_notices, tender_versions, tenders,
};
use socialbid::import::run::Summary;
use socialbid_tests::{Backend, TestApp, on_both_databases, workspace_root};

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

async fn an_award_notice_closes_the_tender_and_records_the_winner(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Back to 1 June 2019, before the call's deadline of 24 June 2019.
    let target = chrono::NaiveDate::from_ymd_opt(2019, 6, 1)
        .expect("date")
        .and_hms_opt(12, 0, 0)
        .expect("time");
    app.state
        .clock
        .advance(Duration::seconds((target - app.now()).num_seconds()));
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
    an_award_notice_closes_the_tender_and_records_the_winner,
    notices_out_of_order_end_in_the_same_state,
    invalid_notices_are_refused_and_leave_nothing,
    buyers_are_matched_by_national_id_or_created_without_accounts,
    the_tender_page_points_to_the_original,
);
