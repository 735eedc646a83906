//! The change feed and the indexes that follow it, through the router on
//! both databases: every write that changes what search must know reaches
//! the index, and nothing that must not be found stays there.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{
    AARHUS_CVR, Backend, TenderBuilder, TestApp, on_both_databases, profile_body,
};

on_both_databases!(
    published_amended_and_cancelled_tenders_reach_the_index,
    drafts_are_never_indexed,
    profiles_are_indexed_only_while_public,
    a_closed_tender_is_indexed_as_closed,
    readyz_and_metrics_say_how_far_the_index_lags,
);

async fn published_amended_and_cancelled_tenders_reach_the_index(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let kept = app
        .index()
        .await
        .tenders
        .get(id as u64)
        .expect("read")
        .expect("indexed");
    assert_eq!(
        kept.tender.status,
        socialbid::search::indexer::TenderStatus::Published
    );
    assert_eq!(finding(&app, "daginstitutioner").await, [id as u64]);
    assert!(finding(&app, "vuggestuer").await.is_empty());

    let amended = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/amend"),
            Some(&officer.access_token),
            Some(json!({
                "reason": "Ny titel",
                "tender": TenderBuilder::new(&app)
                    .set("title", json!("Rengøring af vuggestuer i Aarhus Vest"))
                    .body
            })),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    app.run_jobs().await;
    assert_eq!(
        finding(&app, "vuggestuer").await,
        [id as u64],
        "the amended title is found"
    );

    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/cancel"),
            Some(&officer.access_token),
            Some(json!({"reason": "Behovet er bortfaldet"})),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    app.run_jobs().await;
    let kept = app
        .index()
        .await
        .tenders
        .get(id as u64)
        .expect("read")
        .expect("indexed");
    assert_eq!(
        kept.tender.status,
        socialbid::search::indexer::TenderStatus::Cancelled
    );
}

/// The tenders this process's index finds for `words`, open or not.
async fn finding(app: &TestApp, words: &str) -> Vec<u64> {
    let query = socialbid::search::indexer::TenderQuery {
        words: words.to_owned(),
        status: socialbid::search::indexer::StatusFilter::All,
        limit: 10,
        ..Default::default()
    };
    let results = app.index().await.tenders.search(&query).expect("search");
    results.hits.iter().map(|hit| hit.id).collect()
}

async fn drafts_are_never_indexed(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let draft = TenderBuilder::new(&app).draft(&app, &officer).await;
    let published = TenderBuilder::new(&app).publish(&app, &officer).await;
    let index = app.index().await;
    assert!(index.tenders.get(draft as u64).expect("read").is_none());
    assert!(index.tenders.get(published as u64).expect("read").is_some());
    assert_eq!(index.tenders.len(), 1);
}

async fn profiles_are_indexed_only_while_public(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.test").await;
    let member = app.entrepreneur("cafe@lyst.dk").await;
    let id = app
        .organisation_with(&member, profile_body("Café Lyst", &socialbid_tests::cvr(1)))
        .await;
    assert!(
        app.index()
            .await
            .profiles
            .get(id as u64)
            .expect("read")
            .is_none(),
        "pending"
    );

    app.decide(&admin, id, "approve", None).await;
    let doc = app
        .index()
        .await
        .profiles
        .get(id as u64)
        .expect("read")
        .expect("approved");
    assert_eq!(doc.name, "Café Lyst");
    assert_eq!(doc.texts[0].lang, "da");
    assert_eq!(
        doc.eligible,
        vec![socialbid::search::indexer::Reservation::ShelteredWorkshops]
    );

    // A change to a verified fact waits for review: the index keeps the
    // approved mission until an admin approves the new one.
    let mut changed = profile_body("Café Lyst", &socialbid_tests::cvr(1));
    changed["mission"] = json!("Vi driver kantiner med unge i praktik.");
    let updated = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{id}"),
            Some(&member.access_token),
            Some(changed),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    let doc = app
        .index()
        .await
        .profiles
        .get(id as u64)
        .expect("read")
        .expect("still public");
    assert_eq!(
        doc.texts[0].mission,
        "Vi træner unge uden uddannelse til job i køkken og café."
    );
    app.decide(&admin, id, "approve", None).await;
    let doc = app
        .index()
        .await
        .profiles
        .get(id as u64)
        .expect("read")
        .expect("approved");
    assert_eq!(
        doc.texts[0].mission,
        "Vi driver kantiner med unge i praktik."
    );

    app.decide(&admin, id, "suspend", Some("Klager undersøges"))
        .await;
    assert!(
        app.index()
            .await
            .profiles
            .get(id as u64)
            .expect("read")
            .is_none(),
        "suspended"
    );
    app.decide(&admin, id, "unsuspend", None).await;
    assert!(
        app.index()
            .await
            .profiles
            .get(id as u64)
            .expect("read")
            .is_some(),
        "reinstated"
    );

    let deleted = app
        .api(
            Method::DELETE,
            &format!("/api/v1/profiles/{id}"),
            Some(&member.access_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    assert!(
        app.index()
            .await
            .profiles
            .get(id as u64)
            .expect("read")
            .is_none(),
        "deleted"
    );
}

async fn a_closed_tender_is_indexed_as_closed(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    app.state.clock.advance(chrono::Duration::days(41));
    app.run_jobs().await;
    let doc = app
        .index()
        .await
        .tenders
        .get(id as u64)
        .expect("read")
        .expect("indexed");
    assert_eq!(
        doc.tender.status,
        socialbid::search::indexer::TenderStatus::Closed
    );
}

async fn readyz_and_metrics_say_how_far_the_index_lags(backend: Backend) {
    let app = TestApp::new(backend).await;
    let ready = app.raw(Method::GET, "/readyz", None, "").await;
    assert!(ready.text().contains("not opened"), "{}", ready.text());

    app.index().await;
    let officer = app.officer("indkoeber@aarhus.dk", AARHUS_CVR).await;
    // Published without running the matching job it queues, which would
    // apply the feed first.
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let published = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/publish"),
            Some(&officer.access_token),
            None,
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text());
    let ready = app.raw(Method::GET, "/readyz", None, "").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(
        ready.text().contains("search index: 1 changes behind"),
        "{}",
        ready.text()
    );
    let metrics = app.raw(Method::GET, "/metrics", None, "").await.text();
    assert!(
        metrics.contains("socialbid_search_changes_behind 1"),
        "{metrics}"
    );

    app.index().await;
    let ready = app.raw(Method::GET, "/readyz", None, "").await;
    assert!(
        ready.text().contains("search index: 0 changes behind"),
        "{}",
        ready.text()
    );
    let metrics = app.raw(Method::GET, "/metrics", None, "").await.text();
    assert!(
        metrics.contains("socialbid_search_changes_behind 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains("socialbid_search_documents{index=\"tenders\"} 1"),
        "{metrics}"
    );
    assert_eq!(app.run_jobs().await, 1, "the tender's matching");
}
