//! A browser without JavaScript, for the page tests that go through the
//! router: a cookie jar that keeps what the server sets, and forms posted
//! with the `csrf_token` field of the last page that had a form, as the
//! server-rendered forms do.
//!
//! The page test files of every feature need this; it lives here so they
//! all keep cookies and CSRF tokens the same way.

use axum::http::{Method, StatusCode};

use crate::{PASSWORD, TestApp, TestResponse};

/// The cookie that holds the random value an anonymous browser's form
/// token is bound to (a logged-in browser's is bound to its session).
pub const CSRF_COOKIE: &str = "sb_csrf";

/// The `csrf_token` hidden field of a page's forms, if it has one.
pub fn form_token(html: &str) -> Option<String> {
    const FIELD: &str = "name=\"csrf_token\" value=\"";
    let start = html.find(FIELD)? + FIELD.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned()).filter(|t| !t.is_empty())
}

/// A browser's cookie jar, just enough for the page tests: a cookie set
/// again replaces the old one and a cookie set empty is removed. It also
/// holds the form token of the last page with a form, as the page in a
/// browser's tab does.
#[derive(Debug, Default, Clone)]
pub struct Jar {
    cookies: Vec<(String, String)>,
    csrf_token: Option<String>,
}

impl Jar {
    /// Keeps the cookies `response` sets, and its form token. A response
    /// that logs in or out without showing a page leaves no valid token
    /// (the token is bound to the session): the next form is loaded first.
    pub fn take(&mut self, response: &TestResponse) {
        let mut session_changed = false;
        for pair in response.set_cookies() {
            let (name, value) = pair.split_once('=').expect("a cookie is name=value");
            session_changed |= is_session_cookie(name);
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        match form_token(&response.text()) {
            Some(token) => self.csrf_token = Some(token),
            None if session_changed => self.csrf_token = None,
            None => {}
        }
    }

    fn has_session(&self) -> bool {
        self.cookies.iter().any(|(name, _)| is_session_cookie(name))
    }

    /// The `Cookie` header a browser would send.
    pub fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The value of the cookie `name`, if the jar has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The form token of the last page with a form; panics when there is
    /// none for the current session.
    pub fn csrf(&self) -> String {
        self.csrf_token
            .clone()
            .expect("a page with a form was visited since logging in or out")
    }

    /// GETs `path` with these cookies and keeps the ones it sets.
    pub async fn visit(&mut self, app: &TestApp, path: &str) -> TestResponse {
        let response = app.page(Method::GET, path, &self.header(), None).await;
        self.take(&response);
        response
    }

    /// POSTs a form to `path` as the page's form would: `csrf_token` first,
    /// then `fields`; keeps the cookies the answer sets. Without a token for
    /// the current session, a page with a form is loaded first, as a
    /// browser lands on one after logging in or out.
    pub async fn submit(
        &mut self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        if self.csrf_token.is_none() {
            let page = if self.has_session() {
                "/account"
            } else {
                "/login"
            };
            self.visit(app, page).await;
        }
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

/// The access and refresh cookies, with or without the `__Host-` prefix.
fn is_session_cookie(name: &str) -> bool {
    let name = name.strip_prefix("__Host-").unwrap_or(name);
    name == "sb_access" || name == "sb_refresh"
}
