//! Bids for tests, made through the API as bidders and officers make
//! them: a complete bid, submitted; and a tender taken all the way to an
//! award.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};

use crate::{Person, TenderBuilder, TestApp, in_days};

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

impl TestApp {
    /// Starts and submits `body` on `tender` for `who`'s organisation;
    /// returns the bid's id.
    pub async fn submitted_bid(&self, who: &Person, tender: i64, body: Value) -> i64 {
        let created = self
            .api(
                Method::POST,
                &format!("/api/v1/tenders/{tender}/bids"),
                Some(&who.access_token),
                Some(body),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let id = created.json()["id"].as_i64().expect("id");
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
            .set("submission_deadline", json!(in_days(self, 2)))
            .set("question_deadline", json!(in_days(self, 1)))
            .publish(self, officer)
            .await;
        let mut bids = Vec::new();
        for (who, price) in bidders {
            bids.push(self.submitted_bid(who, tender, complete_bid(*price)).await);
        }
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
        for bid in &bids {
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
        let cheapest = bidders
            .iter()
            .zip(&bids)
            .min_by_key(|((_, price), _)| *price)
            .map(|(_, bid)| *bid)
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
        (tender, bids, officer)
    }
}
