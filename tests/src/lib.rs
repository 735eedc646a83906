//! Harness for Socialbid's end-to-end tests.
//!
//! Everything here starts a *real* thing, because the point of these tests is
//! to catch what mocks hide: a fresh database on SQLite or on the PostgreSQL
//! server ([`TestDb`]), a real SMTP server that stores what it receives
//! ([`SmtpServer`]), headless Chromium driven over WebDriver and checked with
//! axe-core ([`Browser`]), and the real `socialbid` binary ([`SocialbidProcess`]).
//!
//! Every helper owns what it started and removes it on drop (processes are
//! killed, temporary folders and databases deleted), so a test only has to
//! keep the value alive for as long as it needs it. Failures to start panic
//! with the child's own output, which is what one needs to read first.
//!
//! `scripts/test` installs and starts what these need (PostgreSQL, aiosmtpd,
//! Chromium and ChromeDriver, axe-core) and runs the suite.

mod bid_fixtures;
mod browser;
mod browser_session;
mod db;
mod fixtures;
mod net;
mod process;
mod profile_fixtures;
mod server;
mod smtp;
mod smtp_sink;
mod tender_fixtures;
mod test_app;

pub use bid_fixtures::{Enterprises, bid_document_upload, complete_bid, pdf_with};
pub use browser::{AXE_TAGS, Browser};
pub use browser_session::{CSRF_COOKIE, Jar, PageSession, form_token};
pub use db::{Backend, TestDb};
pub use fixtures::{PASSWORD, Person};
pub use net::free_port;
pub use profile_fixtures::{cvr, cvr_from_seed, offering_body, profile_body};
pub use server::{SocialbidProcess, socialbid_binary};
pub use smtp::{ReceivedMail, SmtpServer, first_link};
pub use smtp_sink::smtp_sink;
pub use tender_fixtures::{AARHUS_CVR, KOBENHAVN_CVR, ODENSE_CVR, TenderBuilder, in_days};
pub use test_app::{TEST_HTTPS_PUBLIC_URL, TEST_PUBLIC_URL, TestApp, TestResponse};

use std::path::Path;

/// The Cargo workspace root (the parent of this crate), from which the
/// binary is built and `tests/browser/` is found, wherever the test runs.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
}

/// Runs each named `async fn name(backend: Backend)` as two tests, one on
/// SQLite and one on PostgreSQL: the same suite on both databases.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}
