//! A bid's documents, on both databases: recognised by their content like
//! a tender's, sealed at rest (the file and what the row says of it), read
//! by the consortium and, once the bids are opened, the owning officer;
//! changed only by the lead while the bid may change; named by the
//! receipt's hash; at most twenty a bid, even when uploads race; and
//! swept from the disk once no bid names them.

use std::io::{Cursor, Write};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use diesel::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use socialbid_tests::{
    Backend, PageSession, Person, TenderBuilder, TestApp, TestResponse, bid_document_upload,
    complete_bid, on_both_databases, pdf_with,
};
use zip::write::SimpleFileOptions;

on_both_databases!(
    documents_are_recognised_sealed_and_given_back_whole,
    documents_change_only_with_the_bid_and_the_receipt_names_them,
    only_the_lead_changes_documents_and_partners_read_them,
    the_documents_page_works_without_javascript,
    a_bid_holds_at_most_twenty_documents_even_when_uploads_race,
    the_clean_up_removes_files_no_bid_names,
);

/// Words only the bid's document holds.
const SECRET: &str = "HEMMELIGE-REFERENCER-fra-kantinen";

struct Scene {
    app: TestApp,
    officer: Person,
    lead: Person,
    partner: Person,
    partner_org: i64,
    stranger: Person,
    tender: i64,
    bid: i64,
}

/// Café Lyst's draft bid on a tender of Aarhus closing in two days, with
/// Grøn Rengøring approved (not yet a partner) and Bo bidding on his own.
async fn scene(backend: Backend) -> Scene {
    let app = TestApp::new(backend).await;
    let e = app.three_enterprises().await;
    let (officer, lead, partner, partner_org, stranger) =
        (e.officer, e.cafe, e.cleaner, e.cleaner_org, e.gardener);
    let tender = TenderBuilder::new(&app)
        .closing_in_two_days(&app)
        .publish(&app, &officer)
        .await;
    let bid = app
        .started_bid(&lead, tender, complete_bid(1_950_000))
        .await;
    Scene {
        app,
        officer,
        lead,
        partner,
        partner_org,
        stranger,
        tender,
        bid,
    }
}

