//! Accounts for tests, made through the public API the way people make
//! them (register, follow the mailed link, log in), never with SQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, TestResponse, first_link};

pub const PASSWORD: &str = "en lang nok adgangskode";

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    /// Registers through the API and returns the created account.
    pub async fn register(&self, body: Value) -> Value {
        let response = self
            .api(Method::POST, "/api/v1/accounts", None, Some(body))
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        response.json()
    }

    /// The token in the newest link mailed to `email` whose path starts with
    /// `path` (`/verify`, `/reset-password`).
    pub async fn link_token(&self, email: &str, path: &str) -> String {
        self.run_jobs().await;
        let mails = self.mails_to(email);
        let link = mails
            .iter()
            .rev()
            .map(|m| first_link(&m.text))
            .find(|l| l.contains(path))
            .unwrap_or_else(|| panic!("no {path} link mailed to {email}: {mails:?}"));
        let url = url::Url::parse(&link).expect("link is a URL");
        url.query_pairs()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
            .expect("link has a token")
    }

    /// Sends `token` to the verify endpoint as the mailed link's page does;
    /// the answer is left for the test to judge.
    pub async fn try_verify(&self, token: &str) -> TestResponse {
        self.api(
            Method::POST,
            "/api/v1/accounts/verify",
            None,
            Some(json!({ "token": token })),
        )
        .await
    }

    /// Verifies `email` with the token from the newest `/verify` link mailed to it.
    pub async fn verify(&self, email: &str) {
        let token = self.link_token(email, "/verify").await;
        let response = self.try_verify(&token).await;
        assert_eq!(
            response.status,
            StatusCode::NO_CONTENT,
            "{}",
            response.text()
        );
    }

    /// Sends a login request for `email` with `password`; the answer is
    /// left for the test to judge (refusals, lockouts).
    pub async fn try_login(&self, email: &str, password: &str) -> TestResponse {
        self.api(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": email, "password": password })),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Person {
        let response = self.try_login(email, password).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let tokens = response.json();
        let me = self
            .api(
                Method::GET,
                "/api/v1/me",
                tokens["access_token"].as_str(),
                None,
            )
            .await
            .json();
        Person {
            id: me["id"].as_i64().expect("id"),
            email: email.to_owned(),
            access_token: tokens["access_token"].as_str().expect("access").to_owned(),
            refresh_token: tokens["refresh_token"]
                .as_str()
                .expect("refresh")
                .to_owned(),
        }
    }

    /// A verified, logged-in social entrepreneur.
    pub async fn entrepreneur(&self, email: &str) -> Person {
        self.register(json!({
            "email": email, "password": PASSWORD, "name": "Anna Jensen", "role": "entrepreneur",
        }))
        .await;
        self.verify(email).await;
        self.login(email, PASSWORD).await
    }

    /// A verified, logged-in officer still waiting for approval.
    pub async fn pending_officer(&self, email: &str, cvr: &str) -> Person {
        self.register(json!({
            "email": email, "password": PASSWORD, "name": "Mette Hansen", "role": "officer",
            "authority": { "name": "Aarhus Kommune", "cvr": cvr, "nuts_code": "DK042" },
        }))
        .await;
        self.verify(email).await;
        self.login(email, PASSWORD).await
    }

    /// Approves the officer `officer_id` as `admin`, as the admin page does,
    /// and runs the jobs it queued (the officer's mail); panics unless the
    /// API answers 204.
    pub async fn approve_officer(&self, officer_id: i64, admin: &Person) {
        let response = self
            .api(
                Method::POST,
                &format!("/api/v1/admin/officers/{officer_id}/approve"),
                Some(&admin.access_token),
                None,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::NO_CONTENT,
            "{}",
            response.text()
        );
        self.run_jobs().await;
    }

    /// The data export (`GET /api/v1/me/export`) of whoever holds
    /// `access_token`, as JSON: each feature checks that its own data is in it.
    pub async fn data_export(&self, access_token: &str) -> Value {
        self.api(Method::GET, "/api/v1/me/export", Some(access_token), None)
            .await
            .json()
    }

    /// A logged-in admin, created as the CLI creates one.
    pub async fn admin(&self, email: &str) -> Person {
        socialbid::accounts::service::create_admin(&self.state, email, "Admin", Some(PASSWORD))
            .await
            .expect("admin created");
        self.login(email, PASSWORD).await
    }
}
