//! Proves that the harness's real servers work and actually catch things:
//! a mail sent over SMTP is read back decoded, each database is fresh, empty
//! and removed afterwards, and axe-core passes a good page and fails a bad one.

use std::time::Duration;

use diesel::pg::PgConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, QueryableByName, RunQueryDsl};
use socialbid_tests::{Backend, Browser, SmtpServer, TestDb, first_link};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One SMTP conversation by hand, so the test depends on no mail library.
async fn send_raw(port: u16, from: &str, to: &str, data: &str) {
    let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    expect_reply(&mut read, "220").await;
    let data = format!("{}\r\n.", data.replace("\r\n.", "\r\n.."));
    let steps = [
        ("EHLO harness.test".to_owned(), "250"),
        (format!("MAIL FROM:<{from}>"), "250"),
        (format!("RCPT TO:<{to}>"), "250"),
        ("DATA".to_owned(), "354"),
        (data, "250"),
        ("QUIT".to_owned(), "221"),
    ];
    for (line, code) in steps {
        write
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        expect_reply(&mut read, code).await;
    }
}

/// Reads one (possibly multi-line) reply and checks its code.
async fn expect_reply(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>, code: &str) {
    loop {
        let mut line = String::new();
        read.read_line(&mut line).await.unwrap();
        assert!(line.starts_with(code), "expected {code}, got {line:?}");
        if line.as_bytes().get(3) != Some(&b'-') {
            return;
        }
    }
}

#[tokio::test]
async fn smtp_server_receives_and_decodes_mail() {
    let smtp = SmtpServer::start().await;
    assert!(smtp.url().starts_with("smtp://127.0.0.1:"));
    assert!(smtp.messages().is_empty());

    let message = "From: Socialbid <noreply@socialbid.test>\r\n\
To: =?utf-8?q?S=C3=B8ren?= <soeren@example.test>\r\n\
Subject: =?utf-8?b?QmVrcsOmZnQgZGluIGUtbWFpbA==?=\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"sb\"\r\n\
\r\n\
--sb\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Klik p=C3=A5 linket: http://127.0.0.1:1/confirm?token=3Dabc=\r\n\
def\r\n\
.hidden dot\r\n\
--sb\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
PHA+S2xpayBww6UgbGlua2V0PC9wPg==\r\n\
--sb--";
    send_raw(
        smtp.port(),
        "noreply@socialbid.test",
        "soeren@example.test",
        message,
    )
    .await;

    let mail = smtp
        .wait_for(
            |m| m.to.contains("soeren@example.test"),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(mail.to, "Søren <soeren@example.test>");
    assert_eq!(mail.from, "Socialbid <noreply@socialbid.test>");
    assert_eq!(mail.subject, "Bekræft din e-mail");
    assert!(mail.text.starts_with("Klik på linket"), "{:?}", mail.text);
    assert!(
        mail.text.contains("\n.hidden dot"),
        "dot-stuffing undone: {:?}",
        mail.text
    );
    assert_eq!(mail.html, "<p>Klik på linket</p>");
    assert_eq!(
        first_link(&mail.text),
        "http://127.0.0.1:1/confirm?token=abcdef"
    );
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
#[should_panic(expected = "no matching mail arrived")]
async fn smtp_wait_for_fails_when_nothing_matches() {
    let smtp = SmtpServer::start().await;
    smtp.wait_for(|_| true, Duration::from_millis(300)).await;
}

#[test]
fn sqlite_database_is_a_fresh_file_path_removed_on_drop() {
    let db = TestDb::sqlite();
    assert_eq!(db.backend(), Backend::Sqlite);
    let path = db.url().strip_prefix("sqlite://").expect("sqlite:// URL");
    let path = std::path::PathBuf::from(path);
    assert!(path.is_absolute(), "{}", db.url());
    assert!(!path.exists(), "the application creates the file");
    let folder = path.parent().unwrap().to_owned();
    assert!(folder.is_dir());
    let other = TestDb::sqlite();
    assert_ne!(db.url(), other.url());
    drop(db);
    assert!(!folder.exists());
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

#[test]
fn postgres_database_is_fresh_empty_and_dropped() {
    let db = TestDb::postgres();
    let other = TestDb::postgres();
    assert_eq!(db.backend(), Backend::Postgres);
    assert_ne!(db.url(), other.url());
    let name = db.url().rsplit('/').next().unwrap().to_owned();
    assert!(
        name.starts_with(&format!("sb_test_{}_", std::process::id())),
        "{name}"
    );

    let mut conn = PgConnection::establish(db.url()).unwrap();
    let tables =
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'";
    assert_eq!(count(&mut conn, tables), 0, "a new database has no tables");
    diesel::sql_query("CREATE TABLE t (id INTEGER)")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(count(&mut conn, tables), 1);
    let mut elsewhere = PgConnection::establish(other.url()).unwrap();
    assert_eq!(count(&mut elsewhere, tables), 0, "databases are separate");

    // Dropped even while a connection is still open.
    drop(db);
    let exists = format!("SELECT count(*) AS n FROM pg_database WHERE datname = '{name}'");
    assert_eq!(count(&mut elsewhere, &exists), 0);
}

#[tokio::test]
async fn axe_passes_a_good_page_and_fails_a_bad_one() {
    let browser = Browser::start().await;

    browser
        .goto("data:text/html,<html lang=en><title>x</title><main><h1>x</h1></main></html>")
        .await
        .unwrap();
    browser.axe_check("good page").await.unwrap();

    browser
        .goto("data:text/html,<html lang=en><title>x</title><main><h1>x</h1><img src=a.png></main></html>")
        .await
        .unwrap();
    let error = browser
        .axe_check("bad page")
        .await
        .expect_err("an image without alt must fail")
        .to_string();
    assert!(error.contains("image-alt"), "{error}");
    assert!(error.contains("bad page"), "{error}");
    assert!(error.contains("<img src=\"a.png\">"), "{error}");

    let shot = browser.dir().join("shot.png");
    browser.screenshot(&shot).await.unwrap();
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));
}
