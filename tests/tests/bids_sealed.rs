//! Sealed bids, on both databases: every role (the bidder, its consortium
//! partner, another bidder, the owning officer, another authority's
//! officer, an admin, anonymous)
//! on every read path (the bid, its document, the tender's bids, the
//! receipt, the tender as JSON, as a page and as OCDS, the caller's data
//! export) before the deadline, after it, and after the opening. Only the
//! bidding organisation and its partner read its bid before the opening,
//! and nobody else
//! learns even how many bids there are; after the opening the owning
//! officer reads the submitted bids. The stored row and file hold no
//! plaintext, and open with the instance's key only.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;
use socialbid::bids::seal::BidSeal;
use socialbid::db::ids::{OrganisationId, TenderId};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, Person, TenderBuilder, TestApp, cvr, in_days,
    on_both_databases, pdf_with, profile_body,
};

on_both_databases!(
    only_the_bidder_reads_a_bid_until_the_officer_opens_them,
    the_stored_bid_holds_no_plaintext,
    opening_is_the_owning_officers_once_after_the_deadline,
);

/// Words only Anna's bid holds.
const ANNA_ANSWER: &str = "HEMMELIG-KVALITET: faste hold og ugentlig kontrol";
const ANNA_COMMITMENT: &str = "HEMMELIGT-TILSAGN til langtidsledige";
/// Words only the document of Anna's bid holds.
const ANNA_DOCUMENT: &str = "HEMMELIGT-BILAG-med-referencer";
/// Words only Bo's bid holds.
const BO_ANSWER: &str = "BOS-SVAR: robotstøvsugere";

fn bid(answer: &str, commitment: &str, price: i64) -> serde_json::Value {
    json!({
        "price": price,
        "answers": [{"criterion": 1, "text": answer}],
        "commitments": [{"criterion": 2, "what": commitment, "how_many": 4,
                         "for_whom": "Ledige over et år", "months": 12}],
        "declarations": ["no_exclusion_grounds", "conditions_accepted", "information_true"]
    })
}

struct Cast {
    app: TestApp,
    tender: i64,
    anna_bid: i64,
    anna_document: i64,
    bo_bid: i64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Bidder,
    Partner,
    OtherBidder,
    OwningOfficer,
    OtherOfficer,
    Admin,
    Anonymous,
}

const EVERYONE: [Who; 7] = [
    Who::Bidder,
    Who::Partner,
    Who::OtherBidder,
    Who::OwningOfficer,
    Who::OtherOfficer,
    Who::Admin,
    Who::Anonymous,
];

impl Who {
    fn email(self) -> Option<&'static str> {
        match self {
            Who::Bidder => Some("anna@cafe-lyst.dk"),
            Who::Partner => Some("jonas@kurer.dk"),
            Who::OtherBidder => Some("bo@groen.dk"),
            Who::OwningOfficer => Some("mette@aarhus.dk"),
            Who::OtherOfficer => Some("jens@kk.dk"),
            Who::Admin => Some("admin@socialbid.test"),
            Who::Anonymous => None,
        }
    }
}

