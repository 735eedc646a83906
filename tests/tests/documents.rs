//! Tender documents on both databases: the upload form checks its token
//! before it reads the file, files are streamed to disk under a size limit,
//! recognised by their content (the ZIP directory for Office files) with a
//! name that must agree, and served back as safe attachments.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::{Cursor, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode};
use http_body::{Frame, SizeHint};
use sha2::{Digest, Sha256};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, Person, TenderBuilder, TestApp, TestResponse,
    on_both_databases,
};
use zip::write::SimpleFileOptions;

on_both_databases!(
    the_form_token_is_checked_before_the_file_is_read,
    other_forms_refuse_multipart_bodies,
    who_may_upload_is_known_before_the_body_is_read,
    a_file_over_the_limit_is_cut_off_and_leaves_nothing,
    the_extension_must_agree_with_the_content,
    office_files_are_recognised_by_their_zip_directory,
    unsafe_file_names_are_refused_with_the_rule,
    downloads_stream_the_bytes_under_a_safe_name,
);

const BOUNDARY: &str = "----socialbiddocs5hQm2XwTrq";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// A request body handed over in the pieces given, with no size announced
/// (as a chunked upload), counting how many pieces the server pulled.
/// After each piece the next is "still on its way" once (`Pending`, with
/// an immediate wake-up), as on a network. With `held_back`, nothing after
/// the first piece ever arrives: a server that waited for the file before
/// answering would hang (and be killed by nextest's timeout) instead of
/// answering.
struct Pieces {
    pieces: VecDeque<Bytes>,
    pulled: Arc<AtomicUsize>,
    in_transit: bool,
    held_back: bool,
}

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.held_back && self.pulled.load(Ordering::SeqCst) == 1 {
            return Poll::Pending;
        }
        if self.in_transit {
            self.in_transit = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let next = self.pieces.pop_front();
        if next.is_some() {
            self.pulled.fetch_add(1, Ordering::SeqCst);
            self.in_transit = true;
        }
        Poll::Ready(next.map(|piece| Ok(Frame::data(piece))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

fn pieces(parts: Vec<Vec<u8>>) -> (Body, Arc<AtomicUsize>) {
    body_of(parts, false)
}

/// Only the first piece of `parts` is ever delivered.
fn first_piece_only(parts: Vec<Vec<u8>>) -> (Body, Arc<AtomicUsize>) {
    body_of(parts, true)
}

fn body_of(parts: Vec<Vec<u8>>, held_back: bool) -> (Body, Arc<AtomicUsize>) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = Pieces {
        pieces: parts.into_iter().map(Bytes::from).collect(),
        pulled: pulled.clone(),
        in_transit: false,
        held_back,
    };
    (Body::new(body), pulled)
}

/// The upload form's body in two pieces: the token part up to and
/// including the next boundary, then the file part.
fn form_pieces(token: &str, file_name: &str, data: &[u8]) -> Vec<Vec<u8>> {
    let first = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{BOUNDARY}\r\n"
    )
    .into_bytes();
    let mut second = format!(
        "Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    second.extend_from_slice(data);
    second.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    vec![first, second]
}

fn form_request(id: i64, cookies: &str, body: Body) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/tenders/{id}/documents"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("cookie", cookies)
        .body(body)
        .unwrap()
}

async fn api_upload(
    app: &TestApp,
    officer: &Person,
    id: i64,
    name: &str,
    data: &[u8],
) -> TestResponse {
    let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tenders/{id}/documents?name={name}"))
        .header("authorization", format!("Bearer {}", officer.access_token))
        .header("content-type", "application/octet-stream")
        .body(Body::from(data.to_vec()))
        .unwrap();
    app.send(request).await
}

fn field_errors(response: &TestResponse) -> Vec<(String, String)> {
    response.json()["error"]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn field_message(response: &TestResponse) -> String {
    response.json()["error"]["fields"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Every file in the documents folder, finished or not.
fn stored_files(app: &TestApp) -> Vec<String> {
    let dir = app.state.config.data_dir.join("documents");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

async fn document_count(app: &TestApp, officer: &Person, id: i64) -> usize {
    app.api(
        Method::GET,
        &format!("/api/v1/tenders/{id}"),
        Some(&officer.access_token),
        None,
    )
    .await
    .json()["documents"]
        .as_array()
        .map_or(0, Vec::len)
}

/// A ZIP of the given entries, stored uncompressed (as ODF requires for
/// its `mimetype`).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn minimal_docx() -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    ])
}

async fn the_form_token_is_checked_before_the_file_is_read(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get(&format!("/tenders/{id}/documents")).await;
    let cookies = browser.jar.header();
    let csrf = browser.jar.csrf();

    // A wrong token: refused on the token part alone, the file never there.
    let (body, pulled) = first_piece_only(form_pieces(&"0".repeat(csrf.len()), "a.pdf", PDF));
    let forged = app.send(form_request(id, &cookies, body)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text());
    assert!(
        forged.text().contains("Formularen er udløbet"),
        "{}",
        forged.text()
    );
    assert_eq!(pulled.load(Ordering::SeqCst), 1);

    // The token after the file: the first part is not the token, refused.
    let swapped = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{BOUNDARY}--\r\n"
    );
    let late = app
        .send(form_request(id, &cookies, Body::from(swapped)))
        .await;
    assert_eq!(late.status, StatusCode::FORBIDDEN, "{}", late.text());

    // Not a multipart body at all: no token to check.
    let plain = Request::builder()
        .method(Method::POST)
        .uri(format!("/tenders/{id}/documents"))
        .header("content-type", "text/plain")
        .header("cookie", &cookies)
        .body(Body::from(format!("csrf_token={csrf}")))
        .unwrap();
    assert_eq!(app.send(plain).await.status, StatusCode::FORBIDDEN);
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
    assert_eq!(document_count(&app, &officer, id).await, 0);

    // The right token first, then the file: stored, streamed in pieces.
    let (body, pulled) = pieces(form_pieces(&csrf, "udbudsbetingelser.pdf", PDF));
    let stored = app.send(form_request(id, &cookies, body)).await;
    assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.text());
    assert_eq!(pulled.load(Ordering::SeqCst), 2);
    assert_eq!(document_count(&app, &officer, id).await, 1);
    // Only the finished file is left, under its random name.
    let files = stored_files(&app);
    assert_eq!(files.len(), 1);
    assert!(!files[0].ends_with(".part"), "{files:?}");
}

/// The CSRF middleware leaves multipart bodies to the upload handler; a
/// multipart POST to a form that takes no body must not slip past it.
async fn other_forms_refuse_multipart_bodies(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get(&format!("/tenders/{id}/check")).await;
    for path in [format!("/tenders/{id}/publish"), "/logout".to_owned()] {
        let body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--{BOUNDARY}--\r\n"
        );
        let request = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("cookie", browser.jar.header())
            .body(Body::from(body))
            .unwrap();
        let response = app.send(request).await;
        assert_eq!(
            response.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path}"
        );
    }
    let tender = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(tender["status"], "draft");
    // Still signed in: the logout did not happen either.
    let page = browser.get(&format!("/tenders/{id}/documents")).await;
    assert_eq!(page.status, StatusCode::OK);
}

