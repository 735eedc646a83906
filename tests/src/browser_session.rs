//! A browser without JavaScript, for the page tests that go through the
//! router: a cookie jar that keeps what the server sets, and forms posted
//! with the `csrf_token` field copied from the `sb_csrf` cookie, as the
//! server-rendered forms do.
//!
//! The page test files of every feature need this; it lives here so they
//! all keep cookies and CSRF tokens the same way.

use axum::http::{Method, StatusCode};

use crate::{PASSWORD, TestApp, TestResponse};

/// The cookie that holds the CSRF token the forms must send back.
pub const CSRF_COOKIE: &str = "sb_csrf";

/// A browser's cookie jar, just enough for the page tests: a cookie set
/// again replaces the old one and a cookie set empty is removed.
#[derive(Debug, Default, Clone)]
pub struct Jar(Vec<(String, String)>);

impl Jar {
    /// Keeps the cookies `response` sets.
    pub fn take(&mut self, response: &TestResponse) {
        for pair in response.set_cookies() {
            let (name, value) = pair.split_once('=').expect("a cookie is name=value");
            self.0.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.0.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    /// The `Cookie` header a browser would send.
    pub fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The value of the cookie `name`, if the jar has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The CSRF token (the `sb_csrf` cookie); panics when no page has set it.
    pub fn csrf(&self) -> String {
        self.get(CSRF_COOKIE)
            .expect("a page was visited first (no sb_csrf cookie)")
            .to_owned()
    }

    /// GETs `path` with these cookies and keeps the ones it sets.
    pub async fn visit(&mut self, app: &TestApp, path: &str) -> TestResponse {
        let response = app.page(Method::GET, path, &self.header(), None).await;
        self.take(&response);
        response
    }

    /// POSTs a form to `path` as the page's form would: `csrf_token` first,
    /// then `fields`; keeps the cookies the answer sets.
    pub async fn submit(
        &mut self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let token = self.csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        let response = app
            .page(Method::POST, path, &self.header(), Some(&all))
            .await;
        self.take(&response);
        response
    }

    /// A jar logged in as `email` (password [`PASSWORD`]) with the login
    /// form; panics unless the login redirects (303).
    pub async fn logged_in(app: &TestApp, email: &str) -> Jar {
        let mut jar = Jar::default();
        jar.visit(app, "/login").await;
        let response = jar
            .submit(app, "/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{}",
            response.text()
        );
        jar
    }
}

/// A [`Jar`] tied to one [`TestApp`], so a test reads like a person
/// browsing: `session.get(path)`, `session.post(path, fields)`.
pub struct PageSession<'a> {
    pub app: &'a TestApp,
    pub jar: Jar,
}

impl<'a> PageSession<'a> {
    /// A session with no cookies yet.
    pub fn new(app: &'a TestApp) -> PageSession<'a> {
        PageSession {
            app,
            jar: Jar::default(),
        }
    }

    /// A session logged in as `email` through the login form.
    pub async fn logged_in(app: &'a TestApp, email: &str) -> PageSession<'a> {
        PageSession {
            app,
            jar: Jar::logged_in(app, email).await,
        }
    }

    /// GETs `path`, keeping cookies.
    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.jar.visit(self.app, path).await
    }

    /// POSTs a form to `path` with the CSRF token, keeping cookies.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.jar.submit(self.app, path, fields).await
    }
}
