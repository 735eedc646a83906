//! `TestApp`: the real router on a fresh database, driven without a socket.
//! Requests go straight into the router; jobs run when the test asks; mail
//! is written by lettre's file transport and read back from the folder.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use secrecy::SecretString;
use serde_json::Value;
use socialbid::app::AppState;
use socialbid::auth::password::HashCost;
use socialbid::config::Config;
use tempfile::TempDir;
use tower::ServiceExt;

use crate::{Backend, Jar, ReceivedMail, SmtpServer, TestDb};

pub struct TestApp {
    pub state: AppState,
    router: Router,
    /// With a real SMTP server: the Maildir it stores what it accepts in.
    smtp_maildir: Option<std::path::PathBuf>,
    _db: TestDb,
    dir: TempDir,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `error.code` of a JSON error.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// `name=value` of every cookie the response sets.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .collect()
    }
}

pub const TEST_PUBLIC_URL: &str = "http://socialbid.test";
/// The public address of an app served over HTTPS (secure cookies, HSTS).
pub const TEST_HTTPS_PUBLIC_URL: &str = "https://socialbid.test";

impl TestApp {
    /// A migrated database of the given kind and an app around it.
    pub async fn new(backend: Backend) -> TestApp {
        TestApp::with_public_url(backend, TEST_PUBLIC_URL).await
    }

    /// Like [`TestApp::new`], as reached at `public_url` (for example
    /// [`TEST_HTTPS_PUBLIC_URL`]).
    pub async fn with_public_url(backend: Backend, public_url: &str) -> TestApp {
        TestApp::build(backend, public_url, None, 0).await
    }

    /// Like [`TestApp::new`], keeping the pages every anonymous visitor
    /// gets alike for `millis` milliseconds (`SOCIALBID_PAGE_CACHE_MS`,
    /// which the other test apps leave at 0 so that every page they read is
    /// rendered from the database as it is).
    pub async fn with_page_cache(backend: Backend, millis: u64) -> TestApp {
        TestApp::build(backend, TEST_PUBLIC_URL, None, millis).await
    }

    /// Like [`TestApp::new`], mailing `smtp` (a real SMTP server in its own
    /// process) instead of writing files; [`TestApp::mails`] reads what the
    /// server accepted.
    pub async fn with_smtp(backend: Backend, smtp: &SmtpServer) -> TestApp {
        let mut app = TestApp::build(backend, TEST_PUBLIC_URL, Some(smtp.url()), 0).await;
        app.smtp_maildir = Some(smtp.maildir().to_owned());
        app
    }

    async fn build(
        backend: Backend,
        public_url: &str,
        smtp_url: Option<&str>,
        page_cache_ms: u64,
    ) -> TestApp {
        let db = TestDb::migrated(backend);
        let dir = tempfile::tempdir().expect("temporary folder");
        let config = Config {
            addr: "127.0.0.1:0".parse().expect("address"),
            data_dir: dir.path().to_path_buf(),
            database_url: db.url().to_owned(),
            smtp_url: smtp_url.map(|url| SecretString::from(url.to_owned())),
            jwt_secret: SecretString::from("a test signing key that is long enough".to_owned()),
            bid_key: None,
            public_url: public_url.into(),
            mail_from: "Socialbid <noreply@socialbid.test>".into(),
            accessibility_url: "/accessibility".into(),
            accessibility_prepared_on: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("date"),
            accessibility_reviewed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
            contact_email: "kontakt@socialbid.test".into(),
            operator_name: "Testdrift ApS".into(),
            contact_phone: Some("+45 70 20 30 40".into()),
            db_pool_size: 4,
            trust_forwarded_for: true,
            ocid_prefix: "ocds-socialbid".into(),
            mail_rate: None,
            smtp_connections: 4,
            worker_lanes: 4,
            page_cache_ms,
            // The suite hashes hundreds of passwords nobody has.
            password_cost: HashCost::Minimal,
        };
        let state = AppState::new(config).expect("app state");
        state.db.migrate().expect("migrations apply");
        let router = socialbid::router::router(state.clone());
        TestApp {
            state,
            router,
            smtp_maildir: None,
            _db: db,
            dir,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// A JSON API call; `token` goes in `Authorization: Bearer`.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        self.api_in(method, path, token, body, "da").await
    }

    /// A JSON API call with `Accept-Language: lang`.
    pub async fn api_in(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        lang: &str,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, lang);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .expect("request");
        self.send(request).await
    }