async fn who_may_upload_is_known_before_the_body_is_read(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.officer("lars@kk.dk", KOBENHAVN_CVR).await;
    app.entrepreneur("anna@virksomhed.dk").await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;

    // Nobody signed in: refused before a single piece is pulled.
    let mut anonymous = PageSession::new(&app);
    // The login page has a form, so a token (bound to no session).
    anonymous.get("/login").await;
    let (body, pulled) = first_piece_only(form_pieces(&anonymous.jar.csrf(), "a.pdf", PDF));
    let response = app
        .send(form_request(id, &anonymous.jar.header(), body))
        .await;
    assert!(!response.status.is_success(), "{}", response.status);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);

    // An entrepreneur: the role is checked first, nothing pulled.
    let mut entrepreneur = PageSession::logged_in(&app, "anna@virksomhed.dk").await;
    entrepreneur.get("/").await;
    let (body, pulled) = first_piece_only(form_pieces(&entrepreneur.jar.csrf(), "a.pdf", PDF));
    let response = app
        .send(form_request(id, &entrepreneur.jar.header(), body))
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);

    // Another authority's officer with a valid token: the token is read,
    // and the answer comes without the file.
    let mut other = PageSession::logged_in(&app, "lars@kk.dk").await;
    other.get("/").await;
    let (body, pulled) = first_piece_only(form_pieces(&other.jar.csrf(), "a.pdf", PDF));
    let response = app.send(form_request(id, &other.jar.header(), body)).await;
    assert!(
        matches!(
            response.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ),
        "{}",
        response.status
    );
    assert_eq!(pulled.load(Ordering::SeqCst), 1);
    assert!(stored_files(&app).is_empty());
}

