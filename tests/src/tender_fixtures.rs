//! Tenders for tests, made through the public API as officers make them:
//! an approved officer (registered, then approved by an admin through the
//! API) and a `TenderBuilder` that drafts and publishes.

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use crate::{Person, TestApp};

/// Real CVR numbers of three municipalities (valid modulus-11).
pub const AARHUS_CVR: &str = "55133018";
pub const KOBENHAVN_CVR: &str = "64942212";
pub const ODENSE_CVR: &str = "35209115";

impl TestApp {
    /// A verified, logged-in officer whose account an admin has approved.
    pub async fn officer(&self, email: &str, cvr: &str) -> Person {
        let officer = self.pending_officer(email, cvr).await;
        let admin_email = format!("approver-{}", email.replace('@', "-at-")) + "@socialbid.test";
        let admin = self.admin(&admin_email).await;
        self.approve_officer(officer.id, &admin).await;
        officer
    }

    /// Logs in again: access tokens are short-lived, so a test that moves
    /// the clock by days needs fresh ones.
    pub async fn relogin(&self, person: &Person) -> Person {
        self.login(&person.email, crate::PASSWORD).await
    }

    /// The app's "now" (UTC), which tests move with `state.clock.advance`.
    pub fn now(&self) -> NaiveDateTime {
        self.state.clock.now()
    }
}

/// An RFC 3339 time `days` from the app's now.
pub fn in_days(app: &TestApp, days: i64) -> String {
    let at = app.now() + Duration::days(days);
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A complete, publishable tender, changed step by step.
#[derive(Clone)]
pub struct TenderBuilder {
    pub body: Value,
}

impl TenderBuilder {
    /// Cleaning for day-care centres: open procedure, 40 days, price 60,
    /// quality 20, social value 20 (employment opportunities).
    pub fn new(app: &TestApp) -> TenderBuilder {
        TenderBuilder {
            body: json!({
                "title": "Rengøring af daginstitutioner i Aarhus Vest",
                "description": "Daglig rengøring af 12 daginstitutioner.\n\n- 12 adresser\n- 4.800 m²",
                "language": "da",
                "contract_nature": "services",
                "procedure_type": "open",
                "main_cpv": "90911200",
                "additional_cpv": ["90919200"],
                "nuts_codes": ["DK042"],
                "estimated_value": 2_400_000,
                "currency": "DKK",
                "submission_deadline": in_days(app, 40),
                "question_deadline": in_days(app, 30),
                "reserved": [],
                "strategic": ["soc-obj"],
                "lots": [],
                "criteria": [
                    {"name": "Pris", "kind": "price", "weight": 60},
                    {"name": "Kvalitet", "kind": "quality", "weight": 20},
                    {"name": "Beskæftigelse af ledige", "kind": "social", "weight": 20,
                     "social_objectives": ["opp"]}
                ]
            }),
        }
    }

    /// Bids close two days from the app's now, questions one.
    pub fn closing_in_two_days(self, app: &TestApp) -> TenderBuilder {
        self.set("submission_deadline", json!(in_days(app, 2)))
            .set("question_deadline", json!(in_days(app, 1)))
    }

    pub fn set(mut self, field: &str, value: Value) -> TenderBuilder {
        self.body[field] = value;
        self
    }

    pub fn with_lots(self) -> TenderBuilder {
        self.set(
            "lots",
            json!([
                {"title": "Delaftale 1: Vest", "description": "6 institutioner", "cpv_codes": ["90911200"], "estimated_value": 1_200_000},
                {"title": "Delaftale 2: Syd", "description": "6 institutioner", "cpv_codes": ["90911200"], "estimated_value": 1_200_000}
            ]),
        )
    }

    /// A reserved social-service tender (Article 77, `res-pub-ser`).
    pub fn article_77(self) -> TenderBuilder {
        self.set("main_cpv", json!("85311000"))
            .set("additional_cpv", json!([]))
            .set("reserved", json!(["res-pub-ser"]))
            .set("title", json!("Bostøtte til unge"))
    }

    /// Creates the draft and returns its id.
    pub async fn draft(&self, app: &TestApp, officer: &Person) -> i64 {
        let response = app
            .api(
                Method::POST,
                "/api/v1/tenders",
                Some(&officer.access_token),
                Some(self.body.clone()),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        response.json()["id"].as_i64().expect("id")
    }

    /// Creates and publishes, and runs the jobs publishing queued (the
    /// tender's matching); returns the id.
    pub async fn publish(&self, app: &TestApp, officer: &Person) -> i64 {
        let id = self.draft(app, officer).await;
        let response = app
            .api(
                Method::POST,
                &format!("/api/v1/tenders/{id}/publish"),
                Some(&officer.access_token),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        app.run_jobs().await;
        id
    }
}
