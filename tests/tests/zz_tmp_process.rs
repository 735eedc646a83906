use socialbid_tests::{SmtpServer, SocialbidProcess, TestDb};
#[tokio::test]
async fn real_binary_sqlite() {
    let db = TestDb::sqlite();
    let smtp = SmtpServer::start().await;
    let p = SocialbidProcess::start(&[("DATABASE_URL", db.url()), ("SOCIALBID_SMTP_URL", smtp.url())]).await;
    let r = reqwest::get(p.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    eprintln!("LOGS:\n{}", p.logs());
}
#[tokio::test]
async fn real_binary_postgres() {
    let db = TestDb::postgres();
    let p = SocialbidProcess::start(&[("DATABASE_URL", db.url()), ("SOCIALBID_JWT_SECRET", "0123456789abcdef0123456789abcdef")]).await;
    let r = reqwest::get(p.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    eprintln!("LOGS:\n{}", p.logs());
}