async fn a_file_over_the_limit_is_cut_off_and_leaves_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let limit = socialbid::tenders::documents::MAX_BYTES;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(limit + 1, b' ');

    // The form: one byte or a megabyte over, the file is cut off by the
    // count as it streams (the route's body limit is only a backstop), and
    // the form shows the rule beside the field.
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get(&format!("/tenders/{id}/documents")).await;
    for excess in [1, 1024 * 1024] {
        let mut file = big.clone();
        file.resize(limit + excess, b' ');
        let mut body = form_pieces(&browser.jar.csrf(), "tegninger.pdf", &file);
        // The file in 1 MB pieces, as a network would deliver it.
        let file_part = body.pop().unwrap();
        body.extend(file_part.chunks(1024 * 1024).map(<[u8]>::to_vec));
        let (body, _) = pieces(body);
        let response = app
            .send(form_request(id, &browser.jar.header(), body))
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{excess}"
        );
        assert!(
            response
                .text()
                .contains("Den valgte fil skal være mindre end 20 MB"),
            "{}",
            response.text()
        );
        assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
    }

    // The API, sent chunked without a length: cut off while streaming,
    // the rest never pulled.
    big.resize(limit + 3 * 1024 * 1024, b' ');
    let chunks: Vec<Vec<u8>> = big.chunks(1024 * 1024).map(<[u8]>::to_vec).collect();
    let chunk_count = chunks.len();
    let (body, pulled) = pieces(chunks);
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tenders/{id}/documents?name=tegninger.pdf"))
        .header("authorization", format!("Bearer {}", officer.access_token))
        .body(body)
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&response),
        [("file".into(), "too_large".into())]
    );
    assert_eq!(pulled.load(Ordering::SeqCst), limit / (1024 * 1024) + 1);
    assert!(pulled.load(Ordering::SeqCst) < chunk_count);
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
    assert_eq!(document_count(&app, &officer, id).await, 0);

    // Exactly at the limit: accepted.
    big.truncate(limit);
    let response = api_upload(&app, &officer, id, "tegninger.pdf", &big).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    assert_eq!(document_count(&app, &officer, id).await, 1);
}

async fn the_extension_must_agree_with_the_content(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;

    let evil = api_upload(&app, &officer, id, "evil.exe", PDF).await;
    assert_eq!(evil.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&evil), [("file".into(), "extension".into())]);
    assert_eq!(
        field_message(&evil),
        "Filens indhold passer ikke til navnet. Navnet skal ende på .pdf"
    );
    let no_extension = api_upload(&app, &officer, id, "udbud", PDF).await;
    assert_eq!(
        field_errors(&no_extension),
        [("file".into(), "extension".into())]
    );
    let docx_as_xlsx = api_upload(&app, &officer, id, "bilag.xlsx", &minimal_docx()).await;
    assert_eq!(
        field_errors(&docx_as_xlsx),
        [("file".into(), "extension".into())]
    );
    assert!(field_message(&docx_as_xlsx).ends_with(".docx"));
    // The old binary container: the extension chooses between its formats.
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.resize(512, 0);
    let cfb_exe = api_upload(&app, &officer, id, "bilag.exe", &cfb).await;
    assert_eq!(
        field_errors(&cfb_exe),
        [("file".into(), "extension".into())]
    );
    assert_eq!(
        api_upload(&app, &officer, id, "bilag.xls", &cfb)
            .await
            .json()["content_type"],
        "application/vnd.ms-excel"
    );
    // Upper case is the same extension.
    let upper = api_upload(&app, &officer, id, "UDBUD.PDF", PDF).await;
    assert_eq!(upper.status, StatusCode::CREATED, "{}", upper.text());
    assert_eq!(upper.json()["content_type"], "application/pdf");
    assert_eq!(document_count(&app, &officer, id).await, 2);

    // The form shows the same rule beside the field, in English too.
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get("/lang?to=en&back=/").await;
    browser.get(&format!("/tenders/{id}/documents")).await;
    let (body, _) = pieces(form_pieces(&browser.jar.csrf(), "evil.exe", PDF));
    let page = app
        .send(form_request(id, &browser.jar.header(), body))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("The file’s content does not match its name. The name must end in .pdf"),
        "{}",
        page.text()
    );
    assert_eq!(document_count(&app, &officer, id).await, 2);
}