/// A published tender of Aarhus (deadline in two days) with a submitted
/// bid from Anna's organisation and one from Bo's.
async fn cast(backend: Backend) -> Cast {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.officer("jens@kk.dk", KOBENHAVN_CVR).await;
    let admin = app.admin("admin@socialbid.test").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    let jonas = app.entrepreneur("jonas@kurer.dk").await;
    let kurer = app
        .approved_organisation(&jonas, &admin, profile_body("Kurerkompagniet", &cvr(3)))
        .await;
    let bo = app.entrepreneur("bo@groen.dk").await;
    app.approved_organisation(&bo, &admin, profile_body("Grøn Rengøring", &cvr(2)))
        .await;
    let tender = TenderBuilder::new(&app)
        .set("submission_deadline", json!(in_days(&app, 2)))
        .set("question_deadline", json!(in_days(&app, 1)))
        .publish(&app, &officer)
        .await;
    let anna_bid = app
        .started_bid(&anna, tender, bid(ANNA_ANSWER, ANNA_COMMITMENT, 1_950_000))
        .await;
    let document = app
        .upload_bid_document(Some(&anna), anna_bid, "bilag.pdf", &pdf_with(ANNA_DOCUMENT))
        .await;
    assert_eq!(document.status, StatusCode::CREATED, "{}", document.text());
    let anna_document = document.json()["id"].as_i64().unwrap();
    let invited = app
        .api(
            Method::POST,
            &format!("/api/v1/bids/{anna_bid}/partners"),
            Some(&anna.access_token),
            Some(
                json!({"organisation_id": kurer, "partner_role": "Udbringning",
                        "share_percent": 20}),
            ),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text());
    let accepted = app
        .api(
            Method::POST,
            &format!("/api/v1/bids/{anna_bid}/invitation/accept"),
            Some(&jonas.access_token),
            None,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    submit(&app, &anna, anna_bid).await;
    let bo_bid = app
        .started_bid(&bo, tender, bid(BO_ANSWER, "Praktik", 2_100_000))
        .await;
    submit(&app, &bo, bo_bid).await;
    app.run_jobs().await;
    Cast {
        app,
        tender,
        anna_bid,
        anna_document,
        bo_bid,
    }
}

async fn submit(app: &TestApp, who: &Person, bid: i64) {
    let sent = app
        .api(
            Method::POST,
            &format!("/api/v1/bids/{bid}/submit"),
            Some(&who.access_token),
            None,
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
}

async fn token(app: &TestApp, who: Who) -> Option<String> {
    match who.email() {
        Some(email) => Some(
            app.login(email, socialbid_tests::PASSWORD)
                .await
                .access_token,
        ),
        None => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    BeforeDeadline,
    AfterDeadline,
    Opened,
}

/// What `who` gets on every read path in `phase`; panics on the first
/// answer that shows more than it may.
async fn check_everyone(cast: &Cast, phase: Phase) {
    let app = &cast.app;
    for who in EVERYONE {
        let token = token(app, who).await;
        let token = token.as_deref();
        let get = |path: String| async move { app.api(Method::GET, &path, token, None).await };
        let officer_reads = who == Who::OwningOfficer && phase == Phase::Opened;

        // The bid itself.
        let one = get(format!("/api/v1/bids/{}", cast.anna_bid)).await;
        let expected = match who {
            Who::Anonymous => StatusCode::UNAUTHORIZED,
            Who::Bidder | Who::Partner => StatusCode::OK,
            Who::OwningOfficer if officer_reads => StatusCode::OK,
            _ => StatusCode::NOT_FOUND,
        };
        assert_eq!(one.status, expected, "{who:?} {phase:?}: {}", one.text());
        let shows_anna = one.text().contains(ANNA_ANSWER);
        assert_eq!(shows_anna, expected == StatusCode::OK, "{who:?} {phase:?}");

        // The bid's document, as JSON and as the pages link it.
        let path = format!("/bids/{}/documents/{}", cast.anna_bid, cast.anna_document);
        let document = get(format!("/api/v1{path}")).await;
        assert_eq!(document.status, expected, "{who:?} {phase:?}: the document");
        assert_eq!(
            document.text().contains(ANNA_DOCUMENT),
            expected == StatusCode::OK,
            "{who:?} {phase:?}"
        );
        if let Some(email) = who.email() {
            let mut session = PageSession::logged_in(app, email).await;
            let linked = session.get(&path).await;
            assert_eq!(
                linked.status, expected,
                "{who:?} {phase:?}: the document's link"
            );
            assert_eq!(
                linked.text().contains(ANNA_DOCUMENT),
                expected == StatusCode::OK
            );
        }

        // The tender's bids.
        let list = get(format!("/api/v1/tenders/{}/bids", cast.tender)).await;
        let (status, code) = match who {
            Who::Anonymous => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Who::Bidder | Who::Partner | Who::OtherBidder => (StatusCode::OK, ""),
            Who::OwningOfficer if officer_reads => (StatusCode::OK, ""),
            Who::OwningOfficer => (StatusCode::FORBIDDEN, "bids_sealed"),
            Who::OtherOfficer | Who::Admin => (StatusCode::FORBIDDEN, "tender_not_yours"),
        };
        assert_eq!(list.status, status, "{who:?} {phase:?}: {}", list.text());
        if status == StatusCode::OK {
            let ids: Vec<i64> = list
                .json()
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["id"].as_i64().unwrap())
                .collect();
            let expected = match who {
                Who::Bidder | Who::Partner => vec![cast.anna_bid],
                Who::OtherBidder => vec![cast.bo_bid],
                _ => vec![cast.anna_bid, cast.bo_bid],
            };
            assert_eq!(ids, expected, "{who:?} {phase:?}");
        } else {
            assert_eq!(list.error_code(), code, "{who:?} {phase:?}");
            // A refusal says nothing about what it guards.
            let text = list.text();
            assert!(!text.contains(ANNA_ANSWER) && !text.contains('2'), "{text}");
        }

        // The receipt: the consortium's only.
        let receipt = get(format!("/api/v1/bids/{}/receipt", cast.anna_bid)).await;
        let expected = match who {
            Who::Anonymous => StatusCode::UNAUTHORIZED,
            Who::Bidder | Who::Partner => StatusCode::OK,
            Who::OwningOfficer | Who::OtherOfficer | Who::Admin => StatusCode::FORBIDDEN,
            Who::OtherBidder => StatusCode::NOT_FOUND,
        };
        assert_eq!(receipt.status, expected, "{who:?} {phase:?}");

        // Public views and the caller's export never show a bid, nor a count.
        let mut public = vec![
            get(format!("/api/v1/tenders/{}", cast.tender)).await,
            get(format!("/api/v1/tenders/{}/ocds", cast.tender)).await,
        ];
        if token.is_some() {
            public.push(get("/api/v1/me/export".into()).await);
        }
        for response in &public {
            let text = response.text();
            assert!(
                !text.contains(ANNA_ANSWER)
                    && !text.contains(BO_ANSWER)
                    && !text.contains(ANNA_COMMITMENT),
                "{who:?} {phase:?} sees a bid: {text:.300}"
            );
            assert!(
                !text.contains("1950000"),
                "{who:?} {phase:?}: a price leaks"
            );
        }
        let page = match who.email() {
            Some(email) => {
                let mut session = PageSession::logged_in(app, email).await;
                session.get(&format!("/tenders/{}", cast.tender)).await
            }
            None => {
                app.page(Method::GET, &format!("/tenders/{}", cast.tender), "", None)
                    .await
            }
        };
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(!html.contains(ANNA_ANSWER) && !html.contains(BO_ANSWER));
        assert!(
            !html.contains("1.950.000"),
            "{who:?} {phase:?}: a price on the page"
        );
    }
}

async fn only_the_bidder_reads_a_bid_until_the_officer_opens_them(backend: Backend) {
    let cast = cast(backend).await;
    check_everyone(&cast, Phase::BeforeDeadline).await;

    cast.app
        .state
        .clock
        .advance(Duration::days(2) + Duration::seconds(1));
    cast.app.run_jobs().await;
    check_everyone(&cast, Phase::AfterDeadline).await;

    let officer = token(&cast.app, Who::OwningOfficer).await;
    let opened = cast
        .app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{}/evaluation/opening", cast.tender),
            officer.as_deref(),
            None,
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
    assert_eq!(opened.json()["bids"], 2);
    check_everyone(&cast, Phase::Opened).await;
}

async fn the_stored_bid_holds_no_plaintext(backend: Backend) {
    let cast = cast(backend).await;
    use socialbid::db::schema::bids;
    let mut conn = cast.app.state.db.get().unwrap();
    let (sealed, place): (String, (i64, i64, i32)) = bids::table
        .find(cast.anna_bid)
        .select((
            bids::sealed,
            (bids::tender_id, bids::organisation_id, bids::lot),
        ))
        .first(&mut *conn)
        .unwrap();
    for plain in [
        ANNA_ANSWER,
        "HEMMELIG",
        ANNA_COMMITMENT,
        "1950000",
        "price",
        "answers",
        "declarations",
    ] {
        assert!(
            !sealed.contains(plain),
            "{plain} is readable in the row: {sealed}"
        );
    }
    let (tender_id, organisation_id, lot) = place;
    let place =
        socialbid::bids::model::place(TenderId(tender_id), OrganisationId(organisation_id), lot);
    let opened = cast.app.state.seal.open(&place, &sealed).unwrap();
    assert!(String::from_utf8(opened).unwrap().contains(ANNA_ANSWER));
    let other_key = BidSeal::from_hex(&secrecy::SecretString::from("ab".repeat(32))).unwrap();
    assert!(
        other_key.open(&place, &sealed).is_err(),
        "opens without the key"
    );
    // The document's file holds no plaintext either, nor does its row.
    let folder = cast.app.state.config.data_dir.join("bid-documents");
    let files: Vec<_> = std::fs::read_dir(folder).unwrap().collect();
    assert_eq!(files.len(), 1);
    let file = std::fs::read(files[0].as_ref().unwrap().path()).unwrap();
    let file = String::from_utf8_lossy(&file);
    assert!(!file.contains(ANNA_DOCUMENT) && !file.contains("%PDF"));
    use socialbid::db::schema::bid_documents;
    let row: String = bid_documents::table
        .select(bid_documents::sealed)
        .first(&mut *conn)
        .unwrap();
    assert!(!row.contains("bilag") && !row.contains("pdf"), "{row}");
    // Copied into another organisation's row, the same text does not open.
    let elsewhere = socialbid::bids::model::place(
        TenderId(tender_id),
        OrganisationId(organisation_id + 1),
        lot,
    );
    assert!(cast.app.state.seal.open(&elsewhere, &sealed).is_err());
}

async fn opening_is_the_owning_officers_once_after_the_deadline(backend: Backend) {
    let cast = cast(backend).await;
    let app = &cast.app;
    let path = format!("/api/v1/tenders/{}/evaluation/opening", cast.tender);
    let owner = token(app, Who::OwningOfficer).await;
    let early = app.api(Method::POST, &path, owner.as_deref(), None).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.error_code(), "bids_before_deadline");

    app.state.clock.advance(Duration::days(3));
    app.run_jobs().await;
    for (who, status, code) in [
        (Who::Anonymous, StatusCode::UNAUTHORIZED, "unauthenticated"),
        (Who::Bidder, StatusCode::FORBIDDEN, "wrong_role"),
        (Who::Admin, StatusCode::FORBIDDEN, "wrong_role"),
        (Who::OtherOfficer, StatusCode::FORBIDDEN, "tender_not_yours"),
    ] {
        let token = token(app, who).await;
        let refused = app.api(Method::POST, &path, token.as_deref(), None).await;
        assert_eq!(
            (refused.status, refused.error_code().as_str()),
            (status, code),
            "{who:?}"
        );
    }
    let owner = token(app, Who::OwningOfficer).await;
    let opened = app.api(Method::POST, &path, owner.as_deref(), None).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
    let twice = app.api(Method::POST, &path, owner.as_deref(), None).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.error_code(), "bids_already_opened");

    // The opening is in the audit log, with who opened.
    let admin = token(app, Who::Admin).await;
    let log = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log",
            admin.as_deref(),
            None,
        )
        .await;
    let text = log.text();
    assert!(
        text.contains("open_bids") && text.contains("mette@aarhus.dk"),
        "{text:.500}"
    );
}