fn docx() -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        ("[Content_Types].xml", &b"<Types/>"[..]),
        ("word/document.xml", b"<w:document/>"),
    ] {
        writer.start_file(name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn field_error(response: &TestResponse) -> (String, String) {
    let field = &response.json()["error"]["fields"][0];
    (
        field["field"].as_str().unwrap_or_default().to_owned(),
        field["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The sealed files on disk.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(app.state.config.data_dir.join("bid-documents")) else {
        return Vec::new();
    };
    entries.map(|e| e.unwrap().path()).collect()
}

async fn documents_of(app: &TestApp, who: &Person, bid: i64) -> Vec<Value> {
    let read = app
        .api(
            Method::GET,
            &format!("/api/v1/bids/{bid}"),
            Some(&who.access_token),
            None,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    read.json()["documents"].as_array().unwrap().clone()
}

async fn download(app: &TestApp, who: Option<&Person>, bid: i64, doc: i64) -> TestResponse {
    app.api(
        Method::GET,
        &format!("/api/v1/bids/{bid}/documents/{doc}"),
        who.map(|p| p.access_token.as_str()),
        None,
    )
    .await
}

async fn bid_call(scene: &Scene, who: &Person, method: Method, path: String) -> TestResponse {
    scene
        .app
        .api(method, &path, Some(&who.access_token), None)
        .await
}

async fn documents_are_recognised_sealed_and_given_back_whole(backend: Backend) {
    let s = scene(backend).await;
    let (app, bid) = (&s.app, s.bid);
    let pdf = pdf_with(SECRET);

    // What is not a document, or not what its name says, is refused by
    // rule and leaves nothing behind.
    for (name, data, expected) in [
        ("tilbud.pdf", b"".to_vec(), ("file", "empty")),
        (
            "tilbud.pdf",
            b"MZ\x90\x00 not a pdf".to_vec(),
            ("file", "wrong_type"),
        ),
        ("tilbud.docx", pdf.clone(), ("file", "extension")),
        ("../tilbud.pdf", pdf.clone(), ("file", "name_characters")),
        ("a\u{7}.pdf", pdf.clone(), ("file", "name_characters")),
    ] {
        let refused = app
            .upload_bid_document(Some(&s.lead), bid, name, &data)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            refused.text()
        );
        assert_eq!(
            field_error(&refused),
            (expected.0.to_owned(), expected.1.to_owned()),
            "{name}"
        );
    }
    // A body that announces more than the limit is refused unread.
    let over = vec![b'%'; 20 * 1024 * 1024 + 1];
    let too_large = app
        .upload_bid_document(Some(&s.lead), bid, "stor.pdf", &over)
        .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.error_code(), "payload_too_large");
    let titled = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/bids/{bid}/documents?name=a.pdf&title=Bilag%07"
        ))
        .header("authorization", format!("Bearer {}", s.lead.access_token))
        .body(Body::from(pdf.clone()))
        .unwrap();
    let control = app.send(titled).await;
    assert_eq!(control.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&control),
        ("title".into(), "control_character".into())
    );
    assert!(stored_files(app).is_empty(), "{:?}", stored_files(app));
    assert!(documents_of(app, &s.lead, bid).await.is_empty());

    // A PDF and a Word file are kept with their type, size and hash.
    let added = app
        .upload_bid_document(Some(&s.lead), bid, "Referencer æøå.pdf", &pdf)
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let doc = added.json();
    assert_eq!(doc["file_name"], "Referencer æøå.pdf");
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["size_bytes"], pdf.len());
    assert_eq!(doc["sha256"], hex::encode(Sha256::digest(&pdf)));
    let word = app
        .upload_bid_document(Some(&s.lead), bid, "plan.docx", &docx())
        .await;
    assert_eq!(word.status, StatusCode::CREATED, "{}", word.text());
    assert_eq!(
        word.json()["content_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let listed = documents_of(app, &s.lead, bid).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], doc["id"]);

    // Given back whole, as an attachment nobody caches.
    let got = download(app, Some(&s.lead), bid, doc["id"].as_i64().unwrap()).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, pdf);
    assert_eq!(got.header("content-type").unwrap(), "application/pdf");
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"Referencer ___.pdf\"")
    );
    assert_eq!(got.header("cache-control").unwrap(), "private, no-store");
    assert_eq!(got.header("x-content-type-options").unwrap(), "nosniff");

    // At rest, neither the file nor the row says anything of it.
    let files = stored_files(app);
    assert_eq!(files.len(), 2);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(bytes.starts_with(b"v1:"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SECRET) && !text.contains("%PDF") && !text.contains("word/"));
    }
    use socialbid::db::schema::bid_documents;
    let mut conn = app.state.db.get().unwrap();
    let rows: Vec<String> = bid_documents::table
        .select(bid_documents::sealed)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        for plain in [
            "Referencer",
            "plan.docx",
            "application/",
            &doc["sha256"].as_str().unwrap()[..16],
        ] {
            assert!(!row.contains(plain), "{plain} is readable in the row");
        }
    }
}