    /// A raw body with a content type, for malformed input.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        self.send(request.body(Body::from(body.to_owned())).expect("request"))
            .await
    }

    /// A browser-like request: cookies as given, optional form body.
    /// A GET of `path` with `jar`'s cookies and `headers` (`If-None-Match`,
    /// `Accept-Encoding`, ...), as a browser or an HTTP client sends it.
    pub async fn get_with(&self, path: &str, jar: &Jar, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::builder().method(Method::GET).uri(path);
        let cookies = jar.header();
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).expect("a request"))
            .await
    }

    pub async fn page(
        &self,
        method: Method,
        path: &str,
        cookies: &str,
        form: Option<&[(&str, &str)]>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if !cookies.is_empty() {
            request = request.header(
                header::COOKIE,
                HeaderValue::from_str(cookies).expect("cookie header"),
            );
        }
        let request = match form {
            Some(fields) => {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(fields)
                    .finish();
                request
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
            }
            None => request.body(Body::empty()),
        }
        .expect("request");
        self.send(request).await
    }

    /// Queues today's clean-up (`retention`) and runs every due job at
    /// 02:00 UTC, when the clean-up is due: between midnight and two the
    /// clock is moved on to it (one second more, as it moves in whole
    /// seconds). Returns how many jobs ran.
    pub async fn run_daily_clean_up(&self) -> usize {
        let now = self.state.clock.now();
        self.state
            .db
            .run(move |conn| {
                socialbid::retention::schedule(conn, now.date(), now)
                    .map_err(socialbid::error::AppError::from)
            })
            .await
            .expect("the clean-up is queued");
        let due = now.date().and_hms_opt(2, 0, 0).expect("02:00");
        if due > now {
            self.state
                .clock
                .advance(due - now + chrono::Duration::seconds(1));
        }
        self.run_jobs().await
    }

    /// Runs every due job, as the worker would.
    pub async fn run_jobs(&self) -> usize {
        socialbid::jobs::worker::run_due_jobs(&self.state, &socialbid::background::registry())
            .await
            .expect("jobs run")
    }

    /// This app's search indexes with every change of the feed applied, as
    /// the follower of a running process applies them within a second. On
    /// PostgreSQL a change waits while an older transaction anywhere on the
    /// server still runs (search/changes.rs), so this applies until none is
    /// left, for at most ten seconds.
    pub async fn index(&self) -> std::sync::Arc<socialbid::search::SearchIndexes> {
        let started = std::time::Instant::now();
        loop {
            socialbid::search::apply_pending(&self.state)
                .await
                .expect("the change feed applies");
            let (behind, _) = socialbid::search::lag(&self.state)
                .await
                .expect("the feed reads")
                .expect("the indexes are open");
            if behind == 0 {
                break;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "{behind} changes never became readable"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        socialbid::search::indexes(&self.state)
            .await
            .expect("the search indexes open")
    }

    /// Jobs neither finished nor given up.
    pub async fn pending_jobs(&self) -> i64 {
        self.state
            .db
            .run(|conn| {
                socialbid::jobs::pending_count(conn).map_err(socialbid::error::AppError::from)
            })
            .await
            .expect("count jobs")
    }

    /// The folder lettre's file transport writes to.
    pub fn mail_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("mail")
    }

    /// Every mail written (or accepted by the SMTP server) so far, oldest
    /// first.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        if let Some(maildir) = &self.smtp_maildir {
            return crate::smtp::read_maildir(maildir);
        }
        let mut files: Vec<_> = std::fs::read_dir(self.mail_dir())
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| {
                ReceivedMail::parse(&std::fs::read(p).expect("read mail")).expect("parse mail")
            })
            .collect()
    }

    /// The mails to `address`, oldest first.
    pub fn mails_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.contains(address))
            .collect()
    }
}

/// A test that queued work must run it (or say it discards it): a job left
/// due at the end is a side effect nobody checked, so the test fails, as
/// crates.io's test app does. Jobs due later (closing a tender at its
/// deadline) are not left over.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let now = self.state.clock.now();
        let due = self
            .state
            .db
            .get()
            .map_err(|e| format!("{e:?}"))
            .and_then(|mut conn| {
                socialbid::jobs::due_count(&mut conn, now).map_err(|e| e.to_string())
            });
        match due {
            Ok(0) => {}
            Ok(due) => panic!(
                "the test left {due} due job(s) in the queue: run them with `app.run_jobs()` \
                 and check what they did"
            ),
            Err(error) => panic!("cannot count the jobs left over: {error}"),
        }
    }
}
