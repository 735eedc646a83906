//! "Not for us", on both databases: an organisation dismisses a tender it
//! matches through the API or the "Tenders for you" page without
//! JavaScript; the tender leaves its matches, is listed apart and can be
//! restored. Only members of an organisation dismiss, and only tenders
//! that are published. (That a dismissal stops the "last chance" reminder
//! is in `notify`.)

use axum::http::{Method, StatusCode};
use serde_json::Value;
use socialbid_tests::{
    AARHUS_CVR, Backend, PageSession, Person, TenderBuilder, TestApp, offering_body,
    on_both_databases,
};

on_both_databases!(
    a_dismissed_tender_leaves_the_matches_until_it_is_restored,
    only_a_member_of_an_organisation_dismisses_a_published_tender,
);

struct Scene {
    app: TestApp,
    officer: Person,
    anna: Person,
    organisation: i64,
    tender: i64,
}

/// Grøn Rengøring cleans in Østjylland; Aarhus publishes a cleaning
/// tender that it matches.
async fn scene(backend: Backend) -> Scene {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let anna = app.entrepreneur("anna@groen.dk").await;
    let organisation = app
        .approved_organisation(
            &anna,
            &admin,
            offering_body("Grøn Rengøring", 1, &["90910000"], &["DK04"], 2_000_000),
        )
        .await;
    let tender = TenderBuilder::new(&app).publish(&app, &officer).await;
    app.run_jobs().await;
    Scene {
        app,
        officer,
        anna,
        organisation,
        tender,
    }
}

/// The ids of the organisation's matches and of its dismissed tenders.
async fn matches(s: &Scene) -> (Vec<i64>, Vec<i64>, i64) {
    let found = s
        .app
        .api(
            Method::GET,
            &format!("/api/v1/organisations/{}/matches", s.organisation),
            Some(&s.anna.access_token),
            None,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    let json = found.json();
    let ids = |list: &Value| -> Vec<i64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| m["tender_id"].as_i64().unwrap())
            .collect()
    };
    (
        ids(&json["items"]),
        ids(&json["dismissed"]),
        json["total"].as_i64().unwrap(),
    )
}

async fn dismissal(s: &Scene, method: Method, who: Option<&Person>, tender: i64) -> StatusCode {
    s.app
        .api(
            method,
            &format!("/api/v1/tenders/{tender}/dismissal"),
            who.map(|p| p.access_token.as_str()),
            None,
        )
        .await
        .status
}

async fn a_dismissed_tender_leaves_the_matches_until_it_is_restored(backend: Backend) {
    let s = scene(backend).await;
    assert_eq!(matches(&s).await, (vec![s.tender], vec![], 1));

    // Through the API, twice the same as once.
    for _ in 0..2 {
        assert_eq!(
            dismissal(&s, Method::PUT, Some(&s.anna), s.tender).await,
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(matches(&s).await, (vec![], vec![s.tender], 0));

    // On the page: listed apart, with a button that restores it.
    let mut anna = PageSession::logged_in(&s.app, "anna@groen.dk").await;
    let page = anna.get("/organisation/matches").await.text();
    assert!(page.contains("Udbud I har fravalgt"), "{page}");
    assert!(page.contains(&format!("action=\"/tenders/{}/restore\"", s.tender)));
    assert!(!page.contains(&format!("action=\"/tenders/{}/dismiss\"", s.tender)));
    let restored = anna
        .post(&format!("/tenders/{}/restore", s.tender), &[])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let back = restored.header("location").unwrap();
    assert_eq!(back, "/organisation/matches?notice=tender_restored");
    let page = anna.get(&back).await.text();
    assert!(page.contains("Udbuddet er igen blandt jeres match."));
    assert!(page.contains(&format!("action=\"/tenders/{}/dismiss\"", s.tender)));
    assert_eq!(matches(&s).await, (vec![s.tender], vec![], 1));

    // And dismissed from the page.
    let dismissed = anna
        .post(&format!("/tenders/{}/dismiss", s.tender), &[])
        .await;
    assert_eq!(dismissed.status, StatusCode::SEE_OTHER);
    let page = anna
        .get(&dismissed.header("location").unwrap())
        .await
        .text();
    assert!(page.contains("Udbuddet er fravalgt."));
    assert_eq!(matches(&s).await, (vec![], vec![s.tender], 0));

    // Through the API again.
    assert_eq!(
        dismissal(&s, Method::DELETE, Some(&s.anna), s.tender).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(matches(&s).await, (vec![s.tender], vec![], 1));
}

async fn only_a_member_of_an_organisation_dismisses_a_published_tender(backend: Backend) {
    let s = scene(backend).await;
    let lone = s.app.entrepreneur("lone@example.dk").await;
    for method in [Method::PUT, Method::DELETE] {
        assert_eq!(
            dismissal(&s, method.clone(), None, s.tender).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            dismissal(&s, method.clone(), Some(&s.officer), s.tender).await,
            StatusCode::FORBIDDEN
        );
        let refused = s
            .app
            .api(
                method.clone(),
                &format!("/api/v1/tenders/{}/dismissal", s.tender),
                Some(&lone.access_token),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(refused.error_code(), "no_organisation");
        assert_eq!(
            dismissal(&s, method.clone(), Some(&s.anna), 987_654).await,
            StatusCode::NOT_FOUND
        );
    }
    let draft = TenderBuilder::new(&s.app).draft(&s.app, &s.officer).await;
    assert_eq!(
        dismissal(&s, Method::PUT, Some(&s.anna), draft).await,
        StatusCode::NOT_FOUND
    );
    // The pages refuse the officer as the API does, and change nothing.
    let mut mette = PageSession::logged_in(&s.app, "mette@aarhus.dk").await;
    let refused = mette
        .post(&format!("/tenders/{}/dismiss", s.tender), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(matches(&s).await, (vec![s.tender], vec![], 1));
}