async fn documents_change_only_with_the_bid_and_the_receipt_names_them(backend: Backend) {
    let s = scene(backend).await;
    let (app, bid) = (&s.app, s.bid);
    let submit = |who| bid_call(&s, who, Method::POST, format!("/api/v1/bids/{bid}/submit"));

    let first = submit(&s.lead).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let bare_hash = first.json()["content_sha256"].clone();
    assert_eq!(first.json()["documents"], serde_json::json!([]));

    // Submitted: documents change only after a withdrawal.
    let refused = app
        .upload_bid_document(Some(&s.lead), bid, "a.pdf", &pdf_with("a"))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "bid_submitted");
    let withdrawn = bid_call(
        &s,
        &s.lead,
        Method::POST,
        format!("/api/v1/bids/{bid}/withdraw"),
    )
    .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::NO_CONTENT,
        "{}",
        withdrawn.text()
    );
    let added = app
        .upload_bid_document(Some(&s.lead), bid, "a.pdf", &pdf_with("a"))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let doc = added.json()["id"].as_i64().unwrap();

    // The receipt names the document, and its hash covers it.
    let second = submit(&s.lead).await;
    assert_eq!(second.status, StatusCode::OK);
    let receipt = second.json();
    assert_ne!(receipt["content_sha256"], bare_hash);
    assert_eq!(receipt["documents"][0]["file_name"], "a.pdf");
    assert_eq!(
        receipt["documents"][0]["sha256"],
        hex::encode(Sha256::digest(pdf_with("a")))
    );
    let removal = bid_call(
        &s,
        &s.lead,
        Method::DELETE,
        format!("/api/v1/bids/{bid}/documents/{doc}"),
    )
    .await;
    assert_eq!(removal.status, StatusCode::CONFLICT);
    assert_eq!(removal.error_code(), "bid_submitted");

    // Withdrawn again, the document goes, file and all, and the hash is
    // the bare content's once more.
    bid_call(
        &s,
        &s.lead,
        Method::POST,
        format!("/api/v1/bids/{bid}/withdraw"),
    )
    .await;
    let removed = bid_call(
        &s,
        &s.lead,
        Method::DELETE,
        format!("/api/v1/bids/{bid}/documents/{doc}"),
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text());
    assert!(stored_files(app).is_empty());
    let again = bid_call(
        &s,
        &s.lead,
        Method::DELETE,
        format!("/api/v1/bids/{bid}/documents/{doc}"),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(submit(&s.lead).await.json()["content_sha256"], bare_hash);
    assert_eq!(app.run_jobs().await, 3, "a receipt for each submission");

    // Past the deadline on the server's clock, nothing changes any more.
    bid_call(
        &s,
        &s.lead,
        Method::POST,
        format!("/api/v1/bids/{bid}/withdraw"),
    )
    .await;
    app.state
        .clock
        .advance(Duration::days(2) + Duration::seconds(1));
    let lead = app.relogin(&s.lead).await;
    let late = app
        .upload_bid_document(Some(&lead), bid, "b.pdf", &pdf_with("b"))
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.error_code(), "bid_deadline_passed");
    assert!(stored_files(app).is_empty());
    // The tender closes and its buyer hears so.
    app.run_jobs().await;
}

async fn only_the_lead_changes_documents_and_partners_read_them(backend: Backend) {
    let s = scene(backend).await;
    let (app, bid) = (&s.app, s.bid);
    let doc = app
        .upload_bid_document(Some(&s.lead), bid, "a.pdf", &pdf_with(SECRET))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    // Wrong role, wrong owner, nobody: refused before the body is read.
    let anonymous = app
        .upload_bid_document(None, bid, "b.pdf", &pdf_with("b"))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let officer = app
        .upload_bid_document(Some(&s.officer), bid, "b.pdf", &pdf_with("b"))
        .await;
    assert_eq!(officer.status, StatusCode::FORBIDDEN);
    let stranger = app
        .upload_bid_document(Some(&s.stranger), bid, "b.pdf", &pdf_with("b"))
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    for who in [&s.stranger, &s.partner] {
        let got = download(app, Some(who), bid, doc).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND);
        assert!(!got.text().contains(SECRET));
    }
    assert_eq!(
        download(app, None, bid, doc).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        download(app, Some(&s.officer), bid, doc).await.status,
        StatusCode::NOT_FOUND
    );
    let removal = |who| {
        bid_call(
            &s,
            who,
            Method::DELETE,
            format!("/api/v1/bids/{bid}/documents/{doc}"),
        )
    };
    assert_eq!(removal(&s.stranger).await.status, StatusCode::NOT_FOUND);
    assert_eq!(removal(&s.officer).await.status, StatusCode::FORBIDDEN);

    // Another bid's document is not found through this one.
    let own = app
        .started_bid(&s.stranger, s.tender, complete_bid(2_000_000))
        .await;
    assert_eq!(
        download(app, Some(&s.stranger), own, doc).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bid_call(
            &s,
            &s.stranger,
            Method::DELETE,
            format!("/api/v1/bids/{own}/documents/{doc}")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // An accepted partner reads the document, and still cannot change it.
    let invited = app
        .api(
            Method::POST,
            &format!("/api/v1/bids/{bid}/partners"),
            Some(&s.lead.access_token),
            Some(serde_json::json!({"organisation_id": s.partner_org,
                                    "partner_role": "Rengøring", "share_percent": 30})),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text());
    let pending = download(app, Some(&s.partner), bid, doc).await;
    assert_eq!(
        pending.status,
        StatusCode::NOT_FOUND,
        "invited is not yet a partner"
    );
    bid_call(
        &s,
        &s.partner,
        Method::POST,
        format!("/api/v1/bids/{bid}/invitation/accept"),
    )
    .await;
    let read = download(app, Some(&s.partner), bid, doc).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, pdf_with(SECRET));
    assert_eq!(documents_of(app, &s.partner, bid).await.len(), 1);
    let upload = app
        .upload_bid_document(Some(&s.partner), bid, "c.pdf", &pdf_with("c"))
        .await;
    assert_eq!(upload.status, StatusCode::NOT_FOUND);
    assert_eq!(removal(&s.partner).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stored_files(app).len(), 1);
    assert_eq!(app.run_jobs().await, 1, "the invitation's mail");
}

