//! The three ways notices come in, on both databases: `socialbid import`
//! run as the real binary on a TED `.tar.gz` package and a folder, the
//! admin JSON API (and who may not use it), and the admin upload page.

use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use socialbid_tests::{
    AARHUS_CVR, Backend, PageSession, SocialbidProcess, TestApp, TestDb, on_both_databases,
    workspace_root,
};

fn danish(file: &str) -> std::path::PathBuf {
    workspace_root()
        .join("reference/notices/ted-denmark")
        .join(file)
}

const PACKAGE_FILES: [&str; 4] = [
    "020052-2017.xml",
    "263406-2016.xml",
    "025093-2020.xml",
    "436913-2017.xml",
];

/// A package as TED publishes them: a gzipped tar of a folder of notices,
/// here with one broken file among them.
fn package(dir: &Path) -> std::path::PathBuf {
    let day = dir.join("20240102");
    std::fs::create_dir_all(&day).expect("folder");
    for file in PACKAGE_FILES {
        std::fs::copy(danish(file), day.join(file)).expect("copy");
    }
    std::fs::write(day.join("broken.xml"), "<TED_EXPORT><unclosed>").expect("write");
    let archive = dir.join("20240102.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(dir)
        .arg("20240102")
        .status()
        .expect("tar runs");
    assert!(status.success());
    archive
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn the_binary_imports_a_ted_package(backend: Backend) {
    let db = TestDb::new(backend);
    let env = [("DATABASE_URL", db.url())];
    let migrated = SocialbidProcess::run(&["migrate"], &env).await;
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let dir = tempfile::tempdir().expect("folder");
    let archive = package(dir.path());
    let archive = archive.to_str().expect("path");

    let first = SocialbidProcess::run(&["import", archive], &env).await;
    let out = stdout(&first);
    assert_eq!(
        first.status.code(),
        Some(1),
        "a failed file fails the run: {out}"
    );
    assert!(
        out.contains("5 notices: 4 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed"),
        "{out}"
    );
    assert!(
        out.contains("failed ") && out.contains("20240102/broken.xml: not well-formed XML"),
        "{out}"
    );

    // Again: nothing changes, and the broken file still fails.
    let again = SocialbidProcess::run(&["import", archive], &env).await;
    assert!(
        stdout(&again)
            .contains("5 notices: 0 imported, 0 updated, 4 unchanged, 0 skipped, 1 failed"),
        "{}",
        stdout(&again)
    );

    // A folder of good notices: exit status 0.
    let folder = dir.path().join("good");
    std::fs::create_dir_all(&folder).expect("folder");
    for file in ["044742-2022.xml", "459404-2021.xml"] {
        std::fs::copy(danish(file), folder.join(file)).expect("copy");
    }
    let good = SocialbidProcess::run(&["import", folder.to_str().expect("path")], &env).await;
    assert!(good.status.success(), "{}", stdout(&good));
    assert!(
        stdout(&good).contains("2 notices: 2 imported"),
        "{}",
        stdout(&good)
    );
}

async fn post_notice(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    body: Vec<u8>,
) -> socialbid_tests::TestResponse {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/admin/imports?name={name}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::ACCEPT_LANGUAGE, "en");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.send(request.body(Body::from(body)).expect("request"))
        .await
}

async fn only_admins_import_through_the_api(backend: Backend) {
    let app = TestApp::new(backend).await;
    let notice = std::fs::read(danish("020052-2017.xml")).expect("notice");

    let anonymous = post_notice(&app, None, "n.xml", notice.clone()).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let entrepreneur = app.entrepreneur("anna@cafe.test").await;
    let refused = post_notice(
        &app,
        Some(&entrepreneur.access_token),
        "n.xml",
        notice.clone(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let officer = app.officer("mette@aarhus.test", AARHUS_CVR).await;
    let refused = post_notice(&app, Some(&officer.access_token), "n.xml", notice.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let admin = app.admin("admin@socialbid.test").await;
    let empty = post_notice(&app, Some(&admin.access_token), "n.xml", Vec::new()).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.text()
    );
    assert!(empty.text().contains("file"), "{}", empty.text());

    let imported = post_notice(
        &app,
        Some(&admin.access_token),
        "020052-2017.xml",
        notice.clone(),
    )
    .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text());
    let summary = imported.json();
    assert_eq!(summary["imported"], 1, "{summary}");
    assert_eq!(summary["failed"], serde_json::json!([]));

    let broken = post_notice(
        &app,
        Some(&admin.access_token),
        "broken.xml",
        b"<x".to_vec(),
    )
    .await;
    assert_eq!(broken.status, StatusCode::OK);
    let failed = &broken.json()["failed"][0];
    assert_eq!(failed["file"], "broken.xml");
    assert_eq!(failed["code"], "not_xml");

    // A package through the API.
    let dir = tempfile::tempdir().expect("folder");
    let archive = std::fs::read(package(dir.path())).expect("package");
    let package = post_notice(&app, Some(&admin.access_token), "day.tar.gz", archive).await;
    let summary = package.json();
    assert_eq!(
        (summary["imported"].as_u64(), summary["unchanged"].as_u64()),
        (Some(3), Some(1)),
        "{summary}"
    );
    assert_eq!(summary["failed"].as_array().map(Vec::len), Some(1));
}

fn multipart(token: &str, file: &str, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----socialbidimport7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\nContent-Type: application/xml\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn admins_upload_on_the_import_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.admin("admin@socialbid.test").await;
    app.entrepreneur("anna@cafe.test").await;

    let mut anna = PageSession::logged_in(&app, "anna@cafe.test").await;
    assert_eq!(
        anna.get("/admin/imports").await.status,
        StatusCode::FORBIDDEN
    );

    let mut admin = PageSession::logged_in(&app, "admin@socialbid.test").await;
    let form = admin.get("/admin/imports").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    assert!(form.text().contains("enctype=\"multipart/form-data\""));

    let send = |token: String, cookies: String, file: &str, data: &[u8]| {
        let (content_type, body) = multipart(&token, file, data);
        Request::builder()
            .method(Method::POST)
            .uri("/admin/imports")
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, cookies)
            .body(Body::from(body))
            .expect("request")
    };
    let notice = std::fs::read(danish("020052-2017.xml")).expect("notice");
    let done = app
        .send(send(
            admin.jar.csrf(),
            admin.jar.header(),
            "020052-2017.xml",
            &notice,
        ))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("1 nyt udbud"), "{}", done.text());

    let broken = app
        .send(send(
            admin.jar.csrf(),
            admin.jar.header(),
            "broken.xml",
            b"<x",
        ))
        .await;
    assert!(
        broken.text().contains("Filen er ikke gyldig XML"),
        "{}",
        broken.text()
    );

    // A forged form (no valid token) is refused before the file is read.
    let forged = app
        .send(send(
            "forged".into(),
            admin.jar.header(),
            "020052-2017.xml",
            &notice,
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // An entrepreneur's upload is refused for the role.
    let refused = app
        .send(send(
            anna.jar.csrf(),
            anna.jar.header(),
            "020052-2017.xml",
            &notice,
        ))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

on_both_databases!(
    the_binary_imports_a_ted_package,
    only_admins_import_through_the_api,
    admins_upload_on_the_import_page,
);
