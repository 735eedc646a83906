//! A tender's documents through the pages, on both databases: a title
//! given with the upload and shown instead of the file name, removing a
//! document (on a published tender a new version everyone sees, with the
//! earlier OCDS release unchanged), and the documents step's way back to
//! the check page. Removing refuses the wrong role and the wrong authority.

use axum::http::{Method, Request, StatusCode};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, TenderBuilder, TestApp, TestResponse,
    on_both_databases,
};

on_both_databases!(
    a_draft_document_is_titled_removed_and_the_step_leads_back,
    removing_a_published_document_is_a_new_version,
    removing_a_document_is_for_the_owning_officer_only,
);

const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

fn location(response: &TestResponse) -> String {
    response.header("location").unwrap_or_default()
}

/// The upload form's body: the token first, then the title, then the file.
fn upload(
    session: &PageSession<'_>,
    id: i64,
    title: &str,
    file: &str,
) -> Request<axum::body::Body> {
    let boundary = "----socialbidtitles7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    let token = session.jar.csrf();
    for (name, file_name, data) in [
        ("csrf_token", None, token.as_bytes()),
        ("title", None, title.as_bytes()),
        ("file", Some(file), PDF),
    ] {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file_name {
            Some(f) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/pdf\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method(Method::POST)
        .uri(format!("/tenders/{id}/documents"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", session.jar.header())
        .body(axum::body::Body::from(body))
        .unwrap()
}

async fn document_ids(app: &TestApp, token: &str, id: i64) -> Vec<i64> {
    app.api(
        Method::GET,
        &format!("/api/v1/tenders/{id}"),
        Some(token),
        None,
    )
    .await
    .json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

async fn a_draft_document_is_titled_removed_and_the_step_leads_back(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;

    // A draft's documents step goes back, and on, to its check page.
    let form = mette.get(&format!("/tenders/{id}/documents")).await.text();
    assert!(
        form.contains(&format!("class=\"back-link\" href=\"/tenders/{id}/check\"")),
        "{form}"
    );
    assert!(
        form.contains(&format!(
            "class=\"button button--secondary\" href=\"/tenders/{id}/check\""
        )),
        "{form}"
    );

    // A title too long comes back with what was typed and the rule.
    let long = "U".repeat(501);
    let refused = app.send(upload(&mette, id, &long, "betingelser.pdf")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("href=\"#title\""),
        "{}",
        refused.text()
    );
    assert!(refused.text().contains(&long), "{}", refused.text());
    assert!(
        document_ids(&app, &officer.access_token, id)
            .await
            .is_empty()
    );

    let stored = app
        .send(upload(&mette, id, " Udbudsbetingelser ", "betingelser.pdf"))
        .await;
    assert_eq!(
        location(&stored),
        format!("/tenders/{id}/documents?notice=document_added")
    );
    let list = mette.get(&format!("/tenders/{id}/documents")).await.text();
    assert!(
        list.contains("download>Udbudsbetingelser</a> (betingelser.pdf"),
        "{list}"
    );
    let check = mette.get(&format!("/tenders/{id}/check")).await.text();
    assert!(check.contains("Udbudsbetingelser"), "{check}");
    let doc = document_ids(&app, &officer.access_token, id).await[0];

    // Removed: gone from the page, the API and the download.
    mette.get(&format!("/tenders/{id}/documents")).await;
    let removed = mette
        .post(&format!("/tenders/{id}/documents/{doc}/remove"), &[])
        .await;
    assert_eq!(
        location(&removed),
        format!("/tenders/{id}/documents?notice=document_removed")
    );
    let list = mette
        .get(&format!("/tenders/{id}/documents?notice=document_removed"))
        .await
        .text();
    assert!(list.contains("Dokumentet er fjernet."), "{list}");
    assert!(!list.contains("download>Udbudsbetingelser"), "{list}");
    assert!(
        document_ids(&app, &officer.access_token, id)
            .await
            .is_empty()
    );
    let download = mette.get(&format!("/tenders/{id}/documents/{doc}")).await;
    assert_eq!(download.status, StatusCode::NOT_FOUND);
    // Removing twice finds nothing.
    let again = mette
        .post(&format!("/tenders/{id}/documents/{doc}/remove"), &[])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

async fn removing_a_published_document_is_a_new_version(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    mette.get(&format!("/tenders/{id}/documents")).await;
    let stored = app
        .send(upload(&mette, id, "Udbudsbetingelser", "betingelser.pdf"))
        .await;
    assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.text());
    let doc = document_ids(&app, &officer.access_token, id).await[0];
    // The published tender's documents step goes back to the tender.
    let form = mette.get(&format!("/tenders/{id}/documents")).await.text();
    assert!(
        form.contains(&format!("class=\"back-link\" href=\"/tenders/{id}\"")),
        "{form}"
    );

    app.state.clock.advance(chrono::Duration::minutes(5));
    let removed = mette
        .post(&format!("/tenders/{id}/documents/{doc}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text());

    let tender = app
        .api(Method::GET, &format!("/api/v1/tenders/{id}"), None, None)
        .await
        .json();
    assert_eq!(
        tender["version"], 3,
        "published, document added, document removed"
    );
    let last = tender["versions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["changes"][0]["field"], "documents");
    assert_eq!(last["changes"][0]["before"], "Udbudsbetingelser");
    assert_eq!(last["changes"][0]["after"], "");

    // The release that added it still lists it, by its title; the latest does not.
    let package = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/ocds"),
            None,
            None,
        )
        .await;
    assert_eq!(package.status, StatusCode::OK, "{}", package.text());
    let releases = package.json()["releases"].as_array().unwrap().clone();
    let titles = |release: &serde_json::Value| -> Vec<String> {
        release["tender"]["documents"]
            .as_array()
            .map(|d| {
                d.iter()
                    .map(|d| d["title"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        releases.iter().any(|r| titles(r) == ["Udbudsbetingelser"]),
        "{releases:#?}"
    );
    assert!(titles(releases.last().unwrap()).is_empty(), "{releases:#?}");
}

async fn removing_a_document_is_for_the_owning_officer_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.officer("ole@kk.dk", KOBENHAVN_CVR).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    mette.get(&format!("/tenders/{id}/documents")).await;
    app.send(upload(&mette, id, "Udbudsbetingelser", "betingelser.pdf"))
        .await;
    let doc = document_ids(&app, &officer.access_token, id).await[0];
    let remove = format!("/tenders/{id}/documents/{doc}/remove");

    let mut anonymous = PageSession::new(&app);
    anonymous.get("/login").await;
    let refused = anonymous.post(&remove, &[]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    assert_eq!(anna.post(&remove, &[]).await.status, StatusCode::FORBIDDEN);
    let mut ole = PageSession::logged_in(&app, "ole@kk.dk").await;
    assert_eq!(ole.post(&remove, &[]).await.status, StatusCode::FORBIDDEN);
    // Another tender's document is not found under this one.
    let other = TenderBuilder::new(&app).publish(&app, &officer).await;
    let wrong = mette
        .post(&format!("/tenders/{other}/documents/{doc}/remove"), &[])
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    assert_eq!(document_ids(&app, &officer.access_token, id).await, [doc]);
}
