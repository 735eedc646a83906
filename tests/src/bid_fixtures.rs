//! Bids for tests, made through the API as bidders and officers make
//! them: a complete bid, submitted; and a tender taken all the way to an
//! award.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};

use crate::{AARHUS_CVR, Person, TenderBuilder, TestApp, TestResponse, offering_body};

/// A complete bid on a `TenderBuilder` tender (criteria: price, quality,
/// social value) at `price` kroner.
pub fn complete_bid(price: i64) -> Value {
    json!({
        "price": price,
        "answers": [{"criterion": 1, "text": "Faste hold og ugentlig kvalitetskontrol."}],
        "commitments": [{"criterion": 2, "what": "Job til ledige", "how_many": 4,
                         "for_whom": "Personer, der har været ledige i over et år", "months": 12}],
        "declarations": ["no_exclusion_grounds", "conditions_accepted", "information_true"]
    })
}

/// A PDF as small as a reader accepts, holding `marker` as its text.
pub fn pdf_with(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj<</Marker ({marker})>>endobj\ntrailer<<>>\n%%EOF\n").into_bytes()
}

/// The API request that uploads `data` as a document named `name` to
/// `bid`, as `who` (no token for an anonymous caller).
pub fn bid_document_upload(
    who: Option<&Person>,
    bid: i64,
    name: &str,
    data: &[u8],
) -> Request<Body> {
    let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/bids/{bid}/documents?name={name}"))
        .header("content-type", "application/octet-stream");
    if let Some(who) = who {
        request = request.header("authorization", format!("Bearer {}", who.access_token));
    }
    request.body(Body::from(data.to_vec())).expect("a request")
}

/// An officer of Aarhus and three approved social enterprises that bid
/// there: Café Lyst (canteens; Anna), Grøn Rengøring (cleaning; Jonas)
/// and Fjordens Have (gardens, all of Denmark; Bo).
pub struct Enterprises {
    pub officer: Person,
    pub admin: Person,
    pub cafe: Person,
    pub cleaner: Person,
    pub cleaner_org: i64,
    pub gardener: Person,
    pub gardener_org: i64,
}

impl TestApp {
    /// The officer and the three enterprises of `Enterprises`.
    pub async fn three_enterprises(&self) -> Enterprises {
        let officer = self.officer("mette@aarhus.dk", AARHUS_CVR).await;
        let admin = self.admin("admin@socialbid.test").await;
        let cafe = self.entrepreneur("anna@cafe-lyst.dk").await;
        self.approved_organisation(
            &cafe,
            &admin,
            offering_body("Café Lyst ApS", 1, &["55520000"], &["DK04"], 1_000_000),
        )
        .await;
        let cleaner = self.entrepreneur("jonas@groen-rengoering.dk").await;
        let cleaner_org = self
            .approved_organisation(
                &cleaner,
                &admin,
                offering_body("Grøn Rengøring", 2, &["90910000"], &["DK04"], 2_500_000),
            )
            .await;
        let gardener = self.entrepreneur("bo@fjordens-have.dk").await;
        let gardener_org = self
            .approved_organisation(
                &gardener,
                &admin,
                offering_body("Fjordens Have", 3, &["77310000"], &["DK"], 800_000),
            )
            .await;
        Enterprises {
            officer,
            admin,
            cafe,
            cleaner,
            cleaner_org,
            gardener,
            gardener_org,
        }
    }

    /// Uploads `data` as a document named `name` to `bid` through the API,
    /// as `who` (no token for an anonymous caller).
    pub async fn upload_bid_document(
        &self,
        who: Option<&Person>,
        bid: i64,
        name: &str,
        data: &[u8],
    ) -> TestResponse {
        self.send(bid_document_upload(who, bid, name, data)).await
    }

