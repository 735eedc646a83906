//! What an admin reads, through the router on both databases: the audit
//! log's filter and chips in words, entries that name their organisation
//! or tender, tenders published, amended and cancelled in the log, and the
//! officers already approved or rejected listed below those waiting.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, ODENSE_CVR, PageSession, TenderBuilder, TestApp, cvr,
    on_both_databases,
};

on_both_databases!(
    the_audit_log_speaks_in_words_and_names_its_subjects,
    tender_decisions_are_in_the_audit_log,
    the_officers_page_lists_decided_officers_too,
);

async fn the_audit_log_speaks_in_words_and_names_its_subjects(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("ada@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(7)).await;
    app.run_jobs().await;
    app.decide(&admin, id, "approve", None).await;

    let mut ada = PageSession::logged_in(&app, "ada@socialbid.dk").await;
    let html = ada.get("/admin/audit-log").await.text();
    assert!(
        html.contains("<option value=\"profile.submit\">Profil sendt til godkendelse</option>"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"tender\">Udbud</option>"),
        "{html}"
    );
    assert!(!html.contains(">profile.submit<"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"/admin/profiles/{id}\">Café Lyst ApS</a>"
        )),
        "{html}"
    );
    assert!(!html.contains(&format!("Organisation #{id}")), "{html}");

    // A chip says what it filters in words too.
    let html = ada
        .get("/admin/audit-log?action=profile.approve&subject_type=organisation")
        .await
        .text();
    let chips = &html[html.find("filter-chips__list").expect("chips")..];
    let chips = &chips[..chips.find("</ul>").unwrap()];
    assert!(chips.contains("</span>Profil godkendt<"), "{chips}");
    assert!(chips.contains("</span>Organisation<"), "{chips}");
    assert!(!chips.contains("profile.approve<"), "{chips}");
}

async fn tender_decisions_are_in_the_audit_log(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.admin("ada@socialbid.dk").await;
    let builder = TenderBuilder::new(&app);
    let id = builder.publish(&app, &officer).await;
    let mut changed = builder.body.clone();
    changed["title"] = json!("Rengøring af daginstitutioner i Aarhus Vest og Syd");
    let amended = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/amend"),
            Some(&officer.access_token),
            Some(json!({ "reason": "Flere institutioner", "tender": changed })),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/cancel"),
            Some(&officer.access_token),
            Some(json!({ "reason": "Budgettet er bortfaldet" })),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    app.run_jobs().await;

    let mut ada = PageSession::logged_in(&app, "ada@socialbid.dk").await;
    let html = ada.get("/admin/audit-log?subject_type=tender").await.text();
    for words in ["Udbud offentliggjort", "Udbud ændret", "Udbud aflyst"] {
        assert!(
            html.contains(&format!("<td>{words}</td>")),
            "{words}: {html}"
        );
    }
    assert!(html.contains("Flere institutioner"), "{html}");
    assert!(html.contains("Budgettet er bortfaldet"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"/tenders/{id}\">Rengøring af daginstitutioner i Aarhus Vest og Syd</a>"
        )),
        "{html}"
    );
    assert!(html.contains("mette@aarhus.dk"), "{html}");

    // The API's log has them too, by their codes.
    let admin = app
        .login("ada@socialbid.dk", socialbid_tests::PASSWORD)
        .await;
    let log = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log?subject_type=tender",
            Some(&admin.access_token),
            None,
        )
        .await;
    let actions: Vec<String> = log.json()["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", log.text()))
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["tender.cancel", "tender.amend", "tender.publish"]);
}

async fn the_officers_page_lists_decided_officers_too(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("ada@socialbid.dk").await;
    let approved = app.pending_officer("mette@aarhus.dk", AARHUS_CVR).await;
    let rejected = app.pending_officer("ole@kk.dk", KOBENHAVN_CVR).await;
    app.pending_officer("lise@odense.dk", ODENSE_CVR).await;
    app.approve_officer(approved.id, &admin).await;
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/admin/officers/{}/reject", rejected.id),
            Some(&admin.access_token),
            Some(json!({ "reason": "CVR-nummeret hører ikke til myndigheden" })),
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::NO_CONTENT,
        "{}",
        response.text()
    );
    app.run_jobs().await;

    let mut ada = PageSession::logged_in(&app, "ada@socialbid.dk").await;
    let html = ada.get("/admin/officers").await.text();
    let section = |id: &str| -> String {
        let start = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {html}"));
        let rest = &html[start..];
        let end = rest.find("</section>").unwrap_or(rest.len());
        rest[..end].to_owned()
    };
    let approved = section("approved");
    assert!(approved.contains("mette@aarhus.dk"), "{approved}");
    assert!(!approved.contains("ole@kk.dk"), "{approved}");
    let rejected = section("rejected");
    assert!(rejected.contains("ole@kk.dk"), "{rejected}");
    assert!(
        rejected.contains("CVR-nummeret hører ikke til myndigheden"),
        "{rejected}"
    );
    // The one waiting can still be decided; the others have no forms.
    assert!(html.contains("lise@odense.dk"), "{html}");
    assert_eq!(html.matches("/approve\"").count(), 1, "{html}");
}
