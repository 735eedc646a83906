//! The real `socialbid` binary, configured only by its environment, mailing
//! a real SMTP server that runs as its own process: register, follow the
//! link from the received mail, log in. Once on the embedded SQLite default
//! and once on PostgreSQL after `socialbid migrate`.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use socialbid_tests::{SmtpServer, SocialbidProcess, TestDb, first_link, socialbid_binary};

/// The bid sealing key every replica of the PostgreSQL tests shares.
const BID_KEY: &str = "5f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

const PASSWORD: &str = "en lang nok adgangskode";

async fn register_verify_and_log_in(server: &SocialbidProcess, smtp: &SmtpServer, email: &str) {
    let http = reqwest::Client::new();
    let created = http
        .post(server.url("/api/v1/accounts"))
        .json(&json!({ "email": email, "password": PASSWORD, "name": "Anna Jensen", "role": "entrepreneur" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", server.logs());

    let mail = smtp
        .wait_for(|m| m.to.contains(email), Duration::from_secs(20))
        .await;
    assert!(mail.subject.contains("Bekræft"), "{}", mail.subject);
    let link = first_link(&mail.text);
    assert!(link.starts_with(&server.url("/verify?token=")), "{link}");

    // Following the link is what verifies: a browser would just open it.
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200, "{}", server.logs());
    assert!(page.text().await.unwrap().contains("lang=\"da\""));

    let login = http
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "{}", server.logs());
    let tokens: Value = login.json().await.unwrap();
    let me: Value = http
        .get(server.url("/api/v1/me"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], email);
    assert!(!me["email_verified_at"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_default_mails_over_smtp_and_logs_in() {
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    register_verify_and_log_in(&server, &smtp, "anna@cafe-lyst.dk").await;
    let logs = server.logs();
    assert!(
        logs.contains("applied migrations to the embedded database"),
        "{logs}"
    );
    assert!(
        !logs.contains("anna@cafe-lyst.dk"),
        "logs never hold a full address: {logs}"
    );
    assert!(logs.contains("a***@cafe-lyst.dk"), "{logs}");
    assert!(server.dir().join("data/socialbid.db").exists());
    assert!(server.dir().join("data/jwt-secret").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_needs_migrate_then_serves_the_same() {
    let db = TestDb::postgres();
    let smtp = SmtpServer::start().await;
    let secret = "a signing key shared by every replica!!";

    let refused = SocialbidProcess::run(&["serve"], &[("DATABASE_URL", db.url())]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("SOCIALBID_JWT_SECRET"));

    let migrated = SocialbidProcess::run(&["migrate"], &[("DATABASE_URL", db.url())]).await;
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    // Every migration of the set, as the folders of migrations/postgres name
    // them (`2026-11-28-000001_foundation` is version 20261128000001).
    let applied = String::from_utf8_lossy(&migrated.stdout).into_owned();
    let versions: Vec<String> =
        std::fs::read_dir(socialbid_tests::workspace_root().join("migrations/postgres"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .map(|name| name.split('_').next().unwrap_or_default().replace('-', ""))
            .collect();
    assert!(
        applied.contains(&format!("Applied {} migration", versions.len())),
        "{applied}"
    );
    for version in &versions {
        assert!(
            applied.contains(version.as_str()),
            "{version} missing: {applied}"
        );
    }
    let again = SocialbidProcess::run(&["migrate"], &[("DATABASE_URL", db.url())]).await;
    assert!(String::from_utf8_lossy(&again.stdout).contains("up to date"));

    let server = SocialbidProcess::start(&[
        ("DATABASE_URL", db.url()),
        ("SOCIALBID_JWT_SECRET", secret),
        ("SOCIALBID_BID_KEY", BID_KEY),
        ("SOCIALBID_SMTP_URL", smtp.url()),
    ])
    .await;
    register_verify_and_log_in(&server, &smtp, "bo@kooperativ.dk").await;
    let ready = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_create_user_never_echoes_the_password() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let secret_password = "admin kodeord der er langt";
    let output =
        SocialbidProcess::create_admin(data_dir, "Admin@Socialbid.dk", secret_password).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Created the admin account admin@socialbid.dk"),
        "{stdout}"
    );
    assert!(!stdout.contains(secret_password) && !stderr.contains(secret_password));

    let duplicate = SocialbidProcess::run(
        &[
            "admin",
            "create-user",
            "--email",
            "admin@socialbid.dk",
            "--role",
            "admin",
        ],
        &[("SOCIALBID_DATA_DIR", data_dir)],
    )
    .await;
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));

    // Without a password, a link to set one is written as mail.
    let linked = SocialbidProcess::run(
        &[
            "admin",
            "create-user",
            "--email",
            "second@socialbid.dk",
            "--role",
            "admin",
        ],
        &[("SOCIALBID_DATA_DIR", data_dir)],
    )
    .await;
    assert!(
        linked.status.success(),
        "{}",
        String::from_utf8_lossy(&linked.stderr)
    );
    assert!(
        String::from_utf8_lossy(&linked.stdout).contains("A link to set the password was written")
    );
    let files: Vec<String> = std::fs::read_dir(data.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let count = |extension: &str| files.iter().filter(|n| n.ends_with(extension)).count();
    assert_eq!(count(".eml"), 1, "{files:?}");
    assert_eq!(count(".txt"), 1, "the mail's plain-text twin: {files:?}");

    let server = SocialbidProcess::start(&[("SOCIALBID_DATA_DIR", data_dir)]).await;
    let login = reqwest::Client::new()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": "admin@socialbid.dk", "password": secret_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subcommand_explains_itself() {
    for command in [
        &["serve", "--help"][..],
        &["worker", "--help"],
        &["migrate", "--help"],
        &["admin", "create-user", "--help"],
    ] {
        let output = SocialbidProcess::run(command, &[]).await;
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{command:?}");
        for variable in [
            "DATABASE_URL",
            "SOCIALBID_DATA_DIR",
            "SOCIALBID_SMTP_URL",
            "SOCIALBID_JWT_SECRET",
        ] {
            assert!(
                help.contains(variable),
                "{command:?} --help does not name {variable}:\n{help}"
            );
        }
    }
}

/// Kills a child process when the test ends, however it ends.
pub(crate) struct Child(pub(crate) std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_separate_worker_process_sends_what_replicas_queue() {
    let db = TestDb::postgres();
    let smtp = SmtpServer::start().await;
    let secret = "a signing key shared by every replica!!";
    let migrated = SocialbidProcess::run(&["migrate"], &[("DATABASE_URL", db.url())]).await;
    assert!(migrated.status.success());
    let envs = [
        ("DATABASE_URL", db.url()),
        ("SOCIALBID_JWT_SECRET", secret),
        ("SOCIALBID_BID_KEY", BID_KEY),
        ("SOCIALBID_SMTP_URL", smtp.url()),
        ("SOCIALBID_EMBEDDED_WORKER", "false"),
    ];
    let replica = SocialbidProcess::start(&envs).await;
    let created = reqwest::Client::new()
        .post(replica.url("/api/v1/accounts"))
        .json(&json!({ "email": "queued@example.dk", "password": PASSWORD, "name": "Q", "role": "entrepreneur" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let metrics = reqwest::get(replica.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("socialbid_jobs_pending 1"),
        "the replica only queues: {metrics}"
    );

    let work = tempfile::tempdir().unwrap();
    let _worker = Child(
        std::process::Command::new(socialbid_binary())
            .arg("worker")
            .current_dir(work.path())
            .env("SOCIALBID_DATA_DIR", work.path())
            .envs(envs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mail = smtp
        .wait_for(
            |m| m.to.contains("queued@example.dk"),
            Duration::from_secs(20),
        )
        .await;
    assert!(first_link(&mail.text).starts_with(&replica.url("/verify?token=")));
}

/// With every request traced (`RUST_LOG=debug`), a link's token is still
/// never written to the log, nor is a link carried in `next`; and a log
/// that is not a terminal carries no colour codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_trace_never_holds_a_token() {
    let server = SocialbidProcess::start(&[("RUST_LOG", "debug"), ("NO_COLOR", "")]).await;
    let http = reqwest::Client::new();
    for path in [
        "/verify?token=SECRET-VERIFY-TOKEN",
        "/reset-password?token=SECRET-RESET-TOKEN&page=2",
        "/login?next=%2Freset-password%3Ftoken%3DSECRET-NEXT-TOKEN",
    ] {
        http.get(server.url(path)).send().await.unwrap();
    }
    let logs = server.logs();
    assert!(
        logs.contains("/reset-password?token=…&page=2"),
        "the trace shows the path: {logs}"
    );
    assert!(!logs.contains("SECRET-"), "a token reached the log: {logs}");
    assert!(
        !logs.contains('\u{1b}'),
        "colour codes in a log file: {logs}"
    );
}