    /// Starts a draft of `body` on `tender` for `who`'s organisation;
    /// returns the bid's id.
    pub async fn started_bid(&self, who: &Person, tender: i64, body: Value) -> i64 {
        let created = self
            .api(
                Method::POST,
                &format!("/api/v1/tenders/{tender}/bids"),
                Some(&who.access_token),
                Some(body),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        created.json()["id"].as_i64().expect("id")
    }

    /// Starts and submits `body` on `tender` for `who`'s organisation;
    /// returns the bid's id.
    pub async fn submitted_bid(&self, who: &Person, tender: i64, body: Value) -> i64 {
        let id = self.started_bid(who, tender, body).await;
        let sent = self
            .api(
                Method::POST,
                &format!("/api/v1/bids/{id}/submit"),
                Some(&who.access_token),
                None,
            )
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
        id
    }

    /// Starts a bid at `price` for `lead`'s organisation with
    /// `partner_org` as a partner (cleaning, 40 %), accepted by `partner`,
    /// and submits it; returns the bid's id.
    pub async fn consortium_bid(
        &self,
        lead: &Person,
        partner: &Person,
        partner_org: i64,
        tender: i64,
        price: i64,
    ) -> i64 {
        let id = self.started_bid(lead, tender, complete_bid(price)).await;
        let invited = self
            .api(
                Method::POST,
                &format!("/api/v1/bids/{id}/partners"),
                Some(&lead.access_token),
                Some(json!({"organisation_id": partner_org,
                            "partner_role": "Rengøring af institutionerne", "share_percent": 40})),
            )
            .await;
        assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text());
        let accepted = self
            .api(
                Method::POST,
                &format!("/api/v1/bids/{id}/invitation/accept"),
                Some(&partner.access_token),
                None,
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        let sent = self
            .api(
                Method::POST,
                &format!("/api/v1/bids/{id}/submit"),
                Some(&lead.access_token),
                None,
            )
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
        id
    }

    /// A tender of `officer` (deadline in two days) with a bid from each
    /// of `bidders`, the clock moved past the deadline, the bids opened,
    /// scored 10 on quality and social value, and the lowest price
    /// awarded; every mail sent. Returns the tender, the bids, and the
    /// officer logged in again.
    pub async fn awarded_tender(
        &self,
        officer: &Person,
        bidders: &[(&Person, i64)],
    ) -> (i64, Vec<i64>, Person) {
        let tender = TenderBuilder::new(self)
            .closing_in_two_days(self)
            .publish(self, officer)
            .await;
        let mut bids = Vec::new();
        for (who, price) in bidders {
            bids.push(self.submitted_bid(who, tender, complete_bid(*price)).await);
        }
        let priced: Vec<(i64, i64)> = bids
            .iter()
            .zip(bidders)
            .map(|(bid, (_, price))| (*bid, *price))
            .collect();
        let officer = self.award_cheapest(officer, tender, &priced).await;
        (tender, bids, officer)
    }

    /// Past the deadline (two days on) of `tender`, whose `bids` (with
    /// their prices) are submitted: opens them, scores each 10 on quality
    /// and social value, and awards the lowest price; every mail sent.
    /// Returns the officer logged in again.
    pub async fn award_cheapest(
        &self,
        officer: &Person,
        tender: i64,
        bids: &[(i64, i64)],
    ) -> Person {
        self.state
            .clock
            .advance(Duration::days(2) + Duration::seconds(1));
        self.run_jobs().await;
        let officer = self.relogin(officer).await;
        let evaluation = format!("/api/v1/tenders/{tender}/evaluation");
        let token = Some(officer.access_token.as_str());
        let opened = self
            .api(Method::POST, &format!("{evaluation}/opening"), token, None)
            .await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
        for (bid, _) in bids {
            let scored = self
                .api(
                    Method::PUT,
                    &format!("{evaluation}/bids/{bid}"),
                    token,
                    Some(json!({"scores": [
                        {"criterion": 1, "score": 10, "reason": "Klar plan for kvaliteten."},
                        {"criterion": 2, "score": 10, "reason": "Konkrete tilsagn."}
                    ]})),
                )
                .await;
            assert_eq!(scored.status, StatusCode::OK, "{}", scored.text());
        }
        let cheapest = bids
            .iter()
            .min_by_key(|(_, price)| *price)
            .map(|(bid, _)| *bid)
            .expect("a bid");
        let awarded = self
            .api(
                Method::POST,
                &format!("{evaluation}/lots/0/award"),
                token,
                Some(json!({ "bid_id": cheapest })),
            )
            .await;
        assert_eq!(awarded.status, StatusCode::CREATED, "{}", awarded.text());
        self.run_jobs().await;
        officer
    }
}