/// The upload form's body: the token, the title, the file.
fn upload_form(token: &str, title: &str, file_name: &str, data: &[u8]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "----socialbidbiddocs7Gq";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

async fn post_upload(
    session: &PageSession<'_>,
    bid: i64,
    title: &str,
    file_name: &str,
    data: &[u8],
) -> TestResponse {
    let (content_type, body) = upload_form(&session.jar.csrf(), title, file_name, data);
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/bids/{bid}/documents"))
        .header("content-type", content_type)
        .header("cookie", session.jar.header())
        .body(Body::from(body))
        .unwrap();
    session.app.send(request).await
}

async fn the_documents_page_works_without_javascript(backend: Backend) {
    let s = scene(backend).await;
    let bid = s.bid;
    let mut anna = PageSession::logged_in(&s.app, "anna@cafe-lyst.dk").await;
    let page = anna.get(&format!("/bids/{bid}")).await;
    assert!(
        page.text()
            .contains(&format!("href=\"/bids/{bid}/documents\""))
    );
    let page = anna.get(&format!("/bids/{bid}/documents")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("Tilbuddet har ingen dokumenter endnu.")
    );

    // A file that is not what its name says: the page again, the message
    // in Danish at the file field, the title as typed.
    let wrong = post_upload(
        &anna,
        bid,
        "Referencer",
        "referencer.docx",
        &pdf_with(SECRET),
    )
    .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.text()
    );
    let html = wrong.text();
    assert!(
        html.contains("Filens indhold passer ikke til navnet. Navnet skal ende på .pdf"),
        "{html}"
    );
    assert!(html.contains("href=\"#file\""));
    assert!(html.contains("value=\"Referencer\""));

    let added = post_upload(
        &anna,
        bid,
        "Referencer",
        "referencer.pdf",
        &pdf_with(SECRET),
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    assert_eq!(
        added.header("location").unwrap(),
        format!("/bids/{bid}/documents?notice=document_added")
    );
    let page = anna.get(&added.header("location").unwrap()).await;
    let html = page.text();
    assert!(html.contains("Dokumentet er tilføjet."));
    assert!(html.contains(&hex::encode(Sha256::digest(pdf_with(SECRET)))));
    let doc = documents_of(&s.app, &s.lead, bid).await[0]["id"]
        .as_i64()
        .unwrap();
    let link = format!("/bids/{bid}/documents/{doc}");
    assert!(html.contains(&format!("href=\"{link}\"")));
    let got = anna.get(&link).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, pdf_with(SECRET));

    // Submitted: the bid page lists it, the documents page offers no
    // changes, and the receipt names it.
    let sent = anna.post(&format!("/bids/{bid}/submit"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    let receipt = anna.get(&format!("/bids/{bid}/receipt")).await.text();
    assert!(receipt.contains("referencer.pdf"));
    let page = anna.get(&format!("/bids/{bid}/documents")).await.text();
    assert!(!page.contains("enctype=\"multipart/form-data\""));
    assert!(page.contains("Tilbuddet er afgivet. Træk det tilbage"));
    let refused = anna.post(&format!("{link}/remove"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);

    // Withdrawn, it can be removed again, in English too.
    anna.post(&format!("/bids/{bid}/withdraw"), &[]).await;
    anna.get("/lang?to=en&back=/bids").await;
    let removed = anna.post(&format!("{link}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text());
    let page = anna.get(&format!("/bids/{bid}/documents")).await.text();
    assert!(page.contains("The bid has no documents yet."), "{page}");

    // Another bidder's session sees neither the page nor the file.
    let mut bo = PageSession::logged_in(&s.app, "bo@fjordens-have.dk").await;
    assert_eq!(
        bo.get(&format!("/bids/{bid}/documents")).await.status,
        StatusCode::NOT_FOUND
    );
    let forged = post_upload(&bo, bid, "", "x.pdf", &pdf_with("x")).await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert!(stored_files(&s.app).is_empty());
    assert_eq!(s.app.run_jobs().await, 1, "the receipt's mail");
}

async fn a_bid_holds_at_most_twenty_documents_even_when_uploads_race(backend: Backend) {
    let s = scene(backend).await;
    let bid = s.bid;
    for n in 0..17 {
        let added = s
            .app
            .upload_bid_document(
                Some(&s.lead),
                bid,
                &format!("bilag-{n}.pdf"),
                &pdf_with(&n.to_string()),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    }
    // Six at once for the last three places.
    let lead = s.lead.clone();
    let app = std::sync::Arc::new(s.app);
    let answers = crate::abuse::in_parallel(&app, 6, |n| {
        let name = format!("sidst-{n}.pdf");
        bid_document_upload(Some(&lead), bid, &name, &pdf_with(&name))
    })
    .await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        created,
        3,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|a| a.status != StatusCode::CREATED) {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(refused), ("file".into(), "too_many".into()));
    }
    assert_eq!(documents_of(&app, &lead, bid).await.len(), 20);
    assert_eq!(
        stored_files(&app).len(),
        20,
        "a refused upload left its file"
    );
}

async fn the_clean_up_removes_files_no_bid_names(backend: Backend) {
    let s = scene(backend).await;
    let (app, bid) = (&s.app, s.bid);
    let kept = app
        .upload_bid_document(Some(&s.lead), bid, "a.pdf", &pdf_with("a"))
        .await;
    assert_eq!(kept.status, StatusCode::CREATED);
    // A file whose bid went with its organisation, written days ago, and
    // one written just now, whose row may still be on its way. The stored
    // document is as old as the first.
    let now = app.state.clock.now();
    let days_ago = std::time::SystemTime::UNIX_EPOCH
        + std::time::Duration::from_secs((now - Duration::days(3)).and_utc().timestamp() as u64);
    let age = |path: &std::path::Path| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(days_ago).unwrap();
    };
    let folder = app.state.config.data_dir.join("bid-documents");
    let stored = stored_files(app);
    stored.iter().for_each(|f| age(f));
    let old = folder.join("0123456789abcdef0123456789abcdef");
    std::fs::write(&old, b"v1:sealed").unwrap();
    age(&old);
    let young = folder.join("fedcba9876543210fedcba9876543210");
    std::fs::write(&young, b"v1:sealed").unwrap();
    app.run_daily_clean_up().await;
    let left = stored_files(app);
    assert!(!left.contains(&old), "{left:?}");
    assert!(left.contains(&young), "{left:?}");
    assert!(left.contains(&stored[0]), "{left:?}");
    assert_eq!(left.len(), 2);
    let lead = app.relogin(&s.lead).await;
    let doc = documents_of(app, &lead, bid).await[0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        download(app, Some(&lead), bid, doc).await.status,
        StatusCode::OK
    );
}