async fn office_files_are_recognised_by_their_zip_directory(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;

    // Bytes that merely mention the parts, without a ZIP directory.
    let mut fake = b"PK\x03\x04".to_vec();
    fake.extend_from_slice(b"....[Content_Types].xml....word/document.xml....");
    let response = api_upload(&app, &officer, id, "kontrakt.docx", &fake).await;
    assert_eq!(
        field_errors(&response),
        [("file".into(), "wrong_type".into())]
    );
    // A real ZIP that lacks the main part of a Word file.
    let hollow = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/", b"")]);
    let response = api_upload(&app, &officer, id, "kontrakt.docx", &hollow).await;
    assert_eq!(
        field_errors(&response),
        [("file".into(), "wrong_type".into())]
    );
    // OpenDocument with a type that is not accepted.
    let odp = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.presentation",
        ),
        ("content.xml", b"<office:document-content/>"),
    ]);
    let response = api_upload(&app, &officer, id, "slides.odt", &odp).await;
    assert_eq!(
        field_errors(&response),
        [("file".into(), "wrong_type".into())]
    );
    assert_eq!(document_count(&app, &officer, id).await, 0);
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));

    let accepted: [(&str, Vec<u8>, &str); 4] = [
        (
            "kontrakt.docx",
            minimal_docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "priser.xlsx",
            zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
            ]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "beskrivelse.odt",
            zip_of(&[
                ("mimetype", b"application/vnd.oasis.opendocument.text"),
                ("content.xml", b"<office:document-content/>"),
            ]),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "budget.ods",
            zip_of(&[
                (
                    "mimetype",
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("content.xml", b"<office:document-content/>"),
            ]),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ];
    for (name, bytes, content_type) in accepted {
        let response = api_upload(&app, &officer, id, name, &bytes).await;
        assert_eq!(
            response.status,
            StatusCode::CREATED,
            "{name}: {}",
            response.text()
        );
        assert_eq!(response.json()["content_type"], content_type, "{name}");
    }
    assert_eq!(document_count(&app, &officer, id).await, 4);
}

async fn unsafe_file_names_are_refused_with_the_rule(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let too_long = format!("{}.pdf", "a".repeat(200));
    let cases: [(&str, &str); 9] = [
        ("..", "name_characters"),
        (".", "name_characters"),
        ("", "name"),
        ("   ", "name"),
        ("../../etc/passwd.pdf", "name_characters"),
        ("bilag/udbud.pdf", "name_characters"),
        ("C:\\bilag\\udbud.pdf", "name_characters"),
        ("udbud\u{1}.pdf", "name_characters"),
        (&too_long, "name"),
    ];
    for (name, rule) in cases {
        let response = api_upload(&app, &officer, id, name, PDF).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}"
        );
        assert_eq!(
            field_errors(&response),
            [("file".into(), rule.into())],
            "{name:?}"
        );
    }
    let response = api_upload(&app, &officer, id, "..", PDF).await;
    assert_eq!(
        field_message(&response),
        "Filnavnet må ikke indeholde skråstreg, omvendt skråstreg eller kontroltegn og må ikke kun bestå af punktummer"
    );
    let response = api_upload(&app, &officer, id, &too_long, PDF).await;
    assert_eq!(
        field_message(&response),
        "Filnavnet skal være mellem 1 og 200 tegn"
    );
    // A name of exactly 200 characters is fine.
    let longest = format!("{}.pdf", "å".repeat(196));
    let response = api_upload(&app, &officer, id, &longest, PDF).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    assert_eq!(document_count(&app, &officer, id).await, 1);

    // The form answers a path in the name with the message beside the field.
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get(&format!("/tenders/{id}/documents")).await;
    let (body, _) = pieces(form_pieces(&browser.jar.csrf(), "..", PDF));
    let page = app
        .send(form_request(id, &browser.jar.header(), body))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("Filnavnet må ikke indeholde skråstreg"),
        "{}",
        page.text()
    );
    assert_eq!(stored_files(&app).len(), 1);
}

async fn downloads_stream_the_bytes_under_a_safe_name(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    // Larger than one write batch and not a multiple of it, so hashing and
    // writing in batches is what is checked.
    let mut content = PDF.to_vec();
    content.extend((0..700_001u32).map(|i| (i % 251) as u8));
    let name = "Tilbud \"endelig\"; æøå.pdf";
    let stored = api_upload(&app, &officer, id, name, &content).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    let view = stored.json();
    assert_eq!(view["file_name"], name);
    assert_eq!(view["size_bytes"], content.len());
    assert_eq!(view["sha256"], hex::encode(Sha256::digest(&content)));
    let doc = view["id"].as_i64().unwrap();

    let expected_disposition = "attachment; filename=\"Tilbud _endelig_; ___.pdf\"; \
                                filename*=UTF-8''Tilbud%20%22endelig%22%3B%20%C3%A6%C3%B8%C3%A5.pdf";
    let api = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/documents/{doc}"),
            Some(&officer.access_token),
            None,
        )
        .await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let page = browser.get(&format!("/tenders/{id}/documents/{doc}")).await;
    for response in [api, page] {
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.body, content);
        assert_eq!(
            response.header("content-disposition").as_deref(),
            Some(expected_disposition)
        );
        assert_eq!(
            response.header("content-type").as_deref(),
            Some("application/pdf")
        );
        assert_eq!(
            response.header("content-length"),
            Some(content.len().to_string())
        );
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
    }
}
