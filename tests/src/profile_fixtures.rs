//! Organisations for tests, made through the API the way members and admins
//! make them.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{Person, TestApp};

/// A valid CVR number made from a 7-digit seed (the 8th digit completes the
/// modulus-11 check); `None` when no digit can.
pub fn cvr_from_seed(seed: u32) -> Option<String> {
    const WEIGHTS: [u32; 7] = [2, 7, 6, 5, 4, 3, 2];
    let digits = format!("{:07}", seed % 10_000_000);
    let sum: u32 = digits
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let last = (11 - sum % 11) % 11;
    (last < 10).then(|| format!("{digits}{last}"))
}

/// The `n`th valid test CVR number (distinct for distinct `n`).
pub fn cvr(n: u32) -> String {
    (0..)
        .find_map(|i| cvr_from_seed(3_100_000 + n * 13 + i))
        .expect("a valid CVR number")
}

/// A complete, valid profile body.
pub fn profile_body(name: &str, cvr: &str) -> Value {
    json!({
        "organisation_name": name,
        "cvr": cvr,
        "legal_form": "aps",
        "rsv_registered": true,
        "rsv_registered_on": "2019-03-15",
        "founded_year": 2015,
        "employees": 12,
        "target_group_employees": 7,
        "mission": "Vi træner unge uden uddannelse til job i køkken og café.",
        "capabilities": "Kantinedrift og mødeforplejning for op til 300 personer om dagen.",
        "cpv": ["853"],
        "nuts": ["DK01"],
        "social_objectives": ["opp"],
        "max_contract_value": 2_000_000,
        "consortium": true,
        "reserved_res_ws": true,
        "res_ws_justification": "Over 30 % af de ansatte har et handicap eller er udsatte ledige.",
        "reserved_res_pub_ser": false,
        "res_pub_ser_justification": "",
        "references": ["Kantinedrift for Aarhus Kommune, 2023-2025"],
        "website": "https://cafe-lyst.example.dk",
        "contact_email": "kontakt@cafe-lyst.example.dk",
        "contact_phone": "+45 12 34 56 78",
    })
}

/// `profile_body` for an organisation offering `cpv` in `nuts` up to
/// `capacity` DKK, with CVR number `cvr(n)`.
pub fn offering_body(name: &str, n: u32, cpv: &[&str], nuts: &[&str], capacity: i64) -> Value {
    let mut body = profile_body(name, &cvr(n));
    body["cpv"] = json!(cpv);
    body["nuts"] = json!(nuts);
    body["max_contract_value"] = json!(capacity);
    body
}

impl TestApp {
    /// Registers an organisation for `member` and returns its id.
    pub async fn organisation_with(&self, member: &Person, body: Value) -> i64 {
        let response = self
            .api(
                Method::POST,
                "/api/v1/profiles",
                Some(&member.access_token),
                Some(body),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        response.json()["id"].as_i64().expect("id")
    }

    pub async fn organisation(&self, member: &Person, name: &str, cvr: &str) -> i64 {
        self.organisation_with(member, profile_body(name, cvr))
            .await
    }

    /// An admin's decision through the API, with the jobs it queued run (the
    /// members' mail); panics unless it is taken.
    pub async fn decide(&self, admin: &Person, id: i64, decision: &str, reason: Option<&str>) {
        let body = match decision {
            "approve" | "unsuspend" => None,
            _ => Some(json!({ "reason": reason })),
        };
        let response = self
            .api(
                Method::POST,
                &format!("/api/v1/admin/profiles/{id}/{decision}"),
                Some(&admin.access_token),
                body,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::NO_CONTENT,
            "{decision}: {}",
            response.text()
        );
        self.run_jobs().await;
    }

    /// A registered and approved organisation.
    pub async fn approved_organisation(&self, member: &Person, admin: &Person, body: Value) -> i64 {
        let id = self.organisation_with(member, body).await;
        self.decide(admin, id, "approve", None).await;
        id
    }

    /// The public directory's page for `query` (`cpv=853&nuts=DK01`), as
    /// the API answers it to a visitor; panics unless it answers 200.
    pub async fn directory(&self, query: &str) -> Value {
        let response = self
            .api(
                Method::GET,
                &format!("/api/v1/profiles?{query}"),
                None,
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        response.json()
    }

    /// The names in the public directory for `query`, sorted.
    pub async fn directory_names(&self, query: &str) -> Vec<String> {
        let mut names: Vec<String> = self.directory(query).await["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        names.sort();
        names
    }

    /// An officer whom an admin has approved.
    pub async fn approved_officer(&self, email: &str, cvr: &str, admin: &Person) -> Person {
        let officer = self.pending_officer(email, cvr).await;
        self.approve_officer(officer.id, admin).await;
        officer
    }
}
